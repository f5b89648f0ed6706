//! Options and loading shared by every command.

use super::Exit;
use crate::input::{self, DataSources, Loaded};
use crate::rules::{load_rules, Rules};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug, Clone, Default)]
pub struct DataArgs {
    /// Data folder with schools, teachers, needs (and optionally ledger, evaluators)
    /// as .csv or .xlsx.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// schools file (overrides the one in --data).
    #[arg(long, value_name = "FILE")]
    pub schools: Option<PathBuf>,
    /// teachers file.
    #[arg(long, value_name = "FILE")]
    pub teachers: Option<PathBuf>,
    /// needs file.
    #[arg(long, value_name = "FILE")]
    pub needs: Option<PathBuf>,
    /// ledger file.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// evaluators file.
    #[arg(long, value_name = "FILE")]
    pub evaluators: Option<PathBuf>,
    /// itinerant_needs file (lessons schools lack, for itinerant teaching).
    #[arg(long, value_name = "FILE")]
    pub itinerant_needs: Option<PathBuf>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// Rule set (TOML). Without it, the contract's Nanchang 2021–2025 defaults apply.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Override one rule value: section.key=value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

impl DataArgs {
    pub fn sources(&self) -> DataSources {
        DataSources {
            dir: self.data.clone(),
            schools: self.schools.clone(),
            teachers: self.teachers.clone(),
            needs: self.needs.clone(),
            ledger: self.ledger.clone(),
            evaluators: self.evaluators.clone(),
            itinerant_needs: self.itinerant_needs.clone(),
        }
    }
}

/// Loads the rule set, or prints its errors.
pub fn load_rule_args(args: &RuleArgs) -> Result<Rules, String> {
    match &args.rules {
        Some(path) => load_rules(path, &args.set).map_err(|e| e.to_string()),
        None => crate::rules::parse_rules("", "defaults", &args.set).map_err(|e| e.to_string()),
    }
}

/// Loads rules and data, printing notices to stderr. On failure prints every problem
/// found in both and returns `Exit::Invalid`.
pub fn load_all(rules: &RuleArgs, data: &DataArgs) -> Result<(Rules, Loaded), Exit> {
    let r = load_rule_args(rules);
    let d = input::load(&data.sources());
    let mut failed = false;
    if let Err(e) = &r {
        eprintln!("{e}");
        failed = true;
    }
    match &d {
        Err(e) => {
            eprintln!("{e}");
            failed = true;
        }
        Ok(l) => {
            for n in &l.notices {
                eprintln!("notice: {n}");
            }
        }
    }
    match (r, d) {
        (Ok(r), Ok(mut d)) if !failed => {
            d.data.group_by_district();
            Ok((r, d))
        }
        _ => {
            eprintln!("nothing was written.");
            Err(Exit::Invalid)
        }
    }
}
