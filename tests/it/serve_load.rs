//! Ten plans of fixtures/county submitted to `rotaplan serve` at once (ten uploads,
//! plan years 2021–2025 twice) all finish, and every file each one serves is the
//! `plan` command's for the same data and year (summary.json up to `solve_seconds`).
//!
//! Ten county plans through the planner: `#[ignore]`d, run in release by .ci/run:
//! `cargo test --release --test it -- --ignored serve_load::`. The latency figures of the
//! server under 50 sessions are a bench: `cargo bench --bench serve_load`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::serve_support;

use serve_support::{add_user, cli_plan, fixture, Client, Server, ROLES};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// summary.json without `solve_seconds` (the one value that differs by design).
fn summary_without_time(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    v.as_object_mut().unwrap().remove("solve_seconds");
    v
}

/// Every file the command wrote (not its `.rotaplan.json` record), by name.
fn cli_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(n, _)| !n.starts_with('.'))
        .map(|(n, p)| (n, std::fs::read(p).unwrap()))
        .collect()
}

#[test]
#[ignore = "ten county plans: cargo test --release --test it -- --ignored serve_load::"]
fn ten_county_plans_at_once_all_equal_the_command() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    add_user(&ws, "city", "city");
    let server = Server::start(&ws, &[]);
    let s = Client::login_at(&server.base, "city");
    let parts: Vec<(String, String, Vec<u8>)> = ROLES
        .iter()
        .filter_map(|r| {
            let bytes = std::fs::read(fixture("county").join(format!("{r}.csv"))).ok()?;
            Some((r.to_string(), format!("{r}.csv"), bytes))
        })
        .collect();
    let years: Vec<i32> = (0..10).map(|i| 2021 + i % 5).collect();
    // Ten clerks upload and submit at the same moment.
    let plans: Vec<(i32, i64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = years
            .iter()
            .map(|&year| {
                let (s, parts) = (s.clone(), &parts);
                scope.spawn(move || (year, s.submit(s.upload_files(parts), year)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut expected: BTreeMap<i32, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for year in 2021..=2025 {
        let out = tmp.path().join(format!("cli-{year}"));
        cli_plan(&fixture("county"), year, &out);
        expected.insert(year, cli_files(&out));
    }
    for (year, id) in plans {
        let status = s.wait_plan_every(id, Duration::from_millis(100));
        assert_eq!(status["status"], "done", "plan {id}: {status}");
        let mut served: Vec<String> = status["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect();
        served.sort();
        let want = &expected[&year];
        assert_eq!(
            served,
            want.keys().cloned().collect::<Vec<_>>(),
            "plan {id} ({year}) serves the command's files"
        );
        for (name, bytes) in want {
            let got = s.plan_file(id, name);
            if name == "summary.json" {
                assert_eq!(
                    summary_without_time(&got),
                    summary_without_time(bytes),
                    "plan {id} ({year}) {name}"
                );
            } else {
                assert!(got == *bytes, "plan {id} ({year}) {name} differs");
            }
        }
    }
}
