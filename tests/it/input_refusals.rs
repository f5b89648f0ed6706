//! Bad input is refused, never silently planned from: each case through the binary,
//! exit 2, every offending row or value named, nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::cli_support::{argv, exited, nanchang_rules as rules, root, run, s, text, tiny};

/// A copy of fixtures/tiny in `tmp/data`.
fn tiny_copy(tmp: &Path) -> PathBuf {
    let d = tmp.join("data");
    std::fs::create_dir_all(&d).unwrap();
    for f in std::fs::read_dir(root().join("fixtures/tiny")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&f, d.join(f.file_name().unwrap())).unwrap();
        }
    }
    d
}

fn append(path: &Path, lines: &str) {
    let mut t = std::fs::read_to_string(path).unwrap();
    t.push_str(lines);
    std::fs::write(path, t).unwrap();
}

/// Asserts exit 2, each needle in the output, and that `out` was not created.
fn refused(o: &Output, needles: &[&str], out: Option<&Path>) -> String {
    let t = text(o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    for n in needles {
        assert!(t.contains(n), "missing {n:?} in\n{t}");
    }
    assert!(!t.contains("panicked"), "{t}");
    if let Some(out) = out {
        assert!(!out.exists(), "{} was written", out.display());
    }
    t
}

/// Runs `line` (see [`argv`]) with `{data}`, `{out}` and `{rules}`, the Nanchang rules.
fn run_line(line: &str, data: &Path, out: &Path) -> Output {
    let rules = rules();
    run(&argv(
        line,
        &[("data", &data), ("rules", &rules), ("out", &out)],
    ))
}

#[test]
fn ledger_duplicates_overlaps_self_exchanges_and_wrong_sending_schools() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tiny_copy(tmp.path());
    let ledger = d.join("ledger.csv");
    // Rows 2–5 are the fixture's; 6–10 are bad, 11 is a cancelled clash (fine) and
    // 12 an old exchange from the teacher's previous school (fine).
    append(
        &ledger,
        "U1-17,U1,T1,math,transfer,2020,2022,active\n\
         U1-15,U1,R1,art,support,2017,2019,completed\n\
         T1-01,T1,T1,math,transfer,2022,2024,planned\n\
         U2-01,U1,R2,english,transfer,2022,2024,planned\n\
         U1-01,U2,R1,math,transfer,2012,2014,completed\n\
         U1-17,U1,R1,math,transfer,2021,2023,cancelled\n\
         U1-02,U2,R2,math,transfer,2008,2010,completed\n",
    );
    let out = tmp.path().join("out");
    let needles = [
        "ledger.csv: row 6, column start_year, value \"2020\": this exchange repeats row 3",
        "ledger.csv: row 7, column start_year, value \"2017\": teacher U1-15 is already on the exchange of row 2 (2016–2018)",
        "ledger.csv: row 8, column to_school, value \"T1\": the exchange goes from school T1 to itself",
        "ledger.csv: row 9, column from_school, value \"U1\": teacher U2-01 is at school U2",
        "ledger.csv: row 10, column from_school, value \"U2\": teacher U1-01 is at school U1 in teachers.csv (there since 2010)",
        "nothing was written",
    ];
    for line in [
        "check --data {data} --rules {rules}",
        "plan --data {data} --rules {rules} --year 2021 --out {out}",
        "progress --data {data} --rules {rules} --out {out}",
    ] {
        let t = refused(&run_line(line, &d, &out), &needles, Some(&out));
        assert!(!t.contains("row 11") && !t.contains("row 12"), "{t}");
    }
}

#[test]
fn fixture_ledgers_satisfy_the_ledger_checks() {
    for f in ["tiny", "county", "horizon3", "nanchang"] {
        let d = root().join("fixtures").join(f);
        let o = run(&["check", "--data", s(&d), "--rules", s(&rules()), "--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{f}: {}", text(&o));
    }
}

fn write_rules(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let p = dir.join(name);
    let base = std::fs::read_to_string(rules()).unwrap();
    std::fs::write(&p, format!("{base}\n{extra}")).unwrap();
    p
}

#[test]
fn cel_values_in_chinese_match_like_the_english_word() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = root().join("fixtures/tiny");
    let mut outputs = Vec::new();
    for (name, when) in [
        (
            "en.toml",
            "subject == 'math' || status == 'sick' || locality == 'town'",
        ),
        (
            "zh.toml",
            "subject == '数学' || status == '病休' || locality == '镇区'",
        ),
    ] {
        let r = write_rules(
            tmp.path(),
            name,
            &format!("[[eligibility.exclude]]\nid = \"custom\"\nwhen = \"{when}\"\n"),
        );
        let out = tmp.path().join(name.replace(".toml", ""));
        let line = "plan --quiet --data {data} --rules {rules} --year 2021 --out {out}";
        exited(
            &run(&argv(
                line,
                &[("data", &tiny), ("rules", &r), ("out", &out)],
            )),
            0,
        );
        outputs.push(std::fs::read_to_string(out.join("eligibility.csv")).unwrap());
    }
    assert!(outputs[0].contains("custom"), "{}", outputs[0]);
    assert_eq!(outputs[0], outputs[1]);
    let bad = write_rules(
        tmp.path(),
        "bad.toml",
        "[[eligibility.exclude]]\nid = \"away\"\nwhen = \"status == '出差'\"\n",
    );
    let o = run(&["check", "--data", s(&tiny), "--rules", s(&bad)]);
    refused(
        &o,
        &["'出差' is not a value of `status`", "maternity (产假)"],
        None,
    );
}

#[test]
fn numeric_flags_are_validated() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = root().join("fixtures/tiny");
    let out = tmp.path().join("out");
    let plan = "plan --data {data} --rules {rules} --year 2021 --out {out}";
    let cases = [
        format!("{plan} --time-limit nan"),
        format!("{plan} --time-limit=-1"),
        format!("{plan} --time-limit inf"),
        "plan --data {data} --rules {rules} --year 20x1 --out {out}".into(),
        "plan --data {data} --rules {rules} --year=-2021 --out {out}".into(),
        format!("{plan} --shard 0/4"),
        "horizon --data {data} --rules {rules} --out {out} --time-limit 0".into(),
        "explain --data {data} --rules {rules} --year 1e9 --teacher U1-01".into(),
        "progress --data {data} --rules {rules} --as-of 99999".into(),
        "check --data {data} --rules {rules} --year abc".into(),
        "compare --data {data} --rules {rules} --year 2021 --out {out} --time-limit NaN".into(),
        "gen --profile tiny --seed -1 --out {out}".into(),
    ];
    for args in &cases {
        let res = run_line(args, &tiny, &out);
        let t = text(&res);
        assert_eq!(res.status.code(), Some(2), "{args:?}: {t}");
        assert!(
            !t.contains("panicked") && !t.contains("internal error"),
            "{t}"
        );
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
    let t = text(&run_line(&cases[0], &tiny, &out));
    assert!(
        t.contains("expected a number of seconds greater than 0"),
        "{t}"
    );
}

#[test]
fn explain_refuses_namesakes_and_years_outside_the_period() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tiny_copy(tmp.path());
    append(
        &d.join("teachers.csv"),
        "U2-99,王芳,女,1985,U2,数学,中级,无,教师,2010,在岗,否,\n",
    );
    let out = tmp.path().join("out");
    let explain = |year: &str, teacher: &str| {
        let line =
            format!("explain --data {{data}} --rules {{rules}} --year {year} --teacher {teacher}");
        run_line(&line, &d, &out)
    };
    refused(
        &explain("2021", "王芳"),
        &[
            "2 teachers in teachers.csv are named `王芳`",
            "U1-01 (school U1",
            "U2-99 (school U2",
            "give the id",
        ],
        None,
    );
    exited(&explain("2021", "U1-01"), 0);
    for y in ["2030", "2020"] {
        refused(
            &explain(y, "U1-01"),
            &["outside the plan period", "2021–2025", "--any-year"],
            None,
        );
    }
    exited(&explain("2030 --any-year", "U1-01"), 0);
    let o = run_line(
        "plan --data {data} --rules {rules} --year 2026 --out {out}",
        &d,
        &out,
    );
    refused(&o, &["outside the plan period"], Some(&out));
}

#[test]
fn progress_uses_the_data_folders_ledger() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = root().join("fixtures/tiny");
    let out = tmp.path().join("out");
    let progress = "progress --data {data} --rules {rules} --out {out}";
    exited(
        &run_line(&format!("{progress} --as-of 2021"), &tiny, &out),
        0,
    );
    let csv = std::fs::read_to_string(out.join("progress.csv")).unwrap();
    assert!(csv.starts_with("year,"), "{csv}");
    // Without any ledger, progress asks for one.
    let d = tiny_copy(tmp.path());
    std::fs::remove_file(d.join("ledger.csv")).unwrap();
    let out2 = tmp.path().join("out2");
    let o = run_line(progress, &d, &out2);
    refused(&o, &["progress needs a ledger"], Some(&out2));
}

#[test]
fn missing_columns_list_the_headers_and_the_closest_and_output_headers_load() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tiny_copy(tmp.path());
    let needs = std::fs::read_to_string(d.join("needs.csv")).unwrap();
    let body = needs.split_once('\n').unwrap().1;
    std::fs::write(
        d.join("needs.csv"),
        format!("学校代码（必填）,subject,count,priority\n{body}"),
    )
    .unwrap();
    let o = check(&d);
    refused(
        &o,
        &[
            "needs.csv: row 1: missing required column school_id (学校代码); column A \"学校代码（必填）\" looks like it: rename it to 学校代码",
            "the header row has: A \"学校代码（必填）\", B \"subject\", C \"count\", D \"priority\"",
        ],
        None,
    );
    // plan.xlsx's own header for the column is read as it.
    std::fs::write(
        d.join("needs.csv"),
        format!("学校编号,subject,count,priority\n{body}"),
    )
    .unwrap();
    exited(&check(&d), 0);
}

#[test]
fn a_misread_encoding_is_one_message_and_invisible_characters_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tiny_copy(tmp.path());
    let teachers = std::fs::read_to_string(d.join("teachers.csv")).unwrap();
    let (header, body) = teachers.split_once('\n').unwrap();
    // UTF-8 rows that went through a GB18030 reading and were saved again.
    let garbled = encoding_rs::GB18030
        .decode_without_bom_handling(body.as_bytes())
        .0;
    std::fs::write(d.join("teachers.csv"), format!("{header}\n{garbled}")).unwrap();
    let o = check(&d);
    let t = refused(
        &o,
        &[
            "teachers.csv: the file's text encoding looks wrong",
            "save the file as UTF-8",
            "性别 (gender)",
        ],
        None,
    );
    let lines = t.lines().filter(|l| l.contains("teachers.csv")).count();
    assert!(lines <= 3, "one message, not one per row:\n{t}");
    assert!(!t.contains("expected one of"), "{t}");
    // The whole file, header included, misread.
    let all = encoding_rs::GB18030
        .decode_without_bom_handling(teachers.as_bytes())
        .0;
    std::fs::write(d.join("teachers.csv"), all.as_bytes()).unwrap();
    let o = check(&d);
    let t = refused(
        &o,
        &["teachers.csv: row 1: the file's text encoding looks wrong"],
        None,
    );
    assert!(!t.contains("missing required column"), "{t}");

    let d = tmp.path().join("data");
    std::fs::remove_dir_all(&d).unwrap();
    let d = tiny_copy(tmp.path());
    append(
        &d.join("teachers.csv"),
        "U2-98\u{200B},孙丽,女,1985,U2,数学,中级,无,教师,2010,在岗,否,\n\
         U2-97,孙强,男,1985,U\u{0}2,数学,中级,无,教师,2010,在岗,否,\n",
    );
    let o = check(&d);
    refused(
        &o,
        &[
            "teachers.csv: row 31, column 工号 (teacher_id), value \"U2-98<U+200B>\": the id contains an invisible character, U+200B (zero-width space), at character 6",
            "row 32, column 学校代码 (school_id), value \"U<U+0000>2\": the id contains an invisible character, U+0000 (NUL)",
        ],
        None,
    );
}

#[test]
fn hidden_first_sheet_is_skipped_and_the_sheet_is_named() {
    use rust_xlsxwriter::Workbook;
    let tmp = tempfile::tempdir().unwrap();
    let d = tiny_copy(tmp.path());
    let csv = std::fs::read_to_string(d.join("teachers.csv")).unwrap();
    std::fs::remove_file(d.join("teachers.csv")).unwrap();
    let write = |rows: &str, path: &Path| {
        let mut wb = Workbook::new();
        let old = wb.add_worksheet();
        old.set_name("旧名册").unwrap();
        old.write_string(0, 0, "teacher_id").unwrap();
        old.write_string(1, 0, "OLD-1").unwrap();
        old.set_hidden(true);
        let cur = wb.add_worksheet();
        cur.set_name("名册").unwrap();
        cur.set_active(true);
        for (r, line) in rows.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                cur.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        wb.save(path).unwrap();
    };
    let xlsx = d.join("teachers.xlsx");
    write(&csv, &xlsx);
    let o = check(&d);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains("\"旧名册\" are hidden") && t.contains("名册"),
        "{t}"
    );
    write(
        &csv.replace("U1-01,王芳,女,1980", "U1-01,王芳,女,19x0"),
        &xlsx,
    );
    let o = check(&d);
    refused(
        &o,
        &["teachers.xlsx [sheet 名册]: row 2, column 出生年份 (birth_year), value \"19x0\""],
        None,
    );
}

#[test]
fn over_long_cells_are_refused_when_loading() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tiny_copy(tmp.path());
    let long = "长".repeat(32_768);
    append(
        &d.join("teachers.csv"),
        &format!("U2-96,{long},女,1985,U2,数学,中级,无,教师,2010,在岗,否,\n"),
    );
    let out = tmp.path().join("out");
    for line in [
        "check --data {data} --rules {rules}",
        "plan --data {data} --rules {rules} --year 2021 --out {out}",
    ] {
        refused(
            &run_line(line, &d, &out),
            &[
                "teachers.csv: row 31, column 姓名 (name)",
                "32768 characters long",
                "32,767",
            ],
            Some(&out),
        );
    }
}

/// `check` of `data` with the Nanchang rules.
fn check(data: &Path) -> Output {
    run(&["check", "--data", s(data), "--rules", s(&rules())])
}

/// `check` of fixtures/tiny with the rules file `rules`.
fn check_with(rules: &Path) -> Output {
    run(&["check", "--data", s(&tiny()), "--rules", s(rules)])
}

#[test]
fn toml_syntax_errors_give_line_column_and_duplicate_key() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path().join("dup.toml");
    std::fs::write(&r, "[plan]\nfirst_year = 2021\n  first_year = 2022\n").unwrap();
    let o = check_with(&r);
    refused(
        &o,
        &[&format!(
            "{}:3: not valid TOML at column 3: duplicate key `first_year`",
            s(&r)
        )],
        None,
    );
    let r = tmp.path().join("runtime.toml");
    let base = std::fs::read_to_string(rules()).unwrap();
    let line = base.lines().count() + 4;
    std::fs::write(
        &r,
        format!(
            "{base}\n[[eligibility.exclude]]\nid = \"ratio\"\nwhen = \"100 / (staff - 20) > 1\"\n"
        ),
    )
    .unwrap();
    let o = check_with(&r);
    let t = refused(
        &o,
        &[
            &format!("`ratio` (line {line}) fails on teacher"),
            "division by zero",
        ],
        None,
    );
    assert!(!t.contains("Int("), "{t}");
}
