//! Server functions of App Registration; the types they share with the browser are in `model`.
use leptos::prelude::*;

use crate::domain::AppForm;
use crate::error::ConsoleError;

use super::model::*;

/// One page of the Apps registered in the signed-in account's scope under `api`, sorted by
/// `sort` and filtered by `filter` (in the name or description), all on the server.
#[server(prefix = "/api", endpoint = "list_registered_apps", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn list_registered_apps(
    api: String,
    #[server(default)] page: u64,
    #[server(default)] sort: String,
    #[server(default)] descending: bool,
    #[server(default)] filter: String,
) -> Result<AppPage, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    let listing = super::listing::Listing {
        api: crate::domain::ApiKind::parse(&api)?,
        page: crate::listing::check_page(page)?,
        sort: RegisteredSort::from_param(&sort)?,
        descending,
        filter: &filter,
    };
    super::listing::list(&state, &caller, listing).await
}

/// Registers an App for the signed-in account: Add App, then OK.
#[server(prefix = "/api", endpoint = "create_app", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn create_app(api: String, form: AppForm) -> Result<RegisteredApp, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    let api = crate::domain::ApiKind::parse(&api)?;
    let fields = crate::domain::AppFields::try_from(&form)?;
    service::create(&state, &caller, api, fields).await
}

/// The App with `key`, for its edit form.
#[server(prefix = "/api", endpoint = "get_app", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn get_app(key: String) -> Result<AppDetails, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::details(&state, &caller, &key).await
}

/// Saves the edit form: every field but the API and the key.
#[server(prefix = "/api", endpoint = "update_app", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn update_app(key: String, form: AppForm) -> Result<AppDetails, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    let fields = crate::domain::AppFields::try_from(&form)?;
    service::update(&state, &caller, &key, fields).await
}

/// The App's secret in clear, for Reveal and Copy.
#[server(prefix = "/api", endpoint = "reveal_app_secret", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn reveal_app_secret(key: String) -> Result<String, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::reveal_secret(&state, &caller, &key).await
}

/// Regenerate: a new secret; the old one and every token of the App stop working.
#[server(prefix = "/api", endpoint = "regenerate_app_secret", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn regenerate_app_secret(key: String) -> Result<String, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::regenerate_secret(&state, &caller, &key).await
}

/// Suspends the App (`suspended = true`) or enables it again. A suspended App's tokens are
/// refused at every endpoint and it gets no new ones; enabled again, its unexpired tokens
/// work again. Returns the App's new state.
#[server(prefix = "/api", endpoint = "set_app_status", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn set_app_status(key: String, suspended: bool) -> Result<bool, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::set_status(&state, &caller, &key, suspended).await
}

/// Remove Selected: removes the named Apps (all or none); their keys stay reserved.
#[server(prefix = "/api", endpoint = "remove_apps", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn remove_apps(keys: Vec<String>) -> Result<u64, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::remove(&state, &caller, &keys).await
}

#[cfg(feature = "ssr")]
use super::service;
