//! Every request has a deadline (`APPWARD_REQUEST_DEADLINE`): past it, it is answered 503 with
//! `Retry-After` in the form its caller reads (an OAuth error `temporarily_unavailable` for
//! the OAuth endpoints and the APIs, the console's own refusal for server functions, plain
//! text elsewhere), never left hanging.
//!
//! The handler runs in a task of its own, so that answering at the deadline never drops it in
//! the middle of a transaction: it finishes (each of its waits is bounded by the busy
//! timeout), and its result is discarded. A request that has begun to spend a one-time
//! credential ([`crate::infra::deadline::spending`]) is waited for instead.
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::ConsoleError;
use crate::infra::{ServerState, deadline, faults};
use crate::oauth::OAuthError;

/// The middleware: runs the request under its deadline.
pub async fn bound(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let caller = Caller::of(request.uri().path());
    let spending = Arc::new(AtomicBool::new(false));
    let mut handler = tokio::spawn(deadline::scope(Arc::clone(&spending), next.run(request)));
    let answered = match tokio::time::timeout(state.config.request_deadline, &mut handler).await {
        Ok(answered) => answered,
        Err(_) if spending.load(Ordering::Acquire) => handler.await,
        Err(_) => return caller.busy(),
    };
    answered.unwrap_or_else(|error| {
        tracing::error!(%error, "a request handler panicked");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
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

    fn busy(self) -> Response {
        let busy = faults::busy("a request reached its deadline");
        match self {
            Self::App => OAuthError::from(busy).into_response(),
            Self::Console => {
                let mut response = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::CONTENT_TYPE, "application/json")],
                    serde_json::to_string(&busy).unwrap_or_default(),
                )
                    .into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(faults::RETRY_AFTER));
                response
            }
            Self::Browser => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, HeaderValue::from(faults::RETRY_AFTER))],
                ConsoleError::Busy {
                    retry_after: faults::RETRY_AFTER,
                }
                .to_string(),
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
    }
}
