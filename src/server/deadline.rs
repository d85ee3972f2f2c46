//! Every request has a deadline (`APPWARD_REQUEST_DEADLINE`): past it, it is answered 503 with
//! `Retry-After` in the form its caller reads (an OAuth error `temporarily_unavailable` for
//! the OAuth endpoints and the APIs, the console's own refusal for server functions, plain
//! text elsewhere), never left hanging.
//!
//! A handler that may write runs in a task of its own, so that answering at the deadline
//! never drops it in the middle of a transaction: it finishes (each of its waits ends at the deadline or is
//! bounded by the busy timeout), and its result is discarded. A request that has begun to
//! spend a one-time credential is waited for instead ([`crate::infra::deadline`]).
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tracing::Instrument;

use crate::error::ConsoleError;
use crate::infra::deadline::{self, Deadline};
use crate::infra::{ServerState, faults};
use crate::oauth::OAuthError;

/// The middleware: runs the request under its deadline.
pub async fn bound(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let caller = Caller::of(path);
    if reads_only(path) {
        // Nothing to leave half done: the request is simply dropped at the deadline, which
        // costs the API calls that an App makes most no task of their own.
        return tokio::time::timeout(state.config.request_deadline, next.run(request))
            .await
            .unwrap_or_else(|_| caller.busy());
    }
    let deadline = Deadline::after(state.config.request_deadline);
    let at = tokio::time::Instant::from_std(deadline.at());
    // Should the client go away (this future dropped), the handler is told to give up.
    let _client_gone = GiveUpOnDrop(Arc::clone(&deadline));
    // In the request's span (its request id), which a task does not inherit by itself.
    let mut handler =
        tokio::spawn(deadline::scope(Arc::clone(&deadline), next.run(request)).in_current_span());
    let answered = match tokio::time::timeout_at(at, &mut handler).await {
        Ok(answered) => answered,
        Err(_) if deadline.answer_busy() => return caller.busy(),
        Err(_) => handler.await,
    };
    answered.unwrap_or_else(|error| {
        tracing::error!(%error, "a request handler panicked");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

/// The routes that only read (their last-use bookkeeping is queued without waiting): token
/// checks at the APIs, and introspection.
fn reads_only(path: &str) -> bool {
    path.starts_with("/uapi/") || path.starts_with("/soap2") || path == "/oauth/introspect"
}

/// Gives the request up when dropped before its answer was taken (the client went away).
struct GiveUpOnDrop(Arc<Deadline>);

impl Drop for GiveUpOnDrop {
    fn drop(&mut self) {
        self.0.abandon();
    }
}

/// Who is asking, by the path: how a 503 must be written for them to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    /// An App: the OAuth endpoints and the APIs.
    App,
    /// The console's server functions.
    Console,
    /// Pages and anything else.
    Browser,
}

impl Caller {
    fn of(path: &str) -> Self {
        if path.starts_with("/oauth/") || path.starts_with("/uapi/") || path.starts_with("/soap2") {
            Self::App
        } else if path.starts_with("/api/") {
            Self::Console
        } else {
            Self::Browser
        }
    }

    /// The 503 of a request past its deadline. Not a database fault by itself (a slow
    /// machine is enough): counted in an open incident, never logged one by one.
    fn busy(self) -> Response {
        faults::touched(1);
        let busy = ConsoleError::Busy {
            retry_after: faults::RETRY_AFTER,
        };
        let retry_after = (header::RETRY_AFTER, HeaderValue::from(faults::RETRY_AFTER));
        match self {
            Self::App => OAuthError::from(busy).into_response(),
            Self::Console => (
                StatusCode::SERVICE_UNAVAILABLE,
                [
                    retry_after,
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    ),
                ],
                serde_json::to_string(&busy).unwrap_or_default(),
            )
                .into_response(),
            Self::Browser => (
                StatusCode::SERVICE_UNAVAILABLE,
                [retry_after],
                busy.to_string(),
            )
                .into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_caller_is_told_by_the_path() {
        assert_eq!(Caller::of("/oauth/token"), Caller::App);
        assert_eq!(Caller::of("/uapi/v1/me"), Caller::App);
        assert_eq!(Caller::of("/soap2/agent"), Caller::App);
        assert_eq!(Caller::of("/api/create_app"), Caller::Console);
        assert_eq!(Caller::of("/apps"), Caller::Browser);
        assert!(reads_only("/uapi/v1/me") && reads_only("/oauth/introspect"));
        assert!(!reads_only("/oauth/token") && !reads_only("/api/create_app"));
    }
}
