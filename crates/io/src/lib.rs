//! rotaplan-io: rotaplan's files. The input loaders (CSV in UTF-8 or GBK, xlsx, Chinese
//! column names, every problem at once), output folders that appear whole or not at all,
//! the CSV, xlsx and HTML reports, the synthetic data generator, and shards with their
//! merge. The model and the solvers are `rotaplan-core`'s.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod gen;
pub mod input;
pub mod merge;
pub mod output;
pub mod report;
pub mod shard;
pub mod xlsx;

#[cfg(test)]
mod core_tests;

// The core's modules, at this crate's root so that paths read the same in every crate
// (`crate::model::Dataset`); not re-exported.
pub(crate) use rotaplan_core::{
    compare, eligibility, horizon, itinerant, model, plan, progress, quota_progress, rules,
    schedule, shortfall, stats,
};
