//! `merge`: shard folders of `plan --shard I/N` or `horizon --shard I/N` back into
//! exactly the files one run writes. Every table is made of whole-district blocks in
//! district order (see `Dataset::group_by_district`), so merging a table is picking
//! each district's block from the shard that planned it; summaries, the report's
//! tallies and the horizon's rows are sums over districts, added up from the shards'
//! figures (`shard.json`, see `crate::shard::manifest`).

mod horizon;
mod itinerant;
mod tables;
mod year;

use crate::horizon::HorizonSummary;
use crate::output::Staged;
use crate::shard::{ShardManifest, MANIFEST};
use crate::stats::Summary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What was merged, for the console.
pub enum Merged {
    Plan(Summary),
    Horizon(Box<HorizonSummary>),
}

/// A shard folder and its manifest.
struct ShardDir {
    dir: PathBuf,
    manifest: ShardManifest,
}

/// Merges shard folders; every problem found is reported.
pub fn merge(dirs: &[PathBuf]) -> Result<(Staged, Merged), Vec<String>> {
    let mut problems = Vec::new();
    let mut shards = Vec::new();
    for dir in dirs {
        match read_manifest(dir) {
            Ok(manifest) => shards.push(ShardDir {
                dir: dir.clone(),
                manifest,
            }),
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    check_complete(&shards).map_err(|e| vec![e])?;
    shards.sort_by_key(|s| s.manifest.shard.index);
    check_districts(&shards)?;
    let mut staged = Staged::default();
    let horizons = shards
        .iter()
        .filter(|s| s.manifest.horizon.is_some())
        .count();
    let merged = if horizons == 0 {
        let dirs: Vec<&Path> = shards.iter().map(|s| s.dir.as_path()).collect();
        Merged::Plan(year::merge_year(&dirs, "", &mut staged)?)
    } else if horizons == shards.len() {
        Merged::Horizon(Box::new(horizon::merge(&shards, &mut staged)?))
    } else {
        return Err(vec![
            "some folders are plan shards and some horizon shards: merge one kind at a time".into(),
        ]);
    };
    Ok((staged, merged))
}

fn read_manifest(dir: &Path) -> Result<ShardManifest, String> {
    let path = dir.join(MANIFEST);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{}: not a shard manifest: {e}", path.display()))
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

fn check_districts(shards: &[ShardDir]) -> Result<(), Vec<String>> {
    let mut owner: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut problems = Vec::new();
    for s in shards {
        for d in &s.manifest.districts {
            if let Some(other) = owner.insert(d.as_str(), &s.dir) {
                problems.push(format!(
                    "district {d} is in both {} and {}",
                    other.display(),
                    s.dir.display()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
