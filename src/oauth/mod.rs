//! The OAuth 2.0 endpoints Apps call (SPEC §5): plain axum handlers on the console's router,
//! with their own RFC 6749-shaped errors.
mod authorize;
mod client_auth;
pub mod code_grant;
mod consent_page;
mod error;
pub mod grants;
mod introspect;
mod metadata;
mod params;
mod pkce;
mod refresh_grant;
mod request_meta;
mod revoke;
mod token;

pub use error::OAuthError;
pub use request_meta::RequestMeta;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::routing::{get, post};

use crate::server::ServerState;

/// `/oauth/authorize` and `/oauth/token` (each with its VoipNow `.php` alias),
/// `/oauth/revoke`, `/oauth/introspect`, and the RFC 8414 metadata.
pub fn routes() -> Router<ServerState> {
    Router::new()
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::decide),
        )
        .route(
            "/oauth/authorize.php",
            get(authorize::show).post(authorize::decide),
        )
        .route("/oauth/token", post(token::token))
        .route("/oauth/token.php", post(token::token))
        .route("/oauth/revoke", post(revoke::revoke))
        .route("/oauth/introspect", post(introspect::introspect))
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::metadata),
        )
}

/// Marks a response that carries tokens, codes or their facts as never to be cached
/// (RFC 6749 §5.1): `Cache-Control: no-store` and, for HTTP/1.0 caches, `Pragma: no-cache`.
pub fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}
