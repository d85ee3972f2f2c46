//! Faults of the environment, told apart from faults of the code: a database that is busy
//! (a lock held past the busy timeout), full, unreachable, restarting or failing its I/O.
//! A request that meets one is answered 503 with `Retry-After` ([`ConsoleError::Busy`]),
//! never 500: the same request may well succeed a moment later.
//!
//! An incident is logged once when it starts (with the first error) and once when it ends
//! (with how long it lasted and how many requests it touched), both at WARN, not once per
//! request: a flood of identical lines during an incident would fill the very disk the
//! database lives on. It ends when a write succeeds (the grant writer's commit, or the health
//! check's write) after [`QUIET`] without a new fault, so that a database that fails one
//! write in two is one incident, not a pair of lines per request.
use std::sync::LazyLock;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::ConsoleError;

/// How long a client is told to wait before it tries again (seconds).
pub const RETRY_AFTER: u64 = 1;

/// How long writes must go without a fault before the incident counts as ended.
pub const QUIET: Duration = Duration::from_secs(1);

/// The open incident, if any: when it started and what it was.
struct Incident {
    started: Instant,
    what: String,
}

/// Whether an incident is open: read on every successful write, so it is one atomic load.
static OPEN: AtomicBool = AtomicBool::new(false);
/// Requests touched by the open incident.
static TOUCHED: AtomicU64 = AtomicU64::new(0);
static INCIDENT: Mutex<Option<Incident>> = Mutex::new(None);
/// When the last fault was met, in milliseconds since [`EPOCH`].
static LAST_FAULT_MS: AtomicU64 = AtomicU64::new(0);
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

fn elapsed_ms() -> u64 {
    EPOCH.elapsed().as_millis() as u64
}

/// The answer to a request that met the fault `what` (logged when it opens an incident).
pub fn busy(what: impl std::fmt::Display) -> ConsoleError {
    TOUCHED.fetch_add(1, Ordering::Relaxed);
    LAST_FAULT_MS.store(elapsed_ms(), Ordering::Relaxed);
    if !OPEN.load(Ordering::Acquire) {
        let mut incident = INCIDENT
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if incident.is_none() {
            let what = what.to_string();
            tracing::warn!(error = %what, "database fault: requests are answered 503 until it ends");
            *incident = Some(Incident {
                started: Instant::now(),
                what,
            });
            OPEN.store(true, Ordering::Release);
        }
    }
    ConsoleError::Busy {
        retry_after: RETRY_AFTER,
    }
}

/// Counts `requests` more answered 503 in the open incident (if one is open: a request past
/// its deadline on a slow machine opens none).
pub fn touched(requests: u64) {
    if OPEN.load(Ordering::Acquire) {
        TOUCHED.fetch_add(requests, Ordering::Relaxed);
    }
}

/// Whether an incident is open (a fault met, and no write succeeded since).
pub fn is_open() -> bool {
    OPEN.load(Ordering::Acquire)
}

/// A write succeeded: the open incident, if any, has ended.
pub fn write_succeeded() {
    if !OPEN.load(Ordering::Acquire)
        || elapsed_ms().saturating_sub(LAST_FAULT_MS.load(Ordering::Relaxed))
            < QUIET.as_millis() as u64
    {
        return;
    }
    let mut incident = INCIDENT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(ended) = incident.take() {
        OPEN.store(false, Ordering::Release);
        let touched = TOUCHED.swap(0, Ordering::Relaxed);
        tracing::warn!(
            lasted_ms = ended.started.elapsed().as_millis() as u64,
            requests = touched,
            first_error = %ended.what,
            "database fault ended"
        );
    }
}

/// Whether `error` is a fault of the environment rather than of the code.
pub fn is_environmental(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match error {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(error))
        | DbErr::Exec(RuntimeErr::SqlxError(error))
        | DbErr::Query(RuntimeErr::SqlxError(error)) => sqlx_environmental(error),
        DbErr::Conn(_) => true,
        _ => false,
    }
}

fn sqlx_environmental(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match error {
        Error::Io(_)
        | Error::Tls(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed
        | Error::Protocol(_) => true,
        Error::Database(database) => database
            .code()
            .is_some_and(|code| code_is_environmental(&code)),
        _ => false,
    }
}

/// A database error code (SQLite's numeric result code, PostgreSQL's SQLSTATE) that says the
/// environment failed: busy or locked, full, out of memory, I/O, cannot open, read-only
/// file; a connection lost, the server shutting down or not yet accepting, a timeout or a
/// lock not granted, out of resources, a serialization failure or deadlock (retry).
fn code_is_environmental(code: &str) -> bool {
    // A SQLSTATE has five characters, digits or not (`53100`, `57P01`); SQLite's extended
    // result codes have at most four digits.
    if code.len() < 5 {
        return code.parse::<i32>().is_ok_and(sqlite_code_is_environmental);
    }
    matches!(
        code.get(..2),
        Some("08") | Some("53") | Some("57") | Some("58")
    ) || matches!(code, "55P03" | "40001" | "40P01")
}

/// SQLite's primary result codes (the low byte of an extended one) that are environmental.
fn sqlite_code_is_environmental(code: i32) -> bool {
    const BUSY: i32 = 5;
    const LOCKED: i32 = 6;
    const NOMEM: i32 = 7;
    const READONLY: i32 = 8;
    const IOERR: i32 = 10;
    const FULL: i32 = 13;
    const CANTOPEN: i32 = 14;
    const PROTOCOL: i32 = 15;
    matches!(
        code & 0xff,
        BUSY | LOCKED | NOMEM | READONLY | IOERR | FULL | CANTOPEN | PROTOCOL
    )
}

/// Whether a `rusqlite` error (the thin read path, the grant writer) is environmental.
pub fn rusqlite_is_environmental(error: &rusqlite::Error) -> bool {
    match error {
        rusqlite::Error::SqliteFailure(failure, _) => {
            sqlite_code_is_environmental(failure.extended_code)
        }
        _ => false,
    }
}

/// A `rusqlite` error as the request's answer: 503 for a fault of the environment, else a
/// logged 500.
pub fn from_rusqlite(error: rusqlite::Error, doing: &str) -> ConsoleError {
    if rusqlite_is_environmental(&error) {
        busy(format_args!("{doing}: {error}"))
    } else {
        tracing::error!(%error, "{doing}");
        ConsoleError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environmental_codes_are_told_from_the_rest() {
        // SQLite: busy (and its extended BUSY_SNAPSHOT), full, disk I/O; a constraint is not.
        assert!(code_is_environmental("5"));
        assert!(code_is_environmental("517"));
        assert!(code_is_environmental("13"));
        assert!(code_is_environmental("778"));
        assert!(!code_is_environmental("2067"));
        // PostgreSQL: statement timeout, lock timeout, shutdown, disk full; a unique
        // violation and a syntax error are not.
        assert!(code_is_environmental("57014"));
        assert!(code_is_environmental("55P03"));
        assert!(code_is_environmental("57P01"));
        assert!(code_is_environmental("53100"));
        assert!(!code_is_environmental("23505"));
        assert!(!code_is_environmental("42601"));
    }

    #[test]
    fn a_pool_timeout_is_environmental_and_a_missing_row_is_not() {
        assert!(is_environmental(&sea_orm::DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout
        )));
        assert!(!is_environmental(&sea_orm::DbErr::RecordNotFound(
            "x".into()
        )));
    }
}
