//! Slows down guessing: after `per_minute` failures for one key (an App, or a login and
//! address) within a minute, further attempts with that key are refused until the minute
//! is over, even with the right secret.
//!
//! Written here rather than taken from `governor`: a rate-limiting crate counts every
//! request, while this must count failures only and be asked, without spending anything,
//! whether a key is blocked; the whole of it is a map of fixed one-minute windows.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window failures are counted in.
const WINDOW: Duration = Duration::from_secs(60);
/// Above this many keys, expired windows are dropped when a failure is recorded.
const PRUNE_ABOVE: usize = 10_000;

/// Failure counts per key, in this process (each instance counts its own).
#[derive(Debug)]
pub struct FailureLimit {
    per_minute: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl FailureLimit {
    /// Allows `per_minute` failures per key per minute (0 turns the limit off).
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when `key` has used up its failures for this minute.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        match windows.get(key) {
            Some((started, failures)) if *failures >= self.per_minute => {
                let left = WINDOW.saturating_sub(started.elapsed());
                if left.is_zero() {
                    Ok(())
                } else {
                    Err(left.as_secs().max(1))
                }
            }
            _ => Ok(()),
        }
    }

    /// Counts one failure for `key`.
    pub fn record_failure(&self, key: &str) {
        if self.per_minute == 0 {
            return;
        }
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, (started, _)| started.elapsed() < WINDOW);
        }
        let entry = windows
            .entry(key.to_owned())
            .or_insert_with(|| (Instant::now(), 0));
        if entry.0.elapsed() >= WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_blocked_after_its_failures_and_others_are_not() {
        let limit = FailureLimit::new(2);
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
        let limit = FailureLimit::new(0);
        for _ in 0..100 {
            limit.record_failure("app");
        }
        assert_eq!(limit.check("app"), Ok(()));
    }
}
