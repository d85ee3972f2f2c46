//! The state every request shares, handed to server functions through Leptos context.
use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::ops::Deref;
use std::sync::Arc;

use super::bundle_names::BundleNames;
use super::config::Config;
use super::crypto::PasswordGate;
use super::failure_limit::FailureLimit;
use super::grant_writer::GrantWriter;
use super::login_slowdown::LoginSlowdown;
use super::read_path::ReadPath;
use super::secret_box::SecretBox;
use crate::error::ConsoleError;

/// Shared by every request of one server process: one `Arc`, so that handing it to a
/// request is one reference count, whatever it holds.
#[derive(Clone)]
pub struct ServerState(Arc<Shared>);

/// What [`ServerState`] shares.
pub struct Shared {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configuration read at start.
    pub config: Arc<Config>,
    /// Seals and opens App secrets.
    pub secrets: Arc<SecretBox>,
    /// Failed sign-ins, per login and client network.
    pub sign_in_failures: Arc<FailureLimit>,
    /// Failed sign-ins, per login from anywhere: they slow the login's attempts down.
    pub sign_in_slowdown: Arc<LoginSlowdown>,
    /// Failed App authentications, per App key and client network.
    pub client_auth_failures: Arc<FailureLimit>,
    /// Admits password hashes: a few at once, a short queue, the rest told to retry.
    pub password_gate: Arc<PasswordGate>,
    /// What Leptos needs to render pages and find the compiled site.
    pub leptos_options: LeptosOptions,
    /// The file names of the browser bundle (hashed in a release build).
    pub bundle: BundleNames,
    /// Token checks on thread-owned SQLite connections; `None` on PostgreSQL.
    pub read_path: Option<ReadPath>,
    /// Stores grants in group commits.
    pub grant_writer: GrantWriter,
}

impl Deref for ServerState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl ServerState {
    /// Builds the state from a migrated database, the configuration and the secrets' key.
    pub fn new(
        db: DatabaseConnection,
        config: Config,
        secrets: SecretBox,
        grant_writer: GrantWriter,
    ) -> Self {
        let bundle = BundleNames::read(&config.hash_file);
        let leptos_options = LeptosOptions::builder()
            .output_name("appward")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.site_addr)
            .hash_files(bundle.hash_file.is_some())
            .hash_file(std::sync::Arc::from(config.hash_file.display().to_string()))
            .env(match std::env::var("LEPTOS_ENV").as_deref() {
                Ok("DEV") | Ok("dev") | Ok("development") => leptos::config::Env::DEV,
                _ => leptos::config::Env::PROD,
            })
            .build();
        Self(Arc::new(Shared {
            read_path: ReadPath::for_url(&config.database_url(), config.db_busy_timeout),
            grant_writer,
            db,
            sign_in_failures: Arc::new(FailureLimit::new(
                config.sign_in_attempts_per_minute,
                config.failure_store_capacity,
            )),
            sign_in_slowdown: Arc::new(LoginSlowdown::new(
                config.sign_in_attempts_per_minute > 0,
                config.failure_store_capacity,
            )),
            client_auth_failures: Arc::new(FailureLimit::new(
                config.client_auth_attempts_per_minute,
                config.failure_store_capacity,
            )),
            password_gate: Arc::new(match config.password_hashes_at_once {
                Some(at_once) => PasswordGate::new(at_once, 2 * at_once),
                None => PasswordGate::for_this_machine(),
            }),
            config: Arc::new(config),
            secrets: Arc::new(secrets),
            leptos_options,
            bundle,
        }))
    }
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

/// The shared state, inside a server function or a server-side render.
pub fn state() -> Result<ServerState, ConsoleError> {
    use_context::<ServerState>().ok_or_else(|| {
        tracing::error!("ServerState missing from the Leptos context");
        ConsoleError::Internal
    })
}
