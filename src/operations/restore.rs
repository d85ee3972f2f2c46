//! `appward restore FILE`: a backup put in place of a stopped data folder's database.
//!
//! The backup is checked before anything is replaced (it opens, `integrity_check` is `ok`,
//! it is an Appward database at a migration level this binary knows). No server may be
//! serving the folder: the restore holds the migration lock and the serving lock alone
//! ([`super::serving_lock`]), or refuses; a server started meanwhile waits for it. The
//! backup is copied beside the database (owner-only), synced, and renamed over it in one
//! step; the old database's `-wal` and `-shm` files are removed first, since SQLite would
//! otherwise replay the old WAL onto the new file.
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use super::database_check::{self, Level};
use super::{Failure, serving_lock};
use crate::infra::{Config, db, read_path};

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// The database replaced.
    pub database: PathBuf,
    /// The backup's migration level.
    pub level: Level,
    /// Whether the deployment's key opens the backup's App secrets, in words; `Err` when
    /// it does not (the server would refuse to start): what to do.
    pub key: Result<String, String>,
}

/// Restores the backup `file` into the configured data folder.
pub fn restore(config: &Config, file: &Path) -> Result<Restored, Failure> {
    let Some(database) = read_path::sqlite_file(&config.database_url()) else {
        return Err(
            "appward restore puts back a backup of the embedded SQLite database; \
                    DATABASE_URL names PostgreSQL: restore its pg_dump with pg_restore \
                    (see the README's Operations)"
                .into(),
        );
    };
    // The backup first: nothing is touched if it is not good.
    let (level, sealed) = {
        let backup = database_check::open_existing(file, true)?;
        let problem = |why: String| format!("{} cannot be restored: {why}", file.display());
        database_check::integrity(&backup).map_err(problem)?;
        let level = Level::of(&database_check::sqlite_migrations(&backup).map_err(problem)?)
            .map_err(problem)?;
        let sealed = database_check::sqlite_sealed_secrets(&backup).map_err(problem)?;
        (level, sealed)
    };
    if let Some(folder) = database.parent() {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    // No server on the folder, and none starts (nor migrates) until the restore is done.
    let _migrating = db::migration_lock(&database)?;
    let Some(_alone) = serving_lock::try_hold_alone(&database)? else {
        return Err(serving_lock::server_running(&database, "appward restore").into());
    };
    let beside = with_suffix(&database, &format!(".restoring-{}", std::process::id()));
    let _ = std::fs::remove_file(&beside);
    let copied = copy_owner_only(file, &beside);
    if let Err(error) = copied {
        let _ = std::fs::remove_file(&beside);
        return Err(error);
    }
    for stale in ["-wal", "-shm"] {
        let stale = with_suffix(&database, stale);
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                let _ = std::fs::remove_file(&beside);
                return Err(format!("{}: {error}", stale.display()).into());
            }
        }
    }
    std::fs::rename(&beside, &database).map_err(|e| {
        let _ = std::fs::remove_file(&beside);
        format!("{}: {e}", database.display())
    })?;
    if let Some(folder) = database.parent()
        && let Ok(folder) = std::fs::File::open(folder)
    {
        let _ = folder.sync_all();
    }
    Ok(Restored {
        database,
        level,
        key: database_check::key_opens(config, &sealed),
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies `from` to the new owner-only file `to`, synced.
fn copy_owner_only(from: &Path, to: &Path) -> Result<(), Failure> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut target = options
        .open(to)
        .map_err(|e| format!("{}: {e}", to.display()))?;
    let mut source = std::fs::File::open(from).map_err(|e| format!("{}: {e}", from.display()))?;
    std::io::copy(&mut source, &mut target).map_err(|e| format!("{}: {e}", to.display()))?;
    target
        .sync_all()
        .map_err(|e| format!("{}: {e}", to.display()))?;
    Ok(())
}
