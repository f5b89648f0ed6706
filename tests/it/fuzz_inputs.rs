//! Fuzzing the inputs: mutated fixture files (CSV bytes, cells, workbooks), mutated
//! rule files, random CEL expressions and random `--set` values. Nothing may panic:
//! every refusal must be an error value, and through the binary exit 2 (or 0 when the
//! mutation happens to be valid), never 1 or a crash.
//!
//! Driven by proptest, on stable Rust. Too slow for the debug suite, so `#[ignore]`d;
//! run in release, for `ROTAPLAN_FUZZ_SECONDS` seconds (default 30) per target:
//!
//! ```text
//! ROTAPLAN_FUZZ_SECONDS=300 cargo test --release --test it -- --ignored --nocapture fuzz_inputs::
//! ```
//!
//! Each target prints the cases it ran. `ROTAPLAN_FUZZ_SEED` varies the seeds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rotaplan_core::model::{
    Backbone, Gender, Locality, Role, School, SchoolId, Stage, Status, Subject, Teacher, TeacherId,
    Title,
};
use rotaplan_core::rules::{parse_rules, ExclusionContext, Expr, EXPR_FIELDS};
use rotaplan_io::input::{load, DataSources};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn budget() -> Duration {
    let secs = std::env::var("ROTAPLAN_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

fn base_seed() -> u64 {
    std::env::var("ROTAPLAN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(16)
}

/// Runs `strategy` through `test` in batches of 64 cases with fresh seeds until the
/// budget is spent; returns the number of cases. A failing case fails the test, with
/// proptest's shrunk input.
fn fuzz<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let start = Instant::now();
    let mut cases = 0u64;
    let mut batch = 0u64;
    while start.elapsed() < budget() {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&base_seed().to_le_bytes());
        seed[8..16].copy_from_slice(&batch.to_le_bytes());
        seed[16..].copy_from_slice(
            name.as_bytes()
                .iter()
                .cycle()
                .take(16)
                .copied()
                .collect::<Vec<_>>()
                .as_slice(),
        );
        let config = Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("{name}: {e}");
        }
        cases += 64;
        batch += 1;
    }
    println!(
        "fuzz {name}: {cases} cases in {:.0} s",
        start.elapsed().as_secs_f64()
    );
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    /// Replaces the `cell`-th field of line `line` (comma-split) with `text`.
    Cell(usize, usize, String),
    DuplicateLine(usize),
    Truncate(usize),
}

fn interesting_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("nan".to_string()),
        Just("-1".to_string()),
        Just("1e309".to_string()),
        Just("99999999999999999999".to_string()),
        Just("在岗".to_string()),
        Just("\u{200B}".to_string()),
        Just("\u{FEFF}x".to_string()),
        Just("\"".to_string()),
        Just("a\nb".to_string()),
        Just("\u{0}".to_string()),
        Just("１９８０".to_string()),
        Just("2021.5".to_string()),
        Just("鍦ㄥ矖".to_string()),
        "\\PC{0,12}",
        "[0-9.,;\"\r\n -]{0,8}",
        (1usize..40_000).prop_map(|n| "长".repeat(n)),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(p, b)| Mutation::Insert(p, b)),
        (any::<usize>(), 1usize..64).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), 0usize..14, interesting_text())
            .prop_map(|(l, c, t)| Mutation::Cell(l, c, t)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len().max(1);
    match m {
        Mutation::Flip(p, b) => {
            if let Some(x) = bytes.get_mut(p % len) {
                *x ^= b;
            }
        }
        Mutation::Insert(p, b) => {
            let at = p % (bytes.len() + 1);
            bytes.splice(at..at, b.iter().copied());
        }
        Mutation::Delete(p, n) => {
            let at = p % len;
            let end = (at + n).min(bytes.len());
            if at < end {
                bytes.drain(at..end);
            }
        }
        Mutation::Cell(l, c, t) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
            let n = lines.len();
            if let Some(line) = lines.get_mut(l % n) {
                let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
                let k = cells.len();
                if let Some(cell) = cells.get_mut(c % k) {
                    *cell = if t.contains([',', '"', '\n']) {
                        format!("\"{}\"", t.replace('"', "\"\""))
                    } else {
                        t.clone()
                    };
                }
                *line = cells.join(",");
            }
            *bytes = lines.join("\n").into_bytes();
        }
        Mutation::DuplicateLine(l) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut lines: Vec<&str> = text.split('\n').collect();
            let i = l % lines.len();
            let dup = lines[i];
            lines.insert(i, dup);
            *bytes = lines.join("\n").into_bytes();
        }
        Mutation::Truncate(p) => bytes.truncate(p % len),
    }
}

const FILES: [&str; 5] = ["schools", "teachers", "needs", "ledger", "evaluators"];

/// The fixture folders mutated: tiny (UTF-8, BOM, Chinese) and loader/gbk (GBK, CRLF).
fn folders() -> Vec<Vec<(String, Vec<u8>)>> {
    ["fixtures/tiny", "fixtures/loader/gbk"]
        .iter()
        .map(|f| {
            FILES
                .iter()
                .map(|n| {
                    let p = root().join(f).join(format!("{n}.csv"));
                    (n.to_string(), std::fs::read(p).unwrap())
                })
                .collect()
        })
        .collect()
}

/// A workbook of the rows of a CSV text (first sheet), for workbook mutations.
fn workbook(csv: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(csv);
    let text = text.trim_start_matches('\u{feff}');
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            // A cell over the workbook limit cannot be written; its CSV form is fuzzed.
            let _ = ws.write_string(r as u32, c as u16, cell.trim_end_matches('\r'));
        }
    }
    wb.save_to_buffer().unwrap()
}

fn write_folder(dir: &Path, files: &[(String, Vec<u8>)], xlsx: Option<usize>) {
    for (i, (name, bytes)) in files.iter().enumerate() {
        let ext = if Some(i) == xlsx { "xlsx" } else { "csv" };
        std::fs::write(dir.join(format!("{name}.{ext}")), bytes).unwrap();
    }
}

fn binary(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args)
        .output()
        .unwrap()
}

fn assert_clean_exit(
    o: &std::process::Output,
    ok: &[i32],
    what: &str,
) -> Result<(), TestCaseError> {
    let code = o.status.code();
    let err = String::from_utf8_lossy(&o.stderr);
    prop_assert!(
        code.is_some_and(|c| ok.contains(&c)) && !err.contains("internal error"),
        "{what}: exit {code:?}\n{err}"
    );
    Ok(())
}

#[test]
#[ignore = "fuzzing: run in release with --ignored (see the module doc)"]
fn loaders_never_panic() {
    let base = folders();
    let strategy = (
        0..base.len(),
        0..FILES.len(),
        proptest::collection::vec(mutation(), 1..6),
        any::<bool>(),
        0u8..16,
    );
    fuzz(
        "loaders",
        strategy,
        |(folder, file, muts, as_xlsx, through_binary)| {
            let tmp = tempfile::tempdir().unwrap();
            let mut files = base[folder].clone();
            let target = &mut files[file].1;
            if as_xlsx {
                // Mutate the cells, then write them as a workbook, then mutate some bytes
                // of the workbook too (most such workbooks are damaged).
                for m in muts.iter().filter(|m| matches!(m, Mutation::Cell(..))) {
                    apply(target, m);
                }
                *target = workbook(target);
                for m in muts.iter().filter(|m| matches!(m, Mutation::Flip(..))) {
                    apply(target, m);
                }
            } else {
                for m in &muts {
                    apply(target, m);
                }
            }
            write_folder(tmp.path(), &files, as_xlsx.then_some(file));
            let sources = DataSources {
                dir: Some(tmp.path().to_path_buf()),
                ..DataSources::default()
            };
            // A panic fails the case; an Err is a refusal, as it should be.
            let loaded = load(&sources);
            if through_binary == 0 {
                let o = binary(&["check", "--quiet", "--data", tmp.path().to_str().unwrap()]);
                let want: &[i32] = if loaded.is_ok() { &[0, 2] } else { &[2] };
                assert_clean_exit(&o, want, "check")?;
            }
            Ok(())
        },
    );
}

fn toml_mutation() -> impl Strategy<Value = (usize, usize, String)> {
    (
        any::<usize>(),
        0usize..4,
        prop_oneof![
            interesting_text(),
            Just("= 1".to_string()),
            Just("[plan]".to_string()),
            Just("first_year = 2021".to_string()),
            Just("[[eligibility.exclude]]".to_string()),
            Just("when = \"status == '产假'\"".to_string()),
            Just("x = { a = [1, 2, { b = 3 }] }".to_string()),
            Just("min_share_of_eligible = 1e400".to_string()),
            Just("window = [\"02-30\", \"13-01\"]".to_string()),
            Just("\"\"\"".to_string()),
        ],
    )
}

#[test]
#[ignore = "fuzzing: run in release with --ignored (see the module doc)"]
fn rules_parser_never_panics() {
    let base = std::fs::read_to_string(root().join("rules/nanchang-2021-2025.toml")).unwrap();
    let strategy = proptest::collection::vec(toml_mutation(), 1..6);
    fuzz("rules", strategy, |muts| {
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        for (at, how, text) in &muts {
            let i = at % (lines.len() + 1);
            match how {
                0 => lines.insert(i, text.clone()),
                1 if i < lines.len() => lines[i] = text.clone(),
                2 if i < lines.len() => {
                    let l = &lines[i];
                    let cut = l
                        .char_indices()
                        .map(|(k, _)| k)
                        .nth(at % (l.chars().count() + 1));
                    let (a, b) = l.split_at(cut.unwrap_or(l.len()));
                    lines[i] = format!("{a}{text}{b}");
                }
                _ if i < lines.len() => {
                    lines.remove(i);
                }
                _ => {}
            }
        }
        let _ = parse_rules(&lines.join("\n"), "fuzz.toml", &[]);
        Ok(())
    });
}

fn set_value() -> impl Strategy<Value = String> {
    let keys: Vec<String> = [
        "plan.first_year",
        "plan.last_year",
        "plan.target_exchanges",
        "plan.count_forms",
        "eligibility.min_years_at_school",
        "eligibility.statuses",
        "eligibility.exclude",
        "quota.min_share_of_eligible",
        "quota.backbone_share_level",
        "flow.max_distance_km",
        "flow.directions",
        "matching.substitutes",
        "term.years",
        "evaluation.window",
        "evaluation.holidays",
        "evaluation.panel_size",
        "nosuch.key",
        "plan",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    (
        proptest::sample::select(keys),
        prop_oneof![
            interesting_text(),
            Just("inf".to_string()),
            Just("[\"urban\",".to_string()),
            Just("{ science = [\"physics\"] }".to_string()),
            Just("0.1000000000000000000000000001".to_string()),
            Just("-0".to_string()),
        ],
    )
        .prop_map(|(k, v)| format!("{k}={v}"))
}

#[test]
#[ignore = "fuzzing: run in release with --ignored (see the module doc)"]
fn set_values_never_panic() {
    let tiny = root().join("fixtures/tiny");
    let strategy = (proptest::collection::vec(set_value(), 1..4), 0u8..16);
    fuzz("set", strategy, |(sets, through_binary)| {
        let parsed = parse_rules("", "defaults", &sets);
        // A NUL byte cannot be passed in a process argument: library only.
        if through_binary == 0 && !sets.iter().any(|s| s.contains('\0')) {
            let mut args = vec!["check", "--quiet", "--data", tiny.to_str().unwrap()];
            for s in &sets {
                args.push("--set");
                args.push(s);
            }
            let o = binary(&args);
            let want: &[i32] = if parsed.is_ok() { &[0, 2] } else { &[2] };
            assert_clean_exit(&o, want, "check --set")?;
        }
        Ok(())
    });
}

fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        proptest::sample::select(EXPR_FIELDS.to_vec()).prop_map(str::to_string),
        interesting_text().prop_map(|t| format!("'{}'", t.replace(['\'', '\\', '\n', '\r'], ""))),
        any::<i64>().prop_map(|i| i.to_string()),
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("'数学'".to_string()),
        Just("'产假'".to_string()),
        "[a-z_]{1,8}",
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                proptest::sample::select(vec![
                    "==", "!=", "<", ">", "+", "-", "*", "/", "%", "&&", "||", "in",
                ]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("!({a})")),
            inner.clone().prop_map(|a| format!("size({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[{a}, {b}]")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("{a} ? {b} : {c}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}.startsWith({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}.exists(x, x == {b})")),
            inner.clone().prop_map(|a| format!("{a}[0]")),
            inner.prop_map(|a| format!("({a}")),
        ]
    })
}

fn samples() -> Vec<(Teacher, School)> {
    let t = |id: &str, g: Gender, birth: i32, st: Status| Teacher {
        id: TeacherId::new(id),
        name: "李娜".into(),
        gender: g,
        birth_year: birth,
        school: SchoolId::new("S"),
        subject: Subject::normalise("数学"),
        title: Title::Intermediate,
        backbone: Backbone::County,
        role: Role::Teacher,
        joined_school_year: 2000,
        status: st,
        volunteer: false,
        birth_month: 1,
        retirement_age: None,
    };
    let s = |staff: Option<u32>| School {
        id: SchoolId::new("S"),
        name: "一小".into(),
        district: "东湖区".into(),
        township: None,
        locality: Locality::Rural,
        weak: true,
        stage: Stage::Junior,
        coord: None,
        staff,
    };
    vec![
        (t("A", Gender::F, 1900, Status::Maternity), s(Some(0))),
        (t("B", Gender::M, 2100, Status::Active), s(None)),
        (
            t("C", Gender::M, i32::MIN / 2, Status::Sick),
            s(Some(u32::MAX)),
        ),
    ]
}

#[test]
#[ignore = "fuzzing: run in release with --ignored (see the module doc)"]
fn cel_expressions_never_panic() {
    let people = samples();
    fuzz("cel", expression(), |src| {
        if let Ok(x) = Expr::parse(&src) {
            for (t, s) in &people {
                let ctx = ExclusionContext {
                    teacher: t,
                    school: s,
                    year: 2021,
                    retirement_age: 60,
                };
                // Ok or an error message; a panic fails the case.
                if let Err(m) = x.eval(&ctx).map_err(|e| e.to_string()) {
                    prop_assert!(!m.contains("Int(") && !m.contains("String("), "{src}: {m}");
                }
            }
        }
        Ok(())
    });
}
