//! Database schema of Appward, one migration per change, applied at start.
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_accounts;
mod m20261122_000002_create_apps;
mod m20261122_000003_create_grants;
mod m20261122_000004_create_codes;
mod m20261201_000005_security_hardening;
mod m20261202_000006_portal_sign_in;

/// Every migration of Appward, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_accounts::Migration),
            Box::new(m20261122_000002_create_apps::Migration),
            Box::new(m20261122_000003_create_grants::Migration),
            Box::new(m20261122_000004_create_codes::Migration),
            Box::new(m20261201_000005_security_hardening::Migration),
            Box::new(m20261202_000006_portal_sign_in::Migration),
        ]
    }
}
