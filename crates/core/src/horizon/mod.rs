//! The whole plan period (`horizon`): every year planned in turn with the state carried
//! forward exactly as docs/rules.md ("The horizon, exactly") says, the cumulative person-times
//! against the target path, and the smallest quota share that meets the target.
//!
//! State is carried as a ledger: each year's planned moves become `LedgerEntry`s
//! (status planned, term per `[term]`), so eligibility ("away", "held back") and open
//! posts ("occupied", "reopened") follow from the same rules as the one-year plan.

mod binding;
mod report;
mod run;
mod search;
mod takes;
mod target;

pub use binding::{Binding, Bound};
pub use report::{
    horizon_csv, horizon_csv_with, render, rerun_shares, HorizonSummary, Period, HORIZON_HEADER,
};
pub use run::counts;
pub use run::{roster_for_year, run, HorizonRun, YearRow, YearView};
pub use search::{
    default_points_per_round, early_round, first_round_points, grid_index, grid_share, next_round,
    search, search_ahead, search_observed, search_with, EarlyRound, Probe, SearchStart,
    TargetSearch, GRID_POINTS,
};
pub use takes::render as render_what_it_takes;
pub use takes::render_with as render_what_it_takes_with;
pub use takes::{
    distance_grid, param_probe, smallest_met_with, term_grid, unplaced_within_quota, what_it_takes,
    MorePosts, MorePostsTally, ParamProbe, Smallest, WhatItTakes, DISTANCE_GRID,
};
pub use target::{first_met, target_cumulative};

use crate::plan::{PlanError, PlanOptions};

/// Knobs of a horizon run that are not rules.
#[derive(Debug, Clone, Default)]
pub struct HorizonOptions {
    pub plan: PlanOptions,
    /// Stop after the first year whose cumulative reaches the target (target search).
    pub stop_when_met: bool,
}

/// What [`run`]'s per-year callback may fail with: the caller's own error, of any type
/// (a `String` converts with `?` or `.into()`).
pub type OutputError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum HorizonError {
    #[error("plan year {year}: {source}")]
    Plan { year: i32, source: PlanError },
    /// The caller's per-year callback failed (for the command line: writing the year's
    /// files); its own error, shown as it words itself.
    #[error("plan year {year}: {source}")]
    Output { year: i32, source: OutputError },
    #[error("plan year {year}: {source}")]
    Itinerant {
        year: i32,
        source: crate::itinerant::ItinerantError,
    },
}
