//! Issue 26, when something goes wrong: the real server binary on a real SQLite file, while
//! 16 clients ask for tokens, meets a long reader, a write lock held elsewhere, a full disk,
//! a flood of huge logins, a kill in the middle of a migration and a wrong key. Every
//! request is answered within the deadline (200, or 503 with `Retry-After`), never a 500,
//! never left hanging; `/healthz` says when the database cannot be written.
//!
//! These tests measure times against the deadline and the memory of a process: they run one
//! at a time (`make test-faults`, `--test-threads=1`), never beside the other tests, and the
//! deadline and busy timeout are set short so that they run short.
#![cfg(feature = "ssr")]

// The integration tests' harness, shared: this suite uses part of it.
#[path = "../it/common/mod.rs"]
#[allow(dead_code)]
mod common;
mod load;

mod database_faults;
mod memory;
mod start_up;
