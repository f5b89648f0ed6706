//! What the tests through the `rotaplan` binary share: the repository's root, running
//! the binary, its output as text, paths as arguments, the fixtures.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::ffi::{OsStr, OsString};
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Writes `text` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// fixtures/tiny.
pub fn tiny() -> PathBuf {
    root().join("fixtures/tiny")
}

/// rules/nanchang-2021-2025.toml.
pub fn nanchang_rules() -> PathBuf {
    root().join("rules/nanchang-2021-2025.toml")
}

/// The binary, to be given its arguments.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rotaplan"))
}

/// Runs the binary with `args`.
pub fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    bin().args(args).output().unwrap()
}

/// Runs the binary with `args`, which must succeed.
pub fn run_ok<S: AsRef<OsStr> + Debug>(args: &[S]) -> Output {
    succeeded(args, run(args))
}

/// A word `{name}` of [`argv`] and the value it stands for.
pub type Var<'a> = (&'a str, &'a dyn AsRef<OsStr>);

/// The arguments of a command line written as one string: `line` split at white
/// space, where a word `{name}` stands for the value `name` has in `vars` (a path or a
/// text, kept as one argument whatever it holds).
///
/// `argv("plan --data {data} --out {out}", &[("data", &tiny()), ("out", &out)])`
pub fn argv(line: &str, vars: &[Var]) -> Vec<OsString> {
    line.split_whitespace()
        .map(
            |w| match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) => vars
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or_else(|| panic!("{line}: no value for {{{name}}}"))
                    .1
                    .as_ref()
                    .to_os_string(),
                None => w.into(),
            },
        )
        .collect()
}

/// The JSON file at `path`.
pub fn json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap()
}

/// Asserts that the run exited with `code` and that its standard error holds each of
/// `needles`; returns the standard error.
pub fn stderr_has(o: &Output, code: i32, needles: &[&str]) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in:\n{err}");
    }
    err
}

/// Asserts that the run exited with `code`, its output in the message.
pub fn exited(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
}

/// `o`, after checking that the run of `what` succeeded (its output in the message).
pub fn succeeded(what: impl std::fmt::Debug, o: Output) -> Output {
    assert!(o.status.success(), "{what:?}: {}", text(&o));
    o
}

/// Standard output then standard error, as text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The exit code (-1 when killed) and [`text`].
pub fn code_and_text<S: AsRef<OsStr>>(args: &[S]) -> (i32, String) {
    let o = run(args);
    (o.status.code().unwrap_or(-1), text(&o))
}

/// A path as an argument.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file under `dir` (recursively), by its path relative to `dir` (with `/`),
/// sorted.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p));
        }
    }
    out.sort();
    out
}

#[test]
fn argv_puts_each_value_in_as_one_word() {
    let dir = Path::new("/tmp/a folder");
    let got = argv(
        "plan --data {data} --set a={data} --out {out}",
        &[("data", &dir), ("out", &"o")],
    );
    let want = [
        "plan",
        "--data",
        "/tmp/a folder",
        "--set",
        "a={data}",
        "--out",
        "o",
    ];
    assert_eq!(got, want.map(OsString::from));
}

#[test]
#[should_panic(expected = "no value for {out}")]
fn argv_refuses_a_word_without_a_value() {
    argv("plan --out {out}", &[]);
}
