//! A backup taken while 16 clients ask for tokens stalls none of them, and restored into
//! a new data folder with its key it serves every App and every token issued before it.
use std::time::{Duration, Instant};

use crate::common::oauth::access_token;
use crate::common::{self, TestServer};
use crate::load::{Load, short_waits, slowest, statuses};
use crate::{appward, with};

/// How long a token request may take while the backup runs.
const LONGEST: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_load_stalls_no_token_request_and_restores_every_app_and_token() {
    let (dir, env) = common::test_env(&short_waits()).await;
    let server = TestServer::spawn_process_in(dir, env.clone()).await;
    let admin = server.admin().await;
    let apps = crate::trusted_apps(&server, &admin, 3).await;
    let mut tokens = Vec::new();
    for app in &apps {
        for _ in 0..5 {
            tokens.push((
                app,
                access_token(server.client_credentials(app).await).await,
            ));
        }
    }
    // Bulk, so that the copy takes long enough to meet many requests: 24 MiB beside the
    // App's rows, written before the load starts.
    let database = server.data_dir().join("appward.db");
    let file = database.clone();
    tokio::task::spawn_blocking(move || {
        let filler = rusqlite::Connection::open(file).unwrap();
        filler.busy_timeout(Duration::from_secs(5)).unwrap();
        filler
            .execute_batch(
                "CREATE TABLE test_bulk(b BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6144)
                 INSERT INTO test_bulk SELECT randomblob(4096) FROM n;",
            )
            .unwrap();
    })
    .await
    .unwrap();

    let load = Load::start(&server, &apps[0], 16);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("appward-backup.db");
    let backup_arg = backup.display().to_string();
    let began = load.started.elapsed();
    let timer = Instant::now();
    let taken = appward(&env, &["backup", &backup_arg], None).await;
    let took = timer.elapsed();
    let ended = load.started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let answers = load.stop().await;
    assert!(taken.status.success(), "{}", taken.output());
    let during: Vec<_> = answers
        .iter()
        .filter(|answer| answer.sent < ended && answer.sent + answer.took > began)
        .cloned()
        .collect();
    let counts = statuses(&answers);
    let size = std::fs::metadata(&backup).unwrap().len();
    println!(
        "backup of {size} bytes in {took:?}; {} token requests during it, the slowest {:?} \
         (all: {counts:?}, the slowest {:?}); {}",
        during.len(),
        slowest(&during),
        slowest(&answers),
        taken.stdout.trim()
    );
    assert_eq!(
        counts.keys().copied().collect::<Vec<_>>(),
        [Some(200)],
        "every token request answered 200: {counts:?}"
    );
    assert!(
        during.len() >= 16,
        "the load met the backup: {}",
        during.len()
    );
    assert!(
        slowest(&during) < LONGEST,
        "a token request took {:?} while the backup ran",
        slowest(&during)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the backup is its owner's only");
    }
    assert!(taken.stdout.contains("secret.key"), "{}", taken.stdout);
    // Never overwritten.
    let again = appward(&env, &["backup", &backup_arg], None).await;
    assert!(!again.status.success());
    assert!(
        again.stderr.contains("never overwritten"),
        "{}",
        again.output()
    );
    assert_eq!(std::fs::metadata(&backup).unwrap().len(), size);
    // Not restored under a running server.
    crate::assert_refused_while_serving(&env, &["restore", &backup_arg]).await;
    assert_eq!(server.client_credentials(&apps[1]).await.status(), 200);

    // A new data folder with the key kept apart, the backup restored, a server on it.
    let (new_dir, new_env) = common::test_env(&short_waits()).await;
    std::fs::copy(
        server.data_dir().join("secret.key"),
        new_dir.path().join("secret.key"),
    )
    .unwrap();
    let restored = appward(&new_env, &["restore", &backup_arg], None).await;
    assert!(restored.status.success(), "{}", restored.output());
    assert!(
        restored.stdout.contains("opens all 3 App secret(s)"),
        "{}",
        restored.stdout
    );
    let restored = TestServer::spawn_process_in(new_dir, with(&new_env, &[])).await;
    for app in &apps {
        assert_eq!(
            restored.client_credentials(app).await.status(),
            200,
            "the App {} authenticates on the restored database",
            app.key
        );
    }
    for (app, token) in &tokens {
        let answer = restored.introspect(app, token).await;
        assert_eq!(
            answer["active"], true,
            "a token issued before the backup: {answer}"
        );
    }
}
