//! `--redact` through the binary: `plan`, `horizon`, `compare` and `schedule` write no
//! teacher id and no name of the input in any byte of any file (xlsx unzipped), the
//! same key gives the same files, and the redacted plan is the same plan.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use crate::cli_support::{files_under, root, s, tiny};

fn run(args: &[&str]) {
    crate::cli_support::run_ok(args);
}

/// One column of a CSV file of the input, by its Chinese or English header.
fn column(file: &Path, names: &[&str]) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let i = h.iter().position(|x| names.contains(&x.trim())).unwrap();
    r.records()
        .map(|x| x.unwrap().get(i).unwrap().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Every file under `dir` as bytes; an xlsx is unzipped into its parts.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (rel, p) in files_under(dir) {
        let bytes = std::fs::read(&p).unwrap();
        if rel.ends_with(".xlsx") {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..z.len() {
                let mut f = z.by_index(i).unwrap();
                let mut b = Vec::new();
                f.read_to_end(&mut b).unwrap();
                out.insert(format!("{rel}:{}", f.name().unwrap()), b);
            }
        } else {
            out.insert(rel, bytes);
        }
    }
    out
}

fn assert_no_personal_data(dir: &Path, secrets: &[String]) {
    let files = contents(dir);
    assert!(files.len() > 3, "{}: too few files", dir.display());
    for (name, bytes) in &files {
        for x in secrets {
            let found = bytes.windows(x.len()).any(|w| w == x.as_bytes());
            assert!(!found, "{} holds {x:?}", name);
        }
    }
}

fn csv_rows(file: &Path) -> usize {
    csv::Reader::from_path(file).unwrap().records().count()
}

#[test]
fn redacted_outputs_hold_no_teacher_id_or_name() {
    let t = tempfile::tempdir().unwrap();
    let key = t.path().join("key");
    std::fs::write(&key, "a secret key of thirty-two bytes\n").unwrap();
    let mut secrets = column(&tiny().join("teachers.csv"), &["teacher_id", "工号"]);
    secrets.extend(column(&tiny().join("teachers.csv"), &["name", "姓名"]));
    secrets.extend(column(&tiny().join("evaluators.csv"), &["name", "姓名"]));
    assert!(secrets.len() > 50);
    let red = ["--redact", "--redact-key-file", s(&key)];
    let tiny = tiny();
    let dir = |n: &str| t.path().join(n);

    let plan = |out: &Path, extra: &[&str]| {
        let mut a = vec!["--quiet", "plan", "--data", s(&tiny), "--year", "2021"];
        a.extend_from_slice(extra);
        a.extend(["--out", s(out)]);
        run(&a);
    };
    plan(&dir("plain"), &[]);
    plan(&dir("plan"), &red);
    plan(&dir("plan2"), &red);
    assert_no_personal_data(&dir("plan"), &secrets);
    // Same key, same pseudonyms, same files; the same plan as without --redact.
    let (a, b) = (contents(&dir("plan")), contents(&dir("plan2")));
    for (k, v) in &a {
        if !k.ends_with("summary.json") {
            assert!(b.get(k) == Some(v), "{k} differs between two redacted runs");
        }
    }
    let rows = csv_rows(&dir("plain").join("plan.csv"));
    assert!(rows > 0);
    assert_eq!(csv_rows(&dir("plan").join("plan.csv")), rows);
    let pseudonyms = column(&dir("plan").join("plan.csv"), &["teacher_id"]);
    assert!(pseudonyms
        .iter()
        .all(|p| p.len() == 16 && p.chars().all(|c| c.is_ascii_hexdigit())));
    assert!(column(&dir("plan").join("plan.csv"), &["name"]).is_empty());

    run(&[
        "--quiet",
        "horizon",
        "--data",
        s(&tiny),
        "--set",
        "plan.last_year=2022",
        "--out",
        s(&dir("horizon")),
        red[0],
        red[1],
        red[2],
    ]);
    assert_no_personal_data(&dir("horizon"), &secrets);

    let rules = root().join("rules/nanchang-2021-2025.toml");
    for period in [
        ["--year", "2021"],
        ["--horizon", "--set=plan.last_year=2022"],
    ] {
        let out = dir(&format!("compare{}", period[0]));
        let mut a = vec![
            "--quiet",
            "compare",
            "--data",
            s(&tiny),
            "--rules",
            s(&rules),
            "--set",
            "quota.min_share_of_eligible=0.1,0.3",
            "--out",
            s(&out),
        ];
        a.extend_from_slice(&period);
        a.extend_from_slice(&red);
        run(&a);
        assert_no_personal_data(&out, &secrets);
        assert!(csv_rows(&out.join("moves.csv")) > 0, "{}", out.display());
    }

    run(&[
        "--quiet",
        "schedule",
        "--data",
        s(&tiny),
        "--plan",
        s(&dir("plain").join("plan.csv")),
        "--ics-per-evaluator",
        "--out",
        s(&dir("schedule")),
        red[0],
        red[1],
        red[2],
    ]);
    assert_no_personal_data(&dir("schedule"), &secrets);
    // The schedule names the plan's teachers by the plan's pseudonyms.
    let scheduled = column(&dir("schedule").join("schedule.csv"), &["teacher_id"]);
    assert!(!scheduled.is_empty());
    assert!(scheduled.iter().all(|p| pseudonyms.contains(p)));
}

#[test]
fn redact_needs_a_key_of_sixteen_bytes() {
    let t = tempfile::tempdir().unwrap();
    let key = t.path().join("key");
    std::fs::write(&key, "short").unwrap();
    let out = t.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(["plan", "--data", s(&tiny()), "--year", "2021", "--redact"])
        .args(["--out", s(&out)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--redact-key-file"));
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(["plan", "--data", s(&tiny()), "--year", "2021", "--redact"])
        .args(["--redact-key-file", s(&key), "--out", s(&out)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least 16"));
    assert!(!out.exists());
}
