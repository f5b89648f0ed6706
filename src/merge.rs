//! `merge`: shard outputs of `plan --shard I/N` back into exactly the files one run
//! writes. Every output is made of whole-district blocks in district order (see
//! `Dataset::group_by_district`), so merging is picking each district's block from the
//! shard that planned it; the summary is re-added from the shards' figures.

use crate::output::Staged;
use crate::shard::Shard;
use crate::stats::Summary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a shard run writes next to its plan files.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ShardManifest {
    pub shard: Shard,
    pub districts: Vec<String>,
}

pub const MANIFEST: &str = "shard.json";

/// The files merged, with the column that names each row's district (or, for
/// eligibility.csv, the school whose district it is).
const TABLES: [(&str, &str); 3] = [
    ("plan.csv", "from_district"),
    ("schools.csv", "district"),
    ("eligibility.csv", "school_id"),
];

struct ShardDir {
    dir: PathBuf,
    manifest: ShardManifest,
    summary: Summary,
}

/// Merges shard folders; every problem found is reported.
pub fn merge(dirs: &[PathBuf]) -> Result<Staged, Vec<String>> {
    let mut problems = Vec::new();
    let mut shards = Vec::new();
    for dir in dirs {
        match read_shard(dir) {
            Ok(s) => shards.push(s),
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    check_complete(&shards).map_err(|e| vec![e])?;
    shards.sort_by_key(|s| s.manifest.shard.index);

    let mut staged = Staged::default();
    // District → shard position.
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in shards.iter().enumerate() {
        for d in &s.manifest.districts {
            if let Some(j) = owner.insert(d.as_str(), i) {
                problems.push(format!(
                    "district {d} is in both {} and {}",
                    shards[j].dir.display(),
                    s.dir.display()
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // School → district, for eligibility.csv.
    let mut school_district: BTreeMap<String, String> = BTreeMap::new();
    for (name, column) in TABLES {
        let mut header: Option<csv::StringRecord> = None;
        let mut blocks: BTreeMap<String, Vec<csv::StringRecord>> = BTreeMap::new();
        for s in &shards {
            let path = s.dir.join(name);
            let mut r = csv::Reader::from_path(&path)
                .map_err(|e| vec![format!("{}: {e}", path.display())])?;
            let h = r
                .headers()
                .map_err(|e| vec![format!("{}: {e}", path.display())])?
                .clone();
            if header.as_ref().is_some_and(|x| *x != h) {
                return Err(vec![format!(
                    "{}: its columns differ from the other shards'",
                    path.display()
                )]);
            }
            let Some(col) = h.iter().position(|c| c == column) else {
                return Err(vec![format!("{}: no column {column}", path.display())]);
            };
            let district_col = h.iter().position(|c| c == "district");
            let school_col = h.iter().position(|c| c == "school_id");
            for rec in r.records() {
                let rec = rec.map_err(|e| vec![format!("{}: {e}", path.display())])?;
                let key = rec.get(col).unwrap_or_default().to_string();
                if name == "schools.csv" {
                    if let (Some(dc), Some(sc)) = (district_col, school_col) {
                        school_district.insert(
                            rec.get(sc).unwrap_or_default().to_string(),
                            rec.get(dc).unwrap_or_default().to_string(),
                        );
                    }
                }
                let district = if name == "eligibility.csv" {
                    school_district.get(&key).cloned().unwrap_or_default()
                } else {
                    key
                };
                blocks.entry(district).or_default().push(rec);
            }
            header = Some(h);
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        if let Some(h) = &header {
            w.write_record(h).map_err(|e| vec![e.to_string()])?;
        }
        for rows in blocks.values() {
            for rec in rows {
                w.write_record(rec).map_err(|e| vec![e.to_string()])?;
            }
        }
        let bytes = w.into_inner().map_err(|e| vec![e.to_string()])?;
        staged.add(name, bytes);
    }
    // schools.csv must be read before eligibility.csv: TABLES is in that order.
    let summary = merge_summaries(shards.iter().map(|s| &s.summary)).map_err(|e| vec![e])?;
    let mut json = serde_json::to_vec_pretty(&summary).map_err(|e| vec![e.to_string()])?;
    json.push(b'\n');
    staged.add("summary.json", json);
    Ok(staged)
}

fn read_shard(dir: &Path) -> Result<ShardDir, String> {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let manifest: ShardManifest = serde_json::from_slice(&read(MANIFEST)?).map_err(|e| {
        format!(
            "{}: not a shard manifest: {e}",
            dir.join(MANIFEST).display()
        )
    })?;
    let summary: Summary = serde_json::from_slice(&read("summary.json")?)
        .map_err(|e| format!("{}: {e}", dir.join("summary.json").display()))?;
    Ok(ShardDir {
        dir: dir.to_path_buf(),
        manifest,
        summary,
    })
}

fn check_complete(shards: &[ShardDir]) -> Result<(), String> {
    let Some(first) = shards.first() else {
        return Err("no shard folders given".into());
    };
    let n = first.manifest.shard.count;
    let mut seen = vec![Vec::new(); n as usize];
    for s in shards {
        let sh = s.manifest.shard;
        if sh.count != n {
            return Err(format!(
                "{} is shard {}/{}, but {} is of {n}",
                s.dir.display(),
                sh.index,
                sh.count,
                first.dir.display()
            ));
        }
        if let Some(v) = seen.get_mut(sh.index as usize - 1) {
            v.push(s.dir.display().to_string());
        }
        if (s.summary.year, &s.summary.rules_name)
            != (first.summary.year, &first.summary.rules_name)
        {
            return Err(format!(
                "{} planned {} under \"{}\", but {} planned {} under \"{}\"",
                s.dir.display(),
                s.summary.year,
                s.summary.rules_name,
                first.dir.display(),
                first.summary.year,
                first.summary.rules_name
            ));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|i| seen[*i as usize - 1].is_empty())
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing shard(s): {}", missing.join(", ")));
    }
    if let Some((i, dirs)) = seen.iter().enumerate().find(|(_, d)| d.len() > 1) {
        return Err(format!(
            "shard {}/{n} given twice: {}",
            i + 1,
            dirs.join(", ")
        ));
    }
    Ok(())
}

fn merge_summaries<'a>(parts: impl Iterator<Item = &'a Summary>) -> Result<Summary, String> {
    let mut out: Option<Summary> = None;
    for p in parts {
        let Some(o) = out.as_mut() else {
            out = Some(p.clone());
            continue;
        };
        o.eligible += p.eligible;
        o.quota += p.quota;
        o.sent += p.sent;
        o.backbone_sent += p.backbone_sent;
        o.shortfall += p.shortfall;
        o.quota_shortfall += p.quota_shortfall;
        o.backbone_shortfall += p.backbone_shortfall;
        o.filled_priority += p.filled_priority;
        o.posts += p.posts;
        o.posts_filled += p.posts_filled;
        o.optimal &= p.optimal;
        o.solve_seconds = ((o.solve_seconds + p.solve_seconds) * 1000.0).round() / 1000.0;
        o.components += p.components;
        o.by_district
            .extend(p.by_district.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    out.ok_or_else(|| "no shard folders given".to_string())
}
