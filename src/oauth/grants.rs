//! Grants: issuing access (and refresh) tokens, checking them, and revoking them.
//! Only digests are stored (`crypto::token_digest`); nothing is cached, so a revocation holds
//! on every instance at the next request.
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, RelationTrait, Select, Set,
};
use std::sync::OnceLock;

use super::client_auth::AuthenticatedApp;
use crate::domain::{AccountLevel, ApiKind};
use crate::error::ConsoleError;
use crate::infra::RequestMeta;
use crate::infra::entities::{account, app, retired_refresh, token_grant};
use crate::infra::grant_rows::{GrantRow, insert_row};
use crate::infra::{Config, ServerState, crypto, now, read_path};

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
    refresh: Option<FreshRefresh>,
}

/// A fresh refresh token and its expiry time.
struct FreshRefresh {
    token: String,
    expires_at: i64,
}

impl FreshRefresh {
    fn new(config: &Config, at: i64) -> Self {
        Self {
            token: crypto::ordered_token(),
            expires_at: at + config.refresh_token_ttl.as_secs() as i64,
        }
    }
}

impl FreshTokens {
    fn new(config: &Config, refresh: Option<FreshRefresh>, at: i64) -> Self {
        Self {
            access: crypto::ordered_token(),
            access_expires_at: at + config.access_token_ttl.as_secs() as i64,
            refresh,
        }
    }

    fn issued(self, at: i64) -> IssuedTokens {
        IssuedTokens {
            access_token: self.access,
            expires_in: self.access_expires_at - at,
            refresh_token: self.refresh.map(|refresh| refresh.token),
        }
    }

    /// The row that stores these tokens (their hashes) for `new`, issued at `at`.
    fn row(&self, new: &NewGrant<'_>, at: i64) -> GrantRow {
        GrantRow {
            app_id: new.app_id,
            account_id: new.account_id,
            kind: new.kind,
            access_hash: crypto::token_digest(&self.access),
            access_expires_at: self.access_expires_at,
            refresh_hash: self
                .refresh
                .as_ref()
                .map(|refresh| crypto::token_digest(&refresh.token)),
            refresh_expires_at: self.refresh.as_ref().map(|refresh| refresh.expires_at),
            at,
            user_agent: new.meta.user_agent.clone(),
            client_addr: new.meta.client_addr.clone(),
            secret_generation: new.secret_generation,
            trust_generation: new.trust_generation,
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
    let refresh = (new.kind == AUTHORIZATION_CODE).then(|| FreshRefresh::new(config, at));
    let fresh = FreshTokens::new(config, refresh, at);
    let Some(id) = insert_row(db, &fresh.row(&new, at)).await? else {
        return Ok(None);
    };
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
    let refresh = FreshRefresh::new(config, at);
    let (refresh_hash, refresh_expires_at) =
        (crypto::token_digest(&refresh.token), refresh.expires_at);
    let fresh = FreshTokens::new(config, Some(refresh), at);
    let updated = token_grant::Entity::update_many()
        .col_expr(
            token_grant::Column::AccessHash,
            Expr::value(crypto::token_digest(&fresh.access)),
        )
        .col_expr(
            token_grant::Column::AccessExpiresAt,
            Expr::value(fresh.access_expires_at),
        )
        .col_expr(token_grant::Column::RefreshHash, Expr::value(refresh_hash))
        .col_expr(
            token_grant::Column::RefreshExpiresAt,
            Expr::value(refresh_expires_at),
        )
        .col_expr(token_grant::Column::LastUsedAt, Expr::value(at))
        .filter(token_grant::Column::Id.eq(grant.id))
        .filter(token_grant::Column::RefreshHash.eq(old_refresh_hash))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(None);
    }
    // Retired hashes whose refresh token would have expired anyway are forgotten by
    // housekeeping (in batches, off the request path).
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
    let at = now();
    let fresh = FreshTokens::new(&state.config, None, at);
    // Answered only once the batch holding this grant is committed (durable).
    if state
        .grant_writer
        .issue(fresh.row(&new, at))
        .await?
        .is_none()
    {
        return Ok(None);
    }
    tracing::debug!("client credentials token issued");
    Ok(Some(fresh.issued(at)))
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
    generations_match_values(
        Expr::val(app.secret_generation),
        app.trusted.then(|| Expr::val(app.trust_generation)),
    )
}

/// [`generations_match_app`] with the generations as expressions (values or parameters):
/// `trust_generation` is `None` when the App is not trusted.
pub fn generations_match_values(
    secret_generation: Expr,
    trust_generation: Option<Expr>,
) -> Condition {
    let grant_col = |column: token_grant::Column| Expr::col((token_grant::Entity, column));
    let mut kind_valid =
        Condition::any().add(grant_col(token_grant::Column::Kind).ne(CLIENT_CREDENTIALS));
    if let Some(trust_generation) = trust_generation {
        kind_valid =
            kind_valid.add(grant_col(token_grant::Column::TrustGeneration).eq(trust_generation));
    }
    Condition::all()
        .add(grant_col(token_grant::Column::SecretGeneration).eq(secret_generation))
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
    let found = match &state.read_path {
        Some(read_path) => read_path
            .with(|connection| token_holder_sqlite(connection, &digest))
            .map_err(TokenRefusal::Fault)?,
        None => {
            token_holder_select(Expr::val(digest))
                .into_model::<TokenHolder>()
                .one(&state.db)
                .await?
        }
    };
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
        // Bookkeeping rides the writer's next batch: checking a token stays a read.
        state.grant_writer.touch(holder.grant_id, at);
    }
    Ok(holder)
}

/// The grant, App and account of the access token whose hash is `digest` (an expression: a
/// value, or the parameter `:digest`), under the App's current generations; one query, of
/// only the columns the answer needs (every text column read is a copy).
fn token_holder_select(digest: Expr) -> Select<token_grant::Entity> {
    token_grant::Entity::find()
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
        .filter(Expr::col((token_grant::Entity, token_grant::Column::AccessHash)).eq(digest))
        .filter(generations_match())
}

/// [`token_holder_select`] on the thin SQLite read path.
fn token_holder_sqlite(
    connection: &rusqlite::Connection,
    digest: &str,
) -> rusqlite::Result<Option<TokenHolder>> {
    use rusqlite::OptionalExtension;
    static SQL: OnceLock<String> = OnceLock::new();
    let sql = SQL.get_or_init(|| {
        read_path::sqlite_sql(&token_holder_select(Expr::cust(":digest")).into_query())
    });
    connection
        .prepare_cached(sql)?
        .query_row(rusqlite::named_params! {":digest": digest}, |row| {
            Ok(TokenHolder {
                grant_id: row.get(0)?,
                access_expires_at: row.get(1)?,
                last_used_at: row.get(2)?,
                app_key: row.get(3)?,
                app_name: row.get(4)?,
                app_api: row.get(5)?,
                app_suspended: row.get(6)?,
                app_removed_at: row.get(7)?,
                account_id: row.get(8)?,
                account_login: row.get(9)?,
                account_name: row.get(10)?,
                account_level: row.get(11)?,
            })
        })
        .optional()
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
