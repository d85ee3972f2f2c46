//! `POST /oauth/introspect` (RFC 7662): an App asks whether one of its own tokens is live.
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect,
    RelationTrait,
};
use serde_json::{Value, json};

use super::{OAuthError, client_auth, grants, params};

use crate::infra::RequestMeta;
use crate::infra::entities::{account, token_grant};
use crate::infra::{ServerState, crypto, now};

/// `{active: true, …}` for a live access or refresh token of the calling App; `{active:
/// false}` for anything else: unknown, expired, another App's, or the App is suspended.
pub async fn introspect(
    State(state): State<ServerState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run(&state, &meta, &headers, &body).await {
        Ok(answer) => {
            let mut response = Json(answer).into_response();
            super::no_store(response.headers_mut());
            response
        }
        Err(error) => error.into_response(),
    }
}

/// The grant a presented token matched, with the account it acts for.
#[derive(Debug, FromQueryResult)]
struct Introspected {
    access_hash: String,
    access_expires_at: i64,
    refresh_expires_at: Option<i64>,
    created_at: i64,
    account_id: i64,
    account_login: String,
}

async fn run(
    state: &ServerState,
    meta: &RequestMeta,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let params = params::parse(body)?;
    let app = client_auth::authenticate(state, meta, headers, &params).await?;
    let token = params
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is required."))?;
    let inactive = json!({ "active": false });
    if app.suspended {
        return Ok(inactive);
    }
    let digest = crypto::token_digest(token);
    let found = token_grant::Entity::find()
        .select_only()
        .columns([
            token_grant::Column::AccessHash,
            token_grant::Column::AccessExpiresAt,
            token_grant::Column::RefreshExpiresAt,
            token_grant::Column::CreatedAt,
        ])
        .column_as(account::Column::Id, "account_id")
        .column_as(account::Column::Login, "account_login")
        .join(JoinType::InnerJoin, token_grant::Relation::Account.def())
        .filter(token_grant::Column::AppId.eq(app.id))
        .filter(grants::generations_match_app(&app))
        .filter(
            Condition::any()
                .add(token_grant::Column::AccessHash.eq(digest.as_str()))
                .add(token_grant::Column::RefreshHash.eq(digest.as_str())),
        )
        .into_model::<Introspected>()
        .one(&state.db)
        .await?;
    let Some(grant) = found else {
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
    let api = app.api.label();
    Ok(json!({
        "active": true,
        "client_id": app.key,
        "token_type": token_type,
        "exp": expires_at,
        "iat": grant.created_at,
        "sub": grant.account_id.to_string(),
        "username": grant.account_login,
        "iss": state.config.public_url,
        "api": api,
    }))
}
