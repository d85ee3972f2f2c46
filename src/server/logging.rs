//! The server's log: its level from `RUST_LOG` (default `info`), written to standard output.
use tracing_subscriber::EnvFilter;

/// Starts the process's log.
pub fn init() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
}
