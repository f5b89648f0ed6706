//! The output folder, through the binary: `--out` never overlaps an input, a folder
//! is owned by one command, a rerun leaves no stale file, problems known before the
//! solve are raised before it, nothing is left beside `--out`, and an interrupted run
//! leaves the old folder. (The release kill test is `tests/it/kill.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::cli_support::{root, run as rotaplan, s, text, tiny};

/// Every file under `dir` (relative path → bytes), hidden ones included.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

fn plan(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["--quiet", "plan", "--data", s(data), "--year", "2021"];
    args.extend_from_slice(extra);
    args.extend(["--out", s(out)]);
    rotaplan(&args)
}

fn assert_refused(o: &Output, needle: &str) {
    let t = text(o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains(needle), "expected {needle:?} in: {t}");
    assert!(t.contains("nothing was written"), "{t}");
}

/// Names in `dir` (one level).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn out_overlapping_any_input_is_refused_and_nothing_touched() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    copy_dir(&tiny(), &data);
    let rules = t.path().join("rules.toml");
    std::fs::copy(root().join("rules/nanchang-2021-2025.toml"), &rules).unwrap();
    let files = t.path().join("files");
    copy_dir(&tiny(), &files);
    let before = tree(t.path());
    let link = t.path().join("link");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&data, &link).unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (data.clone(), "is the input"),
        (data.join("out"), "is inside the input"),
        (t.path().to_path_buf(), "contains the input"),
        (data.join("sub/../out2"), "is inside the input"),
    ];
    for (out, needle) in &cases {
        assert_refused(&plan(&data, out, &[]), needle);
    }
    #[cfg(unix)]
    assert_refused(&plan(&data, &link, &[]), "is the input");
    std::fs::remove_file(&link).unwrap();
    // A file named on its own: --teachers inside --out.
    let o = rotaplan(&[
        "plan",
        "--data",
        s(&data),
        "--teachers",
        s(&files.join("teachers.csv")),
        "--year",
        "2021",
        "--out",
        s(&files),
    ]);
    assert_refused(&o, "contains the input");
    // The rules file as --out: an existing file, and an input.
    let o = plan(&data, &rules, &["--rules", s(&rules)]);
    assert_refused(&o, "rules.toml");
    // Every writing command checks: schedule's --plan, compare's --rules, merge's
    // shard folders, progress's --ledger, gen over a data folder.
    let o = rotaplan(&[
        "schedule",
        "--data",
        s(&data),
        "--plan",
        s(&t.path().join("p/plan.csv")),
        "--out",
        s(&t.path().join("p")),
    ]);
    assert_refused(&o, "contains the input");
    let o = rotaplan(&[
        "compare",
        "--data",
        s(&data),
        "--rules",
        s(&rules),
        "--year",
        "2021",
        "--out",
        s(t.path()),
    ]);
    assert_refused(&o, "contains the input");
    let o = rotaplan(&[
        "progress",
        "--data",
        s(&data),
        "--ledger",
        s(&data.join("ledger.csv")),
        "--out",
        s(&data),
    ]);
    assert_refused(&o, "is the input");
    let o = rotaplan(&["merge", s(&data), "--out", s(&data.join("m"))]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = rotaplan(&["gen", "--profile", "tiny", "--out", s(&data)]);
    assert_refused(&o, "holds files rotaplan did not write");
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert!(tree(t.path()) == before, "an input was touched");
    // gen --force replaces a folder of other files; gen reruns into its own folder.
    let g = t.path().join("g");
    std::fs::create_dir(&g).unwrap();
    std::fs::write(g.join("notes.txt"), "x").unwrap();
    let o = rotaplan(&[
        "--quiet",
        "gen",
        "--profile",
        "tiny",
        "--out",
        s(&g),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!g.join("notes.txt").exists());
    let o = rotaplan(&[
        "--quiet",
        "gen",
        "--profile",
        "tiny",
        "--seed",
        "2",
        "--out",
        s(&g),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(g.join("teachers.csv").is_file());
}

#[test]
fn problems_with_out_are_raised_before_the_solve() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("file");
    std::fs::write(&file, "keep").unwrap();
    assert_refused(&plan(&tiny(), &file, &[]), "is an existing file");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
    let o = plan(&tiny(), &file.join("sub/out"), &[]);
    assert_refused(&o, "cannot be made: ");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = t.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root may write anywhere: only check when the folder is really read-only.
        if std::fs::write(ro.join("probe"), "").is_err() {
            assert_refused(&plan(&tiny(), &ro.join("out"), &[]), "cannot write in");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // Refused before the solve: even bad --time-limit-free runs print no plan.
    let o = plan(&tiny(), &file, &[]);
    assert!(!text(&o).contains("wrote"), "{}", text(&o));
}

#[test]
fn a_folder_is_owned_by_one_command_and_reruns_leave_nothing_stale() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    // schedule with per-evaluator calendars, then without: no ics/ left.
    let p = t.path().join("p");
    assert_eq!(plan(&tiny(), &p, &[]).status.code(), Some(0));
    let tiny = tiny();
    let plan_csv = p.join("plan.csv");
    let sched = |extra: &[&str]| {
        let mut args = vec![
            "--quiet",
            "schedule",
            "--data",
            s(&tiny),
            "--plan",
            s(&plan_csv),
            "--out",
            s(&out),
        ];
        args.extend_from_slice(extra);
        rotaplan(&args)
    };
    assert_eq!(sched(&["--ics-per-evaluator"]).status.code(), Some(0));
    assert!(out.join("ics").is_dir());
    assert!(out.join(".rotaplan.json").is_file());
    assert_eq!(sched(&[]).status.code(), Some(0));
    assert!(!out.join("ics").exists());
    let owner: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(".rotaplan.json")).unwrap()).unwrap();
    assert_eq!(owner["command"], "schedule");
    let listed: Vec<String> = owner["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut present: Vec<String> = tree(&out).into_keys().collect();
    present.retain(|f| f != ".rotaplan.json");
    assert_eq!(listed, present);
    // A plan into the schedule's folder: refused, then --force replaces it whole.
    assert_refused(
        &plan(&tiny, &out, &[]),
        "holds the output of `rotaplan schedule`",
    );
    assert!(out.join("schedule.csv").is_file());
    assert_eq!(plan(&tiny, &out, &["--force"]).status.code(), Some(0));
    assert!(!out.join("schedule.csv").exists());
    assert!(out.join("plan.csv").is_file());
    // A file added by hand is not rotaplan's: refused, named.
    std::fs::write(out.join("my notes.txt"), "mine").unwrap();
    assert_refused(&plan(&tiny, &out, &[]), "my notes.txt");
    assert_eq!(std::fs::read(out.join("my notes.txt")).unwrap(), b"mine");
    std::fs::remove_file(out.join("my notes.txt")).unwrap();
    // A horizon of a longer period, then a shorter one: no stale year folder.
    let h = t.path().join("h");
    let horizon = |last: &str| {
        rotaplan(&[
            "--quiet",
            "horizon",
            "--data",
            s(&tiny),
            "--set",
            &format!("plan.last_year={last}"),
            "--out",
            s(&h),
        ])
    };
    assert_eq!(horizon("2023").status.code(), Some(0));
    assert!(h.join("2023/plan.csv").is_file());
    assert_eq!(horizon("2022").status.code(), Some(0));
    assert!(h.join("2022/plan.csv").is_file());
    assert!(!h.join("2023").exists());
    // Nothing but the output folders beside them: no staging left.
    assert_eq!(names(t.path()), vec!["h", "out", "p"]);
}

#[test]
fn a_full_run_into_a_shard_folder_removes_its_shard_json() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let o = plan(&tiny(), &out, &["--shard", "1/2"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(out.join("shard.json").is_file());
    assert_eq!(plan(&tiny(), &out, &[]).status.code(), Some(0));
    assert!(!out.join("shard.json").exists());
}

#[cfg(unix)]
#[test]
fn sigterm_removes_the_staging_folder_and_keeps_the_old_output() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let horizon = |data: &Path| {
        vec![
            "--quiet".to_string(),
            "horizon".into(),
            "--data".into(),
            s(data).into(),
            "--out".into(),
            s(&out).into(),
        ]
    };
    let first = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(horizon(&tiny()))
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let before = tree(&out);
    // A city-scale horizon (five plan years and the target search) takes far longer
    // than the pause below on any machine: interrupt it while it works.
    let child = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(horizon(&root().join("fixtures/nanchang")))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert_eq!(tree(&out), before);
    assert_eq!(names(t.path()), vec!["out"]);
}
