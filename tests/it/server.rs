//! The server as a whole: health check, body limit, pages and their statuses.

use crate::common;

use common::TestServer;

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = TestServer::spawn().await;
    let response = reqwest::get(format!("{}/healthz", app.url)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn livez_answers_and_carries_the_common_headers() {
    let app = TestServer::spawn().await;
    let response = reqwest::get(format!("{}/livez", app.url)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = TestServer::spawn_with(&[("APPWARD_MAX_BODY_BYTES", "1024")]).await;
    let body = format!("login=admin&password={}", "x".repeat(4096));
    let response = reqwest::Client::new()
        .post(format!("{}/api/sign_in", app.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn pages_need_a_session_and_render_for_one() {
    let app = TestServer::spawn().await;
    let anonymous = app.client();
    let response = anonymous
        .get(format!("{}/", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/sign-in");

    let sign_in = anonymous
        .get(format!("{}/sign-in", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in.status(), 200);
    let html = sign_in.text().await.unwrap();
    assert!(
        html.contains("<label for=\"field-login\""),
        "the login field has its label"
    );

    let admin = app.admin().await;
    let home = admin
        .get(format!("{}/", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(html.contains("Administrator"), "the level is shown");
    assert!(
        html.contains("href=\"/apps\""),
        "the home page leads to the Apps page"
    );

    let missing = admin
        .get(format!("{}/no-such-page", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_first_start_creates_the_administrator_once() {
    let app = TestServer::spawn().await;
    use appward::infra::entities::account;
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(account::Entity::find().count(&app.db).await.unwrap(), 1);
    let admin = account::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(admin.login, "admin");
    assert!(admin.password_hash.starts_with("$argon2id$"));
}

/// A page keeps rendering while another server of the same process builds its router, as the
/// tests start many at once: listing the routes sets Leptos's process-wide "suppress resource
/// load" flag, under which a page's data never loads, so the list is made once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_another_server_builds_its_router() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (app, state) = TestServer::spawn_with_state(&[]).await;
    let admin = app.admin().await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = std::thread::spawn({
        let stop = stop.clone();
        move || {
            let mut built = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(appward::server::router(state.clone()));
                built += 1;
            }
            built
        }
    });
    // Nothing panics before the builder is stopped, so a failure leaves no thread behind.
    let mut statuses = Vec::new();
    for _ in 0..100 {
        let page = admin
            .get(format!("{}/apps?tab=registration&api=unified", app.url))
            .header("accept", "text/html")
            .send();
        match tokio::time::timeout(std::time::Duration::from_secs(5), page).await {
            Ok(response) => statuses.push(response.map(|r| r.status().as_u16()).ok()),
            Err(_) => break,
        }
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.join().unwrap();
    assert!(built > 1, "the other router was built {built} times");
    assert_eq!(
        statuses.len(),
        100,
        "a page waited 5 s for data that never loaded"
    );
    assert!(
        statuses.iter().all(|status| *status == Some(200)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_generated_administrator_password_is_handed_over_outside_the_log() {
    let (dir, mut env) = common::test_env(&[("RUST_LOG", "debug")]).await;
    env.remove("APPWARD_ADMIN_PASSWORD");
    let server = TestServer::spawn_process_in(dir, env).await;
    // Not a terminal: the password is in an owner-only file of the data folder.
    let file = server
        .data_dir()
        .join(appward::server::first_start::PASSWORD_FILE);
    let password = std::fs::read_to_string(&file).expect("the password file");
    let password = password.trim();
    assert_eq!(password.len(), 20);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    // The log says where, never what.
    let log = server.server_log();
    assert!(log.contains("initial-admin-password"), "{log}");
    assert!(!log.contains(password), "{log}");
    let client = server.client();
    assert_eq!(
        server.sign_in(&client, "admin", password).await.status(),
        200
    );
}
