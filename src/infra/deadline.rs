//! The request deadline, seen from inside a request: when it ends, and its one exception.
//! Once a request spends a one-time credential (an authorization code exchanged, a refresh
//! token rotated, a portal sign-in token used), its answer carries the result however long
//! it takes, never a 503: a 503 would make the client's retry look like a replay, and a
//! replay revokes the grant. The waits inside such a request are bounded by the busy
//! timeout anyway, so the answer still comes soon after the deadline.
//!
//! The router's deadline layer (`server::deadline`) runs each request in a task scoped with
//! a [`Deadline`]. One atomic state decides the race between the two sides: the layer may
//! answer 503 only while the request has not begun to spend, and a request may begin to
//! spend only while it has not been answered (past that, [`spending`] refuses, and the
//! credential stays unspent for the client's retry).
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use super::faults;
use crate::error::ConsoleError;

/// Still running, nothing spent.
const RUNNING: u8 = 0;
/// Answered 503 by the deadline layer: nothing may be spent any more.
const ANSWERED: u8 = 1;
/// Spending a one-time credential: the layer waits for the result.
const SPENDING: u8 = 2;

/// One request's deadline and its state.
#[derive(Debug)]
pub struct Deadline {
    at: Instant,
    state: AtomicU8,
    /// Woken when the request is answered without its handler (503, or its client gone).
    given_up: tokio::sync::Notify,
}

impl Deadline {
    /// A deadline `after` from now.
    pub fn after(after: Duration) -> Arc<Self> {
        Arc::new(Self {
            at: Instant::now() + after,
            state: AtomicU8::new(RUNNING),
            given_up: tokio::sync::Notify::new(),
        })
    }

    /// When the request must be answered.
    pub fn at(&self) -> Instant {
        self.at
    }

    /// The layer's side: true when the request may be answered 503 now (it has not begun to
    /// spend, and now never will); false when it is spending and must be waited for.
    pub fn answer_busy(&self) -> bool {
        match self
            .state
            .compare_exchange(RUNNING, ANSWERED, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => {
                self.given_up.notify_waiters();
                true
            }
            Err(state) => state == ANSWERED,
        }
    }

    /// The client went away before the answer: unless the request is spending (then it
    /// finishes), nothing more is done for it.
    pub fn abandon(&self) {
        self.answer_busy();
    }
}

tokio::task_local! {
    static DEADLINE: Arc<Deadline>;
}

/// Runs `request` under `deadline`.
pub async fn scope<F: Future>(deadline: Arc<Deadline>, request: F) -> F::Output {
    DEADLINE.scope(deadline, request).await
}

/// Marks the current request as spending a one-time credential: from now on it is answered
/// with its result, past the deadline if need be. `Err` (a 503 to retry) when the deadline
/// has already answered it: the credential must then not be spent. Always `Ok` outside a
/// deadline's scope.
pub fn spending() -> Result<(), ConsoleError> {
    let began = DEADLINE.try_with(|deadline| {
        deadline
            .state
            .compare_exchange(RUNNING, SPENDING, Ordering::AcqRel, Ordering::Acquire)
            .map_or_else(|state| state == SPENDING, |_| true)
    });
    match began {
        Ok(false) => Err(ConsoleError::Busy {
            retry_after: faults::RETRY_AFTER,
        }),
        Ok(true) | Err(_) => Ok(()),
    }
}

/// Resolves when the current request has been answered without its handler (a 503 at the
/// deadline, or its client gone): a wait for something only this request needs can stop.
/// Never resolves outside a deadline's scope.
pub async fn given_up() {
    let Ok(deadline) = DEADLINE.try_with(Arc::clone) else {
        return std::future::pending().await;
    };
    loop {
        let woken = deadline.given_up.notified();
        if deadline.state.load(Ordering::Acquire) == ANSWERED {
            return;
        }
        woken.await;
    }
}

/// How long the current request may still wait: until its deadline (none outside a
/// deadline's scope).
pub fn remaining() -> Option<Duration> {
    DEADLINE
        .try_with(|deadline| deadline.at.saturating_duration_since(Instant::now()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_answered_busy_can_no_longer_spend_and_one_spending_is_waited_for() {
        let answered = Deadline::after(Duration::from_secs(5));
        assert!(answered.answer_busy());
        let refused = scope(Arc::clone(&answered), async { spending() }).await;
        assert!(matches!(refused, Err(ConsoleError::Busy { .. })));

        let spent = Deadline::after(Duration::from_secs(5));
        scope(Arc::clone(&spent), async { spending() })
            .await
            .unwrap();
        assert!(!spent.answer_busy(), "a request spending is waited for");
        // Spending twice in one request is fine.
        scope(Arc::clone(&spent), async { spending() })
            .await
            .unwrap();
        assert!(spending().is_ok(), "outside a deadline nothing is refused");
    }

    #[tokio::test]
    async fn a_request_whose_client_went_away_is_given_up() {
        let deadline = Deadline::after(Duration::from_secs(60));
        let waiting = tokio::spawn(scope(Arc::clone(&deadline), given_up()));
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        deadline.abandon();
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the wait ends when the request is given up")
            .unwrap();
    }
}
