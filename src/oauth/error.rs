//! RFC 6749 §5.2 error responses.
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::ConsoleError;

/// The error codes of RFC 6749 (§4.1.2.1, §5.2) Appward answers with, each with its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthErrorCode {
    /// The request is malformed: 400.
    InvalidRequest,
    /// The App could not be authenticated: 401.
    InvalidClient,
    /// The code or refresh token is unknown, expired, used or revoked: 400.
    InvalidGrant,
    /// The App may not use this grant: 400.
    UnauthorizedClient,
    /// The grant type is not one Appward issues: 400.
    UnsupportedGrantType,
    /// The authorization request asked for something other than a code: 400.
    UnsupportedResponseType,
    /// The user or the rules refused: 403.
    AccessDenied,
    /// The server is too busy for this now: 503.
    TemporarilyUnavailable,
    /// A fault on the server: 500.
    ServerError,
}

impl OAuthErrorCode {
    /// The code as RFC 6749 spells it on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::AccessDenied => "access_denied",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::ServerError => "server_error",
        }
    }

    /// The HTTP status an error with this code is answered with.
    pub fn status(self) -> StatusCode {
        match self {
            Self::InvalidClient => StatusCode::UNAUTHORIZED,
            Self::AccessDenied => StatusCode::FORBIDDEN,
            Self::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            Self::InvalidRequest
            | Self::InvalidGrant
            | Self::UnauthorizedClient
            | Self::UnsupportedGrantType
            | Self::UnsupportedResponseType => StatusCode::BAD_REQUEST,
        }
    }
}

/// An OAuth error: its RFC code, a description for the App's developer, and the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// What kind of error, as RFC 6749 names it.
    pub code: OAuthErrorCode,
    /// What is wrong, in words.
    pub description: String,
    /// Seconds to wait, when the App is being slowed down (HTTP 429) or the server is busy.
    pub retry_after: Option<u64>,
}

impl OAuthError {
    fn new(code: OAuthErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            retry_after: None,
        }
    }

    /// The request is malformed.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(OAuthErrorCode::InvalidRequest, description)
    }

    /// The App could not be authenticated.
    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(OAuthErrorCode::InvalidClient, description)
    }

    /// The code or refresh token is unknown, expired, used or revoked.
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(OAuthErrorCode::InvalidGrant, description)
    }

    /// The App may not use this grant.
    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::new(OAuthErrorCode::UnauthorizedClient, description)
    }

    /// The grant type is not one Appward issues.
    pub fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self::new(OAuthErrorCode::UnsupportedGrantType, description)
    }

    /// The authorization request asked for something other than a code.
    pub fn unsupported_response_type(description: impl Into<String>) -> Self {
        Self::new(OAuthErrorCode::UnsupportedResponseType, description)
    }

    /// Too many failed authentications of this App: 429 with `Retry-After`.
    pub fn too_many_failures(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::invalid_client(format!(
                "Too many failed attempts for this App. Try again in {retry_after} s."
            ))
        }
    }

    /// The HTTP status: 429 when an App is slowed down, else its code's status.
    pub fn status(&self) -> StatusCode {
        match (self.retry_after, self.code) {
            (Some(_), code) if code != OAuthErrorCode::TemporarilyUnavailable => {
                StatusCode::TOO_MANY_REQUESTS
            }
            (_, code) => code.status(),
        }
    }
}

/// A console refusal stays a refusal of the same kind; only a fault becomes `server_error`
/// (logged where it happened: the App learns only that there was one).
impl From<ConsoleError> for OAuthError {
    fn from(error: ConsoleError) -> Self {
        let description = error.to_string();
        match error {
            ConsoleError::Invalid { .. } | ConsoleError::TooLarge => {
                Self::invalid_request(description)
            }
            ConsoleError::SignedOut | ConsoleError::WrongCredentials => {
                Self::invalid_client(description)
            }
            ConsoleError::Forbidden(_) => Self::new(OAuthErrorCode::AccessDenied, description),
            ConsoleError::NotFound(_) | ConsoleError::Conflict(_) => {
                Self::invalid_grant(description)
            }
            ConsoleError::TooManyRequests { retry_after } => Self::too_many_failures(retry_after),
            ConsoleError::Busy { retry_after } => Self {
                retry_after: Some(retry_after),
                ..Self::new(OAuthErrorCode::TemporarilyUnavailable, description)
            },
            ConsoleError::Internal | ConsoleError::Network(_) => Self::new(
                OAuthErrorCode::ServerError,
                "The server could not answer. Try again later.",
            ),
        }
    }
}

impl From<sea_orm::DbErr> for OAuthError {
    fn from(error: sea_orm::DbErr) -> Self {
        ConsoleError::from(error).into()
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        crate::infra::metrics::refused(self.code.as_str());
        let status = self.status();
        let mut response = (
            status,
            Json(json!({ "error": self.code.as_str(), "error_description": self.description })),
        )
            .into_response();
        let headers = response.headers_mut();
        super::no_store(headers);
        if let Some(retry_after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"appward\", charset=\"UTF-8\""),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(error: ConsoleError) -> (&'static str, StatusCode) {
        let error = OAuthError::from(error);
        (error.code.as_str(), error.status())
    }

    #[test]
    fn a_refusal_stays_a_refusal() {
        assert_eq!(
            answered(ConsoleError::Forbidden("no".into())),
            ("access_denied", StatusCode::FORBIDDEN)
        );
        assert_eq!(
            answered(ConsoleError::WrongCredentials),
            ("invalid_client", StatusCode::UNAUTHORIZED)
        );
        assert_eq!(
            answered(ConsoleError::NotFound("gone".into())),
            ("invalid_grant", StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            answered(ConsoleError::invalid("key", "bad")),
            ("invalid_request", StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            answered(ConsoleError::TooManyRequests { retry_after: 3 }),
            ("invalid_client", StatusCode::TOO_MANY_REQUESTS)
        );
        assert_eq!(
            answered(ConsoleError::Busy { retry_after: 1 }),
            ("temporarily_unavailable", StatusCode::SERVICE_UNAVAILABLE)
        );
    }

    #[test]
    fn only_a_fault_is_a_server_error() {
        assert_eq!(
            answered(ConsoleError::Internal),
            ("server_error", StatusCode::INTERNAL_SERVER_ERROR)
        );
    }
}
