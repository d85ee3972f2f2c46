//! Server functions of App Registration, and the types they share with the browser.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::{ApiKind, AppForm};
use crate::error::ConsoleError;

/// How many Apps one page of the App Registration table shows.
pub const PAGE_SIZE: u64 = 50;
/// The most Apps one registering account may hold (seed 000).
pub const MAX_APPS_PER_ACCOUNT: i32 = 1000;
/// The most Apps one Remove Selected may name.
pub const MAX_REMOVED_AT_ONCE: usize = 1000;

/// One App in the App Registration table; links are shown with Unicode hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRow {
    /// App ID/key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Homepage, as shown.
    pub homepage: String,
    /// The registering account's login.
    pub owner_login: Option<String>,
    /// App is trusted.
    pub trusted: bool,
    /// "Configured": when the App was last saved, RFC 3339 UTC.
    pub updated_at: String,
}

/// One page of the Apps of a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPage {
    /// The Apps of this page, by name.
    pub rows: Vec<AppRow>,
    /// How many Apps there are in all.
    pub total: u64,
    /// This page's number, from 0.
    pub page: u64,
}

/// Everything the edit form shows of an App, but its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppDetails {
    /// App ID/key.
    pub key: String,
    /// The API it is registered under.
    pub api: ApiKind,
    /// The fields of the form, as shown (hosts in Unicode).
    pub form: AppForm,
    /// The registering account's login.
    pub owner_login: Option<String>,
    /// Whether the App is suspended.
    pub suspended: bool,
    /// When it was registered, RFC 3339 UTC.
    pub created_at: String,
    /// When it was last saved, RFC 3339 UTC.
    pub updated_at: String,
}

/// A newly registered App, with its secret shown this once without asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredApp {
    /// The App.
    pub app: AppDetails,
    /// App secret.
    pub secret: String,
}

/// A column the tables of Apps sort by, named the same in requests and addresses.
pub trait SortColumn: Copy + Eq + Default + Send + Sync + 'static {
    /// Every column, in the table's order.
    const ALL: &'static [Self];

    /// The name used in requests and addresses.
    fn as_str(self) -> &'static str;

    /// The column with this name; the default column for anything else (what an address
    /// falls back to).
    fn parse(value: &str) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|column| column.as_str() == value)
            .unwrap_or_default()
    }

    /// The sort a request names: empty for the default, else one of the columns; a 400
    /// that names the field for anything else.
    fn from_param(value: &str) -> Result<Self, ConsoleError> {
        if value.is_empty() {
            return Ok(Self::default());
        }
        Self::ALL
            .iter()
            .copied()
            .find(|column| column.as_str() == value)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|column| column.as_str()).collect();
                ConsoleError::invalid("sort", format!("sort must be one of {}.", names.join(", ")))
            })
    }
}

/// The column the App Registration table is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegisteredSort {
    /// App: the name.
    #[default]
    App,
    /// Description.
    Description,
    /// Homepage.
    Homepage,
    /// Owner: the registering account's login.
    Owner,
    /// Configured: when the App was last saved.
    Configured,
}

impl SortColumn for RegisteredSort {
    const ALL: &'static [Self] = &[
        Self::App,
        Self::Description,
        Self::Homepage,
        Self::Owner,
        Self::Configured,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Description => "description",
            Self::Homepage => "homepage",
            Self::Owner => "owner",
            Self::Configured => "configured",
        }
    }
}

/// One page of the Apps registered in the signed-in account's scope under `api`, sorted by
/// `sort` and filtered by `filter` (in the name or description), all on the server.
#[server(prefix = "/api", endpoint = "list_registered_apps")]
pub async fn list_registered_apps(
    api: String,
    #[server(default)] page: u64,
    #[server(default)] sort: String,
    #[server(default)] descending: bool,
    #[server(default)] filter: String,
) -> Result<AppPage, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    let listing = super::listing::Listing {
        api: ApiKind::parse(&api)?,
        page: crate::listing::check_page(page)?,
        sort: RegisteredSort::from_param(&sort)?,
        descending,
        filter: &filter,
    };
    super::listing::list(&state, &caller, listing).await
}

/// Registers an App for the signed-in account: Add App, then OK.
#[server(prefix = "/api", endpoint = "create_app")]
pub async fn create_app(api: String, form: AppForm) -> Result<RegisteredApp, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    let api = ApiKind::parse(&api)?;
    let fields = crate::domain::AppFields::try_from(&form)?;
    service::create(&state, &caller, api, fields).await
}

/// The App with `key`, for its edit form.
#[server(prefix = "/api", endpoint = "get_app")]
pub async fn get_app(key: String) -> Result<AppDetails, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::details(&state, &caller, &key).await
}

/// Saves the edit form: every field but the API and the key.
#[server(prefix = "/api", endpoint = "update_app")]
pub async fn update_app(key: String, form: AppForm) -> Result<AppDetails, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    let fields = crate::domain::AppFields::try_from(&form)?;
    service::update(&state, &caller, &key, fields).await
}

/// The App's secret in clear, for Reveal and Copy.
#[server(prefix = "/api", endpoint = "reveal_app_secret")]
pub async fn reveal_app_secret(key: String) -> Result<String, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::reveal_secret(&state, &caller, &key).await
}

/// Regenerate: a new secret; the old one and every token of the App stop working.
#[server(prefix = "/api", endpoint = "regenerate_app_secret")]
pub async fn regenerate_app_secret(key: String) -> Result<String, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::regenerate_secret(&state, &caller, &key).await
}

/// Suspends the App (`suspended = true`) or enables it again. A suspended App's tokens are
/// refused at every endpoint and it gets no new ones; enabled again, its unexpired tokens
/// work again. Returns the App's new state.
#[server(prefix = "/api", endpoint = "set_app_status")]
pub async fn set_app_status(key: String, suspended: bool) -> Result<bool, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::set_status(&state, &caller, &key, suspended).await
}

/// Remove Selected: removes the named Apps (all or none); their keys stay reserved.
#[server(prefix = "/api", endpoint = "remove_apps")]
pub async fn remove_apps(keys: Vec<String>) -> Result<u64, ConsoleError> {
    let state = crate::server::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::remove(&state, &caller, &keys).await
}

#[cfg(feature = "ssr")]
use super::service;
