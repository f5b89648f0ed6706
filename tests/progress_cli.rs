//! `progress --ledger F`: actual exchanges against the target path, with unknown
//! references reported and a forecast.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

#[test]
fn tallies_forms_reports_unknowns_and_forecasts() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("actual.csv");
    std::fs::write(
        &ledger,
        "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
         U1-01,U1,R1,math,transfer,2021,2023,active\n\
         U1-02,U1,R1,math,itinerant,2021,2021,completed\n\
         U1-04,U1,T1,chinese,support,2022,2022,completed\n\
         U1-05,U1,R1,chinese,transfer,2022,2024,cancelled\n\
         GHOST,U1,R1,math,transfer,2022,2024,active\n",
    )
    .unwrap();
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
