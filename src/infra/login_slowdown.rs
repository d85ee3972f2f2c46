//! Slows down guessing one login from many addresses. The failure limit
//! ([`super::failure_limit`]) counts per login and client network, so a botnet guessing one
//! login from many networks is not held back by it. This counts the failures of each login
//! from anywhere: past [`FREE_FAILURES`], every further attempt of that login waits before
//! its password is checked, [`FIRST_DELAY`] doubled at each failure up to [`MAX_DELAY`].
//! It never refuses: after the wait the password is checked as usual, so the person whose
//! login is being guessed still signs in (a little later). A success forgets the login's
//! failures.
//!
//! The wait never runs past the request's deadline ([`super::deadline::remaining`]): it
//! leaves at least [`ANSWER_RESERVE`] of it for the check and the answer, and it ends early
//! when the request is given up (its client gone).
//!
//! Attempts are counted when they begin, before the wait (as [`super::failure_limit`]
//! reserves them), so that attempts made at once wait longer and longer too; an attempt
//! that is not checked (the password hashes are all busy) is given back. Each attempt waits
//! on its own: the wait bounds how fast one client can guess in sequence, while how many
//! checks run at once stays bounded by the password gate.
//!
//! The counts live in a bounded `moka` cache, like the failure limit's: keys are the
//! logins' SHA-256 digests (32 bytes whatever the login's length), forgotten after
//! [`WINDOW`] without an attempt, and past the capacity the least useful are evicted.
//! Counted per instance.
use moka::sync::Cache;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use super::deadline;
use super::failure_limit::digest;
use crate::error::ConsoleError;

/// Failures of one login, from any address, that cost no wait: a person who mistypes their
/// password a few times never waits.
pub const FREE_FAILURES: u32 = 10;

/// The wait of the first attempt past [`FREE_FAILURES`]; each further failure doubles it.
pub const FIRST_DELAY: Duration = Duration::from_millis(250);

/// The longest wait of one attempt (reached at the fifth attempt past [`FREE_FAILURES`]):
/// short enough that the person still signs in, within the default 5 s request deadline.
pub const MAX_DELAY: Duration = Duration::from_secs(3);

/// What the wait leaves of the request's deadline, at least, for the password check and the
/// answer: the wait is shortened (to nothing if need be) rather than run into the deadline.
pub const ANSWER_RESERVE: Duration = Duration::from_secs(1);

/// A login's failures are forgotten this long after its last attempt (at once after a
/// success).
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// How long an attempt of a login that has already `failures` failures waits (before the
/// deadline is taken into account).
pub fn delay_after(failures: u32) -> Duration {
    match failures.checked_sub(FREE_FAILURES) {
        None => Duration::ZERO,
        Some(past) => FIRST_DELAY
            .saturating_mul(2u32.saturating_pow(past))
            .min(MAX_DELAY),
    }
}

/// `delay` shortened so that at least [`ANSWER_RESERVE`] of the request's `remaining` time
/// is left (`None`: no deadline).
pub fn within_deadline(delay: Duration, remaining: Option<Duration>) -> Duration {
    match remaining {
        Some(remaining) => delay.min(remaining.saturating_sub(ANSWER_RESERVE)),
        None => delay,
    }
}

/// Each login's failures, by its digest.
type Failures = Cache<[u8; 32], Arc<AtomicU32>>;

/// The failures of each login, in this process.
pub struct LoginSlowdown {
    on: bool,
    failures: Failures,
    slowed: AtomicU64,
}

impl std::fmt::Debug for LoginSlowdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginSlowdown")
            .field("on", &self.on)
            .field("logins", &self.failures.entry_count())
            .field("slowed", &self.slowed())
            .finish()
    }
}

/// An attempt of a login, counted as a failure unless told otherwise.
#[derive(Debug)]
pub struct LoginAttempt {
    key: [u8; 32],
    counted: Option<(Arc<AtomicU32>, Failures)>,
}

impl LoginAttempt {
    /// The password was right: the login's failures are forgotten.
    pub fn succeeded(self) {
        if let Some((_, failures)) = self.counted {
            failures.invalidate(&self.key);
        }
    }

    /// The password was not checked: the attempt is not a failure.
    pub fn not_checked(self) {
        if let Some((count, _)) = self.counted {
            give_back(&count);
        }
    }
}

fn give_back(count: &AtomicU32) {
    let _ = count.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
}

impl LoginSlowdown {
    /// Counts the failures of at most `capacity` logins; `on: false` never waits.
    pub fn new(on: bool, capacity: u64) -> Self {
        Self {
            on,
            failures: Cache::builder()
                .max_capacity(capacity)
                .time_to_idle(WINDOW)
                .build(),
            slowed: AtomicU64::new(0),
        }
    }

    /// Counts an attempt of `login` and waits as its failures so far require (within the
    /// request's deadline). `Err` (503) when the request was given up during the wait: the
    /// attempt is then not counted.
    pub async fn wait(&self, login: &str) -> Result<LoginAttempt, ConsoleError> {
        let key = digest(login);
        if !self.on {
            return Ok(LoginAttempt { key, counted: None });
        }
        let count = self.failures.get_with(key, || Arc::new(AtomicU32::new(0)));
        let before = count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_add(1))
            })
            .unwrap_or(u32::MAX);
        let delay = within_deadline(delay_after(before), deadline::remaining());
        if !delay.is_zero() {
            self.slowed.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                failures = before,
                delay_ms = delay.as_millis() as u64,
                "sign-in slowed down"
            );
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = deadline::given_up() => {
                    give_back(&count);
                    return Err(ConsoleError::Busy {
                        retry_after: super::faults::RETRY_AFTER,
                    });
                }
            }
        }
        Ok(LoginAttempt {
            key,
            counted: Some((count, self.failures.clone())),
        })
    }

    /// How long the next attempt of `login` would wait (before the deadline is taken into
    /// account).
    pub fn next_delay(&self, login: &str) -> Duration {
        if !self.on {
            return Duration::ZERO;
        }
        let failures = self
            .failures
            .get(&digest(login))
            .map_or(0, |count| count.load(Ordering::Acquire));
        delay_after(failures)
    }

    /// How many attempts have waited since the start.
    pub fn slowed(&self) -> u64 {
        self.slowed.load(Ordering::Relaxed)
    }

    /// How many logins the store holds (after its pending housekeeping).
    pub fn len(&self) -> u64 {
        self.failures.run_pending_tasks();
        self.failures.entry_count()
    }

    /// Whether the store holds no login.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_starts_past_the_free_failures_doubles_and_is_capped() {
        assert_eq!(delay_after(0), Duration::ZERO);
        assert_eq!(delay_after(FREE_FAILURES - 1), Duration::ZERO);
        assert_eq!(delay_after(FREE_FAILURES), FIRST_DELAY);
        assert_eq!(delay_after(FREE_FAILURES + 1), 2 * FIRST_DELAY);
        assert_eq!(delay_after(FREE_FAILURES + 2), 4 * FIRST_DELAY);
        assert_eq!(delay_after(FREE_FAILURES + 4), MAX_DELAY);
        assert_eq!(delay_after(u32::MAX), MAX_DELAY);
        let mut last = Duration::ZERO;
        for failures in 0..100 {
            let delay = delay_after(failures);
            assert!(delay >= last && delay <= MAX_DELAY, "{failures}: {delay:?}");
            last = delay;
        }
    }

    #[test]
    fn the_wait_leaves_the_answer_its_share_of_the_deadline() {
        let three = Duration::from_secs(3);
        assert_eq!(within_deadline(three, None), three);
        assert_eq!(within_deadline(three, Some(Duration::from_secs(5))), three);
        assert_eq!(
            within_deadline(three, Some(Duration::from_millis(2500))),
            Duration::from_millis(1500)
        );
        assert_eq!(
            within_deadline(three, Some(Duration::from_millis(400))),
            Duration::ZERO
        );
        assert!(MAX_DELAY + ANSWER_RESERVE < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn failures_of_a_login_make_it_wait_and_a_success_forgets_them() {
        let slowdown = LoginSlowdown::new(true, 100);
        for _ in 0..FREE_FAILURES {
            drop(slowdown.wait("alice").await.unwrap());
        }
        assert_eq!(slowdown.slowed(), 0);
        assert_eq!(slowdown.next_delay("alice"), FIRST_DELAY);
        assert_eq!(slowdown.next_delay("bob"), Duration::ZERO);

        let started = std::time::Instant::now();
        drop(slowdown.wait("alice").await.unwrap());
        assert!(started.elapsed() >= FIRST_DELAY);
        assert_eq!(slowdown.slowed(), 1);
        assert_eq!(slowdown.next_delay("alice"), 2 * FIRST_DELAY);

        // Not checked: given back.
        slowdown.wait("alice").await.unwrap().not_checked();
        assert_eq!(slowdown.next_delay("alice"), 2 * FIRST_DELAY);
        assert_eq!(slowdown.slowed(), 2);

        slowdown.wait("alice").await.unwrap().succeeded();
        assert_eq!(slowdown.next_delay("alice"), Duration::ZERO);
        drop(slowdown.wait("alice").await.unwrap());
        assert_eq!(
            slowdown.slowed(),
            3,
            "the attempt after a success did not wait"
        );
    }

    #[tokio::test]
    async fn the_wait_ends_before_the_deadline() {
        let slowdown = LoginSlowdown::new(true, 100);
        // Past the free failures, without waiting: outside a deadline the first waits would
        // be taken in full, so each one runs with a deadline that leaves no time to wait.
        for _ in 0..FREE_FAILURES + 10 {
            let request = deadline::Deadline::after(ANSWER_RESERVE);
            drop(
                deadline::scope(request, slowdown.wait("alice"))
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(slowdown.next_delay("alice"), MAX_DELAY);
        let request = deadline::Deadline::after(ANSWER_RESERVE + Duration::from_millis(300));
        let started = std::time::Instant::now();
        deadline::scope(request, slowdown.wait("alice"))
            .await
            .unwrap();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(200) && waited < Duration::from_millis(1000),
            "{waited:?}"
        );
    }

    #[tokio::test]
    async fn off_never_waits_nor_counts() {
        let slowdown = LoginSlowdown::new(false, 100);
        for _ in 0..FREE_FAILURES + 5 {
            drop(slowdown.wait("alice").await.unwrap());
        }
        assert_eq!(slowdown.next_delay("alice"), Duration::ZERO);
        assert_eq!(slowdown.slowed(), 0);
        assert!(slowdown.is_empty());
    }

    #[tokio::test]
    async fn the_store_stays_within_its_capacity() {
        let slowdown = LoginSlowdown::new(true, 100);
        for n in 0..10_000 {
            drop(slowdown.wait(&format!("login-{n}")).await.unwrap());
        }
        assert!(slowdown.len() <= 100, "{}", slowdown.len());
    }
}
