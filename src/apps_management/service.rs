//! The Apps Management table, sorted, filtered and paged in one query on the server.
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
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
    let select = managed_apps(caller, &listing)?;
    let total = select.clone().count(&state.db).await?;
    let scope = caller.scope();
    let rows = sorted(select, listing.sort, listing.descending)
        .offset(listing.page.saturating_mul(PAGE_SIZE))
        .limit(PAGE_SIZE)
        .into_model::<Found>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|found| found.into_row(&scope))
        .collect();
    Ok(ManagedAppPage {
        rows,
        total,
        page: listing.page,
    })
}

/// The caller's Apps of `listing.api` that match its filter: those in the caller's scope and
/// those it has live grants of, each with its owner's scope and the caller's token count.
fn managed_apps(
    caller: &Caller,
    listing: &Listing<'_>,
) -> Result<Select<app::Entity>, ConsoleError> {
    let matching = apps::listing::matching(listing.filter)?;
    let select = app::Entity::find()
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
        .filter(app::Column::Api.eq(listing.api))
        .filter(app::Column::RemovedAt.is_null())
        .filter(
            Condition::any()
                .add(account::Column::ScopePath.starts_with(caller.scope().as_str()))
                .add(Expr::exists(
                    live_grants_of(caller.account.id)
                        .expr(Expr::val(1))
                        .to_owned(),
                )),
        );
    Ok(match matching {
        Some(matching) => select.filter(matching),
        None => select,
    })
}

/// Ordered by the chosen column, then by name (case-free) and id so pages never overlap.
fn sorted(select: Select<app::Entity>, sort: ManagedSort, descending: bool) -> Select<app::Entity> {
    let order = if descending { Order::Desc } else { Order::Asc };
    let select = match sort {
        ManagedSort::Status => select.order_by(app::Column::Suspended, order.clone()),
        ManagedSort::App => select,
        ManagedSort::Description => select.order_by(lower(app::Column::Description), order.clone()),
        ManagedSort::AccessTokens => {
            select.order_by(Expr::col(Alias::new("access_tokens")), order.clone())
        }
        ManagedSort::Configured => select.order_by(app::Column::UpdatedAt, order.clone()),
    };
    select
        .order_by(lower(app::Column::Name), order)
        .order_by_asc(app::Column::Id)
}

impl Found {
    fn into_row(self, scope: &ScopePath) -> ManagedAppRow {
        let homepage = Homepage::from_stored(self.homepage.clone());
        ManagedAppRow {
            manageable: self
                .owner_scope
                .is_some_and(|owner| scope.contains(&ScopePath::from_stored(owner))),
            homepage: homepage.display(),
            homepage_lookalike: homepage.is_lookalike(),
            homepage_href: self.homepage,
            key: self.key,
            name: self.name,
            description: self.description,
            suspended: self.suspended,
            access_tokens: u64::try_from(self.access_tokens).unwrap_or(0),
            updated_at: utc_rfc3339(self.updated_at),
        }
    }
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
    let removed = crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, |txn| {
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
                // Codes first, then grants, each a statement of its own: on PostgreSQL
                // (READ COMMITTED) a code exchange in flight holds its code's row, so the
                // first delete waits for it to commit, and the second, with a fresh
                // snapshot, then sees the grant it made. The other order missed it.
                code_grant::end_codes(txn, authorized.clone(), Some(account_id)).await?;
                token_grant::Entity::delete_many()
                    .filter(token_grant::Column::AppId.is_in(authorized.iter().copied()))
                    .filter(token_grant::Column::AccountId.eq(account_id))
                    .exec(txn)
                    .await?;
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
