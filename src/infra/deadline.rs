//! The request deadline's one exception: once a request spends a one-time credential (an
//! authorization code exchanged, a refresh token rotated), its answer carries the result
//! however long it takes, never a 503. A 503 would make the App's retry look like a replay,
//! and a replay revokes the grant. The waits inside such a request are bounded by the busy
//! timeout anyway, so the answer still comes soon after the deadline.
//!
//! The router's deadline layer (`server::deadline`) runs each request in a task scoped with
//! a flag; [`spending`] raises it.
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

tokio::task_local! {
    static SPENDING: Arc<AtomicBool>;
}

/// Runs `request` with `flag` as its "spending a one-time credential" mark.
pub async fn scope<F: Future>(flag: Arc<AtomicBool>, request: F) -> F::Output {
    SPENDING.scope(flag, request).await
}

/// Marks the current request as spending a one-time credential: from now on it is answered
/// with its result, past the deadline if need be. Nothing outside a deadline's scope.
pub fn spending() {
    let _ = SPENDING.try_with(|flag| flag.store(true, Ordering::Release));
}
