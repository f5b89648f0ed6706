//! The workspace's views through the real server: a horizon, a progress and a compare
//! run as work of the server's pool; their files are the commands' own, byte for byte
//! (the per-year `solve_seconds` aside); their pages show the reports' sections and
//! charts; scopes, CSRF, cancel and the audit log as for plans.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::serve_support;

use serde_json::{json, Value};
use serve_support::*;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs the command as a user would, into `out`.
fn cli(args: &[&str], data: &Path, rules: &[&str], out: &Path) {
    let mut c = Command::new(BIN);
    c.arg("--quiet").arg(args[0]).arg("--data").arg(data);
    for r in rules {
        c.arg("--rules").arg(root().join("rules").join(r));
    }
    let st = c
        .args(&args[1..])
        .arg("--out")
        .arg(out)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success(), "{args:?}");
}

/// Every file `out` holds (year folders as `Y/name`), as the server names them.
fn files_of(out: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for e in std::fs::read_dir(out).unwrap() {
        let e = e.unwrap();
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with('.') {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            for f in std::fs::read_dir(e.path()).unwrap() {
                names.push(format!("{n}/{}", f.unwrap().file_name().to_string_lossy()));
            }
        } else {
            names.push(n);
        }
    }
    names.sort();
    names
}

/// The server's files of `path` (e.g. `/api/horizons/3`) are the command's in `out`.
fn same_files(c: &Client, path: &str, job: &Value, out: &Path) {
    let served: Vec<String> = job["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(served, files_of(out), "{path}: the same files");
    for name in &served {
        let r = c.get(&format!("{path}/files/{name}"));
        assert_eq!(r.status, 200, "{name}");
        let mine = std::fs::read(out.join(name)).unwrap();
        if name.ends_with("summary.json") {
            assert_eq!(
                without_solve_seconds(&r.body),
                without_solve_seconds(&mine),
                "{path}: {name}"
            );
        } else {
            assert!(r.body == mine, "{path}: {name} differs from the command's");
        }
    }
}

#[test]
fn horizon_progress_and_compare_views() {
    let ws = tempfile::tempdir().unwrap();
    add_user(ws.path(), "admin", "admin");
    add_user(ws.path(), "other", "某某区");
    let server = Server::start(ws.path(), &[]);
    let c = Client::login(&server, "admin");
    let data = root().join("fixtures/horizon3");
    let parts: Vec<(&str, Vec<u8>)> = ["schools", "teachers", "needs", "ledger"]
        .into_iter()
        .map(|r| (r, std::fs::read(data.join(format!("{r}.csv"))).unwrap()))
        .collect();
    let up = c.upload(&parts, true);
    assert_eq!(up.status, 201, "{}", up.text());
    let ds = up.json()["id"].as_i64().unwrap();
    let tmp = tempfile::tempdir().unwrap();

    // Horizon, with a target out of reach so that "what it takes" is answered.
    let req = json!({"dataset": ds, "rules": "horizon3-2021-2023.toml",
                     "set": {"plan.target_exchanges": 9}});
    let sent = c.post_json("/api/horizons", req.clone());
    assert_eq!(sent.status, 202, "{}", sent.text());
    let refused = c.send(
        "POST",
        "/api/horizons",
        "application/json",
        req.to_string().as_bytes(),
        false,
    );
    assert_eq!(refused.status, 403, "no CSRF token, no horizon");
    let h = sent.json()["id"].as_i64().unwrap();
    let hj = c.wait(&format!("/api/horizons/{h}"));
    assert_eq!(hj["status"], "done", "{hj}");
    assert_eq!(hj["summary"]["target_met"], false, "{hj}");
    let out = tmp.path().join("h");
    cli(
        &["horizon", "--set", "plan.target_exchanges=9"],
        &data,
        &["horizon3-2021-2023.toml"],
        &out,
    );
    same_files(&c, &format!("/api/horizons/{h}"), &hj, &out);
    let page = c.get(&format!("/horizons/{h}"));
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<svg"), "the report's charts on the page");
    assert!(html.contains("怎样才能完成目标"), "what it takes");
    assert!(html.contains("逐年明细") && html.contains("@scope (.report)"));
    // Not a plan, not another kind, not another district's.
    assert_eq!(c.get(&format!("/api/plans/{h}")).status, 404);
    assert_eq!(c.get(&format!("/api/compares/{h}")).status, 404);
    let other = Client::login(&server, "other");
    assert_eq!(other.get(&format!("/api/horizons/{h}")).status, 404);
    assert_eq!(
        other
            .get(&format!("/api/horizons/{h}/files/horizon.csv"))
            .status,
        404
    );
    assert_eq!(
        other.get("/api/horizons").json(),
        json!([]),
        "lists only what the user may see"
    );
    let bad = c.post_json(
        "/api/horizons",
        json!({"dataset": ds, "rules": "horizon3-2021-2023", "set": {"quota.nope": 1}}),
    );
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert!(bad.text().contains("quota.nope"), "{}", bad.text());

    // Progress: the ledger's actuals and the forecast.
    let p = c.post_json(
        "/api/progress",
        json!({"dataset": ds, "rules": "horizon3-2021-2023", "as_of": 2021, "lang": "en"}),
    );
    assert_eq!(p.status, 202, "{}", p.text());
    let p = p.json()["id"].as_i64().unwrap();
    let pj = c.wait(&format!("/api/progress/{p}"));
    assert_eq!(pj["status"], "done", "{pj}");
    let out = tmp.path().join("p");
    cli(
        &["progress", "--as-of", "2021", "--lang", "en"],
        &data,
        &["horizon3-2021-2023.toml"],
        &out,
    );
    same_files(&c, &format!("/api/progress/{p}"), &pj, &out);
    assert_eq!(
        c.get(&format!("/api/datasets/{ds}/progress")).json()["id"],
        p
    );
    let html = c.get(&format!("/progress/{p}")).text();
    assert!(
        html.contains("<svg") && html.contains("Year by year"),
        "{html}"
    );

    // Compare two values of one rule, a plan year.
    let r = c.post_json(
        "/api/compares",
        json!({"dataset": ds, "rules": ["horizon3-2021-2023.toml"], "year": 2021,
               "set": {"quota.min_share_of_eligible": ["0.5", "1.0"]}}),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let k = r.json()["id"].as_i64().unwrap();
    let kj = c.wait(&format!("/api/compares/{k}"));
    assert_eq!(kj["status"], "done", "{kj}");
    let compare_csv = c
        .get(&format!("/api/compares/{k}/files/compare.csv"))
        .text();
    assert_eq!(compare_csv.lines().count(), 3, "{compare_csv}");
    assert!(compare_csv.contains("horizon3-2021-2023.toml quota.min_share_of_eligible=0.5"));
    let html = c.get(&format!("/compares/{k}")).text();
    assert!(html.contains("<svg"), "the comparison's charts");

    // Pages list and link them; the audit log has the submissions and their ends.
    let list = c.get(&format!("/datasets/{ds}")).text();
    for href in [
        format!("/horizons/{h}"),
        format!("/progress/{p}"),
        format!("/compares/{k}"),
    ] {
        assert!(list.contains(&href), "{href} on the dataset page");
    }
    assert!(c.get("/views").text().contains(&format!("/compares/{k}")));
    let audit = c.get("/api/audit").json();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    for a in [
        "horizon submit",
        "horizon done",
        "progress submit",
        "compare submit",
        "compare done",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }

    // Finished work cannot be cancelled; a cancel needs the CSRF token.
    assert_eq!(c.delete(&format!("/api/horizons/{h}"), true).status, 422);
    assert_eq!(c.delete(&format!("/api/horizons/{h}"), false).status, 403);
}

#[test]
fn views_cancel_like_plans() {
    let ws = tempfile::tempdir().unwrap();
    add_user(ws.path(), "admin", "admin");
    let server = Server::start(ws.path(), &["--workers", "1"]);
    let c = Client::login(&server, "admin");
    let up = c.upload(&fixture_parts("county"), true);
    assert_eq!(up.status, 201, "{}", up.text());
    let ds = up.json()["id"].as_i64().unwrap();
    // One worker: the first horizon runs (or waits), the second waits behind it.
    let req = json!({"dataset": ds, "rules": "nanchang-2021-2025.toml"});
    let first = c.post_json("/api/horizons", req.clone()).json()["id"]
        .as_i64()
        .unwrap();
    let second = c
        .post_json("/api/compares", json!({"dataset": ds, "horizon": true}))
        .json()["id"]
        .as_i64()
        .unwrap();
    let r = c.delete(&format!("/api/compares/{second}"), true);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json()["status"],
        "cancelled",
        "a queued compare never starts"
    );
    let r = c.delete(&format!("/api/horizons/{first}"), true);
    assert_eq!(r.status, 200, "{}", r.text());
    let end = c.wait(&format!("/api/horizons/{first}"));
    assert_eq!(end["status"], "cancelled", "{end}");
    assert_eq!(
        end["files"],
        json!([]),
        "a cancelled horizon stores nothing"
    );
    assert_eq!(
        c.get(&format!("/api/compares/{second}")).json()["status"],
        "cancelled"
    );
}
