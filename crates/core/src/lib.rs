//! rotaplan-core: the model, the rules and the solvers of rotaplan, with no file formats
//! and no terminal. Loading files and writing outputs is `rotaplan-io`'s job; the command
//! line is `rotaplan-cli`'s; the web workspace is `rotaplan-server`'s.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod compare;
pub mod eligibility;
pub mod explain;
pub mod horizon;
pub mod itinerant;
pub mod model;
pub mod plan;
pub mod progress;
pub mod quota_progress;
pub mod rules;
pub mod schedule;
pub mod shortfall;
pub mod stats;
pub mod table;
pub mod verify;
