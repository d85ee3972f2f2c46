//! What every feature stands on: configuration, the database and its entities, crypto,
//! the sealed secrets box, the failure limiter and the login slowdown, request metadata and the shared state.
//! Nothing here knows a feature; the features and the composition root (`crate::server`)
//! use it.
pub mod bundle_names;
mod clock;
pub mod config;
pub mod config_error;
pub mod cross_site;
pub mod crypto;
pub mod db;
pub mod deadline;
pub mod embedding_settings;
pub mod entities;
pub mod failure_limit;
pub mod faults;
pub mod grant_rows;
pub mod grant_writer;
pub mod login_slowdown;
pub mod metrics;
pub mod read_path;
pub mod request_meta;
pub mod secret_box;
mod state;
mod wal_checkpointer;

pub use clock::now;
pub use config::Config;
pub use request_meta::RequestMeta;
pub use state::{ServerState, state};

use crate::error::ConsoleError;

/// A fault of the environment (busy, full, unreachable) is a 503 to retry, logged once per
/// incident ([`faults`]); anything else is a fault of the code, logged in full, a 500.
impl From<sea_orm::DbErr> for ConsoleError {
    fn from(error: sea_orm::DbErr) -> Self {
        if faults::is_environmental(&error) {
            return faults::busy(error);
        }
        tracing::error!(%error, "database error");
        ConsoleError::Internal
    }
}

impl From<sea_orm::TransactionError<ConsoleError>> for ConsoleError {
    fn from(error: sea_orm::TransactionError<ConsoleError>) -> Self {
        match error {
            sea_orm::TransactionError::Connection(error) => error.into(),
            sea_orm::TransactionError::Transaction(error) => error,
        }
    }
}

/// A stored time (Unix seconds) as RFC 3339 UTC, `2026-11-22T10:00:00Z`: how times travel
/// to the browser, which shows them in the viewer's locale.
pub fn utc_rfc3339(seconds: i64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds.max(0) as u64);
    humantime::format_rfc3339_seconds(at).to_string()
}

/// Whether the server function being answered was called by a plain HTML form (no script:
/// the browser accepts `text/html`), rather than by the hydrated page's `fetch`.
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .map(|accept| accept.contains("text/html"))
        })
        .unwrap_or(false)
}
