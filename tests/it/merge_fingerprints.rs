//! `merge` refuses shards that are not of one run, naming the mismatch: different
//! data, rules or `--set`, N, a shard given twice, plan and horizon, different years,
//! and a stale `shard.json` next to a full plan.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use crate::cli_support::{code_and_text as rotaplan, s, tiny};

/// `plan --shard` of `data` into `out`, with `extra` arguments.
fn shard(data: &Path, out: &Path, sh: &str, extra: &[&str]) {
    let mut a = vec!["--quiet", "plan", "--data", s(data), "--shard", sh];
    a.extend_from_slice(extra);
    if !extra.contains(&"--year") {
        a.extend(["--year", "2021"]);
    }
    a.extend(["--out", s(out)]);
    let (code, text) = rotaplan(&a);
    assert_eq!(code, 0, "{text}");
}

fn merge_refused(dirs: &[&Path], out: &Path, needle: &str) {
    let mut a = vec!["merge"];
    a.extend(dirs.iter().map(|d| s(d)));
    a.extend(["--out", s(out)]);
    let (code, text) = rotaplan(&a);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains(needle), "expected {needle:?} in: {text}");
    assert!(!out.exists(), "merge wrote {}", out.display());
}

#[test]
fn merge_refuses_shards_of_different_runs() {
    let t = tempfile::tempdir().unwrap();
    let p = |n: &str| t.path().join(n);
    let out = p("merged");
    shard(&tiny(), &p("a1"), "1/2", &[]);
    shard(&tiny(), &p("a2"), "2/2", &[]);
    // The matching pair merges.
    let (code, text) = rotaplan(&[
        "--quiet",
        "merge",
        s(&p("a1")),
        s(&p("a2")),
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 0, "{text}");
    std::fs::remove_dir_all(&out).unwrap();

    shard(
        &tiny(),
        &p("set2"),
        "2/2",
        &["--set", "quota.min_share_of_eligible=0.3"],
    );
    merge_refused(&[&p("a1"), &p("set2")], &out, "different rules");

    let data = p("data");
    std::fs::create_dir(&data).unwrap();
    for e in std::fs::read_dir(tiny()).unwrap() {
        let f = e.unwrap().path();
        std::fs::copy(&f, data.join(f.file_name().unwrap())).unwrap();
    }
    let needs = std::fs::read_to_string(data.join("needs.csv")).unwrap();
    std::fs::write(data.join("needs.csv"), needs.replacen(",1\n", ",2\n", 1)).unwrap();
    shard(&data, &p("data2"), "2/2", &[]);
    merge_refused(&[&p("a1"), &p("data2")], &out, "the needs files differ");

    shard(&tiny(), &p("y2"), "2/2", &["--year", "2022"]);
    merge_refused(
        &[&p("a1"), &p("y2")],
        &out,
        "different commands: `plan 2021` and `plan 2022`",
    );

    shard(&tiny(), &p("n3"), "2/3", &[]);
    merge_refused(&[&p("a1"), &p("n3")], &out, "is of 2");
    merge_refused(&[&p("a1"), &p("a1"), &p("a2")], &out, "given twice");

    let (code, text) = rotaplan(&[
        "--quiet",
        "horizon",
        "--data",
        s(&tiny()),
        "--set",
        "plan.last_year=2021",
        "--shard",
        "2/2",
        "--out",
        s(&p("h2")),
    ]);
    assert_eq!(code, 0, "{text}");
    merge_refused(&[&p("a1"), &p("h2")], &out, "one kind at a time");

    // A stale shard.json next to a full plan: a full run into a shard folder removes
    // it; one copied in by hand is refused.
    let full = p("full");
    let (code, text) = rotaplan(&[
        "--quiet",
        "plan",
        "--data",
        s(&tiny()),
        "--year",
        "2021",
        "--out",
        s(&full),
    ]);
    assert_eq!(code, 0, "{text}");
    std::fs::copy(p("a2").join("shard.json"), full.join("shard.json")).unwrap();
    merge_refused(
        &[&p("a1"), &full],
        &out,
        "not written by the folder's last run",
    );
}
