//! A long reader, a write lock held elsewhere, removals under load and a full disk, each
//! met by the real server binary on its SQLite file while 16 clients ask for tokens.
use std::time::{Duration, Instant};

use crate::common::TestServer;
use crate::load::{self, DEADLINE, Load, short_waits, slowest, statuses, wal_len};

async fn server_with_trusted_app(
    vars: &[(&str, &str)],
) -> (TestServer, crate::common::oauth::OAuthApp) {
    let mut all = short_waits();
    all.extend_from_slice(vars);
    let server = TestServer::spawn_process_with(&all).await;
    let admin = server.admin().await;
    let app = server
        .oauth_app(&admin, "unified", &[("trusted", "on")])
        .await;
    (server, app)
}

async fn healthz(server: &TestServer) -> u16 {
    reqwest::Client::builder()
        .timeout(load::NO_ANSWER)
        .build()
        .unwrap()
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .map_or(0, |response| response.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_holding_one_snapshot_stalls_no_token_request() {
    let (server, app) = server_with_trusted_app(&[]).await;
    let database = server.data_dir().join("appward.db");
    let load = Load::start(&server, &app, 16);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // One read transaction held for 11 s, as a backup or a report would: longer than the
    // 10 s after which the writer used to ask for a TRUNCATE checkpoint and then hold the
    // write lock while it waited for this reader.
    let file = database.clone();
    tokio::task::spawn_blocking(move || {
        let reader = rusqlite::Connection::open(&file).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM token_grant", [], |row| row.get(0))
            .unwrap();
        std::thread::sleep(Duration::from_secs(11));
        reader.execute_batch("COMMIT").unwrap();
    })
    .await
    .unwrap();
    let reader_ended = Instant::now();
    let ended_at = reader_ended - load.started;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let answers = load.stop().await;
    let counts = statuses(&answers);
    assert_eq!(
        counts.keys().copied().collect::<Vec<_>>(),
        [Some(200)],
        "every token request answered 200: {counts:?}"
    );
    assert!(answers.len() > 100, "the load ran: {counts:?}");
    // While the reader holds its snapshot, nothing waits for it.
    let (during, after): (Vec<_>, Vec<_>) = answers
        .iter()
        .cloned()
        .partition(|answer| answer.sent + answer.took < ended_at);
    let (slowest_during, slowest_after) = (slowest(&during), slowest(&after));
    println!(
        "{} token requests while the reader held its snapshot, the slowest {slowest_during:?}; \
         {} after, the slowest {slowest_after:?} (the backlog of the WAL copied meanwhile)",
        during.len(),
        after.len()
    );
    assert!(
        slowest_during < DEADLINE / 10,
        "a token request waited {slowest_during:?} behind a reader"
    );
    // Once it lets go, the backlog is copied into the database file and synced while the
    // writer goes on; the writer's own sync of the restarted WAL may queue behind it a
    // moment, never near the deadline.
    assert!(
        slowest_after < DEADLINE / 2,
        "a token request waited {slowest_after:?} after the reader ended"
    );
    // Idle again: the WAL is emptied within 10 s of the reader's end.
    while wal_len(&database) > 0 {
        assert!(
            reader_ended.elapsed() < Duration::from_secs(10),
            "the WAL is still {} bytes 10 s after the reader ended",
            wal_len(&database)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_lock_held_elsewhere_is_answered_within_the_deadline() {
    let (server, app) = server_with_trusted_app(&[]).await;
    let database = server.data_dir().join("appward.db");
    assert_eq!(healthz(&server).await, 200);
    let load = Load::start(&server, &app, 16);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Another process's connection holds the write lock for three deadlines.
    let (locked, lock_taken) = tokio::sync::oneshot::channel();
    let holder = tokio::task::spawn_blocking(move || {
        let other = rusqlite::Connection::open(&database).unwrap();
        other.busy_timeout(Duration::from_secs(5)).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked.send(()).unwrap();
        std::thread::sleep(DEADLINE * 3);
        other.execute_batch("COMMIT").unwrap();
        Instant::now()
    });
    lock_taken.await.unwrap();
    let mut health_while_locked = Vec::new();
    while !holder.is_finished() {
        health_while_locked.push(healthz(&server).await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let released = holder.await.unwrap();
    let released_at = released - load.started;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let answers = load.stop().await;
    let counts = load::assert_answered_in_time(&answers, "token requests");
    assert!(
        counts.contains_key(&Some(503)),
        "the lock was felt: {counts:?}"
    );
    assert!(
        health_while_locked.contains(&503),
        "/healthz said 503 while the database could not be written: {health_while_locked:?}"
    );
    // The last probe may have straddled the release; every one before it was refused.
    assert!(
        health_while_locked[..health_while_locked.len() - 1]
            .iter()
            .all(|status| *status == 503),
        "/healthz said 200 while the lock was held: {health_while_locked:?}"
    );
    // Tokens again within 1 s of the release.
    let after = load::first_success_after(&answers, released_at);
    assert!(
        after <= Duration::from_secs(1),
        "the first token came {after:?} after the release"
    );
    assert_eq!(healthz(&server).await, 200, "/healthz is 200 again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn apps_and_accounts_removed_during_a_token_flood_all_answer_200() {
    let (server, app) = server_with_trusted_app(&[]).await;
    let admin = server.admin().await;
    let mut keys = Vec::new();
    for n in 0..6 {
        let created = server
            .registered_app(&admin, "unified", &[("name", &format!("Removed {n}"))])
            .await;
        keys.push(created["app"]["key"].as_str().unwrap().to_owned());
    }
    let mut accounts = Vec::new();
    for n in 0..3 {
        accounts.push(
            server
                .create_account(&admin, &format!("removed{n}"), "service_provider", None)
                .await,
        );
    }
    let load = Load::start(&server, &app, 16);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut refused = Vec::new();
    for key in &keys {
        let response = server
            .call(&admin, "remove_apps", &[("keys[0]", key)])
            .await;
        if response.status() != 200 {
            refused.push(format!("App {key}: {}", response.status()));
        }
    }
    for id in &accounts {
        let response = server
            .call(&admin, "remove_account", &[("id", &id.to_string())])
            .await;
        if response.status() != 200 {
            refused.push(format!("account {id}: {}", response.status()));
        }
    }
    let answers = load.stop().await;
    assert!(
        refused.is_empty(),
        "removals refused under load: {refused:?}"
    );
    let counts = statuses(&answers);
    assert_eq!(
        counts.keys().copied().collect::<Vec<_>>(),
        [Some(200)],
        "{counts:?}"
    );
}

/// A small tmpfs the test mounts (tests run as root here), unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(status.success(), "mounting a tmpfs (the tests run as root)");
        Self { dir }
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Fills the disk with one file until the disk refuses more.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let _ = file.write_all(&chunk[..4096]);
        while file.write_all(&chunk[..512]).is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_answers_503_logs_once_and_recovers_by_itself() {
    let disk = SmallDisk::mount("32m");
    let url = format!("sqlite://{}/appward.db?mode=rwc", disk.path().display());
    let (server, app) = server_with_trusted_app(&[("DATABASE_URL", &url)]).await;
    let token = crate::common::oauth::access_token(server.client_credentials(&app).await).await;
    let load = Load::start(&server, &app, 12);
    // API calls too: their tokens are read, not written (the last-use bookkeeping is best
    // effort), so they go on while the disk is full.
    let checks = Load::me(&server, &token, 4);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let filler = disk.fill();
    let filled = load.started.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    std::fs::remove_file(&filler).unwrap();
    let freed = load.started.elapsed();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let answers = load.stop().await;
    let checked = statuses(&checks.stop().await);
    assert_eq!(
        checked.keys().copied().collect::<Vec<_>>(),
        [Some(200)],
        "/uapi/v1/me answers while the disk is full: {checked:?}"
    );
    let counts = load::assert_answered_in_time(&answers, "token requests");
    let full: Vec<_> = answers
        .iter()
        .filter(|answer| answer.sent > filled + Duration::from_millis(500) && answer.sent < freed)
        .collect();
    assert!(
        full.iter().any(|answer| answer.status == Some(503)),
        "a full disk was felt: {counts:?}"
    );
    let recovered = answers
        .iter()
        .filter(|answer| answer.sent > freed + Duration::from_secs(2))
        .collect::<Vec<_>>();
    assert!(
        !recovered.is_empty() && recovered.iter().all(|answer| answer.status == Some(200)),
        "tokens again once space returned: {:?}",
        statuses(&recovered.into_iter().cloned().collect::<Vec<_>>())
    );
    let log = server.server_log();
    let started = log
        .lines()
        .filter(|line| line.contains("database fault:"))
        .count();
    let ended = log
        .lines()
        .filter(|line| line.contains("database fault ended"))
        .count();
    assert_eq!(
        (started, ended),
        (1, 1),
        "one line when the fault started and one when it ended:\n{log}"
    );
    assert!(
        !log.contains("ERROR"),
        "no error logged for a fault of the environment:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refresh_refused_by_a_held_write_lock_leaves_its_refresh_token_unspent() {
    let server = TestServer::spawn_process_with(&short_waits()).await;
    let (client, alice) = server.app_and_user(&[]).await;
    let tokens = server.user_tokens(&alice, &client).await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let database = server.data_dir().join("appward.db");
    let other = rusqlite::Connection::open(&database).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let refused = server.refresh(&client, &refresh).await;
    assert_eq!(
        refused.status(),
        503,
        "the lock makes the rotation wait, then give up"
    );
    assert!(refused.headers().contains_key("retry-after"));
    other.execute_batch("COMMIT").unwrap();
    // The App retries with the same refresh token: not a replay, since nothing was spent.
    let again = server.refresh(&client, &refresh).await;
    assert_eq!(again.status(), 200, "{}", again.text().await.unwrap());
}
