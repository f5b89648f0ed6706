//! Bad input is refused, never silently planned from: each case through the binary,
//! exit 2, every offending row or value named, nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rules() -> PathBuf {
    root().join("rules/nanchang-2021-2025.toml")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A copy of fixtures/tiny in `tmp/data`.
fn tiny_copy(tmp: &Path) -> PathBuf {
    let d = tmp.join("data");
    std::fs::create_dir_all(&d).unwrap();
    for f in std::fs::read_dir(root().join("fixtures/tiny")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&f, d.join(f.file_name().unwrap())).unwrap();
        }
    }
    d
}

fn append(path: &Path, lines: &str) {
    let mut t = std::fs::read_to_string(path).unwrap();
    t.push_str(lines);
    std::fs::write(path, t).unwrap();
}

/// Asserts exit 2, each needle in the output, and that `out` was not created.
fn refused(o: &Output, needles: &[&str], out: Option<&Path>) -> String {
    let t = text(o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    for n in needles {
        assert!(t.contains(n), "missing {n:?} in\n{t}");
    }
    assert!(!t.contains("panicked"), "{t}");
    if let Some(out) = out {
        assert!(!out.exists(), "{} was written", out.display());
    }
    t
}

#[test]
fn ledger_duplicates_overlaps_self_exchanges_and_wrong_sending_schools() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tiny_copy(tmp.path());
    let ledger = d.join("ledger.csv");
    // Rows 2–5 are the fixture's; 6–10 are bad, 11 is a cancelled clash (fine) and
    // 12 an old exchange from the teacher's previous school (fine).
    append(
        &ledger,
        "U1-17,U1,T1,math,transfer,2020,2022,active\n\
         U1-15,U1,R1,art,support,2017,2019,completed\n\
         T1-01,T1,T1,math,transfer,2022,2024,planned\n\
         U2-01,U1,R2,english,transfer,2022,2024,planned\n\
         U1-01,U2,R1,math,transfer,2012,2014,completed\n\
         U1-17,U1,R1,math,transfer,2021,2023,cancelled\n\
         U1-02,U2,R2,math,transfer,2008,2010,completed\n",
    );
    let out = tmp.path().join("out");
    let needles = [
        "ledger.csv: row 6, column start_year, value \"2020\": this exchange repeats row 3",
        "ledger.csv: row 7, column start_year, value \"2017\": teacher U1-15 is already on the exchange of row 2 (2016–2018)",
        "ledger.csv: row 8, column to_school, value \"T1\": the exchange goes from school T1 to itself",
        "ledger.csv: row 9, column from_school, value \"U1\": teacher U2-01 is at school U2",
        "ledger.csv: row 10, column from_school, value \"U2\": teacher U1-01 is at school U1 in teachers.csv (there since 2010)",
        "nothing was written",
    ];
    let data = s(&d);
    for args in [
        vec!["check", "--data", data, "--rules", s(&rules())],
        vec![
            "plan", "--data", data, "--rules", s(&rules()), "--year", "2021", "--out", s(&out),
        ],
        vec![
            "progress", "--data", data, "--rules", s(&rules()), "--out", s(&out),
        ],
    ] {
        let t = refused(&run(&args), &needles, Some(&out));
        assert!(!t.contains("row 11") && !t.contains("row 12"), "{t}");
    }
}

#[test]
fn fixture_ledgers_satisfy_the_ledger_checks() {
    for f in ["tiny", "county", "horizon3", "nanchang"] {
        let d = root().join("fixtures").join(f);
        let o = run(&["check", "--data", s(&d), "--rules", s(&rules()), "--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{f}: {}", text(&o));
    }
}
