//! Grants: issuing access (and refresh) tokens, checking them, and revoking them.
//! Only SHA-256 hashes are stored; nothing is cached, so a revocation holds on every
//! instance at the next request.
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::RequestMeta;
use crate::domain::ApiKind;
use crate::error::AppError;
use crate::server::entities::{account, app, token_grant};
use crate::server::{AppState, crypto, now};

/// The kind of grant issued through the authorization code flow.
pub const AUTHORIZATION_CODE: &str = "authorization_code";
/// The kind of grant issued to a trusted App for its owner.
pub const CLIENT_CREDENTIALS: &str = "client_credentials";
/// A grant's last-use time is written at most this often (seconds).
const TOUCH_INTERVAL: i64 = 60;

/// Tokens just issued, in clear this once.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    /// The access token.
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// The refresh token issued beside it, if any.
    pub refresh_token: Option<String>,
}

/// Issues an access token for a trusted App, acting for the App's owner.
#[tracing::instrument(skip_all, fields(app_key = %app.key))]
pub async fn issue_client_credentials(
    state: &AppState,
    app: &app::Model,
    owner_id: i64,
    meta: &RequestMeta,
) -> Result<IssuedTokens, AppError> {
    let access_token = crypto::random_token();
    let expires_in = state.config.access_token_ttl.as_secs() as i64;
    let at = now();
    token_grant::ActiveModel {
        app_id: Set(app.id),
        account_id: Set(owner_id),
        kind: Set(CLIENT_CREDENTIALS.into()),
        access_hash: Set(crypto::token_digest(&access_token)),
        access_expires_at: Set(at + expires_in),
        refresh_hash: Set(None),
        refresh_expires_at: Set(None),
        created_at: Set(at),
        last_used_at: Set(at),
        user_agent: Set(meta.user_agent.clone()),
        client_addr: Set(meta.client_addr.clone()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    tracing::info!("client credentials token issued");
    Ok(IssuedTokens {
        access_token,
        expires_in,
        refresh_token: None,
    })
}

/// What a valid access token stands for.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    /// The grant.
    pub grant: token_grant::Model,
    /// Its App (live, not suspended).
    pub app: app::Model,
    /// The account the token acts for.
    pub account: account::Model,
}

/// Why an access token was not accepted.
#[derive(Debug)]
pub enum TokenRefusal {
    /// The token is unknown, expired, or its App is removed, suspended or of the other API;
    /// the words are for the App's developer.
    Denied(&'static str),
    /// The check itself failed (logged where it happened).
    Fault(AppError),
}

impl From<sea_orm::DbErr> for TokenRefusal {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Fault(error.into())
    }
}

/// Checks an access token presented to the API `api`: known, unexpired, its App live,
/// enabled and registered under `api`.
pub async fn check_access_token(
    state: &AppState,
    token: &str,
    api: ApiKind,
) -> Result<TokenHolder, TokenRefusal> {
    let digest = crypto::token_digest(token.trim());
    let at = now();
    let found = token_grant::Entity::find()
        .filter(token_grant::Column::AccessHash.eq(digest))
        .find_also_related(app::Entity)
        .one(&state.db)
        .await?;
    let (grant, app) = match found {
        Some((grant, Some(app))) if app.removed_at.is_none() => (grant, app),
        _ => return Err(TokenRefusal::Denied("The access token is not valid.")),
    };
    if grant.access_expires_at <= at {
        return Err(TokenRefusal::Denied("The access token has expired."));
    }
    if app.suspended {
        return Err(TokenRefusal::Denied("The App is suspended."));
    }
    if app.api != api.as_str() {
        return Err(TokenRefusal::Denied(match api {
            ApiKind::UnifiedApi => {
                "This token belongs to a SystemAPI App; use it with the SystemAPI."
            }
            ApiKind::SystemApi => {
                "This token belongs to a UnifiedAPI App; use it with the UnifiedAPI."
            }
        }));
    }
    let account = account::Entity::find_by_id(grant.account_id)
        .one(&state.db)
        .await?
        .ok_or(TokenRefusal::Denied("The access token is not valid."))?;
    if at - grant.last_used_at >= TOUCH_INTERVAL {
        token_grant::Entity::update_many()
            .col_expr(
                token_grant::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(at),
            )
            .filter(token_grant::Column::Id.eq(grant.id))
            .exec(&state.db)
            .await?;
    }
    Ok(TokenHolder {
        grant,
        app,
        account,
    })
}

/// Revokes every grant of the Apps with `app_ids`, for every user (Regenerate, removal).
pub async fn revoke_all_of_apps(
    db: &impl ConnectionTrait,
    app_ids: Vec<i64>,
) -> Result<u64, AppError> {
    if app_ids.is_empty() {
        return Ok(0);
    }
    let result = token_grant::Entity::delete_many()
        .filter(token_grant::Column::AppId.is_in(app_ids))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Revokes the client-credentials grants of an App (it is no longer trusted).
pub async fn revoke_client_credentials(
    db: &impl ConnectionTrait,
    app_id: i64,
) -> Result<u64, AppError> {
    let result = token_grant::Entity::delete_many()
        .filter(token_grant::Column::AppId.eq(app_id))
        .filter(token_grant::Column::Kind.eq(CLIENT_CREDENTIALS))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
