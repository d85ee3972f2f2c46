//! The values the Apps Management server functions take and give, shared by the browser and the server.
use serde::{Deserialize, Serialize};

/// How many Apps one page of the table shows.
pub const PAGE_SIZE: u64 = 50;
/// The longest filter text accepted.
pub const MAX_FILTER_LENGTH: usize = 100;

/// The column the table is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ManagedSort {
    /// S: enabled first (suspended last when ascending).
    Status,
    /// App: the name.
    #[default]
    App,
    /// Description.
    Description,
    /// Access Tokens: the caller's live grants.
    AccessTokens,
    /// Configured: when the App was last saved.
    Configured,
}

impl crate::apps::SortColumn for ManagedSort {
    const ALL: &'static [Self] = &[
        Self::Status,
        Self::App,
        Self::Description,
        Self::AccessTokens,
        Self::Configured,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::App => "app",
            Self::Description => "description",
            Self::AccessTokens => "access_tokens",
            Self::Configured => "configured",
        }
    }
}

/// One App in the Apps Management table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
pub struct ManagedAppRow {
    /// App ID/key.
    pub key: String,
    /// App: its name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The homepage as shown (Unicode host).
    pub homepage: String,
    /// The homepage as a link.
    pub homepage_href: String,
    /// Whether the homepage's host is a likely look-alike (then shown in punycode, with the
    /// warning): decided by the server, so the list's code in the browser holds no URL rules.
    pub homepage_lookalike: bool,
    /// S: whether it is suspended.
    pub suspended: bool,
    /// Whether the App is in the caller's scope (may be edited, suspended and removed);
    /// otherwise it is listed because it holds the caller's authorization.
    pub manageable: bool,
    /// Access Tokens: the caller's live grants of the App.
    pub access_tokens: u64,
    /// Configured: when the App was last saved, RFC 3339 UTC.
    pub updated_at: String,
}

/// One page of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
pub struct ManagedAppPage {
    /// The Apps of this page.
    pub rows: Vec<ManagedAppRow>,
    /// How many Apps match in all.
    pub total: u64,
    /// This page's number, from 0.
    pub page: u64,
}

/// What Remove Selected did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
pub struct RemovedManagedApps {
    /// Apps in scope, removed.
    pub removed: u64,
    /// Apps outside the scope, de-authorized for the caller (their grants removed).
    pub deauthorized: u64,
}
