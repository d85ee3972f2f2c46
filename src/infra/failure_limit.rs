//! Slows down guessing: after `per_minute` failures for one key (an App and a client network,
//! or a login and a client network: an IPv4 address, an IPv6 /64, see
//! [`super::request_meta::network_of`]) within a minute, further attempts with that key are
//! refused until the minute is over, even with the right secret. Failures of one login from
//! many networks are slowed down by [`super::login_slowdown`] instead.
//!
//! The counters live in a bounded `moka` cache: each key's window expires on its own a
//! minute after its first failure (O(1), no sweep on the request path), and past the
//! capacity the least useful keys are evicted, so a flood of random keys cannot grow it.
//! Keys are kept as their SHA-256 digests: 32 bytes each whatever was presented (a 60 KB
//! login included), so the store is bounded in bytes as well as in keys.
//!
//! A rate-limiting crate such as `governor` counts every request and cannot be asked,
//! without spending an attempt, whether a key is blocked; this counts failures only.
use moka::sync::Cache;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// What the store keeps of a key.
pub(super) fn digest(key: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(key.as_bytes()).into()
}

/// The window failures are counted in.
const WINDOW: Duration = Duration::from_secs(60);

/// One key's failures in its current window.
#[derive(Debug)]
struct Window {
    started: Instant,
    failures: AtomicU32,
}

impl Window {
    fn retry_after(&self) -> u64 {
        WINDOW
            .saturating_sub(self.started.elapsed())
            .as_secs()
            .max(1)
    }
}

/// Failure counts per key, in this process (each instance counts its own).
pub struct FailureLimit {
    per_minute: u32,
    windows: Cache<[u8; 32], Arc<Window>>,
}

impl std::fmt::Debug for FailureLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FailureLimit")
            .field("per_minute", &self.per_minute)
            .field("keys", &self.windows.entry_count())
            .finish()
    }
}

/// An attempt counted in advance ([`FailureLimit::reserve`]); a success gives it back.
#[derive(Debug)]
pub struct Attempt(Option<Arc<Window>>);

impl Attempt {
    /// The attempt succeeded: it does not count as a failure.
    pub fn succeeded(self) {
        if let Some(window) = self.0 {
            let _ = window
                .failures
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        }
    }
}

impl FailureLimit {
    /// Allows `per_minute` failures per key per minute (0 turns the limit off), keeping at
    /// most `capacity` keys.
    pub fn new(per_minute: u32, capacity: u64) -> Self {
        Self {
            per_minute,
            windows: Cache::builder()
                .max_capacity(capacity)
                .time_to_live(WINDOW)
                .build(),
        }
    }

    /// `Err(seconds to wait)` when `key` has used up its failures for this minute; spends
    /// nothing.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        match self.windows.get(&digest(key)) {
            Some(window) if window.failures.load(Ordering::Acquire) >= self.per_minute => {
                Err(window.retry_after())
            }
            _ => Ok(()),
        }
    }

    /// Counts one failure for `key`.
    pub fn record_failure(&self, key: &str) {
        if self.per_minute == 0 {
            return;
        }
        self.window(key).failures.fetch_add(1, Ordering::AcqRel);
    }

    /// Checks and counts in one atomic step: the attempt counts as a failure from now on
    /// (so that many attempts at once cannot all pass the check), unless it is given back
    /// with [`Attempt::succeeded`]. `Err(seconds to wait)` when the key is used up.
    pub fn reserve(&self, key: &str) -> Result<Attempt, u64> {
        if self.per_minute == 0 {
            return Ok(Attempt(None));
        }
        let window = self.window(key);
        let before = window
            .failures
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.per_minute).then_some(n + 1)
            });
        match before {
            Ok(_) => Ok(Attempt(Some(window))),
            Err(_) => Err(window.retry_after()),
        }
    }

    /// How many keys the store holds (after its pending housekeeping).
    pub fn len(&self) -> u64 {
        self.windows.run_pending_tasks();
        self.windows.entry_count()
    }

    /// Whether the store holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn window(&self, key: &str) -> Arc<Window> {
        self.windows.get_with(digest(key), || {
            Arc::new(Window {
                started: Instant::now(),
                failures: AtomicU32::new(0),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_blocked_after_its_failures_and_others_are_not() {
        let limit = FailureLimit::new(2, 100);
        assert_eq!(limit.check("app"), Ok(()));
        limit.record_failure("app");
        assert_eq!(limit.check("app"), Ok(()));
        limit.record_failure("app");
        let wait = limit.check("app").unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(limit.check("other"), Ok(()));
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limit = FailureLimit::new(0, 100);
        for _ in 0..100 {
            limit.record_failure("app");
            assert!(limit.reserve("app").is_ok());
        }
        assert_eq!(limit.check("app"), Ok(()));
    }

    #[test]
    fn reservations_count_at_once_and_successes_give_them_back() {
        let limit = FailureLimit::new(3, 100);
        let first = limit.reserve("alice").unwrap();
        let _second = limit.reserve("alice").unwrap();
        let _third = limit.reserve("alice").unwrap();
        assert!(limit.reserve("alice").is_err());
        first.succeeded();
        assert!(limit.reserve("alice").is_ok());
        assert!(limit.reserve("alice").is_err());
    }

    #[test]
    fn the_store_stays_within_its_capacity() {
        let limit = FailureLimit::new(5, 100);
        for n in 0..10_000 {
            limit.record_failure(&format!("key-{n}"));
        }
        assert!(limit.len() <= 100, "{}", limit.len());
    }
}
