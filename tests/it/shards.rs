//! `plan --shard I/N`, `horizon --shard I/N` and `merge`: the merged shard folders
//! are byte for byte the files of one run (apart from the wall-clock
//! `solve_seconds`). The province test is `#[ignore]`d (minutes in a debug build);
//! `.ci/run` runs it in release: `cargo test --release --test it -- --ignored shards::`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use crate::cli_support::{code_and_text as rotaplan, files_under, root, s, write_file};

fn without_timing(json: &str) -> String {
    json.lines()
        .filter(|l| !l.contains("\"solve_seconds\""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file of `a` is in `b` with the same bytes (summary.json: apart from
/// `solve_seconds`), and `b` has no other file.
fn assert_same_tree(a: &Path, b: &Path) {
    let files = |root: &Path| -> Vec<PathBuf> {
        files_under(root)
            .into_iter()
            .map(|(rel, _)| PathBuf::from(rel))
            .collect()
    };
    let (fa, fb) = (files(a), files(b));
    assert_eq!(fa, fb, "different files");
    assert!(fa.iter().any(|f| f.ends_with("report.html")));
    assert!(fa.iter().any(|f| f.ends_with("plan.xlsx")));
    for f in fa {
        let (x, y) = (
            std::fs::read(a.join(&f)).unwrap(),
            std::fs::read(b.join(&f)).unwrap(),
        );
        if f.ends_with("summary.json") {
            let (x, y) = (String::from_utf8(x).unwrap(), String::from_utf8(y).unwrap());
            assert_eq!(without_timing(&x), without_timing(&y), "{}", f.display());
        } else {
            assert!(x == y, "{} differs", f.display());
        }
    }
}

/// Plans 2021 of `data` (with `extra` arguments such as `--rules`) once whole into
/// `tmp/single` and as shards 1/n … n/n into `tmp/s1` …; returns those folders.
fn single_and_shards(tmp: &Path, data: &Path, extra: &[&str], n: u32) -> (PathBuf, Vec<PathBuf>) {
    let plan = |out: &Path, shard: Option<&str>| {
        let mut args = vec!["--quiet", "plan", "--data", s(data)];
        args.extend(extra);
        args.extend(["--year", "2021", "--out", s(out)]);
        if let Some(sh) = shard {
            args.extend(["--shard", sh]);
        }
        let (code, text) = rotaplan(&args);
        assert_eq!(code, 0, "{text}");
    };
    let single = tmp.join("single");
    plan(&single, None);
    let shards: Vec<PathBuf> = (1..=n).map(|i| tmp.join(format!("s{i}"))).collect();
    for (i, dir) in shards.iter().enumerate() {
        plan(dir, Some(&format!("{}/{n}", i + 1)));
    }
    (single, shards)
}

/// Pins and wishes spread over the Nanchang fixture's districts, taken from its
/// teachers.csv: a `stay` pin on every 1500th teacher, a `not_to` pin on every 1500th
/// (offset 700) naming the school of the teacher 40 rows on, and a rank-1 wish of
/// every 1000th teacher for the school of the teacher 60 rows on. `stay` and `not_to`
/// pins always hold. Written as (pins.csv, wishes.csv) into `dir`.
fn spread_pins_and_wishes(data: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let mut r = csv::Reader::from_path(data.join("teachers.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (tid, sid) = (col("teacher_id"), col("school_id"));
    let rows: Vec<(String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[tid].to_string(), x[sid].to_string())
        })
        .collect();
    let mut pins = String::from("teacher_id,action,school_id,year,note\n");
    for i in (0..rows.len()).step_by(1500) {
        pins.push_str(&format!("{},stay,,2021,kept at home\n", rows[i].0));
        if let (Some(t), Some(x)) = (rows.get(i + 700), rows.get(i + 740)) {
            if t.1 != x.1 {
                pins.push_str(&format!("{},not_to,{},,\n", t.0, x.1));
            }
        }
    }
    let mut wishes = String::from("teacher_id,rank,school_id\n");
    for i in (0..rows.len()).step_by(1000) {
        if let Some(x) = rows.get(i + 60) {
            if x.1 != rows[i].1 {
                wishes.push_str(&format!("{},1,{}\n", rows[i].0, x.1));
            }
        }
    }
    let (p, w) = (dir.join("pins.csv"), dir.join("wishes.csv"));
    std::fs::write(&p, pins).unwrap();
    std::fs::write(&w, wishes).unwrap();
    (p, w)
}

/// One run and its shards merged give the same files, with pins and wishes in force
/// (pins_cost.csv, the report's and the workbook's pins and wishes included).
#[test]
fn merged_shards_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("fixtures/nanchang");
    let rules = root().join("rules/nanchang-2021-2025.toml");
    let (pins, wishes) = spread_pins_and_wishes(&data, tmp.path());
    let (single, shards) = single_and_shards(
        tmp.path(),
        &data,
        &[
            "--rules",
            s(&rules),
            "--pins",
            s(&pins),
            "--wishes",
            s(&wishes),
        ],
        3,
    );
    for dir in &shards {
        assert!(dir.join("shard.json").exists());
    }
    let costs = std::fs::read_to_string(single.join("pins_cost.csv")).unwrap();
    assert!(costs.lines().count() > 40, "{costs}");
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
    assert_same_tree(&single, &merged);
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

/// fixtures/tiny with two more ledger rows: a past exchange between its two
/// districts (counted once although both shards keep it) and one naming nobody in the
/// data (counted by one shard although no shard plans it).
fn tiny_with_cross_ledger(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    for e in std::fs::read_dir(root().join("fixtures/tiny")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
    }
    let mut ledger = std::fs::read_to_string(data.join("ledger.csv")).unwrap();
    ledger.push_str("X1-01,X1,R1,math,transfer,2021,2023,active\n");
    ledger.push_str("Z9,Z8,Z7,math,transfer,2022,2024,active\n");
    std::fs::write(data.join("ledger.csv"), ledger).unwrap();
    data
}

/// The probe shares the merge asks for, from its console line.
fn rerun_shares(text: &str) -> Option<String> {
    let at = text.find("--probe-shares ")? + "--probe-shares ".len();
    Some(text[at..].split_whitespace().next()?.to_string())
}

/// `rotaplan horizon` on `data` and `rules` into `out`, which must succeed; its output.
fn horizon_ok(data: &Path, rules: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "horizon",
        "--data",
        s(data),
        "--rules",
        s(rules),
        "--out",
        s(out),
    ];
    args.extend(extra);
    let (code, text) = rotaplan(&args);
    assert_eq!(code, 0, "{text}");
    text
}

#[test]
fn merged_horizon_shards_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tiny_with_cross_ledger(tmp.path());
    // A small target, so the search finds a share and needs more than one round.
    let rules = tmp.path().join("rules.toml");
    std::fs::write(&rules, "[plan]\ntarget_exchanges = 9\n").unwrap();
    let horizon = |out: &Path, extra: &[&str]| horizon_ok(&data, &rules, out, extra);
    let single = tmp.path().join("single");
    horizon(&single, &[]);
    let one: serde_json::Value =
        serde_json::from_slice(&std::fs::read(single.join("summary.json")).unwrap()).unwrap();
    assert!(one["share_to_meet_target"].is_number(), "{one}");
    assert!(
        one["target_search"]["rounds"].as_u64().unwrap() > 1,
        "{one}"
    );

    let merged = merge_horizon_shards(tmp.path(), &|d, extra| {
        horizon(d, extra);
    });
    assert!(
        merged.1 > 0,
        "the test should need a rerun with --probe-shares"
    );
    let merged = merged.0;
    assert_same_tree(&single, &merged);
}

/// Runs `horizon(dir, extra)` as shards 1/2 and 2/2 and merges them into
/// `tmp/merged`, rerunning the shards with `--probe-shares` until the merged target
/// search settles; returns the merged folder and the number of reruns.
fn merge_horizon_shards(tmp: &Path, horizon: &dyn Fn(&Path, &[&str])) -> (PathBuf, u32) {
    let merged = tmp.join("merged");
    let mut probe: Option<String> = None;
    let mut unsettled = 0;
    loop {
        let dirs: Vec<PathBuf> = (1..=2)
            .map(|i| tmp.join(format!("h{unsettled}-{i}")))
            .collect();
        for (i, d) in dirs.iter().enumerate() {
            let sh = format!("{}/2", i + 1);
            let mut extra = vec!["--shard", sh.as_str()];
            if let Some(p) = &probe {
                extra.extend(["--probe-shares", p.as_str()]);
            }
            horizon(d, &extra);
        }
        let _ = std::fs::remove_dir_all(&merged);
        let (code, text) = rotaplan(&["merge", s(&dirs[1]), s(&dirs[0]), "--out", s(&merged)]);
        assert_eq!(code, 0, "{text}");
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(merged.join("summary.json")).unwrap()).unwrap();
        match rerun_shares(&text) {
            Some(p) => {
                // Never a share claimed before the probes prove it.
                assert!(m["share_to_meet_target"].is_null(), "{m}");
                assert!(!m["target_search"]["not_run"].as_array().unwrap().is_empty());
                assert!(text.contains("Not settled"), "{text}");
                probe = Some(p);
                unsettled += 1;
                assert!(unsettled < 8, "the search never settles");
            }
            None => return (merged, unsettled),
        }
    }
}

/// fixtures/itinerant-township twice: as given (进贤县) and copied into a second
/// district (南昌县, ids prefixed `B`), so that two shards plan itinerant teaching.
fn two_itinerant_districts(dir: &Path) -> PathBuf {
    let src = root().join("fixtures/itinerant-township");
    let out = dir.join("two");
    std::fs::create_dir_all(&out).unwrap();
    // (file, columns holding ids to prefix, column of the district)
    let files: [(&str, &[usize], Option<usize>); 4] = [
        ("schools.csv", &[0], Some(2)),
        ("teachers.csv", &[0, 4], None),
        ("itinerant_needs.csv", &[0], None),
        ("needs.csv", &[0], None),
    ];
    for (name, ids, district) in files {
        let text = std::fs::read_to_string(src.join(name)).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let copies: Vec<String> = lines[1..]
            .iter()
            .map(|l| {
                let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
                for &c in ids {
                    cells[c] = format!("B{}", cells[c]);
                }
                if let Some(c) = district {
                    cells[c] = "南昌县".to_string();
                    cells[c + 1] = "塘南镇".to_string();
                }
                cells.join(",")
            })
            .collect();
        lines.extend(copies);
        std::fs::write(out.join(name), lines.join("\n") + "\n").unwrap();
    }
    out
}

#[test]
fn itinerant_plan_and_horizon_shards_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let data = two_itinerant_districts(tmp.path());
    let (single, shards) = single_and_shards(tmp.path(), &data, &[], 2);
    let merged = tmp.path().join("merged-plan");
    let (code, text) = rotaplan(&["merge", s(&shards[1]), s(&shards[0]), "--out", s(&merged)]);
    assert_eq!(code, 0, "{text}");
    assert_same_tree(&single, &merged);
    let grid = std::fs::read_to_string(merged.join("report.html")).unwrap();
    assert!(
        grid.contains("塘南镇") && grid.contains("小河镇"),
        "both townships"
    );

    // A target the itinerant teachers alone meet (merge does not rerun the "what it
    // takes" horizons of a missed target).
    let rules = tmp.path().join("rules.toml");
    std::fs::write(&rules, "[plan]\ntarget_exchanges = 9\n").unwrap();
    let horizon = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "--quiet",
            "horizon",
            "--data",
            s(&data),
            "--rules",
            s(&rules),
            "--out",
            s(out),
        ];
        args.extend(extra);
        let (code, text) = rotaplan(&args);
        assert_eq!(code, 0, "{text}");
    };
    let one = tmp.path().join("h-single");
    horizon(&one, &[]);
    let h = std::fs::read_to_string(one.join("horizon.csv")).unwrap();
    // Two townships of two itinerant teachers each, every year.
    assert!(h.lines().skip(1).all(|l| l.ends_with(",4")), "{h}");
    let (merged, _) = merge_horizon_shards(tmp.path(), &|d, extra| horizon(d, extra));
    assert_same_tree(&one, &merged);
}

#[test]
fn horizon_shard_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let tiny = root().join("fixtures/tiny");
    let cross = root().join("rules/variant-cross-district.toml");
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec!["--rules", s(&cross), "--shard", "1/2"],
            "same_district",
        ),
        (vec!["--probe-shares", "0.3"], "--shard"),
        (
            vec!["--shard", "1/2", "--probe-shares", "0.123"],
            "0.005 grid",
        ),
        (vec!["--shard", "2/1"], "expected I/N"),
    ];
    for (extra, want) in cases {
        let mut args = vec!["horizon", "--data", s(&tiny), "--out", s(&out)];
        args.extend(extra);
        let (code, text) = rotaplan(&args);
        assert_eq!(code, 2, "{text}");
        assert!(text.contains(want), "{want}: {text}");
        assert!(!out.exists());
    }
    // Plan and horizon shard folders do not mix.
    let (p, h) = (tmp.path().join("p"), tmp.path().join("h"));
    let base = ["--data", s(&tiny), "--shard"];
    let (code, text) = rotaplan(
        &[
            &["plan", "--year", "2021", "--out", s(&p)],
            &base[..],
            &["1/2"],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{text}");
    let (code, text) = rotaplan(&[&["horizon", "--out", s(&h)], &base[..], &["2/2"]].concat());
    assert_eq!(code, 0, "{text}");
    let (code, text) = rotaplan(&["merge", s(&p), s(&h), "--out", s(&out)]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("one kind at a time"), "{text}");
    assert!(!out.exists());
}

/// The test: 4 shards of the province profile (≈500k teachers) merge into
/// exactly one run's files. Release only (see the file's doc comment).
#[test]
#[ignore = "province scale: run in release by .ci/run"]
fn province_four_shards_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("province");
    let (code, text) = rotaplan(&[
        "--quiet",
        "gen",
        "--profile",
        "province",
        "--seed",
        "1",
        "--out",
        s(&data),
    ]);
    assert_eq!(code, 0, "{text}");
    let (single, shards) = single_and_shards(tmp.path(), &data, &[], 4);
    let merged = tmp.path().join("merged");
    let mut args = vec!["--quiet", "merge"];
    args.extend(shards.iter().map(|d| s(d)));
    args.extend(["--out", s(&merged)]);
    let (code, text) = rotaplan(&args);
    assert_eq!(code, 0, "{text}");
    assert_same_tree(&single, &merged);
}

#[test]
fn english_reports_merge_and_languages_do_not_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tiny_with_cross_ledger(tmp.path());
    let plan = |out: &Path, extra: &[&str]| {
        let mut args = vec!["--quiet", "plan", "--data", s(&data), "--year", "2021"];
        args.extend(extra);
        args.extend(["--out", s(out)]);
        let (code, text) = rotaplan(&args);
        assert_eq!(code, 0, "{text}");
    };
    let single = tmp.path().join("single");
    plan(&single, &["--lang", "en"]);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    plan(&a, &["--lang", "en", "--shard", "1/2"]);
    plan(&b, &["--lang", "en", "--shard", "2/2"]);
    let merged = tmp.path().join("merged");
    let (code, text) = rotaplan(&["merge", s(&a), s(&b), "--out", s(&merged)]);
    assert_eq!(code, 0, "{text}");
    assert_same_tree(&single, &merged);

    let zh = tmp.path().join("zh");
    plan(&zh, &["--shard", "2/2"]);
    let out = tmp.path().join("out");
    let (code, text) = rotaplan(&["merge", s(&a), s(&zh), "--out", s(&out)]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("report in en"), "{text}");
    assert!(!out.exists());
}

#[test]
fn merged_horizon_shards_carry_what_it_takes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tiny_with_cross_ledger(tmp.path());
    // Out of reach at any share: the run answers "what would reach it".
    let rules = tmp.path().join("rules.toml");
    std::fs::write(&rules, "[plan]\ntarget_exchanges = 100000\n").unwrap();
    let run = |out: &Path, extra: &[&str]| horizon_ok(&data, &rules, out, extra);
    let single = tmp.path().join("single");
    let text = run(&single, &[]);
    assert!(text.contains("What would reach it?"), "{text}");
    let one: serde_json::Value =
        serde_json::from_slice(&std::fs::read(single.join("summary.json")).unwrap()).unwrap();
    let w = &one["what_it_takes"];
    assert!(!w["term_probes"].as_array().unwrap().is_empty(), "{one}");
    assert!(
        !w["distance_probes"].as_array().unwrap().is_empty(),
        "{one}"
    );
    assert!(w.get("distance_not_run").is_none(), "{one}");

    let dirs: Vec<PathBuf> = (1..=2).map(|i| tmp.path().join(format!("t{i}"))).collect();
    for (i, d) in dirs.iter().enumerate() {
        let sh = format!("{}/2", i + 1);
        run(d, &["--shard", sh.as_str()]);
    }
    let merged = tmp.path().join("merged");
    let (code, text) = rotaplan(&["merge", s(&dirs[0]), s(&dirs[1]), "--out", s(&merged)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("What would reach it?"), "{text}");
    // horizon.csv's more_posts_to_target, summary.json's what_it_takes, the report
    // and the workbook: all as one run writes them.
    assert_same_tree(&single, &merged);

    // A target within reach of a longer distance: one run bisects the distance grid,
    // shards run its largest distance only, so the merge either answers as one run
    // does or says it cannot (null, the distances needed listed), never otherwise.
    std::fs::write(
        &rules,
        "[plan]\ntarget_exchanges = 9\n[flow]\nmax_distance_km = 10\n",
    )
    .unwrap();
    let single = tmp.path().join("single2");
    run(&single, &[]);
    let one: serde_json::Value =
        serde_json::from_slice(&std::fs::read(single.join("summary.json")).unwrap()).unwrap();
    for (i, d) in dirs.iter().enumerate() {
        let sh = format!("{}/2", i + 1);
        let _ = std::fs::remove_dir_all(d);
        run(d, &["--shard", sh.as_str()]);
    }
    let merged = tmp.path().join("merged2");
    let (code, text) = rotaplan(&["merge", s(&dirs[0]), s(&dirs[1]), "--out", s(&merged)]);
    assert_eq!(code, 0, "{text}");
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(merged.join("summary.json")).unwrap()).unwrap();
    let (a, b) = (&one["what_it_takes"], &m["what_it_takes"]);
    if one["target_met"] == true {
        assert!(b.is_null(), "{m}");
        return;
    }
    assert_eq!(a["more_posts"], b["more_posts"]);
    assert_eq!(a["term_probes"], b["term_probes"]);
    assert_eq!(
        a["term_years_to_meet_target"],
        b["term_years_to_meet_target"]
    );
    if a["distance_probes"].as_array().unwrap().len() > 1 {
        // The search went below the largest distance.
        assert!(b["max_distance_km_to_meet_target"].is_null(), "{m}");
        assert!(!b["distance_not_run"].as_array().unwrap().is_empty(), "{m}");
        assert!(text.contains("not known from shards"), "{text}");
        let page = std::fs::read_to_string(merged.join("report.html")).unwrap();
        assert!(page.contains("分片合并无法给出距离上限的答案"));
        assert!(!page.contains("放宽距离上限也不能完成目标"));
    } else {
        assert_same_tree(&single, &merged);
    }
}

/// `plan --shard I/N --previous F`: each shard writes the changes.csv of its
/// districts' teachers (a previous row naming nobody in the data goes to its host
/// school's shard),
/// and `merge` joins them into the changes.csv, report section and workbook sheet of
/// one run.
#[test]
fn previous_plan_through_shards_and_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = root().join("fixtures/tiny");
    let first = tmp.path().join("first");
    let (code, text) = rotaplan(&[
        "--quiet",
        "plan",
        "--data",
        s(&tiny),
        "--year",
        "2021",
        "--out",
        s(&first),
    ]);
    assert_eq!(code, 0, "{text}");
    // The first plan's moves but its first (to be added again), its second sent to
    // the first's host instead, and a teacher who has since left the data.
    let mut r = csv::Reader::from_path(first.join("plan.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (t, to) = (col("teacher_id"), col("to_school"));
    let moves: Vec<(String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[t].to_string(), x[to].to_string())
        })
        .collect();
    assert!(moves.len() >= 3, "{moves:?}");
    let mut prev = String::from("teacher_id,to_school\n");
    prev.push_str(&format!("{},{}\n", moves[1].0, moves[0].1));
    for (t, to) in &moves[2..] {
        prev.push_str(&format!("{t},{to}\n"));
    }
    prev.push_str("GONE-1,R1\n");
    let prev_file = tmp.path().join("previous.csv");
    std::fs::write(&prev_file, prev).unwrap();
    let (single, shards) = single_and_shards(tmp.path(), &tiny, &["--previous", s(&prev_file)], 2);
    for dir in &shards {
        assert!(dir.join("changes.csv").exists(), "{}", dir.display());
    }
    let changes = std::fs::read_to_string(single.join("changes.csv")).unwrap();
    assert!(changes.contains("GONE-1,R1,,dropped"), "{changes}");
    assert!(changes.contains(",added,"), "{changes}");
    // The teacher who left is listed by shard 1 alone.
    let one = std::fs::read_to_string(shards[0].join("changes.csv")).unwrap();
    let two = std::fs::read_to_string(shards[1].join("changes.csv")).unwrap();
    assert!(one.contains("GONE-1") && !two.contains("GONE-1"));
    assert_eq!(
        one.lines().count() + two.lines().count(),
        changes.lines().count() + 1
    );
    let merged = tmp.path().join("merged");
    let (code, text) = rotaplan(&["merge", s(&shards[1]), s(&shards[0]), "--out", s(&merged)]);
    assert_eq!(code, 0, "{text}");
    assert_same_tree(&single, &merged);
}

/// Under `--shard`, a `to` pin naming a school of another district cannot hold (the
/// shard requires flow.same_district): exit 2 naming the pins row and the rule, as one
/// run gives; a `not_to` pin naming such a school always holds.
#[test]
fn shard_refuses_a_pin_to_another_district() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = root().join("fixtures/tiny");
    // U1 is in 青山湖区 (shard 1/2), X1 in 湾里管理局 (shard 2/2).
    let pins_csv = "teacher_id,action,school_id\nU1-02,not_to,X1\nU1-01,to,X1\n";
    let pins = write_file(tmp.path(), "pins.csv", pins_csv);
    let out = tmp.path().join("o");
    let plan = |shard: Option<&str>| {
        let mut args = vec![
            "plan",
            "--data",
            s(&tiny),
            "--year",
            "2021",
            "--pins",
            s(&pins),
            "--out",
            s(&out),
        ];
        args.extend(shard.map(|x| ["--shard", x]).into_iter().flatten());
        rotaplan(&args)
    };
    for shard in [None, Some("1/2")] {
        let (code, text) = plan(shard);
        assert_eq!(code, 2, "{shard:?}: {text}");
        assert!(
            text.contains("pins row 3: teacher U1-01 `to`")
                && text.contains("rule allowed_pair")
                && text.contains("another district")
                && !text.contains("pins row 2"),
            "{shard:?}: {text}"
        );
        assert!(!out.exists());
    }
    // The other shard does not plan U1-01's district: its pins are not its concern.
    let (code, text) = plan(Some("2/2"));
    assert_eq!(code, 0, "{text}");
}
