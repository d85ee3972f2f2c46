//! Background WAL checkpoints on SQLite: a thread with its own connection copies what the
//! grant writer has just committed from the WAL into the database file, a few milliseconds
//! after each commit, while the writer goes on committing.
//!
//! Why: with WAL and `synchronous=NORMAL` a commit writes to the WAL without syncing it; the
//! sync comes at the checkpoint, and SQLite's automatic checkpoint runs inside the `COMMIT`
//! that crosses `wal_autocheckpoint` pages, with every request of that batch (and every one
//! queued behind it) waiting. Under a flood of token requests that was a 10–20 ms stall
//! several times a second: most of it syncing megabytes of WAL. Done here instead, the
//! automatic checkpoint still runs (a backstop: should this thread fall behind, the writer
//! copies the rest itself), but finds nearly everything copied and synced already. Once a
//! pass has copied everything and no reader still uses the WAL, the writer's next
//! transaction starts the WAL afresh.
//!
//! A passive checkpoint waits for nobody: readers and the writer go on, and what they still
//! need stays in the WAL for the next pass.
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::Duration;

use super::read_path::BUSY_TIMEOUT;

/// The least time between two passes: commits that land meanwhile share the next one.
const PAUSE: Duration = Duration::from_millis(5);

/// The handle the writer nudges after each commit. Dropping it (the writer's thread ends)
/// stops the thread after its current pass.
#[derive(Debug)]
pub struct WalCheckpointer {
    nudges: SyncSender<()>,
}

impl WalCheckpointer {
    /// Starts the checkpointing thread on the SQLite file `file`.
    pub fn start(file: &Path) -> std::io::Result<Self> {
        let connection = Connection::open(file)
            .and_then(|connection| {
                connection.busy_timeout(BUSY_TIMEOUT)?;
                Ok(connection)
            })
            .map_err(std::io::Error::other)?;
        // One nudge pending is enough: the pass that takes it copies everything committed.
        let (nudges, nudged) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("wal-checkpointer".into())
            .spawn(move || run(&connection, &nudged))?;
        Ok(Self { nudges })
    }

    /// Tells the thread that something was committed (never waits).
    pub fn nudge(&self) {
        match self.nudges.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) => {}
            Err(TrySendError::Disconnected(())) => {
                tracing::warn!("the WAL checkpointer has stopped");
            }
        }
    }
}

fn run(connection: &Connection, nudged: &Receiver<()>) {
    while nudged.recv().is_ok() {
        if let Err(error) = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!(%error, "background WAL checkpoint");
        }
        std::thread::sleep(PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// The file's size on disk: pages reach it only through a checkpoint.
    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0)
    }

    #[test]
    fn what_is_committed_reaches_the_database_file_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("wal.db");
        let writer = Connection::open(&file).unwrap();
        writer.pragma_update(None, "journal_mode", "wal").unwrap();
        // The writer never checkpoints by itself here: only the thread can move the pages.
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer
            .execute_batch("CREATE TABLE t (v BLOB NOT NULL)")
            .unwrap();
        let checkpointer = WalCheckpointer::start(&file).unwrap();
        let before = file_len(&file);
        for _ in 0..200 {
            writer
                .execute("INSERT INTO t (v) VALUES (zeroblob(4000))", [])
                .unwrap();
        }
        // Not nudged yet: the rows are in the WAL only.
        std::thread::sleep(PAUSE * 4);
        assert_eq!(file_len(&file), before, "nothing is copied before a nudge");
        checkpointer.nudge();
        let deadline = Instant::now() + Duration::from_secs(10);
        while file_len(&file) < before + 200 * 4000 {
            assert!(
                Instant::now() < deadline,
                "the committed rows did not reach the database file: {} bytes",
                file_len(&file)
            );
            std::thread::sleep(PAUSE);
        }
        // The copy is a real one: a fresh connection reads every row.
        let reader = Connection::open(&file).unwrap();
        let rows: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 200);
    }
}
