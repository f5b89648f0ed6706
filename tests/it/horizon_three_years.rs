//! `horizon` on fixtures/horizon3, the three-year case worked by hand in its README.md:
//! every plan row, every eligibility reason and the horizon.csv figures are the hand
//! calculation's (docs/rules.md, "The horizon, exactly").
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use crate::cli_support::root;

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn run_horizon(out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(["horizon", "--data"])
        .arg(root().join("fixtures/horizon3"))
        .arg("--rules")
        .arg(root().join("rules/horizon3-2021-2023.toml"))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Yes"), "{stdout}");
    assert!(stdout.contains("0.255"), "{stdout}");
}

const PLAN_HEADER: &str = "teacher_id,name,subject,backbone,from_school,from_district,\
to_school,to_district,form,start_year,end_year,distance_km";

#[test]
fn three_years_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    run_horizon(out);

    // Who goes when: UA and UH in 2021, UE in 2022 (UD's chinese post reopened), UF in
    // 2023 (six years at U; UA's math post reopened). Terms are two years.
    let plans = [
        (
            2021,
            vec![
                "UA,Teacher A,math,none,U,East,R,East,transfer,2021,2022,",
                "UH,Teacher H,art,none,U,East,R,East,transfer,2021,2022,",
            ],
        ),
        (
            2022,
            vec!["UE,Teacher E,chinese,county,U,East,R,East,transfer,2022,2023,"],
        ),
        (
            2023,
            vec!["UF,Teacher F,math,none,U,East,R,East,transfer,2023,2024,"],
        ),
    ];
    for (year, rows) in plans {
        let got = read(out, &format!("{year}/plan.csv"));
        let want = format!("{PLAN_HEADER}\n{}\n", rows.join("\n"));
        assert_eq!(got, want, "{year}/plan.csv");
    }

    // Eligibility as eligibility.csv names it: away (on_exchange), home and held back
    // (min_years_between_exchanges), UB gone after 2021, UF eligible from 2023.
    let eligibility = [
        (
            2021,
            vec![
                ("UA", ""),
                ("UB", "near_retirement"),
                ("UC", "on_exchange"),
                ("UD", "on_exchange"),
                ("UE", ""),
                ("UF", "min_years_at_school"),
                ("UG", "min_years_between_exchanges"),
                ("UH", ""),
                ("R1", "sending_locality"),
            ],
        ),
        (
            2022,
            vec![
                ("UA", "on_exchange"),
                ("UC", "on_exchange"),
                ("UD", "min_years_between_exchanges"),
                ("UE", ""),
                ("UF", "min_years_at_school"),
                ("UG", ""),
                ("UH", "on_exchange"),
                ("R1", "sending_locality"),
            ],
        ),
        (
            2023,
            vec![
                ("UA", "min_years_between_exchanges"),
                ("UC", "min_years_between_exchanges"),
                ("UD", ""),
                ("UE", "on_exchange"),
                ("UF", ""),
                ("UG", ""),
                ("UH", "min_years_between_exchanges"),
                ("R1", "sending_locality"),
            ],
        ),
    ];
    for (year, rows) in eligibility {
        let got = read(out, &format!("{year}/eligibility.csv"));
        let mut want = String::from("teacher_id,school_id,eligible,reasons\n");
        for (t, reason) in rows {
            let school = if t == "R1" { "R" } else { "U" };
            want.push_str(&format!("{t},{school},{},{reason}\n", reason.is_empty()));
        }
        assert_eq!(got, want, "{year}/eligibility.csv");
    }

    // horizon.csv: the documented columns, then counted, ledger_started, retired, away,
    // quota, cap, staff_cap, posts, posts_filled, filled_priority, optimal, on_path.
    let csv = read(out, "horizon.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "year,eligible,sent,backbone_sent,returned,cumulative,target_cumulative,shortfall,\
         counted,ledger_started,retired,away,quota,cap,staff_cap,posts,posts_filled,\
         filled_priority,optimal,on_path"
    );
    assert_eq!(
        &lines[1..],
        [
            "2021,3,2,0,1,3,2,1,3,1,0,4,3,3,6,2,2,3,true,true",
            "2022,2,1,1,1,4,3,1,1,0,1,4,2,2,6,1,1,1,true,true",
            "2023,3,1,0,3,5,5,2,1,0,0,2,3,3,6,3,1,2,true,true",
        ]
    );

    let s: serde_json::Value = serde_json::from_str(&read(out, "summary.json")).unwrap();
    assert_eq!(s["target_exchanges"], 5);
    assert_eq!(s["cumulative"], 5);
    assert_eq!(s["target_met"], true);
    assert_eq!(s["met_in_year"], 2023);
    assert_eq!(s["share_to_meet_target"], 0.255);
    // Every probe at or below 0.250 ends at 4, every one from 0.255 on reaches 5.
    for p in s["target_search"]["probes"].as_array().unwrap() {
        let share = p["share"].as_f64().unwrap();
        let want = if share > 0.2501 { 5 } else { 4 };
        assert_eq!(p["cumulative"], want, "probe {p}");
    }
}
