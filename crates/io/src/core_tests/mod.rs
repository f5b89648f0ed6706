//! Tests of the core's modules on the fixtures: they live here because loading a data
//! folder is this crate's job.

#![allow(clippy::unwrap_used)]

use crate::input::{load, DataSources};
use crate::model::Dataset;
use crate::rules::{load_rules, Rules};
use std::path::PathBuf;

/// The repository's root.
fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The data folder fixtures/`name`, loaded.
fn fixture(name: &str) -> Dataset {
    load(&DataSources {
        dir: Some(root().join("fixtures").join(name)),
        ..Default::default()
    })
    .unwrap()
    .data
}

/// The rule file rules/`name`, loaded.
fn rules_file(name: &str) -> Rules {
    load_rules(&root().join("rules").join(name), &[]).unwrap()
}

mod explain;
mod itinerant;
mod shortfall;
mod verify_tiny;
