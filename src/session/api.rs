//! Server functions of the console session, and the types they share with the browser.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::AccountLevel;
use crate::error::AppError;

/// The account a request is made by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Signs in with a login name and password, starting a new session (a new id every time).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(login: String, password: String) -> Result<(), AppError> {
    let state = crate::server::state()?;
    service::sign_in(&state, &login, password).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Ends the current session (its row is deleted, so every instance refuses it at once).
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = crate::server::state()?;
    service::sign_out(&state).await?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// The signed-in account, or 401 when nobody is signed in.
#[server(prefix = "/api", endpoint = "current_account")]
pub async fn current_account() -> Result<SignedInAccount, AppError> {
    let state = crate::server::state()?;
    service::current(&state)
        .await
        .map(|account| account.signed_in())
}

#[cfg(feature = "ssr")]
use super::service;
