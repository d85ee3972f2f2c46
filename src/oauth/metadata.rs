//! `GET /.well-known/oauth-authorization-server` (RFC 8414).
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::infra::ServerState;

/// What Appward's authorization server offers, with `APPWARD_PUBLIC_URL` as the issuer.
pub async fn metadata(State(state): State<ServerState>) -> Json<Value> {
    let issuer = state.config.public_url.as_str();
    let client_auth = json!(["client_secret_basic", "client_secret_post"]);
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "introspection_endpoint": format!("{issuer}/oauth/introspect"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": client_auth,
        "revocation_endpoint_auth_methods_supported": client_auth,
        "introspection_endpoint_auth_methods_supported": client_auth,
        "authorization_response_iss_parameter_supported": true,
    }))
}
