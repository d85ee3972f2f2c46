//! The server's metrics, for Prometheus (`APPWARD_METRICS_ADDR`): one set per process,
//! installed by the server binary only when that listener is configured. Until then every
//! recording function below is one atomic load and a branch (no recorder, nothing counted).
//!
//! What is counted on the hot path is pre-registered: the handles of each counter are made
//! once (a route's when its template is first seen) and kept, so a request bumps atomics and
//! allocates nothing. Labels are only ever fixed strings: a route *template* (never the raw
//! path, which holds App keys), a status class, an OAuth error code, a grant type. The number
//! of series therefore does not grow with the number of Apps or tokens.
//!
//! Gauges of things that live elsewhere (the writer's queue, the WAL file, the pool, the
//! failure counters, the sessions) are set from the outside, at scrape time or on a timer
//! (`crate::server`), never per request.
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// The process's metrics, when they are on.
#[inline]
pub fn get() -> Option<&'static Metrics> {
    METRICS.get()
}

/// Turns the metrics on for this process (idempotent); `sqlite` adds the WAL's size.
pub fn install(sqlite: bool) -> &'static Metrics {
    METRICS.get_or_init(|| Metrics::new(sqlite))
}

/// The label of requests that matched no route (static files, 404s).
pub const UNMATCHED: &str = "unmatched";

/// The label of routes seen past [`MAX_ROUTES`] (never reached by Appward's own router: a
/// bound on the series, should a template ever be made per request).
const OTHER_ROUTE: &str = "other";

/// The most route templates given series of their own.
const MAX_ROUTES: usize = 256;

/// The status classes, as labelled: index `status / 100 - 1`.
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Request latency buckets, in seconds: from half a millisecond (a token check) to past
/// the default 5 s request deadline.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Commit latency buckets of the grant writer, in seconds.
const COMMIT_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.0,
];

/// Batch size buckets of the grant writer (its batches hold at most 1024 jobs).
const BATCH_BUCKETS: [f64; 11] = [
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
];

/// The grant types tokens are issued under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantType {
    /// `authorization_code`.
    AuthorizationCode = 0,
    /// `refresh_token`.
    RefreshToken = 1,
    /// `client_credentials`.
    ClientCredentials = 2,
}

const GRANT_TYPES: [&str; 3] = ["authorization_code", "refresh_token", "client_credentials"];

/// Where a token was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckedAt {
    /// `GET /uapi/v1/me`.
    UnifiedApi = 0,
    /// The SystemAPI's SOAP service.
    Soap = 1,
    /// `POST /oauth/introspect`.
    Introspection = 2,
}

const CHECKED_AT: [&str; 3] = ["uapi", "soap", "introspection"];

/// What a token check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckResult {
    /// The token is live and of that API (introspection: `active: true`).
    Valid = 0,
    /// Unknown, expired, of a suspended App or of the other API (`active: false`).
    Invalid = 1,
    /// The check itself failed: busy or a fault.
    Error = 2,
}

const CHECK_RESULTS: [&str; 3] = ["valid", "invalid", "error"];

/// The failure counters whose keys are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureStore {
    /// Failed sign-ins per login and client network.
    SignIn = 0,
    /// Failed App authentications per App and client network.
    ClientAuth = 1,
    /// Failed sign-ins per login from anywhere (the slowdown).
    LoginSlowdown = 2,
}

const FAILURE_STORES: [&str; 3] = ["sign_in", "client_auth", "login_slowdown"];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: &'static str,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GrantLabels {
    grant_type: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CheckLabels {
    endpoint: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreLabels {
    store: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    git_hash: &'static str,
}

/// The handles of one route template: a counter per status class, and its latencies.
struct RouteMetrics {
    requests: [Counter; 5],
    latency: Histogram,
}

/// Every series of the process, and the registry that writes them out.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    routes: RwLock<HashMap<Box<str>, &'static RouteMetrics>>,
    tokens_issued: [Counter; 3],
    token_checks: [[Counter; 3]; 3],
    refusals: Family<ReasonLabels, Counter>,
    writer_batch_size: Histogram,
    writer_commit_seconds: Histogram,
    failure_keys: [Gauge; 3],
    /// Jobs waiting for the grant writer (set at scrape time).
    pub writer_queue_depth: Gauge,
    /// Bytes of the SQLite WAL file (set at scrape time; not registered on PostgreSQL).
    pub wal_bytes: Gauge,
    /// Pool connections lent out to a request or task (set at scrape time).
    pub pool_in_use: Gauge,
    /// Pool connections open, in use or idle (set at scrape time).
    pub pool_open: Gauge,
    /// Console sessions not yet expired (a count on a timer).
    pub active_sessions: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Metrics {
    fn new(sqlite: bool) -> Self {
        let mut registry = Registry::with_prefix("appward");
        registry.register(
            "build",
            "The running build: its version, and its git commit when it was built with APPWARD_GIT_HASH",
            Info::new(BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
                git_hash: option_env!("APPWARD_GIT_HASH").unwrap_or("unknown"),
            }),
        );
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status class",
            http_requests.clone(),
        );
        let http_latency: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (to its headers), by route template",
            http_latency.clone(),
        );
        let tokens = Family::<GrantLabels, Counter>::default();
        registry.register(
            "tokens_issued",
            "Access tokens issued, by grant type",
            tokens.clone(),
        );
        let tokens_issued =
            GRANT_TYPES.map(|grant_type| tokens.get_or_create_owned(&GrantLabels { grant_type }));
        let checks = Family::<CheckLabels, Counter>::default();
        registry.register(
            "token_checks",
            "Access tokens checked (UnifiedAPI, SOAP, introspection), by result",
            checks.clone(),
        );
        let token_checks = CHECKED_AT.map(|endpoint| {
            CHECK_RESULTS
                .map(|result| checks.get_or_create_owned(&CheckLabels { endpoint, result }))
        });
        let refusals = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "oauth_refusals",
            "OAuth requests refused, by OAuth error code",
            refusals.clone(),
        );
        let writer_batch_size = Histogram::new(BATCH_BUCKETS);
        registry.register(
            "grant_writer_batch_size",
            "Jobs (grants, last-use records, probes) committed per batch by the grant writer",
            writer_batch_size.clone(),
        );
        let writer_commit_seconds = Histogram::new(COMMIT_BUCKETS);
        registry.register(
            "grant_writer_commit_duration_seconds",
            "Time the grant writer takes to commit one batch",
            writer_commit_seconds.clone(),
        );
        let writer_queue_depth = Gauge::default();
        registry.register(
            "grant_writer_queue_depth",
            "Jobs waiting for the grant writer",
            writer_queue_depth.clone(),
        );
        let wal_bytes = Gauge::default();
        if sqlite {
            registry.register(
                "sqlite_wal_bytes",
                "Size of the SQLite write-ahead log file",
                wal_bytes.clone(),
            );
        }
        let pool_in_use = Gauge::default();
        registry.register(
            "db_pool_connections_in_use",
            "Database pool connections lent out (SQLite token checks and the grant writer use their own connections)",
            pool_in_use.clone(),
        );
        let pool_open = Gauge::default();
        registry.register(
            "db_pool_connections_open",
            "Database pool connections open, in use or idle",
            pool_open.clone(),
        );
        let stores = Family::<StoreLabels, Gauge>::default();
        registry.register(
            "failure_limit_keys",
            "Keys held by each failure counter",
            stores.clone(),
        );
        let failure_keys =
            FAILURE_STORES.map(|store| stores.get_or_create_owned(&StoreLabels { store }));
        let active_sessions = Gauge::default();
        registry.register(
            "active_sessions",
            "Console sessions not yet expired (counted every 15 s)",
            active_sessions.clone(),
        );
        Self {
            registry,
            http_requests,
            http_latency,
            routes: RwLock::new(HashMap::new()),
            tokens_issued,
            token_checks,
            refusals,
            writer_batch_size,
            writer_commit_seconds,
            failure_keys,
            writer_queue_depth,
            wal_bytes,
            pool_in_use,
            pool_open,
            active_sessions,
        }
    }

    /// Counts a request answered with `status` after `elapsed`, under its route template.
    pub fn http_request(&self, route: &str, status: u16, elapsed: Duration) {
        let handles = self.route(route);
        let class = usize::from((status / 100).clamp(1, 5)) - 1;
        handles.requests[class].inc();
        handles.latency.observe(elapsed.as_secs_f64());
    }

    /// The handles of `route`, made the first time it is seen.
    fn route(&self, route: &str) -> &'static RouteMetrics {
        if let Some(handles) = self
            .routes
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(route)
        {
            return handles;
        }
        let mut routes = self
            .routes
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let full = routes.len() >= MAX_ROUTES;
        let key = if full { OTHER_ROUTE } else { route };
        if let Some(handles) = routes.get(key) {
            return handles;
        }
        // Kept for the life of the process, as the series are: at most MAX_ROUTES + 1.
        let label: &'static str = Box::leak(key.to_owned().into_boxed_str());
        let handles: &'static RouteMetrics = Box::leak(Box::new(RouteMetrics {
            requests: STATUS_CLASSES.map(|status| {
                self.http_requests.get_or_create_owned(&HttpLabels {
                    route: label,
                    status,
                })
            }),
            latency: self
                .http_latency
                .get_or_create_owned(&RouteLabels { route: label }),
        }));
        routes.insert(label.into(), handles);
        handles
    }

    /// The failure counter `store` holds `keys` keys.
    pub fn set_failure_keys(&self, store: FailureStore, keys: u64) {
        self.failure_keys[store as usize].set(i64::try_from(keys).unwrap_or(i64::MAX));
    }

    /// Every series, in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut text = String::with_capacity(16 * 1024);
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry);
        text
    }
}

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Counts a token issued under `grant`.
#[inline]
pub fn token_issued(grant: GrantType) {
    if let Some(metrics) = get() {
        metrics.tokens_issued[grant as usize].inc();
    }
}

/// Counts a token checked at `at` with the result `result`.
#[inline]
pub fn token_checked(at: CheckedAt, result: CheckResult) {
    if let Some(metrics) = get() {
        metrics.token_checks[at as usize][result as usize].inc();
    }
}

/// Counts an OAuth request refused with the error code `reason`.
#[inline]
pub fn refused(reason: &'static str) {
    if let Some(metrics) = get() {
        metrics
            .refusals
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }
}

/// Records a batch of `jobs` the grant writer committed (or failed to) in `took`.
#[inline]
pub fn writer_batch(jobs: usize, took: Duration) {
    if let Some(metrics) = get() {
        metrics.writer_batch_size.observe(jobs as f64);
        metrics.writer_commit_seconds.observe(took.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_bounded_and_counted_by_class() {
        let metrics = Metrics::new(true);
        for n in 0..(MAX_ROUTES + 50) {
            metrics.http_request(&format!("/route/{n}"), 200, Duration::from_millis(1));
        }
        metrics.http_request("/route/0", 503, Duration::from_millis(2));
        metrics.http_request("/route/0", 599, Duration::from_millis(2));
        metrics.http_request("/route/0", 42, Duration::from_millis(2));
        let text = metrics.render();
        assert!(
            text.contains(r#"appward_http_requests_total{route="/route/0",status="5xx"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"appward_http_requests_total{route="/route/0",status="1xx"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"appward_http_requests_total{route="other",status="2xx"} 50"#),
            "{text}"
        );
        let routes = metrics.routes.read().unwrap().len();
        assert_eq!(routes, MAX_ROUTES + 1);
        assert!(text.contains("appward_build_info{version="), "{text}");
        assert!(text.contains("appward_sqlite_wal_bytes"), "{text}");
        assert!(!Metrics::new(false).render().contains("wal_bytes"));
    }
}
