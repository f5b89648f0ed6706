//! The hand-checked tiny fixture, run through the binary as a user would.
//!
//! Worked by hand for 2021 under the Nanchang defaults (see fixtures/tiny/README.md):
//! - Eligible: U1 11 (U1-12 five years only, U1-13/U1-16 near retirement, U1-14 sick,
//!   U1-15 back in 2018, U1-17 on exchange), U2 4 (U2-05 two years, U2-06 maternity),
//!   T1 2 (T1-03 three years; T1-02's 2012–13 exchange is long over), X1 1; the
//!   rural schools send nobody. 18 in all.
//! - Quotas ceil(10 %): U1 2, U2 1, T1 1, X1 1. Caps: U1 min(floor(0.15×20)=3, 2) = 2;
//!   U2 max(1, floor(0.15×6)=0) = 1; T1 1; X1 1.
//! - Allowed: U1→T1, U1→R1 (primary); U2→R2 (junior); T1→R1. R3 is 80 km away; X1 is
//!   in another district; nobody may send to urban U1. T1's math post is held by
//!   U1-17's active exchange.
//! - (1) X1 cannot send (1). T1 can only send math (T1-01, not backbone) to R1: sending
//!   costs a backbone shortfall of 1, not sending a quota shortfall of 1. U1 and U2
//!   reach zero. Minimum shortfall 2.
//! - (2) With shortfall 2: U1 sends U1-09 (chinese, backbone) → T1 (1) and an English
//!   teacher → R1 (3); T1-01 → R1 math (2); U2-02 (english, backbone) → R2 (2). Total 8,
//!   beating U1 taking R1 math itself (3 + 2 + 2 = 7).
//! - (3) The English teacher is U1-06, the volunteer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::cli_support::{bin, root};

#[test]
fn tiny_plan_matches_the_hand_worked_plan() {
    let out = tempfile::tempdir().unwrap();
    crate::cli_support::succeeded(
        "rotaplan",
        bin()
            .args(["plan", "--data"])
            .arg(root().join("fixtures/tiny"))
            .args(["--rules"])
            .arg(root().join("rules/nanchang-2021-2025.toml"))
            .args(["--year", "2021", "--out"])
            .arg(out.path())
            .output()
            .unwrap(),
    );
    let plan = std::fs::read_to_string(out.path().join("plan.csv")).unwrap();
    let mut rows: Vec<String> = plan
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{} {} {}->{} {}", f[0], f[2], f[4], f[6], f[3])
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            "T1-01 math T1->R1 none",
            "U1-06 english U1->R1 none",
            "U1-09 chinese U1->T1 city",
            "U2-02 english U2->R2 county",
        ]
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["eligible"], 18);
    assert_eq!(summary["sent"], 4);
    assert_eq!(summary["backbone_sent"], 2);
    assert_eq!(summary["shortfall"], 2);
    assert_eq!(summary["filled_priority"], 8);
    assert_eq!(summary["posts"], 9);
    assert_eq!(summary["posts_filled"], 4);
    assert_eq!(summary["optimal"], true);

    let elig = std::fs::read_to_string(out.path().join("eligibility.csv")).unwrap();
    let reasons = |id: &str| {
        elig.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .map(|l| l.rsplit(',').next().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(reasons("U1-01"), "");
    assert_eq!(reasons("U1-12"), "min_years_at_school");
    assert_eq!(reasons("U1-13"), "near_retirement");
    assert_eq!(reasons("U1-14"), "status");
    assert_eq!(reasons("U1-15"), "min_years_between_exchanges");
    assert_eq!(reasons("U1-16"), "near_retirement");
    assert_eq!(reasons("U1-17"), "on_exchange");
    assert_eq!(reasons("U2-06"), "status");
    assert_eq!(reasons("R1-01"), "sending_locality;weak_school");
    assert_eq!(reasons("R2-01"), "sending_locality");
    assert_eq!(reasons("T1-02"), "");

    let schools = std::fs::read_to_string(out.path().join("schools.csv")).unwrap();
    let row = |id: &str| {
        schools
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .to_string()
    };
    // school_id,district,locality,weak,staff,eligible,quota,cap,sent,backbone_sent,
    // shortfall,received,posts,posts_filled
    assert_eq!(row("U1"), "U1,青山湖区,urban,false,20,11,2,2,2,1,0,0,1,0,");
    assert_eq!(row("U2"), "U2,青山湖区,urban,false,6,4,1,1,1,1,0,0,0,0,");
    assert_eq!(
        row("T1"),
        "T1,青山湖区,town,false,10,2,1,1,1,0,1,1,1,1,no_backbone_candidate"
    );
    assert_eq!(row("R1"), "R1,青山湖区,rural,true,1,0,0,0,0,0,0,2,3,2,");
    assert_eq!(
        row("X1"),
        "X1,湾里管理局,urban,false,1,1,1,1,0,0,1,0,0,0,no_allowed_post"
    );
}

#[test]
fn same_inputs_give_byte_identical_files() {
    let run = || {
        let out = tempfile::tempdir().unwrap();
        let st = bin()
            .args(["plan", "--quiet", "--data"])
            .arg(root().join("fixtures/tiny"))
            .args(["--year", "2021", "--out"])
            .arg(out.path())
            .status()
            .unwrap();
        assert!(st.success());
        ["plan.csv", "schools.csv", "eligibility.csv"]
            .map(|f| std::fs::read(out.path().join(f)).unwrap())
    };
    assert_eq!(run(), run());
}

#[test]
fn strict_exits_3_on_shortfall() {
    let out = tempfile::tempdir().unwrap();
    let st = bin()
        .args(["plan", "--quiet", "--strict", "--data"])
        .arg(root().join("fixtures/tiny"))
        .args(["--year", "2021", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(3));
    assert!(out.path().join("plan.csv").exists());
}
