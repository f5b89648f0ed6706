//! `compare` through the binary: `--year` and `--horizon` agree with `plan` and
//! `horizon` run on their own, outputs do not depend on the thread count, and the
//! period flags are checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::cli_support::{argv, json, root, run, s, Var};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rules(name: &str) -> PathBuf {
    root().join("rules").join(name)
}

fn base_rules() -> PathBuf {
    rules("nanchang-2021-2025.toml")
}

/// Runs the arguments `line` (see [`argv`]) with `RAYON_NUM_THREADS` = `threads`:
/// `{data}` is fixtures/`data`, `{base}` the Nanchang rules, `{cross}`
/// variant-cross-district.toml, the others as in `vars`.
fn on(data: &str, line: &str, vars: &[Var], threads: Option<&str>) -> Output {
    let data = root().join("fixtures").join(data);
    let (base, cross) = (base_rules(), rules("variant-cross-district.toml"));
    let fixed: [Var; 3] = [("data", &data), ("base", &base), ("cross", &cross)];
    let all: Vec<Var> = fixed.into_iter().chain(vars.iter().copied()).collect();
    rotaplan(&argv(line, &all), threads)
}

/// [`on`] fixtures/tiny.
fn on_tiny(line: &str, vars: &[Var]) -> Output {
    on("tiny", line, vars, None)
}

fn rotaplan<S: AsRef<OsStr>>(args: &[S], threads: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rotaplan"));
    c.args(args);
    if let Some(n) = threads {
        c.env("RAYON_NUM_THREADS", n);
    }
    c.output().unwrap()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A CSV file as header → column maps, one per row.
fn table(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str) -> u64 {
    row.get(col)
        .unwrap_or_else(|| panic!("no column {col}"))
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?}", row[col]))
}

/// compare --horizon on `data` with two rule files, a sweep and the seniority
/// baseline, run with `threads`; returns the output folder.
fn compare_horizon(data: &str, sweep: &str, threads: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let line = format!(
        "compare --quiet --horizon --data {{data}} --rules {{base}} --rules {{cross}} \
         --set {sweep} --seniority --out {{out}}"
    );
    let o = on(data, &line, &[("out", &out.path())], Some(threads));
    ok(&o);
    out
}

fn same_files(a: &Path, b: &Path) {
    for f in ["compare.csv", "moves.csv", "report.html", "compare.xlsx"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between thread counts"
        );
    }
}

#[test]
fn tiny_horizon_matches_horizon_and_is_thread_independent() {
    let sweep = "quota.min_share_of_eligible=0.10,0.30";
    let one = compare_horizon("tiny", sweep, "1");
    let two = compare_horizon("tiny", sweep, "2");
    same_files(one.path(), two.path());
    // The page and workbook come with the period figures too.
    let page = std::fs::read_to_string(one.path().join("report.html")).unwrap();
    assert!(page.contains("<svg") && page.contains("V4") && !page.contains("<script"));
    assert!(one.path().join("compare.xlsx").is_file());

    let rows = table(&one.path().join("compare.csv"));
    let labels: Vec<&str> = rows.iter().map(|r| r["variant"].as_str()).collect();
    assert_eq!(
        labels,
        vec![
            "nanchang-2021-2025.toml quota.min_share_of_eligible=0.10",
            "nanchang-2021-2025.toml quota.min_share_of_eligible=0.10 method=seniority",
            "nanchang-2021-2025.toml quota.min_share_of_eligible=0.30",
            "nanchang-2021-2025.toml quota.min_share_of_eligible=0.30 method=seniority",
            "variant-cross-district.toml quota.min_share_of_eligible=0.10",
            "variant-cross-district.toml quota.min_share_of_eligible=0.10 method=seniority",
            "variant-cross-district.toml quota.min_share_of_eligible=0.30",
            "variant-cross-district.toml quota.min_share_of_eligible=0.30 method=seniority",
        ]
    );
    for r in &rows {
        let years: Vec<i32> = (2021..=2025).collect();
        // Sums and the per-year columns agree with each other.
        let sent: u64 = years.iter().map(|y| num(r, &format!("{y}:sent"))).sum();
        assert_eq!(sent, num(r, "sent"), "{}", r["variant"]);
        assert_eq!(num(r, "2025:cumulative"), num(r, "cumulative"));
        let by_district: u64 = r
            .iter()
            .filter(|(k, _)| k.ends_with(":cumulative") && !k.starts_with("20"))
            .map(|(_, v)| v.parse::<u64>().unwrap())
            .sum();
        assert_eq!(by_district, num(r, "cumulative"), "{}", r["variant"]);
        let d_sent: u64 = r
            .iter()
            .filter(|(k, _)| k.ends_with(":sent") && !k.starts_with("20"))
            .map(|(_, v)| v.parse::<u64>().unwrap())
            .sum();
        assert_eq!(d_sent, sent);
        assert_eq!(num(r, "target_exchanges"), 5000);
        assert_eq!(r["target_met"], "false");
        assert_eq!(r["met_in_year"], "");
    }

    // The first variant is exactly what `horizon` plans with the same rules.
    let h = tempfile::tempdir().unwrap();
    ok(&on_tiny(
        "horizon --quiet --data {data} --rules {base} \
         --set quota.min_share_of_eligible=0.10 --out {out}",
        &[("out", &h.path())],
    ));
    let first = &rows[0];
    let mut moves_by_teacher: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut eligible, mut shortfall, mut filled) = (0, 0, 0);
    for y in table(&h.path().join("horizon.csv")) {
        let year = &y["year"];
        assert_eq!(num(first, &format!("{year}:sent")), num(&y, "sent"));
        assert_eq!(
            num(first, &format!("{year}:cumulative")),
            num(&y, "cumulative")
        );
        eligible += num(&y, "eligible");
        shortfall += num(&y, "shortfall");
        filled += num(&y, "posts_filled");
        for m in table(&h.path().join(format!("{year}/plan.csv"))) {
            moves_by_teacher
                .entry(m["teacher_id"].clone())
                .or_default()
                .push(format!("{year}:{}", m["to_school"]));
        }
    }
    assert_eq!(num(first, "eligible"), eligible);
    assert_eq!(num(first, "shortfall"), shortfall);
    assert_eq!(num(first, "posts_filled"), filled);

    // moves.csv: every listed teacher's first-variant cell is what horizon planned,
    // and every teacher horizon moves but moves.csv omits moves the same everywhere.
    let moves = table(&one.path().join("moves.csv"));
    assert!(!moves.is_empty());
    let col = labels[0];
    for m in &moves {
        let planned = moves_by_teacher
            .get(&m["teacher_id"])
            .map(|v| v.join(";"))
            .unwrap_or_default();
        assert_eq!(m[col], planned, "{}", m["teacher_id"]);
        let cells: Vec<&String> = labels.iter().map(|l| &m[*l]).collect();
        assert!(
            cells.iter().any(|c| *c != cells[0]),
            "{} is listed but moves the same everywhere",
            m["teacher_id"]
        );
        let moved_in = cells.iter().filter(|c| !c.is_empty()).count() as u64;
        assert_eq!(num(m, "moved_in"), moved_in);
    }
}

#[test]
fn county_horizon_is_thread_independent() {
    let sweep = "quota.fill_beyond_quota=false,true";
    let one = compare_horizon("county", sweep, "1");
    let two = compare_horizon("county", sweep, "2");
    same_files(one.path(), two.path());
    let rows = table(&one.path().join("compare.csv"));
    assert_eq!(rows.len(), 8);
    for r in &rows {
        assert!(num(r, "cumulative") > 0, "{}", r["variant"]);
        if r["method"] == "optimal" {
            assert_eq!(r["optimal"], "true", "{}", r["variant"]);
        }
    }
    // Filling beyond the quota never sends fewer over the period's first year.
    assert!(num(&rows[2], "2021:sent") >= num(&rows[0], "2021:sent"));
}

#[test]
fn tiny_year_matches_plan() {
    let out = tempfile::tempdir().unwrap();
    let data = root().join("fixtures/tiny");
    let base = rules("nanchang-2021-2025.toml");
    let o = on_tiny(
        "compare --year 2021 --data {data} --rules {base} --rules {cross} --seniority \
         --out {out}",
        &[("out", &out.path())],
    );
    ok(&o);
    // One stdout line per variant, after the header.
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(stdout.lines().filter(|l| l.contains(".toml")).count(), 4);
    let p = tempfile::tempdir().unwrap();
    let (d, r, to) = (s(&data), s(&base), s(p.path()));
    ok(&run(&[
        "plan", "--quiet", "--year", "2021", "--data", d, "--rules", r, "--out", to,
    ]));
    let summary = json(&p.path().join("summary.json"));
    let rows = table(&out.path().join("compare.csv"));
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["variant"], "nanchang-2021-2025.toml");
    for f in [
        "eligible",
        "sent",
        "backbone_sent",
        "shortfall",
        "filled_priority",
        "posts",
        "posts_filled",
    ] {
        assert_eq!(
            num(&rows[0], f),
            summary[f].as_u64().unwrap(),
            "{f} differs from plan's summary.json"
        );
    }
}

#[test]
fn period_flags_are_exclusive_and_required() {
    for extra in ["", "--year 2021 --horizon"] {
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("o");
        let line = format!("compare --data {{data}} --rules {{base}} --out {{out}} {extra}");
        let o = on_tiny(&line, &[("out", &target)]);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--year") && err.contains("--horizon"), "{err}");
        assert!(!target.exists());
    }
}

#[test]
fn bad_sweep_value_in_horizon_mode_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("o");
    let o = on_tiny(
        "compare --horizon --data {data} --rules {base} \
         --set quota.min_share_of_eligible=0.10,lots --out {out}",
        &[("out", &target)],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("quota.min_share_of_eligible=lots") && err.contains("nothing was written"),
        "{err}"
    );
    assert!(!target.exists());
}

/// `compare --pins`: every variant plans under the pins, and compare.csv shows what
/// they cost it, the same figures as `plan`'s summary.json `pins`.
#[test]
fn pins_cost_per_variant() {
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.csv");
    std::fs::write(
        &pins,
        "teacher_id,action,school_id,year,note\nU1-06,stay,,,\nU1-01,to,R1,2021,\nU2-02,not_to,R2,,\nU1-05,move,,,\n",
    )
    .unwrap();
    let out = dir.path().join("cmp");
    let p = dir.path().join("plan");
    let run = |cmd: &str, out: &Path| {
        let line = format!("{cmd} --year 2021 --data {{data}} --rules {{base}} --pins {{pins}}");
        ok(&on_tiny(
            &format!("{line} --out {{out}}"),
            &[("pins", &pins), ("out", &out)],
        ));
    };
    run("compare --quiet", &out);
    run("plan --quiet", &p);
    let s = json(&p.join("summary.json"));
    let rows = table(&out.join("compare.csv"));
    let r = &rows[0];
    assert_eq!(num(r, "pins"), 4);
    let without = s["pins"]["shortfall_without_pins"].as_u64().unwrap();
    let pwithout = s["pins"]["filled_priority_without_pins"].as_u64().unwrap();
    assert_eq!(num(r, "shortfall_without_pins"), without);
    assert_eq!(num(r, "filled_priority_without_pins"), pwithout);
    assert_eq!(
        num(r, "pins_shortfall_delta"),
        s["shortfall"].as_u64().unwrap() - without
    );
    assert_eq!(
        num(r, "pins_priority_delta"),
        pwithout - s["filled_priority"].as_u64().unwrap()
    );
    assert!(
        num(r, "pins_shortfall_delta") + num(r, "pins_priority_delta") > 0,
        "these pins cost something"
    );
}

/// `compare --previous`: `kept` per variant is the variant's plan's `kept` (as `plan`
/// gives it), and the column is empty without a previous plan.
#[test]
fn kept_per_variant() {
    let dir = tempfile::tempdir().unwrap();
    let run = |cmd: &str, out: &Path, previous: Option<&Path>| {
        let line = format!("{cmd} --year 2021 --data {{data}} --rules {{base}} --out {{out}}");
        ok(&match previous {
            Some(p) => on_tiny(
                &format!("{line} --previous {{previous}}"),
                &[("out", &out), ("previous", &p)],
            ),
            None => on_tiny(&line, &[("out", &out)]),
        });
    };
    let first = dir.path().join("first");
    run("plan --quiet", &first, None);
    // The first plan's moves but one, sent elsewhere.
    let plan = std::fs::read_to_string(first.join("plan.csv")).unwrap();
    let previous = dir.path().join("previous.csv");
    let mut lines: Vec<String> = plan.lines().map(str::to_string).collect();
    assert!(lines.len() > 3, "{plan}");
    lines.remove(1);
    std::fs::write(&previous, lines.join("\n") + "\n").unwrap();
    let (cmp, replan) = (dir.path().join("cmp"), dir.path().join("replan"));
    run("compare --quiet", &cmp, Some(&previous));
    run("plan --quiet", &replan, Some(&previous));
    let s = json(&replan.join("summary.json"));
    let kept = s["kept"].as_u64().unwrap();
    assert!(kept > 0);
    let rows = table(&cmp.join("compare.csv"));
    assert_eq!(num(&rows[0], "kept"), kept);
    let plain = dir.path().join("cmp0");
    run("compare --quiet", &plain, None);
    assert_eq!(table(&plain.join("compare.csv"))[0]["kept"], "");
}
