//! The integration tests, one binary: each module is one former test file (through the
//! `rotaplan` binary, or the crates' APIs), and the `*_support` modules are their shared
//! helpers. Slow cases are `#[ignore]`d here and run in release by `.ci/run`, by module:
//! `cargo test --release --test it -- --ignored shards::`.

mod cli_support;
mod plan_support;
mod report_support;
mod serve_support;

mod browser;
mod cli_errors;
mod compare_cli;
mod explain_nanchang;
mod fuzz_inputs;
mod golden_outputs;
mod horizon_property;
mod horizon_three_years;
mod horizon_tiny;
mod input_loader;
mod input_refusals;
mod itinerant_cli;
mod itinerant_report;
mod kill;
mod merge_fingerprints;
mod output_folder;
mod period_fixture;
mod period_property;
mod plan_hard_variants;
mod plan_independent;
mod plan_optimality;
mod plan_robustness;
mod progress_cli;
mod redact;
mod report_outputs;
mod report_pages;
mod rules_files;
mod schedule_cli;
mod schedule_fixtures;
mod schedule_property;
mod serve_api;
mod serve_load;
mod serve_views;
mod shards;
mod steering_independent;
mod steering_pins;
mod steering_previous;
mod tiny_fixture;
mod verify_cli;
