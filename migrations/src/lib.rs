//! Database schema of Appward, one migration per change, applied at start.
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_accounts;
mod m20261122_000002_create_apps;
mod m20261122_000003_create_grants;
mod m20261122_000004_create_codes;
mod m20261201_000005_security_hardening;
mod m20261202_000006_portal_sign_in;
mod m20261207_000007_fault_tolerance;
mod m20261208_000008_portal_sessions;

/// Every migration of Appward, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        [
            Box::new(m20261122_000001_create_accounts::Migration) as Box<dyn MigrationTrait>,
            Box::new(m20261122_000002_create_apps::Migration),
            Box::new(m20261122_000003_create_grants::Migration),
            Box::new(m20261122_000004_create_codes::Migration),
            Box::new(m20261201_000005_security_hardening::Migration),
            Box::new(m20261202_000006_portal_sign_in::Migration),
            Box::new(m20261207_000007_fault_tolerance::Migration),
            Box::new(m20261208_000008_portal_sessions::Migration),
        ]
        .into_iter()
        .map(|migration| Box::new(Atomic(migration)) as Box<dyn MigrationTrait>)
        .collect()
    }
}

/// The variable that makes a start pause after the named migration's changes, before they
/// are committed: the test of an interrupted migration kills the server there. Only ever set
/// by that test.
pub const PAUSE_AFTER_MIGRATION: &str = "APPWARD_TEST_PAUSE_AFTER_MIGRATION";

/// A migration applied in one transaction with its record, on every database (sea-orm-migration
/// wraps only PostgreSQL's by default): a start killed half-way through a SQLite migration
/// leaves the database as it was, instead of columns without a record that fail the next
/// start.
struct Atomic(Box<dyn MigrationTrait>);

impl MigrationName for Atomic {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Atomic {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.up(manager).await?;
        if std::env::var(PAUSE_AFTER_MIGRATION).is_ok_and(|name| name == self.name()) {
            eprintln!("pausing after migration {} before its commit", self.name());
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.down(manager).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
