//! Server functions of the Access Tokens pop-up; the types they share with the browser are in `model`.
use leptos::prelude::*;

use crate::error::ConsoleError;

use super::model::*;

/// The caller's live grants of the App `key`, a page at a time.
#[server(prefix = "/api", endpoint = "list_access_tokens", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn list_access_tokens(key: String, page: u64) -> Result<AccessTokenPage, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    let page = crate::listing::check_page(page)?;
    service::list(&state, &caller, &key, page).await
}

/// Removes the caller's grants `ids` of the App `key`, or every one of them when `all`
/// (those on other pages too); they stop working at once. Returns how many were removed.
#[server(prefix = "/api", endpoint = "remove_access_tokens", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn remove_access_tokens(
    key: String,
    #[server(default)] ids: Vec<i64>,
    #[server(default)] all: bool,
) -> Result<u64, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::remove(&state, &caller, &key, &ids, all).await
}

#[cfg(feature = "ssr")]
use super::service;
