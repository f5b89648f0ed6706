//! `rotaplan gen --profile P --seed N --out DIR`: a synthetic data folder.

use super::common::{out_failed, prepare_out};
use super::Exit;
use crate::gen::{generate_with_progress, Profile};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct GenArgs {
    /// tiny | county | nanchang | province | national
    #[arg(long)]
    pub profile: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder (new, empty, or an earlier `gen` output, which is replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace --out even when it holds other files (for example a data folder).
    #[arg(long)]
    pub force: bool,
    /// Write needs by plan year: `2026-2030` gives needs.csv a `year` column and a
    /// fresh set of posts for each year of the range.
    #[arg(long, value_name = "FIRST-LAST", value_parser = parse_years)]
    pub yearly_needs: Option<(i32, i32)>,
}

/// `2026-2030` → (2026, 2030); one year (`2026`) is a range of one.
fn parse_years(s: &str) -> Result<(i32, i32), String> {
    let bad = || format!("expected a year range such as 2026-2030, got `{s}`");
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    if !(1900..=2100).contains(&a) || a > b || b - a > 50 {
        return Err(bad());
    }
    Ok((a, b))
}

pub fn run(a: &GenArgs, quiet: bool) -> Exit {
    let Some(profile) = Profile::parse(&a.profile) else {
        let names: Vec<&str> = Profile::ALL.iter().map(|p| p.as_str()).collect();
        eprintln!(
            "unknown profile `{}`; expected one of: {}",
            a.profile,
            names.join(", ")
        );
        return Exit::Invalid;
    };
    let out = match prepare_out(&a.out, "gen", &[], a.force) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let progress = crate::progress::bar(profile.districts() as u64, "districts", quiet);
    let mut summary = None;
    let written = out.commit_with(|dir| {
        summary = Some(generate_with_progress(
            profile,
            a.seed,
            dir,
            a.yearly_needs,
            &progress,
        )?);
        Ok(())
    });
    match written.map(|()| summary) {
        Ok(Some(s)) => {
            if !quiet {
                println!(
                    "wrote {}: {} districts, {} schools, {} teachers, {} posts, {} ledger rows, {} evaluators, {} itinerant needs",
                    a.out.display(),
                    s.districts,
                    s.schools,
                    s.teachers,
                    s.posts,
                    s.ledger,
                    s.evaluators,
                    s.itinerant_needs
                );
            }
            Exit::Done
        }
        Ok(None) => {
            eprintln!("error: {} was not generated", a.out.display());
            Exit::Failure
        }
        Err(e) => out_failed(e),
    }
}
