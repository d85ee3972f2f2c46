//! Server functions of the Apps Management tab; the types they share with the browser are in `model`.
use leptos::prelude::*;

use crate::error::ConsoleError;

use super::model::*;

/// One page of the Apps of `api` the caller manages or has authorized, sorted by `sort`
/// and filtered by `filter` (in the name or description), all on the server.
#[server(prefix = "/api", endpoint = "list_managed_apps", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn list_managed_apps(
    api: String,
    #[server(default)] page: u64,
    #[server(default)] sort: String,
    #[server(default)] descending: bool,
    #[server(default)] filter: String,
) -> Result<ManagedAppPage, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    let api = crate::domain::ApiKind::parse(&api)?;
    let listing = service::Listing {
        api,
        page: crate::listing::check_page(page)?,
        sort: crate::apps::SortColumn::from_param(&sort)?,
        descending,
        filter: &filter,
    };
    service::list(&state, &caller, listing).await
}

/// Remove Selected: Apps in the caller's scope are removed; Apps outside it that hold the
/// caller's authorization are de-authorized for the caller. All or none: any other key
/// refuses the whole request.
#[server(prefix = "/api", endpoint = "remove_managed_apps", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn remove_managed_apps(keys: Vec<String>) -> Result<RemovedManagedApps, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::remove(&state, &caller, &keys).await
}

#[cfg(feature = "ssr")]
use super::service;
