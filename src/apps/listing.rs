//! The App Registration table: the live Apps registered in the caller's scope, filtered,
//! sorted and paged in one query on the server.
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::model::{AppPage, AppRow, PAGE_SIZE, RegisteredSort};
use crate::apps_management::MAX_FILTER_LENGTH;
use crate::domain::{ApiKind, Homepage};
use crate::error::ConsoleError;
use crate::infra::entities::{account, app};
use crate::infra::{ServerState, utc_rfc3339};
use crate::session::service::Caller;

/// What the table asks for.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    /// SystemAPI or UnifiedAPI.
    pub api: ApiKind,
    /// The page, from 0.
    pub page: u64,
    /// The column sorted by.
    pub sort: RegisteredSort,
    /// Whether the order is reversed.
    pub descending: bool,
    /// Text the name or description must contain (case-insensitive), or empty.
    pub filter: &'a str,
}

/// One page of the live Apps registered in the caller's scope.
#[tracing::instrument(skip_all, fields(caller = caller.account.id, api = listing.api.as_str(), page = listing.page))]
pub async fn list(
    state: &ServerState,
    caller: &Caller,
    listing: Listing<'_>,
) -> Result<AppPage, ConsoleError> {
    let matching = matching(listing.filter)?;
    let mut select = app::Entity::find()
        .find_also_related(account::Entity)
        .filter(account::Column::ScopePath.starts_with(caller.scope().as_str()))
        .filter(app::Column::Api.eq(listing.api))
        .filter(app::Column::RemovedAt.is_null());
    if let Some(matching) = matching {
        select = select.filter(matching);
    }
    let order = if listing.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    select = match listing.sort {
        RegisteredSort::App => select,
        RegisteredSort::Description => {
            select.order_by(lower(app::Column::Description), order.clone())
        }
        RegisteredSort::Homepage => select.order_by(app::Column::Homepage, order.clone()),
        RegisteredSort::Owner => select.order_by(account::Column::Login, order.clone()),
        RegisteredSort::Configured => select.order_by(app::Column::UpdatedAt, order.clone()),
    };
    let paginator = select
        .order_by(lower(app::Column::Name), order)
        .order_by_asc(app::Column::Id)
        .paginate(&state.db, PAGE_SIZE);
    let total = paginator.num_items().await?;
    let rows = paginator
        .fetch_page(listing.page)
        .await?
        .into_iter()
        .map(|(app, owner)| {
            let homepage = Homepage::from_stored(app.homepage);
            AppRow {
                homepage: homepage.display(),
                homepage_lookalike: homepage.is_lookalike(),
                owner_login: owner.map(|owner| owner.login),
                key: app.key,
                name: app.name,
                description: app.description,
                trusted: app.trusted,
                updated_at: utc_rfc3339(app.updated_at),
            }
        })
        .collect();
    Ok(AppPage {
        rows,
        total,
        page: listing.page,
    })
}

/// What both lists of Apps filter by: the name or the description contains `filter`
/// (trimmed, without regard to case; LIKE's wildcards are plain characters). `None` for an
/// empty filter; a 400 naming the field when it is too long or holds control characters.
pub(crate) fn matching(filter: &str) -> Result<Option<Condition>, ConsoleError> {
    // Control characters match nothing stored, and PostgreSQL refuses NUL outright (a 500).
    let filter =
        crate::domain::text::bounded("filter", "Filter", filter, MAX_FILTER_LENGTH, false, false)?;
    if filter.is_empty() {
        return Ok(None);
    }
    let pattern = format!("%{}%", escape_like(&filter.to_lowercase()));
    let contains =
        |column: app::Column| lower(column).like(LikeExpr::new(pattern.clone()).escape('\\'));
    Ok(Some(
        Condition::any()
            .add(contains(app::Column::Name))
            .add(contains(app::Column::Description)),
    ))
}

/// `LOWER(app.column)`: names sort and match without regard to case.
pub(crate) fn lower(column: app::Column) -> Expr {
    Expr::expr(Func::lower(Expr::col((app::Entity, column))))
}

/// `text` with the LIKE wildcards `%`, `_` and the escape `\` escaped.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
