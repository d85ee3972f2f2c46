//! Housekeeping in the background: grants that can no longer be used are purged in bounded
//! batches, and the SQLite WAL is checkpointed and cut back to its size limit.
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, JoinType, QueryFilter,
    QuerySelect, RelationTrait,
};
use std::time::Duration;

use super::grants;
use crate::infra::entities::{retired_refresh, token_grant};
use crate::infra::{ServerState, now};

/// How often dead grants are looked for.
const PURGE_EVERY: Duration = Duration::from_secs(60);
/// How often the WAL is checkpointed (between two batches of the grant writer).
const CHECKPOINT_EVERY: Duration = Duration::from_secs(10);
/// The most grants one purge transaction deletes: bounds how long it holds the write lock.
pub const PURGE_BATCH: u64 = 1000;
/// The pause between two purge batches, so requests get the write lock in between.
const BETWEEN_BATCHES: Duration = Duration::from_millis(20);

/// Starts the housekeeping task of a server.
pub fn start(state: &ServerState) {
    let db = state.db.clone();
    let writer = state.grant_writer.clone();
    let sqlite = state.read_path.is_some();
    tokio::spawn(async move {
        // The first of each comes one period after start, not at once.
        let start = tokio::time::Instant::now();
        let mut checkpoints = tokio::time::interval_at(start + CHECKPOINT_EVERY, CHECKPOINT_EVERY);
        let mut purges = tokio::time::interval_at(start + PURGE_EVERY, PURGE_EVERY);
        loop {
            tokio::select! {
                _ = checkpoints.tick() => if sqlite { writer.checkpoint() },
                _ = purges.tick() => match purge(&db, now()).await {
                    Ok(0) => {}
                    Ok(purged) => tracing::debug!(purged, "dead grants purged"),
                    Err(error) => tracing::warn!(%error, "purging dead grants"),
                },
            }
        }
    });
}

/// A grant that can no longer be used at `at`: its access token and its refresh token (if
/// any) have expired, or it was issued under an older secret or trust generation of its App
/// (revoked by Regenerate or un-trusting). Needs `token_grant` joined with `app`.
fn dead(at: i64) -> Condition {
    let grant_col = |column: token_grant::Column| Expr::col((token_grant::Entity, column));
    let expired = Condition::all()
        .add(grant_col(token_grant::Column::AccessExpiresAt).lte(at))
        .add(
            Condition::any()
                .add(grant_col(token_grant::Column::RefreshExpiresAt).is_null())
                .add(grant_col(token_grant::Column::RefreshExpiresAt).lte(at)),
        );
    Condition::any()
        .add(expired)
        .add(grants::generations_match().not())
}

/// Deletes every grant dead at `at`, at most [`PURGE_BATCH`] per transaction, and the
/// retired refresh hashes that would have expired anyway; how many grants went.
pub async fn purge(db: &DatabaseConnection, at: i64) -> Result<u64, DbErr> {
    let mut purged = 0;
    loop {
        // Read first, then delete by id: the scan holds no write lock.
        let ids: Vec<i64> = token_grant::Entity::find()
            .select_only()
            .column(token_grant::Column::Id)
            .join(JoinType::InnerJoin, token_grant::Relation::App.def())
            .filter(dead(at))
            .limit(PURGE_BATCH)
            .into_tuple()
            .all(db)
            .await?;
        if ids.is_empty() {
            break;
        }
        let full = ids.len() as u64 == PURGE_BATCH;
        purged += token_grant::Entity::delete_many()
            .filter(token_grant::Column::Id.is_in(ids))
            .exec(db)
            .await?
            .rows_affected;
        if !full {
            break;
        }
        tokio::time::sleep(BETWEEN_BATCHES).await;
    }
    retired_refresh::Entity::delete_many()
        .filter(retired_refresh::Column::ExpiresAt.lt(at))
        .exec(db)
        .await?;
    Ok(purged)
}
