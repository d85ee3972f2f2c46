//! `appward reset-password`: the Administrator gets in with the new password, the old one
//! and the old sessions no longer work, and no password reaches the server's log, even at
//! `debug`.
use crate::appward;
use crate::common::{self, ADMIN_PASSWORD, TestServer};
use crate::load::short_waits;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reset_password_lets_the_administrator_in_ends_its_sessions_and_logs_no_password() {
    let mut vars = short_waits();
    vars.retain(|(name, _)| *name != "RUST_LOG");
    vars.push(("RUST_LOG", "debug"));
    let (dir, env) = common::test_env(&vars).await;
    let server = TestServer::spawn_process_in(dir, env.clone()).await;
    let signed_in = server.admin_session_cookie(&server.client()).await;
    assert_eq!(server.status_with_cookie(&signed_in).await, 200);

    let reset = appward(&env, &["reset-password", "admin"], None).await;
    assert!(reset.status.success(), "{}", reset.output());
    let password = reset
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("The new password of 'admin' is: "))
        .unwrap_or_else(|| panic!("no password printed: {}", reset.stdout))
        .trim()
        .to_owned();
    assert!(password.len() >= 16, "{password}");
    assert_eq!(
        reset.stdout.matches(&password).count(),
        1,
        "printed once, on its own line: {}",
        reset.stdout
    );
    assert!(!reset.stderr.contains(&password));
    assert!(
        reset.stdout.contains("1 session(s) of the account ended"),
        "{}",
        reset.stdout
    );

    assert_ne!(
        server.status_with_cookie(&signed_in).await,
        200,
        "the session from before the reset ended"
    );
    let client = server.client();
    let old = server.sign_in(&client, "admin", ADMIN_PASSWORD).await;
    assert!(!old.status().is_success(), "the old password still works");
    let new = server.sign_in(&client, "admin", &password).await;
    assert!(
        new.status().is_success(),
        "the new password: {}",
        new.status()
    );

    // Chosen on standard input: never echoed, never logged.
    let chosen = "chosen-password-9";
    let reset = appward(
        &env,
        &["reset-password", "admin", "--stdin"],
        Some(&format!("{chosen}\n")),
    )
    .await;
    assert!(reset.status.success(), "{}", reset.output());
    assert!(!reset.output().contains(chosen), "{}", reset.output());
    let client = server.client();
    assert!(
        server
            .sign_in(&client, "admin", chosen)
            .await
            .status()
            .is_success()
    );
    assert!(
        !server
            .sign_in(&client, "admin", &password)
            .await
            .status()
            .is_success()
    );

    // A login that does not exist, or a password too short: refused, with the reason.
    let unknown = appward(&env, &["reset-password", "nobody"], None).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        unknown
            .stderr
            .contains("no account with the login 'nobody'"),
        "{}",
        unknown.output()
    );
    let short = appward(
        &env,
        &["reset-password", "admin", "--stdin"],
        Some("short\n"),
    )
    .await;
    assert_eq!(short.status.code(), Some(1));
    assert!(
        short.stderr.contains("at least 8 characters"),
        "{}",
        short.output()
    );

    // A mistyped data folder: refused, and no empty database is made there.
    let elsewhere = server.data_dir().join("elsewhere");
    let mistyped = crate::with(
        &env,
        &[("APPWARD_DATA_DIR", &elsewhere.display().to_string())],
    );
    let nowhere = appward(&mistyped, &["reset-password", "admin"], None).await;
    assert_eq!(nowhere.status.code(), Some(1));
    assert!(
        nowhere.stderr.contains("there is no database file"),
        "{}",
        nowhere.output()
    );
    assert!(!elsewhere.join("appward.db").exists());

    let log = server.server_log();
    // Its requests were logged (one access line each), the sign-ins with the new passwords
    // among them.
    assert!(
        log.contains("appward::access"),
        "the server logged its requests: {log}"
    );
    for secret in [password.as_str(), chosen, ADMIN_PASSWORD] {
        assert!(!log.contains(secret), "a password in the server's log");
    }
    // The commands themselves ran at debug too (`env` carries RUST_LOG=debug).
    assert_eq!(env["RUST_LOG"], "debug");
}
