//! UnifiedAPI: `GET /uapi/v1/me`, the facts an access token stands for.
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::domain::ApiKind;
use crate::infra::{ServerState, utc_rfc3339};
use crate::oauth::OAuthErrorCode;
use crate::oauth::grants::{self, TokenRefusal};

/// The query of a UnifiedAPI call: VoipNow's clients may send the token here.
#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    /// The access token, bare or prefixed `Bearer `.
    #[serde(rename = "accessRequestToken")]
    access_request_token: Option<String>,
}

/// `{account: {id, login, name, level}, app: {key, name, api}, expires_at}`, or 401.
pub async fn me(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    let Some(token) = presented_token(&headers, query.access_request_token.as_deref()) else {
        return denied(
            "An access token is required: Authorization: Bearer <token>.",
            "Bearer realm=\"appward\"",
        );
    };
    let mut response = match grants::check_access_token(&state, &token, ApiKind::UnifiedApi).await {
        Ok(holder) => Json(json!({
            "account": {
                "id": holder.account_id,
                "login": holder.account_login,
                "name": holder.account_name,
                "level": holder.account_level,
            },
            "app": {
                "key": holder.app_key,
                "name": holder.app_name,
                "api": ApiKind::UnifiedApi.label(),
            },
            "expires_at": utc_rfc3339(holder.access_expires_at),
        }))
        .into_response(),
        Err(TokenRefusal::Denied(why)) => {
            denied(why, "Bearer realm=\"appward\", error=\"invalid_token\"")
        }
        Err(TokenRefusal::Fault(_)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": {"code": OAuthErrorCode::ServerError.as_str(), "message": "Internal error. Please try again later."}})),
        )
            .into_response(),
    };
    // What a token reads is for its holder only: no cache may keep it.
    crate::oauth::no_store(response.headers_mut());
    response
}

/// The token of `Authorization: Bearer …`, else of `accessRequestToken` (bare or `Bearer …`).
fn presented_token(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(strip_bearer);
    from_header
        .or_else(|| query.map(|value| strip_bearer(value).unwrap_or(value)))
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
}

fn strip_bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// 401 with SPEC §5's body and an RFC 6750 challenge (`error="invalid_token"` when a token
/// was presented and refused).
fn denied(message: &str, challenge: &'static str) -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": {"code": OAuthErrorCode::AccessDenied.as_str(), "message": message}})),
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    crate::oauth::no_store(response.headers_mut());
    response
}
