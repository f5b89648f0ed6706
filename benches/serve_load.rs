//! The workspace server under load, on loopback only: `cargo bench --bench serve_load`.
//!
//! 1. fixtures/nanchang from upload to downloadable files through the API (upload the
//!    six CSV files, submit a 2021 plan, poll its status every 20 ms, download every
//!    file it lists), three times: the wall time of each step.
//! 2. 50 concurrent sessions (each logged in on its own) browsing the finished plan for
//!    30 s: each loops over the plan page (`GET /plans/{id}`), its status
//!    (`GET /api/plans/{id}`) and a download (`GET /api/plans/{id}/files/schools.csv`),
//!    pausing 1 s after each reply as a person reading does (the plan page itself polls
//!    its status once a second); latency percentiles per kind and overall, and requests
//!    per second. The bar is p99 ≤ 300 ms overall; the bench exits 1 when it is missed.
//! 3. The same sessions with no pause for 10 s: the server's saturated throughput
//!    (no bar: with no pause, latency is the queue of 50 sessions).
//!
//! `ROTAPLAN_LOAD_FIXTURE` (default `nanchang`), `ROTAPLAN_LOAD_SESSIONS` (50),
//! `ROTAPLAN_LOAD_SECONDS` (30) and `ROTAPLAN_LOAD_THINK_MS` (1000) change the set-up. Every request goes to 127.0.0.1;
//! each session stops after the time or 200,000 requests, whichever comes first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/it/serve_support/mod.rs"]
mod serve_support;

use serve_support::{add_user, fixture, Client, Server, ROLES};
use std::time::{Duration, Instant};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p`-th percentile (nearest rank) of sorted `v`.
fn pct(v: &[Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Upload, plan and download once; the plan's id and the steps' times.
fn upload_to_files(s: &Client, name: &str) -> (i64, [Duration; 4]) {
    let parts: Vec<(String, String, Vec<u8>)> = ROLES
        .iter()
        .filter_map(|r| {
            let bytes = std::fs::read(fixture(name).join(format!("{r}.csv"))).ok()?;
            Some((r.to_string(), format!("{r}.csv"), bytes))
        })
        .collect();
    let t0 = Instant::now();
    let dataset = s.upload_files(&parts);
    let t1 = Instant::now();
    let id = s.submit(dataset, 2021);
    let status = s.wait_plan_every(id, Duration::from_millis(20));
    assert_eq!(status["status"], "done", "{status}");
    let t2 = Instant::now();
    let mut bytes = 0;
    for f in status["files"].as_array().unwrap() {
        bytes += s.plan_file(id, f["name"].as_str().unwrap()).len();
    }
    assert!(bytes > 0);
    let t3 = Instant::now();
    (id, [t1 - t0, t2 - t1, t3 - t2, t3 - t0])
}

/// Every session loops over `kinds` (starting at a different one, the starts spread
/// over one pause) until `time` is up or it made 200,000 requests, pausing `think`
/// after each reply; prints the latency percentiles; the overall p99.
fn browse(logins: &[Client], kinds: &[String], time: Duration, think: Duration) -> Duration {
    let start = Instant::now();
    let n = logins.len().max(1) as u32;
    let per_session: Vec<Vec<(usize, Duration)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = logins
            .iter()
            .enumerate()
            .map(|(i, s)| {
                scope.spawn(move || {
                    std::thread::sleep(think * i as u32 / n);
                    let mut lat = Vec::new();
                    let mut k = i;
                    while start.elapsed() < time && lat.len() < 200_000 {
                        let kind = k % kinds.len();
                        let t = Instant::now();
                        let r = s.get(&kinds[kind]);
                        let d = t.elapsed();
                        assert_eq!(r.status, 200, "{}", kinds[kind]);
                        assert!(!r.body.is_empty());
                        lat.push((kind, d));
                        k += 1;
                        std::thread::sleep(think);
                    }
                    lat
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wall = start.elapsed();
    let all: Vec<(usize, Duration)> = per_session.into_iter().flatten().collect();
    let report = |label: &str, mut v: Vec<Duration>| {
        v.sort();
        println!(
            "{label:<40} {:>7} requests  p50 {:>6.1}  p95 {:>6.1}  p99 {:>6.1}  max {:>6.1} ms",
            v.len(),
            ms(pct(&v, 50.0)),
            ms(pct(&v, 95.0)),
            ms(pct(&v, 99.0)),
            ms(v.last().copied().unwrap_or_default())
        );
        pct(&v, 99.0)
    };
    for (k, path) in kinds.iter().enumerate() {
        report(
            path,
            all.iter()
                .filter(|(x, _)| *x == k)
                .map(|(_, d)| *d)
                .collect(),
        );
    }
    let p99 = report("all", all.iter().map(|(_, d)| *d).collect());
    println!(
        "{:.0} requests/s over {:.1} s",
        all.len() as f64 / wall.as_secs_f64(),
        wall.as_secs_f64()
    );
    p99
}

fn main() {
    let name: String = env_or("ROTAPLAN_LOAD_FIXTURE", "nanchang".to_string());
    let sessions: usize = env_or("ROTAPLAN_LOAD_SESSIONS", 50);
    let seconds: u64 = env_or("ROTAPLAN_LOAD_SECONDS", 30);
    let think: u64 = env_or("ROTAPLAN_LOAD_THINK_MS", 1000);
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    add_user(&ws, "city", "city");
    let server = Server::start(&ws, &[]);
    let s = Client::login_at(&server.base, "city");

    println!("== {name}: upload to downloadable files (upload / plan / downloads / total, ms)");
    let mut plan = 0;
    let mut totals = Vec::new();
    for run in 1..=3 {
        let (id, t) = upload_to_files(&s, &name);
        plan = id;
        totals.push(t[3]);
        println!(
            "run {run}: {:.0} / {:.0} / {:.0} / {:.0}",
            ms(t[0]),
            ms(t[1]),
            ms(t[2]),
            ms(t[3])
        );
    }
    totals.sort();
    println!("median total: {:.0} ms (bar 5,000 ms)", ms(totals[1]));

    let kinds = [
        format!("/plans/{plan}"),
        format!("/api/plans/{plan}"),
        format!("/api/plans/{plan}/files/schools.csv"),
    ];
    let logins: Vec<Client> = (0..sessions)
        .map(|_| Client::login_at(&server.base, "city"))
        .collect();
    println!(
        "== {sessions} sessions browsing plan {plan} for {seconds} s, {think} ms between a reply and the next click"
    );
    let p99 = browse(
        &logins,
        &kinds,
        Duration::from_secs(seconds),
        Duration::from_millis(think),
    );
    let met = p99 <= Duration::from_millis(300);
    println!("bar p99 ≤ 300 ms: {}", if met { "met" } else { "NOT met" });
    println!(
        "== saturation: the same sessions with no pause, {} s",
        seconds.min(10)
    );
    browse(
        &logins,
        &kinds,
        Duration::from_secs(seconds.min(10)),
        Duration::ZERO,
    );
    drop(server);
    if !met {
        std::process::exit(1);
    }
}
