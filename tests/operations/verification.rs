//! `appward verify` passes a good database and backup, and fails a corrupted copy and a
//! wrong key; a corrupted backup is not restored.
use crate::common::{self, TestServer};
use crate::load::short_waits;
use crate::{appward, with};

/// Another key than the deployment's: 32 bytes of base64.
const OTHER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_passes_a_good_database_and_fails_a_corrupted_copy_and_a_wrong_key() {
    let (dir, env) = common::test_env(&short_waits()).await;
    let server = TestServer::spawn_process_in(dir, env.clone()).await;
    let admin = server.admin().await;
    for n in 0..2 {
        server
            .oauth_app(&admin, "unified", &[("name", &format!("MyApp{n}"))])
            .await;
    }
    let folder = tempfile::tempdir().unwrap();
    let good = folder.path().join("good.db");
    let good_arg = good.display().to_string();
    let taken = appward(&env, &["backup", &good_arg], None).await;
    assert!(taken.status.success(), "{}", taken.output());

    // The live database and the backup, with the deployment's key file.
    for args in [vec!["verify"], vec!["verify", &good_arg]] {
        let verdict = appward(&env, &args, None).await;
        assert!(verdict.status.success(), "{args:?}: {}", verdict.output());
        assert_eq!(verdict.stdout.lines().count(), 1, "{}", verdict.stdout);
        assert!(
            verdict.stdout.starts_with("appward verify: OK: ")
                && verdict
                    .stdout
                    .contains("integrity ok; migration level 8 of 8")
                && verdict.stdout.contains("opens all 2 App secret(s)"),
            "{}",
            verdict.stdout
        );
    }

    // A copy with bytes flipped in its middle (two pages' worth: a whole page is garbled).
    let bad = folder.path().join("bad.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 8192] {
        *byte ^= 0x5a;
    }
    std::fs::write(&bad, bytes).unwrap();
    let bad_arg = bad.display().to_string();
    let verdict = appward(&env, &["verify", &bad_arg], None).await;
    assert_eq!(verdict.status.code(), Some(1), "{}", verdict.output());
    assert!(
        verdict.stdout.starts_with("appward verify: FAILED: "),
        "{}",
        verdict.stdout
    );
    println!("{}", verdict.stdout.trim());

    // Nor is it restored: the new folder gets no database.
    let (new_dir, new_env) = common::test_env(&short_waits()).await;
    let refused = appward(&new_env, &["restore", &bad_arg], None).await;
    assert!(!refused.status.success(), "{}", refused.output());
    assert!(
        refused.stderr.contains("cannot be restored"),
        "{}",
        refused.output()
    );
    assert!(!new_dir.path().join("appward.db").exists());

    // Another key, given as APPWARD_SECRET_KEY: the backup is fine, the key is not.
    let wrong_key = with(&env, &[("APPWARD_SECRET_KEY", OTHER_KEY)]);
    let verdict = appward(&wrong_key, &["verify", &good_arg], None).await;
    assert_eq!(verdict.status.code(), Some(1), "{}", verdict.output());
    assert!(
        verdict.stdout.starts_with("appward verify: FAILED: ")
            && verdict
                .stdout
                .contains("the key in APPWARD_SECRET_KEY does not open 2 of 2 App secret(s)"),
        "{}",
        verdict.stdout
    );
    // No key at all (a folder without its key file): failed, and no key file is made up.
    let verdict = appward(&new_env, &["verify", &good_arg], None).await;
    assert_eq!(verdict.status.code(), Some(1), "{}", verdict.output());
    assert!(verdict.stdout.contains("no key"), "{}", verdict.stdout);
    assert!(!new_dir.path().join("secret.key").exists());
}
