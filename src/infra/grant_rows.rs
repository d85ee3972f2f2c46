//! Grant rows on their way into `token_grant`: the conditional insert (SeaORM, one
//! multi-row statement on PostgreSQL, a cached statement on the SQLite writer's own
//! connection) and the last-use bookkeeping. Issuing tokens is the OAuth feature's
//! (`oauth::grants`); storing their hashes is here, below it, where the grant writer uses it.
use sea_orm::sea_query::{Expr, ExprTrait, InsertStatement, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::sync::OnceLock;

use super::entities::{app, token_grant};
use super::read_path;
use crate::error::ConsoleError;

/// A grant about to be stored: hashes only, and the App generations it was asked under.
#[derive(Debug, Clone)]
pub struct GrantRow {
    /// The App the tokens are for.
    pub app_id: i64,
    /// The account they act for.
    pub account_id: i64,
    /// `authorization_code` or `client_credentials`.
    pub kind: &'static str,
    /// Digest of the access token (`crypto::token_digest`).
    pub access_hash: String,
    /// When the access token expires.
    pub access_expires_at: i64,
    /// Digest of the refresh token, if any.
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
