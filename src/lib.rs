//! rotaplan: a rules engine and optimizer for teacher exchange rotation (交流轮岗).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod compare;
pub mod eligibility;
pub mod explain;
pub mod gen;
pub mod horizon;
pub mod input;
pub mod itinerant;
pub mod merge;
pub mod model;
pub mod output;
pub mod plan;
pub mod progress;
pub mod quota_progress;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod serve;
pub mod shard;
pub mod shortfall;
pub mod stats;
pub mod verify;
pub mod xlsx;
