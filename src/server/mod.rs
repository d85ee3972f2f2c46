//! The composition root: start-up and the router, which know every feature. Features
//! and the infrastructure they use (`crate::infra`) sit below it and never name it.
mod bundle;
pub mod commands;
mod deadline;
pub mod first_start;
pub mod logging;
mod metrics;
mod observe;
mod router;
pub mod web_security;

pub use router::router;

use std::process::ExitCode;

use crate::infra::{Config, ServerState, db, grant_writer, read_path, secret_box};
use crate::oauth::housekeeping;
use crate::operations;

/// Sets up everything a server needs from its configuration: the database (migrated, unless
/// `APPWARD_MIGRATE=never`), the first Administrator, the key of App secrets, and the state
/// shared by every request; starts housekeeping and the scheduled backups. On a SQLite file
/// the process holds its share of the serving lock from here on (see
/// [`operations::serving_lock`]).
pub async fn start(config: Config) -> Result<ServerState, Box<dyn std::error::Error>> {
    if let Some(database) = read_path::sqlite_file(&config.database_url()) {
        operations::serving_lock::hold_while_serving(&database).await?;
    }
    let secrets = secret_box::SecretBox::load(&config)?;
    let db = db::connect(&config).await?;
    first_start::ensure_administrator(&db, &config).await?;
    secrets.check_against(&db, &config).await?;
    let writer = grant_writer::GrantWriter::start(
        db.clone(),
        read_path::sqlite_file(&config.database_url()).as_deref(),
        &config,
    )?;
    let state = ServerState::new(db, config, secrets, writer);
    housekeeping::start(&state);
    operations::scheduled_backups::start(&state.config);
    Ok(state)
}

/// Runs the server binary: reads the command line ([`commands`]), sets up logging, then
/// serves (the default) or carries out the operator's command.
pub async fn main() -> ExitCode {
    let command = commands::parse();
    if let Err(error) = logging::init() {
        tracing::error!(%error, "bad configuration");
        return ExitCode::FAILURE;
    }
    match command {
        None => serve().await,
        Some(command) => commands::run(command).await,
    }
}

/// `appward serve`: reads the configuration, starts, serves until Ctrl-C or SIGTERM.
pub async fn serve() -> ExitCode {
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
    if let Some(metrics_addr) = state.config.metrics_addr
        && let Err(error) = metrics::start(&state, metrics_addr).await
    {
        tracing::error!(%error, addr = %metrics_addr, "cannot listen for metrics (APPWARD_METRICS_ADDR)");
        return ExitCode::FAILURE;
    }
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
