//! The database: connection (SQLite by default, PostgreSQL by URL), migrations, and the
//! transactions of console writes.
//!
//! Every wait fits inside the request deadline: the pool's acquire and connect timeouts and
//! SQLite's busy timeout are `APPWARD_DB_BUSY_TIMEOUT`, and on PostgreSQL so are
//! `lock_timeout` and `statement_timeout` (a statement that runs longer is cancelled and the
//! request answered 503). Migrations run on a connection of their own, without those limits.
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::config::Config;
use super::read_path::JOURNAL_SIZE_LIMIT;

/// The key of the PostgreSQL advisory lock held while migrations run, so that instances
/// started together migrate one at a time ("appward" in ASCII).
const MIGRATION_LOCK: i64 = 0x0061_7070_7761_7264;

/// SQLite's `synchronous` setting for every connection: `APPWARD_SYNCHRONOUS`.
pub fn synchronous(config: &Config) -> &'static str {
    if config.synchronous_full {
        "full"
    } else {
        "normal"
    }
}

/// Connects to the configured database after applying every pending migration
/// (`APPWARD_MIGRATE=auto`, the default), or after making sure none is pending
/// (`APPWARD_MIGRATE=never`: a database that needs one is refused, with what to run).
#[tracing::instrument(skip_all)]
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    if config.migrate_on_start {
        migrate(config).await?;
    } else {
        let pending = pending_migrations(config).await?;
        if !pending.is_empty() {
            return Err(DbErr::Custom(format!(
                "the database needs {} migration(s) ({}) and APPWARD_MIGRATE=never: run \
                 `appward migrate` (after `appward backup`), then start again",
                pending.len(),
                pending.join(", ")
            )));
        }
    }
    open(config).await
}

/// Connects to the configured database as it is, migrating nothing: the pool of a server,
/// and the connection of the operator's commands (`appward reset-password`, …).
pub async fn open(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let url = config.database_url();
    create_data_dir(config)?;
    let busy = config.db_busy_timeout;
    let mut options = sqlite_options(ConnectOptions::new(url), config);
    options
        .max_connections(config.pool_size())
        .min_connections(1)
        .acquire_timeout(busy)
        .connect_timeout(busy)
        .statement_timeout(busy)
        // A ping before every query doubles the round trips; only idle connections get one.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_postgres_opts(move |opts| {
            opts.options([("lock_timeout", busy.as_millis().to_string())])
        });
    Database::connect(options).await
}

fn create_data_dir(config: &Config) -> Result<(), DbErr> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            DbErr::Custom(format!("cannot create {}: {e}", config.data_dir.display()))
        })?;
    }
    Ok(())
}

/// The names of the migrations the configured database lacks, oldest first.
pub async fn pending_migrations(config: &Config) -> Result<Vec<String>, DbErr> {
    create_data_dir(config)?;
    let db = migration_connection(config).await?;
    let pending = Migrator::get_pending_migrations(&db).await;
    let closed = db.close().await;
    let pending = pending?;
    closed?;
    Ok(pending.iter().map(|m| m.name().to_owned()).collect())
}

/// The SQLite settings of every connection (nothing for PostgreSQL): WAL lets readers run
/// beside the writer; `synchronous` as configured; the WAL is cut back to
/// `journal_size_limit` whenever it is reset; no automatic checkpoint inside a commit.
fn sqlite_options(mut options: ConnectOptions, config: &Config) -> ConnectOptions {
    let synchronous = if config.synchronous_full {
        SqliteSynchronous::Full
    } else {
        SqliteSynchronous::Normal
    };
    let busy = config.db_busy_timeout;
    options.map_sqlx_sqlite_opts(move |opts| {
        opts.journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(busy)
            .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string())
            // The WAL checkpointer's thread alone checkpoints (see its module).
            .pragma("wal_autocheckpoint", "0")
    });
    options
}

/// Applies every pending migration on one connection of its own, one instance at a time: on
/// PostgreSQL under an advisory lock held by that connection for the whole run (the pool of
/// one never replaces it: no idle timeout, no lifetime, no ping), on a SQLite file under an
/// exclusive lock of `appward.db.migrating` beside it. The others wait, then find nothing to
/// do. Each migration commits with its record ([`migration`]'s `Atomic`), so a start killed
/// half-way leaves the database as it was. The names of the migrations applied, oldest first.
pub async fn migrate(config: &Config) -> Result<Vec<String>, DbErr> {
    create_data_dir(config)?;
    let _file_lock = match super::read_path::sqlite_file(&config.database_url()) {
        Some(file) => Some(migration_lock(&file)?),
        None => None,
    };
    let db = migration_connection(config).await?;
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    if postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
            .await?;
    }
    let migrated = match Migrator::get_pending_migrations(&db).await {
        Ok(pending) => Migrator::up(&db, None)
            .await
            .map(|()| pending.iter().map(|m| m.name().to_owned()).collect()),
        Err(error) => Err(error),
    };
    let unlocked = if postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
            .await
            .map(|_| ())
    } else {
        Ok(())
    };
    let closed = db.close().await;
    let migrated = migrated?;
    unlocked?;
    closed?;
    Ok(migrated)
}

/// A pool of one connection for migrations, without the request path's limits.
async fn migration_connection(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let mut options = sqlite_options(ConnectOptions::new(config.database_url()), config);
    options
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .test_before_acquire(false)
        .sqlx_logging(false);
    Database::connect(options).await
}

/// The exclusive lock on `appward.db.migrating` beside the SQLite file `database`, which
/// migrations hold (waiting for it when another process holds it); a restore holds it too.
pub fn migration_lock(database: &std::path::Path) -> Result<std::fs::File, DbErr> {
    lock_file(database)
}

/// An exclusive lock on a file beside the SQLite file `database`, held until dropped
/// (released by the system if the process dies).
fn lock_file(database: &std::path::Path) -> Result<std::fs::File, DbErr> {
    let mut name = database.as_os_str().to_owned();
    name.push(".migrating");
    let describe =
        |error: std::io::Error| DbErr::Custom(format!("{}: {error}", database.display()));
    if let Some(folder) = database.parent() {
        std::fs::create_dir_all(folder).map_err(describe)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::path::PathBuf::from(name))
        .map_err(describe)?;
    file.lock().map_err(describe)?;
    Ok(file)
}

/// A console write that reads before it writes: one transaction that holds the write lock
/// from its first statement (`BEGIN IMMEDIATE` on SQLite, waiting out the busy timeout for a
/// lock held elsewhere), so that a commit of the grant writer between its read and its write
/// cannot make it fail with `SQLITE_BUSY` (a deferred transaction's lock upgrade fails at
/// once, without waiting). Commits on `Ok`, rolls back on `Err`.
pub async fn write_transaction<T, E, F>(db: &DatabaseConnection, work: F) -> Result<T, E>
where
    F: for<'c> FnOnce(
            &'c DatabaseTransaction,
        ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
        + Send,
    T: Send,
    E: From<DbErr> + Send,
{
    let transaction = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    match work(&transaction).await {
        Ok(value) => {
            transaction.commit().await?;
            super::faults::write_succeeded();
            Ok(value)
        }
        Err(error) => {
            transaction.rollback().await?;
            Err(error)
        }
    }
}
