//! The one encoding of server-function answers, of `ConsoleError` and of the data a page
//! hands from the server to the browser: JSON.
//!
//! The server writes it with serde_json. The browser reads it with miniserde, whose
//! deserializers are a few small functions per type over one shared parser (serde_json's
//! are a large generic parser per type, and bring Rust's float printing along for their
//! error messages): about 14 KB less in the gzipped wasm every page loads. Every answer
//! type therefore derives `miniserde::Deserialize` beside serde's traits, and the unit tests
//! below read serde_json's output of each with miniserde (`read_back`).
use leptos::prelude::Resource;
use leptos::server::codee;
use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;

/// JSON in the body.
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: miniserde::Deserialize> Decodes<T> for JsonText {
    type Error = miniserde::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        // JSON is UTF-8 (RFC 8259).
        let text = std::str::from_utf8(&bytes).map_err(|_| miniserde::Error)?;
        miniserde::json::from_str(text)
    }
}

/// The output encoding of every server function: `#[server(output = crate::codec::Json)]`.
pub type Json = Post<JsonText>;

/// How a [`Resource`](leptos::prelude::Resource) of a page hands its `Result` from the
/// server-rendered page to the browser (serde's `{"Ok": …}` / `{"Err": …}`).
pub struct Outcome;

impl<T: Serialize, E: Serialize> codee::Encoder<Result<T, E>> for Outcome {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &Result<T, E>) -> Result<String, Self::Error> {
        serde_json::to_string(value)
    }
}

impl<T, E> codee::Decoder<Result<T, E>> for Outcome
where
    T: miniserde::Deserialize,
    E: miniserde::Deserialize,
{
    type Error = miniserde::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<Result<T, E>, Self::Error> {
        /// serde's form of a `Result`: one of the two keys.
        #[derive(miniserde::Deserialize)]
        struct Tagged<T, E> {
            #[serde(rename = "Ok")]
            ok: Option<T>,
            #[serde(rename = "Err")]
            err: Option<E>,
        }
        match miniserde::json::from_str::<Tagged<T, E>>(text)? {
            Tagged {
                ok: Some(value),
                err: None,
            } => Ok(Ok(value)),
            Tagged {
                ok: None,
                err: Some(error),
            } => Ok(Err(error)),
            _ => Err(miniserde::Error),
        }
    }
}

/// A resource of a page that loads a `Result` (of its data or a `ConsoleError`) whenever
/// `source` changes, handed from the server-rendered page to the browser by [`Outcome`].
/// (A blocking one: `Resource::<_, Outcome>::new_with_options(source, fetcher, true)`.)
#[track_caller]
pub fn resource<S, T, E, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, E>, Outcome>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + miniserde::Deserialize + Send + Sync + 'static,
    E: Serialize + miniserde::Deserialize + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Debug;

    /// What the browser reads of what the server wrote is what the server had.
    fn read_back<T>(value: T)
    where
        T: Serialize + miniserde::Deserialize + PartialEq + Debug,
    {
        let written = serde_json::to_string(&value).unwrap();
        let read: T = miniserde::json::from_str(&written)
            .unwrap_or_else(|_| panic!("miniserde could not read {written}"));
        assert_eq!(read, value, "{written}");
    }

    #[test]
    fn every_answer_type_is_read_back() {
        use crate::access_tokens::{AccessTokenPage, AccessTokenRow};
        use crate::accounts::AccountRow;
        use crate::apps::{AppDetails, AppPage, AppRow, RegisteredApp};
        use crate::apps_management::{ManagedAppPage, ManagedAppRow, RemovedManagedApps};
        use crate::domain::{AccountLevel, ApiKind, AppForm};
        use crate::session::SignedInAccount;

        // Text a JSON string must escape, and text beyond ASCII.
        let odd = "quote \" slash \\ tab \t line \n \u{1} é 漢 🙂".to_owned();
        let row = |key: &str, owner: Option<String>| AppRow {
            key: key.into(),
            name: odd.clone(),
            description: String::new(),
            homepage: "https://bücher.example/".into(),
            homepage_lookalike: true,
            owner_login: owner,
            trusted: false,
            updated_at: "2026-12-03T10:00:00Z".into(),
        };
        read_back(AppPage {
            rows: vec![row("a", None), row("b", Some("owner".into()))],
            total: u64::MAX,
            page: 0,
        });
        for (api, trusted) in [
            (ApiKind::SystemApi, None),
            (ApiKind::UnifiedApi, Some("on".into())),
        ] {
            read_back(RegisteredApp {
                app: AppDetails {
                    key: "k".into(),
                    api,
                    form: AppForm {
                        name: odd.clone(),
                        trusted,
                        ..AppForm::default()
                    },
                    owner_login: Some("o".into()),
                    suspended: true,
                    created_at: "c".into(),
                    updated_at: "u".into(),
                },
                secret: "s".repeat(32),
            });
        }
        read_back(ManagedAppPage {
            rows: vec![ManagedAppRow {
                key: "k".into(),
                name: odd.clone(),
                description: odd.clone(),
                homepage: "h".into(),
                homepage_href: "https://h/".into(),
                homepage_lookalike: false,
                suspended: true,
                manageable: false,
                access_tokens: 1_000_000,
                updated_at: "u".into(),
            }],
            total: 1,
            page: 3,
        });
        read_back(RemovedManagedApps {
            removed: 2,
            deauthorized: 1,
        });
        read_back(AccessTokenPage {
            rows: vec![AccessTokenRow {
                id: i64::MAX,
                expires_at: "e".into(),
                user_agent: odd.clone(),
                issued_at: "i".into(),
                last_used_at: String::new(),
            }],
            total: 1,
            page: 0,
        });
        for level in AccountLevel::ALL {
            read_back(vec![AccountRow {
                id: -1,
                login: "l".into(),
                name: odd.clone(),
                level,
                parent_login: None,
                parent_id: Some(1),
            }]);
            read_back(SignedInAccount {
                id: 1,
                login: "l".into(),
                name: odd.clone(),
                level,
            });
        }
        read_back(odd);
        read_back(true);
        read_back(7_u64);
        read_back(());
    }

    #[test]
    fn the_browser_reads_every_variant_the_server_writes() {
        for error in [
            crate::error::ConsoleError::invalid("name", "is \"required\""),
            crate::error::ConsoleError::SignedOut,
            crate::error::ConsoleError::WrongCredentials,
            crate::error::ConsoleError::Forbidden("no".into()),
            crate::error::ConsoleError::NotFound("gone".into()),
            crate::error::ConsoleError::Conflict("taken".into()),
            crate::error::ConsoleError::TooLarge,
            crate::error::ConsoleError::TooManyRequests { retry_after: 3 },
            crate::error::ConsoleError::Busy { retry_after: 1 },
            crate::error::ConsoleError::Internal,
            crate::error::ConsoleError::Network("down".into()),
        ] {
            read_back(error);
        }
        for wrong in [
            r#""Nope""#,
            r#"{"Nope":"x"}"#,
            r#"{"Forbidden":"a","Conflict":"b"}"#,
            "{}",
        ] {
            assert!(
                miniserde::json::from_str::<crate::error::ConsoleError>(wrong).is_err(),
                "{wrong}"
            );
        }
    }

    #[test]
    fn a_result_is_read_back_either_way() {
        type Answer = Result<(u64, Vec<String>), crate::error::ConsoleError>;
        for value in [
            Answer::Ok((1_733_000_000_000, vec!["a \"quoted\" \u{e9}".into()])),
            Answer::Err(crate::error::ConsoleError::SignedOut),
            Answer::Err(crate::error::ConsoleError::invalid("name", "is required")),
        ] {
            let written = <Outcome as codee::Encoder<Answer>>::encode(&value).unwrap();
            let read = <Outcome as codee::Decoder<Answer>>::decode(&written).unwrap();
            assert_eq!(read, value, "{written}");
        }
        assert!(
            <Outcome as codee::Decoder<Answer>>::decode(r#"{"Ok":[1,[]],"Err":"Internal"}"#)
                .is_err()
        );
        assert!(<Outcome as codee::Decoder<Answer>>::decode("{}").is_err());
    }
}
