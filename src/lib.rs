//! rotaplan: a rules engine and optimizer for teacher exchange rotation (交流轮岗).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod model;
pub mod output;
pub mod cli;
pub mod eligibility;
pub mod plan;
pub mod rules;
pub mod shortfall;
pub mod stats;
pub mod verify;
pub mod gen;
pub mod input;
pub mod report;
pub mod xlsx;
pub mod progress;
