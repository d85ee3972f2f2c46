//! What `appward verify` checks of a database, and `appward restore` of a backup before it
//! replaces anything: SQLite's `PRAGMA integrity_check`, the migration level (every
//! migration recorded is one this binary knows), and that the deployment's key opens every
//! sealed App secret.
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::path::Path;

use super::Failure;
use crate::infra::Config;
use crate::infra::secret_box::{KEY_FILE, SecretBox};

/// The migrations this binary knows, oldest first.
pub fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect()
}

/// Refuses a SQLite database that does not exist (a command must not create an empty one
/// in a mistyped `APPWARD_DATA_DIR`); PostgreSQL's is the server's to have.
pub fn require_database(config: &Config) -> Result<(), Failure> {
    match crate::infra::read_path::sqlite_file(&config.database_url()) {
        Some(file) if !file.is_file() => Err(format!(
            "there is no database file at {} (check APPWARD_DATA_DIR)",
            file.display()
        )
        .into()),
        _ => Ok(()),
    }
}

/// Refuses, as [`require_database`] does, a missing database, and one with pending
/// migrations: a command that writes works on this binary's schema only.
pub async fn require_current(config: &Config) -> Result<(), Failure> {
    require_database(config)?;
    let pending = crate::infra::db::pending_migrations(config).await?;
    if !pending.is_empty() {
        return Err(format!(
            "the database needs {} migration(s): run `appward migrate` first",
            pending.len()
        )
        .into());
    }
    Ok(())
}

/// Opens an existing SQLite file (never creates one), read-only when `read_only`.
pub fn open_existing(path: &Path, read_only: bool) -> Result<rusqlite::Connection, Failure> {
    use rusqlite::OpenFlags;
    if !path.is_file() {
        return Err(format!(
            "there is no database file at {} (check the path, or APPWARD_DATA_DIR)",
            path.display()
        )
        .into());
    }
    let mode = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    };
    rusqlite::Connection::open_with_flags(path, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|error| format!("cannot open {}: {error}", path.display()).into())
}

/// SQLite's `PRAGMA integrity_check`: `Ok` when it says `ok`, else its first findings.
pub fn integrity(connection: &rusqlite::Connection) -> Result<(), String> {
    let findings = connection
        .prepare("PRAGMA integrity_check(20)")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map_err(|error| format!("integrity check failed: {error}"))?;
    if findings == ["ok"] {
        Ok(())
    } else {
        Err(format!(
            "integrity check failed: {}",
            findings
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        ))
    }
}

/// Where a database stands among the migrations this binary knows.
#[derive(Debug, Clone)]
pub struct Level {
    /// How many of the known migrations it has.
    pub applied: usize,
    /// How many this binary knows.
    pub known: usize,
    /// The known migrations it lacks (applied by `appward migrate`, or a start).
    pub pending: Vec<String>,
}

impl Level {
    /// From the migrations a database records: an error when it records none (not an
    /// Appward database) or one this binary does not know (made by a newer release).
    pub fn of(recorded: &[String]) -> Result<Self, String> {
        if recorded.is_empty() {
            return Err("not an Appward database (no migration recorded)".into());
        }
        let known = known_migrations();
        let unknown: Vec<&String> = recorded.iter().filter(|m| !known.contains(m)).collect();
        if !unknown.is_empty() {
            return Err(format!(
                "made by a newer release of Appward: migration(s) {} unknown to this one; \
                 use that release (or a newer one)",
                unknown
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let pending: Vec<String> = known
            .iter()
            .filter(|m| !recorded.contains(m))
            .cloned()
            .collect();
        Ok(Self {
            applied: known.len() - pending.len(),
            known: known.len(),
            pending,
        })
    }

    /// "migration level 8 of 8", with what is pending.
    pub fn describe(&self) -> String {
        if self.pending.is_empty() {
            format!("migration level {} of {}", self.applied, self.known)
        } else {
            format!(
                "migration level {} of {} ({} pending: `appward migrate` applies them)",
                self.applied,
                self.known,
                self.pending.len()
            )
        }
    }
}

/// The migrations a SQLite database records.
pub fn sqlite_migrations(connection: &rusqlite::Connection) -> Result<Vec<String>, String> {
    let has_table: bool = connection
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'seaql_migrations'",
            [],
            |row| row.get(0),
        )
        .map_err(|error| format!("cannot read the schema: {error}"))?;
    if !has_table {
        return Ok(Vec::new());
    }
    connection
        .prepare("SELECT version FROM seaql_migrations ORDER BY version")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map_err(|error| format!("cannot read the migrations: {error}"))
}

/// The App key and sealed secret of every App that has one (removed Apps included).
pub fn sqlite_sealed_secrets(
    connection: &rusqlite::Connection,
) -> Result<Vec<(String, String)>, String> {
    connection
        .prepare(SEALED_SECRETS)
        .and_then(|mut statement| {
            statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(String, String)>>>()
        })
        .map_err(|error| format!("cannot read the App secrets: {error}"))
}

const SEALED_SECRETS: &str = "SELECT key, secret_sealed FROM app WHERE secret_sealed <> ''";

/// The migrations a PostgreSQL database records.
async fn postgres_migrations(db: &DatabaseConnection) -> Result<Vec<String>, String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .map_err(|error| format!("cannot read the migrations: {error}"))?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "version"))
        .collect::<Result<_, _>>()
        .map_err(|error| format!("cannot read the migrations: {error}"))
}

async fn postgres_sealed_secrets(db: &DatabaseConnection) -> Result<Vec<(String, String)>, String> {
    let rows = db
        .query_all_raw(Statement::from_string(DbBackend::Postgres, SEALED_SECRETS))
        .await
        .map_err(|error| format!("cannot read the App secrets: {error}"))?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "key")?, row.try_get("", "secret_sealed")?)))
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(|error| format!("cannot read the App secrets: {error}"))
}

/// Whether the deployment's key (`APPWARD_SECRET_KEY`, else the key file in the data
/// folder; never created here) opens every one of `sealed`: what it found, or why not.
pub fn key_opens(config: &Config, sealed: &[(String, String)]) -> Result<String, String> {
    let secrets = SecretBox::load_existing(config).map_err(|error| error.to_string())?;
    if sealed.is_empty() {
        return Ok("no App secret to open".into());
    }
    let Some(secrets) = secrets else {
        return Err(format!(
            "no key to open its {} App secret(s): neither APPWARD_SECRET_KEY nor {} is there; \
             put back the key kept with this database",
            sealed.len(),
            config.data_dir.join(KEY_FILE).display()
        ));
    };
    let closed = sealed
        .iter()
        .filter(|(key, secret)| !secrets.opens(key, secret))
        .count();
    if closed == 0 {
        Ok(format!(
            "{} opens all {} App secret(s)",
            secrets.describe(),
            sealed.len()
        ))
    } else {
        Err(format!(
            "{} does not open {closed} of {} App secret(s): it is not the key they were sealed \
             with; put back the key kept with this database",
            secrets.describe(),
            sealed.len()
        ))
    }
}

/// `appward verify [FILE]`: the SQLite file `file` (a backup), else the configured database,
/// checked whole. `Ok`: the one-line verdict of a good database; `Err`: what is wrong.
pub async fn verify(config: &Config, file: Option<&Path>) -> Result<String, String> {
    let sqlite_file = match file {
        Some(file) => Some(file.to_owned()),
        None => crate::infra::read_path::sqlite_file(&config.database_url()),
    };
    let (integrity, recorded, sealed) = match &sqlite_file {
        Some(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || -> Result<_, String> {
                let connection = open_existing(&path, true).map_err(|e| e.to_string())?;
                integrity(&connection)?;
                let recorded = sqlite_migrations(&connection)?;
                Level::of(&recorded)?;
                Ok((
                    "integrity ok",
                    recorded,
                    sqlite_sealed_secrets(&connection)?,
                ))
            })
            .await
            .map_err(|error| error.to_string())??
        }
        None => {
            let db = crate::infra::db::open(config)
                .await
                .map_err(|error| format!("cannot reach the database: {error}"))?;
            let recorded = postgres_migrations(&db).await?;
            Level::of(&recorded)?;
            let sealed = postgres_sealed_secrets(&db).await?;
            let _ = db.close().await;
            ("integrity left to PostgreSQL", recorded, sealed)
        }
    };
    let level = Level::of(&recorded)?;
    let key = key_opens(config, &sealed)?;
    Ok(format!("{integrity}; {}; {key}", level.describe()))
}
