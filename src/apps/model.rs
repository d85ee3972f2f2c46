//! The values the App Registration server functions take and give, shared by the browser and the server.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
pub struct AppRow {
    /// App ID/key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Homepage, as shown.
    pub homepage: String,
    /// Whether the homepage's host is a likely look-alike (then shown in punycode, with the
    /// warning): decided by the server, so the list's code in the browser holds no URL rules.
    pub homepage_lookalike: bool,
    /// The registering account's login.
    pub owner_login: Option<String>,
    /// App is trusted.
    pub trusted: bool,
    /// "Configured": when the App was last saved, RFC 3339 UTC.
    pub updated_at: String,
}

/// One page of the Apps of a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
pub struct AppPage {
    /// The Apps of this page, by name.
    pub rows: Vec<AppRow>,
    /// How many Apps there are in all.
    pub total: u64,
    /// This page's number, from 0.
    pub page: u64,
}

/// Everything the edit form shows of an App, but its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
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
