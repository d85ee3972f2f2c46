//! Responses that carry tokens, codes or their facts are never cached.
use axum::http::{HeaderMap, HeaderValue, header};

/// Marks a response that carries tokens, codes or their facts as never to be cached
/// (RFC 6749 §5.1): `Cache-Control: no-store` and, for HTTP/1.0 caches, `Pragma: no-cache`.
pub fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}
