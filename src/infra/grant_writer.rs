//! Group commit: the grants of concurrent token requests go to one writer, which stores
//! whatever has queued while its last commit ran in one transaction (no timer: a batch is
//! never held back to wait for company), and answers each request only once the batch that
//! holds its grant is committed. `last_used_at` bookkeeping rides the same batches.
//!
//! Why: a durable commit (WAL, `synchronous=NORMAL`) costs about as much as thousands of row
//! inserts, so one commit per token capped the token endpoint at the single-commit rate.
//!
//! Every insert stays conditional on the App row, inside the batch's transaction
//! (`BEGIN IMMEDIATE` on SQLite, `FOR SHARE` on PostgreSQL): a Regenerate, un-trust or
//! suspension committed before the batch stops the grant, one committed after it deletes it,
//! and every use compares the generations anyway.
//!
//! On SQLite the writer is a thread with its own `rusqlite` connection and cached statements
//! (no pool hand-off), and a second thread checkpoints the WAL behind it
//! ([`super::wal_checkpointer`]); elsewhere (PostgreSQL, in-memory SQLite) it is a task on the SeaORM
//! pool. A request that gives up (client gone) does not undo its grant: it is stored and
//! expires unused, as when the answer is lost on the way.
use sea_orm::{DatabaseConnection, DbBackend, TransactionTrait};
use std::path::Path;
use tokio::sync::{mpsc, oneshot};

use super::grant_rows::{self, GrantRow};
use super::read_path::{BUSY_TIMEOUT, JOURNAL_SIZE_LIMIT};
use super::wal_checkpointer::WalCheckpointer;
use crate::error::ConsoleError;

/// The most jobs in one transaction: bounds how long one commit holds the write lock.
const MAX_BATCH: usize = 1024;

/// The handle requests use to reach the writer.
#[derive(Debug, Clone)]
pub struct GrantWriter {
    queue: mpsc::UnboundedSender<Job>,
}

/// What the writer is asked to do.
#[derive(Debug)]
enum Job {
    /// Store a grant; answer with its id (`None`: the App changed) after the commit.
    Issue(GrantRow, oneshot::Sender<Result<Option<i64>, ConsoleError>>),
    /// Record a grant's last use (nobody waits for it).
    Touch { grant_id: i64, at: i64 },
    /// Checkpoint the SQLite WAL and cut it back to `journal_size_limit`.
    Checkpoint,
}

impl GrantWriter {
    /// Starts the writer on the SQLite file `sqlite_file` (a thread with its own connection),
    /// or, without one, on the pool `db` (a task).
    pub fn start(
        db: DatabaseConnection,
        sqlite_file: Option<&Path>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let (queue, jobs) = mpsc::unbounded_channel();
        match sqlite_file {
            Some(file) => {
                let connection = open_writer(file)?;
                let checkpointer = WalCheckpointer::start(file)?;
                std::thread::Builder::new()
                    .name("grant-writer".into())
                    .spawn(move || run_sqlite(connection, &checkpointer, jobs))?;
            }
            None => {
                tokio::spawn(run_pool(db, jobs));
            }
        }
        Ok(Self { queue })
    }

    /// Stores `row` in the next batch; its id once that batch is committed, `None` when its
    /// App no longer stands as the request saw it (Regenerate, un-trusted, suspended, removed).
    pub async fn issue(&self, row: GrantRow) -> Result<Option<i64>, ConsoleError> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Job::Issue(row, answer))
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }

    /// Records in the next batch that the grant `grant_id` was used at `at`.
    pub fn touch(&self, grant_id: i64, at: i64) {
        let _ = self.queue.send(Job::Touch { grant_id, at });
    }

    /// Asks for a WAL checkpoint between two batches (SQLite; nothing elsewhere).
    pub fn checkpoint(&self) {
        let _ = self.queue.send(Job::Checkpoint);
    }
}

fn stopped() -> ConsoleError {
    tracing::error!("the grant writer has stopped");
    ConsoleError::Internal
}

/// The writer's connection: the same settings the pool's connections have.
fn open_writer(file: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(file)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "journal_mode", "wal")?;
    // Per connection: a commit survives a killed process (not a power cut).
    connection.pragma_update(None, "synchronous", "normal")?;
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
    Ok(connection)
}

/// Takes the first job waiting and whatever else has queued behind it.
fn batch_after(first: Job, jobs: &mut mpsc::UnboundedReceiver<Job>) -> Vec<Job> {
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match jobs.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    batch
}

fn run_sqlite(
    mut connection: rusqlite::Connection,
    checkpointer: &WalCheckpointer,
    mut jobs: mpsc::UnboundedReceiver<Job>,
) {
    let mut truncate_pending = false;
    while let Some(first) = jobs.blocking_recv() {
        let batch = batch_after(first, &mut jobs);
        truncate_pending |= commit_sqlite(&mut connection, batch);
        if truncate_pending {
            truncate_pending = !truncate_wal(&connection);
        }
        checkpointer.nudge();
    }
}

/// Commits `batch` and answers its requests; whether it asked for a WAL checkpoint.
fn commit_sqlite(connection: &mut rusqlite::Connection, batch: Vec<Job>) -> bool {
    let mut answers = Vec::with_capacity(batch.len());
    let mut checkpoint = false;
    let committed = (|| {
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for job in batch {
            match job {
                Job::Issue(row, answer) => {
                    answers.push((grant_rows::insert_row_sqlite(&transaction, &row), answer));
                }
                Job::Touch { grant_id, at } => {
                    grant_rows::touch_sqlite(&transaction, grant_id, at)?
                }
                Job::Checkpoint => checkpoint = true,
            }
        }
        transaction.commit()
    })();
    if let Err(error) = &committed {
        tracing::error!(%error, "committing a batch of grants");
    }
    for (inserted, answer) in answers {
        let result = match (&committed, inserted) {
            (Ok(()), Ok(id)) => Ok(id),
            (Ok(()), Err(error)) => {
                tracing::error!(%error, "storing a grant");
                Err(ConsoleError::Internal)
            }
            (Err(_), _) => Err(ConsoleError::Internal),
        };
        let _ = answer.send(result);
    }
    checkpoint
}

/// Checkpoints the WAL and empties it. TRUNCATE waits (up to the busy timeout) for readers
/// of the old WAL, so the file stays small even when readers never pause (passive
/// checkpoints cannot reset it then). Whether it was done: not when the checkpointer's pass
/// held the checkpoint lock (SQLite then answers "busy" at once, in the pragma's row, not as
/// an error) or readers outlasted the wait; the writer tries again after its next batch.
fn truncate_wal(connection: &rusqlite::Connection) -> bool {
    match connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        row.get::<_, i64>(0)
    }) {
        Ok(busy) => busy == 0,
        Err(error) => {
            // Not a busy lock: trying again at once would fail the same way.
            tracing::warn!(%error, "WAL checkpoint");
            true
        }
    }
}

async fn run_pool(db: DatabaseConnection, mut jobs: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let batch = batch_after(first, &mut jobs);
        commit_pool(&db, batch).await;
    }
}

/// One transaction for the batch. On PostgreSQL a failed statement spoils the transaction,
/// so any failure fails the whole batch (the requests answer 500, nothing is stored).
async fn commit_pool(db: &DatabaseConnection, batch: Vec<Job>) {
    let mut answers = Vec::new();
    let mut rows = Vec::new();
    let mut touches = Vec::new();
    for job in batch {
        match job {
            Job::Issue(row, answer) => {
                rows.push(row);
                answers.push(answer);
            }
            Job::Touch { grant_id, at } => touches.push((grant_id, at)),
            Job::Checkpoint => {}
        }
    }
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    let stored = async {
        let transaction = db.begin().await?;
        let ids = if postgres {
            grant_rows::insert_rows_postgres(&transaction, &rows).await?
        } else {
            let mut ids = Vec::with_capacity(rows.len());
            for row in &rows {
                ids.push(grant_rows::insert_row(&transaction, row).await?);
            }
            ids
        };
        if let Some(at) = touches.iter().map(|(_, at)| *at).max() {
            let grant_ids = touches.iter().map(|(grant_id, _)| *grant_id).collect();
            grant_rows::touch_many(&transaction, grant_ids, at).await?;
        }
        transaction.commit().await?;
        Ok::<_, ConsoleError>(ids)
    }
    .await;
    match stored {
        Ok(ids) => {
            for (answer, id) in answers.into_iter().zip(ids) {
                let _ = answer.send(Ok(id));
            }
        }
        Err(_) => {
            for answer in answers {
                let _ = answer.send(Err(ConsoleError::Internal));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn wal_len(file: &Path) -> u64 {
        std::fs::metadata(file.with_extension("db-wal")).map_or(0, |meta| meta.len())
    }

    #[test]
    fn a_truncate_kept_busy_by_a_reader_is_not_taken_as_done() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("wal.db");
        let writer = open_writer(&file).unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer.busy_timeout(Duration::from_millis(50)).unwrap();
        writer
            .execute_batch(
                "CREATE TABLE t (v BLOB NOT NULL); INSERT INTO t VALUES (zeroblob(4000));",
            )
            .unwrap();
        // A reader in the middle of a transaction on the WAL as it is now.
        let reader = rusqlite::Connection::open(&file).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap();
        writer
            .execute("INSERT INTO t VALUES (zeroblob(4000))", [])
            .unwrap();
        assert!(!truncate_wal(&writer), "the reader keeps the WAL in use");
        assert!(wal_len(&file) > 0);
        reader.execute_batch("COMMIT").unwrap();
        assert!(truncate_wal(&writer), "nothing holds the WAL any more");
        assert_eq!(wal_len(&file), 0);
    }
}
