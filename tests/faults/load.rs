//! Load of the fault tests: clients asking for client-credentials tokens as fast as they
//! are answered, each answer recorded with its status, its time and its `Retry-After`.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

use crate::common::TestServer;
use crate::common::oauth::OAuthApp;

/// A client gives up on an answer after this long: longer is "no answer".
pub const NO_ANSWER: Duration = Duration::from_secs(15);

/// One answer (or none) to one token request.
#[derive(Debug, Clone)]
pub struct Answer {
    /// When the request was sent, from the start of the load.
    pub sent: Duration,
    /// How long the answer took.
    pub took: Duration,
    /// Its status; `None`: no answer within [`NO_ANSWER`].
    pub status: Option<u16>,
    /// Whether it carried `Retry-After`.
    pub retry_after: bool,
}

/// Clients asking for tokens until stopped.
pub struct Load {
    stop: Arc<AtomicBool>,
    tasks: JoinSet<Vec<Answer>>,
    /// When the load started.
    pub started: Instant,
}

impl Load {
    /// Starts `clients` clients asking for client-credentials tokens of `app`.
    pub fn start(server: &TestServer, app: &OAuthApp, clients: usize) -> Self {
        let url = format!("{}/oauth/token", server.url);
        let body = format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            app.key, app.secret
        );
        Self::with(clients, move |http| {
            http.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
        })
    }

    /// Starts `clients` clients calling `/uapi/v1/me` with `token`.
    pub fn me(server: &TestServer, token: &str, clients: usize) -> Self {
        let url = format!("{}/uapi/v1/me", server.url);
        let authorization = format!("Bearer {token}");
        Self::with(clients, move |http| {
            http.get(&url)
                .header("authorization", authorization.clone())
        })
    }

    /// Starts `clients` clients sending the request `request` makes, again and again.
    fn with(
        clients: usize,
        request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let request = Arc::new(request);
        let mut tasks = JoinSet::new();
        for _ in 0..clients {
            let (request, stop) = (Arc::clone(&request), Arc::clone(&stop));
            tasks.spawn(async move {
                let http = reqwest::Client::builder()
                    .timeout(NO_ANSWER)
                    .build()
                    .unwrap();
                let mut answers = Vec::new();
                // Bounded: at most 20,000 requests a client, whatever happens.
                for _ in 0..20_000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let sent = Instant::now();
                    let (status, retry_after) = match request(&http).send().await {
                        Ok(response) => {
                            let retry_after = response.headers().contains_key("retry-after");
                            let status = response.status().as_u16();
                            let _ = response.bytes().await;
                            (Some(status), retry_after)
                        }
                        Err(_) => (None, false),
                    };
                    answers.push(Answer {
                        sent: sent - started,
                        took: sent.elapsed(),
                        status,
                        retry_after,
                    });
                    if status == Some(503) {
                        // As a well-behaved App would, though sooner than told.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                answers
            });
        }
        Self {
            stop,
            tasks,
            started,
        }
    }

    /// Stops the clients; every answer, in the order they were sent.
    pub async fn stop(mut self) -> Vec<Answer> {
        self.stop.store(true, Ordering::Relaxed);
        let mut answers = Vec::new();
        while let Some(client) = self.tasks.join_next().await {
            answers.extend(client.expect("a load client"));
        }
        answers.sort_by_key(|answer| answer.sent);
        answers
    }
}

/// The slowest of `answers`.
pub fn slowest(answers: &[Answer]) -> Duration {
    answers
        .iter()
        .map(|answer| answer.took)
        .max()
        .unwrap_or_default()
}

/// How many of `answers` had each status (`None`: no answer).
pub fn statuses(answers: &[Answer]) -> std::collections::BTreeMap<Option<u16>, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for answer in answers {
        *counts.entry(answer.status).or_default() += 1;
    }
    counts
}

/// How much later than the deadline an answer may come (scheduling, the debug build).
pub const MARGIN: Duration = Duration::from_millis(500);

/// Asserts what a fault must leave of `answers` (`what` names them): each is 200, or 503
/// with `Retry-After`; none is a 500 or missing; none came later than the deadline and its
/// margin. Their counts.
pub fn assert_answered_in_time(
    answers: &[Answer],
    what: &str,
) -> std::collections::BTreeMap<Option<u16>, usize> {
    let counts = statuses(answers);
    assert!(
        counts
            .keys()
            .all(|status| matches!(status, Some(200) | Some(503))),
        "{what}: 200 or 503 only, never a 500 nor no answer: {counts:?}"
    );
    assert!(
        answers
            .iter()
            .filter(|answer| answer.status == Some(503))
            .all(|answer| answer.retry_after),
        "{what}: every 503 says when to retry"
    );
    let slowest = slowest(answers);
    assert!(
        slowest <= DEADLINE + MARGIN,
        "{what}: an answer took {slowest:?}, past the deadline of {DEADLINE:?}: {counts:?}"
    );
    counts
}

/// How long after `at` (from the start of the load) the first 200 sent since came back.
pub fn first_success_after(answers: &[Answer], at: Duration) -> Duration {
    let again = answers
        .iter()
        .find(|answer| answer.sent >= at && answer.status == Some(200))
        .expect("a 200 after the fault");
    (again.sent + again.took).saturating_sub(at)
}

/// The server's deadline in these tests (short, so that they run short).
pub const DEADLINE: Duration = Duration::from_secs(1);

/// The settings every fault test gives its server: a deadline of [`DEADLINE`], and a busy
/// timeout of 300 ms inside it.
pub fn short_waits() -> Vec<(&'static str, &'static str)> {
    vec![
        ("APPWARD_REQUEST_DEADLINE", "1s"),
        ("APPWARD_DB_BUSY_TIMEOUT", "300ms"),
        ("RUST_LOG", "warn"),
    ]
}

/// The size of the server's WAL file.
pub fn wal_len(database: &std::path::Path) -> u64 {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |meta| meta.len())
}
