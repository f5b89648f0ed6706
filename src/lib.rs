//! rotaplan: a rules engine and optimizer for teacher exchange rotation (交流轮岗).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod model;
pub mod rules;
pub mod gen;
pub mod input;
