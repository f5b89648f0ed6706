//! `progress --ledger F`: actual exchanges against the target path, with unknown
//! references reported and a forecast.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::cli_support::write_file;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn tallies_forms_reports_unknowns_and_forecasts() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let ledger = write_file(
        tmp.path(),
        "actual.csv",
        "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
         U1-01,U1,R1,math,transfer,2021,2023,active\n\
         U1-02,U1,R1,math,itinerant,2021,2021,completed\n\
         U1-04,U1,T1,chinese,support,2022,2022,completed\n\
         U1-05,U1,R1,chinese,transfer,2022,2024,cancelled\n\
         GHOST,U1,R1,math,transfer,2022,2024,active\n",
    );
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(["progress", "--data"])
        .arg(root.join("fixtures/tiny"))
        .arg("--rules")
        .arg(root.join("rules/nanchang-2021-2025.toml"))
        .arg("--ledger")
        .arg(&ledger)
        .args(["--as-of", "2022", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("GHOST"), "{text}");
    let csv = std::fs::read_to_string(out.join("progress.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("year,transfer,itinerant,support,counted"));
    // 2021: one transfer, one itinerant; 2022: one support, the ghost's transfer; the
    // cancelled row does not count.
    assert!(rows[1].starts_with("2021,1,1,0,2,"), "{csv}");
    assert!(rows[2].starts_with("2022,1,0,1,2,"), "{csv}");
    assert_eq!(rows.len(), 6, "three forecast years follow: {csv}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["actual"], 4);
    assert_eq!(summary["target_as_of"], 2000);
    assert_eq!(summary["gap"], 1996);
    assert!(summary["forecast_cumulative"].as_u64().unwrap() >= 4);
}

/// Runs `progress --as-of 2021` on fixtures/horizon3 with `ledger` and `extra` options;
/// returns progress.csv, districts.csv and summary.json.
fn horizon3_progress(ledger: &str, extra: &[&str]) -> (String, String, serde_json::Value) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("actual.csv");
    std::fs::write(&file, ledger).unwrap();
    let out = tmp.path().join("out");
    crate::cli_support::succeeded(
        "rotaplan",
        Command::new(env!("CARGO_BIN_EXE_rotaplan"))
            .args(["progress", "--quiet", "--data"])
            .arg(root.join("fixtures/horizon3"))
            .arg("--rules")
            .arg(root.join("rules/horizon3-2021-2023.toml"))
            .arg("--ledger")
            .arg(&file)
            .args(["--as-of", "2021"])
            .args(extra)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap(),
    );
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let summary = serde_json::from_str(&read("summary.json")).unwrap();
    (read("progress.csv"), read("districts.csv"), summary)
}

const HORIZON3_LEDGER: &str =
    "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
     UC,U,R,english,transfer,2021,2022,active\n\
     UD,U,R,chinese,support,2021,2021,completed\n\
     R1,R,U,math,support,2021,2021,completed\n\
     UG,U,R,music,itinerant,2022,2022,planned\n";

const PROGRESS_HEADER: &str = "year,transfer,itinerant,support,counted,backbone,\
urban_to_rural,cumulative,target_cumulative,gap,forecast";

/// The forecast rows carry the actual rows' breakdowns (form, backbone, urban→rural,
/// district), worked by hand on fixtures/horizon3 (see its README.md for the rules):
/// as of 2021 the ledger has UC's transfer (counted), UD's and R1's support (not
/// counted; R1's goes rural→urban) and UG's itinerant exchange decided for 2022. In
/// 2022, UA (math), UE (chinese, county backbone) and UH (art) are eligible and their
/// posts open (UD's chinese post reopened; UC holds english): three urban→rural
/// transfers, plus UG's: counted 4. In 2023 only UD and UF are eligible and none of
/// their posts is open (math and chinese are held by UA and UE until 2023).
#[test]
fn forecast_rows_break_down_like_actual_rows() {
    let (progress, districts, s) = horizon3_progress(HORIZON3_LEDGER, &[]);
    assert_eq!(
        progress,
        format!(
            "{PROGRESS_HEADER}\n\
             2021,1,0,2,1,0,2,1,2,1,false\n\
             2022,3,1,0,4,1,4,5,3,-2,true\n\
             2023,0,0,0,0,0,0,5,5,0,true\n"
        )
    );
    assert_eq!(
        districts,
        "district,transfer,itinerant,support,counted,backbone,urban_to_rural,forecast\n\
         East,1,0,2,1,0,2,false\n\
         East,3,1,0,4,1,4,true\n"
    );
    assert_eq!(s["actual"], 1);
    assert_eq!(s["forecast_cumulative"], 5);
    assert_eq!(s["forecast_met"], true);
}

/// Planned as `support`, which the rules do not count: the three forecast moves of 2022
/// are shown as support and leave the cumulative alone (only UG's itinerant counts).
#[test]
fn forecast_of_an_uncounted_form_is_shown_not_counted() {
    let (progress, _, s) = horizon3_progress(HORIZON3_LEDGER, &["--set", "term.form=support"]);
    assert_eq!(
        progress,
        format!(
            "{PROGRESS_HEADER}\n\
             2021,1,0,2,1,0,2,1,2,1,false\n\
             2022,0,1,3,1,1,4,2,3,1,true\n\
             2023,0,0,0,0,0,0,2,5,3,true\n"
        )
    );
    assert_eq!(s["forecast_cumulative"], 2);
    assert_eq!(s["forecast_met"], false);
}
