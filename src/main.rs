//! The Appward server binary.

/// The server's allocator: glibc's spends a sixth of a token check in malloc and free and
/// keeps an arena per database thread; mimalloc does less of both.
#[cfg(feature = "ssr")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    appward::server::main().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts in `appward::hydrate`.
}
