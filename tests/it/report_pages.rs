//! report.html and the workbooks of `horizon`, `progress`, `compare` and `schedule`,
//! end to end through the binary on fixtures/tiny: every workbook sheet read back with
//! calamine equals its CSV twin, the pages are self-contained, translated and
//! deterministic. (The headless-browser run of these pages is in report_outputs.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use calamine::{Data, Reader, Xlsx};
use std::path::{Path, PathBuf};

use crate::report_support;

use report_support::{compare, horizon, ledger, progress, schedule};

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

/// A cell equals a CSV field: numbers compared as numbers, booleans and text exactly.
fn same(cell: &Data, field: &str) -> bool {
    match cell {
        Data::Empty => field.is_empty(),
        Data::String(s) => s == field,
        Data::Bool(b) => b.to_string() == field,
        Data::Float(f) => field.parse::<f64>().is_ok_and(|v| (v - f).abs() < 1e-9),
        Data::Int(i) => field.parse::<i64>() == Ok(*i),
        _ => false,
    }
}

/// Every data row of `sheet` equals `csv` field by field; the header is Chinese where
/// `zh_first` says so.
fn assert_sheet_is_csv(xlsx: &Path, name: &str, csv: &Path, zh_first: &str) {
    let rows = sheet(xlsx, name);
    let expected = csv_rows(csv);
    assert_eq!(rows[0][0], Data::String(zh_first.into()), "{name}: header");
    assert_eq!(rows.len() - 1, expected.len(), "{name}: row count");
    for (i, (x, c)) in rows[1..].iter().zip(&expected).enumerate() {
        for (j, field) in c.iter().enumerate() {
            let cell = x.get(j).unwrap_or(&Data::Empty);
            assert!(
                same(cell, field),
                "{name} row {} col {j}: {cell:?} vs {field:?}",
                i + 1
            );
        }
    }
}

fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print") && html.contains("@page"));
    assert!(html.contains("<svg"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("https://"));
    assert_eq!(
        html.matches("http://").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn horizon_page_and_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    horizon(&d.join("zh"), "zh");
    horizon(&d.join("en"), "en");
    horizon(&d.join("zh2"), "zh");
    let zh = read(d.join("zh/report.html"));
    let en = read(d.join("en/report.html"));
    assert_self_contained(&zh);
    assert_self_contained(&en);
    assert!(zh.contains("累计交流人次与目标路径"));
    assert!(zh.contains("能完成目标的最小比例") || zh.contains("即使比例为 1.000"));
    assert!(en.contains("Cumulative person-times against the target path"));
    assert!(en.contains("<html lang=\"en\">"));
    assert_eq!(zh, read(d.join("zh2/report.html")), "deterministic page");
    let xlsx = d.join("zh/horizon.xlsx");
    assert_eq!(
        std::fs::read(&xlsx).unwrap(),
        std::fs::read(d.join("zh2/horizon.xlsx")).unwrap(),
        "deterministic workbook"
    );
    assert_sheet_is_csv(&xlsx, "年度", &d.join("zh/horizon.csv"), "年度");
    // The per-district sheet adds up to each year's counted person-times.
    let years = csv_rows(&d.join("zh/horizon.csv"));
    let districts = sheet(&xlsx, "区县年度");
    assert_eq!(districts[0][0], Data::String("区县".into()));
    for y in &years {
        let year: f64 = y[0].parse().unwrap();
        let counted: f64 = y[8].parse().unwrap();
        let cumulative: f64 = y[5].parse().unwrap();
        let rows: Vec<&Vec<Data>> = districts[1..]
            .iter()
            .filter(|r| r[1] == Data::Float(year))
            .collect();
        assert!(!rows.is_empty(), "districts of {year}");
        let sum = |k: usize| -> f64 {
            rows.iter()
                .map(|r| match r[k] {
                    Data::Float(f) => f,
                    _ => panic!("number expected"),
                })
                .sum()
        };
        assert_eq!(sum(3), counted, "{year}: counted by district");
        assert_eq!(sum(4), cumulative, "{year}: cumulative by district");
    }
    let probes = sheet(&xlsx, "目标搜索");
    let summary: serde_json::Value =
        serde_json::from_str(&read(d.join("zh/summary.json"))).unwrap();
    let n = summary["target_search"]["probes"].as_array().unwrap().len();
    assert_eq!(probes.len() - 1, n, "one row per probe");
}

#[test]
fn progress_page_and_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let l = ledger(d);
    progress(&d.join("zh"), &l, "zh");
    progress(&d.join("en"), &l, "en");
    let zh = read(d.join("zh/report.html"));
    let en = read(d.join("en/report.html"));
    assert_self_contained(&zh);
    assert!(zh.contains("实际、预测与目标路径") && zh.contains("调动"));
    assert!(en.contains("Exchanges per year by form") && en.contains("transfer"));
    let xlsx = d.join("zh/progress.xlsx");
    assert_sheet_is_csv(&xlsx, "年度", &d.join("zh/progress.csv"), "年度");
    assert_sheet_is_csv(&xlsx, "区县", &d.join("zh/districts.csv"), "区县");
}

#[test]
fn compare_page_and_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    compare(&d.join("zh"), "zh");
    compare(&d.join("en"), "en");
    let zh = read(d.join("zh/report.html"));
    let en = read(d.join("en/report.html"));
    assert_self_contained(&zh);
    assert!(zh.contains("class=\"multiples\""));
    // One small chart per figure, each with one bar per variant (4 variants).
    assert_eq!(zh.matches("<title>V4: ").count(), 6);
    assert!(en.contains("Figures side by side") && en.contains("variant-cross-district.toml"));
    let xlsx = d.join("zh/compare.xlsx");
    assert_sheet_is_csv(&xlsx, "方案对比", &d.join("zh/compare.csv"), "方案");
    assert_sheet_is_csv(&xlsx, "差异教师", &d.join("zh/moves.csv"), "教师编号");
}

#[test]
fn schedule_page_and_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    schedule(&d.join("zh"), "zh");
    schedule(&d.join("en"), "en");
    let out = d.join("zh/schedule");
    let zh = read(out.join("report.html"));
    let en = read(d.join("en/schedule/report.html"));
    assert_self_contained(&zh);
    assert!(zh.contains("每日考核场次") && zh.contains("评价人工作量"));
    assert!(en.contains("Evaluations per day") && en.contains("Evaluator load"));
    let xlsx = out.join("schedule.xlsx");
    assert_sheet_is_csv(&xlsx, "考核安排", &out.join("schedule.csv"), "评价编号");
    let load = sheet(&xlsx, "评价人负荷");
    assert_eq!(load[0][0], Data::String("评价人编号".into()));
    // Evaluator-days in the load sheet equal summary.json's.
    let summary: serde_json::Value = serde_json::from_str(&read(out.join("summary.json"))).unwrap();
    let days: f64 = load[1..]
        .iter()
        .map(|r| match r[3] {
            Data::Float(f) => f,
            _ => 0.0,
        })
        .sum();
    assert_eq!(days, summary["evaluator_days"].as_f64().unwrap());
    let scheduled = csv_rows(&out.join("schedule.csv")).len();
    assert_eq!(scheduled as u64, summary["scheduled"].as_u64().unwrap());
    let un = sheet(&xlsx, "未安排");
    assert_eq!(un.len() - 1, csv_rows(&out.join("unscheduled.csv")).len());
}
