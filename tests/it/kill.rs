//! The kill test: runs of `plan` on fixtures/nanchang killed at random instants (a
//! seeded generator; kill -9 and SIGTERM mixed), after a first complete run. After
//! each, `--out` holds exactly the complete old output or the complete new one (file
//! set and bytes, apart from `solve_seconds`), and a SIGTERM leaves nothing beside it.
//! Consecutive runs alternate `--lang zh` and `--lang en`, so old and new differ.
//!
//! Minutes in a debug build, so `#[ignore]`d; `.ci/run` runs it in release:
//! `cargo test --release --test it -- --ignored kill::`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 50;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn plan(out: &Path, lang: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rotaplan"));
    c.args(["--quiet", "plan", "--data"])
        .arg(root().join("fixtures/nanchang"))
        .args(["--year", "2021", "--lang", lang, "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Every file under `dir`, summary.json without its timing line.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        assert!(p.is_file(), "unexpected folder {}", p.display());
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let mut bytes = std::fs::read(&p).unwrap();
        if name == "summary.json" {
            let text = String::from_utf8(bytes).unwrap();
            bytes = text
                .lines()
                .filter(|l| !l.contains("\"solve_seconds\""))
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes();
        }
        out.insert(name, bytes);
    }
    out
}

/// SplitMix64: a small seeded generator, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn others_beside(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "out" && !n.starts_with("ref-"))
        .collect()
}

#[test]
#[ignore = "minutes in a debug build; run in release by .ci/run"]
fn killed_plans_leave_the_old_or_the_new_folder() {
    let t = tempfile::tempdir().unwrap();
    let reference = |lang: &str| {
        let dir = t.path().join(format!("ref-{lang}"));
        let start = Instant::now();
        assert!(plan(&dir, lang).status().unwrap().success());
        (tree(&dir), start.elapsed())
    };
    let (zh, took_zh) = reference("zh");
    let (en, took_en) = reference("en");
    assert_ne!(zh, en);
    let full = took_zh.max(took_en);
    let out = t.path().join("out");
    assert!(plan(&out, "zh").status().unwrap().success());
    let mut current = "zh";
    let mut rng = Rng(20_261_129);
    let (mut completed, mut sigterm, mut sigkill) = (0, 0, 0);
    for run in 0..RUNS {
        let lang = if current == "zh" { "en" } else { "zh" };
        let mut child = plan(&out, lang).spawn().unwrap();
        // Uniform over the run's whole length (and a little beyond: some complete).
        let at = Duration::from_micros(rng.next() % (full.as_micros() as u64 * 11 / 10 + 1));
        std::thread::sleep(at);
        let term = rng.next().is_multiple_of(2);
        let signal = if term { "-TERM" } else { "-KILL" };
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        let got = tree(&out);
        if got == zh {
            current = "zh";
        } else if got == en {
            current = "en";
        } else {
            panic!(
                "run {run} ({signal} after {at:?}): --out is neither the old nor the new output"
            );
        }
        if status.success() {
            completed += 1;
        } else if term {
            sigterm += 1;
            // The handler removed the staging folder.
            assert_eq!(others_beside(t.path()), Vec::<String>::new(), "run {run}");
        } else {
            sigkill += 1;
        }
    }
    // A last complete run removes what kill -9 left beside --out.
    assert!(plan(&out, "zh").status().unwrap().success());
    assert_eq!(tree(&out), zh);
    assert_eq!(others_beside(t.path()), Vec::<String>::new());
    eprintln!(
        "{RUNS} runs (full run {full:?}): {completed} completed, {sigterm} SIGTERM, {sigkill} kill -9"
    );
    assert!(sigterm > 0 && sigkill > 0);
}
