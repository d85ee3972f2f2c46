//! Grants: issuing access (and refresh) tokens, checking them, and revoking them.
//! Only SHA-256 hashes are stored; nothing is cached, so a revocation holds on every
//! instance at the next request.
use sea_orm::sea_query::{Expr, ExprTrait, InsertStatement, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, RelationTrait, Select, Set,
};
use std::sync::OnceLock;

use super::RequestMeta;
use super::client_auth::AuthenticatedApp;
use crate::domain::ApiKind;
use crate::error::ConsoleError;
use crate::server::entities::{account, app, retired_refresh, token_grant};
use crate::server::{Config, ServerState, crypto, now, read_path};

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
            token: crypto::random_token(),
            expires_at: at + config.refresh_token_ttl.as_secs() as i64,
        }
    }
}

impl FreshTokens {
    fn new(config: &Config, refresh: Option<FreshRefresh>, at: i64) -> Self {
        Self {
            access: crypto::random_token(),
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

/// A grant about to be stored: hashes only, and the App generations it was asked under.
#[derive(Debug, Clone)]
pub struct GrantRow {
    /// The App the tokens are for.
    pub app_id: i64,
    /// The account they act for.
    pub account_id: i64,
    /// [`AUTHORIZATION_CODE`] or [`CLIENT_CREDENTIALS`].
    pub kind: &'static str,
    /// SHA-256 of the access token.
    pub access_hash: String,
    /// When the access token expires.
    pub access_expires_at: i64,
    /// SHA-256 of the refresh token, if any.
    pub refresh_hash: Option<String>,
    /// When the refresh token expires, if any.
    pub refresh_expires_at: Option<i64>,
    /// When it was issued (also its first last-use time).
    pub at: i64,
    /// The requesting User-Agent.
    pub user_agent: String,
    /// The requesting client address.
    pub client_addr: String,
    /// The App's secret generation the request was authenticated under.
    pub secret_generation: i64,
    /// For client credentials: the App's trust generation the request saw it trusted under.
    pub trust_generation: Option<i64>,
}

/// The values of one conditional insert, as expressions: bound values (SeaORM) or named
/// parameters (the SQLite writer's cached statement).
struct GrantExprs {
    app_id: Expr,
    account_id: Expr,
    kind: Expr,
    access_hash: Expr,
    access_expires_at: Expr,
    refresh_hash: Expr,
    refresh_expires_at: Expr,
    at: Expr,
    user_agent: Expr,
    client_addr: Expr,
    secret_generation: Expr,
    trust_generation: Option<Expr>,
}

impl GrantExprs {
    fn values(row: &GrantRow) -> Self {
        Self {
            app_id: Expr::val(row.app_id),
            account_id: Expr::val(row.account_id),
            kind: Expr::val(row.kind),
            access_hash: Expr::val(row.access_hash.as_str()),
            access_expires_at: Expr::val(row.access_expires_at),
            refresh_hash: Expr::val(row.refresh_hash.clone()),
            refresh_expires_at: Expr::val(row.refresh_expires_at),
            at: Expr::val(row.at),
            user_agent: Expr::val(row.user_agent.as_str()),
            client_addr: Expr::val(row.client_addr.as_str()),
            secret_generation: Expr::val(row.secret_generation),
            trust_generation: row.trust_generation.map(Expr::val),
        }
    }

    /// Named parameters `:app_id`, `:account_id`, … (see [`insert_row_sqlite`]).
    fn parameters(with_trust: bool) -> Self {
        Self {
            app_id: Expr::cust(":app_id"),
            account_id: Expr::cust(":account_id"),
            kind: Expr::cust(":kind"),
            access_hash: Expr::cust(":access_hash"),
            access_expires_at: Expr::cust(":access_expires_at"),
            refresh_hash: Expr::cust(":refresh_hash"),
            refresh_expires_at: Expr::cust(":refresh_expires_at"),
            at: Expr::cust(":at"),
            user_agent: Expr::cust(":user_agent"),
            client_addr: Expr::cust(":client_addr"),
            secret_generation: Expr::cust(":secret_generation"),
            trust_generation: with_trust.then(|| Expr::cust(":trust_generation")),
        }
    }
}

/// `INSERT INTO token_grant … SELECT … FROM app WHERE` the App is the one asked for, under
/// the same generations, not suspended, not removed (and for client credentials, trusted
/// under the same trust generation), `RETURNING id`.
fn conditional_insert(values: GrantExprs) -> Result<InsertStatement, ConsoleError> {
    let app_col = |column: app::Column| Expr::col((app::Entity, column));
    let mut select = Query::select();
    select
        .from(app::Entity)
        .expr(app_col(app::Column::Id))
        .expr(values.account_id)
        .expr(values.kind)
        .expr(values.access_hash)
        .expr(values.access_expires_at)
        .expr(values.refresh_hash)
        .expr(values.refresh_expires_at)
        .expr(values.at.clone())
        .expr(values.at)
        .expr(values.user_agent)
        .expr(values.client_addr)
        .expr(app_col(app::Column::SecretGeneration))
        .expr(app_col(app::Column::TrustGeneration))
        .and_where(app_col(app::Column::Id).eq(values.app_id))
        .and_where(app_col(app::Column::SecretGeneration).eq(values.secret_generation))
        .and_where(app_col(app::Column::Suspended).eq(false))
        .and_where(app_col(app::Column::RemovedAt).is_null());
    if let Some(trust_generation) = values.trust_generation {
        select
            .and_where(app_col(app::Column::Trusted).eq(true))
            .and_where(app_col(app::Column::TrustGeneration).eq(trust_generation));
    }
    select.lock_shared();
    Ok(Query::insert()
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
        .to_owned())
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

/// Stores `row` if its App still stands as it was asked under (see [`insert`]); its id.
pub async fn insert_row(
    db: &impl ConnectionTrait,
    row: &GrantRow,
) -> Result<Option<i64>, ConsoleError> {
    let insert = conditional_insert(GrantExprs::values(row))?;
    // Only the new id comes back, not the whole row.
    let Some(found) = db.query_one(&insert).await? else {
        return Ok(None);
    };
    Ok(Some(found.try_get("", "id")?))
}

/// [`insert_row`] for many rows in one statement, for PostgreSQL: `INSERT … SELECT … FROM
/// (VALUES …) JOIN app … FOR SHARE OF app RETURNING id, access_hash`, one round trip per
/// batch. The ids in the order of `rows`; `None` where the App no longer stands as asked.
///
/// Written as text, with every table and column name taken from the entities: sea-query
/// cannot name the columns of a `VALUES` list, which this join needs.
pub async fn insert_rows_postgres(
    db: &impl ConnectionTrait,
    rows: &[GrantRow],
) -> Result<Vec<Option<i64>>, ConsoleError> {
    use sea_orm::{DbBackend, Iden, Statement, Value};
    use std::fmt::Write;
    const FIELDS: usize = 12;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut tuples = String::new();
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * FIELDS);
    for (n, row) in rows.iter().enumerate() {
        let base = n * FIELDS;
        let _ = write!(tuples, "{}(", if n == 0 { "" } else { ", " });
        for field in 1..=FIELDS {
            let _ = write!(
                tuples,
                "{}${}",
                if field == 1 { "" } else { ", " },
                base + field
            );
        }
        tuples.push(')');
        values.extend([
            row.app_id.into(),
            row.account_id.into(),
            row.kind.into(),
            row.access_hash.clone().into(),
            row.access_expires_at.into(),
            row.refresh_hash.clone().into(),
            row.refresh_expires_at.into(),
            row.at.into(),
            row.user_agent.clone().into(),
            row.client_addr.clone().into(),
            row.secret_generation.into(),
            row.trust_generation.into(),
        ]);
    }
    let g = |column: token_grant::Column| column.to_string();
    let a = |column: app::Column| column.to_string();
    let (grant, app_table) = (token_grant::Entity.to_string(), app::Entity.to_string());
    let sql = format!(
        r#"INSERT INTO "{grant}" ("{app_id}", "{account_id}", "{kind}", "{access_hash}", "{access_expires_at}", "{refresh_hash}", "{refresh_expires_at}", "{created_at}", "{last_used_at}", "{user_agent}", "{client_addr}", "{secret_generation}", "{trust_generation}")
SELECT "{app_table}"."{id}", v.account_id, v.kind, v.access_hash, v.access_expires_at, v.refresh_hash, v.refresh_expires_at, v.at, v.at, v.user_agent, v.client_addr, "{app_table}"."{app_secret_generation}", "{app_table}"."{app_trust_generation}"
FROM (VALUES {tuples}) AS v (app_id, account_id, kind, access_hash, access_expires_at, refresh_hash, refresh_expires_at, at, user_agent, client_addr, secret_generation, trust_generation)
JOIN "{app_table}" ON "{app_table}"."{id}" = v.app_id
WHERE "{app_table}"."{app_secret_generation}" = v.secret_generation
  AND "{app_table}"."{suspended}" = FALSE
  AND "{app_table}"."{removed_at}" IS NULL
  AND (v.trust_generation IS NULL
       OR ("{app_table}"."{trusted}" = TRUE AND "{app_table}"."{app_trust_generation}" = v.trust_generation))
FOR SHARE OF "{app_table}"
RETURNING "{grant_id}", "{access_hash}""#,
        app_id = g(token_grant::Column::AppId),
        account_id = g(token_grant::Column::AccountId),
        kind = g(token_grant::Column::Kind),
        access_hash = g(token_grant::Column::AccessHash),
        access_expires_at = g(token_grant::Column::AccessExpiresAt),
        refresh_hash = g(token_grant::Column::RefreshHash),
        refresh_expires_at = g(token_grant::Column::RefreshExpiresAt),
        created_at = g(token_grant::Column::CreatedAt),
        last_used_at = g(token_grant::Column::LastUsedAt),
        user_agent = g(token_grant::Column::UserAgent),
        client_addr = g(token_grant::Column::ClientAddr),
        secret_generation = g(token_grant::Column::SecretGeneration),
        trust_generation = g(token_grant::Column::TrustGeneration),
        grant_id = g(token_grant::Column::Id),
        id = a(app::Column::Id),
        app_secret_generation = a(app::Column::SecretGeneration),
        app_trust_generation = a(app::Column::TrustGeneration),
        suspended = a(app::Column::Suspended),
        removed_at = a(app::Column::RemovedAt),
        trusted = a(app::Column::Trusted),
    );
    let stored = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    let mut ids = std::collections::HashMap::with_capacity(stored.len());
    for found in stored {
        let id: i64 = found.try_get("", &g(token_grant::Column::Id))?;
        let hash: String = found.try_get("", &g(token_grant::Column::AccessHash))?;
        ids.insert(hash, id);
    }
    Ok(rows
        .iter()
        .map(|row| ids.get(&row.access_hash).copied())
        .collect())
}

/// [`insert_row`] on a SQLite connection, as a prepared, cached statement whose text is built
/// once from the entities.
pub fn insert_row_sqlite(
    connection: &rusqlite::Connection,
    row: &GrantRow,
) -> rusqlite::Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    static SQL: [OnceLock<String>; 2] = [OnceLock::new(), OnceLock::new()];
    let with_trust = row.trust_generation.is_some();
    let sql = SQL[usize::from(with_trust)].get_or_init(|| {
        conditional_insert(GrantExprs::parameters(with_trust))
            .map(|statement| read_path::sqlite_sql(&statement))
            .unwrap_or_default()
    });
    let mut statement = connection.prepare_cached(sql)?;
    let mut parameters: Vec<(&str, &dyn rusqlite::ToSql)> = vec![
        (":app_id", &row.app_id),
        (":account_id", &row.account_id),
        (":kind", &row.kind),
        (":access_hash", &row.access_hash),
        (":access_expires_at", &row.access_expires_at),
        (":refresh_hash", &row.refresh_hash),
        (":refresh_expires_at", &row.refresh_expires_at),
        (":at", &row.at),
        (":user_agent", &row.user_agent),
        (":client_addr", &row.client_addr),
        (":secret_generation", &row.secret_generation),
    ];
    if let Some(trust_generation) = &row.trust_generation {
        parameters.push((":trust_generation", trust_generation));
    }
    statement
        .query_row(parameters.as_slice(), |found| found.get(0))
        .optional()
}

/// Records that grants were used at `at` (bookkeeping: at most once a minute per grant),
/// many in one statement.
pub async fn touch_many(
    db: &impl ConnectionTrait,
    grant_ids: Vec<i64>,
    at: i64,
) -> Result<(), ConsoleError> {
    if grant_ids.is_empty() {
        return Ok(());
    }
    token_grant::Entity::update_many()
        .col_expr(token_grant::Column::LastUsedAt, Expr::value(at))
        .filter(token_grant::Column::Id.is_in(grant_ids))
        .filter(token_grant::Column::LastUsedAt.lt(at))
        .exec(db)
        .await?;
    Ok(())
}

/// [`touch_many`] for one grant on a SQLite connection, as a prepared, cached statement.
pub fn touch_sqlite(
    connection: &rusqlite::Connection,
    grant_id: i64,
    at: i64,
) -> rusqlite::Result<()> {
    static SQL: OnceLock<String> = OnceLock::new();
    let sql = SQL.get_or_init(|| {
        read_path::sqlite_sql(
            Query::update()
                .table(token_grant::Entity)
                .value(token_grant::Column::LastUsedAt, Expr::cust(":at"))
                .and_where(Expr::col(token_grant::Column::Id).eq(Expr::cust(":grant_id")))
                .and_where(Expr::col(token_grant::Column::LastUsedAt).lt(Expr::cust(":at"))),
        )
    });
    connection
        .prepare_cached(sql)?
        .execute(rusqlite::named_params! {":at": at, ":grant_id": grant_id})?;
    Ok(())
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
    app_api: String,
    app_suspended: bool,
    app_removed_at: Option<i64>,
    /// The account's id.
    pub account_id: i64,
    /// The account's login.
    pub account_login: String,
    /// The account's name.
    pub account_name: String,
    /// The account's level code.
    pub account_level: i16,
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
    if holder.app_api != api.as_str() {
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
