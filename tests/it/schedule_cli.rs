//! `rotaplan schedule` end to end on the hand-worked tiny fixture.
//!
//! Worked by hand (fixtures/tiny, its 2021 plan under rules/nanchang-2021-2025.toml):
//! four evaluations — U1-06 (english) and T1-01 (math) at R1, U1-09 (chinese) at T1,
//! U2-02 (english) at R2. Recusal removes E03 (school U1) from U1-06's and U1-09's
//! panels, E04 (T1) from T1-01's and U1-09's, E06 (R2) from U2-02's. The lower bound:
//! each school needs one panel of 3 on at least one day, and R1's two evaluations fit
//! one day with the same three evaluators (each sits ≤ 4 a day): 3 + 3 + 3 = 9, which
//! the schedule reaches, so it is proven optimal.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::cli_support::{bin, exited, json, stderr_has};

fn tiny_plan(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("plan");
    let st = bin()
        .args([
            "plan",
            "--data",
            "fixtures/tiny",
            "--rules",
            "rules/nanchang-2021-2025.toml",
        ])
        .args(["--year", "2021", "--quiet", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    out.join("plan.csv")
}

fn schedule(plan: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .args([
            "schedule",
            "--data",
            "fixtures/tiny",
            "--rules",
            "rules/nanchang-2021-2025.toml",
        ])
        .arg("--plan")
        .arg(plan)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn tiny_schedule_is_the_hand_worked_one() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tiny_plan(tmp.path());
    let out = tmp.path().join("s");
    let o = schedule(&plan, &out, &["--quiet"]);
    exited(&o, 0);
    let s = json(&out.join("summary.json"));
    assert_eq!(s["events"], 4);
    assert_eq!(s["scheduled"], 4);
    assert_eq!(s["unscheduled"], 0);
    assert_eq!(s["evaluator_days"], 9);
    assert_eq!(s["evaluator_days_lower_bound"], 9);
    assert_eq!(s["optimal"], true);
    // Where the days go: R1's two evaluations in one sitting of 3, each school proven.
    let hosts = s["by_host"].as_array().unwrap();
    assert_eq!(hosts.len(), 3);
    let r1 = hosts.iter().find(|h| h["school_id"] == "R1").unwrap();
    assert_eq!(
        (&r1["evaluations"], &r1["sittings"], &r1["evaluator_days"]),
        (&2.into(), &1.into(), &3.into())
    );
    assert_eq!(r1["evaluator_days_lower_bound"], 3);
    assert!(hosts.iter().all(|h| h["proven"] == true));
    assert!(s["travel_km"].as_f64().unwrap() >= 0.0);
    // Tie-breaks settled by the flow; the figures add up.
    assert_eq!(s["tie_breaks"], "optimal");
    let travel: f64 = hosts.iter().map(|h| h["travel_km"].as_f64().unwrap()).sum();
    assert!((travel - s["travel_km"].as_f64().unwrap()).abs() < 1e-6);
    assert!(s["load_sum_of_squares"].as_u64().unwrap() >= 9);
    assert!(s["load_spread"].as_u64().unwrap() <= s["days_per_evaluator_max"].as_u64().unwrap());
    let sched = rows(&out.join("schedule.csv"));
    assert_eq!(sched.len(), 4);
    let by_teacher = |t: &str| sched.iter().find(|r| r[1] == t).unwrap().clone();
    // R1's two evaluations share a day and a panel.
    let (a, b) = (by_teacher("U1-06"), by_teacher("T1-01"));
    assert_eq!((a[2].as_str(), b[2].as_str()), ("R1", "R1"));
    assert_eq!(a[3], b[3]);
    assert_eq!(a[4], b[4]);
    assert!(!a[4].contains("E03") && !a[4].contains("E04"));
    assert!(!by_teacher("U1-09")[4].contains("E03"));
    assert!(!by_teacher("U1-09")[4].contains("E04"));
    assert!(!by_teacher("U2-02")[4].contains("E06"));
    assert_eq!(by_teacher("U2-02")[2], "R2");
    for r in &sched {
        assert_eq!(r[4].split(';').count(), 3);
        assert!(r[3].as_str() >= "2021-11-01" && r[3].as_str() <= "2021-12-20");
    }
    // E02 is unavailable on 2021-11-03.
    for r in &sched {
        if r[3] == "2021-11-03" {
            assert!(!r[4].contains("E02"));
        }
    }
    assert!(rows(&out.join("unscheduled.csv")).is_empty());
}

#[test]
fn same_input_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tiny_plan(tmp.path());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    schedule(&plan, &a, &["--quiet", "--ics-per-evaluator"]);
    schedule(&plan, &b, &["--quiet", "--ics-per-evaluator"]);
    // One thread instead of the default: the per-school part is parallel.
    let c = tmp.path().join("c");
    let o = bin()
        .env("RAYON_NUM_THREADS", "1")
        .args(["schedule", "--data", "fixtures/tiny", "--rules"])
        .args([
            "rules/nanchang-2021-2025.toml",
            "--quiet",
            "--ics-per-evaluator",
        ])
        .arg("--plan")
        .arg(&plan)
        .arg("--out")
        .arg(&c)
        .output()
        .unwrap();
    assert!(o.status.success());
    for f in [
        "schedule.csv",
        "unscheduled.csv",
        "schedule.ics",
        "summary.json",
        "ics/E01.ics",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(c.join(f)).unwrap(),
            "{f} with one thread"
        );
    }
}

#[test]
fn recused_everywhere_gives_reasons_and_strict_exit() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tiny_plan(tmp.path());
    let out = tmp.path().join("s");
    let recuse = "evaluation.recuse=[\"host_district\"]";
    let o = schedule(&plan, &out, &["--quiet", "--strict", "--set", recuse]);
    exited(&o, 3);
    let un = rows(&out.join("unscheduled.csv"));
    assert_eq!(un.len(), 4);
    assert!(un.iter().all(|r| r[2] == "too_few_evaluators"));
    // A window with only a weekend: no workday.
    let out2 = tmp.path().join("s2");
    let weekend = "evaluation.window=[\"11-06\",\"11-07\"]";
    exited(&schedule(&plan, &out2, &["--quiet", "--set", weekend]), 0);
    let un = rows(&out2.join("unscheduled.csv"));
    assert!(un.iter().all(|r| r[2] == "no_workday_in_window"), "{un:?}");
}

#[test]
fn bad_plan_file_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("plan.csv");
    std::fs::write(
        &plan,
        "teacher_id,subject,from_school,to_school,start_year,end_year\n\
         U1-06,english,U1,NOPE,2021,2023\nU1-07,english,U1,R1,20x1,2023\n",
    )
    .unwrap();
    let out = tmp.path().join("s");
    let o = schedule(&plan, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("row 2") && err.contains("NOPE"), "{err}");
    assert!(err.contains("row 3") && err.contains("20x1"), "{err}");
    assert!(!out.exists());
}

#[test]
fn inspections_from_an_events_file() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tiny_plan(tmp.path());
    let ev = tmp.path().join("events.csv");
    std::fs::write(
        &ev,
        "event_id,kind,teacher_id,school_id,subject,window_start,window_end,panel_size\n\
         INS-T1,inspection,,T1,math,2021-11-08,2021-11-12,2\n",
    )
    .unwrap();
    let ins = scheduled_inspection(&plan, &ev, &tmp.path().join("s"));
    assert_eq!(ins[4].split(';').count(), 2);
    assert!(
        !ins[4].contains("E04"),
        "the inspected school's evaluator is recused"
    );
}

/// Schedules the tiny plan with the events file `ev`, which holds an inspection
/// `INS-T1` of school T1 in 2021-11-08..12: its schedule.csv row.
fn scheduled_inspection(plan: &Path, ev: &Path, out: &Path) -> Vec<String> {
    let o = schedule(plan, out, &["--quiet", "--events", ev.to_str().unwrap()]);
    exited(&o, 0);
    let sched = rows(&out.join("schedule.csv"));
    let ins = sched.iter().find(|r| r[0] == "INS-T1").unwrap().clone();
    assert_eq!(ins[5], "inspection");
    assert!(ins[3].as_str() >= "2021-11-08" && ins[3].as_str() <= "2021-11-12");
    ins
}

#[test]
fn a_bad_events_file_reports_every_problem_at_once() {
    // Read by the data loader's table reader: Chinese headers, every bad cell of every
    // row and the unknown school all reported together, exit 2, nothing written.
    let tmp = tempfile::tempdir().unwrap();
    let plan = tiny_plan(tmp.path());
    let ev = tmp.path().join("events.csv");
    std::fs::write(
        &ev,
        "事件编号,类型,工号,学校代码,学科,开始日期,结束日期,评委人数\n\
         A,inspection,,T1,math,2021-11-08,2021-11-12,2\n\
         A,inspection,,T1,math,2021-11-08,2021-11-12,2\n\
         B,visit,,NOPE,math,2021-13-01,2021-11-12,x\n\
         C,evaluation,,T1,math,2021-11-12,2021-11-08,\n\
         D,inspection,,NOPE,math,2021-11-08,2021-11-12,\n",
    )
    .unwrap();
    let out = tmp.path().join("s");
    let o = schedule(&plan, &out, &["--quiet", "--events", ev.to_str().unwrap()]);
    let needles = [
        "row 3, column 事件编号 (event_id), value \"A\": duplicate: this id was already used on row 2",
        "row 4, column 类型 (kind), value \"visit\"",
        "row 4, column 开始日期 (window_start), value \"2021-13-01\"",
        "row 4, column 评委人数 (panel_size), value \"x\"",
        "row 5, column 工号 (teacher_id)",
        "row 5, column 结束日期 (window_end), value \"2021-11-08\": the window ends before it starts",
        "row 6, column 学校代码 (school_id), value \"NOPE\": no such school in schools.csv",
    ];
    let err = stderr_has(&o, 2, &needles);
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out.exists());
}

#[test]
fn an_events_workbook_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tiny_plan(tmp.path());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let cells = [
        [
            "event_id",
            "kind",
            "teacher_id",
            "school_id",
            "subject",
            "window_start",
            "window_end",
        ],
        [
            "INS-T1",
            "督查",
            "",
            "T1",
            "math",
            "2021-11-08",
            "2021-11-12",
        ],
    ];
    for (r, row) in cells.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write(r as u32, c as u16, *v).unwrap();
        }
    }
    let ev = tmp.path().join("events.xlsx");
    wb.save(&ev).unwrap();
    scheduled_inspection(&plan, &ev, &tmp.path().join("s"));
}

#[test]
fn ics_parses_with_a_real_parser() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tiny_plan(tmp.path());
    let out = tmp.path().join("s");
    schedule(&plan, &out, &["--quiet", "--ics-per-evaluator"]);
    for file in ["schedule.ics", "ics/E05.ics"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(text.lines().all(|l| l.len() <= 76));
        assert!(text.contains("\r\n"));
        let unfolded = icalendar::parser::unfold(&text);
        let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
        assert!(cal
            .properties
            .iter()
            .any(|p| p.name == "VERSION" && p.val == "2.0"));
        let events: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert!(!events.is_empty());
        for e in &events {
            for key in ["UID", "DTSTAMP", "DTSTART", "SUMMARY", "LOCATION"] {
                assert!(e.find_prop(key).is_some(), "{key} missing");
            }
            let start = e.find_prop("DTSTART").unwrap();
            assert!(start
                .params
                .iter()
                .any(|p| p.key == "VALUE" && p.val.as_ref().is_some_and(|v| *v == "DATE")));
            assert_eq!(start.val.as_str().len(), 8);
        }
        if file == "schedule.ics" {
            assert_eq!(events.len(), 4);
            let r1 = events
                .iter()
                .find(|e| e.find_prop("UID").unwrap().val == "EV2021-U1-06@rotaplan")
                .unwrap();
            let attendees = r1
                .properties
                .iter()
                .filter(|p| p.name == "ATTENDEE")
                .count();
            assert_eq!(attendees, 3);
            assert!(r1
                .find_prop("LOCATION")
                .unwrap()
                .val
                .as_str()
                .contains("R1"));
        }
        // The higher-level parser accepts it too.
        let parsed: icalendar::Calendar = text.parse().unwrap();
        assert_eq!(parsed.components.len(), events.len());
    }
}

#[test]
fn generated_data_has_evaluators_and_schedules() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let st = bin()
        .args([
            "gen",
            "--profile",
            "tiny",
            "--seed",
            "7",
            "--quiet",
            "--out",
        ])
        .arg(&data)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(data.join("evaluators.csv").is_file());
    let plan = tmp.path().join("plan");
    let st = bin()
        .args(["plan", "--year", "2021", "--quiet", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&plan)
        .status()
        .unwrap();
    assert!(st.success());
    let out = tmp.path().join("s");
    crate::cli_support::succeeded(
        "rotaplan",
        bin()
            .args(["schedule", "--quiet", "--data"])
            .arg(&data)
            .arg("--plan")
            .arg(plan.join("plan.csv"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap(),
    );
    let s = json(&out.join("summary.json"));
    let planned = rows(&plan.join("plan.csv")).len();
    assert_eq!(s["events"].as_u64().unwrap() as usize, planned);
    assert!(
        s["evaluator_days"].as_u64().unwrap() >= s["evaluator_days_lower_bound"].as_u64().unwrap()
    );
}

/// A window of one day (29 February moves to 1 March in 2021) cannot hold every
/// evaluation: the bound is then for schedules placing as many as this one, so it
/// never exceeds what was achieved, and the summary claims optimality only as far as
/// its two bounds prove it.
#[test]
fn short_window_bound_is_a_true_bound() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tiny_plan(tmp.path());
    let out = tmp.path().join("s");
    let one_day = "evaluation.window=[\"02-29\",\"03-01\"]";
    exited(&schedule(&plan, &out, &["--quiet", "--set", one_day]), 0);
    let s = json(&out.join("summary.json"));
    let (days, bound) = (
        s["evaluator_days"].as_u64().unwrap(),
        s["evaluator_days_lower_bound"].as_u64().unwrap(),
    );
    assert!(s["unscheduled"].as_u64().unwrap() > 0);
    assert!(bound <= days, "bound {bound} > achieved {days}");
    assert!(bound > 0);
    // Objective (1): the flow bound is never below what was placed, and `optimal`
    // claims exactly what the two bounds prove.
    let (placed, most) = (
        s["scheduled"].as_u64().unwrap(),
        s["scheduled_upper_bound"].as_u64().unwrap(),
    );
    assert!(placed <= most && most <= s["events"].as_u64().unwrap());
    assert_eq!(s["scheduled_proven_max"], placed == most);
    assert_eq!(s["evaluator_days_proven_min"], days == bound);
    assert_eq!(s["optimal"], placed == most && days == bound);
    // Per host school: sittings, evaluator-days and a bound that is never above them
    // where every evaluation of the school was placed.
    let hosts = s["by_host"].as_array().unwrap();
    assert!(!hosts.is_empty());
    let sum: u64 = hosts
        .iter()
        .map(|h| h["evaluator_days"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, days);
    for h in hosts {
        if h["scheduled"] == h["evaluations"] {
            assert!(
                h["evaluator_days_lower_bound"].as_u64().unwrap()
                    <= h["evaluator_days"].as_u64().unwrap()
            );
        }
    }
}

/// The county fixture: every evaluation placed at the proven minimum of evaluator-days
/// (154, the optimum an independent CP-SAT model proved), every school at its bound,
/// and the same bytes with one thread.
#[test]
fn county_schedule_is_proven_optimal() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("plan");
    let st = bin()
        .args(["plan", "--data", "fixtures/county", "--rules"])
        .args([
            "rules/nanchang-2021-2025.toml",
            "--year",
            "2021",
            "--quiet",
            "--out",
        ])
        .arg(&plan)
        .status()
        .unwrap();
    assert!(st.success());
    let run = |out: &Path, threads: &str| {
        let o = bin()
            .env("RAYON_NUM_THREADS", threads)
            .args(["schedule", "--data", "fixtures/county", "--rules"])
            .args(["rules/nanchang-2021-2025.toml", "--quiet", "--plan"])
            .arg(plan.join("plan.csv"))
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(&a, "2");
    run(&b, "1");
    let s = json(&a.join("summary.json"));
    assert_eq!(s["scheduled"], s["events"]);
    assert_eq!(s["evaluator_days"], 154);
    assert_eq!(s["evaluator_days_lower_bound"], 154);
    assert_eq!(s["optimal"], true);
    assert!(s["by_host"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["proven"] == true));
    for f in ["schedule.csv", "summary.json"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap()
        );
    }
    // Without one school per evaluator-day the one-school schedule stays valid, so the
    // optimum can only be lower; the bound never exceeds what is achieved.
    let c = tmp.path().join("c");
    let o = bin()
        .args(["schedule", "--data", "fixtures/county", "--rules"])
        .args(["rules/nanchang-2021-2025.toml", "--quiet", "--plan"])
        .arg(plan.join("plan.csv"))
        .args([
            "--set",
            "evaluation.one_school_per_evaluator_day=false",
            "--out",
        ])
        .arg(&c)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = json(&c.join("summary.json"));
    assert_eq!(s["scheduled"], s["events"]);
    let (days, bound) = (
        s["evaluator_days"].as_u64().unwrap(),
        s["evaluator_days_lower_bound"].as_u64().unwrap(),
    );
    assert!(days <= 154 && bound <= days, "{days} {bound}");
    assert_eq!(s["optimal"], days == bound);
}
