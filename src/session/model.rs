//! The values the session server functions take and give, shared by the browser and the server.
use serde::{Deserialize, Serialize};

use crate::domain::AccountLevel;

/// The account a request is made by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
pub struct SignedInAccount {
    /// Its id.
    pub id: i64,
    /// Its login name.
    pub login: String,
    /// Its display name.
    pub name: String,
    /// Its level.
    pub level: AccountLevel,
}
