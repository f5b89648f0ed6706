//! report.html and plan.xlsx of `plan`, end to end through the binary: the workbook's
//! figures equal the CSV files, the page is self-contained and in the chosen language,
//! and (when Chromium is installed) it and the pages of horizon, progress, compare and
//! schedule render headless without console errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use calamine::{Data, Reader, Xlsx};
use std::path::Path;
use std::process::Command;

use crate::report_support;

fn run_plan(out: &Path, lang: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(["--quiet", "plan", "--data", "fixtures/tiny", "--rules"])
        .arg("rules/nanchang-2021-2025.toml")
        .args(["--year", "2021", "--lang", lang, "--out"])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success());
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 {
                format!("{}", *f as i64)
            } else {
                format!("{f:.2}")
            }
        }
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

#[test]
fn xlsx_equals_csv() {
    let dir = tempfile::tempdir().unwrap();
    run_plan(dir.path(), "zh");
    let mut wb: Xlsx<_> = calamine::open_workbook(dir.path().join("plan.xlsx")).unwrap();
    for (sheet, file, zh_first) in [
        ("交流名单", "plan.csv", "教师编号"),
        ("学校", "schools.csv", "学校编号"),
        ("资格", "eligibility.csv", "教师编号"),
    ] {
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        assert_eq!(rows[0][0], zh_first, "{sheet}: Chinese header");
        let csv = csv_rows(&dir.path().join(file));
        assert!(!csv.is_empty(), "{file} has rows");
        assert_eq!(rows.len() - 1, csv.len(), "{sheet}: row count");
        for (x, c) in rows[1..].iter().zip(&csv) {
            let mut x = x.clone();
            x.resize(c.len(), String::new());
            assert_eq!(&x, c, "{sheet}");
        }
    }
}

#[test]
fn report_is_self_contained_and_translated() {
    let dir = tempfile::tempdir().unwrap();
    run_plan(dir.path(), "en");
    let en = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("Exchange flows"));
    assert!(en.contains("@media print"));
    assert!(!en.contains("<script"));
    assert!(
        !en.contains("http://")
            || en.matches("http://").count()
                == en.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(!en.contains("https://"));
    let dir2 = tempfile::tempdir().unwrap();
    run_plan(dir2.path(), "zh");
    let zh = std::fs::read_to_string(dir2.path().join("report.html")).unwrap();
    assert!(zh.contains("交流流向"));
    // Deterministic: the same inputs give the same bytes.
    let dir3 = tempfile::tempdir().unwrap();
    run_plan(dir3.path(), "zh");
    assert_eq!(
        zh,
        std::fs::read_to_string(dir3.path().join("report.html")).unwrap()
    );
    assert_eq!(
        std::fs::read(dir2.path().join("plan.xlsx")).unwrap(),
        std::fs::read(dir3.path().join("plan.xlsx")).unwrap()
    );
}

/// Loads `page` in headless Chromium: no console errors, the screenshot `shot` has
/// content, and the rendered DOM holds the charts.
fn render_in_chromium(chromium: &Path, page: &Path, shot: &Path) {
    let _ = std::fs::remove_file(shot);
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1000,2400",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let console_errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("Uncaught")))
        .collect();
    assert!(
        console_errors.is_empty(),
        "{}: console errors: {console_errors:?}",
        page.display()
    );
    let meta = std::fs::metadata(shot).expect("screenshot written");
    assert!(
        meta.len() > 10_000,
        "{}: screenshot has content",
        shot.display()
    );
    let dom = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<svg"),
        "{}: charts in the rendered DOM",
        page.display()
    );
}

/// Loads every command's page (plan, horizon, progress, compare, schedule) in headless
/// Chromium and saves screenshots as target/report-screenshot*.png. Skipped when
/// /usr/bin/chromium is absent.
#[test]
fn renders_in_headless_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: /usr/bin/chromium not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run_plan(&d.join("plan"), "zh");
    report_support::horizon(&d.join("horizon"), "zh");
    let ledger = report_support::ledger(d);
    report_support::progress(&d.join("progress"), &ledger, "zh");
    report_support::compare(&d.join("compare"), "en");
    report_support::schedule(&d.join("sched"), "zh");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    for (page, shot) in [
        ("plan", "report-screenshot.png"),
        ("horizon", "report-screenshot-horizon.png"),
        ("progress", "report-screenshot-progress.png"),
        ("compare", "report-screenshot-compare.png"),
        ("sched/schedule", "report-screenshot-schedule.png"),
    ] {
        render_in_chromium(
            chromium,
            &d.join(page).join("report.html"),
            &target.join(shot),
        );
    }
}
