//! `merge`: shard folders of `plan --shard I/N` or `horizon --shard I/N` back into
//! exactly the files one run writes. Every table is made of whole-district blocks in
//! district order (see `Dataset::group_by_district`), so merging a table is picking
//! each district's block from the shard that planned it; summaries, the report's
//! tallies and the horizon's rows are sums over districts, added up from the shards'
//! figures (`shard.json`, see `crate::shard::manifest`).

mod error;
mod horizon;
mod itinerant;
mod tables;
mod year;

pub use error::{FileProblem, MergeError};

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
    pub fn read(dirs: &[PathBuf]) -> Result<Shards, Vec<MergeError>> {
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
            return Err(vec![MergeError::MixedKinds]);
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
pub fn merge(shards: &Shards) -> Result<(Staged, Merged), Vec<MergeError>> {
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
fn check_fingerprints(shards: &[ShardDir]) -> Result<(), Vec<MergeError>> {
    let Some(first) = shards.first() else {
        return Ok(());
    };
    let mut problems = Vec::new();
    for s in shards {
        let (Some(a), Some(b)) = (&first.manifest.fingerprint, &s.manifest.fingerprint) else {
            let old = if s.manifest.fingerprint.is_none() {
                s
            } else {
                first
            };
            problems.push(MergeError::at(
                old.dir.display(),
                FileProblem::NoFingerprint,
            ));
            continue;
        };
        if let Some(d) = a.difference(b) {
            problems.push(MergeError::NotOneRun {
                first: first.dir.display().to_string(),
                other: s.dir.display().to_string(),
                difference: d,
            });
        }
    }
    // The same message twice in a row (an old first shard against each other one).
    problems.dedup_by(|a, b| a.to_string() == b.to_string());
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn read_manifest(dir: &Path) -> Result<ShardManifest, MergeError> {
    let path = dir.join(MANIFEST);
    let bytes = std::fs::read(&path).map_err(|e| MergeError::at(path.display(), e))?;
    // A shard.json the folder's last run did not write is stale (left next to a
    // full plan by hand or by an older rotaplan): its figures would double rows.
    let listed = read_owner(dir).is_some_and(|o| o.files.iter().any(|f| f == MANIFEST));
    if !listed {
        let command = read_owner(dir).map(|o| o.command);
        return Err(MergeError::at(
            path.display(),
            FileProblem::Stale { command },
        ));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| MergeError::at(path.display(), FileProblem::NotManifest(e)))
}

fn check_complete(shards: &[ShardDir]) -> Result<(), MergeError> {
    let Some(first) = shards.first() else {
        return Err(MergeError::NoShards);
    };
    let n = first.manifest.shard.count;
    let mut seen = vec![Vec::new(); n as usize];
    for s in shards {
        let sh = s.manifest.shard;
        if sh.count != n {
            return Err(MergeError::OtherCount {
                dir: s.dir.display().to_string(),
                index: sh.index,
                count: sh.count,
                first: first.dir.display().to_string(),
                n,
            });
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
        return Err(MergeError::Missing { missing });
    }
    if let Some((i, dirs)) = seen.iter().enumerate().find(|(_, d)| d.len() > 1) {
        return Err(MergeError::Twice {
            index: i + 1,
            n,
            dirs: dirs.clone(),
        });
    }
    Ok(())
}

fn check_districts(shards: &[ShardDir]) -> Result<(), Vec<MergeError>> {
    let mut owner: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut problems = Vec::new();
    for s in shards {
        for d in &s.manifest.districts {
            if let Some(other) = owner.insert(d.as_str(), &s.dir) {
                problems.push(MergeError::DistrictTwice {
                    district: d.clone(),
                    first: other.display().to_string(),
                    second: s.dir.display().to_string(),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
