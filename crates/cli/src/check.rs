//! `rotaplan check`: validate rules and data, print every problem.

use super::common::{load_all, DataArgs, RuleArgs};
use super::Exit;
use clap::Args;
use rotaplan_core::eligibility;

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Also evaluate custom exclusions for this plan year (default: the plan's first).
    #[arg(long, value_parser = super::common::parse_year)]
    pub year: Option<i32>,
}

pub fn run(a: &CheckArgs, quiet: bool) -> Exit {
    let (rules, loaded) = match load_all(&a.rules, &a.data) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let d = &loaded.data;
    // Custom exclusions can only fail on real values: try them on every teacher.
    let year = a.year.unwrap_or(rules.plan.first_year);
    if let Err(f) = eligibility::assess(d, &rules, year, &d.ledger) {
        eprintln!(
            "{}: [[eligibility.exclude]] `{}`{} fails on teacher {}: {}",
            rules.source,
            f.exclusion,
            f.at_line(),
            f.teacher,
            f.message
        );
        return Exit::Invalid;
    }
    if !quiet {
        println!(
            "ok: rules `{}` ({}); {} schools, {} teachers, {} needs rows, {} ledger rows, {} evaluators",
            rules.plan.name,
            rules.source,
            d.schools.len(),
            d.teachers.len(),
            d.needs.len(),
            d.ledger.len(),
            d.evaluators.len()
        );
    }
    Exit::Done
}
