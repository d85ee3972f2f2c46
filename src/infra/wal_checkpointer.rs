//! Background WAL checkpoints on SQLite: a thread with its own connection copies what the
//! grant writer has just committed from the WAL into the database file, a few milliseconds
//! after each commit, while the writer goes on committing; and it keeps the WAL file small.
//!
//! Why: with WAL and `synchronous=NORMAL` a commit writes to the WAL without syncing it; the
//! sync comes at the checkpoint, and SQLite's automatic checkpoint runs inside the `COMMIT`
//! that crosses `wal_autocheckpoint` pages, with every request of that batch (and every one
//! queued behind it) waiting. Under a flood of token requests that was a 10–20 ms stall
//! several times a second: most of it syncing megabytes of WAL. Worse, after a long reader
//! (a backup) lets go of its snapshot, the first `COMMIT` copied the whole backlog, tens of
//! megabytes, while every request waited: 200–500 ms. So every connection that writes has
//! `wal_autocheckpoint=0`, and this thread alone checkpoints, after each batch of the writer
//! and after a second without one (so console writes through the pool are copied too). Once
//! a pass has copied everything and no reader still uses the WAL, the writer's next
//! transaction starts the WAL afresh and cuts the file back to `journal_size_limit`.
//!
//! A passive checkpoint waits for nobody: readers and the writer go on, and what they still
//! need stays in the WAL for the next pass. The WAL is emptied (`TRUNCATE`) only after a
//! second without commits, when a passive pass has just copied all of it, and with no busy
//! timeout: `TRUNCATE` holds the
//! write lock while it waits for readers, and a reader that holds an old snapshot (a backup,
//! a report) must never stall the writes behind it. When it is turned away it is simply
//! tried again at the next pass.
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::Duration;

/// The least time between two passes: commits that land meanwhile share the next one.
const PAUSE: Duration = Duration::from_millis(5);
/// After this long without a commit, a pass runs anyway and empties the WAL if it can.
const IDLE: Duration = Duration::from_secs(1);

/// The handle the writer nudges after each commit. Dropping it (the writer's thread ends)
/// stops the thread after its current pass.
#[derive(Debug)]
pub struct WalCheckpointer {
    nudges: SyncSender<()>,
}

impl WalCheckpointer {
    /// Starts the checkpointing thread on the SQLite file `file`.
    pub fn start(file: &Path) -> std::io::Result<Self> {
        let connection = open(file).map_err(std::io::Error::other)?;
        // One nudge pending is enough: the pass that takes it copies everything committed.
        let (nudges, nudged) = mpsc::sync_channel(1);
        let wal = wal_file(file);
        std::thread::Builder::new()
            .name("wal-checkpointer".into())
            .spawn(move || run(&connection, &wal, &nudged))?;
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

/// The checkpointer's connection: it never waits for a lock (see the module's documentation).
fn open(file: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(file)?;
    connection.busy_timeout(Duration::ZERO)?;
    Ok(connection)
}

/// The WAL file beside the database file `file`.
fn wal_file(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

fn run(connection: &Connection, wal: &Path, nudged: &Receiver<()>) {
    loop {
        let idle = match nudged.recv_timeout(IDLE) {
            Ok(()) => false,
            Err(RecvTimeoutError::Timeout) => true,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let copied_all = passive(connection);
        let wal_len = std::fs::metadata(wal).map_or(0, |meta| meta.len());
        // Only when idle: under load the writer's own reset keeps the file within
        // `journal_size_limit`, and a TRUNCATE holds the write lock while it cuts the file.
        if idle && copied_all && wal_len > 0 {
            truncate(connection);
        }
        if !idle {
            std::thread::sleep(PAUSE);
        }
    }
}

/// A passive checkpoint; whether it copied every frame of the WAL into the database file.
fn passive(connection: &Connection) -> bool {
    match connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
    }) {
        Ok((frames, copied)) => frames >= 0 && copied == frames,
        Err(error) => {
            tracing::debug!(%error, "background WAL checkpoint");
            false
        }
    }
}

/// Empties the WAL if nobody holds it; whether it did (SQLite answers "busy" in the
/// pragma's row, not as an error, when a reader or the writer is in the way).
pub(super) fn truncate(connection: &Connection) -> bool {
    match connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        row.get::<_, i64>(0)
    }) {
        Ok(busy) => busy == 0,
        Err(error) => {
            tracing::debug!(%error, "WAL truncate");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A WAL database `wal.db` in `dir` with an empty table `t`, and its writer, which never
    /// checkpoints by itself: only a checkpointer can move the pages.
    fn wal_writer(dir: &tempfile::TempDir) -> (std::path::PathBuf, Connection) {
        let file = dir.path().join("wal.db");
        let writer = Connection::open(&file).unwrap();
        writer.pragma_update(None, "journal_mode", "wal").unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer
            .execute_batch("CREATE TABLE t (v BLOB NOT NULL)")
            .unwrap();
        (file, writer)
    }

    /// The file's size on disk: pages reach it only through a checkpoint.
    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0)
    }

    #[test]
    fn what_is_committed_reaches_the_database_file_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let (file, writer) = wal_writer(&dir);
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

    fn wal_len(file: &Path) -> u64 {
        file_len(&wal_file(file))
    }

    #[test]
    fn a_reader_holding_an_old_snapshot_turns_the_truncate_away_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let (file, writer) = wal_writer(&dir);
        writer
            .execute("INSERT INTO t VALUES (zeroblob(4000))", [])
            .unwrap();
        let checkpointer = open(&file).unwrap();
        // A reader in the middle of a transaction on the WAL as it is now.
        let reader = Connection::open(&file).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap();
        writer
            .execute("INSERT INTO t VALUES (zeroblob(4000))", [])
            .unwrap();
        assert!(
            !passive(&checkpointer),
            "the reader keeps the last frames in the WAL"
        );
        assert!(!truncate(&checkpointer), "the reader keeps the WAL in use");
        assert!(wal_len(&file) > 0);
        // The turned-away truncate holds nothing: the writer goes on.
        writer
            .execute("INSERT INTO t VALUES (zeroblob(4000))", [])
            .unwrap();
        reader.execute_batch("COMMIT").unwrap();
        assert!(
            passive(&checkpointer),
            "everything copied once the reader is gone"
        );
        assert!(truncate(&checkpointer), "nothing holds the WAL any more");
        assert_eq!(wal_len(&file), 0);
    }
}
