//! The Appward server binary.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    appward::server::main().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts in `appward::hydrate`.
}
