//! rotaplan: a rules engine and optimizer for teacher exchange rotation (交流轮岗).
//!
//! This crate is the small public API over rotaplan's crates, for calling the planner
//! from Rust without the command line:
//!
//! - [`load_folder`] (or [`load`] with [`DataSources`]) reads a data folder;
//! - [`load_rules`] reads a rule file, with `--set`-style overrides;
//! - [`plan_year`] plans one year, exactly; the plan is checked by an independent
//!   checker before it is returned;
//! - [`summarize`] gives the figures of `summary.json`;
//! - [`explain_teacher`] / [`explain_school`] give the reasons as data, and
//!   [`render_teacher`] / [`render_school`] as the text `rotaplan explain` prints.
//!
//! ```
//! use rotaplan::{explain_teacher, load_folder, load_rules, plan_year, render_teacher, summarize};
//! use rotaplan::PlanOptions;
//! use std::path::Path;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The data folder and the rules (with one value changed, as `--set` does).
//! let data = load_folder(Path::new("fixtures/tiny"))?;
//! let rules = load_rules(
//!     Path::new("rules/nanchang-2021-2025.toml"),
//!     &["quota.min_share_of_eligible=0.10".to_string()],
//! )?;
//!
//! // Plan 2021 and read its figures.
//! let plan = plan_year(&data, &rules, 2021, &data.ledger, &PlanOptions::default())?;
//! let (_schools, figures) = summarize(&data, &rules, &plan)?;
//! assert!(figures.optimal);
//! assert_eq!(figures.totals.sent, plan.moves.len() as u64);
//! println!("{} teachers move, shortfall {}", figures.totals.sent, figures.totals.shortfall);
//!
//! // Why a teacher is, or is not, placed.
//! let t = data.teacher_ids().find(|&t| data.teacher(t).id.as_str() == "U1-03").ok_or("no U1-03")?;
//! let why = explain_teacher(&data, &rules, &plan, t);
//! let text = render_teacher(&data, &rules, 2021, &why);
//! assert!(text.contains("U1-03"));
//! # Ok(())
//! # }
//! ```
//!
//! Everything else is in the crates themselves, re-exported here as [`core`] (the model,
//! the rules and the solvers: no file formats, no terminal) and [`io`] (the loaders, the
//! output folders, the CSV/xlsx/HTML reports). `ARCHITECTURE.md` describes them.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub use rotaplan_core as core;
pub use rotaplan_io as io;

pub use rotaplan_core::explain::{
    explain_school, explain_teacher, render_school, render_teacher, SchoolExplanation,
    TeacherExplanation,
};
pub use rotaplan_core::model::{Dataset, Id, School, SchoolId, Teacher, TeacherId};
pub use rotaplan_core::plan::{plan_year, Method, Move, PlanError, PlanOptions, YearPlan};
pub use rotaplan_core::progress::ProgressSink;
pub use rotaplan_core::rules::{load_rules, parse_rules, RuleErrors, Rules};
pub use rotaplan_core::stats::{FiguresMismatch, SchoolRow, Summary, Totals};
pub use rotaplan_core::verify::{check, Violation};
pub use rotaplan_io::input::{load, DataSources, InputErrors, Loaded};

/// Reads every data file of a folder (schools, teachers, needs, ledger, and the
/// optional ones), as `--data DIR` does: every problem of every file at once.
pub fn load_folder(dir: &std::path::Path) -> Result<Dataset, InputErrors> {
    load(&DataSources {
        dir: Some(dir.to_path_buf()),
        ..Default::default()
    })
    .map(|l| l.data)
}

/// The figures of `summary.json` for a plan, and its per-school rows; an error when
/// the plan's own figures disagree with the independent checker's (a bug).
pub fn summarize(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
) -> Result<(Vec<SchoolRow>, Summary), FiguresMismatch> {
    rotaplan_core::stats::summarize(data, rules, plan)
}
