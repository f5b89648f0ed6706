//! Plan time, load to plan (no file writing), and itinerant teaching alone, on the
//! bundled fixtures:
//! `cargo bench --bench plan`. Figures and the machine go in BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rotaplan_core::plan::{plan_year, PlanOptions};
use rotaplan_core::rules::load_rules;
use rotaplan_io::input::{load, DataSources};
use std::path::PathBuf;

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(fixture: &str) -> usize {
    let rules = load_rules(&root().join("rules/nanchang-2021-2025.toml"), &[]).unwrap();
    let loaded = load(&DataSources {
        dir: Some(root().join("fixtures").join(fixture)),
        ..Default::default()
    })
    .unwrap();
    let plan = plan_year(
        &loaded.data,
        &rules,
        2021,
        &loaded.data.ledger,
        &PlanOptions::default(),
    )
    .unwrap();
    assert!(plan.optimal);
    plan.moves.len()
}

#[divan::bench(sample_count = 10)]
fn tiny() -> usize {
    run("tiny")
}

#[divan::bench(sample_count = 10)]
fn county() -> usize {
    run("county")
}

#[divan::bench(sample_count = 5)]
fn nanchang() -> usize {
    run("nanchang")
}

/// Itinerant teaching (走教) alone, data loaded once outside the timing.
fn itinerant(fixture: &str, bencher: divan::Bencher) {
    let rules = load_rules(&root().join("rules/nanchang-2021-2025.toml"), &[]).unwrap();
    let loaded = load(&DataSources {
        dir: Some(root().join("fixtures").join(fixture)),
        ..Default::default()
    })
    .unwrap();
    let moved = std::collections::BTreeSet::new();
    let ctx = rotaplan_core::itinerant::Context {
        data: &loaded.data,
        rules: &rules,
        year: 2021,
        moved: &moved,
    };
    bencher.bench(|| {
        let p = rotaplan_core::itinerant::plan(&ctx).unwrap();
        assert!(p.optimal);
        p.periods_covered
    });
}

#[divan::bench(sample_count = 10)]
fn itinerant_county(bencher: divan::Bencher) {
    itinerant("county", bencher);
}

#[divan::bench(sample_count = 5)]
fn itinerant_nanchang(bencher: divan::Bencher) {
    itinerant("nanchang", bencher);
}
