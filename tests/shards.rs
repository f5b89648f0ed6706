//! `plan --shard I/N` and `merge`: the merged shard folders are byte for byte the
//! files of one run (apart from the wall-clock `solve_seconds`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rotaplan(args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn without_timing(json: &str) -> String {
    json.lines()
        .filter(|l| !l.contains("\"solve_seconds\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn merged_shards_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("fixtures/nanchang");
    let rules = root().join("rules/nanchang-2021-2025.toml");
    let plan = |out: &Path, shard: Option<&str>| {
        let mut args = vec![
            "--quiet",
            "plan",
            "--data",
            s(&data),
            "--rules",
            s(&rules),
            "--year",
            "2021",
            "--out",
            s(out),
        ];
        if let Some(sh) = shard {
            args.extend(["--shard", sh]);
        }
        let (code, text) = rotaplan(&args);
        assert_eq!(code, 0, "{text}");
    };
    let single = tmp.path().join("single");
    plan(&single, None);
    let shards: Vec<PathBuf> = (1..=3).map(|i| tmp.path().join(format!("s{i}"))).collect();
    for (i, dir) in shards.iter().enumerate() {
        plan(dir, Some(&format!("{}/3", i + 1)));
        assert!(dir.join("shard.json").exists());
    }
    let merged = tmp.path().join("merged");
    // Any order of folders.
    let (code, text) = rotaplan(&[
        "merge",
        s(&shards[2]),
        s(&shards[0]),
        s(&shards[1]),
        "--out",
        s(&merged),
    ]);
    assert_eq!(code, 0, "{text}");
    for f in ["plan.csv", "schools.csv", "eligibility.csv"] {
        let a = std::fs::read(single.join(f)).unwrap();
        let b = std::fs::read(merged.join(f)).unwrap();
        assert!(a == b, "{f} differs");
    }
    let a = std::fs::read_to_string(single.join("summary.json")).unwrap();
    let b = std::fs::read_to_string(merged.join("summary.json")).unwrap();
    assert_eq!(without_timing(&a), without_timing(&b));
    assert!(!merged.join("shard.json").exists());

    // A missing shard, or one given twice, is an error and writes nothing.
    let bad = tmp.path().join("bad");
    let (code, text) = rotaplan(&["merge", s(&shards[0]), s(&shards[1]), "--out", s(&bad)]);
    assert_eq!(code, 2);
    assert!(text.contains("missing shard(s): 3/3"), "{text}");
    let (code, text) = rotaplan(&[
        "merge",
        s(&shards[0]),
        s(&shards[0]),
        s(&shards[1]),
        s(&shards[2]),
        "--out",
        s(&bad),
    ]);
    assert_eq!(code, 2);
    assert!(text.contains("given twice"), "{text}");
    assert!(!bad.exists());
}

#[test]
fn shards_need_independent_districts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let (code, text) = rotaplan(&[
        "plan",
        "--data",
        s(&root().join("fixtures/tiny")),
        "--rules",
        s(&root().join("rules/variant-cross-district.toml")),
        "--year",
        "2021",
        "--out",
        s(&out),
        "--shard",
        "1/2",
    ]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("same_district"), "{text}");
    let (code, text) = rotaplan(&[
        "plan",
        "--data",
        s(&root().join("fixtures/tiny")),
        "--year",
        "2021",
        "--out",
        s(&out),
        "--shard",
        "3/2",
    ]);
    assert_eq!(code, 2, "{text}");
    assert!(!out.exists());
}
