//! Server functions of the Accounts page; the types they share with the browser are in `model`.
use leptos::prelude::*;

use crate::error::ConsoleError;

use super::model::*;

/// Every account in the signed-in account's scope.
#[server(prefix = "/api", endpoint = "list_accounts", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn list_accounts() -> Result<Vec<AccountRow>, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::list(&state, &caller).await
}

/// Creates an account below the signed-in one (SPEC §1).
#[server(prefix = "/api", endpoint = "create_account", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn create_account(form: NewAccountForm) -> Result<AccountRow, ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    let new = NewAccount::try_from(&form)?;
    service::create(&state, &caller, new).await
}

/// Removes an account in the signed-in account's scope that has no accounts below it.
#[server(prefix = "/api", endpoint = "remove_account", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn remove_account(id: i64) -> Result<(), ConsoleError> {
    let state = crate::infra::state()?;
    let caller = crate::session::service::current(&state).await?;
    service::remove(&state, &caller, id).await
}

#[cfg(feature = "ssr")]
use super::service;
