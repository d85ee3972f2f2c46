//! The one error type of Appward: every refusal and fault, with its HTTP status.
use serde::{Deserialize, Serialize};
use server_fn_codec::{FromServerFnError, ServerFnErrorErr};

// Leptos re-exports the server-function error plumbing under one path.
mod server_fn_codec {
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// Everything that can go wrong in a request, shared by the browser and the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ConsoleError {
    /// 400: a value the user typed is wrong; `field` names it.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// 401: nobody is signed in (or the session expired).
    #[error("Please sign in.")]
    SignedOut,
    /// 401: the login and password do not match an account.
    #[error("Wrong login or password.")]
    WrongCredentials,
    /// 403: signed in, but this account may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: there is no such thing (or it is outside the account's scope to know of).
    #[error("{0}")]
    NotFound(String),
    /// 409: the request conflicts with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// 413: the request is larger than allowed.
    #[error("The request is too large.")]
    TooLarge,
    /// 429: too many attempts; try again after the given seconds.
    #[error("Too many attempts. Try again in {}.", seconds(*.retry_after))]
    TooManyRequests { retry_after: u64 },
    /// 503: the server is too busy for this now (password checks queue up); try again after
    /// the given seconds.
    #[error("The server is busy. Try again in {}.", seconds(*.retry_after))]
    Busy { retry_after: u64 },
    /// 500: a real fault, logged in full on the server; the browser gets this plain message.
    #[error("Internal error. Please try again later.")]
    Internal,
    /// The browser could not reach the server or read its answer.
    #[error("Could not reach the server: {0}")]
    Network(String),
}

/// `1 second`, `3 seconds`.
fn seconds(count: u64) -> String {
    match count {
        1 => "1 second".to_owned(),
        _ => format!("{count} seconds"),
    }
}

impl ConsoleError {
    /// A bad value for one form field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status code this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } => 400,
            Self::SignedOut | Self::WrongCredentials => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::TooLarge => 413,
            Self::TooManyRequests { .. } => 429,
            Self::Internal => 500,
            Self::Busy { .. } => 503,
            Self::Network(_) => 502,
        }
    }

    /// The message for `field`, when this error is about that field.
    pub fn message_for(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for ConsoleError {
    type Encoder = crate::codec::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                Self::invalid("request", message)
            }
            ServerFnErrorErr::MissingArg(name) => Self::invalid(name, "is required"),
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                Self::Network(message)
            }
            _ => Self::Internal,
        }
    }
}

/// How the browser reads a `ConsoleError` that serde_json wrote (see [`crate::codec`]):
/// serde's externally tagged form, `"SignedOut"` or `{"Invalid":{"field":…,"message":…}}`.
mod wire {
    use crate::error::ConsoleError;
    use miniserde::de::{Deserialize, Map, Visitor};
    use miniserde::{Error, Result, make_place};

    make_place!(Place);

    #[derive(miniserde::Deserialize)]
    struct Field {
        field: String,
        message: String,
    }

    #[derive(miniserde::Deserialize)]
    struct RetryAfter {
        retry_after: u64,
    }

    impl Deserialize for ConsoleError {
        fn begin(out: &mut Option<Self>) -> &mut dyn Visitor {
            Place::new(out)
        }
    }

    impl Visitor for Place<ConsoleError> {
        /// A variant without data.
        fn string(&mut self, variant: &str) -> Result<()> {
            self.out = Some(match variant {
                "SignedOut" => ConsoleError::SignedOut,
                "WrongCredentials" => ConsoleError::WrongCredentials,
                "TooLarge" => ConsoleError::TooLarge,
                "Internal" => ConsoleError::Internal,
                _ => return Err(Error),
            });
            Ok(())
        }

        /// A variant with data: one key, the variant's name.
        fn map(&mut self) -> Result<Box<dyn Map + '_>> {
            Ok(Box::new(Variant {
                out: &mut self.out,
                name: None,
                text: None,
                field: None,
                retry: None,
            }))
        }
    }

    struct Variant<'a> {
        out: &'a mut Option<ConsoleError>,
        name: Option<String>,
        text: Option<String>,
        field: Option<Field>,
        retry: Option<RetryAfter>,
    }

    impl Map for Variant<'_> {
        fn key(&mut self, name: &str) -> Result<&mut dyn Visitor> {
            if self.name.replace(name.to_owned()).is_some() {
                return Err(Error);
            }
            match name {
                "Invalid" => Ok(Deserialize::begin(&mut self.field)),
                "TooManyRequests" | "Busy" => Ok(Deserialize::begin(&mut self.retry)),
                "Forbidden" | "NotFound" | "Conflict" | "Network" => {
                    Ok(Deserialize::begin(&mut self.text))
                }
                _ => Err(Error),
            }
        }

        fn finish(&mut self) -> Result<()> {
            let text = self.text.take().ok_or(Error);
            let retry_after = self
                .retry
                .take()
                .map(|retry| retry.retry_after)
                .ok_or(Error);
            *self.out = Some(match self.name.as_deref().ok_or(Error)? {
                "Invalid" => {
                    let Field { field, message } = self.field.take().ok_or(Error)?;
                    ConsoleError::Invalid { field, message }
                }
                "TooManyRequests" => ConsoleError::TooManyRequests {
                    retry_after: retry_after?,
                },
                "Busy" => ConsoleError::Busy {
                    retry_after: retry_after?,
                },
                "Forbidden" => ConsoleError::Forbidden(text?),
                "NotFound" => ConsoleError::NotFound(text?),
                "Conflict" => ConsoleError::Conflict(text?),
                _ => ConsoleError::Network(text?),
            });
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_status() {
        let cases = [
            (ConsoleError::invalid("name", "is required"), 400),
            (ConsoleError::SignedOut, 401),
            (ConsoleError::WrongCredentials, 401),
            (ConsoleError::Forbidden("no".into()), 403),
            (ConsoleError::NotFound("no".into()), 404),
            (ConsoleError::Conflict("no".into()), 409),
            (ConsoleError::TooLarge, 413),
            (ConsoleError::TooManyRequests { retry_after: 3 }, 429),
            (ConsoleError::Internal, 500),
        ];
        for (error, status) in cases {
            assert_eq!(error.status(), status, "{error:?}");
        }
    }

    #[test]
    fn a_bad_argument_is_bad_input() {
        let error =
            ConsoleError::from_server_fn_error(ServerFnErrorErr::Args("missing field".into()));
        assert_eq!(error.status(), 400);
        assert_eq!(
            ConsoleError::from_server_fn_error(ServerFnErrorErr::MissingArg("login".into()))
                .message_for("login")
                .as_deref(),
            Some("is required")
        );
    }

    #[test]
    fn a_wait_is_told_in_seconds_as_people_say_them() {
        assert_eq!(
            ConsoleError::Busy { retry_after: 1 }.to_string(),
            "The server is busy. Try again in 1 second."
        );
        assert_eq!(
            ConsoleError::TooManyRequests { retry_after: 42 }.to_string(),
            "Too many attempts. Try again in 42 seconds."
        );
    }

    #[test]
    fn the_error_travels_as_json() {
        let error = ConsoleError::invalid("login", "is taken");
        let bytes = error.ser();
        assert_eq!(ConsoleError::de(bytes), error);
    }
}
