//! Memory is bounded in bytes, not only in keys: sign-ins with huge distinct logins do not
//! grow the server.
use std::time::Duration;

use crate::common::TestServer;
use crate::load::short_waits;

/// The resident memory of process `pid`, in bytes (`VmRSS` of `/proc/PID/status`).
fn resident(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_thousand_sign_ins_with_60_kb_logins_leave_memory_where_it_was() {
    let server = TestServer::spawn_process_with(&short_waits()).await;
    let pid = server.pid().unwrap();
    // Warm: one sign-in of each kind, so that what a first request allocates once is counted
    // in the starting point.
    let _ = server.sign_in(&server.client(), "nobody", "wrong").await;
    let _ = server.admin().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = resident(pid);
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..16 {
        let server_url = server.url.clone();
        tasks.spawn(async move {
            let http = reqwest::Client::new();
            let mut statuses = Vec::new();
            for n in 0..125 {
                let login = format!("{worker:02}-{n:03}-{}", "x".repeat(60 * 1024));
                let body = format!("login={login}&password=wrong-password");
                let response = http
                    .post(format!("{server_url}/api/sign_in"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .expect("an answer");
                statuses.push(response.status().as_u16());
            }
            statuses
        });
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    while let Some(worker) = tasks.join_next().await {
        for status in worker.unwrap() {
            *statuses.entry(status).or_default() += 1;
        }
    }
    assert_eq!(statuses.values().sum::<usize>(), 2000);
    assert!(
        statuses
            .keys()
            .all(|status| [400, 401, 503].contains(status)),
        "refused, or told to wait for a password check: {statuses:?}"
    );
    // What the allocator frees is returned after 10 ms (`src/main.rs`).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = resident(pid);
    let grown = after.saturating_sub(before);
    assert!(
        grown <= 32 * 1024 * 1024,
        "resident memory grew by {} MB ({} -> {} MB): {statuses:?}",
        grown >> 20,
        before >> 20,
        after >> 20
    );
}
