//! `rotaplan gen --profile P --seed N --out DIR`: a synthetic data folder.

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
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
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
    let progress = crate::progress::bar(profile.districts() as u64, "districts", quiet);
    match generate_with_progress(profile, a.seed, &a.out, &progress) {
        Ok(s) => {
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
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", a.out.display());
            Exit::Failure
        }
    }
}
