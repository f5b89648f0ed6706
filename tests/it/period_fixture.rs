//! fixtures/period through the binary: the 2026–2028 case worked by hand in its
//! README.md — needs by year, mandatory leader rotation with promotion, the 2025
//! retirement-age reform and a personal retirement age, and "what it takes".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use crate::cli_support::root;

fn rotaplan(args: &[&str], out: &Path) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args)
        .arg("--data")
        .arg(root().join("fixtures/period"))
        .arg("--rules")
        .arg(root().join("rules/period-2026-2028.toml"))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    crate::cli_support::succeeded(args, o)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// horizon.csv as (column → value) per year.
fn rows(csv: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn col(rows: &[std::collections::BTreeMap<String, String>], name: &str) -> Vec<String> {
    rows.iter().map(|r| r[name].clone()).collect()
}

#[test]
fn period_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let o = rotaplan(&["horizon"], out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let r = rows(&read(out, "horizon.csv"));
    // Open posts by year: 2026 math + principal (2026 row); 2027 chinese (2027 row),
    // math held by UA; 2028 math reopened + principal (2028 row).
    assert_eq!(col(&r, "posts"), ["2", "1", "2"]);
    assert_eq!(col(&r, "sent"), ["2", "1", "1"]);
    assert_eq!(col(&r, "eligible"), ["4", "2", "2"]);
    assert_eq!(col(&r, "shortfall"), ["2", "1", "1"]);
    assert_eq!(col(&r, "cumulative"), ["2", "3", "4"]);
    // UB (man, born 1966-11) retires 2027-05 under the reform: on the roster in 2026
    // (near retirement), gone in 2027.
    assert_eq!(col(&r, "retired"), ["0", "1", "0"]);
    assert_eq!(col(&r, "leaders_eligible"), ["1", "0", "1"]);
    assert_eq!(col(&r, "leaders_moved"), ["1", "0", "1"]);
    // Teachers within quota left without a post: UC chinese and UW art in 2026, UW
    // art in 2027 and 2028.
    assert_eq!(col(&r, "more_posts_to_target"), ["2", "1", "1"]);

    // The principal goes to the 2026 principal post; in 2028 the vice-principal (six
    // years at U by then) fills the 2028 principal post by promotion.
    let p26 = read(out, "2026/plan.csv");
    assert!(p26.contains("\nUP,Principal P,principal,none,U,East,R,East,transfer,2026,2027,"));
    assert!(p26.contains("\nUA,Teacher A,math,"));
    let p28 = read(out, "2028/plan.csv");
    assert!(p28.contains("\nUV,Vice-principal V,principal,"), "{p28}");
    let e26 = read(out, "2026/eligibility.csv");
    assert!(e26.contains("\nUB,U,false,near_retirement\n"), "{e26}");
    // UW's own retirement age of 60 (reform: 2033-12) keeps her eligible.
    assert!(e26.contains("\nUW,U,true,\n"), "{e26}");
    assert!(e26.contains("\nUV,U,false,min_years_at_school\n"), "{e26}");

    let summary: serde_json::Value = serde_json::from_str(&read(out, "summary.json")).unwrap();
    let w = &summary["what_it_takes"];
    assert_eq!(w["term_years_to_meet_target"], serde_json::Value::Null);
    assert_eq!(w["max_distance_km_to_meet_target"], serde_json::Value::Null);
    let more: Vec<(i64, String, i64)> = w["more_posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["year"].as_i64().unwrap(),
                m["subject"].as_str().unwrap().to_string(),
                m["posts"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        more,
        [
            (2026, "art".to_string(), 1),
            (2026, "chinese".to_string(), 1),
            (2027, "art".to_string(), 1),
            (2028, "art".to_string(), 1)
        ]
    );
    let s26: serde_json::Value = serde_json::from_str(&read(out, "2026/summary.json")).unwrap();
    assert_eq!(s26["leaders"]["moved"], 1);
    assert_eq!(s26["leaders"]["shortfall"], 0);
    assert!(stdout.contains("What would reach it?"), "{stdout}");
    assert!(stdout.contains("4 more open posts"), "{stdout}");
    assert!(read(out, "report.html").contains("怎样才能完成目标"));
    assert!(read(out, "2026/report.html").contains("校长、副校长轮岗"));
}

#[test]
fn without_the_reform_the_man_born_1966_is_gone_in_2026() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    rotaplan(
        &[
            "horizon",
            "--set",
            "eligibility.retirement_reform_2025=false",
        ],
        out,
    );
    let r = rows(&read(out, "horizon.csv"));
    assert_eq!(col(&r, "retired"), ["1", "0", "0"]);
    let e26 = read(out, "2026/eligibility.csv");
    assert!(!e26.contains("\nUB,"), "{e26}");
}

#[test]
fn without_promotion_the_vice_principal_stays_and_counts_as_shortfall() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    rotaplan(
        &["plan", "--year", "2028", "--set", "leaders.promote=false"],
        out,
    );
    let plan = read(out, "plan.csv");
    assert!(!plan.contains("\nUV,"), "{plan}");
    let s: serde_json::Value = serde_json::from_str(&read(out, "summary.json")).unwrap();
    // One year on its own (no earlier moves): UA takes math and UP the principal post;
    // UC (no chinese post in 2028), UW (no art post) and UV (no vice_principal post)
    // are short: 2 of the school's quota of 3, and 1 leader.
    assert!(plan.contains("\nUP,Principal P,principal,"), "{plan}");
    assert_eq!(s["leaders"]["shortfall"], 1);
    assert_eq!(s["quota_shortfall"], 2);
    assert_eq!(s["shortfall"], 3);
}

#[test]
fn explain_shows_the_leaders_of_the_school() {
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(["explain", "--year", "2026", "--teacher", "UP", "--data"])
        .arg(root().join("fixtures/period"))
        .arg("--rules")
        .arg(root().join("rules/period-2026-2028.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("leaders of the school"), "{s}");
    assert!(
        s.contains("UP Principal P principal (校长): moved to R (principal post)"),
        "{s}"
    );
    assert!(
        s.contains("UV Vice-principal V vice_principal (副校长): not eligible"),
        "{s}"
    );
    assert!(s.contains("retires 2038-02 under the 2025 reform"), "{s}");
}

#[test]
fn progress_rows_have_one_set_of_columns_when_some_years_move_leaders() {
    // The forecast moves a principal in one year only; progress.csv used to fail to
    // write ("found record with 12 fields") because the leaders column was left out of
    // the other years.
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("progress");
    rotaplan(&["progress"], &out);
    let csv = read(&out, "progress.csv");
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",forecast,leaders"), "{csv}");
    let fields = header.split(',').count();
    let years: Vec<&str> = lines.collect();
    assert_eq!(years.len(), 3, "{csv}");
    assert!(
        years.iter().all(|l| l.split(',').count() == fields),
        "{csv}"
    );
    assert!(years.iter().any(|l| !l.ends_with(",0")), "{csv}");
}
