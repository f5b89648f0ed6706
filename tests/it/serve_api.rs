//! `rotaplan serve` through the real server: the binary listens on an ephemeral
//! loopback port and is driven over HTTP (sessions, CSRF, scopes, uploads, plans,
//! cancel, audit, `kill -9` and restart).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::serve_support;

use serde_json::{json, Value};
use serve_support::*;
use std::io::Write;
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
    assert_eq!(anon.upload(&fixture_parts("tiny"), true).status, 401);
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
    assert_eq!(admin.upload(&fixture_parts("tiny"), false).status, 403);
    assert_eq!(
        admin.get("/api/datasets").json().as_array().unwrap().len(),
        0
    );

    // Every bad row is reported; nothing is stored.
    let mut bad_files = fixture_parts("tiny");
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
    // The upload page lists the same problems in the page's language: Chinese by
    // default, English with the switch.
    let page_upload = |lang: &str| {
        let mut parts: Vec<(&str, &str, &[u8])> = bad_files
            .iter()
            .map(|(role, bytes)| (*role, "x.csv", bytes.as_slice()))
            .collect();
        parts.push(("csrf_token", "", admin.csrf.as_bytes()));
        let (ctype, body) = multipart(&parts);
        let r = admin.send("POST", &format!("/datasets{lang}"), &ctype, &body, false);
        assert_eq!(r.status, 422, "{}", r.text());
        let t = r.text();
        t[t.find("id=\"errors\"").expect("the errors table")..].to_string()
    };
    let zh = page_upload("");
    assert!(
        zh.contains("四位数的年份，如 1980")
            && zh.contains("学校文件（schools.csv）中没有这个学校代码"),
        "{zh}"
    );
    assert!(!zh.contains("expected") && !zh.contains("no such"), "{zh}");
    let en = page_upload("?lang=en");
    assert!(
        en.contains("expected a whole year such as 1980") && en.contains("no such school"),
        "{en}"
    );
    assert!(!en.contains("四位数的年份"), "{en}");
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
    let r = admin.upload(&fixture_parts("tiny"), true);
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
    let r = qsh.upload(&fixture_parts("tiny"), true);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("湾里管理局"));
    let city = Client::login(&server, "city");
    assert_eq!(city.get(&format!("/api/plans/{plan}")).status, 200);
    assert_eq!(city.get("/api/audit").status, 403);

    // Pins are stored as a new version of the dataset's pins.csv, checked first.
    let bad_pins = "teacher_id,action,school_id\nU1-06,fly,\nNOBODY,stay,\n";
    let r = admin.put_pins(ds, bad_pins, true);
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["errors"].as_array().unwrap().len(), 2);
    let pins = "teacher_id,action,school_id\nU1-06,stay,\n";
    assert_eq!(admin.put_pins(ds, pins, false).status, 403);
    let r = admin.put_pins(ds, pins, true);
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
    let r = admin.upload(&fixture_parts("county"), true);
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
    let r = admin.upload(&fixture_parts("tiny"), true);
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

// ---- zip uploads, rule sets, why, failed plans, changes ----

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Runs the binary; its stdout.
fn cli(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn zip_uploads_rule_sets_why_failures_and_changes() {
    let ws = tempfile::tempdir().unwrap();
    for (name, scope) in [
        ("admin", "admin"),
        ("qsh", "青山湖区"),
        ("wl", "湾里管理局"),
    ] {
        add_user(ws.path(), name, scope);
    }
    let server = Server::start(ws.path(), &["--max-upload-mib", "1"]);
    let admin = Client::login(&server, "admin");
    let tiny = root().join("fixtures/tiny");
    let read = |f: &str| std::fs::read(tiny.join(f)).unwrap();

    // A zipped data folder, one folder deep, with Chinese and English names: the same
    // dataset as the files sent one by one.
    let (schools, teachers, needs, ledger) = (
        read("schools.csv"),
        read("teachers.csv"),
        read("needs.csv"),
        read("ledger.csv"),
    );
    let good = zip_of(&[
        ("tiny/学校.csv", &schools),
        ("tiny/教师.csv", &teachers),
        ("tiny/needs.csv", &needs),
        ("tiny/交流台账.csv", &ledger),
        ("__MACOSX/tiny/._学校.csv", b"junk"),
    ]);
    let (ctype, body) = multipart(&[("zip", "数据.zip", &good)]);
    let r = admin.send("POST", "/api/datasets", &ctype, &body, true);
    assert_eq!(r.status, 201, "{}", r.text());
    let ds = r.json()["id"].as_i64().unwrap();
    let d = admin.get(&format!("/api/datasets/{ds}")).json();
    assert_eq!(d["counts"]["teachers"], 29);
    let names: Vec<&str> = d["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ledger.csv", "needs.csv", "schools.csv", "teachers.csv"]
    );
    assert_eq!(
        admin
            .get(&format!("/api/datasets/{ds}/files/schools.csv"))
            .body,
        schools,
        "kept as uploaded"
    );

    // Unknown and repeated kinds, a path out of the folder, a kind also sent as a part:
    // every one is a row of the 422, and nothing is stored.
    let bad = zip_of(&[
        ("schools.csv", &schools),
        ("学校.csv", &schools),
        ("../../etc/teachers.csv", &teachers),
        ("notes.docx", b"x"),
        ("needs.csv", &needs),
    ]);
    let (ctype, body) = multipart(&[("zip", "bad.zip", &bad), ("needs", "needs.csv", &needs)]);
    let r = admin.send("POST", "/api/datasets", &ctype, &body, true);
    assert_eq!(r.status, 422, "{}", r.text());
    let errors = r.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(errors.iter().all(|e| e["file"] == "bad.zip"), "{errors:?}");
    assert_eq!(
        admin.get("/api/datasets").json().as_array().unwrap().len(),
        1
    );
    assert!(!ws.path().join("etc").exists() && !ws.path().join("work/etc").exists());
    // A zip bomb: small on the wire, over the limit unpacked.
    let bomb = zip_of(&[("teachers.csv", &vec![b'0'; 3 << 20])]);
    assert!(bomb.len() < 100_000);
    let (ctype, body) = multipart(&[("zip", "bomb.zip", &bomb)]);
    assert_eq!(
        admin
            .send("POST", "/api/datasets", &ctype, &body, true)
            .status,
        413
    );
    // The upload page offers the zip.
    assert!(admin.get("/datasets").text().contains("name=\"zip\""));

    // Rule sets: every bad value by key, as --set reports it; then versions.
    let r = admin.post_json(
        "/api/rulesets",
        json!({"name": "东湖 2021", "base": "nanchang-2021-2025.toml",
               "set": {"quota.min_share_of_eligible": "1.5", "term.yearz": "2"}}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let errors = r.json()["errors"].as_array().unwrap().clone();
    let keys: Vec<&str> = errors.iter().filter_map(|e| e["column"].as_str()).collect();
    assert!(
        keys.contains(&"quota.min_share_of_eligible") && keys.contains(&"term.yearz"),
        "{errors:?}"
    );
    let set = json!({"name": "东湖 2021", "base": "nanchang-2021-2025",
                     "set": {"quota.min_share_of_eligible": "0.3", "term.years": 3}});
    let r = admin.post_json("/api/rulesets", set.clone());
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["version"], 1);
    let r = admin.post_json("/api/rulesets", set);
    assert_eq!(r.json()["version"], 2);
    let set_id = r.json()["id"].as_i64().unwrap();
    let stored = admin.get(&format!("/api/rulesets/{set_id}")).json();
    // term.years = 3 is the file's own value: not an override.
    assert_eq!(
        stored["overrides"],
        json!([["quota.min_share_of_eligible", "0.3"]])
    );
    // A rule file with a bad line, named by its line.
    let r = admin.post_json(
        "/api/rulesets",
        json!({"name": "bad", "text": "[plan]\nfirst_year = 2021\n\n[quota]\nmin_share_of_eligible = \"lots\"\n"}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(
        r.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["row"] == 5),
        "{}",
        r.text()
    );
    assert_eq!(
        admin
            .post_json("/api/rulesets", json!({"name": "nanchang-2021-2025.toml"}))
            .status,
        422
    );
    // A district's rule set is its own.
    let qsh = Client::login(&server, "qsh");
    let wl = Client::login(&server, "wl");
    let r = qsh.post_json(
        "/api/rulesets",
        json!({"name": "青山湖", "set": {"flow.max_distance_km": 30}}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let q_id = r.json()["id"].as_i64().unwrap();
    assert_eq!(wl.get(&format!("/api/rulesets/{q_id}")).status, 404);
    assert_eq!(qsh.get(&format!("/api/rulesets/{q_id}")).status, 200);
    assert_eq!(
        qsh.get(&format!("/api/rulesets/{set_id}")).status,
        200,
        "the city's are everyone's"
    );
    assert_eq!(admin.get(&format!("/api/rulesets/{q_id}")).status, 200);
    // The page: the form's fields come from the key table, errors by key.
    let page = admin.get("/rules?lang=en");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("set.quota.min_share_of_eligible")
            && page.text().contains("term length")
    );
    let (ctype, body) = multipart(&[
        ("csrf_token", "", admin.csrf.as_bytes()),
        ("name", "", "表单".as_bytes()),
        ("base", "", b"nanchang-2021-2025.toml"),
        ("set.flow.max_distance_km", "", b"-5"),
    ]);
    let r = admin.send("POST", "/rules", &ctype, &body, false);
    assert_eq!(r.status, 422);
    let errors = r.text();
    let errors = &errors[errors.find("id=\"errors\"").expect("the errors table")..];
    assert!(errors.contains("<td>flow.max_distance_km</td>"), "{errors}");

    // A plan with the saved rule set (by name: its newest version) is the command's
    // plan with the same --set.
    let r = admin.post_json(
        "/api/plans",
        json!({"dataset": ds, "rules": "东湖 2021", "year": 2021}),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let plan = r.json()["id"].as_i64().unwrap();
    let p = admin.wait_plan(plan);
    assert_eq!(p["status"], "done", "{p}");
    assert_eq!(p["params"]["rule_set"], "东湖 2021 v2");
    let out = tempfile::tempdir().unwrap();
    let rules = root().join("rules/nanchang-2021-2025.toml");
    let st = Command::new(BIN)
        .args(["--quiet", "plan", "--data"])
        .arg(&tiny)
        .arg("--rules")
        .arg(&rules)
        .args([
            "--set",
            "quota.min_share_of_eligible=0.3",
            "--year",
            "2021",
            "--out",
        ])
        .arg(out.path().join("cli"))
        .status()
        .unwrap();
    assert!(st.success());
    for n in ["plan.csv", "eligibility.csv", "schools.csv"] {
        assert!(
            admin.get(&format!("/api/plans/{plan}/files/{n}")).body
                == std::fs::read(out.path().join("cli").join(n)).unwrap(),
            "{n}"
        );
    }

    // Why: the library's explain, as the command prints it, for a moved teacher and
    // one who is not; the plan page links each row; other districts get 404.
    let plan_csv =
        String::from_utf8(std::fs::read(out.path().join("cli/plan.csv")).unwrap()).unwrap();
    let moved = plan_csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let elig =
        String::from_utf8(std::fs::read(out.path().join("cli/eligibility.csv")).unwrap()).unwrap();
    let not_eligible = elig
        .lines()
        .find(|l| l.contains(",false,"))
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    for (teacher, outcome) in [(&moved, "placed"), (&not_eligible, "not_eligible")] {
        let w = admin.get(&format!("/api/plans/{plan}/explain?teacher={teacher}"));
        assert_eq!(w.status, 200, "{}", w.text());
        let w = w.json();
        assert_eq!(w["outcome"], outcome, "{w}");
        let want = cli(&[
            "--quiet",
            "explain",
            "--data",
            tiny.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--set",
            "quota.min_share_of_eligible=0.3",
            "--year",
            "2021",
            "--teacher",
            teacher,
        ]);
        assert_eq!(w["text"].as_str().unwrap(), want);
    }
    let page = admin.get(&format!("/plans/{plan}"));
    assert!(page
        .text()
        .contains(&format!("/plans/{plan}/why?teacher={moved}")));
    let why = admin.get(&format!("/plans/{plan}/why?teacher={not_eligible}"));
    assert_eq!(why.status, 200);
    assert!(why.text().contains("不在应交流范围"), "{}", why.text());
    // The detail too is Chinese on a Chinese page, English with the switch.
    let text = why.text();
    let detail = &text[text.find("id=\"why-text\"").unwrap()..];
    assert!(
        detail.contains("交流资格") && detail.contains("不符") && !detail.contains("eligibility"),
        "{detail}"
    );
    let en = admin
        .get(&format!("/plans/{plan}/why?teacher={not_eligible}&lang=en"))
        .text();
    assert!(
        en.contains("eligibility (资格)") && en.contains("FAIL"),
        "{en}"
    );
    assert!(admin
        .get(&format!("/plans/{plan}/why?teacher={moved}&lang=en"))
        .text()
        .contains("Moved to"));
    assert_eq!(
        admin
            .get(&format!("/plans/{plan}/why?teacher=NOBODY"))
            .status,
        404
    );
    assert_eq!(
        admin
            .get(&format!("/api/plans/{plan}/explain?teacher=NOBODY"))
            .status,
        404
    );
    assert_eq!(
        qsh.get(&format!("/plans/{plan}/why?teacher={moved}"))
            .status,
        404
    );
    assert_eq!(
        qsh.get(&format!("/api/plans/{plan}/explain?teacher={moved}"))
            .status,
        404
    );

    // A pin that cannot hold: the plan fails with the pin's row and rule in plain words.
    let pins = format!("teacher_id,action,school_id\n{not_eligible},move,\n");
    let r = admin.put_pins(ds, &pins, true);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = admin.send(
        "POST",
        &format!("/api/plans/{plan}/rerun"),
        "application/json",
        b"",
        true,
    );
    let failed = r.json()["id"].as_i64().unwrap();
    let p = admin.wait_plan(failed);
    assert_eq!(p["status"], "failed", "{p}");
    let error = p["error"].as_str().unwrap();
    assert!(
        error.contains("pins row 2") && error.contains("not_eligible"),
        "{error}"
    );
    assert!(
        !error.contains("exit 2") && !error.contains("Err(") && !error.contains(" { "),
        "{error}"
    );
    let page = admin.get(&format!("/plans/{failed}"));
    assert!(page.text().contains("plan-error") && page.text().contains("pins row 2"));
    assert!(
        page.text().contains("计算程序拒绝了这个方案"),
        "{}",
        page.text()
    );
    // The stage of finished work: the id stays, its words follow the request.
    let done = admin.get(&format!("/api/plans/{plan}?lang=zh")).json();
    assert_eq!(
        (done["stage"].as_str(), done["stage_text"].as_str()),
        (Some("done"), Some("已完成"))
    );
    assert_eq!(
        admin.get(&format!("/api/plans/{plan}")).json()["stage_text"],
        "Done"
    );
    // A compare of the same data fails for the same pin, and says so.
    let r = admin.post_json(
        "/api/compares",
        json!({"dataset": ds, "rules": ["nanchang-2021-2025.toml"], "year": 2021}),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let view = r.json()["id"].as_i64().unwrap();
    let v = admin.wait(&format!("/api/compares/{view}"));
    assert_eq!(v["status"], "failed", "{v}");
    let error = v["error"].as_str().unwrap();
    assert!(
        error.contains("pins row 2") && !error.contains("exit "),
        "{error}"
    );
    let page = admin.get(&format!("/compares/{view}")).text();
    assert!(
        page.contains("view-error")
            && page.contains("pins row 2")
            && page.contains("计算程序拒绝了这项测算"),
        "{page}"
    );
    // The plan before the pins is explained with its own files, not the new pins.
    assert_eq!(
        admin
            .get(&format!("/api/plans/{plan}/explain?teacher={not_eligible}"))
            .json()["outcome"],
        "not_eligible"
    );

    // Re-plan keeping the plan: offered exactly when `plan --previous` exists.
    let offered = admin
        .get(&format!("/plans/{plan}"))
        .text()
        .contains("id=\"replan\"");
    let (ctype, body) = (
        "application/x-www-form-urlencoded",
        format!("csrf_token={}", admin.csrf),
    );
    let r = admin.send(
        "POST",
        &format!("/plans/{plan}/replan"),
        ctype,
        body.as_bytes(),
        false,
    );
    assert_eq!(r.status, if offered { 303 } else { 422 }, "{}", r.text());

    // The changes table, from a plan's changes.csv.
    let changes = "teacher_id,previous_to_school,to_school,change,reason\n\
                   T1,S1,S1,kept,\nT2,,S3,added,\nT3,S2,,dropped,pinned_stay\nT4,S2,S4,changed,reoptimised\nT5,S5,S5,kept,\n";
    let conn = rusqlite::Connection::open(ws.path().join("rotaplan.db")).unwrap();
    conn.execute(
        "INSERT INTO plan_files (plan_id, name, bytes) VALUES (?1, 'changes.csv', ?2)",
        rusqlite::params![plan, changes.as_bytes()],
    )
    .unwrap();
    drop(conn);
    let page = admin.get(&format!("/plans/{plan}?lang=en")).text();
    assert!(page.contains("id=\"changes-table\""), "{page}");
    for (kind, n) in [("kept", 2), ("added", 1), ("dropped", 1), ("changed", 1)] {
        assert!(
            page.contains(&format!("<td data-kind=\"{kind}\">{n}</td>")),
            "{kind}"
        );
    }
    assert!(page.contains("data-change=\"dropped\"") && page.contains("pinned_stay"));
    let zh = admin.get(&format!("/plans/{plan}?lang=zh")).text();
    assert!(
        zh.contains("<th>变化</th>")
            && zh.contains("<td>为整体更优而调整</td>")
            && zh.contains("<td>取消</td>"),
        "{zh}"
    );
}
