//! `POST /oauth/token`: the token endpoint (RFC 6749 §3.2), as VoipNow's clients call it.
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::grants::{self, IssuedTokens};
use super::{OAuthError, client_auth, code_grant, params, refresh_grant};
use crate::infra::RequestMeta;
use crate::infra::ServerState;
use crate::infra::metrics::{self, GrantType};

/// The grant type that rotates a refresh token.
const REFRESH_TOKEN: &str = "refresh_token";

/// Answers a token request with tokens or an RFC 6749 §5.2 error.
pub async fn token(
    State(state): State<ServerState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match issue(&state, &meta, &headers, &body).await {
        Ok(tokens) => tokens_response(tokens),
        Err(error) => error.into_response(),
    }
}

async fn issue(
    state: &ServerState,
    meta: &RequestMeta,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<IssuedTokens, OAuthError> {
    let params = params::parse(body)?;
    let grant_type = params
        .get("grant_type")
        .ok_or_else(|| OAuthError::invalid_request("grant_type is required."))?
        .clone();
    let app = client_auth::authenticate(state, meta, headers, &params).await?;
    if app.suspended {
        return Err(OAuthError::unauthorized_client("The App is suspended."));
    }
    let (grant, issued) = match grant_type.as_str() {
        grants::AUTHORIZATION_CODE => (
            GrantType::AuthorizationCode,
            code_grant::exchange(state, &app, &params, meta).await,
        ),
        REFRESH_TOKEN => (
            GrantType::RefreshToken,
            refresh_grant::exchange(state, &app, &params).await,
        ),
        grants::CLIENT_CREDENTIALS => (
            GrantType::ClientCredentials,
            client_credentials(state, &app, meta).await,
        ),
        other => {
            return Err(OAuthError::unsupported_grant_type(format!(
                "The grant type {other:?} is not supported."
            )));
        }
    };
    if issued.is_ok() {
        metrics::token_issued(grant);
    }
    issued
}

/// Client credentials: a trusted App's token for its owner.
async fn client_credentials(
    state: &ServerState,
    app: &client_auth::AuthenticatedApp,
    meta: &RequestMeta,
) -> Result<IssuedTokens, OAuthError> {
    if !app.trusted {
        return Err(OAuthError::unauthorized_client(
            "Only a trusted App may use client credentials.",
        ));
    }
    let owner = app
        .owner_id
        .ok_or_else(|| OAuthError::unauthorized_client("The App has no owner to act for."))?;
    // `type`, `redirect_uri` and `state` (sent by VoipNow's clients) are ignored.
    grants::issue_client_credentials(state, app, owner, meta)
        .await?
        .ok_or_else(|| {
            OAuthError::unauthorized_client(
                "The App was changed (Regenerate, un-trusted, suspended or removed) \
                 while the token was being issued.",
            )
        })
}

fn tokens_response(tokens: IssuedTokens) -> Response {
    let mut body = json!({
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
    });
    if let Some(refresh_token) = tokens.refresh_token {
        body["refresh_token"] = refresh_token.into();
    }
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    super::no_store(headers);
    response
}
