//! `rotaplan verify --plan F --year Y` through the binary: rotaplan's own plan is valid;
//! one injected violation of each hard rule is found, alone, at its row; the plan's
//! workbook (edited, its sheets moved), a GBK file and Chinese headers load; a
//! malformed file is refused with nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::cli_support::{bin, exited, tiny};

/// `plan` of the tiny fixture for 2021, into `dir/plan`.
fn plan_tiny(dir: &Path) -> PathBuf {
    let out = dir.join("plan");
    crate::cli_support::succeeded(
        "rotaplan",
        bin()
            .args(["plan", "--quiet", "--year", "2021", "--data"])
            .arg(tiny())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap(),
    );
    out
}

fn verify(data: &Path, plan: &Path, out: &Path) -> Output {
    verify_with(data, plan, out, &[])
}

/// `verify` with `extra` arguments (e.g. `--pins F`) before `--plan`.
fn verify_with(data: &Path, plan: &Path, out: &Path, extra: &[&Path]) -> Output {
    bin()
        .args(["verify", "--year", "2021", "--data"])
        .arg(data)
        .args(extra)
        .arg("--plan")
        .arg(plan)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// violations.csv as (plan_row, teacher_id, rule).
fn violations(out: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(out.join("violations.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rd.headers().unwrap().iter().take(4).collect::<Vec<_>>(),
        ["plan_row", "teacher_id", "rule", "detail"]
    );
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[2].to_string())
        })
        .collect()
}

fn json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("verify.json")).unwrap()).unwrap()
}

fn read_rows(plan: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(plan).unwrap();
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    rd.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn write_rows(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// The index in `rows` (0 = header) of `teacher`'s move.
fn at(rows: &[Vec<String>], teacher: &str) -> usize {
    rows.iter().position(|r| r[0] == teacher).unwrap()
}

const TO: usize = 6;
const FROM: usize = 4;
const SUBJECT: usize = 2;

fn move_row(teacher: &str, from: &str, to: &str, subject: &str) -> Vec<String> {
    [
        teacher, "", subject, "none", from, "", to, "", "transfer", "2021", "2023", "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn own_plan_is_valid_and_matches_the_optimum() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_tiny(dir.path());
    for file in ["plan.csv", "plan.xlsx"] {
        let out = dir.path().join(format!("v-{file}"));
        let st = verify(&tiny(), &plan.join(file), &out);
        exited(&st, 0);
        assert!(violations(&out).is_empty());
        let j = json(&out);
        assert_eq!(j["valid"], true);
        assert_eq!(j["violations"], 0);
        assert_eq!(
            (j["shortfall"].as_u64(), j["optimal_shortfall"].as_u64()),
            (Some(2), Some(2))
        );
        assert_eq!(
            (
                j["filled_priority"].as_u64(),
                j["optimal_filled_priority"].as_u64()
            ),
            (Some(8), Some(8))
        );
        assert_eq!(j["kept"], serde_json::Value::Null);
        assert_eq!(j["wishes_met"], serde_json::json!([0, 0, 0, 0, 0]));
    }
}

/// One edit of the plan: cells of a teacher's row set, a teacher's row replaced by
/// another move (teacher, from, to, subject), a move appended, or anything else.
enum Edit {
    Set(&'static str, &'static [(usize, &'static str)]),
    Replace(&'static str, [&'static str; 4]),
    Push([&'static str; 4]),
    Other(fn(&mut Vec<Vec<String>>)),
}

impl Edit {
    fn apply(&self, r: &mut Vec<Vec<String>>) {
        match self {
            Edit::Set(teacher, cells) => {
                let i = at(r, teacher);
                for &(col, v) in cells.iter() {
                    r[i][col] = v.into();
                }
            }
            Edit::Replace(teacher, [t, f, to, s]) => {
                let i = at(r, teacher);
                r[i] = move_row(t, f, to, s);
            }
            Edit::Push([t, f, to, s]) => r.push(move_row(t, f, to, s)),
            Edit::Other(edit) => edit(r),
        }
    }
}

#[test]
fn each_injected_violation_is_found_alone_at_its_row() {
    use Edit::*;
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_tiny(dir.path());
    let base = read_rows(&plan.join("plan.csv"));
    // (edit, teacher whose row is reported, rule)
    let cases: Vec<(Edit, &str, &str)> = vec![
        (
            Push(["ZZ-99", "U1", "R2", "math"]),
            "ZZ-99",
            "unknown_teacher",
        ),
        (Set("U2-02", &[(TO, "R9")]), "U2-02", "unknown_school"),
        (Set("U2-02", &[(FROM, "U1")]), "U2-02", "wrong_from_school"),
        (Set("U1-06", &[(0, "U1-12")]), "U1-12", "not_eligible"),
        (
            Other(|r| {
                let i = at(r, "U2-02");
                let x = r[i].clone();
                r.push(x)
            }),
            "U2-02",
            "moved_twice",
        ),
        (
            Replace("U1-06", ["U1-01", "U1", "U1", "math"]),
            "U1-01",
            "pair_same_school",
        ),
        (Set("T1-01", &[(TO, "U1")]), "T1-01", "pair_direction"),
        (
            Replace("T1-01", ["X1-01", "X1", "R1", "math"]),
            "X1-01",
            "pair_district",
        ),
        (Set("T1-01", &[(TO, "R3")]), "T1-01", "pair_distance"),
        (
            Replace("U1-06", ["U1-02", "U1", "R2", "math"]),
            "U1-02",
            "pair_stage",
        ),
        (
            Set("U1-06", &[(SUBJECT, "music")]),
            "U1-06",
            "subject_mismatch",
        ),
        (
            Other(|r| {
                let i = at(r, "U1-06");
                r.remove(i);
                r.push(move_row("U1-02", "U1", "R1", "math"))
            }),
            "U1-02",
            "post_overfilled",
        ),
        (Push(["U1-08", "U1", "R1", "music"]), "U1-08", "school_cap"),
        (
            Set("U1-09", &[(9, "2022"), (10, "2024")]),
            "U1-09",
            "wrong_year",
        ),
        (Set("U1-09", &[(10, "2022")]), "U1-09", "wrong_term"),
        (Set("U1-09", &[(8, "支教")]), "U1-09", "wrong_form"),
    ];
    for (n, (edit, teacher, rule)) in cases.into_iter().enumerate() {
        let mut rows = base.clone();
        edit.apply(&mut rows);
        let file = dir.path().join(format!("edited-{n}.csv"));
        write_rows(&file, &rows);
        let out = dir.path().join(format!("v{n}"));
        let st = verify(&tiny(), &file, &out);
        assert_eq!(
            st.status.code(),
            Some(4),
            "{rule}: {}",
            String::from_utf8_lossy(&st.stderr)
        );
        // The reported row is the last row of that teacher (the repeated one for
        // moved_twice), as a spreadsheet numbers it.
        let row = rows.iter().rposition(|r| r[0] == teacher).unwrap() + 1;
        assert_eq!(
            violations(&out),
            vec![(row.to_string(), teacher.to_string(), rule.to_string())],
            "{rule}"
        );
        let j = json(&out);
        assert_eq!(
            (j["valid"].as_bool(), j["violations"].as_u64()),
            (Some(false), Some(1))
        );
        assert!(String::from_utf8_lossy(&st.stdout).contains(rule), "{rule}");
    }
}

#[test]
fn an_edited_workbook_and_a_gbk_file_load() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_tiny(dir.path());
    // Read the plan sheet of plan.xlsx, send T1-01 to R3 (80 km away), and save it in
    // a workbook whose first sheet is something else: the plan sheet is found by name.
    let mut book: Xlsx<_> = calamine::open_workbook(plan.join("plan.xlsx")).unwrap();
    let range = book.worksheet_range("交流名单").unwrap();
    let mut cells: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(cells[0][0], "教师编号");
    let i = cells.iter().position(|r| r[0] == "T1-01").unwrap();
    let to = cells[0].iter().position(|h| h == "接收学校").unwrap();
    cells[i][to] = "R3".into();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write(0, 0, "edited by hand")
        .unwrap();
    let ws = wb.add_worksheet().set_name("交流名单").unwrap();
    for (r, row) in cells.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write(r as u32, c as u16, v.as_str()).unwrap();
        }
    }
    let edited = dir.path().join("edited.xlsx");
    wb.save(&edited).unwrap();
    let out = dir.path().join("v-xlsx");
    let st = verify(&tiny(), &edited, &out);
    exited(&st, 4);
    assert_eq!(
        violations(&out),
        vec![(
            (i + 1).to_string(),
            "T1-01".to_string(),
            "pair_distance".to_string()
        )]
    );

    // plan.csv with the Chinese aliases, saved as GBK.
    let mut rows = read_rows(&plan.join("plan.csv"));
    rows[0] = [
        "工号",
        "姓名",
        "学科",
        "骨干级别",
        "派出学校",
        "派出区县",
        "接收学校",
        "接收区县",
        "形式",
        "开始年份",
        "结束年份",
        "距离(公里)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for r in rows.iter_mut().skip(1) {
        r[SUBJECT] = match r[SUBJECT].as_str() {
            "english" => "英语".into(),
            "math" => "数学".into(),
            "chinese" => "语文".into(),
            other => other.into(),
        };
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let utf8 = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let gbk = encoding_rs::GBK.encode(&utf8).0.into_owned();
    let file = dir.path().join("gbk.csv");
    std::fs::write(&file, gbk).unwrap();
    let out = dir.path().join("v-gbk");
    let st = verify(&tiny(), &file, &out);
    exited(&st, 0);
    assert_eq!(json(&out)["filled_priority"], 8);
}

#[test]
fn a_malformed_plan_is_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "teacher_id,from_school,start_year\nU1-06,U1,2021\nU1-09,U1,20x1\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let st = verify(&tiny(), &file, &out);
    assert_eq!(st.status.code(), Some(2));
    let err = String::from_utf8_lossy(&st.stderr);
    assert!(
        err.contains("missing required column to_school (接收学校)"),
        "{err}"
    );
    assert!(err.contains("row 3") && err.contains("20x1"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out.exists());
    // --out may not hold the plan file.
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "teacher_id,to_school\nU1-06,R1\n").unwrap();
    let st = verify(&tiny(), &good, dir.path());
    exited(&st, 2);
    assert!(!dir.path().join("verify.json").exists());
}

/// A pin the plan breaks is a violation: rotaplan's own plan of the tiny fixture moves
/// some teacher; a `stay` pin on that teacher (row 2 of the pins file) is reported as
/// `pin_stay` at the plan row that moves them, with the pin's row; exit 4.
#[test]
fn a_broken_pin_is_found_at_its_plan_row() {
    let tmp = tempfile::tempdir().unwrap();
    let planned = plan_tiny(tmp.path());
    let text = std::fs::read_to_string(planned.join("plan.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let first = rd.records().next().unwrap().unwrap();
    let teacher = first.get(0).unwrap().to_string();
    let pins = tmp.path().join("pins.csv");
    std::fs::write(
        &pins,
        format!("teacher_id,action,school_id,year,note\n{teacher},stay,,,family\n"),
    )
    .unwrap();
    let out = tmp.path().join("verified");
    let st = verify_with(
        &tiny(),
        &planned.join("plan.csv"),
        &out,
        &[Path::new("--pins"), &pins],
    );
    exited(&st, 4);
    assert_eq!(
        violations(&out),
        [("2".to_string(), teacher, "pin_stay".to_string())]
    );
    let raw = std::fs::read_to_string(out.join("violations.csv")).unwrap();
    assert!(raw.lines().nth(1).unwrap().ends_with(",2"), "{raw}");
}

/// `verify --previous P`: `kept` counts the moves of the plan that P has too (same
/// teacher, same host school); P may be a workbook; a malformed P is exit 2 with
/// nothing written.
#[test]
fn kept_counts_the_previous_plans_moves() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_tiny(dir.path());
    let rows = read_rows(&plan.join("plan.csv"));
    let moves = rows.len() - 1;
    assert!(moves >= 2, "the tiny plan moves at least two teachers");
    // The previous plan: the first move went elsewhere, the second was not there.
    let mut prev = rows.clone();
    prev[1][TO] = "R9".to_string();
    prev.remove(2);
    let previous = dir.path().join("previous.csv");
    write_rows(&previous, &prev);
    let run = |p: &Path, out: &Path| {
        bin()
            .args(["verify", "--quiet", "--year", "2021", "--data"])
            .arg(tiny())
            .arg("--plan")
            .arg(plan.join("plan.csv"))
            .arg("--previous")
            .arg(p)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let out = dir.path().join("v-prev");
    let st = run(&previous, &out);
    exited(&st, 0);
    assert_eq!(json(&out)["kept"].as_u64(), Some(moves as u64 - 2));
    // The plan's own workbook as the previous plan: every move kept.
    let out = dir.path().join("v-same");
    let st = run(&plan.join("plan.xlsx"), &out);
    exited(&st, 0);
    assert_eq!(json(&out)["kept"].as_u64(), Some(moves as u64));
    // A previous plan without a to_school column: refused, nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "teacher_id,name\nU1-01,x\n").unwrap();
    let out = dir.path().join("v-bad");
    let st = run(&bad, &out);
    assert_eq!(st.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&st.stderr).contains("bad.csv"));
    assert!(!out.exists());
}
