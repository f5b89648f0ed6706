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
        summary = Some(generate_with_progress(profile, a.seed, dir, &progress)?);
        Ok(())
    });
    match written.map(|()| summary) {
        Ok(Some(s)) => {
            if !quiet {
                println!(
                    "wrote {}: {} districts, {} schools, {} teachers, {} posts, {} ledger rows, {} evaluators",
                    a.out.display(),
                    s.districts,
                    s.schools,
                    s.teachers,
                    s.posts,
                    s.ledger,
                    s.evaluators
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
