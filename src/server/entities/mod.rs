//! SeaORM entities, one module per table.
pub mod account;
pub mod app;
pub mod session;
pub mod token_grant;
