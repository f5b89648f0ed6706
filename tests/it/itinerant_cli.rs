//! Itinerant teaching (走教) through the binary: the hand-worked township fixture
//! (fixtures/itinerant-township/README.md derives its optimum), bad input, and `plan`
//! writing the same files when itinerant needs exist.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::cli_support::{bin, root, stderr_has};

fn fixture() -> PathBuf {
    root().join("fixtures/itinerant-township")
}

fn run(args: &[&str], data: &Path, out: &Path) -> Output {
    bin()
        .args(args)
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(["--year", "2021", "--quiet"])
        .output()
        .unwrap()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

const LESSONS: &str = "\
program,teacher_id,name,subject,home_school,host_school,weekday,periods,distance_km
township,T1,王乐,music,C0,V1,mon,4,3.34
township,T1,王乐,music,C0,V2,wed,4,6.67
township,T3,张画,art,V1,V3,mon,4,6.67
";

#[test]
fn township_fixture_gives_the_hand_worked_optimum() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["itinerant"], &fixture(), out.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(out.path(), "itinerant.csv"), LESSONS);
    let unc = read(out.path(), "itinerant_uncovered.csv");
    let rows: Vec<Vec<&str>> = unc
        .lines()
        .skip(1)
        .map(|l| l.splitn(5, ',').take(4).collect())
        .collect();
    assert_eq!(
        rows,
        vec![
            vec!["V1", "psychology", "2", "no_teacher"],
            vec!["V2", "art", "2", "capacity_used"],
            vec!["V2", "chinese", "3", "no_program"],
        ]
    );
    let s: serde_json::Value = serde_json::from_str(&read(out.path(), "summary.json")).unwrap();
    let it = &s["itinerant"];
    assert_eq!(it["teachers"], 2);
    assert_eq!(it["periods_needed"], 19);
    assert_eq!(it["periods_covered"], 12);
    assert_eq!(it["optimal"], true);
    assert_eq!(it["travel_m"], 3336 + 6672 + 6672);
}

#[test]
fn plan_writes_the_itinerant_files_and_figures() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["plan"], &fixture(), out.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(out.path(), "itinerant.csv"), LESSONS);
    let s: serde_json::Value = serde_json::from_str(&read(out.path(), "summary.json")).unwrap();
    assert_eq!(s["itinerant"]["periods_covered"], 12);
    assert_eq!(s["itinerant"]["teachers"], 2);
}

#[test]
fn plan_without_itinerant_needs_writes_no_itinerant_files() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["plan"], &root().join("fixtures/tiny"), out.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.path().join("itinerant.csv").exists());
    assert!(!read(out.path(), "summary.json").contains("itinerant"));
}

#[test]
fn a_teacher_on_exchange_takes_no_part() {
    let d = tempfile::tempdir().unwrap();
    for f in [
        "schools.csv",
        "teachers.csv",
        "needs.csv",
        "itinerant_needs.csv",
    ] {
        std::fs::copy(fixture().join(f), d.path().join(f)).unwrap();
    }
    // T1 is on a support term covering 2021: T2 (from V3) takes the music lessons.
    std::fs::write(
        d.path().join("ledger.csv"),
        "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
         T1,C0,V2,music,support,2020,2022,active\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&["itinerant"], d.path(), out.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lessons = read(out.path(), "itinerant.csv");
    assert!(!lessons.contains(",T1,"), "{lessons}");
    // T2 has 4 spare lessons: the nearer school (V2, 3.34 km) gets them.
    assert!(
        lessons.contains("township,T2,李音,music,V3,V2,mon,4,3.34"),
        "{lessons}"
    );
}

#[test]
fn bad_itinerant_rows_are_all_reported_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    for f in ["schools.csv", "needs.csv"] {
        std::fs::copy(fixture().join(f), d.path().join(f)).unwrap();
    }
    let teachers = read(&fixture(), "teachers.csv").replace(",8\n", ",-1\n");
    std::fs::write(d.path().join("teachers.csv"), teachers).unwrap();
    std::fs::write(
        d.path().join("itinerant_needs.csv"),
        "school_id,subject,periods\nV1,music,0\nNOPE,art,2\nV2,,3\nV3,art,two\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("o");
    let o = run(&["itinerant"], d.path(), &target);
    let needles = [
        "spare_periods",
        "itinerant_needs.csv",
        "row 2",
        "row 3",
        "row 4",
        "row 5",
    ];
    stderr_has(&o, 2, &needles);
    assert!(!target.exists());
}

#[test]
fn bad_program_tables_name_line_and_key() {
    let d = tempfile::tempdir().unwrap();
    let rules = d.path().join("r.toml");
    std::fs::write(
        &rules,
        "[[itinerant.program]]\nid = \"township\"\nscope = \"village\"\nmax_km = -3\n\
         days = [\"sun\"]\nmax_periods_per_dya = 2\nwhen = \"backbone !=\"\n",
    )
    .unwrap();
    let o = bin()
        .args(["check", "--data"])
        .arg(fixture())
        .arg("--rules")
        .arg(&rules)
        .output()
        .unwrap();
    let needles = [
        "itinerant.program.scope",
        "itinerant.program.max_km",
        "itinerant.program.days",
        "max_periods_per_day",
        "itinerant.program.when",
        "r.toml:3:",
        "r.toml:6:",
        "r.toml:7:",
    ];
    stderr_has(&o, 2, &needles);
}

#[test]
fn explain_covers_itinerant_lessons() {
    let o = bin()
        .args(["explain", "--data"])
        .arg(fixture())
        .args([
            "--year",
            "2021",
            "--teacher",
            "T1",
            "--teacher",
            "T2",
            "--school",
            "V2",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "spare_periods 8: gives 8 lesson(s) a week",
        "mon 周一: at V1 4 lesson(s) of music (3.34 km, program township)",
        "spare_periods 4: may take part, but the optimal itinerant plan does not need them",
        "T1 from C0, 4 lesson(s) of music (6.67 km",
        "uncovered: art 2 lesson(s) a week — capacity_used",
        "uncovered: chinese 3 lesson(s) a week — no_program",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}
