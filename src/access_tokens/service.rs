//! The caller's grants of an App: listed and removed only where `account_id` is the caller's.
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::model::{AccessTokenPage, AccessTokenRow, PAGE_SIZE};
use crate::apps::{self, service::Standing};
use crate::error::ConsoleError;
use crate::infra::entities::{app, token_grant};
use crate::infra::{ServerState, now, utc_rfc3339};
use crate::oauth::grants;
use crate::session::service::Caller;

/// The most grants one request may name.
const MAX_IDS: usize = 10_000;

/// One page of the caller's live grants of the App `key`, newest first.
pub async fn list(
    state: &ServerState,
    caller: &Caller,
    key: &str,
    page: u64,
) -> Result<AccessTokenPage, ConsoleError> {
    let app = find_app(&state.db, caller, key).await?;
    let query = token_grant::Entity::find()
        .filter(token_grant::Column::AppId.eq(app.id))
        .filter(token_grant::Column::AccountId.eq(caller.account.id))
        .filter(grants::is_live(now()));
    let total = query.clone().count(&state.db).await?;
    let rows = query
        .order_by_desc(token_grant::Column::CreatedAt)
        .order_by_desc(token_grant::Column::Id)
        .offset(page.saturating_mul(PAGE_SIZE))
        .limit(PAGE_SIZE)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|grant| AccessTokenRow {
            id: grant.id,
            expires_at: utc_rfc3339(grant.access_expires_at),
            user_agent: grant.user_agent,
            issued_at: utc_rfc3339(grant.created_at),
            last_used_at: utc_rfc3339(grant.last_used_at),
        })
        .collect();
    Ok(AccessTokenPage { rows, total, page })
}

/// Removes the caller's grants `ids` of the App `key` (every one of them when `all`).
#[tracing::instrument(skip_all, fields(caller = caller.account.id, all, count = ids.len()))]
pub async fn remove(
    state: &ServerState,
    caller: &Caller,
    key: &str,
    ids: &[i64],
    all: bool,
) -> Result<u64, ConsoleError> {
    if !all && ids.is_empty() {
        return Err(ConsoleError::invalid(
            "ids",
            "Select at least one access token.",
        ));
    }
    if ids.len() > MAX_IDS {
        return Err(ConsoleError::invalid(
            "ids",
            format!("Remove at most {MAX_IDS} access tokens at once, or all of them."),
        ));
    }
    let app = find_app(&state.db, caller, key).await?;
    let (app_id, account_id, ids) = (app.id, caller.account.id, ids.to_vec());
    let removed =
        crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, move |txn| {
            Box::pin(async move {
                // Removing them all ends the pending codes too, first (see
                // `apps_management::service::remove`): a code in flight cannot leave a grant.
                if all {
                    crate::oauth::code_grant::end_codes(txn, vec![app_id], Some(account_id))
                        .await?;
                }
                let mut delete = token_grant::Entity::delete_many()
                    .filter(token_grant::Column::AppId.eq(app_id))
                    .filter(token_grant::Column::AccountId.eq(account_id));
                if !all {
                    delete = delete.filter(token_grant::Column::Id.is_in(ids));
                }
                Ok(delete.exec(txn).await?.rows_affected)
            })
        })
        .await?;
    tracing::info!(removed, app_key = %app.key, "access tokens removed");
    Ok(removed)
}

/// The live App `key`, when the caller manages it (in scope) or holds a grant of it:
/// 404 for no such App, and the same 404 for an App the caller has nothing to do with.
async fn find_app(
    db: &impl ConnectionTrait,
    caller: &Caller,
    key: &str,
) -> Result<app::Model, ConsoleError> {
    match apps::service::standing(db, caller, key).await? {
        (_, Standing::Outside) => Err(apps::service::not_found()),
        (app, _) => Ok(app),
    }
}
