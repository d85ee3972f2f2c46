//! Housekeeping in the background, never on the request path: grants that can no longer be
//! used, authorization codes past their memory, used portal sign-in tokens past their keeping,
//! retired refresh tokens that would have expired, and sessions idle past their lifetime are
//! deleted in bounded batches. (The SQLite
//! WAL is kept small by its own thread: `infra::wal_checkpointer`.)
//!
//! Each batch is one statement, `DELETE … WHERE id IN (SELECT id … LIMIT n)`, found through an
//! index (migration 7), in a transaction of its own that holds the write lock briefly, with a
//! pause between batches so that requests get it in between. On PostgreSQL each batch first
//! takes a transaction-level advisory lock with `pg_try_advisory_xact_lock`: when another
//! instance holds it, this one stops its round there, so instances take turns batch by
//! batch and never delete rows at the same moment.
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityName, Iden, IdenStatic,
    TransactionTrait,
};
use std::time::Duration;

use super::code_grant::REMEMBERED_FOR;
use crate::embedding::entities::portal_token_use;
use crate::embedding::portal_sso::JTI_KEPT_AFTER_EXPIRY;
use crate::infra::entities::{app, authorization_code, retired_refresh, session, token_grant};
use crate::infra::{ServerState, now};

/// How often housekeeping runs.
const PURGE_EVERY: Duration = Duration::from_secs(60);
/// The most rows one purge transaction deletes: bounds how long it holds the write lock.
pub const PURGE_BATCH: u64 = 1000;
/// The pause between two purge batches, so requests get the write lock in between.
const BETWEEN_BATCHES: Duration = Duration::from_millis(20);
/// The key of the PostgreSQL advisory lock of a purge batch ("purge" in ASCII).
const PURGE_LOCK: i64 = 0x0070_7572_6765;

/// Starts the housekeeping task of a server.
pub fn start(state: &ServerState) {
    let db = state.db.clone();
    let session_ttl = state.config.session_ttl.as_secs() as i64;
    tokio::spawn(async move {
        // The first comes one period after start, not at once.
        let mut rounds =
            tokio::time::interval_at(tokio::time::Instant::now() + PURGE_EVERY, PURGE_EVERY);
        loop {
            rounds.tick().await;
            let at = now();
            match purge(&db, at).await {
                Ok(0) => {}
                Ok(purged) => tracing::debug!(purged, "dead grants purged"),
                Err(error) => tracing::warn!(%error, "purging dead grants"),
            }
            if let Err(error) = purge_sessions(&db, at - session_ttl).await {
                tracing::warn!(%error, "purging idle sessions");
            }
        }
    });
}

/// Deletes every grant dead at `at` (both tokens expired, or issued under an older secret
/// generation of its App), the authorization codes expired longer ago than they are
/// remembered, the used portal tokens' `jti`s past their keeping, and the retired refresh
/// hashes that would have expired anyway; how many grants went.
pub async fn purge(db: &DatabaseConnection, at: i64) -> Result<u64, DbErr> {
    let grant = |column: token_grant::Column| Expr::col((token_grant::Entity, column));
    // Each condition is a range of `idx_token_grant_expiry` or of
    // `idx_token_grant_app_secret_generation` (an OR of them could scan the table).
    let no_refresh_expired = grant(token_grant::Column::RefreshExpiresAt)
        .is_null()
        .and(grant(token_grant::Column::AccessExpiresAt).lte(at));
    let both_expired = grant(token_grant::Column::RefreshExpiresAt)
        .lte(at)
        .and(grant(token_grant::Column::AccessExpiresAt).lte(at));
    let mut purged = 0;
    for dead in [no_refresh_expired, both_expired] {
        purged += in_batches(
            db,
            token_grant::Entity,
            token_grant::Column::Id,
            dead,
            false,
        )
        .await?;
    }
    // Regenerate deletes its App's grants at once; this catches any issued under the old
    // secret at that very moment.
    let older_secret = grant(token_grant::Column::SecretGeneration)
        .lt(Expr::col((app::Entity, app::Column::SecretGeneration)));
    purged += in_batches(
        db,
        token_grant::Entity,
        token_grant::Column::Id,
        older_secret,
        true,
    )
    .await?;
    in_batches(
        db,
        authorization_code::Entity,
        authorization_code::Column::Id,
        Expr::col(authorization_code::Column::ExpiresAt).lt(at - REMEMBERED_FOR),
        false,
    )
    .await?;
    in_batches(
        db,
        portal_token_use::Entity,
        portal_token_use::Column::Jti,
        Expr::col(portal_token_use::Column::ExpiresAt).lt(at - JTI_KEPT_AFTER_EXPIRY),
        false,
    )
    .await?;
    in_batches(
        db,
        retired_refresh::Entity,
        retired_refresh::Column::RefreshHash,
        Expr::col(retired_refresh::Column::ExpiresAt).lt(at),
        false,
    )
    .await?;
    Ok(purged)
}

/// Deletes the sessions last seen before `seen_before`; how many went.
pub async fn purge_sessions(db: &DatabaseConnection, seen_before: i64) -> Result<u64, DbErr> {
    in_batches(
        db,
        session::Entity,
        session::Column::IdHash,
        Expr::col(session::Column::LastSeenAt).lt(seen_before),
        false,
    )
    .await
}

/// Deletes the rows of `table` that `condition` selects (with `app` joined to token grants
/// when `join_app`), [`PURGE_BATCH`] per transaction; how many went. On PostgreSQL, stops
/// when another instance holds the purge lock.
async fn in_batches<E, C>(
    db: &DatabaseConnection,
    table: E,
    key: C,
    condition: SimpleExpr,
    join_app: bool,
) -> Result<u64, DbErr>
where
    E: EntityName + Iden + Copy + 'static,
    C: IdenStatic + Copy + 'static,
{
    let mut select = Query::select();
    select
        .column((table, key))
        .from(table)
        .and_where(condition)
        .limit(PURGE_BATCH);
    if join_app {
        select.inner_join(
            app::Entity,
            Expr::col((app::Entity, app::Column::Id))
                .equals((token_grant::Entity, token_grant::Column::AppId)),
        );
    }
    // SQLite and PostgreSQL both take `DELETE … WHERE key IN (SELECT key … LIMIT n)`.
    let delete = Query::delete()
        .from_table(table)
        .and_where(Expr::col((table, key)).in_subquery(select))
        .to_owned();
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    let mut deleted = 0;
    loop {
        let transaction = db.begin().await?;
        if postgres && !purge_lock(&transaction).await? {
            return Ok(deleted);
        }
        let batch = transaction.execute(&delete).await?.rows_affected();
        transaction.commit().await?;
        deleted += batch;
        if batch < PURGE_BATCH {
            return Ok(deleted);
        }
        tokio::time::sleep(BETWEEN_BATCHES).await;
    }
}

/// Takes the purge lock until the end of the transaction; false when another instance holds it.
async fn purge_lock(transaction: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let row = transaction
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_try_advisory_xact_lock({PURGE_LOCK}) AS locked"),
        ))
        .await?;
    match row {
        Some(row) => row.try_get::<bool>("", "locked"),
        None => Ok(false),
    }
}
