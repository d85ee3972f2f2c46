//! The refresh token grant (RFC 6749 §6), rotating: each refresh token works once, and a
//! dead one presented again revokes its whole grant (RFC 9700 §4.14.2).
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

use super::OAuthError;
use super::client_auth::AuthenticatedApp;
use super::grants::{self, IssuedTokens};
use crate::error::ConsoleError;
use crate::infra::entities::{retired_refresh, token_grant};
use crate::infra::{ServerState, crypto, now};

const REPLAYED: &str = "The refresh token was already used; the grant is revoked.";

/// Exchanges a live refresh token of `app` for a new access token and a new refresh token.
pub async fn exchange(
    state: &ServerState,
    app: &AuthenticatedApp,
    params: &HashMap<String, String>,
) -> Result<IssuedTokens, OAuthError> {
    let token = params
        .get("refresh_token")
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is required."))?;
    let digest = crypto::token_digest(token);
    let unknown = || OAuthError::invalid_grant("The refresh token is not valid.");
    let live = token_grant::Entity::find()
        .filter(token_grant::Column::RefreshHash.eq(digest.as_str()))
        .one(&state.db)
        .await?;
    let Some(grant) = live else {
        return match retired_grant(state, &digest).await? {
            Some(grant) if grant.app_id == app.id => {
                grants::revoke(&state.db, grant.id).await?;
                tracing::warn!(
                    grant_id = grant.id,
                    "dead refresh token replayed; grant revoked"
                );
                Err(OAuthError::invalid_grant(REPLAYED))
            }
            _ => Err(unknown()),
        };
    };
    if grant.app_id != app.id {
        return Err(unknown());
    }
    // Issued before a Regenerate: dead (Regenerate deletes such grants; this catches one
    // written in a race with it).
    if grant.secret_generation != app.secret_generation {
        return Err(unknown());
    }
    if grant
        .refresh_expires_at
        .is_none_or(|expires| expires <= now())
    {
        return Err(OAuthError::invalid_grant("The refresh token has expired."));
    }
    let rotated = {
        let (grant, config, digest) = (grant.clone(), state.config.clone(), digest.clone());
        // From here the refresh token is spent: the answer carries the result, never a 503
        // that would make the App's retry look like a replay.
        crate::infra::deadline::spending()?;
        crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, move |txn| {
            Box::pin(async move { grants::rotate(txn, &config, &grant, &digest).await })
        })
        .await?
    };
    match rotated {
        Some(tokens) => Ok(tokens),
        // Another request rotated it at the same moment: one of the two is a replay.
        None => {
            grants::revoke(&state.db, grant.id).await?;
            tracing::warn!(
                grant_id = grant.id,
                "refresh token used twice at once; grant revoked"
            );
            Err(OAuthError::invalid_grant(REPLAYED))
        }
    }
}

async fn retired_grant(
    state: &ServerState,
    digest: &str,
) -> Result<Option<token_grant::Model>, ConsoleError> {
    let Some(retired) = retired_refresh::Entity::find_by_id(digest.to_owned())
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(token_grant::Entity::find_by_id(retired.grant_id)
        .one(&state.db)
        .await?)
}
