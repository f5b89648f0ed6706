//! `rotaplan gen --profile P --seed N --out DIR`: a synthetic data folder.

use super::common::{out_failed, prepare_out};
use super::Exit;
use clap::Args;
use rotaplan_io::gen::{generate_with_progress, Profile};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct GenArgs {
    /// tiny | county | nanchang | province | national
    #[arg(long, required_unless_present = "data")]
    pub profile: Option<String>,
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
    /// Also write wishes.csv: up to 5 ranked plausible host schools for every teacher
    /// eligible in --year (allowed pairs with an open post of their subject, nearer
    /// schools more likely).
    #[arg(long)]
    pub wishes: bool,
    /// Also write pins.csv with N pins of mixed kinds (stay, move, to, not_to) that can
    /// all hold at once (read off the optimal plan of --year).
    #[arg(long, value_name = "N")]
    pub pins: Option<usize>,
    /// Write only wishes.csv / pins.csv, for this existing data folder, instead of
    /// generating one.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["profile", "yearly_needs"])]
    pub data: Option<PathBuf>,
    /// Rule set the wishes and pins follow (default: the Nanchang 2021–2025 rules).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Plan year of the wishes and pins (default: the rules' first year).
    #[arg(long, value_parser = super::common::parse_year)]
    pub year: Option<i32>,
}

/// Writes the steering files `a` asks for (wishes.csv, pins.csv) for the data folder
/// `data_dir` into `out`.
fn write_steering(
    a: &GenArgs,
    data_dir: &std::path::Path,
    out: &std::path::Path,
) -> std::io::Result<()> {
    if !a.wishes && a.pins.is_none() {
        return Ok(());
    }
    let rules = super::common::load_rule_args(&super::common::RuleArgs {
        rules: a.rules.clone(),
        set: Vec::new(),
    })
    .map_err(std::io::Error::other)?;
    let sources = rotaplan_io::input::DataSources {
        dir: Some(data_dir.to_path_buf()),
        ..Default::default()
    };
    let data = rotaplan_io::input::load(&sources)
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .data;
    let year = a.year.unwrap_or(rules.plan.first_year);
    if a.wishes {
        let (text, _) = rotaplan_io::gen::steer::wishes_csv(&data, &rules, year, a.seed)?;
        std::fs::write(out.join("wishes.csv"), text)?;
    }
    if let Some(n) = a.pins {
        let (text, _) = rotaplan_io::gen::steer::pins_csv(&data, &rules, year, a.seed, n)?;
        std::fs::write(out.join("pins.csv"), text)?;
    }
    Ok(())
}

/// `2026-2030` → (2026, 2030); one year (`2026`) is a range of one.
fn parse_years(s: &str) -> Result<(i32, i32), crate::FlagError> {
    let bad = || crate::FlagError::YearRange {
        value: s.to_string(),
    };
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    if !(1900..=2100).contains(&a) || a > b || b - a > 50 {
        return Err(bad());
    }
    Ok((a, b))
}

pub fn run(a: &GenArgs, quiet: bool) -> Exit {
    if let Some(data) = &a.data {
        let inputs = [vec![data.clone()], a.rules.iter().cloned().collect()].concat();
        let out = match prepare_out(&a.out, "gen", &inputs, a.force) {
            Ok(o) => o,
            Err(e) => return e,
        };
        if !a.wishes && a.pins.is_none() {
            eprintln!("error: --data writes only steering files: give --wishes and/or --pins N\nnothing was written.");
            return Exit::Invalid;
        }
        return match out.commit_with(|dir| write_steering(a, data, dir)) {
            Ok(()) => {
                if !quiet {
                    println!("wrote {}", a.out.display());
                }
                Exit::Done
            }
            Err(e) => out_failed(e),
        };
    }
    let name = a.profile.as_deref().unwrap_or_default();
    let Some(profile) = Profile::parse(name) else {
        let names: Vec<&str> = Profile::ALL.iter().map(|p| p.as_str()).collect();
        eprintln!(
            "unknown profile `{}`; expected one of: {}",
            name,
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
            &crate::progress::Bar(progress.clone()),
        )?);
        progress.finish_and_clear();
        write_steering(a, dir, dir)
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
