//! `appward rotate-key`: every App secret sealed again with a new key; a server with the
//! new key serves App authentication, one with the old key refuses to start.
use crate::common::{self, TestServer};
use crate::load::short_waits;
use crate::{appward, refused_start, with};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rotating_the_key_file_seals_every_secret_anew_and_the_old_key_is_refused() {
    let (dir, env) = common::test_env(&short_waits()).await;
    let mut server = TestServer::spawn_process_in(dir, env.clone()).await;
    let admin = server.admin().await;
    let apps = crate::trusted_apps(&server, &admin, 3).await;
    crate::assert_refused_while_serving(&env, &["rotate-key"]).await;
    server.kill();
    let key_file = server.data_dir().join("secret.key");
    let old_key = std::fs::read_to_string(&key_file).unwrap();

    let rotated = appward(&env, &["rotate-key"], None).await;
    assert!(rotated.status.success(), "{}", rotated.output());
    assert!(
        rotated
            .stdout
            .contains("3 App secret(s) sealed with a new key")
            && rotated.stdout.contains(&key_file.display().to_string()),
        "{}",
        rotated.stdout
    );
    let new_key = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(new_key, old_key);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let verdict = appward(&env, &["verify"], None).await;
    assert!(verdict.status.success(), "{}", verdict.output());

    server.restart().await;
    for app in &apps {
        assert_eq!(server.client_credentials(app).await.status(), 200);
    }
    server.kill();

    // The old key back: refused.
    std::fs::write(&key_file, &old_key).unwrap();
    let refusal = refused_start(&env).await;
    assert!(
        refusal.contains("were sealed with another key"),
        "{refusal}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rotating_the_key_of_the_variable_prints_the_new_key_and_the_old_is_refused() {
    let old_key = "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=";
    let (dir, env) = common::test_env(&short_waits()).await;
    let env = with(&env, &[("APPWARD_SECRET_KEY", old_key)]);
    let mut server = TestServer::spawn_process_in(dir, env.clone()).await;
    let admin = server.admin().await;
    let app = server
        .oauth_app(&admin, "unified", &[("trusted", "on")])
        .await;
    server.kill();

    let rotated = appward(&env, &["rotate-key"], None).await;
    assert!(rotated.status.success(), "{}", rotated.output());
    let new_key = rotated
        .stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("APPWARD_SECRET_KEY="))
        .unwrap_or_else(|| panic!("no key printed: {}", rotated.stdout))
        .to_owned();
    assert_ne!(new_key, old_key);
    assert!(
        !server.data_dir().join("secret.key").exists(),
        "no key file made"
    );

    let with_new = server
        .another_instance_with(&[("APPWARD_SECRET_KEY", &new_key)])
        .await;
    assert_eq!(with_new.client_credentials(&app).await.status(), 200);
    drop(with_new);
    let refusal = refused_start(&env).await;
    assert!(
        refusal.contains("were sealed with another key"),
        "{refusal}"
    );
}
