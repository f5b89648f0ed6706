//! `--previous` through the binary on the tiny fixture: a re-plan of an unchanged
//! folder keeps every move; after one previous mover becomes ineligible (joined the
//! school too recently) and another is pinned to stay, changes.csv drops both with the
//! rule each now breaks, and keeps the rest where it can. Wishes never force a move.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::cli_support::{exited, root};

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args)
        .output()
        .unwrap()
}

fn plan(data: &Path, out: &Path, extra: &[&Path]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "plan".as_ref(),
        "--quiet".as_ref(),
        "--year".as_ref(),
        "2021".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    for pair in extra.chunks(2) {
        args.push(pair[0].as_os_str());
        args.push(pair[1].as_os_str());
    }
    run(&args)
}

/// (teacher_id, to_school) of plan.csv, in file order.
fn moves(out: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(out.join("plan.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (t, to) = (col("teacher_id"), col("to_school"));
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[t].to_string(), x[to].to_string())
        })
        .collect()
}

fn changes(out: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(out.join("changes.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "teacher_id",
            "previous_to_school",
            "to_school",
            "change",
            "reason"
        ]
    );
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn previous_plan_kept_dropped_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = root().join("fixtures/tiny");
    let first = dir.path().join("first");
    let o = plan(&tiny, &first, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = moves(&first);
    assert!(before.len() >= 3, "{before:?}");
    let prev = first.join("plan.csv");
    let flag = PathBuf::from("--previous");

    // The same folder again: every move kept, kept = all.
    let same = dir.path().join("same");
    let o = plan(&tiny, &same, &[&flag, &prev]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = changes(&same);
    assert_eq!(rows.len(), before.len());
    assert!(
        rows.iter().all(|r| r[3] == "kept" && r[4].is_empty()),
        "{rows:?}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(same.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["kept"], before.len() as u64);

    // The first mover joined their school in 2020 now; the second is pinned to stay.
    let data = dir.path().join("data");
    copy_dir(&tiny, &data);
    let (gone, _) = &before[0];
    let (stays, _) = &before[1];
    let teachers = std::fs::read_to_string(data.join("teachers.csv")).unwrap();
    let edited: Vec<String> = teachers
        .lines()
        .map(|l| {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            if f[0] == *gone {
                f[9] = "2020".into();
            }
            f.join(",")
        })
        .collect();
    std::fs::write(data.join("teachers.csv"), edited.join("\n") + "\n").unwrap();
    std::fs::write(
        data.join("pins.csv"),
        format!("teacher_id,action,school_id,year,note\n{stays},stay,,,\n"),
    )
    .unwrap();
    let again = dir.path().join("again");
    let o = plan(&data, &again, &[&flag, &prev]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = changes(&again);
    let row = |t: &str| rows.iter().find(|r| r[0] == t).cloned().unwrap();
    assert_eq!(row(gone)[3], "dropped");
    assert_eq!(row(gone)[4], "not_eligible");
    assert_eq!(row(stays)[3], "dropped");
    assert_eq!(row(stays)[4], "pin_stay");
    for r in &rows {
        match r[3].as_str() {
            "kept" | "added" => assert!(r[4].is_empty(), "{r:?}"),
            "dropped" | "changed" => assert!(!r[4].is_empty(), "{r:?}"),
            other => panic!("change {other}"),
        }
    }
    // Every previous move still possible is kept when the optimum allows it: the
    // summary's kept is the kept rows.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(again.join("summary.json")).unwrap())
            .unwrap();
    let kept = rows.iter().filter(|r| r[3] == "kept").count() as u64;
    assert_eq!(summary["kept"], kept);
    // explain names the dropped move and its rule.
    let o = run(&[
        "explain".as_ref(),
        "--year".as_ref(),
        "2021".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--previous".as_ref(),
        prev.as_os_str(),
        "--teacher".as_ref(),
        gone.as_ref(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("dropped: not_eligible"),
        "{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn previous_must_not_be_overwritten_and_bad_rows_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = root().join("fixtures/tiny");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "teacher_id,to_school\nU1-01,\n").unwrap();
    let out = dir.path().join("out");
    let o = plan(&tiny, &out, &[&PathBuf::from("--previous"), &bad]);
    exited(&o, 2);
    assert!(!out.exists());
    // --out holding the previous plan is refused: it is an input.
    let first = dir.path().join("first");
    assert!(plan(&tiny, &first, &[]).status.success());
    let o = plan(
        &tiny,
        &first,
        &[&PathBuf::from("--previous"), &first.join("plan.csv")],
    );
    exited(&o, 2);
    assert!(first.join("plan.csv").is_file());
}

#[test]
fn wishes_never_force_a_move() {
    // Every teacher wishes for every school, the ineligible too: the plan's figures are
    // those of the plan without wishes, and nobody ineligible moves.
    let dir = tempfile::tempdir().unwrap();
    let tiny = root().join("fixtures/tiny");
    let plain = dir.path().join("plain");
    assert!(plan(&tiny, &plain, &[]).status.success());
    let teachers = std::fs::read_to_string(tiny.join("teachers.csv")).unwrap();
    let schools = std::fs::read_to_string(tiny.join("schools.csv")).unwrap();
    let school_ids: Vec<&str> = schools
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut wishes = String::from("teacher_id,rank,school_id\n");
    for l in teachers.lines().skip(1) {
        let t = l.split(',').next().unwrap();
        for (i, s) in school_ids.iter().take(5).enumerate() {
            wishes.push_str(&format!("{t},{},{s}\n", i + 1));
        }
    }
    let wf = dir.path().join("wishes.csv");
    std::fs::write(&wf, wishes).unwrap();
    let wished = dir.path().join("wished");
    let o = plan(&tiny, &wished, &[&PathBuf::from("--wishes"), &wf]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |d: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap()
    };
    let (a, b) = (read(&plain), read(&wished));
    for k in ["shortfall", "filled_priority", "sent", "optimal"] {
        assert_eq!(a[k], b[k], "{k}");
    }
    let elig = std::fs::read_to_string(wished.join("eligibility.csv")).unwrap();
    let mut r = csv::Reader::from_reader(elig.as_bytes());
    let h = r.headers().unwrap().clone();
    let (ti, ei) = (
        h.iter().position(|x| x == "teacher_id").unwrap(),
        h.iter().position(|x| x == "eligible").unwrap(),
    );
    let ineligible: Vec<String> = r
        .records()
        .map(|x| x.unwrap())
        .filter(|x| &x[ei] == "false")
        .map(|x| x[ti].to_string())
        .collect();
    assert!(!ineligible.is_empty());
    for (t, _) in moves(&wished) {
        assert!(!ineligible.contains(&t), "{t} moved");
    }
}
