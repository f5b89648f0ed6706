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
use crate::output::folder::read_owner;
use crate::output::Staged;
use crate::shard::{ShardManifest, MANIFEST};
use crate::stats::Summary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What was merged, for the console.
pub enum Merged {
    Plan(Box<Summary>),
    /// The summary and "what it takes" in plain words (empty when the target is met).
    Horizon(Box<HorizonSummary>, String),
}

/// A shard folder and its manifest.
struct ShardDir {
    dir: PathBuf,
    manifest: ShardManifest,
}

/// Shard folders whose manifests were read and checked: one complete set of shards
/// of one run.
pub struct Shards {
    shards: Vec<ShardDir>,
    horizon: bool,
}

impl Shards {
    /// Reads and checks every folder's manifest; every problem found is reported.
    /// Refused: a folder that is not a shard output of this version, whose
    /// `shard.json` its last run did not write (stale), shards of different data,
    /// rules, `--set`, N, command or year, a shard given twice or missing.
    pub fn read(dirs: &[PathBuf]) -> Result<Shards, Vec<String>> {
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
        let horizons = shards
            .iter()
            .filter(|s| s.manifest.horizon.is_some())
            .count();
        if horizons != 0 && horizons != shards.len() {
            return Err(vec![
                "some folders are plan shards and some horizon shards: merge one kind at a time"
                    .into(),
            ]);
        }
        check_fingerprints(&shards)?;
        check_complete(&shards).map_err(|e| vec![e])?;
        shards.sort_by_key(|s| s.manifest.shard.index);
        check_districts(&shards)?;
        Ok(Shards {
            horizon: horizons != 0,
            shards,
        })
    }

    /// The command whose output the merge is: `plan` or `horizon`.
    pub fn command(&self) -> &'static str {
        if self.horizon {
            "horizon"
        } else {
            "plan"
        }
    }
}

/// Merges checked shard folders into the files of one run.
pub fn merge(shards: &Shards) -> Result<(Staged, Merged), Vec<String>> {
    let mut staged = Staged::default();
    let merged = if shards.horizon {
        let (summary, takes) = horizon::merge(&shards.shards, &mut staged)?;
        Merged::Horizon(Box::new(summary), takes)
    } else {
        let dirs: Vec<&Path> = shards.shards.iter().map(|s| s.dir.as_path()).collect();
        Merged::Plan(Box::new(year::merge_year(&dirs, "", &mut staged)?))
    };
    Ok((staged, merged))
}

/// Every shard was run on the same data, rules, command and year as the first.
fn check_fingerprints(shards: &[ShardDir]) -> Result<(), Vec<String>> {
    let Some(first) = shards.first() else {
        return Ok(());
    };
    let mut problems = Vec::new();
    let rerun = "rerun every shard with the same command, data, rules and --set values";
    for s in shards {
        let (Some(a), Some(b)) = (&first.manifest.fingerprint, &s.manifest.fingerprint) else {
            let old = if s.manifest.fingerprint.is_none() {
                s
            } else {
                first
            };
            problems.push(format!(
                "{}: shard.json has no fingerprint of its data and rules (written by an older rotaplan); {rerun}",
                old.dir.display()
            ));
            continue;
        };
        if let Some(d) = a.difference(b) {
            problems.push(format!(
                "{} and {} are not shards of one run: {d}; {rerun}",
                first.dir.display(),
                s.dir.display()
            ));
        }
    }
    problems.dedup();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn read_manifest(dir: &Path) -> Result<ShardManifest, String> {
    let path = dir.join(MANIFEST);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    // A shard.json the folder's last run did not write is stale (left next to a
    // full plan by hand or by an older rotaplan): its figures would double rows.
    let listed = read_owner(dir).is_some_and(|o| o.files.iter().any(|f| f == MANIFEST));
    if !listed {
        return Err(format!(
            "{}: this shard.json was not written by the folder's last run (the folder holds {}); rerun the shard into its own folder",
            path.display(),
            match read_owner(dir) {
                Some(o) => format!("the output of `rotaplan {}` without --shard", o.command),
                None => "files from an older rotaplan or from elsewhere".to_string(),
            }
        ));
    }
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
