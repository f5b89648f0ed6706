//! `horizon` on the hand-checked tiny fixture: carry-forward as docs/rules.md says.
//! 2021 is the hand-worked plan of fixtures/tiny (U1-06, U1-09, T1-01, U2-02 go, term
//! 2021–2023); in 2022 and 2023 they are away (on_exchange), in 2024 they are back and
//! held back (min_years_between_exchanges); U1-17's active 2020–2022 exchange returns
//! in 2023 (counted in `returned`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use crate::cli_support::root;

fn reasons(dir: &std::path::Path, year: i32, teacher: &str) -> String {
    let e = std::fs::read_to_string(dir.join(format!("{year}/eligibility.csv"))).unwrap();
    e.lines()
        .find(|l| l.starts_with(&format!("{teacher},")))
        .map(|l| l.split(',').nth(3).unwrap_or("").to_string())
        .unwrap_or_else(|| "ABSENT".into())
}

#[test]
fn tiny_horizon_carries_state_forward() {
    let out = tempfile::tempdir().unwrap();
    crate::cli_support::succeeded(
        "rotaplan",
        Command::new(env!("CARGO_BIN_EXE_rotaplan"))
            .args(["horizon", "--quiet", "--data"])
            .arg(root().join("fixtures/tiny"))
            .arg("--rules")
            .arg(root().join("rules/nanchang-2021-2025.toml"))
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap(),
    );
    let p = out.path();
    let plan2021 = std::fs::read_to_string(p.join("2021/plan.csv")).unwrap();
    let mut movers: Vec<&str> = plan2021
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    movers.sort();
    assert_eq!(movers, vec!["T1-01", "U1-06", "U1-09", "U2-02"]);
    for y in [2022, 2023] {
        for t in &movers {
            assert!(reasons(p, y, t).contains("on_exchange"), "{t} in {y}");
        }
    }
    for t in &movers {
        let r = reasons(p, 2024, t);
        assert!(
            r.contains("min_years_between_exchanges") && !r.contains("on_exchange"),
            "{t}: {r}"
        );
    }
    // U1-13 (born 1964, female) is past retirement: not on any year's roster.
    assert_eq!(reasons(p, 2021, "U1-13"), "ABSENT");
    let csv = std::fs::read_to_string(p.join("horizon.csv")).unwrap();
    let rows: Vec<Vec<u64>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(8).map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0][2], 4, "2021 sends the hand-worked 4");
    // U1-17 (2020–2022) comes home in 2023; the 2021 movers in 2024.
    assert!(rows[2][4] >= 1);
    assert!(rows[3][4] >= 4);
    for w in rows.windows(2) {
        assert!(w[1][5] >= w[0][5], "cumulative never decreases");
    }
    assert_eq!(
        rows.iter().map(|r| r[6]).collect::<Vec<_>>(),
        vec![1000, 2000, 3000, 4000, 5000]
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["target_met"], false);
    assert!(s["share_to_meet_target"].is_null());
    assert_eq!(s["search_assumed_monotone"], true);
}
