//! Pins through the binary on the tiny fixture (see tiny_fixture.rs for the plan
//! without pins, worked by hand).
//!
//! Worked by hand for 2021 with the pins of `PINS` (rows 2–5):
//! - U1-06 stays (row 2): the plain plan's English move U1→R1 must be someone else's.
//! - U1-01 (math, county backbone) goes to R1 (row 3): R1's math post (priority 2).
//! - U2-02 (English, backbone) never goes to R2 (row 4): U2 may only send to R2, so
//!   U2 sends U2-01 (English, not backbone) instead: backbone shortfall 1 at U2.
//! - U1-05 (chinese) must move (row 5): the only Chinese post is T1's (priority 1).
//!
//! U1's cap is 2 (U1-01, U1-05), T1-01 has no math post left at R1 (quota shortfall 1
//! at T1), X1 cannot send (1). Shortfall 3, priority 2 + 1 + 2 = 5; without pins the
//! plan is the hand-worked 2 / 8.
//!
//! Each pin alone dropped: row 2 changes nothing (U1 is full); row 3 changes nothing
//! (U1's backbone share needs U1-01 moved, and R1 math is the only math post); row 4
//! lets U2-02 go (shortfall −1); row 5 frees U1's second slot for R1's English post
//! (priority 3 instead of 1: +2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use crate::cli_support::root;

const PINS: &str = "工号,动作,学校代码,年度,备注\n\
U1-06,留任,,,家庭原因\n\
U1-01,指定学校,R1,2021,\n\
U2-02,不去,R2,,\n\
U1-05,必须交流,,,\n";

fn plan(pins: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(["plan", "--quiet", "--year", "2021", "--data"])
        .arg(root().join("fixtures/tiny"))
        .arg("--pins")
        .arg(pins)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

fn check_pinned_plan(out: &Path) {
    let plan = std::fs::read_to_string(out.join("plan.csv")).unwrap();
    let mut moves: Vec<String> = plan
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{} {}->{}", f[0], f[4], f[6])
        })
        .collect();
    moves.sort();
    assert_eq!(moves, ["U1-01 U1->R1", "U1-05 U1->T1", "U2-01 U2->R2"]);
    let cost = std::fs::read_to_string(out.join("pins_cost.csv")).unwrap();
    assert_eq!(
        cost,
        "row,teacher_id,action,school_id,shortfall_delta,filled_priority_delta\n\
         2,U1-06,stay,,0,0\n\
         3,U1-01,to,R1,0,0\n\
         4,U2-02,not_to,R2,-1,0\n\
         5,U1-05,move,,0,2\n"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["shortfall"], 3);
    assert_eq!(summary["filled_priority"], 5);
    assert_eq!(summary["pins"]["count"], 4);
    assert_eq!(summary["pins"]["shortfall_without_pins"], 2);
    assert_eq!(summary["pins"]["filled_priority_without_pins"], 8);
    assert_eq!(summary["wishes_met"], serde_json::json!([0, 0, 0, 0, 0]));
    assert!(summary["kept"].is_null());
    let elig = std::fs::read_to_string(out.join("eligibility.csv")).unwrap();
    assert!(elig.contains("U1-06,U1,false,pinned_stay"), "{elig}");
}

#[test]
fn chinese_gbk_pins_hold_and_their_costs_are_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let pins = tmp.path().join("pins.csv");
    std::fs::write(&pins, gbk(PINS)).unwrap();
    let out = tmp.path().join("out");
    let o = plan(&pins, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_pinned_plan(&out);
}

#[test]
fn pins_in_a_workbook_hold_too() {
    let tmp = tempfile::tempdir().unwrap();
    let pins = tmp.path().join("pins.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in PINS.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    wb.save(&pins).unwrap();
    let out = tmp.path().join("out");
    let o = plan(&pins, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_pinned_plan(&out);
}

/// Runs `plan` with `pins` (English headers), expecting exit 2 and nothing written;
/// returns stderr.
fn refused(pins: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("pins.csv");
    std::fs::write(&f, pins).unwrap();
    let out = tmp.path().join("out");
    let o = plan(&f, &out);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!out.exists(), "something was written");
    err
}

#[test]
fn pins_that_cannot_hold_are_refused_with_their_row_and_rule() {
    let head = "teacher_id,action,school_id,year,note\n";
    // U1-12 has five years at U1 only.
    let e = refused(&format!("{head}U1-12,move,,,\n"));
    assert!(
        e.contains("pins row 2")
            && e.contains("rule not_eligible")
            && e.contains("min_years_at_school"),
        "{e}"
    );
    // R3 is 80 km from U1.
    let e = refused(&format!("{head}U1-01,to,R3,,\n"));
    assert!(
        e.contains("pins row 2")
            && e.contains("rule allowed_pair")
            && e.contains("max_distance_km"),
        "{e}"
    );
    // U1 may send 2.
    let e = refused(&format!(
        "{head}U1-05,move,,,\nU1-07,move,,,\nU1-09,move,,,\n"
    ));
    assert!(
        e.contains("pins row 4") && e.contains("rule cap") && !e.contains("pins row 2"),
        "{e}"
    );
    // R1 has one math post.
    let e = refused(&format!("{head}U1-01,to,R1,,\nU1-02,to,R1,,\n"));
    assert!(
        e.contains("pins row 3") && e.contains("rule open_posts"),
        "{e}"
    );
    // Found by the solve: U1-02 (math) could only take R1's math post, which row 2
    // gives U1-01 (T1's math post is held by a ledger exchange).
    let e = refused(&format!("{head}U1-01,to,R1,,\nU1-02,move,,,\n"));
    assert!(
        e.contains("pins row 3") && e.contains("rule no_open_post") && !e.contains("pins row 2"),
        "{e}"
    );
    // Contradicting pins and bad rows: the loader, every row at once.
    let e = refused(&format!(
        "{head}U1-05,stay,,,\nU1-05,move,,2021,\nNOBODY,stay,,,\nU1-07,to,,,\nU1-07,leave,,,\nU1-09,move,R1,,\n"
    ));
    for want in [
        "row 3",
        "row 2",
        "stay",
        "row 4",
        "not in teachers.csv",
        "row 5",
        "row 6",
        "row 7",
    ] {
        assert!(e.contains(want), "{want}: {e}");
    }
}

#[test]
fn check_reports_bad_pins_and_wishes() {
    let tmp = tempfile::tempdir().unwrap();
    let pins = tmp.path().join("pins.csv");
    std::fs::write(&pins, "teacher_id,action,school_id\nU1-01,to,NOWHERE\n").unwrap();
    let wishes = tmp.path().join("wishes.csv");
    std::fs::write(
        &wishes,
        "工号,志愿序号,志愿学校\nU1-01,1,R1\nU1-01,1,T1\nU1-01,6,R2\nU1-01,2,R1\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(["check", "--data"])
        .arg(root().join("fixtures/tiny"))
        .arg("--pins")
        .arg(&pins)
        .arg("--wishes")
        .arg(&wishes)
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{e}");
    for want in ["NOWHERE", "wishes.csv", "row 3", "row 4", "row 5", "rank"] {
        assert!(e.contains(want), "{want}: {e}");
    }
}

/// A workbook sheet's cells as text (numbers as Excel holds them, `2021` not `2021.0`).
fn sheet_text(path: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect()
}

/// The pinned plan of `PINS` with wishes: U1-01 (moved to R1) wished R1 first, U2-01
/// (moved to R2) wished R1 then R2, U1-06 (pinned to stay) wished R1. Three teachers
/// with wishes, two moved, one placed at wish 1 and one at wish 2.
#[test]
fn report_and_workbook_show_pins_and_wishes() {
    let tmp = tempfile::tempdir().unwrap();
    let pins = tmp.path().join("pins.csv");
    std::fs::write(&pins, gbk(PINS)).unwrap();
    let wishes = tmp.path().join("wishes.csv");
    std::fs::write(
        &wishes,
        "teacher_id,rank,school_id\nU1-01,1,R1\nU2-01,1,R1\nU2-01,2,R2\nU1-06,1,R1\n",
    )
    .unwrap();
    for lang in ["zh", "en"] {
        let out = tmp.path().join(format!("out-{lang}"));
        let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
            .args([
                "plan", "--quiet", "--year", "2021", "--lang", lang, "--data",
            ])
            .arg(root().join("fixtures/tiny"))
            .arg("--pins")
            .arg(&pins)
            .arg("--wishes")
            .arg(&wishes)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        assert_eq!(summary["wishes_met"], serde_json::json!([1, 1, 0, 0, 0]));
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let (pins_heading, wishes_heading, stay, note) = if lang == "zh" {
            ("锁定（pins）", "教师志愿", "留任", "家庭原因")
        } else {
            ("Pins", "Teachers&#39;", "stay", "家庭原因")
        };
        for needle in [pins_heading, wishes_heading, stay, note, "U2-02", "3 (2)"] {
            assert!(html.contains(needle), "{lang}: {needle} missing");
        }
        // The workbook: the pins sheet is pins_cost.csv with the year and note.
        let xlsx = out.join("plan.xlsx");
        let rows = sheet_text(&xlsx, "锁定");
        assert_eq!(rows[0][0], "行号");
        let got: Vec<String> = rows[1..].iter().map(|r| r.join("|")).collect();
        assert_eq!(
            got,
            [
                "2|U1-06|stay|||家庭原因|0|0",
                "3|U1-01|to|R1|2021||0|0",
                "4|U2-02|not_to|R2|||-1|0",
                "5|U1-05|move||||0|2",
            ]
        );
        let w = sheet_text(&xlsx, "志愿");
        let got: Vec<String> = w[1..].iter().map(|r| r.join("|")).collect();
        assert_eq!(
            got,
            [
                "有志愿的教师|3|1",
                "交流|2|0.6667",
                "去向为志愿学校|2|0.6667",
                "第1志愿|1|0.3333",
                "第2志愿|1|0.3333",
                "第3志愿|0|0",
                "第4志愿|0|0",
                "第5志愿|0|0",
            ]
        );
    }
}
