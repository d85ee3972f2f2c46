//! The integration tests: one binary, a module per area, each driving the real router on a
//! real SQLite file (or PostgreSQL when `APPWARD_TEST_DATABASE_URL` names a server).
#![cfg(feature = "ssr")]

mod common;

mod access_effects;
mod accounts;
mod apps;
mod apps_management;
mod authorization_code;
mod bundle;
mod client_credentials;
mod concurrency;
mod crash;
mod embedding;
mod group_commit;
mod hardening;
mod hostile_input;
mod hostile_params;
mod instances;
mod logs;
mod observability;
mod purge;
mod rate_limits;
mod refresh_and_introspection;
mod revocation_across_instances;
mod rights_matrix;
mod server;
mod session;
mod soap;
mod sso_properties;
mod web_security;
