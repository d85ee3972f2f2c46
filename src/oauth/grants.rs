//! Grants: issuing access (and refresh) tokens, checking them, and revoking them.
//! Only SHA-256 hashes are stored; nothing is cached, so a revocation holds on every
//! instance at the next request.
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QuerySelect, RelationTrait, Set,
};

use super::client_auth::AuthenticatedApp;
use crate::domain::{AccountLevel, ApiKind};
use crate::error::ConsoleError;
use crate::infra::RequestMeta;
use crate::infra::entities::{account, app, retired_refresh, token_grant};
use crate::infra::{Config, ServerState, crypto, now};

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

/// A grant about to be stored.
#[derive(Debug, Clone, Copy)]
pub struct NewGrant<'a> {
    /// The App the tokens are for.
    pub app_id: i64,
    /// The account they act for.
    pub account_id: i64,
    /// [`AUTHORIZATION_CODE`] (with a refresh token) or [`CLIENT_CREDENTIALS`] (without).
    pub kind: &'static str,
    /// The App's secret generation the request was authenticated under.
    pub secret_generation: i64,
    /// For client credentials: the App's trust generation the request saw it trusted under.
    pub trust_generation: Option<i64>,
    /// The request that asked for them.
    pub meta: &'a RequestMeta,
}

/// Fresh tokens and their expiry times, from the configured lifetimes.
struct FreshTokens {
    access: String,
    access_expires_at: i64,
    refresh: Option<(String, i64)>,
}

impl FreshTokens {
    fn new(config: &Config, with_refresh: bool, at: i64) -> Self {
        Self {
            access: crypto::random_token(),
            access_expires_at: at + config.access_token_ttl.as_secs() as i64,
            refresh: with_refresh.then(|| {
                (
                    crypto::random_token(),
                    at + config.refresh_token_ttl.as_secs() as i64,
                )
            }),
        }
    }

    fn issued(self, at: i64) -> IssuedTokens {
        IssuedTokens {
            access_token: self.access,
            expires_in: self.access_expires_at - at,
            refresh_token: self.refresh.map(|(token, _)| token),
        }
    }
}

/// Stores a new grant (hashes only) and returns its id and its tokens in clear, this once;
/// `None` when the App changed since the request was authenticated (Regenerate, un-trusted,
/// suspended or removed).
///
/// The insert is conditional on the App row (`INSERT … SELECT … FROM app WHERE` the same
/// generations, not suspended, not removed), so nothing is trusted from an earlier read. On
/// PostgreSQL the row is read `FOR SHARE`: an insert racing Regenerate or un-trusting waits
/// for it and then sees the new generation; SQLite has one writer at a time. Whatever slips
/// through anyway carries the old generation, which every use of a token compares.
pub async fn insert(
    db: &impl ConnectionTrait,
    config: &Config,
    new: NewGrant<'_>,
) -> Result<Option<(i64, IssuedTokens)>, ConsoleError> {
    let at = now();
    let fresh = FreshTokens::new(config, new.kind == AUTHORIZATION_CODE, at);
    let app_col = |column: app::Column| Expr::col((app::Entity, column));
    let mut select = Query::select();
    select
        .from(app::Entity)
        .expr(app_col(app::Column::Id))
        .expr(Expr::val(new.account_id))
        .expr(Expr::val(new.kind))
        .expr(Expr::val(crypto::token_digest(&fresh.access)))
        .expr(Expr::val(fresh.access_expires_at))
        .expr(Expr::val(
            fresh
                .refresh
                .as_ref()
                .map(|(token, _)| crypto::token_digest(token)),
        ))
        .expr(Expr::val(
            fresh.refresh.as_ref().map(|(_, expires)| *expires),
        ))
        .expr(Expr::val(at))
        .expr(Expr::val(at))
        .expr(Expr::val(new.meta.user_agent.as_str()))
        .expr(Expr::val(new.meta.client_addr.as_str()))
        .expr(app_col(app::Column::SecretGeneration))
        .expr(app_col(app::Column::TrustGeneration))
        .and_where(app_col(app::Column::Id).eq(new.app_id))
        .and_where(app_col(app::Column::SecretGeneration).eq(new.secret_generation))
        .and_where(app_col(app::Column::Suspended).eq(false))
        .and_where(app_col(app::Column::RemovedAt).is_null());
    if let Some(trust_generation) = new.trust_generation {
        select
            .and_where(app_col(app::Column::Trusted).eq(true))
            .and_where(app_col(app::Column::TrustGeneration).eq(trust_generation));
    }
    select.lock_shared();
    let insert = Query::insert()
        .into_table(token_grant::Entity)
        .columns([
            token_grant::Column::AppId,
            token_grant::Column::AccountId,
            token_grant::Column::Kind,
            token_grant::Column::AccessHash,
            token_grant::Column::AccessExpiresAt,
            token_grant::Column::RefreshHash,
            token_grant::Column::RefreshExpiresAt,
            token_grant::Column::CreatedAt,
            token_grant::Column::LastUsedAt,
            token_grant::Column::UserAgent,
            token_grant::Column::ClientAddr,
            token_grant::Column::SecretGeneration,
            token_grant::Column::TrustGeneration,
        ])
        .select_from(select)
        .map_err(|error| {
            tracing::error!(%error, "building the grant insert");
            ConsoleError::Internal
        })?
        .returning_col(token_grant::Column::Id)
        .to_owned();
    // Only the new id comes back, not the whole row.
    let Some(row) = db.query_one(&insert).await? else {
        return Ok(None);
    };
    let id: i64 = row.try_get("", "id")?;
    Ok(Some((id, fresh.issued(at))))
}

/// Gives a grant a new access token and a new refresh token, provided its refresh token is
/// still `old_refresh_hash`; the old refresh token is retired, so that presenting it again
/// revokes the grant. `false` when another request rotated it first.
pub async fn rotate(
    db: &impl ConnectionTrait,
    config: &Config,
    grant: &token_grant::Model,
    old_refresh_hash: &str,
) -> Result<Option<IssuedTokens>, ConsoleError> {
    let at = now();
    let fresh = FreshTokens::new(config, true, at);
    let Some((refresh, refresh_expires_at)) = fresh.refresh.as_ref() else {
        return Ok(None);
    };
    let updated = token_grant::Entity::update_many()
        .col_expr(
            token_grant::Column::AccessHash,
            Expr::value(crypto::token_digest(&fresh.access)),
        )
        .col_expr(
            token_grant::Column::AccessExpiresAt,
            Expr::value(fresh.access_expires_at),
        )
        .col_expr(
            token_grant::Column::RefreshHash,
            Expr::value(crypto::token_digest(refresh)),
        )
        .col_expr(
            token_grant::Column::RefreshExpiresAt,
            Expr::value(*refresh_expires_at),
        )
        .col_expr(token_grant::Column::LastUsedAt, Expr::value(at))
        .filter(token_grant::Column::Id.eq(grant.id))
        .filter(token_grant::Column::RefreshHash.eq(old_refresh_hash))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(None);
    }
    // Retired hashes whose refresh token would have expired anyway are forgotten.
    retired_refresh::Entity::delete_many()
        .filter(retired_refresh::Column::ExpiresAt.lt(at))
        .exec(db)
        .await?;
    retired_refresh::ActiveModel {
        refresh_hash: Set(old_refresh_hash.to_owned()),
        grant_id: Set(grant.id),
        expires_at: Set(grant.refresh_expires_at.unwrap_or(at)),
    }
    .insert(db)
    .await?;
    Ok(Some(fresh.issued(at)))
}

/// Revokes one grant: its access token and refresh token die at once.
pub async fn revoke(db: &impl ConnectionTrait, grant_id: i64) -> Result<u64, ConsoleError> {
    let result = token_grant::Entity::delete_by_id(grant_id).exec(db).await?;
    Ok(result.rows_affected)
}

/// Issues an access token for a trusted App, acting for the App's owner; `None` when the
/// App was regenerated, un-trusted, suspended or removed since it authenticated.
#[tracing::instrument(skip_all, fields(app_key = %app.key))]
pub async fn issue_client_credentials(
    state: &ServerState,
    app: &AuthenticatedApp,
    owner_id: i64,
    meta: &RequestMeta,
) -> Result<Option<IssuedTokens>, ConsoleError> {
    let new = NewGrant {
        app_id: app.id,
        account_id: owner_id,
        kind: CLIENT_CREDENTIALS,
        secret_generation: app.secret_generation,
        trust_generation: Some(app.trust_generation),
        meta,
    };
    let issued = insert(&state.db, &state.config, new).await?;
    if issued.is_some() {
        tracing::info!("client credentials token issued");
    }
    Ok(issued.map(|(_, tokens)| tokens))
}

/// Grants still valid under their App's current generations: issued under its current
/// secret, and for client credentials, under its current trust while it is trusted. Needs
/// `token_grant` joined with `app`.
pub fn generations_match() -> Condition {
    let grant_col = |column: token_grant::Column| Expr::col((token_grant::Entity, column));
    Condition::all()
        .add(
            grant_col(token_grant::Column::SecretGeneration)
                .equals((app::Entity, app::Column::SecretGeneration)),
        )
        .add(
            Condition::any()
                .add(grant_col(token_grant::Column::Kind).ne(CLIENT_CREDENTIALS))
                .add(
                    Condition::all()
                        .add(Expr::col((app::Entity, app::Column::Trusted)).eq(true))
                        .add(
                            grant_col(token_grant::Column::TrustGeneration)
                                .equals((app::Entity, app::Column::TrustGeneration)),
                        ),
                ),
        )
}

/// The same as [`generations_match`], against an App already read with its generations.
pub fn generations_match_app(app: &AuthenticatedApp) -> Condition {
    let mut kind_valid = Condition::any().add(token_grant::Column::Kind.ne(CLIENT_CREDENTIALS));
    if app.trusted {
        kind_valid = kind_valid.add(token_grant::Column::TrustGeneration.eq(app.trust_generation));
    }
    Condition::all()
        .add(token_grant::Column::SecretGeneration.eq(app.secret_generation))
        .add(kind_valid)
}

/// What a valid access token stands for: its grant, its App (live, not suspended, of the
/// right API) and the account it acts for; only the columns the APIs answer with.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TokenHolder {
    /// The grant's id.
    pub grant_id: i64,
    /// When the access token expires (Unix seconds).
    pub access_expires_at: i64,
    last_used_at: i64,
    /// The App's key.
    pub app_key: String,
    /// The App's name.
    pub app_name: String,
    app_api: ApiKind,
    app_suspended: bool,
    app_removed_at: Option<i64>,
    /// The account's id.
    pub account_id: i64,
    /// The account's login.
    pub account_login: String,
    /// The account's name.
    pub account_name: String,
    /// The account's level code.
    pub account_level: AccountLevel,
}

/// Why an access token was not accepted.
#[derive(Debug)]
pub enum TokenRefusal {
    /// The token is unknown, expired, or its App is removed, suspended or of the other API;
    /// the words are for the App's developer.
    Denied(&'static str),
    /// The check itself failed (logged where it happened).
    Fault(ConsoleError),
}

impl From<sea_orm::DbErr> for TokenRefusal {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Fault(error.into())
    }
}

/// Checks an access token presented to the API `api`: known, unexpired, its App live,
/// enabled and registered under `api`.
pub async fn check_access_token(
    state: &ServerState,
    token: &str,
    api: ApiKind,
) -> Result<TokenHolder, TokenRefusal> {
    let digest = crypto::token_digest(token.trim());
    let at = now();
    // One query, of only the columns the answer needs: every text column read is a copy.
    let found = token_grant::Entity::find()
        .select_only()
        .column_as(token_grant::Column::Id, "grant_id")
        .columns([
            token_grant::Column::AccessExpiresAt,
            token_grant::Column::LastUsedAt,
        ])
        .column_as(app::Column::Key, "app_key")
        .column_as(app::Column::Name, "app_name")
        .column_as(app::Column::Api, "app_api")
        .column_as(app::Column::Suspended, "app_suspended")
        .column_as(app::Column::RemovedAt, "app_removed_at")
        .column_as(account::Column::Id, "account_id")
        .column_as(account::Column::Login, "account_login")
        .column_as(account::Column::Name, "account_name")
        .column_as(account::Column::Level, "account_level")
        .join(JoinType::InnerJoin, token_grant::Relation::App.def())
        .join(JoinType::InnerJoin, token_grant::Relation::Account.def())
        .filter(token_grant::Column::AccessHash.eq(digest))
        .filter(generations_match())
        .into_model::<TokenHolder>()
        .one(&state.db)
        .await?;
    let holder = match found {
        Some(holder) if holder.app_removed_at.is_none() => holder,
        _ => return Err(TokenRefusal::Denied("The access token is not valid.")),
    };
    if holder.access_expires_at <= at {
        return Err(TokenRefusal::Denied("The access token has expired."));
    }
    if holder.app_suspended {
        return Err(TokenRefusal::Denied("The App is suspended."));
    }
    if holder.app_api != api {
        return Err(TokenRefusal::Denied(match api {
            ApiKind::UnifiedApi => {
                "This token belongs to a SystemAPI App; use it with the SystemAPI."
            }
            ApiKind::SystemApi => {
                "This token belongs to a UnifiedAPI App; use it with the UnifiedAPI."
            }
        }));
    }
    if at - holder.last_used_at >= TOUCH_INTERVAL {
        token_grant::Entity::update_many()
            .col_expr(token_grant::Column::LastUsedAt, Expr::value(at))
            .filter(token_grant::Column::Id.eq(holder.grant_id))
            .exec(&state.db)
            .await?;
    }
    Ok(holder)
}

/// A grant that can still be used (SPEC §3 "live"): its access token or its refresh token
/// is unexpired at `at`. Columns are named with their table, so the condition also holds
/// inside a subquery.
pub fn is_live(at: i64) -> Condition {
    Condition::any()
        .add(Expr::col((token_grant::Entity, token_grant::Column::AccessExpiresAt)).gt(at))
        .add(Expr::col((token_grant::Entity, token_grant::Column::RefreshExpiresAt)).gt(at))
}

/// Whether `account_id` holds any grant of the App `app_id`.
pub async fn held_by(
    db: &impl ConnectionTrait,
    app_id: i64,
    account_id: i64,
) -> Result<bool, ConsoleError> {
    let held = token_grant::Entity::find()
        .filter(token_grant::Column::AppId.eq(app_id))
        .filter(token_grant::Column::AccountId.eq(account_id))
        .count(db)
        .await?;
    Ok(held > 0)
}

/// Revokes every grant of the Apps with `app_ids`, for every user (Regenerate, removal).
pub async fn revoke_all_of_apps(
    db: &impl ConnectionTrait,
    app_ids: Vec<i64>,
) -> Result<u64, ConsoleError> {
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
) -> Result<u64, ConsoleError> {
    let result = token_grant::Entity::delete_many()
        .filter(token_grant::Column::AppId.eq(app_id))
        .filter(token_grant::Column::Kind.eq(CLIENT_CREDENTIALS))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
