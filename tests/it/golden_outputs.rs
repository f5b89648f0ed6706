//! Golden outputs: every command on the small fixtures, compared file by file with
//! the outputs checked in under `tests/golden/`. A change of any output byte (a plan,
//! a column, a report line) fails here, so a refactoring that should change nothing
//! can show that it changed nothing, and a change meant to alter outputs shows exactly
//! which files it alters.
//!
//! Workbooks are compared as a text dump of their cells (sheet by sheet, a row a line,
//! cells separated by tabs), so a diff of the checked-in files is readable. The only
//! values masked are those that differ by design between two runs: `solve_seconds`,
//! and the temporary folder's path where an output names its input.
//!
//! When outputs change on purpose, write the new golden files and review their diff:
//!
//! ```sh
//! ROTAPLAN_BLESS=1 cargo test --test it golden_outputs::
//! git diff --stat tests/golden
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use calamine::{open_workbook_auto, Data, Reader};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::cli_support::root;

/// One command run: its name (the golden folder), its arguments with `{root}` (the
/// repository) and `{out}` (the run's temporary folder) filled in, and whether its
/// stdout is the output (commands that write no folder).
struct Run {
    name: &'static str,
    args: &'static str,
    stdout: bool,
}

const RUNS: &[Run] = &[
    Run {
        name: "check_tiny",
        args: "check --data {root}/fixtures/tiny --rules {root}/rules/nanchang-2021-2025.toml",
        stdout: true,
    },
    Run {
        name: "plan_tiny",
        args: "--quiet plan --data {root}/fixtures/tiny --year 2021 --out {out}/plan_tiny",
        stdout: false,
    },
    Run {
        name: "plan_tiny_en",
        args: "--quiet plan --data {root}/fixtures/tiny --year 2021 --lang en --out {out}/plan_tiny_en",
        stdout: false,
    },
    Run {
        name: "plan_county",
        args: "--quiet plan --data {root}/fixtures/county --year 2021 --out {out}/plan_county",
        stdout: false,
    },
    Run {
        name: "explain_tiny",
        args: "explain --data {root}/fixtures/tiny --year 2021 --teacher U1-03 --teacher X1-01 --school U1",
        stdout: true,
    },
    Run {
        name: "horizon_horizon3",
        args: "--quiet horizon --data {root}/fixtures/horizon3 --rules {root}/rules/horizon3-2021-2023.toml --out {out}/horizon_horizon3",
        stdout: false,
    },
    Run {
        name: "horizon_period",
        args: "--quiet horizon --data {root}/fixtures/period --rules {root}/rules/period-2026-2028.toml --out {out}/horizon_period",
        stdout: false,
    },
    Run {
        name: "compare_tiny",
        args: "--quiet compare --data {root}/fixtures/tiny --rules {root}/rules/nanchang-2021-2025.toml --rules {root}/rules/variant-cross-district.toml --set quota.min_share_of_eligible=0.08,0.12 --seniority --year 2021 --out {out}/compare_tiny",
        stdout: false,
    },
    Run {
        name: "compare_horizon3",
        args: "--quiet compare --data {root}/fixtures/horizon3 --rules {root}/rules/horizon3-2021-2023.toml --set term.years=1,2 --horizon --out {out}/compare_horizon3",
        stdout: false,
    },
    Run {
        name: "progress_period",
        args: "--quiet progress --data {root}/fixtures/period --rules {root}/rules/period-2026-2028.toml --out {out}/progress_period",
        stdout: false,
    },
    Run {
        name: "schedule_tiny",
        args: "--quiet schedule --data {root}/fixtures/tiny --plan {out}/plan_tiny/plan.csv --out {out}/schedule_tiny",
        stdout: false,
    },
    Run {
        name: "itinerant_township",
        args: "--quiet itinerant --data {root}/fixtures/itinerant-township --year 2021 --out {out}/itinerant_township",
        stdout: false,
    },
    Run {
        name: "verify_tiny",
        args: "--quiet verify --data {root}/fixtures/tiny --plan {out}/plan_tiny/plan.xlsx --year 2021 --out {out}/verify_tiny",
        stdout: false,
    },
    Run {
        name: "shard1_county",
        args: "--quiet plan --data {root}/fixtures/county --year 2021 --shard 1/2 --out {out}/shard1_county",
        stdout: false,
    },
    Run {
        name: "shard2_county",
        args: "--quiet plan --data {root}/fixtures/county --year 2021 --shard 2/2 --out {out}/shard2_county",
        stdout: false,
    },
    Run {
        name: "merge_county",
        args: "--quiet merge {out}/shard1_county {out}/shard2_county --out {out}/merge_county",
        stdout: false,
    },
    Run {
        name: "gen_tiny",
        args: "--quiet gen --profile tiny --seed 7 --out {out}/gen_tiny",
        stdout: false,
    },
];

/// Shard folders are inputs of `merge`; their own files are checked through it.
fn golden(run: &Run) -> bool {
    !run.name.starts_with("shard")
}

/// Masks what differs by design between two runs.
fn normalise(text: &str, out: &Path) -> String {
    let text = text
        .replace(&root().display().to_string(), "{root}")
        .replace(&out.display().to_string(), "{out}");
    text.lines()
        .map(|l| match l.find("\"solve_seconds\":") {
            Some(i) => {
                let tail = if l.trim_end().ends_with(',') { "," } else { "" };
                format!("{}\"solve_seconds\": 0{tail}", &l[..i])
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        other => other.to_string().replace(['\t', '\n'], " "),
    }
}

/// A workbook as text: each sheet's name, then its rows, cells tab-separated.
fn dump_xlsx(path: &Path) -> String {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut s = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        s.push_str(&format!("== {name}\n"));
        for row in range.rows() {
            s.push_str(&row.iter().map(cell).collect::<Vec<_>>().join("\t"));
            s.push('\n');
        }
    }
    s
}

/// Every file under `dir`, by relative path, as comparable text.
fn outputs(dir: &Path, out: &Path) -> BTreeMap<String, String> {
    crate::cli_support::files_under(dir)
        .into_iter()
        .map(|(rel, p)| {
            if rel.ends_with(".xlsx") {
                (format!("{rel}.txt"), normalise(&dump_xlsx(&p), out))
            } else {
                let bytes = std::fs::read(&p).unwrap();
                let text = String::from_utf8(bytes)
                    .unwrap_or_else(|_| panic!("{}: not UTF-8 text", p.display()));
                (rel, normalise(&text, out))
            }
        })
        .collect()
}

fn run(r: &Run, out: &Path) -> BTreeMap<String, String> {
    let args = r
        .args
        .replace("{root}", &root().display().to_string())
        .replace("{out}", &out.display().to_string());
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args.split(' '))
        .env_remove("ROTAPLAN_DEBUG")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}: {args}\n{}",
        r.name,
        String::from_utf8_lossy(&o.stderr)
    );
    if r.stdout {
        let text = String::from_utf8(o.stdout).unwrap();
        BTreeMap::from([("stdout.txt".to_string(), normalise(&text, out))])
    } else {
        outputs(&out.join(r.name), out)
    }
}

fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}:\n  golden: {w}\n  now:    {g}", i + 1);
        }
    }
    format!(
        "{} lines golden, {} lines now",
        want.lines().count(),
        got.lines().count()
    )
}

#[test]
fn every_command_writes_what_is_checked_in() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path();
    let bless = std::env::var_os("ROTAPLAN_BLESS").is_some();
    let golden_root = root().join("tests/golden");
    let mut problems = Vec::new();
    for r in RUNS {
        let got = run(r, out);
        if !golden(r) {
            continue;
        }
        let dir = golden_root.join(r.name);
        if bless {
            let _ = std::fs::remove_dir_all(&dir);
            for (rel, text) in &got {
                let p = dir.join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            }
            continue;
        }
        let want = if dir.is_dir() {
            outputs(&dir, out)
        } else {
            BTreeMap::new()
        };
        for (rel, text) in &got {
            match want.get(rel) {
                None => problems.push(format!("{}/{rel}: new file, not checked in", r.name)),
                Some(w) if w != text => problems.push(format!(
                    "{}/{rel} differs at {}",
                    r.name,
                    first_difference(w, text)
                )),
                Some(_) => {}
            }
        }
        for rel in want.keys().filter(|k| !got.contains_key(*k)) {
            problems.push(format!("{}/{rel}: no longer written", r.name));
        }
    }
    assert!(
        problems.is_empty(),
        "outputs differ from tests/golden (if the change is meant, run \
         `ROTAPLAN_BLESS=1 cargo test --test it golden_outputs::` and review the diff):\n{}",
        problems.join("\n")
    );
}
