//! Scheduled online backups of the SQLite file (`APPWARD_BACKUP_DIR`, `APPWARD_BACKUP_EVERY`,
//! `APPWARD_BACKUP_KEEP`): every period, a [`super::backup`] named
//! `appward-YYYYMMDDTHHMMSSZ.db` (UTC) in the folder, checked before it takes its name; then
//! the oldest beyond the number kept are removed.
//!
//! One scheduler, however many server processes share the database: the one that holds
//! `appward.db.scheduled-backups` (an OS lock beside the database, released when its process
//! ends) takes them; the others try for the lock once a period and take over when it is
//! free. The next backup is due one period after the newest in the folder, so a takeover or
//! a restart keeps the pace. A failure is logged when it starts and when backups work
//! again, never more, and never stops the server.
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{Failure, backup, compact_utc};
use crate::infra::secret_box::KEY_FILE;
use crate::infra::{Config, read_path};

const PREFIX: &str = "appward-";
const SUFFIX: &str = ".db";

/// Starts the scheduler of a server, when `APPWARD_BACKUP_DIR` is set.
pub fn start(config: &Config) {
    let Some(folder) = config.backup_dir.clone() else {
        return;
    };
    let Some(database) = read_path::sqlite_file(&config.database_url()) else {
        tracing::warn!(
            "APPWARD_BACKUP_DIR is set, but scheduled backups are for the embedded SQLite \
             database: on PostgreSQL, schedule pg_dump instead (see the README's Operations)"
        );
        return;
    };
    let schedule = Schedule {
        database,
        folder,
        every: config.backup_every,
        keep: config.backup_keep,
        busy_timeout: config.db_busy_timeout,
        key: match config.secret_key {
            Some(_) => "APPWARD_SECRET_KEY".to_owned(),
            None => format!("the key file {}", config.data_dir.join(KEY_FILE).display()),
        },
    };
    tokio::spawn(schedule.run());
}

struct Schedule {
    database: PathBuf,
    folder: PathBuf,
    every: Duration,
    keep: usize,
    busy_timeout: Duration,
    key: String,
}

impl Schedule {
    async fn run(self) {
        let _lock = self.become_the_scheduler().await;
        // What a backup interrupted by the end of an earlier process left.
        for entry in std::fs::read_dir(&self.folder)
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&format!(".{PREFIX}")) && name.contains(".partial-") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        tracing::info!(
            folder = %self.folder.display(),
            every = %humantime::format_duration(self.every),
            keep = self.keep,
            "this process takes the scheduled backups. They never hold the key that opens the \
             App secrets: keep {} safely apart from them, since restoring a backup needs it",
            self.key
        );
        let mut failing = false;
        let mut due = self.first_due();
        loop {
            if let Ok(wait) = due.duration_since(SystemTime::now()) {
                tokio::time::sleep(wait.min(self.every)).await;
            }
            let attempt = SystemTime::now();
            due = attempt + self.every;
            match self.take_one(attempt).await {
                Ok(written) => {
                    if failing {
                        failing = false;
                        tracing::warn!("scheduled backups work again");
                    }
                    tracing::debug!(
                        path = %written.path.display(),
                        bytes = written.bytes,
                        took = ?written.took,
                        "scheduled backup written and checked"
                    );
                }
                Err(error) => {
                    if !failing {
                        failing = true;
                        tracing::error!(
                            %error,
                            folder = %self.folder.display(),
                            "a scheduled backup failed; tried again every period, and said \
                             again only once backups work"
                        );
                    }
                }
            }
        }
    }

    /// Waits until this process holds the scheduler's lock: it then keeps it.
    async fn become_the_scheduler(&self) -> Option<File> {
        let mut name = self.database.as_os_str().to_owned();
        name.push(".scheduled-backups");
        let mut said = false;
        loop {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(PathBuf::from(&name));
            match file.map(|file| file.try_lock().map(|()| file)) {
                Ok(Ok(file)) => return Some(file),
                Ok(Err(TryLockError::WouldBlock)) => {}
                Ok(Err(TryLockError::Error(error))) | Err(error) => {
                    if !said {
                        said = true;
                        tracing::error!(%error, "scheduled backups cannot take their lock; retried every period");
                    }
                }
            }
            tokio::time::sleep(self.every.min(Duration::from_secs(60))).await;
        }
    }

    /// One period after the newest backup in the folder; now when there is none.
    fn first_due(&self) -> SystemTime {
        backups(&self.folder)
            .last()
            .and_then(|name| taken_at(name))
            .map_or_else(SystemTime::now, |at| at + self.every)
    }

    async fn take_one(&self, at: SystemTime) -> Result<backup::Written, Failure> {
        std::fs::create_dir_all(&self.folder)
            .map_err(|e| format!("{}: {e}", self.folder.display()))?;
        let target = self
            .folder
            .join(format!("{PREFIX}{}{SUFFIX}", compact_utc(at)));
        let (database, busy_timeout) = (self.database.clone(), self.busy_timeout);
        let written =
            tokio::task::spawn_blocking(move || backup::write(&database, &target, busy_timeout))
                .await
                .map_err(|error| error.to_string())??;
        let names = backups(&self.folder);
        for old in names.iter().take(names.len().saturating_sub(self.keep)) {
            let old = self.folder.join(old);
            std::fs::remove_file(&old).map_err(|e| format!("{}: {e}", old.display()))?;
            tracing::debug!(path = %old.display(), "old scheduled backup removed");
        }
        Ok(written)
    }
}

/// The names of the scheduled backups in `folder`, oldest first.
fn backups(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| taken_at(name).is_some())
        .collect();
    names.sort();
    names
}

/// When the backup `name` was taken, if it is the name of a scheduled backup.
fn taken_at(name: &str) -> Option<SystemTime> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let bytes = stamp.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| {
        stamp
            .get(range)
            .filter(|part| part.bytes().all(|b| b.is_ascii_digit()))
    };
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        digits(0..4)?,
        digits(4..6)?,
        digits(6..8)?,
        digits(9..11)?,
        digits(11..13)?,
        digits(13..15)?
    );
    humantime::parse_rfc3339(&rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_scheduled_backup_names_count_and_they_sort_by_time() {
        let at = taken_at("appward-20261123T050320Z.db").unwrap();
        assert_eq!(
            format!("{PREFIX}{}{SUFFIX}", compact_utc(at)),
            "appward-20261123T050320Z.db"
        );
        for other in [
            "appward.db",
            "appward-20261123T050320Z.db.partial-7",
            ".appward-20261123T050320Z.db.partial-7",
            "appward-2026112T050320Z.db",
            "appward-20261123T0503x0Z.db",
            "secret.key",
        ] {
            assert_eq!(taken_at(other), None, "{other}");
        }
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "appward-20261124T000000Z.db",
            "appward-20261123T050320Z.db",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        assert_eq!(
            backups(dir.path()),
            ["appward-20261123T050320Z.db", "appward-20261124T000000Z.db"]
        );
    }
}
