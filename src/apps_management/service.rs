//! The Apps Management table, sorted, filtered and paged in one query on the server.
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, TransactionTrait,
};

use super::model::{ManagedAppPage, ManagedAppRow, ManagedSort, PAGE_SIZE, RemovedManagedApps};
use crate::accounts::ScopePath;
use crate::apps;
use crate::apps::listing::lower;
use crate::domain::{ApiKind, Homepage};
use crate::error::ConsoleError;
use crate::infra::entities::{account, app, token_grant};
use crate::infra::{ServerState, now, utc_rfc3339};
use crate::oauth::{code_grant, grants};
use crate::session::service::Caller;

/// What the table asks for.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    /// SystemAPI or UnifiedAPI.
    pub api: ApiKind,
    /// The page, from 0.
    pub page: u64,
    /// The column sorted by.
    pub sort: ManagedSort,
    /// Whether the order is reversed.
    pub descending: bool,
    /// Text the name or description must contain (case-insensitive), or empty.
    pub filter: &'a str,
}

#[derive(Debug, FromQueryResult)]
struct Found {
    key: String,
    name: String,
    description: String,
    homepage: String,
    suspended: bool,
    updated_at: i64,
    owner_scope: Option<String>,
    access_tokens: i64,
}

/// One page of the Apps the caller manages or has authorized.
#[tracing::instrument(skip_all, fields(caller = caller.account.id, api = listing.api.as_str()))]
pub async fn list(
    state: &ServerState,
    caller: &Caller,
    listing: Listing<'_>,
) -> Result<ManagedAppPage, ConsoleError> {
    let matching = apps::listing::matching(listing.filter)?;
    let scope = caller.scope();
    let mut select = app::Entity::find()
        .select_only()
        .columns([
            app::Column::Key,
            app::Column::Name,
            app::Column::Description,
            app::Column::Homepage,
            app::Column::Suspended,
            app::Column::UpdatedAt,
        ])
        .column_as(
            Expr::col((account::Entity, account::Column::ScopePath)),
            "owner_scope",
        )
        .expr_as(
            Expr::SubQuery(
                None,
                Box::new(
                    live_grants_of(caller.account.id)
                        .expr(Expr::col((token_grant::Entity, token_grant::Column::Id)).count())
                        .to_owned()
                        .into(),
                ),
            ),
            "access_tokens",
        )
        .join(JoinType::LeftJoin, app::Relation::Owner.def())
        .filter(app::Column::Api.eq(listing.api.as_str()))
        .filter(app::Column::RemovedAt.is_null())
        .filter(
            Condition::any()
                .add(account::Column::ScopePath.starts_with(scope.as_str()))
                .add(Expr::exists(
                    live_grants_of(caller.account.id)
                        .expr(Expr::val(1))
                        .to_owned(),
                )),
        );
    if let Some(matching) = matching {
        select = select.filter(matching);
    }
    let total = select.clone().count(&state.db).await?;
    let order = if listing.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    select = match listing.sort {
        ManagedSort::Status => select.order_by(app::Column::Suspended, order.clone()),
        ManagedSort::App => select,
        ManagedSort::Description => select.order_by(lower(app::Column::Description), order.clone()),
        ManagedSort::AccessTokens => {
            select.order_by(Expr::col(Alias::new("access_tokens")), order.clone())
        }
        ManagedSort::Configured => select.order_by(app::Column::UpdatedAt, order.clone()),
    };
    let rows = select
        .order_by(lower(app::Column::Name), order)
        .order_by_asc(app::Column::Id)
        .offset(listing.page.saturating_mul(PAGE_SIZE))
        .limit(PAGE_SIZE)
        .into_model::<Found>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|found| ManagedAppRow {
            manageable: found
                .owner_scope
                .is_some_and(|owner| scope.contains(&ScopePath::from_stored(owner))),
            homepage: Homepage::from_stored(found.homepage.clone()).display(),
            homepage_href: found.homepage,
            key: found.key,
            name: found.name,
            description: found.description,
            suspended: found.suspended,
            access_tokens: u64::try_from(found.access_tokens).unwrap_or(0),
            updated_at: utc_rfc3339(found.updated_at),
        })
        .collect();
    Ok(ManagedAppPage {
        rows,
        total,
        page: listing.page,
    })
}

/// Removes the Apps in scope and de-authorizes the others for the caller (their grants and
/// pending codes of the caller's go), after checking that every key is one or the other:
/// keys de-duplicated, all in one transaction, a fixed number of statements.
#[tracing::instrument(skip_all, fields(caller = caller.account.id, count = keys.len()))]
pub async fn remove(
    state: &ServerState,
    caller: &Caller,
    keys: &[String],
) -> Result<RemovedManagedApps, ConsoleError> {
    let keys = apps::service::selection(keys)?;
    let caller = caller.clone();
    let removed = state
        .db
        .transaction::<_, RemovedManagedApps, ConsoleError>(|txn| {
            Box::pin(async move {
                let account_id = caller.account.id;
                let (mut in_scope, mut others) = (Vec::new(), Vec::new());
                for (app, owner) in apps::service::find_live_many(txn, &keys).await? {
                    if owner.is_some_and(|owner| caller.has_in_scope(&owner)) {
                        in_scope.push(app.id);
                    } else {
                        others.push(app.id);
                    }
                }
                let authorized: Vec<i64> = if others.is_empty() {
                    Vec::new()
                } else {
                    token_grant::Entity::find()
                        .select_only()
                        .column(token_grant::Column::AppId)
                        .distinct()
                        .filter(token_grant::Column::AppId.is_in(others.iter().copied()))
                        .filter(token_grant::Column::AccountId.eq(account_id))
                        .into_tuple()
                        .all(txn)
                        .await?
                };
                if authorized.len() != others.len() {
                    return Err(apps::service::not_found());
                }
                let removed = apps::service::remove_in(txn, in_scope).await?;
                if !authorized.is_empty() {
                    token_grant::Entity::delete_many()
                        .filter(token_grant::Column::AppId.is_in(authorized.iter().copied()))
                        .filter(token_grant::Column::AccountId.eq(account_id))
                        .exec(txn)
                        .await?;
                    code_grant::end_codes(txn, authorized.clone(), Some(account_id)).await?;
                }
                Ok(RemovedManagedApps {
                    removed,
                    deauthorized: authorized.len() as u64,
                })
            })
        })
        .await?;
    tracing::info!(
        removed = removed.removed,
        deauthorized = removed.deauthorized,
        "Apps removed or de-authorized"
    );
    Ok(removed)
}

/// `SELECT … FROM token_grant` where the grant is the caller's, of the App of the outer
/// row, and live (SPEC §3): the select list is added by the caller of this function.
fn live_grants_of(account_id: i64) -> SelectStatement {
    Query::select()
        .from(token_grant::Entity)
        .and_where(
            Expr::col((token_grant::Entity, token_grant::Column::AppId))
                .equals((app::Entity, app::Column::Id)),
        )
        .and_where(Expr::col((token_grant::Entity, token_grant::Column::AccountId)).eq(account_id))
        .cond_where(grants::is_live(now()))
        .to_owned()
}
