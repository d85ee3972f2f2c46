//! The database: connection (SQLite by default, PostgreSQL by URL), migrations, first start.
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

use super::config::Config;

/// Connects to the configured database and applies every pending migration.
#[tracing::instrument(skip_all)]
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let url = config.database_url();
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            DbErr::Custom(format!("cannot create {}: {e}", config.data_dir.display()))
        })?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(config.pool_size())
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // A ping before every query doubles the round trips; only idle connections get one.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false)
        // WAL lets readers run beside the writer; NORMAL survives a killed process.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(super::read_path::BUSY_TIMEOUT)
                // The WAL is cut back to this size whenever it is reset (see housekeeping).
                .pragma(
                    "journal_size_limit",
                    super::read_path::JOURNAL_SIZE_LIMIT.to_string(),
                )
        });
    let db = Database::connect(options).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}
