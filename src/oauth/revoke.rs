//! `POST /oauth/revoke` (RFC 7009): an App ends one of its own tokens.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::{OAuthError, client_auth, params};
use crate::infra::RequestMeta;
use crate::infra::entities::token_grant;
use crate::infra::{ServerState, crypto};

/// Revokes the grant holding `token` (access or refresh) when it is the App's own; answers
/// 200 whether or not the token was known, as RFC 7009 §2.2 asks.
pub async fn revoke(
    State(state): State<ServerState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run(&state, &meta, &headers, &body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => error.into_response(),
    }
}

async fn run(
    state: &ServerState,
    meta: &RequestMeta,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), OAuthError> {
    let params = params::parse(body)?;
    let app = client_auth::authenticate(state, meta, headers, &params).await?;
    let token = params
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is required."))?;
    let digest = crypto::token_digest(token);
    // The grant dies whole: its access token and the refresh token beside it.
    token_grant::Entity::delete_many()
        .filter(token_grant::Column::AppId.eq(app.id))
        .filter(
            Condition::any()
                .add(token_grant::Column::AccessHash.eq(digest.clone()))
                .add(token_grant::Column::RefreshHash.eq(digest)),
        )
        .exec(&state.db)
        .await?;
    Ok(())
}
