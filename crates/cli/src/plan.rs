//! `rotaplan plan --year Y`: one plan year, end to end.

use super::common::{fingerprint, write_out, OutArgs, PlanInputs};
use super::Exit;
use clap::Args;
use rotaplan_core::plan::{plan_year, Method, PlanError, PlanOptions};
use rotaplan_core::shortfall::shortfall_reasons;
use rotaplan_core::stats::summarize;
use rotaplan_io::output::{plan_files, render_plan_summary, Staged};
use rotaplan_io::report::Lang;
use rotaplan_io::shard::{Shard, ShardManifest, ShardReport, MANIFEST};

#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub inputs: PlanInputs,
    /// Plan year Y (the school year starting in September of Y).
    #[arg(long, value_parser = super::common::parse_year)]
    pub year: i32,
    /// Accept a --year outside the rules' plan period ([plan] first_year..last_year).
    #[arg(long)]
    pub any_year: bool,
    #[command(flatten)]
    pub output: OutArgs,
    /// Exit 3 when the plan has a shortfall.
    #[arg(long)]
    pub strict: bool,
    /// Seconds the solver may spend on one component before taking its best plan
    /// (then marked optimal: false).
    #[arg(long, default_value_t = 120.0, value_name = "SECONDS", value_parser = super::common::parse_seconds)]
    pub time_limit: f64,
    /// Plan only the districts of shard I of N (1-based; a stable split by district
    /// name); combine the shard folders with `rotaplan merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// `optimal` (the exact optimizer) or `seniority` (the hand method baseline).
    #[arg(long, value_parser = crate::common::method_parser(), default_value_t = Method::Optimal)]
    pub method: Method,
    /// Language of report.html.
    #[arg(long, value_parser = crate::common::lang_parser(), default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// The stages a plan goes through, as its progress bar names them.
pub const STAGES: [&str; 3] = ["loading data", "planning", "writing"];

pub fn run(a: &PlanArgs, quiet: bool) -> Exit {
    execute(a, quiet, crate::progress::stages(&STAGES, quiet), None)
}

/// `plan` itself: `stages` (a bar over [`STAGES`]) shows how far it is, and setting
/// `cancel` stops it before anything is written (`serve` runs plans through this).
pub fn execute(
    a: &PlanArgs,
    quiet: bool,
    stages: indicatif::ProgressBar,
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
) -> Exit {
    let o = match a
        .output
        .open_and_load("plan", a.shard.as_deref(), &a.inputs)
    {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (shard, out, redactor, rules, mut loaded) = (o.shard, o.out, o.redactor, o.rules, o.loaded);
    if let Err(e) = super::common::check_period(&rules, a.year, a.any_year) {
        eprintln!("error: {e}\nnothing was written.");
        return Exit::Invalid;
    }
    if let Err(e) = a.inputs.previous.load_into(&mut loaded.data) {
        return e;
    }
    let cut = match shard {
        None => None,
        Some(sh) => {
            if let Err(e) = Shard::check_rules(&rules) {
                eprintln!("{}: {e}\nnothing was written.", rules.source);
                return Exit::Invalid;
            }
            let cut = sh.filter(&mut loaded.data);
            let refused = cut.pin_refusals(a.year);
            if !refused.is_empty() {
                eprintln!("error: {}\nnothing was written.", PlanError::Pins(refused));
                return Exit::Invalid;
            }
            Some((sh, cut))
        }
    };
    let data = &loaded.data;
    crate::progress::next_stage(&stages, "planning: components solved");
    // The stage bar counts the components while they are solved.
    let opts = PlanOptions {
        time_limit: a.time_limit,
        method: a.method,
        progress: Some(crate::progress::sink(&stages)),
        cancel,
        ..PlanOptions::default()
    };
    let plan = match plan_year(data, &rules, a.year, &data.ledger, &opts) {
        Ok(p) => p,
        Err(e @ PlanError::Exclusion(_)) => {
            eprintln!("{}: {e}\nnothing was written.", rules.source);
            return Exit::Invalid;
        }
        Err(e @ PlanError::Pins(_)) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Invalid;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    };
    let (rows, mut summary) = match summarize(data, &rules, &plan) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    };
    // Itinerant teaching (走教), when the data has needs: the teachers this plan moves
    // take no part.
    let itinerant_plan = if data.itinerant.has_needs() {
        let moved = plan
            .moves
            .iter()
            .map(|m| data.teachers[m.teacher].id.clone())
            .collect();
        match super::itinerant::plan_or_exit(data, &rules, a.year, &moved) {
            Ok(p) => {
                summary.itinerant =
                    Some(Box::new(rotaplan_core::itinerant::ItinerantFigures::of(&p)));
                Some(p)
            }
            Err(e) => return e,
        }
    } else {
        None
    };
    stages.set_position(1);
    stages.set_length(3);
    crate::progress::next_stage(&stages, "writing");
    let mut staged = Staged::default();
    let reasons = shortfall_reasons(data, &rules, &plan);
    // Redacted files are rendered from a copy with pseudonyms (same teachers, same
    // order), after the plan is made on the real data.
    let redacted = match redactor.as_ref().map(|r| r.dataset(data)).transpose() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    };
    let shown = redacted.as_ref().unwrap_or(data);
    // The itinerant plan in the ids of the files (pseudonyms when redacting).
    let itinerant_shown = itinerant_plan.as_ref().map(|p| match &redacted {
        Some(r) => p.with_ids_of(data, r),
        None => p.clone(),
    });
    if let Err(e) = plan_files(
        &mut staged,
        "",
        shown,
        &rules,
        &plan,
        &rows,
        &summary,
        &reasons,
        itinerant_shown.as_ref(),
        a.lang,
    ) {
        eprintln!("error: {e}");
        return Exit::Failure;
    }
    if let Some((sh, cut)) = cut {
        let fp = match fingerprint(
            &a.inputs.data,
            &rules,
            format!("plan {}", a.year),
            redactor.as_ref(),
        ) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}\nnothing was written.");
                return Exit::Failure;
            }
        };
        let m = ShardManifest {
            shard: sh,
            fingerprint: Some(fp),
            districts: cut.districts,
            report: Some(
                ShardReport::new(data, &rules, &plan, &rows, &reasons, a.lang).with_itinerant(
                    shown,
                    &rules,
                    itinerant_shown.as_ref(),
                ),
            ),
            horizon: None,
        };
        match serde_json::to_vec_pretty(&m) {
            Ok(mut json) => {
                json.push(b'\n');
                staged.add(MANIFEST, json);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Failure;
            }
        }
    }
    if opts.cancelled() {
        return Exit::Failure;
    }
    if let Err(e) = write_out(&out, &staged) {
        return e;
    }
    stages.finish_and_clear();
    if !quiet {
        print!("{}", render_plan_summary(&summary));
        if let Some(p) = &itinerant_plan {
            print!("{}", super::itinerant::render(p));
        }
        println!("wrote {}", a.output.out.display());
    }
    if a.strict && summary.totals.shortfall > 0 {
        return Exit::Strict;
    }
    Exit::Done
}
