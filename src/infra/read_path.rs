//! The thin read path on SQLite: token checks, App authentication and introspection run as
//! prepared, cached statements (`prepare_cached`) on a `rusqlite` connection owned by the
//! thread that serves the request.
//!
//! Why not sqlx here: it runs every SQLite query on a thread of its own connection and hands
//! the rows back, and those hand-offs were about 40% of the server's CPU on `/uapi/v1/me`. A
//! point read by a unique hash takes microseconds, so it is done in place.
//!
//! Nothing is cached but statements: every check reads the store, so a revocation, a
//! suspension or a Regenerate written by any instance holds at the next request. The SQL is
//! built once per call site by `sea-query` from the SeaORM entities (see
//! [`sqlite_sql`]); the schema and its migrations stay SeaORM's.
//!
//! The SQLite library itself is built (`LIBSQLITE3_FLAGS` in `.cargo/config.toml`) with no
//! lock that every connection of the process shares on a read: libsqlite3-sys's default
//! `SQLITE_ENABLE_MEMORY_MANAGEMENT` puts every connection's pages in one cache behind one
//! mutex, entered on each page a statement touches, and memory statistics
//! (`SQLITE_DEFAULT_MEMSTATUS`) enter another on each allocation. Each connection now has a
//! cache of its own, and the request threads, the grant writer and the checkpointer no longer
//! queue on each other there.
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use sea_orm::ActiveEnum;
use sea_orm::sea_query::{QueryStatementWriter, SqliteQueryBuilder};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::domain::{AccountLevel, ApiKind};
use crate::error::ConsoleError;

/// The WAL file is cut back to this size when it is reset (SQLite's `journal_size_limit`).
pub const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// The SQLite file of one server, read through thread-owned connections.
#[derive(Debug)]
pub struct ReadPath {
    file: PathBuf,
    /// Tells this server's connections from those of another server in the same process
    /// (the tests run many).
    id: u64,
    /// How long a read waits for a lock (`APPWARD_DB_BUSY_TIMEOUT`).
    busy_timeout: Duration,
}

thread_local! {
    /// This thread's connections, one per [`ReadPath`] it has served.
    static CONNECTIONS: RefCell<Vec<(u64, rusqlite::Connection)>> = const { RefCell::new(Vec::new()) };
}

impl ReadPath {
    /// The read path of the SQLite file `database_url` names; `None` for PostgreSQL or an
    /// in-memory database (those read through SeaORM).
    pub fn for_url(database_url: &str, busy_timeout: Duration) -> Option<Self> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Some(Self {
            file: sqlite_file(database_url)?,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            busy_timeout,
        })
    }

    /// Runs `read` on this thread's connection to the file (opened on first use). A failed
    /// read drops the connection, so the next one starts afresh; a fault of the environment
    /// (busy, I/O) answers 503 ([`super::faults`]), anything else is logged, a 500.
    pub fn with<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, ConsoleError> {
        CONNECTIONS.with(|cell| {
            let mut connections = cell.borrow_mut();
            let index = match connections.iter().position(|(id, _)| *id == self.id) {
                Some(index) => index,
                None => {
                    let connection =
                        open_reader(&self.file, self.busy_timeout).map_err(|error| {
                            super::faults::from_rusqlite(error, "opening a SQLite reader")
                        })?;
                    connections.push((self.id, connection));
                    connections.len() - 1
                }
            };
            read(&connections[index].1).map_err(|error| {
                connections.swap_remove(index);
                super::faults::from_rusqlite(error, "SQLite read")
            })
        })
    }
}

/// The file of a `sqlite:` URL (`sqlite://data/appward.db?mode=rwc`), unless it is in memory.
pub fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(path))
}

fn open_reader(file: &Path, busy_timeout: Duration) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let connection = rusqlite::Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(busy_timeout)?;
    // Belt and braces: this connection only ever reads.
    connection.pragma_update(None, "query_only", true)?;
    Ok(connection)
}

/// The product's enums come off the thin path through their SeaORM mapping (the one place
/// their stored spellings are written), as they do through SeaORM.
fn active_enum<E: ActiveEnum>(value: E::Value) -> FromSqlResult<E> {
    E::try_from_value(&value).map_err(|error| FromSqlError::Other(Box::new(error)))
}

impl FromSql for ApiKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        active_enum(String::column_result(value)?)
    }
}

impl FromSql for AccountLevel {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        active_enum(i16::column_result(value)?)
    }
}

/// The SQLite text of a statement built with `sea-query` from the entities. Constants are
/// written into the text; what changes per call is a named parameter (`Expr::cust(":name")`),
/// bound by the caller. Built once per call site and kept in a `OnceLock`.
pub fn sqlite_sql(statement: &impl QueryStatementWriter) -> String {
    statement.to_string(SqliteQueryBuilder)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SQLite built for the server (`LIBSQLITE3_FLAGS` in `.cargo/config.toml`) shares no
    /// page cache between connections and counts no memory: either would put a process-wide
    /// mutex into every read of every thread.
    #[test]
    fn sqlite_is_built_without_process_wide_locks_in_its_reads() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        let used = |option: &str| -> bool {
            connection
                .query_row("SELECT sqlite_compileoption_used(?1)", [option], |row| {
                    row.get(0)
                })
                .unwrap()
        };
        assert!(
            !used("ENABLE_MEMORY_MANAGEMENT"),
            "one page cache for every connection"
        );
        assert!(used("DEFAULT_MEMSTATUS=0"), "memory statistics kept");
    }

    #[test]
    fn only_sqlite_files_have_a_read_path() {
        assert_eq!(
            sqlite_file("sqlite://data/appward.db?mode=rwc"),
            Some(PathBuf::from("data/appward.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:/tmp/x.db"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://file.db?mode=memory"), None);
        assert_eq!(sqlite_file("postgres://u:p@localhost/db"), None);
    }
}
