//! `APPWARD_MIGRATE=never`: a start with pending migrations is refused and says to run
//! `appward migrate`, which applies them; the start then serves.
use migration::MigratorTrait;

use crate::common::{self, TestServer};
use crate::load::short_waits;
use crate::{appward, refused_start, with};

/// The newest migration: the one rolled back, so that it is pending.
const LAST_MIGRATION: &str = "m20261208_000008_portal_sessions";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_migrate_never_a_start_with_pending_migrations_is_refused_until_migrate() {
    let (dir, env) = common::test_env(&short_waits()).await;
    let mut server = TestServer::spawn_process_in(dir, env.clone()).await;
    server.kill();
    let database = format!(
        "sqlite://{}?mode=rw",
        server.data_dir().join("appward.db").display()
    );
    let db = sea_orm::Database::connect(&database).await.unwrap();
    migration::Migrator::down(&db, Some(1)).await.unwrap();
    db.close().await.unwrap();

    let never = with(&env, &[("APPWARD_MIGRATE", "never")]);
    let refusal = refused_start(&never).await;
    assert!(
        refusal.contains(LAST_MIGRATION)
            && refusal.contains("APPWARD_MIGRATE=never")
            && refusal.contains("run `appward migrate`"),
        "{refusal}"
    );
    let verdict = appward(&env, &["verify"], None).await;
    assert!(
        verdict.stdout.contains("migration level 7 of 8 (1 pending"),
        "{}",
        verdict.output()
    );

    let migrated = appward(&env, &["migrate"], None).await;
    assert!(migrated.status.success(), "{}", migrated.output());
    assert!(
        migrated
            .stdout
            .contains(&format!("applied 1 migration(s): {LAST_MIGRATION}")),
        "{}",
        migrated.stdout
    );
    let again = appward(&env, &["migrate"], None).await;
    assert!(again.stdout.contains("nothing to do"), "{}", again.output());

    let started = server
        .another_instance_with(&[("APPWARD_MIGRATE", "never")])
        .await;
    let admin = started.admin().await;
    let app = started
        .oauth_app(&admin, "unified", &[("trusted", "on")])
        .await;
    assert_eq!(started.client_credentials(&app).await.status(), 200);
}
