//! Whether a server is serving a SQLite data folder: every server holds a shared lock on
//! `appward.db.serving` beside the database for as long as its process lives (the system
//! releases it when the process ends, however it ends), and the commands that must not run
//! under a server (`appward restore`, `appward rotate-key`) take it exclusively, or refuse.
//!
//! Why a lock file rather than SQLite's own locks: a server that is idle holds no SQLite
//! lock an outsider can test (in WAL mode readers and writers lock bytes of the `-shm` file
//! only while they work), while an OS lock on a file is held for the process's life, and a
//! server that starts during a restore waits for it instead of opening a file about to be
//! replaced.
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The lock file beside the SQLite file `database`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".serving");
    PathBuf::from(name)
}

fn open(database: &Path) -> std::io::Result<File> {
    if let Some(folder) = database.parent() {
        std::fs::create_dir_all(folder)?;
    }
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(database))
}

/// A server's share of the lock, kept for the rest of the process's life. Waits while a
/// restore or a key rotation holds the lock.
pub async fn hold_while_serving(database: &Path) -> std::io::Result<()> {
    let file = open(database)?;
    let file = match file.try_lock_shared() {
        Ok(()) => file,
        Err(TryLockError::WouldBlock) => {
            tracing::warn!(
                lock = %lock_path(database).display(),
                "a restore or a key rotation is running on this data folder: waiting for it to end"
            );
            tokio::task::spawn_blocking(move || file.lock_shared().map(|()| file))
                .await
                .map_err(std::io::Error::other)??
        }
        Err(TryLockError::Error(error)) => return Err(error),
    };
    // Held until the process ends, when the system releases it.
    std::mem::forget(file);
    Ok(())
}

/// The lock held alone (no server serves the folder, none can start until it is dropped);
/// `None` when a server holds it.
pub fn try_hold_alone(database: &Path) -> std::io::Result<Option<File>> {
    let file = open(database)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(error)) => Err(error),
    }
}

/// What to say when a server holds the lock of `database`.
pub fn server_running(database: &Path, what: &str) -> String {
    let folder = database.parent().unwrap_or(Path::new("."));
    format!(
        "a server is running on the data folder {} (it holds {}): stop every server on it, \
         then run {what} again",
        folder.display(),
        lock_path(database).display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serving_process_keeps_the_lock_from_being_held_alone() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("appward.db");
        let alone = try_hold_alone(&database).unwrap().expect("no server yet");
        drop(alone);
        let shared = open(&database).unwrap();
        shared.try_lock_shared().unwrap();
        assert!(try_hold_alone(&database).unwrap().is_none());
        drop(shared);
        assert!(try_hold_alone(&database).unwrap().is_some());
    }
}
