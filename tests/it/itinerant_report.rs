//! Itinerant teaching (走教) in the reports and workbooks, and counted by `horizon`
//! and `progress`, through the binary: the weekday grid of plan.xlsx read back with
//! calamine equals itinerant.csv (fixtures/itinerant-township and fixtures/county),
//! the report section in both languages, and the person-times of the hand-worked
//! township over the period (fixtures/itinerant-township/README.md, "Over the
//! period").
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::cli_support::{argv, root, write_file, Var};
use calamine::{Data, Reader, Xlsx};
use rotaplan_core::horizon::HORIZON_HEADER;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

fn rotaplan<S: AsRef<OsStr>>(args: &[S]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .current_dir(root())
        .arg("--quiet")
        .args(args)
        .output()
        .unwrap()
}

/// Runs `rotaplan --quiet` with the arguments `line` (see [`argv`]), which must
/// succeed.
fn ok(line: &str, vars: &[Var]) {
    let args = argv(line, vars);
    let o = rotaplan(&args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn zh_subject(s: &str) -> &str {
    match s {
        "music" => "音乐",
        "art" => "美术",
        "pe" => "体育",
        "english" => "英语",
        "it" => "信息技术",
        "psychology" => "心理健康",
        other => other,
    }
}

fn zh_day(d: &str) -> &str {
    match d {
        "mon" => "周一",
        "tue" => "周二",
        "wed" => "周三",
        "thu" => "周四",
        "fri" => "周五",
        other => panic!("weekday {other}"),
    }
}

/// The 走教安排 sheet of `xlsx` says exactly what itinerant.csv and
/// itinerant_uncovered.csv of `dir` say: every lesson in its (host, weekday) cell as
/// `name subject periods`, and each host's covered and uncovered periods.
fn assert_grid_is_csv(dir: &Path, xlsx: &Path) {
    let grid = sheet(xlsx, "走教安排");
    let header: Vec<String> = grid[0].iter().map(text).collect();
    assert_eq!(header[..4], ["区县", "乡镇", "走教学校", "学校名称"]);
    let ndays = header.len() - 7;
    assert_eq!(
        header[4 + ndays..],
        ["已安排课时", "需要课时", "未覆盖课时"]
    );
    // (host, day, "name subject periods") from the sheet and from the CSV.
    let mut from_sheet: Vec<(String, String, String)> = Vec::new();
    let mut covered_sheet: BTreeMap<String, u64> = BTreeMap::new();
    let mut uncovered_sheet: BTreeMap<String, u64> = BTreeMap::new();
    for row in &grid[1..] {
        let host = text(&row[2]);
        for d in 0..ndays {
            let cell = text(&row[4 + d]);
            for l in cell.split('；').filter(|x| !x.is_empty()) {
                from_sheet.push((host.clone(), header[4 + d].clone(), l.to_string()));
            }
        }
        let n = |k: usize| text(&row[4 + ndays + k]).parse::<u64>().unwrap();
        if n(0) > 0 {
            covered_sheet.insert(host.clone(), n(0));
        }
        if n(2) > 0 {
            uncovered_sheet.insert(host, n(2));
        }
    }
    let (h, lessons) = csv_rows(&dir.join("itinerant.csv"));
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let mut from_csv: Vec<(String, String, String)> = Vec::new();
    let mut covered_csv: BTreeMap<String, u64> = BTreeMap::new();
    for r in &lessons {
        let name = if r[col("name")].is_empty() {
            &r[col("teacher_id")]
        } else {
            &r[col("name")]
        };
        from_csv.push((
            r[col("host_school")].clone(),
            zh_day(&r[col("weekday")]).to_string(),
            format!(
                "{name} {} {}",
                zh_subject(&r[col("subject")]),
                r[col("periods")]
            ),
        ));
        *covered_csv
            .entry(r[col("host_school")].clone())
            .or_default() += r[col("periods")].parse::<u64>().unwrap();
    }
    from_sheet.sort();
    from_csv.sort();
    assert!(
        !from_csv.is_empty(),
        "{}: no lessons to compare",
        dir.display()
    );
    assert_eq!(from_sheet, from_csv, "grid cells vs itinerant.csv");
    assert_eq!(covered_sheet, covered_csv, "covered per host");
    let (_, unc) = csv_rows(&dir.join("itinerant_uncovered.csv"));
    let mut uncovered_csv: BTreeMap<String, u64> = BTreeMap::new();
    for r in &unc {
        *uncovered_csv.entry(r[0].clone()).or_default() += r[2].parse::<u64>().unwrap();
    }
    assert_eq!(uncovered_sheet, uncovered_csv, "uncovered per school");
    // The detail sheets are the CSV files row for row.
    assert_eq!(sheet(xlsx, "走教明细").len() - 1, lessons.len());
    assert_eq!(sheet(xlsx, "走教未覆盖").len() - 1, unc.len());
}

#[test]
fn township_plan_report_and_workbook_show_the_grid() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("fixtures/itinerant-township");
    let (zh, en) = (tmp.path().join("zh"), tmp.path().join("en"));
    for (out, lang) in [(&zh, "zh"), (&en, "en")] {
        let line = "plan --data {data} --year 2021 --lang {lang} --out {out}";
        ok(line, &[("data", &data), ("lang", &lang), ("out", out)]);
    }
    assert_grid_is_csv(&zh, &zh.join("plan.xlsx"));
    let page = read(&zh.join("report.html"));
    assert!(page.contains("走教（乡镇内紧缺学科）"));
    assert!(page.contains("<details open><summary>小河镇 — 已安排 12 / 19"));
    assert!(page.contains("<td>王乐 音乐 4</td>"));
    assert!(
        page.contains("没有走教项目覆盖此学科"),
        "no_program in words"
    );
    let page = read(&en.join("report.html"));
    assert!(page.contains("Itinerant teaching (走教)"));
    assert!(page.contains("<td>张画 art 4</td>"));
    // The `itinerant` command writes the same grid on a page and a workbook of its own.
    let it = tmp.path().join("it");
    let line = "itinerant --data {data} --year 2021 --out {out}";
    ok(line, &[("data", &data), ("out", &it)]);
    assert_grid_is_csv(&it, &it.join("itinerant.xlsx"));
    assert!(read(&it.join("report.html")).contains("<td>王乐 音乐 4</td>"));
}

#[test]
fn county_workbook_grid_equals_itinerant_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("county");
    let line = "plan --data fixtures/county --rules rules/nanchang-2021-2025.toml --year 2021";
    ok(&format!("{line} --out {{out}}"), &[("out", &out)]);
    assert_grid_is_csv(&out, &out.join("plan.xlsx"));
    let page = read(&out.join("report.html"));
    assert!(
        page.matches("<details").count() > 3,
        "one fold per township"
    );
    assert!(
        !page.contains("<details open>"),
        "a county's townships start folded"
    );
}

#[test]
fn redacted_plan_keeps_names_out_of_the_itinerant_files() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef").unwrap();
    let out = tmp.path().join("red");
    let line = "plan --data fixtures/itinerant-township --year 2021 --redact";
    let line = format!("{line} --redact-key-file {{key}} --out {{out}}");
    ok(&line, &[("key", &key), ("out", &out)]);
    let csv = read(&out.join("itinerant.csv"));
    let page = read(&out.join("report.html"));
    for secret in ["王乐", "张画", ",T1,", ",T3,"] {
        assert!(!csv.contains(secret), "{secret} in itinerant.csv");
    }
    assert!(!page.contains("王乐") && !page.contains("张画"));
    assert_eq!(csv.lines().count(), 4, "the same three lessons");
    assert_grid_is_csv(&out, &out.join("plan.xlsx"));
}

/// horizon.csv's rows by column name.
fn horizon_rows(dir: &Path) -> Vec<BTreeMap<String, String>> {
    let (h, rows) = csv_rows(&dir.join("horizon.csv"));
    rows.into_iter()
        .map(|r| h.iter().cloned().zip(r).collect())
        .collect()
}

#[test]
fn horizon_counts_the_itinerant_teachers_of_every_year() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("fixtures/itinerant-township");
    let out = tmp.path().join("h");
    ok(
        "horizon --data {data} --out {out}",
        &[("data", &data), ("out", &out)],
    );
    // README "Over the period": T1 and T3 every year, nobody moved (no posts).
    let rows = horizon_rows(&out);
    assert_eq!(rows.len(), 5);
    for (k, r) in rows.iter().enumerate() {
        assert_eq!(r["itinerant"], "2", "{r:?}");
        assert_eq!(r["sent"], "0");
        assert_eq!(r["counted"], "2");
        assert_eq!(r["cumulative"], (2 * (k + 1)).to_string());
    }
    let (h, _) = csv_rows(&out.join("horizon.csv"));
    assert_eq!(h.last().unwrap(), "itinerant", "appended last");
    assert_eq!(
        h[..HORIZON_HEADER.len()],
        HORIZON_HEADER,
        "the horizon's own columns first"
    );
    let sum: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(sum["cumulative"], 10);
    assert_eq!(sum["years"][0]["itinerant"], 2);
    // Each year folder has the year's itinerant files, the first one as `plan` makes.
    let plan = tmp.path().join("p");
    let line = "plan --data {data} --year 2021 --out {out}";
    ok(line, &[("data", &data), ("out", &plan)]);
    assert_eq!(
        read(&out.join("2021/itinerant.csv")),
        read(&plan.join("itinerant.csv"))
    );
    assert!(out.join("2025/itinerant_uncovered.csv").is_file());
    let y: serde_json::Value = serde_json::from_str(&read(&out.join("2023/summary.json"))).unwrap();
    assert_eq!(y["itinerant"]["teachers"], 2);
    // The per-district sheet adds up to the counted person-times.
    let d = sheet(&out.join("horizon.xlsx"), "区县年度");
    let counted: f64 = d[1..]
        .iter()
        .map(|r| match r[3] {
            Data::Float(f) => f,
            _ => 0.0,
        })
        .sum();
    assert_eq!(counted, 10.0);
    assert!(read(&out.join("report.html")).contains("走教人次"));

    // Not counted when count_forms leaves itinerant out; still shown.
    let rules = tmp.path().join("transfer-only.toml");
    std::fs::write(&rules, "[plan]\ncount_forms = [\"transfer\"]\n").unwrap();
    let out2 = tmp.path().join("h2");
    let line = "horizon --data {data} --rules {rules} --out {out}";
    ok(line, &[("data", &data), ("rules", &rules), ("out", &out2)]);
    for r in horizon_rows(&out2) {
        assert_eq!(r["itinerant"], "2");
        assert_eq!(r["counted"], "0");
        assert_eq!(r["cumulative"], "0");
    }
}

#[test]
fn progress_forecasts_itinerant_teachers_and_counts_the_ledgers() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("fixtures/itinerant-township");
    let ledger = write_file(
        tmp.path(),
        "ledger.csv",
        "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
         T2,V3,V2,music,itinerant,2021,2021,completed\n",
    );
    let out = tmp.path().join("p");
    let line = "progress --data {data} --ledger {ledger} --as-of 2022 --out {out}";
    ok(line, &[("data", &data), ("ledger", &ledger), ("out", &out)]);
    let (h, rows) = csv_rows(&out.join("progress.csv"));
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let by_year: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[col("year")].clone(),
                r[col("itinerant")].clone(),
                r[col("counted")].clone(),
                r[col("forecast")].clone(),
            )
        })
        .collect();
    let row = |y: &str, i: &str, c: &str, f: &str| {
        (y.to_string(), i.to_string(), c.to_string(), f.to_string())
    };
    assert_eq!(
        by_year,
        vec![
            row("2021", "1", "1", "false"),
            row("2022", "0", "0", "false"),
            row("2023", "2", "2", "true"),
            row("2024", "2", "2", "true"),
            row("2025", "2", "2", "true"),
        ]
    );
}
