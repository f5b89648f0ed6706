//! `rotaplan serve` through the real server: the binary listens on an ephemeral
//! loopback port and is driven over HTTP (sessions, CSRF, scopes, uploads, plans,
//! cancel, audit, `kill -9` and restart).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod serve_support;

use serde_json::{json, Value};
use serve_support::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn plan_request(dataset: i64) -> Value {
    json!({"dataset": dataset, "rules": "nanchang-2021-2025.toml", "year": 2021,
           "set": {}, "previous": null})
}

/// The files `rotaplan plan` writes for the same inputs.
fn cli_plan(data: &Path, out: &Path) {
    let st = Command::new(BIN)
        .args(["--quiet", "plan", "--data"])
        .arg(data)
        .args(["--rules"])
        .arg(root().join("rules/nanchang-2021-2025.toml"))
        .args(["--year", "2021", "--out"])
        .arg(out)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
}

#[test]
fn sessions_scopes_uploads_plans_and_audit() {
    let ws = tempfile::tempdir().unwrap();
    for (name, scope) in [
        ("admin", "admin"),
        ("city", "city"),
        ("qsh", "青山湖区"),
        ("wl", "湾里管理局"),
    ] {
        add_user(ws.path(), name, scope);
    }
    let server = Server::start(ws.path(), &["--max-upload-mib", "1"]);

    // 401 without a session, for the API and the pages.
    let anon = Client::new(&server);
    for path in [
        "/api/datasets",
        "/api/datasets/1",
        "/api/plans/1",
        "/api/audit",
        "/datasets",
    ] {
        assert_eq!(anon.get(path).status, 401, "{path}");
    }
    assert_eq!(anon.upload(&fixture("tiny"), true).status, 401);
    let (bad, _) = read(
        anon.agent
            .post(format!("{}/api/login", anon.base))
            .header("content-type", "application/json")
            .send(
                json!({"name": "admin", "password": "wrong password"})
                    .to_string()
                    .as_bytes(),
            ),
    );
    assert_eq!(bad.status, 401);

    let admin = Client::login(&server, "admin");
    // CSRF-less changes are refused, and store nothing.
    assert_eq!(admin.upload(&fixture("tiny"), false).status, 403);
    assert_eq!(
        admin.get("/api/datasets").json().as_array().unwrap().len(),
        0
    );

    // Every bad row is reported; nothing is stored.
    let mut bad_files = fixture("tiny");
    let teachers = &mut bad_files
        .iter_mut()
        .find(|(r, _)| *r == "teachers")
        .unwrap()
        .1;
    let text = String::from_utf8(teachers.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Rows 2 and 3: a birth year that is not a year, a school that does not exist.
    let cells2: Vec<&str> = lines[1].split(',').collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let birth = header
        .iter()
        .position(|h| h.contains("出生") || h.contains("birth"))
        .unwrap();
    let school = header
        .iter()
        .position(|h| h.contains("学校") || h.contains("school_id"))
        .unwrap();
    let mut c2: Vec<String> = cells2.iter().map(|s| s.to_string()).collect();
    c2[birth] = "19x0".into();
    lines[1] = c2.join(",");
    let mut c3: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    c3[school] = "NOPE".into();
    lines[2] = c3.join(",");
    *teachers = (lines.join("\n") + "\n").into_bytes();
    let r = admin.upload(&bad_files, true);
    assert_eq!(r.status, 422, "{}", r.text());
    let errors = r.json()["errors"].as_array().unwrap().clone();
    assert!(errors.len() >= 2, "{errors:?}");
    let rows: Vec<i64> = errors.iter().filter_map(|e| e["row"].as_i64()).collect();
    assert!(rows.contains(&2) && rows.contains(&3), "{errors:?}");
    for e in &errors {
        assert_eq!(
            e["file"], "teachers.csv",
            "the fixed name, never the sent one: {e}"
        );
        assert!(e["message"].as_str().unwrap().len() > 5);
    }
    assert_eq!(
        admin.get("/api/datasets").json().as_array().unwrap().len(),
        0
    );

    // Oversized upload.
    let big = vec![(
        "teachers",
        b"teacher_id\n"
            .iter()
            .copied()
            .cycle()
            .take(1_300_000)
            .collect::<Vec<u8>>(),
    )];
    assert_eq!(admin.upload(&big, true).status, 413);

    // A good upload, then a plan byte-identical to the command's.
    let r = admin.upload(&fixture("tiny"), true);
    assert_eq!(r.status, 201, "{}", r.text());
    let ds = r.json()["id"].as_i64().unwrap();
    let d = admin.get(&format!("/api/datasets/{ds}")).json();
    assert_eq!(d["counts"]["teachers"], 29);
    assert_eq!(d["districts"], json!(["湾里管理局", "青山湖区"]));
    assert_eq!(
        admin
            .post_json(
                "/api/plans",
                json!({"dataset": ds, "rules": "nanchang-2021-2025.toml", "year": 1999})
            )
            .status,
        422
    );
    let no_csrf = admin.send(
        "POST",
        "/api/plans",
        "application/json",
        plan_request(ds).to_string().as_bytes(),
        false,
    );
    assert_eq!(no_csrf.status, 403);
    let r = admin.post_json("/api/plans", plan_request(ds));
    assert_eq!(r.status, 202, "{}", r.text());
    let plan = r.json()["id"].as_i64().unwrap();
    let p = admin.wait_plan(plan);
    assert_eq!(p["status"], "done", "{p}");
    assert_eq!(p["progress"], 1.0);
    assert_eq!(p["summary"]["eligible"], 18);
    let out = tempfile::tempdir().unwrap();
    let cli = out.path().join("cli");
    cli_plan(&root().join("fixtures/tiny"), &cli);
    let mut names: Vec<String> = std::fs::read_dir(&cli)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let served: Vec<String> = p["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(served, names);
    for n in &names {
        let r = admin.get(&format!("/api/plans/{plan}/files/{n}"));
        assert_eq!(r.status, 200);
        let want = std::fs::read(cli.join(n)).unwrap();
        if n == "summary.json" {
            assert_eq!(without_solve_seconds(&r.body), without_solve_seconds(&want));
        } else {
            assert!(r.body == want, "{n} differs from the command's");
        }
    }
    assert_eq!(
        admin
            .get(&format!("/api/plans/{plan}/files/..%2Fsummary.json"))
            .status,
        404
    );

    // Scopes: the dataset spans two districts, so a district user sees neither it
    // nor its plan, and cannot upload another district's schools.
    let qsh = Client::login(&server, "qsh");
    let wl = Client::login(&server, "wl");
    for c in [&qsh, &wl] {
        assert_eq!(c.get(&format!("/api/datasets/{ds}")).status, 404);
        assert_eq!(c.get(&format!("/api/plans/{plan}")).status, 404);
        assert_eq!(
            c.get(&format!("/api/plans/{plan}/files/plan.csv")).status,
            404
        );
        assert_eq!(c.get(&format!("/datasets/{ds}")).status, 404);
        assert_eq!(c.delete(&format!("/api/plans/{plan}"), true).status, 404);
        assert!(c.get("/api/datasets").json().as_array().unwrap().is_empty());
    }
    let r = qsh.upload(&fixture("tiny"), true);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("湾里管理局"));
    let city = Client::login(&server, "city");
    assert_eq!(city.get(&format!("/api/plans/{plan}")).status, 200);
    assert_eq!(city.get("/api/audit").status, 403);

    // Pins are stored as a new version of the dataset's pins.csv, checked first.
    let bad_pins = "teacher_id,action,school_id\nU1-06,fly,\nNOBODY,stay,\n";
    let r = admin.send(
        "PUT",
        &format!("/api/datasets/{ds}/pins"),
        "text/csv",
        bad_pins.as_bytes(),
        true,
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["errors"].as_array().unwrap().len(), 2);
    let pins = "teacher_id,action,school_id\nU1-06,stay,\n";
    assert_eq!(
        admin
            .send(
                "PUT",
                &format!("/api/datasets/{ds}/pins"),
                "text/csv",
                pins.as_bytes(),
                false
            )
            .status,
        403
    );
    let r = admin.send(
        "PUT",
        &format!("/api/datasets/{ds}/pins"),
        "text/csv",
        pins.as_bytes(),
        true,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let d = admin.get(&format!("/api/datasets/{ds}")).json();
    assert!(d["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "pins.csv"));

    // The pages show the same data.
    let page = admin.get(&format!("/plans/{plan}"));
    assert_eq!(page.status, 200);
    assert!(page.text().contains("plan.xlsx") && page.text().contains("U1-06"));
    assert!(admin
        .get("/datasets?lang=en")
        .text()
        .contains("Upload data"));
    assert!(admin.get("/datasets").text().contains("上传数据"));

    // The audit log has every change, with its user.
    let audit = admin.get("/api/audit").json();
    let actions: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["user"].as_str().unwrap().into(),
                a["action"].as_str().unwrap().into(),
            )
        })
        .collect();
    for want in ["dataset upload", "plan submit", "dataset file", "login"] {
        assert!(
            actions.iter().any(|(u, a)| u == "admin" && a == want),
            "{want}: {actions:?}"
        );
    }
    assert!(actions.iter().any(|(_, a)| a == "user add"));
}

#[test]
fn cancel_and_kill_9_keep_what_was_acknowledged() {
    let ws = tempfile::tempdir().unwrap();
    add_user(ws.path(), "admin", "admin");
    let mut server = Server::start(ws.path(), &["--workers", "1"]);
    let admin = Client::login(&server, "admin");
    let r = admin.upload(&fixture("county"), true);
    assert_eq!(r.status, 201, "{}", r.text());
    let ds = r.json()["id"].as_i64().unwrap();

    // One worker: the second and third plans wait in the queue. Cancel the third while
    // it is queued (it never runs) and the first at once (queued or running).
    let ids: Vec<i64> = (0..3)
        .map(|_| {
            admin.post_json("/api/plans", plan_request(ds)).json()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(
        admin.delete(&format!("/api/plans/{}", ids[2]), true).status,
        200
    );
    assert_eq!(
        admin
            .delete(&format!("/api/plans/{}", ids[0]), false)
            .status,
        403
    );
    // The first plan may be running or, on a fast machine, already done: an
    // acknowledged cancel (200) always ends cancelled, a refused one (422) done.
    let first = admin.delete(&format!("/api/plans/{}", ids[0]), true).status;
    let third = admin.wait_plan(ids[2]);
    assert_eq!(third["status"], "cancelled");
    assert!(third["files"].as_array().unwrap().is_empty());
    let expected = match first {
        200 => "cancelled",
        422 => "done",
        other => panic!("cancel answered {other}"),
    };
    assert_eq!(admin.wait_plan(ids[0])["status"], expected);
    assert_eq!(admin.wait_plan(ids[1])["status"], "done");
    assert_eq!(
        admin.delete(&format!("/api/plans/{}", ids[1]), true).status,
        422
    );

    // kill -9 while a plan runs; another waits behind it.
    let (running, waiting) = loop {
        let a = admin.post_json("/api/plans", plan_request(ds)).json()["id"]
            .as_i64()
            .unwrap();
        let b = admin.post_json("/api/plans", plan_request(ds)).json()["id"]
            .as_i64()
            .unwrap();
        let t = Instant::now();
        let caught = loop {
            let s = admin.get(&format!("/api/plans/{a}")).json()["status"].clone();
            if s == "running" {
                break true;
            }
            if s != "queued" || t.elapsed() > Duration::from_secs(60) {
                break false;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        if caught {
            server.kill9();
            break (a, b);
        }
        admin.wait_plan(b);
    };
    let server = Server::start(ws.path(), &["--workers", "1"]);
    let admin = Client::login(&server, "admin");
    let d = admin.get(&format!("/api/datasets/{ds}"));
    assert_eq!(d.status, 200, "the acknowledged dataset is kept");
    let p = admin.get(&format!("/api/plans/{running}")).json();
    assert_eq!(p["status"], "failed", "{p}");
    assert!(p["error"].as_str().unwrap().contains("interrupted"));
    assert_eq!(
        admin.get(&format!("/api/plans/{}", ids[1])).json()["status"],
        "done"
    );
    // The waiting plan runs after the restart, and the failed one can be run again.
    assert_eq!(admin.wait_plan(waiting)["status"], "done");
    let r = admin.send(
        "POST",
        &format!("/api/plans/{running}/rerun"),
        "application/json",
        b"",
        true,
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let again = r.json()["id"].as_i64().unwrap();
    assert_eq!(admin.wait_plan(again)["status"], "done");
}

#[test]
fn refuses_a_public_address_without_users() {
    let ws = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--workspace"])
        .arg(ws.path())
        .args(["--bind", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("user add"));
}

#[test]
fn replan_against_a_previous_plan_serves_changes() {
    let ws = tempfile::tempdir().unwrap();
    add_user(ws.path(), "admin", "admin");
    let server = Server::start(ws.path(), &[]);
    let admin = Client::login(&server, "admin");
    let r = admin.upload(&fixture("tiny"), true);
    assert_eq!(r.status, 201, "{}", r.text());
    let ds = r.json()["id"].as_i64().unwrap();
    let first = admin.post_json("/api/plans", plan_request(ds)).json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(admin.wait_plan(first)["status"], "done");
    let mut req = plan_request(ds);
    req["previous"] = json!(first);
    let r = admin.post_json("/api/plans", req);
    assert_eq!(r.status, 202, "{}", r.text());
    let again = r.json()["id"].as_i64().unwrap();
    let p = admin.wait_plan(again);
    assert_eq!(p["status"], "done", "{p}");
    let r = admin.get(&format!("/api/plans/{again}/files/changes.csv"));
    assert_eq!(r.status, 200);
    let text = r.text();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("teacher_id,previous_to_school,to_school,change,reason")
    );
    // The same data again: every previous move is kept.
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|l| l.ends_with(",kept,")), "{text}");
    assert_eq!(p["summary"]["kept"], rows.len() as u64);
}
