//! The Appward server binary.

/// The server's allocator: glibc's spends a sixth of a token check in malloc and free and
/// keeps an arena per database thread; mimalloc does less of both.
#[cfg(feature = "ssr")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    return_freed_memory_promptly();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts")
        .block_on(appward::server::main())
}

/// mimalloc 3 keeps freed pages for a second before it gives them back, and commits each arena
/// whole: over `make bench`, a server that never held more than 40 MB at once peaked at 91 MB
/// of resident memory (an Argon2 hash takes 19 MiB for a moment, a large page render a few).
/// Pages are given back after 10 ms (mimalloc 2's default) and committed as they are used;
/// token issue and checks ran at the same rates either way.
#[cfg(feature = "ssr")]
fn return_freed_memory_promptly() {
    use libmimalloc_sys::{mi_option_set, mi_option_t};
    // Their places in `mi_option_e`, mimalloc 3's `mimalloc.h` (libmimalloc-sys 0.1.49).
    const ARENA_EAGER_COMMIT: mi_option_t = 4;
    const PURGE_DELAY: mi_option_t = 15;
    // An operator's MIMALLOC_ARENA_EAGER_COMMIT or MIMALLOC_PURGE_DELAY still wins.
    for (option, variable, value) in [
        (ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT", 0),
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", 10),
    ] {
        if std::env::var_os(variable).is_none() {
            // SAFETY: a plain setter of a global option, called before any other thread runs.
            unsafe { mi_option_set(option, value) };
        }
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts in `appward::hydrate`.
}
