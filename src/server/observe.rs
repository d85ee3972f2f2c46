//! What every request leaves behind: a request id, an access line, and its HTTP metrics.
//!
//! - The request id is the request's `x-request-id` when it comes from a trusted proxy
//!   (`APPWARD_TRUSTED_PROXIES`) and is a plain token (at most 128 letters, digits and
//!   `-_.:`); otherwise one is made (16 hex digits, random). It is echoed in the answer's
//!   `x-request-id`, written in the access line, and is the `request_id` field of the span
//!   every other line of the request is logged in.
//! - The access line, at `info` under the target `appward::access`, once the answer's head is
//!   ready: method, route template, status, latency in milliseconds, request id, client
//!   address. The route is the router's template (`/apps/{key}`), never the path, and neither
//!   the query (`accessRequestToken` travels there) nor a body is ever logged.
//! - The metrics ([`crate::infra::metrics`], when on): requests by route template and status
//!   class, and their latency.
//!
//! It wraps every route but the probes, outside the deadline ([`super::deadline`]) and the
//! body limit: their own 503 and 413 are seen, counted and logged like any answer.
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::time::Instant;
use tracing::Instrument;

use crate::infra::ServerState;
use crate::infra::metrics;
use crate::infra::request_meta::{client_ip, is_trusted_proxy};

/// The request id's header, in the request (from a trusted proxy) and in the answer.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a proxy.
const MAX_ID_LEN: usize = 128;

/// The middleware.
pub async fn observe(
    State(state): State<ServerState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let trusted = &state.config.trusted_proxies;
    let from_proxy = peer.is_some_and(|peer| is_trusted_proxy(peer, trusted));
    let id = match request.headers().get(&X_REQUEST_ID) {
        Some(given) if from_proxy && is_plain_id(given.as_bytes()) => given.clone(),
        _ => {
            let made = made_id();
            // Handlers (and a proxy's id being replaced) see the id the answer carries.
            request
                .headers_mut()
                .insert(X_REQUEST_ID.clone(), made.clone());
            made
        }
    };
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let client = client_ip(peer, request.headers(), trusted);
    // A plain id is ASCII: always text.
    let id_text = id.to_str().unwrap_or_default();
    let span = tracing::info_span!("request", request_id = id_text);
    let mut response = next.run(request).instrument(span).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let route = route
        .as_ref()
        .map_or(metrics::UNMATCHED, MatchedPath::as_str);
    if let Some(metrics) = metrics::get() {
        metrics.http_request(route, status, elapsed);
    }
    tracing::info!(
        target: "appward::access",
        method = method.as_str(),
        route,
        status,
        latency_ms = elapsed.as_micros() as f64 / 1000.0,
        request_id = id_text,
        client = client.map(tracing::field::display),
        "request"
    );
    response.headers_mut().insert(X_REQUEST_ID.clone(), id);
    response
}

/// Whether a request id given by a proxy can be kept as it is: a plain token that cannot
/// break a log line or smuggle anything into one.
fn is_plain_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(byte))
}

/// A new request id: 16 hex digits from the thread's CSPRNG (seeded from the OS).
fn made_id() -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits: u64 = rand::random();
    let mut text = [0u8; 16];
    for (place, digit) in text.iter_mut().enumerate() {
        *digit = HEX[((bits >> (60 - 4 * place)) & 0xf) as usize];
    }
    HeaderValue::from_bytes(&text).unwrap_or_else(|_| HeaderValue::from_static("0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_ids_are_16_hex_digits_and_differ() {
        let first = made_id();
        let second = made_id();
        assert_eq!(first.len(), 16);
        assert!(first.as_bytes().iter().all(u8::is_ascii_hexdigit));
        assert_ne!(first, second);
        assert!(is_plain_id(first.as_bytes()));
    }

    #[test]
    fn only_plain_ids_are_kept() {
        assert!(is_plain_id(b"3f2c9a1e-0b7d-4c8e-9f1a-2b3c4d5e6f70"));
        assert!(is_plain_id(b"req_42.a:b"));
        for bad in [
            &b""[..],
            b"two words",
            b"line\nbreak",
            b"quote\"",
            b"a=b",
            &[b'a'; MAX_ID_LEN + 1],
        ] {
            assert!(!is_plain_id(bad), "{bad:?}");
        }
    }
}
