//! The values the Access Tokens server functions take and give, shared by the browser and the server.
use serde::{Deserialize, Serialize};

/// How many tokens one page of the pop-up shows.
pub const PAGE_SIZE: u64 = 50;

/// One grant: an access token and the refresh token beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
pub struct AccessTokenPage {
    /// The grants of this page, newest first.
    pub rows: Vec<AccessTokenRow>,
    /// How many live grants there are in all.
    pub total: u64,
    /// This page's number, from 0.
    pub page: u64,
}
