//! UnifiedAPI: `GET /uapi/v1/me`, the facts an access token stands for.
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::{AccountLevel, ApiKind};
use crate::error::ConsoleError;
use crate::infra::metrics::{self, CheckResult, CheckedAt};
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

/// The answer of `GET /uapi/v1/me`, written straight from the row read. Its fields are in
/// alphabetical order, as `serde_json`'s maps (without `preserve_order`) wrote them before,
/// so the bytes are as they always were.
#[derive(Serialize)]
struct Me<'a> {
    account: MeAccount<'a>,
    app: MeApp<'a>,
    expires_at: String,
}

#[derive(Serialize)]
struct MeAccount<'a> {
    id: i64,
    level: AccountLevel,
    login: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct MeApp<'a> {
    api: &'static str,
    key: &'a str,
    name: &'a str,
}

/// `{account: {id, level, login, name}, app: {api, key, name}, expires_at}`, or 401.
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
    let checked = grants::check_access_token(&state, &token, ApiKind::UnifiedApi).await;
    metrics::token_checked(CheckedAt::UnifiedApi, check_result(&checked));
    let mut response = match checked {
        Ok(holder) => Json(Me {
            account: MeAccount {
                id: holder.account_id,
                level: holder.account_level,
                login: &holder.account_login,
                name: &holder.account_name,
            },
            app: MeApp {
                api: ApiKind::UnifiedApi.label(),
                key: &holder.app_key,
                name: &holder.app_name,
            },
            expires_at: utc_rfc3339(holder.access_expires_at),
        })
        .into_response(),
        Err(TokenRefusal::Denied(why)) => {
            denied(why, "Bearer realm=\"appward\", error=\"invalid_token\"")
        }
        Err(TokenRefusal::Fault(ConsoleError::Busy { retry_after })) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, HeaderValue::from(retry_after))],
            Json(json!({"error": {"code": OAuthErrorCode::TemporarilyUnavailable.as_str(), "message": ConsoleError::Busy { retry_after }.to_string()}})),
        )
            .into_response(),
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

/// What a token check found, as the metrics count it.
pub(super) fn check_result<T>(checked: &Result<T, TokenRefusal>) -> CheckResult {
    match checked {
        Ok(_) => CheckResult::Valid,
        Err(TokenRefusal::Denied(_)) => CheckResult::Invalid,
        Err(TokenRefusal::Fault(_)) => CheckResult::Error,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_has_the_bytes_the_json_map_wrote() {
        let answer = Me {
            account: MeAccount {
                id: 7,
                level: AccountLevel::ServiceProvider,
                login: "kim",
                name: "Kim \"K\" Ng",
            },
            app: MeApp {
                api: ApiKind::UnifiedApi.label(),
                key: "5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE",
                name: "Bench",
            },
            expires_at: utc_rfc3339(1_800_000_000),
        };
        let before = json!({
            "account": {"id": 7, "login": "kim", "name": "Kim \"K\" Ng", "level": AccountLevel::ServiceProvider},
            "app": {"key": "5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE", "name": "Bench", "api": "UnifiedAPI"},
            "expires_at": "2027-01-15T08:00:00Z",
        });
        assert_eq!(serde_json::to_string(&answer).unwrap(), before.to_string());
    }
}
