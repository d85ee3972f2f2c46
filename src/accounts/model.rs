//! The values the Accounts server functions take and give, shared by the browser and the server.
use serde::{Deserialize, Serialize};

use crate::domain::{AccountLevel, AccountName, FieldError, Login, Password};

/// One account in the Accounts table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
pub struct AccountRow {
    /// Its id.
    pub id: i64,
    /// Its login name.
    pub login: String,
    /// Its display name.
    pub name: String,
    /// Its level.
    pub level: AccountLevel,
    /// Its parent's login name (none for the Administrator).
    pub parent_login: Option<String>,
    /// Its parent's id.
    pub parent_id: Option<i64>,
}

/// A new account, as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccountForm {
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Password.
    pub password: String,
    /// Level (`service_provider`, `organization`, `user`).
    pub level: String,
    /// The parent's id; empty means the creating account itself.
    #[serde(default)]
    pub parent: String,
}

/// A new account, validated.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login name.
    pub login: Login,
    /// Display name.
    pub name: AccountName,
    /// Password, not yet hashed.
    pub password: Password,
    /// Level.
    pub level: AccountLevel,
    /// The parent's id; none means the creating account itself.
    pub parent: Option<i64>,
}

impl TryFrom<&NewAccountForm> for NewAccount {
    type Error = FieldError;

    fn try_from(form: &NewAccountForm) -> Result<Self, Self::Error> {
        Ok(Self {
            login: Login::parse(&form.login)?,
            name: AccountName::parse(&form.name)?,
            password: Password::parse(&form.password)?,
            level: AccountLevel::parse(&form.level)?,
            parent: match form.parent.trim() {
                "" => None,
                id => Some(
                    id.parse()
                        .map_err(|_| FieldError::new("parent", "Choose a parent account."))?,
                ),
            },
        })
    }
}
