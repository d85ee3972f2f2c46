//! The browser bundle is sent as the precompressed file the browser accepts (Brotli before
//! gzip), the plain one otherwise; plain names are revalidated on every load, hashed ones
//! kept for a year.
use crate::common::TestServer;

async fn fetch(server: &TestServer, accept_encoding: Option<&str>) -> reqwest::Response {
    fetch_path(server, "/pkg/appward.wasm", accept_encoding).await
}

#[tokio::test]
async fn the_wasm_goes_out_precompressed_when_the_browser_accepts_it() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("appward.wasm"), b"plain wasm").unwrap();
    std::fs::write(pkg.join("appward.wasm.br"), b"brotli wasm").unwrap();
    std::fs::write(pkg.join("appward.wasm.gz"), b"gzip wasm").unwrap();
    let server =
        TestServer::spawn_with(&[("LEPTOS_SITE_ROOT", &site.path().display().to_string())]).await;

    for (accepted, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "brotli wasm"),
        (Some("gzip"), Some("gzip"), "gzip wasm"),
        (None, None, "plain wasm"),
    ] {
        let response = fetch(&server, accepted).await;
        assert_eq!(response.status(), 200, "{accepted:?}");
        let headers = response.headers().clone();
        assert_eq!(
            headers
                .get("content-encoding")
                .map(|value| value.to_str().unwrap()),
            encoding,
            "{accepted:?}"
        );
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(headers["cache-control"], "no-cache");
        assert!(headers.contains_key("last-modified"));
        assert_eq!(response.text().await.unwrap(), body, "{accepted:?}");
    }
}

/// A release build names the bundle after its content (`hash.txt`): pages link those
/// names, and the browser keeps them for a year, precompressed all the same.
#[tokio::test]
async fn hashed_names_are_linked_and_cached_for_a_year() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (file, body) in [
        ("appward.Wq1.wasm", "plain wasm"),
        ("appward.Wq1.wasm.br", "brotli wasm"),
        ("appward.Js2.js", "js"),
        ("appward.Cs3.css", "css"),
        ("appward.d.ts", "types"),
        ("chunk_4.EL3SnSj26v3KHrL4WzBPFw.wasm", "split-out code"),
    ] {
        std::fs::write(pkg.join(file), body).unwrap();
    }
    let hash_file = site.path().join("hash.txt");
    std::fs::write(&hash_file, "js: Js2\nwasm: Wq1\ncss: Cs3\n").unwrap();
    let server = TestServer::spawn_with(&[
        ("LEPTOS_SITE_ROOT", &site.path().display().to_string()),
        ("LEPTOS_HASH_FILE_NAME", &hash_file.display().to_string()),
    ])
    .await;

    let page = reqwest::get(format!("{}/sign-in", server.url))
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    for linked in [
        "/pkg/appward.Js2.js",
        "appward.Wq1.wasm",
        r#"href="/pkg/appward.Cs3.css""#,
    ] {
        assert!(html.contains(linked), "{linked} in {html}");
    }
    assert!(!html.contains("/pkg/appward.css"), "{html}");
    // The page and every server-function answer name the release (`crate::release`).
    assert!(
        html.contains(r#"data-release="appward.Wq1.wasm""#),
        "{html}"
    );
    let answer = server.call(&server.client(), "current_account", &[]).await;
    assert_eq!(answer.status(), 401);
    assert_eq!(answer.headers()["x-appward-release"], "appward.Wq1.wasm");
    let consent = reqwest::get(format!("{}/oauth/authorize?client_id=nobody", server.url))
        .await
        .unwrap();
    assert!(
        consent
            .text()
            .await
            .unwrap()
            .contains(r#"href="/pkg/appward.Cs3.css""#)
    );

    let wasm = fetch_path(&server, "/pkg/appward.Wq1.wasm", Some("br")).await;
    assert_eq!(wasm.headers()["content-encoding"], "br");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(wasm.text().await.unwrap(), "brotli wasm");
    for (path, cached) in [
        ("/pkg/appward.Js2.js", "public, max-age=31536000, immutable"),
        (
            "/pkg/appward.Cs3.css",
            "public, max-age=31536000, immutable",
        ),
        (
            "/pkg/chunk_4.EL3SnSj26v3KHrL4WzBPFw.wasm",
            "public, max-age=31536000, immutable",
        ),
        ("/pkg/appward.d.ts", "no-cache"),
        ("/pkg/appward.Old.wasm", "no-cache"),
    ] {
        let response = fetch_path(&server, path, None).await;
        assert_eq!(response.headers()["cache-control"], cached, "{path}");
    }
}

async fn fetch_path(
    server: &TestServer,
    path: &str,
    accept_encoding: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.url));
    if let Some(accepted) = accept_encoding {
        request = request.header("accept-encoding", accepted);
    }
    request.send().await.unwrap()
}

/// `make package PREVIOUS_SITE=…` (`tools/keep_previous_site.py`): the previous release's
/// hashed files answer beside the new ones, cached like them, and replace none of them.
#[tokio::test]
async fn the_previous_releases_bundle_answers_beside_the_new_one() {
    let write_site = |files: &[(&str, &str)]| {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("pkg")).unwrap();
        for (file, body) in files {
            std::fs::write(site.path().join("pkg").join(file), body).unwrap();
        }
        site
    };
    let new = "NewWasm0123456789abcde";
    let old = "OldWasm0123456789abcde";
    let site = write_site(&[
        (&format!("appward.{new}.wasm"), "new wasm"),
        (&format!("appward.{new}.wasm.br"), "new brotli"),
        ("appward.NewJs0123456789abcdef.js", "new js"),
        ("favicon.ico", "new icon"),
    ]);
    let previous = write_site(&[
        (&format!("appward.{old}.wasm"), "old wasm"),
        (&format!("appward.{old}.wasm.br"), "old brotli"),
        ("chunk_4.OldChunk0123456789abcd.wasm", "old chunk"),
        // The same name in both: the new release's file stays.
        (&format!("appward.{new}.wasm"), "stale copy"),
        ("appward.d.ts", "a plain name: not kept"),
    ]);
    let kept = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tools/keep_previous_site.py"
        ))
        .arg(previous.path())
        .arg(site.path())
        .output()
        .expect("python3 runs");
    assert!(kept.status.success(), "{kept:?}");
    let hash_file = site.path().join("hash.txt");
    std::fs::write(
        &hash_file,
        format!("js: NewJs0123456789abcdef\nwasm: {new}\ncss: NewCss0123456789abcde\n"),
    )
    .unwrap();
    let server = TestServer::spawn_with(&[
        ("LEPTOS_SITE_ROOT", &site.path().display().to_string()),
        ("LEPTOS_HASH_FILE_NAME", &hash_file.display().to_string()),
    ])
    .await;
    for (path, encoding, body) in [
        (format!("/pkg/appward.{old}.wasm"), None, "old wasm"),
        (format!("/pkg/appward.{old}.wasm"), Some("br"), "old brotli"),
        (
            "/pkg/chunk_4.OldChunk0123456789abcd.wasm".to_owned(),
            None,
            "old chunk",
        ),
        (format!("/pkg/appward.{new}.wasm"), None, "new wasm"),
        (format!("/pkg/appward.{new}.wasm"), Some("br"), "new brotli"),
    ] {
        let answer = fetch_path(&server, &path, encoding).await;
        assert_eq!(answer.status(), 200, "{path}");
        assert_eq!(
            answer.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{path}"
        );
        assert_eq!(answer.text().await.unwrap(), body, "{path} {encoding:?}");
    }
    assert_eq!(
        fetch_path(&server, "/pkg/appward.d.ts", None)
            .await
            .status(),
        404
    );
}
