//! Every documented error, through the binary: exit code 2, every problem named with
//! file, row (or line), column (or key) and value, and nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;

use crate::cli_support::{argv, exited, root, run, s, text};

/// `plan --year 2021` on a data folder and rule file, into `out`.
fn plan_2021(data: &Path, rules: &Path, out: &Path) -> Output {
    let line = "plan --data {data} --rules {rules} --year 2021 --out {out}";
    run(&argv(
        line,
        &[("data", &data), ("rules", &rules), ("out", &out)],
    ))
}

#[test]
fn bad_data_lists_every_problem_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let bad = root().join("fixtures/loader/bad");
    let rules = root().join("rules/nanchang-2021-2025.toml");
    for cmd in ["check", "plan"] {
        let mut args = vec![cmd, "--data", s(&bad), "--rules", s(&rules)];
        if cmd == "plan" {
            args.extend(["--year", "2021", "--out", s(&out)]);
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", text(&o));
        let t = text(&o);
        for needle in [
            "schools.csv: row 3, column locality, value \"city\"",
            "schools.csv: row 3, column school_id, value \"U1\": duplicate",
            "schools.csv: row 4, column lon",
            "teachers.csv: row 2, column 出生年份 (birth_year), value \"19x2\"",
            "teachers.csv: row 3, column 学校代码 (school_id), value \"X1\": no such school",
            "teachers.csv: row 4, column 职称 (title), value \"高级\"",
            "needs.csv: row 2, column count, value \"-1\"",
            "needs.csv: row 3, column priority, value \"0\"",
            "ledger.csv: row 2, column end_year, value \"2019\"",
            "evaluators.csv: row 1: missing required column subjects (学科)",
            "nothing was written",
        ] {
            assert!(t.contains(needle), "{cmd}: missing {needle:?} in\n{t}");
        }
        assert!(!out.exists(), "{cmd} wrote {}", out.display());
    }
}

#[test]
fn bad_rules_name_file_line_key_and_suggest() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("bad.toml");
    std::fs::write(
        &rules,
        "[plan]\nname = \"x\"\nfirst_yaer = 2021\n[quota]\nmin_share_of_eligible = 1.5\n\
         [flow]\nmax_distance_km = \"far\"\n[[eligibility.exclude]]\nid = \"a\"\nwhen = \"foo == 1\"\n\
         [[eligibility.exclude]]\nid = \"b\"\nwhen = \"status ==\"\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let tiny = root().join("fixtures/tiny");
    let o = plan_2021(&tiny, &rules, &out);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    let file = s(&rules);
    for needle in [
        format!("{file}:3: plan.first_yaer"),
        "did you mean `first_year`".to_string(),
        format!("{file}:5: quota.min_share_of_eligible = 1.5"),
        format!("{file}:7: flow.max_distance_km"),
        format!("{file}:10: eligibility.exclude.when"),
        "unknown field `foo`".to_string(),
        format!("{file}:13: eligibility.exclude.when"),
    ] {
        assert!(t.contains(&needle), "missing {needle:?} in\n{t}");
    }
    assert!(!out.exists());
}

#[test]
fn set_overrides_are_checked_like_the_file() {
    let rules = root().join("rules/nanchang-2021-2025.toml");
    let tiny = root().join("fixtures/tiny");
    let check = |sets: &str| {
        let line = format!("check --data {{data}} --rules {{rules}} {sets}");
        run(&argv(&line, &[("data", &tiny), ("rules", &rules)]))
    };
    let o = check("--set quota.min_share_of_eligble=0.2 --set term.years=-1");
    exited(&o, 2);
    let t = text(&o);
    assert!(t.contains("min_share_of_eligible"), "{t}");
    assert!(t.contains("term.years"), "{t}");
    exited(&check("--set quota.min_share_of_eligible=0.2"), 0);
}

#[test]
fn missing_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = root().join("rules/nanchang-2021-2025.toml");
    let o = run(&["check", "--data", s(tmp.path()), "--rules", s(&rules)]);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    for f in ["schools", "teachers", "needs"] {
        assert!(t.contains(f), "{t}");
    }
    let o = run(&[
        "check",
        "--data",
        s(&root().join("fixtures/tiny")),
        "--rules",
        "/no/such.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("/no/such.toml"));
}

/// ceil(0.10 × 30) = 3, never 4: thirty eligible teachers at one school.
#[test]
fn quota_of_thirty_eligible_is_three() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("schools.csv"),
        "school_id,name,district,locality,weak,stage,staff\n\
         U,Urban,D,urban,false,primary,100\nR,Rural,D,rural,false,primary,\n",
    )
    .unwrap();
    let mut teachers = String::from(
        "teacher_id,name,gender,birth_year,school_id,subject,title,backbone,role,joined_school_year,status\n",
    );
    for i in 0..30 {
        let backbone = if i < 10 { "county" } else { "none" };
        teachers.push_str(&format!(
            "T{i:02},t,F,1985,U,math,intermediate,{backbone},teacher,2010,active\n"
        ));
    }
    teachers.push_str("R1,r,M,1985,R,math,junior,none,teacher,2020,active\n");
    std::fs::write(d.join("teachers.csv"), teachers).unwrap();
    std::fs::write(d.join("needs.csv"), "school_id,subject,count\nR,math,10\n").unwrap();
    let out = tmp.path().join("out");
    let rules = root().join("rules/nanchang-2021-2025.toml");
    let o = plan_2021(&d, &rules, &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let schools = std::fs::read_to_string(out.join("schools.csv")).unwrap();
    let header: Vec<&str> = schools.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = schools
        .lines()
        .find(|l| l.starts_with("U,"))
        .unwrap()
        .split(',')
        .collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("eligible"), "30");
    assert_eq!(col("quota"), "3");
    assert_eq!(col("cap"), "3");
    assert_eq!(col("sent"), "3");
    assert_eq!(col("shortfall"), "0");
}
