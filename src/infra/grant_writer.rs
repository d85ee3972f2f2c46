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
//! pool.
//!
//! Backpressure: the queue is bounded and a request that finds it full is answered 503 at
//! once; a request waits for its batch no longer than the request deadline; a job whose
//! request has given up by the time its batch is taken is not run (one already in a batch is
//! stored and expires unused, as when the answer is lost on the way).
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

use super::config::Config;
use super::faults;
use super::grant_rows::{self, GrantRow};
use super::read_path::JOURNAL_SIZE_LIMIT;
use super::wal_checkpointer::WalCheckpointer;
use crate::error::ConsoleError;

/// The most jobs in one transaction: bounds how long one commit holds the write lock.
const MAX_BATCH: usize = 1024;
/// The most jobs waiting: past it the writer is not keeping up (a lock held elsewhere, a
/// failing disk) and a request is answered 503 at once rather than queued.
const QUEUE: usize = 4 * MAX_BATCH;

/// The handle requests use to reach the writer.
#[derive(Debug, Clone)]
pub struct GrantWriter {
    queue: mpsc::Sender<Job>,
    /// The longest a request waits for its batch (`APPWARD_REQUEST_DEADLINE`).
    deadline: Duration,
}

/// What the writer is asked to do.
#[derive(Debug)]
enum Job {
    /// Store a grant; answer with its id (`None`: the App changed) after the commit.
    Issue(GrantRow, oneshot::Sender<Result<Option<i64>, ConsoleError>>),
    /// Record a grant's last use (nobody waits for it; best effort).
    Touch { grant_id: i64, at: i64 },
    /// Write the health check's row in the next batch; answer once it is committed.
    Probe(i64, oneshot::Sender<Result<(), ConsoleError>>),
}

impl Job {
    /// Whether nobody waits for this job's answer any more (the request gave up): then it is
    /// not run.
    fn abandoned(&self) -> bool {
        match self {
            Job::Issue(_, answer) => answer.is_closed(),
            Job::Probe(_, answer) => answer.is_closed(),
            Job::Touch { .. } => false,
        }
    }
}

impl GrantWriter {
    /// Starts the writer on the SQLite file `sqlite_file` (a thread with its own connection),
    /// or, without one, on the pool `db` (a task). Should the writer ever stop by a panic,
    /// the process exits, so that its supervisor starts it again: a server whose every token
    /// request fails while it looks alive is worse than a restart.
    pub fn start(
        db: DatabaseConnection,
        sqlite_file: Option<&Path>,
        config: &Config,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let (queue, jobs) = mpsc::channel(QUEUE);
        match sqlite_file {
            Some(file) => {
                let connection = open_writer(file, config)?;
                let checkpointer = WalCheckpointer::start(file)?;
                std::thread::Builder::new()
                    .name("grant-writer".into())
                    .spawn(move || {
                        let run = AssertUnwindSafe(|| run_sqlite(connection, &checkpointer, jobs));
                        if std::panic::catch_unwind(run).is_err() {
                            exit_stopped();
                        }
                    })?;
            }
            None => {
                let writer = tokio::spawn(run_pool(db, jobs));
                tokio::spawn(async move {
                    if writer.await.is_err() {
                        exit_stopped();
                    }
                });
            }
        }
        watch_incidents(queue.downgrade());
        Ok(Self {
            queue,
            deadline: config.request_deadline,
        })
    }

    /// Stores `row` in the next batch; its id once that batch is committed, `None` when its
    /// App no longer stands as the request saw it (Regenerate, un-trusted, suspended, removed).
    /// A full queue or a batch not committed within the deadline is a 503: the grant is then
    /// not stored (a job whose request gave up is skipped), or stored and never handed out.
    pub async fn issue(&self, row: GrantRow) -> Result<Option<i64>, ConsoleError> {
        let (answer, answered) = oneshot::channel();
        self.send(Job::Issue(row, answer))?;
        self.wait(answered).await
    }

    /// Records in the next batch that the grant `grant_id` was used at `at`: best effort,
    /// dropped when the queue is full, never a reason to fail or delay the request.
    pub fn touch(&self, grant_id: i64, at: i64) {
        let _ = self.queue.try_send(Job::Touch { grant_id, at });
    }

    /// Writes the health check's row through the writer, like a grant: `Ok` once committed
    /// within the deadline (the readiness probe: can the database be written now?).
    pub async fn probe(&self, at: i64) -> Result<(), ConsoleError> {
        let (answer, answered) = oneshot::channel();
        self.send(Job::Probe(at, answer))?;
        self.wait(answered).await
    }

    /// How many jobs wait in the queue now (a gauge of the metrics).
    pub fn queue_depth(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    fn send(&self, job: Job) -> Result<(), ConsoleError> {
        self.queue.try_send(job).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => faults::busy("the grant writer's queue is full"),
            mpsc::error::TrySendError::Closed(_) => exit_stopped(),
        })
    }

    async fn wait<T>(
        &self,
        answered: oneshot::Receiver<Result<T, ConsoleError>>,
    ) -> Result<T, ConsoleError> {
        // Until the request's deadline, or until it is answered without this handler (a
        // 503, its client gone): the receiver is then dropped, and the job skipped if its
        // batch has not been taken yet.
        let wait = super::deadline::remaining().unwrap_or(self.deadline);
        let answered = tokio::select! {
            answered = tokio::time::timeout(wait, answered) => answered,
            () = super::deadline::given_up() => {
                return Err(ConsoleError::Busy { retry_after: faults::RETRY_AFTER });
            }
        };
        match answered {
            Ok(Ok(result)) => result,
            Ok(Err(_)) if self.queue.is_closed() => exit_stopped(),
            Ok(Err(_)) => {
                tracing::error!("a job of the grant writer went unanswered");
                Err(ConsoleError::Internal)
            }
            Err(_) => Err(faults::busy(
                "the grant writer did not commit within the request deadline",
            )),
        }
    }
}

/// While a database fault is open, writes the health check's row every second, so that the
/// incident's end is seen (and logged) soon after the database recovers, even when no request
/// writes. Ends with the writer.
fn watch_incidents(queue: mpsc::WeakSender<Job>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let Some(queue) = queue.upgrade() else {
                return;
            };
            if faults::is_open() {
                let (answer, answered) = oneshot::channel();
                if queue
                    .try_send(Job::Probe(super::clock::now(), answer))
                    .is_ok()
                {
                    let _ = tokio::time::timeout(Duration::from_secs(5), answered).await;
                }
            }
        }
    });
}

/// The writer is gone while requests still need it: only a new process can mend that.
fn exit_stopped() -> ! {
    tracing::error!("the grant writer has stopped: exiting so that the server is started again");
    std::process::exit(70)
}

/// The writer's connection: the same settings the pool's connections have.
fn open_writer(file: &Path, config: &Config) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(file)?;
    connection.busy_timeout(config.db_busy_timeout)?;
    connection.pragma_update(None, "journal_mode", "wal")?;
    connection.pragma_update(None, "synchronous", super::db::synchronous(config))?;
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
    // The WAL checkpointer's thread alone checkpoints (see its module).
    connection.pragma_update(None, "wal_autocheckpoint", 0)?;
    Ok(connection)
}

/// Takes the first job waiting and whatever else has queued behind it, less the jobs whose
/// requests gave up.
fn batch_after(first: Job, jobs: &mut mpsc::Receiver<Job>) -> Vec<Job> {
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match jobs.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    batch.retain(|job| !job.abandoned());
    batch
}

fn run_sqlite(
    mut connection: rusqlite::Connection,
    checkpointer: &WalCheckpointer,
    mut jobs: mpsc::Receiver<Job>,
) {
    while let Some(first) = jobs.blocking_recv() {
        let batch = batch_after(first, &mut jobs);
        if batch.is_empty() {
            continue;
        }
        let (jobs, started) = (batch.len(), std::time::Instant::now());
        commit_sqlite(&mut connection, batch);
        super::metrics::writer_batch(jobs, started.elapsed());
        checkpointer.nudge();
    }
}

/// The health check's row: one, rewritten by each probe.
const PROBE_SQL: &str = "INSERT INTO health_check (id, checked_at) VALUES (1, ?1) \
                         ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at";
const PROBE_SQL_POSTGRES: &str = "INSERT INTO health_check (id, checked_at) VALUES (1, $1) \
                                  ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at";

/// Commits `batch` and answers every one of its requests, whatever happens (a request whose
/// answer is dropped unanswered would take the writer for dead). A fault of the environment
/// (busy past the busy timeout, disk full, I/O) answers 503; anything else 500.
fn commit_sqlite(connection: &mut rusqlite::Connection, batch: Vec<Job>) {
    let mut grants = Vec::with_capacity(batch.len());
    let mut touches = Vec::new();
    let mut probes = Vec::new();
    for job in batch {
        match job {
            Job::Issue(row, answer) => grants.push((row, answer)),
            Job::Touch { grant_id, at } => touches.push((grant_id, at)),
            Job::Probe(at, answer) => probes.push((at, answer)),
        }
    }
    let mut inserted = Vec::with_capacity(grants.len());
    let committed = (|| {
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (row, _) in &grants {
            let row = grant_rows::insert_row_sqlite(&transaction, row);
            // SQLite may roll the whole transaction back on a full disk or an I/O error:
            // then nothing after it may run (it would run outside the transaction).
            if let Err(error) = &row
                && faults::rusqlite_is_environmental(error)
            {
                return Err(row.unwrap_err());
            }
            inserted.push(row);
        }
        for (grant_id, at) in touches {
            // Best effort: a failed touch does not fail the grants beside it.
            if let Err(error) = grant_rows::touch_sqlite(&transaction, grant_id, at) {
                tracing::debug!(%error, "recording a grant's last use");
            }
        }
        for (at, _) in &probes {
            transaction.prepare_cached(PROBE_SQL)?.execute([at])?;
        }
        transaction.commit()
    })();
    let failed = match committed {
        Ok(()) => {
            faults::write_succeeded();
            None
        }
        Err(error) => {
            let failed = faults::from_rusqlite(error, "committing a batch of grants");
            faults::touched((grants.len() + probes.len()).saturating_sub(1) as u64);
            Some(failed)
        }
    };
    let mut inserted = inserted.into_iter();
    for (_, answer) in grants {
        let result = match (&failed, inserted.next()) {
            (Some(error), _) => Err(error.clone()),
            (None, Some(Ok(id))) => Ok(id),
            (None, Some(Err(error))) => Err(faults::from_rusqlite(error, "storing a grant")),
            (None, None) => Err(ConsoleError::Internal),
        };
        let _ = answer.send(result);
    }
    for (_, answer) in probes {
        let _ = answer.send(failed.clone().map_or(Ok(()), Err));
    }
}

async fn run_pool(db: DatabaseConnection, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let batch = batch_after(first, &mut jobs);
        if !batch.is_empty() {
            let (jobs, started) = (batch.len(), std::time::Instant::now());
            commit_pool(&db, batch).await;
            super::metrics::writer_batch(jobs, started.elapsed());
        }
    }
}

/// One transaction for the batch. On PostgreSQL a failed statement spoils the transaction,
/// so any failure fails the whole batch (nothing is stored; the requests answer 503 for a
/// fault of the environment, else 500).
async fn commit_pool(db: &DatabaseConnection, batch: Vec<Job>) {
    let mut answers = Vec::new();
    let mut rows = Vec::new();
    let mut touches = Vec::new();
    let mut probes = Vec::new();
    for job in batch {
        match job {
            Job::Issue(row, answer) => {
                rows.push(row);
                answers.push(answer);
            }
            Job::Touch { grant_id, at } => touches.push((grant_id, at)),
            Job::Probe(at, answer) => probes.push((at, answer)),
        }
    }
    let backend = db.get_database_backend();
    let probe_at = probes.iter().map(|(at, _)| *at).max();
    let stored = async {
        let transaction = db.begin().await?;
        let ids = if backend == DbBackend::Postgres {
            grant_rows::insert_rows_postgres(&transaction, &rows).await?
        } else {
            let mut ids = Vec::with_capacity(rows.len());
            for row in &rows {
                ids.push(grant_rows::insert_row(&transaction, row).await?);
            }
            ids
        };
        if let Some(at) = probe_at {
            let sql = match backend {
                DbBackend::Postgres => PROBE_SQL_POSTGRES,
                _ => PROBE_SQL,
            };
            transaction
                .execute_raw(Statement::from_sql_and_values(backend, sql, [at.into()]))
                .await?;
        }
        transaction.commit().await?;
        Ok::<_, ConsoleError>(ids)
    }
    .await;
    // Best effort, after the grants: a failed touch fails no grant beside it.
    if let Some(at) = touches.iter().map(|(_, at)| *at).max() {
        let grant_ids = touches.iter().map(|(grant_id, _)| *grant_id).collect();
        if let Err(error) = grant_rows::touch_many(db, grant_ids, at).await {
            tracing::debug!(%error, "recording grants' last use");
        }
    }
    match stored {
        Ok(ids) => {
            faults::write_succeeded();
            for (answer, id) in answers.into_iter().zip(ids) {
                let _ = answer.send(Ok(id));
            }
            for (_, answer) in probes {
                let _ = answer.send(Ok(()));
            }
        }
        Err(error) => {
            faults::touched((answers.len() + probes.len()).saturating_sub(1) as u64);
            for answer in answers {
                let _ = answer.send(Err(error.clone()));
            }
            for (_, answer) in probes {
                let _ = answer.send(Err(error.clone()));
            }
        }
    }
}
