//! `compare`: the same data planned under several rule sets, `--set` values and
//! methods, side by side.
//!
//! Data is loaded once by the caller; variants are planned in parallel (rayon) and
//! collected in variant order, so every output is byte-identical whatever the thread
//! count. Timings are never written to files for the same reason.

pub mod figures;
mod period;
mod tables;
mod variants;

pub use figures::Figures;
pub use period::{
    period_compare_csv, period_moves_csv, render_period_table, run_periods, PeriodOutcome,
};
pub use tables::{compare_csv, moves_csv, render_table};
pub use variants::{expand, split_sweep, SweepError, Variant};

use crate::model::Dataset;
use crate::plan::{plan_year, PlanError, PlanOptions, YearPlan};
use crate::rules::{load_rules, Rules};
use crate::stats::{summarize, SchoolRow, Summary};
use rayon::prelude::*;

/// One planned variant.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub variant: Variant,
    pub rules: Rules,
    pub plan: YearPlan,
    pub rows: Vec<SchoolRow>,
    pub summary: Summary,
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// Rule files or overrides that do not parse (exit 2).
    #[error("{}", .0.join("\n"))]
    Rules(Vec<String>),
    /// A variant could not be planned (exit 1).
    #[error("variant `{variant}`: {message}")]
    Plan { variant: String, message: String },
}

/// A planning error of one variant: a failing custom exclusion is a rules error
/// (exit 2), anything else a failure (exit 1).
fn variant_error(label: String, e: PlanError) -> CompareError {
    match e {
        e @ (PlanError::Exclusion(_) | PlanError::Pins(_)) => {
            CompareError::Rules(vec![format!("variant `{label}`: {e}")])
        }
        e => CompareError::Plan {
            variant: label,
            message: e.to_string(),
        },
    }
}

/// Loads every variant's rules; reports all rule errors at once.
pub fn load_variant_rules(variants: &[Variant]) -> Result<Vec<Rules>, CompareError> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for v in variants {
        match load_rules(&v.rules, &v.sets) {
            Ok(r) => out.push(r),
            Err(e) => {
                let msg = format!("variant `{}`: {e}", v.label());
                if !errors.contains(&msg) {
                    errors.push(msg);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(CompareError::Rules(errors))
    }
}

/// Plans every variant for `year`, in parallel, results in variant order.
pub fn run_variants(
    data: &Dataset,
    variants: &[Variant],
    rules: Vec<Rules>,
    year: i32,
    time_limit: f64,
) -> Result<Vec<Outcome>, CompareError> {
    let jobs: Vec<(Variant, Rules)> = variants.iter().cloned().zip(rules).collect();
    let results: Vec<Result<Outcome, CompareError>> = jobs
        .into_par_iter()
        .map(|(variant, rules)| {
            let opts = PlanOptions {
                time_limit,
                method: variant.method,
                progress: None,
                cancel: None,
                ..PlanOptions::default()
            };
            let plan = plan_year(data, &rules, year, &data.ledger, &opts)
                .map_err(|e| variant_error(variant.label(), e))?;
            let (rows, summary) =
                summarize(data, &rules, &plan).map_err(|e| CompareError::Plan {
                    variant: variant.label(),
                    message: e.to_string(),
                })?;
            Ok(Outcome {
                variant,
                rules,
                plan,
                rows,
                summary,
            })
        })
        .collect();
    results.into_iter().collect()
}
