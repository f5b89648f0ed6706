//! rotaplan: a rules engine and optimizer for teacher exchange rotation (交流轮岗).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod eligibility;
pub mod gen;
pub mod input;
pub mod model;
pub mod output;
pub mod plan;
pub mod progress;
pub mod report;
pub mod rules;
pub mod shortfall;
pub mod stats;
pub mod verify;
pub mod xlsx;
