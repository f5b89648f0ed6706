//! `explain` on the city-scale fixture agrees with `plan`: nanchang 2021 is planned
//! once, then one `explain` run (repeated --teacher / --school) explains a
//! deterministic sample of placed, eligible-not-placed and not-eligible teachers,
//! and every explanation is checked against plan.csv, schools.csv and
//! eligibility.csv.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::cli_support::root;

type Row = BTreeMap<String, String>;

fn table(path: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            h.iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

/// Every `k`-th item, `k` chosen so that about `n` are taken.
fn every_kth<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    let k = (items.len() / n).max(1);
    items.iter().step_by(k).take(n).cloned().collect()
}

fn common_args() -> Vec<String> {
    let r = root();
    vec![
        "--data".into(),
        r.join("fixtures/nanchang").display().to_string(),
        "--rules".into(),
        r.join("rules/nanchang-2021-2025.toml")
            .display()
            .to_string(),
        "--year".into(),
        "2021".into(),
    ]
}

/// One explained teacher: the rule ids that failed and the outcome sentence.
struct Explained {
    failed: BTreeSet<String>,
    outcome: String,
}

fn parse_teachers(text: &str) -> BTreeMap<String, Explained> {
    let mut out = BTreeMap::new();
    for block in text.split("\n\n") {
        let mut lines = block.lines();
        let head = lines.next().unwrap_or("");
        if !head.starts_with("teacher ") {
            continue;
        }
        let id = head.split_whitespace().nth(1).unwrap().to_string();
        let mut failed = BTreeSet::new();
        let mut outcome = String::new();
        let mut in_outcome = false;
        for l in lines {
            if let Some(rest) = l.trim_start().strip_prefix("FAIL") {
                failed.insert(rest.trim().split(':').next().unwrap().to_string());
            } else if l.starts_with("outcome") {
                in_outcome = true;
            } else if in_outcome {
                outcome = l.trim().to_string();
            }
        }
        out.insert(id, Explained { failed, outcome });
    }
    out
}

/// The number right after `prefix` in `s`.
fn number_after(s: &str, prefix: &str) -> u64 {
    let i = s
        .find(prefix)
        .unwrap_or_else(|| panic!("`{prefix}` not in {s}"))
        + prefix.len();
    s[i..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn nanchang_sample_explanations_match_the_plan() {
    let out = tempfile::tempdir().unwrap();
    crate::cli_support::succeeded(
        "rotaplan",
        Command::new(env!("CARGO_BIN_EXE_rotaplan"))
            .args(["plan", "--quiet"])
            .args(common_args())
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap(),
    );
    let plan = table(&out.path().join("plan.csv"));
    let schools: BTreeMap<String, Row> = table(&out.path().join("schools.csv"))
        .into_iter()
        .map(|r| (r["school_id"].clone(), r))
        .collect();
    let eligibility = table(&out.path().join("eligibility.csv"));
    let teachers: BTreeMap<String, Row> = table(&root().join("fixtures/nanchang/teachers.csv"))
        .into_iter()
        .map(|r| (r["teacher_id"].clone(), r))
        .collect();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("summary.json")).unwrap()).unwrap();
    let placed: BTreeMap<&str, &Row> = plan.iter().map(|r| (r["teacher_id"].as_str(), r)).collect();

    let ids = |f: &dyn Fn(&Row) -> bool| -> Vec<String> {
        eligibility
            .iter()
            .filter(|r| f(r))
            .map(|r| r["teacher_id"].clone())
            .collect()
    };
    let moved = ids(&|r| placed.contains_key(r["teacher_id"].as_str()));
    let waiting =
        ids(&|r| r["eligible"] == "true" && !placed.contains_key(r["teacher_id"].as_str()));
    let excluded = ids(&|r| r["eligible"] == "false");
    let mut sample = every_kth(&moved, 12);
    sample.extend(every_kth(&waiting, 16));
    sample.extend(every_kth(&excluded, 12));
    // A few schools too: their figures must be schools.csv's.
    let school_sample: Vec<String> = every_kth(&schools.keys().cloned().collect::<Vec<_>>(), 4);

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rotaplan"));
    cmd.arg("explain").args(common_args());
    for t in &sample {
        cmd.args(["--teacher", t]);
    }
    for s in &school_sample {
        cmd.args(["--school", s]);
    }
    let st = cmd.output().unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let text = String::from_utf8(st.stdout).unwrap();
    let explained = parse_teachers(&text);
    assert_eq!(explained.len(), sample.len());

    let reasons: BTreeMap<&str, BTreeSet<String>> = eligibility
        .iter()
        .map(|r| {
            let set = r["reasons"]
                .split(';')
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect();
            (r["teacher_id"].as_str(), set)
        })
        .collect();
    let mut kinds = BTreeMap::<&str, usize>::new();
    for id in &sample {
        let x = &explained[id];
        let t = &teachers[id];
        assert_eq!(x.failed, reasons[id.as_str()], "{id}: rule ids differ");
        let o = &x.outcome;
        if let Some(m) = placed.get(id.as_str()) {
            *kinds.entry("placed").or_default() += 1;
            let want = format!("placed (交流): to {} ", m["to_school"]);
            assert!(o.starts_with(&want), "{id}: {o} vs {want}");
            continue;
        }
        if !x.failed.is_empty() {
            *kinds.entry("not eligible").or_default() += 1;
            assert!(o.starts_with("not eligible"), "{id}: {o}");
            continue;
        }
        assert!(o.starts_with("eligible but not placed"), "{id}: {o}");
        let school = &schools[&t["school_id"]];
        if o.contains("the school's cap of") {
            *kinds.entry("cap").or_default() += 1;
            let cap = number_after(o, "the school's cap of ");
            assert_eq!(cap.to_string(), school["cap"], "{id}: {o}");
            assert_eq!(school["sent"], school["cap"], "{id}: {o}");
            assert_eq!(number_after(o, "quota ").to_string(), school["quota"]);
            // Those named as having gone are the school's movers in plan.csv.
            let went: BTreeSet<&str> = plan
                .iter()
                .filter(|m| m["from_school"] == t["school_id"])
                .map(|m| m["teacher_id"].as_str())
                .collect();
            for w in &went {
                assert!(o.contains(w), "{id}: {w} went but is not named: {o}");
            }
        } else if o.contains("allowed post(s) of a fitting subject") {
            *kinds.entry("posts taken").or_default() += 1;
            let total = number_after(o, "all ");
            let start = o.find("fitting subject (").unwrap() + "fitting subject (".len();
            let list = &o[start..start + o[start..].find(')').unwrap()];
            let mut sum = 0;
            for post in list.split(", ") {
                let mut w = post.split_whitespace();
                let (to, subject) = (w.next().unwrap(), w.next().unwrap());
                let n: u64 = w
                    .next()
                    .map_or(1, |x| x.trim_start_matches('×').parse().unwrap());
                sum += n;
                let filled = plan
                    .iter()
                    .filter(|m| m["to_school"] == to && m["subject"] == subject)
                    .count() as u64;
                assert_eq!(filled, n, "{id}: {to} {subject} is not full in plan.csv");
            }
            assert_eq!(sum, total, "{id}: {o}");
            let n = |f: &str| school[f].parse::<u64>().unwrap();
            assert!(n("sent") < n("cap"), "{id}: the cap is reached: {o}");
        } else if o.contains("no open post") {
            *kinds.entry("no post").or_default() += 1;
            // Colleagues of the same school and subject fit the same posts: none went.
            assert!(
                !plan
                    .iter()
                    .any(|m| m["from_school"] == t["school_id"] && m["subject"] == t["subject"]),
                "{id}: a colleague of the same subject was placed: {o}"
            );
        } else if o.contains("backbone group") {
            *kinds.entry("backbone").or_default() += 1;
            assert_eq!(t["backbone"], "none", "{id}: {o}");
        } else {
            assert_eq!(summary["optimal"], false, "{id}: {o}");
        }
    }
    assert!(
        kinds.len() >= 4,
        "the sample should mix outcomes: {kinds:?}"
    );

    for s in &school_sample {
        let row = &schools[s];
        let block = text
            .split("\n\n")
            .find(|b| b.starts_with(&format!("school {s} ")))
            .unwrap_or_else(|| panic!("school {s} not explained"));
        for f in ["staff", "eligible", "quota", "cap", "sent"] {
            assert_eq!(
                number_after(block, &format!("{f} ")).to_string(),
                row[f],
                "school {s}: {f}"
            );
        }
    }
}
