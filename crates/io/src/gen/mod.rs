//! Synthetic data folders (`rotaplan gen`): deterministic for a (profile, seed) on every
//! machine, streamed to disk district by district so that the national profile (10.7
//! million teachers) never sits in memory.

mod district;
mod names;
mod profile;
mod rng;
pub mod steer;

pub use profile::Profile;

use rayon::prelude::*;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What `generate` wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenSummary {
    pub districts: usize,
    pub schools: usize,
    pub teachers: usize,
    pub posts: usize,
    pub ledger: usize,
    pub evaluators: usize,
    pub itinerant_needs: usize,
}

const FILES: [(&str, &str); 6] = [
    (
        "schools.csv",
        "school_id,name,district,township,locality,weak,stage,lat,lon,staff",
    ),
    (
        "teachers.csv",
        "teacher_id,name,gender,birth_year,school_id,subject,title,backbone,role,joined_school_year,status,volunteer,birth_month,spare_periods",
    ),
    ("needs.csv", "school_id,subject,count,priority"),
    (
        "ledger.csv",
        "teacher_id,from_school,to_school,subject,form,start_year,end_year,status",
    ),
    (
        "evaluators.csv",
        "evaluator_id,name,school_id,district,subjects,max_per_day,unavailable",
    ),
    ("itinerant_needs.csv", "school_id,subject,periods"),
];

/// Districts generated at once: enough to keep both cores busy, few enough that memory
/// stays at a few megabytes whatever the profile.
const BATCH: usize = 64;

/// Writes `schools.csv`, `teachers.csv`, `needs.csv`, `ledger.csv`, `evaluators.csv`
/// and `itinerant_needs.csv` into `out` (created if needed). Files are written under temporary names and renamed
/// at the end, so an interrupted run leaves no half-written data folder behind.
pub fn generate(profile: Profile, seed: u64, out: &Path) -> io::Result<GenSummary> {
    generate_with_progress(profile, seed, out, None, &crate::progress::NoProgress)
}

/// [`generate`], advancing `progress` by one per district written. With `yearly`
/// (first, last year), needs.csv gains a `year` column and posts of each year.
pub fn generate_with_progress(
    profile: Profile,
    seed: u64,
    out: &Path,
    yearly: Option<(i32, i32)>,
    progress: &dyn crate::progress::ProgressSink,
) -> io::Result<GenSummary> {
    progress.start(profile.districts() as u64);
    fs::create_dir_all(out)?;
    let tmp: Vec<PathBuf> = FILES
        .iter()
        .map(|(name, _)| out.join(format!(".{name}.partial")))
        .collect();
    let result = write_all(profile, seed, &tmp, yearly, progress);
    match result {
        Ok(summary) => {
            for (path, (name, _)) in tmp.iter().zip(FILES) {
                fs::rename(path, out.join(name))?;
            }
            Ok(summary)
        }
        Err(e) => {
            for path in &tmp {
                let _ = fs::remove_file(path);
            }
            Err(e)
        }
    }
}

fn write_all(
    profile: Profile,
    seed: u64,
    paths: &[PathBuf],
    yearly: Option<(i32, i32)>,
    progress: &dyn crate::progress::ProgressSink,
) -> io::Result<GenSummary> {
    let mut writers = Vec::with_capacity(FILES.len());
    for (path, (name, header)) in paths.iter().zip(FILES) {
        let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
        let year = if name == "needs.csv" && yearly.is_some() {
            ",year"
        } else {
            ""
        };
        writeln!(w, "{header}{year}")?;
        writers.push(w);
    }
    let mut summary = GenSummary {
        districts: profile.districts(),
        ..GenSummary::default()
    };
    let n = profile.districts();
    for start in (0..n).step_by(BATCH) {
        let batch: Vec<io::Result<district::Fragments>> = (start..(start + BATCH).min(n))
            .into_par_iter()
            .map(|i| district::generate(profile, seed, i, yearly))
            .collect();
        for fragments in batch {
            let f = fragments?;
            for (w, bytes) in writers.iter_mut().zip([
                &f.schools,
                &f.teachers,
                &f.needs,
                &f.ledger,
                &f.evaluators,
                &f.itinerant_needs,
            ]) {
                w.write_all(bytes)?;
            }
            summary.schools += f.n_schools;
            summary.teachers += f.n_teachers;
            summary.posts += f.n_posts;
            summary.ledger += f.n_ledger;
            summary.evaluators += f.n_evaluators;
            summary.itinerant_needs += f.n_itinerant_needs;
            progress.inc(1);
        }
    }
    for mut w in writers {
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_and_different_seed_differs() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        let c = dir.path().join("c");
        let sa = generate(Profile::Tiny, 5, &a).unwrap();
        generate(Profile::Tiny, 5, &b).unwrap();
        generate(Profile::Tiny, 6, &c).unwrap();
        for (name, _) in FILES {
            let x = fs::read(a.join(name)).unwrap();
            assert_eq!(x, fs::read(b.join(name)).unwrap(), "{name}");
        }
        assert_ne!(
            fs::read(a.join("teachers.csv")).unwrap(),
            fs::read(c.join("teachers.csv")).unwrap()
        );
        assert!((35..=80).contains(&sa.teachers), "{sa:?}");
    }

    #[test]
    fn yearly_needs_carry_a_year_and_the_rest_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        generate(Profile::County, 3, &a).unwrap();
        generate_with_progress(
            Profile::County,
            3,
            &b,
            Some((2026, 2027)),
            &crate::progress::NoProgress,
        )
        .unwrap();
        for name in [
            "schools.csv",
            "teachers.csv",
            "ledger.csv",
            "evaluators.csv",
        ] {
            assert_eq!(
                fs::read(a.join(name)).unwrap(),
                fs::read(b.join(name)).unwrap()
            );
        }
        let sources = crate::input::DataSources {
            dir: Some(b),
            ..Default::default()
        };
        let data = crate::input::load(&sources).unwrap().data;
        let years: std::collections::BTreeSet<Option<i32>> =
            data.needs.iter().map(|n| n.year).collect();
        assert_eq!(years, [Some(2026), Some(2027)].into_iter().collect());
        assert!(data.needs.iter().any(|n| n.subject.as_str() == "principal"));
        assert!(data.teachers.iter().any(|t| t.birth_month == 12));
        assert!(data
            .teachers
            .iter()
            .all(|t| (1..=12).contains(&t.birth_month)));
    }

    #[test]
    fn generated_folders_load_without_errors() {
        let dir = tempfile::tempdir().unwrap();
        for seed in 0..5 {
            let d = dir.path().join(seed.to_string());
            generate(Profile::Tiny, seed, &d).unwrap();
            let sources = crate::input::DataSources {
                dir: Some(d),
                ..Default::default()
            };
            let loaded = crate::input::load(&sources);
            assert!(loaded.is_ok(), "{:?}", loaded.err());
        }
    }
}
