//! Scheduled backups: taken every period by one of the processes sharing the database,
//! each checked and owner-only, the oldest beyond the number kept removed, never holding
//! the key.
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::common::{self, TestServer};
use crate::load::short_waits;
use crate::{appward, with};

fn backup_names(folder: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("appward-") && name.ends_with(".db"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn scheduled_backups_appear_are_checked_and_only_the_newest_are_kept() {
    let (dir, env) = common::test_env(&short_waits()).await;
    let folder = dir.path().join("backups");
    let env = with(
        &env,
        &[
            ("APPWARD_BACKUP_DIR", &folder.display().to_string()),
            ("APPWARD_BACKUP_EVERY", "1"),
            ("APPWARD_BACKUP_KEEP", "2"),
            ("RUST_LOG", "info"),
        ],
    );
    let server = TestServer::spawn_process_in(dir, env.clone()).await;
    // A second process on the same database: still one scheduler.
    let other = server.another_instance().await;
    let admin = server.admin().await;
    server
        .oauth_app(&admin, "unified", &[("trusted", "on")])
        .await;

    let mut seen = BTreeSet::new();
    let watched = Instant::now();
    while watched.elapsed() < Duration::from_secs(6) {
        seen.extend(backup_names(&folder));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let kept = backup_names(&folder);
    println!("seen {seen:?}, kept {kept:?}");
    assert!(seen.len() >= 4, "a backup every second: {seen:?}");
    assert_eq!(kept.len(), 2, "the two newest are kept: {kept:?}");
    assert_eq!(
        kept.iter().collect::<Vec<_>>(),
        seen.iter()
            .rev()
            .take(3)
            .rev()
            .filter(|name| kept.contains(*name))
            .collect::<Vec<_>>(),
        "the kept ones are the newest"
    );
    assert!(
        seen.iter().take(2).all(|old| !kept.contains(old)),
        "the oldest were removed"
    );

    let key = std::fs::read_to_string(server.data_dir().join("secret.key")).unwrap();
    for name in &kept {
        let path = folder.join(name);
        let checked = appward(&env, &["verify", &path.display().to_string()], None).await;
        assert!(checked.status.success(), "{name}: {}", checked.output());
        assert!(
            checked.stdout.contains("integrity ok"),
            "{}",
            checked.stdout
        );
        assert!(
            checked.stdout.contains("opens all 1 App secret(s)"),
            "{}",
            checked.stdout
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{name} is its owner's only");
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes
                .windows(key.trim().len())
                .any(|w| w == key.trim().as_bytes()),
            "the key is inside {name}"
        );
    }
    let log = server.server_log();
    assert_eq!(
        log.matches("this process takes the scheduled backups")
            .count(),
        1,
        "one scheduler for two processes: {log}"
    );
    assert!(log.contains("keep the key file"), "{log}");
    drop(other);
}
