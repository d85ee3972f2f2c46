//! `GET /.well-known/oauth-authorization-server` (RFC 8414).
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::server::AppState;

/// What Appward's authorization server offers, with `APPWARD_PUBLIC_URL` as the issuer.
pub async fn metadata(State(state): State<AppState>) -> Json<Value> {
    let issuer = state.config.public_url.as_str();
    Json(json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}/oauth/token"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "grant_types_supported": ["client_credentials"],
    }))
}
