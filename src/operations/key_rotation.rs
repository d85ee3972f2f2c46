//! `appward rotate-key`: every App secret sealed again with a new key, in one transaction;
//! the old key is refused afterwards (a start with it finds that it opens nothing).
//!
//! Servers hold the key in memory, so none may serve while it runs: on SQLite the command
//! holds the serving lock alone ([`super::serving_lock`]) or refuses; on PostgreSQL the
//! operator stops every instance first. The new key goes where the old one was: the key
//! file is replaced (the old one kept beside it under a dated name, since backups taken
//! before need it), or, with `APPWARD_SECRET_KEY`, the new key is printed once, before the
//! transaction commits, for the operator to put in the variable.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Failure, serving_lock};
use crate::infra::entities::app;
use crate::infra::secret_box::{KEY_FILE, SecretBox};
use crate::infra::{Config, db, read_path};

/// Where the new key went.
#[derive(Debug)]
pub enum NewKey {
    /// Into the key file; the old key was moved to `old`.
    File {
        /// The key file.
        path: PathBuf,
        /// The old key, kept for the backups taken before.
        old: PathBuf,
    },
    /// Printed on standard output, for `APPWARD_SECRET_KEY`.
    Printed,
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotated {
    /// How many App secrets were sealed again.
    pub resealed: usize,
    /// Where the new key went.
    pub new_key: NewKey,
}

/// Rotates the key of App secrets; `terminal` receives the new key when it is
/// `APPWARD_SECRET_KEY`'s (before the commit: a key lost after it would lose every secret).
pub async fn rotate(config: &Config, terminal: &mut dyn Write) -> Result<Rotated, Failure> {
    let Some(old) = SecretBox::load_existing(config).map_err(|e| e.to_string())? else {
        return Err(format!(
            "there is no key to rotate: APPWARD_SECRET_KEY is not set and there is no key file \
             at {} (a deployment gets one at its first start)",
            config.data_dir.join(KEY_FILE).display()
        )
        .into());
    };
    super::database_check::require_current(config).await?;
    let database = read_path::sqlite_file(&config.database_url());
    let _alone = match &database {
        Some(database) => match serving_lock::try_hold_alone(database)? {
            Some(lock) => Some(lock),
            None => {
                return Err(serving_lock::server_running(database, "appward rotate-key").into());
            }
        },
        None => None,
    };
    let from_variable = old.from_variable();
    let (key, encoded) = SecretBox::generate_key();
    let new = SecretBox::new(&key);
    let key_file = config.data_dir.join(KEY_FILE);
    let staged = with_suffix(&key_file, ".new");
    if from_variable {
        writeln!(
            terminal,
            "The new key (shown only this once; it is applied only if this command ends \
             without error):\n\n    APPWARD_SECRET_KEY={encoded}\n"
        )?;
        terminal.flush()?;
    } else {
        write_owner_only(&staged, &encoded)?;
    }
    let db = db::open(config).await?;
    let resealed = db::write_transaction(&db, |txn| {
        Box::pin(async move {
            let sealed = app::Entity::find()
                .filter(app::Column::SecretSealed.ne(""))
                .all(txn)
                .await?;
            let mut count = 0;
            for row in sealed {
                let plain = old
                    .open(&row.key, &row.secret_sealed)
                    .map_err(|_| -> Failure {
                        format!(
                            "{} does not open the secret of the App {}: nothing was changed",
                            old.describe(),
                            row.key
                        )
                        .into()
                    })?;
                let resealed = new.seal(&row.key, &plain);
                debug_assert!(new.opens(&row.key, &resealed));
                let mut changed: app::ActiveModel = row.into();
                changed.secret_sealed = Set(resealed);
                sea_orm::ActiveModelTrait::update(changed, txn).await?;
                count += 1;
            }
            Ok::<_, Failure>(count)
        })
    })
    .await;
    let _ = db.close().await;
    let resealed = match resealed {
        Ok(count) => count,
        Err(error) => {
            let _ = std::fs::remove_file(&staged);
            return Err(error);
        }
    };
    if from_variable {
        return Ok(Rotated {
            resealed,
            new_key: NewKey::Printed,
        });
    }
    // Committed: the new key takes the key file's name (one rename), the old one moves aside.
    let kept = with_suffix(
        &key_file,
        &format!(".old-{}", super::compact_utc(std::time::SystemTime::now())),
    );
    let describe = |e: std::io::Error| -> Failure {
        format!(
            "the App secrets are now sealed with the key in {}, which could not be moved to {}: \
             {e}; move it there yourself before starting",
            staged.display(),
            key_file.display()
        )
        .into()
    };
    std::fs::hard_link(&key_file, &kept).map_err(describe)?;
    std::fs::rename(&staged, &key_file).map_err(describe)?;
    if let Some(folder) = key_file.parent()
        && let Ok(folder) = std::fs::File::open(folder)
    {
        let _ = folder.sync_all();
    }
    Ok(Rotated {
        resealed,
        new_key: NewKey::File {
            path: key_file,
            old: kept,
        },
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes `contents` to the new owner-only file `path` (one left by a failed run replaced), synced.
fn write_owner_only(path: &Path, contents: &str) -> Result<(), Failure> {
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("{}: {e}", path.display()).into())
}
