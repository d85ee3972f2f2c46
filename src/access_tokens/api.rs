//! Server functions of the Access Tokens pop-up, and the types they share with the browser.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::ConsoleError;

/// How many tokens one page of the pop-up shows.
pub const PAGE_SIZE: u64 = 50;

/// One grant: an access token and the refresh token beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenRow {
    /// The grant's id.
    pub id: i64,
    /// Expires: when the current access token expires, RFC 3339 UTC.
    pub expires_at: String,
    /// User Agent of the request that obtained it.
    pub user_agent: String,
    /// When it was issued, RFC 3339 UTC.
    pub issued_at: String,
    /// When it was last used, RFC 3339 UTC (to the minute).
    pub last_used_at: String,
}

/// One page of the caller's live grants of an App.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenPage {
    /// The grants of this page, newest first.
    pub rows: Vec<AccessTokenRow>,
    /// How many live grants there are in all.
    pub total: u64,
    /// This page's number, from 0.
    pub page: u64,
}

/// The caller's live grants of the App `key`, a page at a time.
#[server(prefix = "/api", endpoint = "list_access_tokens")]
pub async fn list_access_tokens(key: String, page: u64) -> Result<AccessTokenPage, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    let page = crate::listing::check_page(page)?;
    service::list(&state, &caller, &key, page).await
}

/// Removes the caller's grants `ids` of the App `key`, or every one of them when `all`
/// (those on other pages too); they stop working at once. Returns how many were removed.
#[server(prefix = "/api", endpoint = "remove_access_tokens")]
pub async fn remove_access_tokens(
    key: String,
    #[server(default)] ids: Vec<i64>,
    #[server(default)] all: bool,
) -> Result<u64, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::remove(&state, &caller, &key, &ids, all).await
}

#[cfg(feature = "ssr")]
use super::service;
