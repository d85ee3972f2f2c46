//! The metrics listener (`APPWARD_METRICS_ADDR`): `GET /metrics` in the Prometheus text
//! format, on an address of its own (keep it private: it is not behind the console's
//! headers, limits or sign-in), and nothing else there.
//!
//! Gauges of state that lives elsewhere are read here: the grant writer's queue, the WAL
//! file, the pool and the failure counters at each scrape (each a load or a `stat`); the
//! active sessions by a `COUNT` every [`SESSIONS_EVERY`], so that a scrape never costs a
//! query.
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{DbBackend, EntityTrait, PaginatorTrait, QueryFilter};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::infra::entities::session;
use crate::infra::metrics::{self, FailureStore, Metrics};
use crate::infra::{ServerState, now, read_path};

/// How often the active sessions are counted.
pub const SESSIONS_EVERY: Duration = Duration::from_secs(15);

/// Turns the metrics on and serves them on `addr`; `Err` when the address cannot be bound.
pub async fn start(state: &ServerState, addr: SocketAddr) -> std::io::Result<()> {
    let wal = read_path::sqlite_file(&state.config.database_url()).map(|file| {
        let mut name = file.into_os_string();
        name.push("-wal");
        PathBuf::from(name)
    });
    let metrics = metrics::install(wal.is_some());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("metrics on http://{addr}/metrics");
    count_sessions(state.clone(), metrics);
    let scraped = Scrape {
        state: state.clone(),
        metrics,
        wal,
    };
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state(std::sync::Arc::new(scraped));
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the metrics listener failed");
        }
    });
    Ok(())
}

struct Scrape {
    state: ServerState,
    metrics: &'static Metrics,
    wal: Option<PathBuf>,
}

async fn scrape(State(scrape): State<std::sync::Arc<Scrape>>) -> Response {
    let Scrape {
        state,
        metrics,
        wal,
    } = &*scrape;
    metrics
        .writer_queue_depth
        .set(state.grant_writer.queue_depth() as i64);
    if let Some(wal) = wal {
        let bytes = tokio::fs::metadata(wal).await.map_or(0, |meta| meta.len());
        metrics
            .wal_bytes
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }
    let (open, idle) = pool_connections(state);
    metrics.pool_open.set(open);
    metrics.pool_in_use.set(open.saturating_sub(idle));
    // `len` runs the stores' pending housekeeping first: exact, and off the request path.
    metrics.set_failure_keys(FailureStore::SignIn, state.sign_in_failures.len());
    metrics.set_failure_keys(FailureStore::ClientAuth, state.client_auth_failures.len());
    metrics.set_failure_keys(FailureStore::LoginSlowdown, state.sign_in_slowdown.len());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(metrics::CONTENT_TYPE),
        )],
        metrics.render(),
    )
        .into_response()
}

/// The pool's open and idle connections (sqlx's own counts).
fn pool_connections(state: &ServerState) -> (i64, i64) {
    match state.db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = state.db.get_sqlite_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        DbBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        _ => (0, 0),
    }
}

/// Counts the sessions not yet expired every [`SESSIONS_EVERY`], for as long as the process
/// runs.
fn count_sessions(state: ServerState, metrics: &'static Metrics) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SESSIONS_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match active_sessions(&state).await {
                Ok(count) => {
                    metrics
                        .active_sessions
                        .set(i64::try_from(count).unwrap_or(i64::MAX));
                }
                Err(error) => tracing::debug!(%error, "counting the active sessions"),
            }
        }
    });
}

/// The sessions neither idle past `APPWARD_SESSION_TTL` nor, for the portal's, older than
/// `APPWARD_PORTAL_SESSION_TTL`.
async fn active_sessions(state: &ServerState) -> Result<u64, sea_orm::DbErr> {
    let at = now();
    let idle_since = at - state.config.session_ttl.as_secs() as i64;
    let portal_since = at - state.config.portal_session_ttl.as_secs() as i64;
    session::Entity::find()
        .filter(Expr::col(session::Column::LastSeenAt).gte(idle_since))
        .filter(
            Expr::col(session::Column::FromPortal)
                .eq(false)
                .or(Expr::col(session::Column::CreatedAt).gte(portal_since)),
        )
        .count(&state.db)
        .await
}
