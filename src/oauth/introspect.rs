//! `POST /oauth/introspect` (RFC 7662): an App asks whether one of its own tokens is live.
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::{OAuthError, client_auth, params};
use crate::domain::ApiKind;
use crate::server::entities::{account, token_grant};
use crate::server::{AppState, crypto, now};

/// `{active: true, …}` for a live access or refresh token of the calling App; `{active:
/// false}` for anything else: unknown, expired, another App's, or the App is suspended.
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run(&state, &headers, &body).await {
        Ok(answer) => {
            let mut response = Json(answer).into_response();
            super::no_store(response.headers_mut());
            response
        }
        Err(error) => error.into_response(),
    }
}

async fn run(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
    let params = params::parse(body)?;
    let app = client_auth::authenticate(state, headers, &params).await?;
    let token = params
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is required."))?;
    let inactive = json!({ "active": false });
    if app.suspended {
        return Ok(inactive);
    }
    let digest = crypto::token_digest(token);
    let found = token_grant::Entity::find()
        .filter(token_grant::Column::AppId.eq(app.id))
        .filter(
            Condition::any()
                .add(token_grant::Column::AccessHash.eq(digest.as_str()))
                .add(token_grant::Column::RefreshHash.eq(digest.as_str())),
        )
        .find_also_related(account::Entity)
        .one(&state.db)
        .await?;
    let Some((grant, Some(account))) = found else {
        return Ok(inactive);
    };
    let (token_type, expires_at) = if grant.access_hash == digest {
        ("Bearer", grant.access_expires_at)
    } else {
        ("refresh_token", grant.refresh_expires_at.unwrap_or(0))
    };
    if expires_at <= now() {
        return Ok(inactive);
    }
    let api = ApiKind::parse(&app.api)
        .map(ApiKind::label)
        .unwrap_or_default();
    Ok(json!({
        "active": true,
        "client_id": app.key,
        "token_type": token_type,
        "exp": expires_at,
        "iat": grant.created_at,
        "sub": account.id.to_string(),
        "username": account.login,
        "iss": state.config.public_url,
        "api": api,
    }))
}
