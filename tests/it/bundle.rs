//! The browser bundle is sent as the precompressed file the browser accepts (Brotli before
//! gzip), the plain one otherwise, and is revalidated on every load.
use crate::common::TestServer;

async fn fetch(server: &TestServer, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}/pkg/appward.wasm", server.url));
    if let Some(accepted) = accept_encoding {
        request = request.header("accept-encoding", accepted);
    }
    request.send().await.unwrap()
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
