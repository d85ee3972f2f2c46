//! SeaORM entities, one module per table.
pub mod account;
pub mod app;
pub mod authorization_code;
pub mod retired_refresh;
pub mod session;
pub mod token_grant;
