//! An online backup of the SQLite file: one `VACUUM INTO`, which reads the whole database in
//! one read transaction (a consistent snapshot, taken while the server goes on writing: in
//! WAL mode a reader never blocks the writer) and writes a compact copy. Not the stepped
//! backup API, which starts again whenever the server writes and so never ends under load.
//!
//! The copy holds password hashes and sealed App secrets: it is created empty, readable by
//! its owner only (0600), before SQLite writes into it, under a temporary name beside the
//! target; it is synced, checked (`PRAGMA integrity_check`), and only then linked under its
//! name, which must not exist (a backup is never overwritten). The key that opens the App
//! secrets is never inside it.
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Failure;
use super::database_check;

/// A backup written and checked.
#[derive(Debug)]
pub struct Written {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// How long it took, checks included.
    pub took: Duration,
}

/// Writes a checked copy of the live SQLite database `database` to `target`, which must
/// not exist. Waits at most `busy_timeout` for a lock (only a migration holds one that
/// long). Blocking: call it on a blocking thread.
pub fn write(database: &Path, target: &Path, busy_timeout: Duration) -> Result<Written, Failure> {
    let started = Instant::now();
    if target.exists() {
        return Err(format!(
            "{} exists: a backup is never overwritten; give another file name, or remove that file first",
            target.display()
        )
        .into());
    }
    let source = database_check::open_existing(database, false)?;
    source.busy_timeout(busy_timeout)?;
    let folder = match target.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", target.display()))?;
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(file_name);
    partial_name.push(format!(".partial-{}", std::process::id()));
    let partial = folder.join(partial_name);
    let _ = std::fs::remove_file(&partial);
    let result = write_partial(&source, &partial).and_then(|bytes| {
        std::fs::hard_link(&partial, target).map_err(|error| -> Failure {
            if error.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "{} appeared while the backup was written: a backup is never overwritten",
                    target.display()
                )
                .into()
            } else {
                format!("{}: {error}", target.display()).into()
            }
        })?;
        Ok(bytes)
    });
    let _ = std::fs::remove_file(&partial);
    let bytes = result?;
    // The new name itself survives a power cut.
    if let Ok(folder) = std::fs::File::open(&folder) {
        let _ = folder.sync_all();
    }
    Ok(Written {
        path: target.to_owned(),
        bytes,
        took: started.elapsed(),
    })
}

/// `VACUUM INTO` the owner-only file `partial`, synced and checked; its size.
fn write_partial(source: &rusqlite::Connection, partial: &Path) -> Result<u64, Failure> {
    let describe =
        |error: std::io::Error| -> Failure { format!("{}: {error}", partial.display()).into() };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    // SQLite writes into an empty file it is given, keeping its mode.
    drop(options.open(partial).map_err(describe)?);
    let name = partial
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", partial.display()))?;
    source
        .execute("VACUUM INTO ?1", [name])
        .map_err(|error| format!("writing the backup: {error}"))?;
    let written = std::fs::File::open(partial).map_err(describe)?;
    written.sync_all().map_err(describe)?;
    let bytes = written.metadata().map_err(describe)?.len();
    let check = database_check::open_existing(partial, true)?;
    database_check::integrity(&check)
        .map_err(|problem| format!("the backup just written fails its check: {problem}"))?;
    Ok(bytes)
}
