//! Everything that runs only on the server: configuration, database, router, services.
pub mod config;
pub mod crypto;
pub mod db;
pub mod entities;
pub mod failure_limit;
mod first_start;
pub mod grant_writer;
pub mod housekeeping;
pub mod read_path;
mod router;
pub mod secret_box;
mod state;
pub mod web_security;

pub use config::Config;
pub use router::router;
pub use state::{ServerState, state};

use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

use crate::error::ConsoleError;

impl From<sea_orm::DbErr> for ConsoleError {
    fn from(error: sea_orm::DbErr) -> Self {
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

/// Sets up everything a server needs from its configuration: the database (migrated),
/// the first Administrator, the key of App secrets, and the state shared by every request.
pub async fn start(config: Config) -> Result<ServerState, Box<dyn std::error::Error>> {
    let secrets = secret_box::SecretBox::load(&config)?;
    let db = db::connect(&config).await?;
    first_start::ensure_administrator(&db, &config).await?;
    let writer = grant_writer::GrantWriter::start(
        db.clone(),
        read_path::sqlite_file(&config.database_url()).as_deref(),
    )?;
    let state = ServerState::new(db, config, secrets, writer);
    housekeeping::start(&state);
    Ok(state)
}

/// Runs the server binary: reads the configuration, starts, serves until Ctrl-C or SIGTERM.
pub async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(%error, "bad configuration");
            return ExitCode::FAILURE;
        }
    };
    let addr = config.site_addr;
    let state = match start(config).await {
        Ok(state) => state,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, %addr, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{addr}");
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        tracing::error!(%error, "server failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate.recv() => {},
    }
}

/// The current time in whole seconds since the Unix epoch: how every time is stored.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0)
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
