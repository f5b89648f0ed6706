//! `rotaplan horizon`: the whole plan period year by year, progress to the target and
//! the smallest share that meets it.

use super::common::{write_out, OutArgs, PlanInputs};
use super::Exit;
use clap::Args;
use rotaplan_core::horizon::{self, HorizonError, HorizonOptions, HorizonSummary};
use rotaplan_core::model::{Dataset, Id, School};
use rotaplan_core::plan::{PlanError, PlanOptions};
use rotaplan_core::rules::Rules;
use rotaplan_core::shortfall::{shortfall_reasons, ShortfallReason};
use rotaplan_core::stats::{summarize, FiguresMismatch, SchoolRow};
use rotaplan_io::output::redact::{RedactError, Redactor};
use rotaplan_io::output::{plan_files, RenderError, Staged};
use rotaplan_io::report::horizon_page::{horizon_page, horizon_workbook, DistrictYears};
use rotaplan_io::report::Lang;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct HorizonArgs {
    /// (A previous plan steers the first year only.)
    #[command(flatten)]
    pub inputs: PlanInputs,
    #[command(flatten)]
    pub output: OutArgs,
    /// Exit 3 when the period's target is not met.
    #[arg(long)]
    pub strict: bool,
    /// Seconds the solver may spend on one component before taking its best plan.
    #[arg(long, default_value_t = 15.0, value_name = "SECONDS", value_parser = super::common::parse_seconds)]
    pub time_limit: f64,
    /// Plan only the districts of shard I of N over the whole period, with the probe
    /// horizons of the target search; combine the shard folders with `rotaplan merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// With --shard: more grid shares to run full horizons at (comma-separated), when
    /// `merge` says the search needs them.
    #[arg(long, value_name = "SHARES", value_delimiter = ',', requires = "shard")]
    pub probe_shares: Vec<String>,
    /// Language of report.html.
    #[arg(long, value_parser = crate::common::lang_parser(), default_value_t = Lang::Zh)]
    pub lang: Lang,
}

pub(super) fn fail(e: HorizonError, source: &str) -> Exit {
    match e {
        HorizonError::Plan {
            source: PlanError::Exclusion(_),
            ..
        } => {
            eprintln!("{source}: {e}\nnothing was written.");
            Exit::Invalid
        }
        e @ HorizonError::Plan {
            source: PlanError::Pins(_),
            ..
        } => {
            eprintln!("error: {e}\nnothing was written.");
            Exit::Invalid
        }
        HorizonError::Itinerant {
            source: rotaplan_core::itinerant::ItinerantError::When { .. },
            ..
        } => {
            eprintln!("{source}: {e}\nnothing was written.");
            Exit::Invalid
        }
        e => {
            eprintln!("error: {e}\nnothing was written.");
            Exit::Failure
        }
    }
}

/// A year's roster with pseudonyms, when redacting (see `output::redact`).
pub(super) fn redacted_roster(
    redactor: Option<&Redactor>,
    roster: &Dataset,
) -> Result<Option<Dataset>, RedactError> {
    redactor.map(|r| r.dataset(roster)).transpose()
}

/// A horizon year's school rows and summary, with its itinerant figures.
pub(super) fn year_summary(
    v: &horizon::YearView<'_>,
    rules: &rotaplan_core::rules::Rules,
) -> Result<
    (
        Vec<rotaplan_core::stats::SchoolRow>,
        rotaplan_core::stats::Summary,
    ),
    FiguresMismatch,
> {
    let (rows, mut summary) = summarize(v.roster, rules, v.plan)?;
    summary.itinerant = v
        .itinerant
        .map(|p| Box::new(rotaplan_core::itinerant::ItinerantFigures::of(p)));
    Ok((rows, summary))
}

/// The options of a horizon run for the command line and the server's workers: every
/// year planned (the target search stops on its own), stopped by `watch`'s cancel flag.
pub(super) fn options(time_limit: f64, watch: Option<&super::Watch>) -> HorizonOptions {
    HorizonOptions {
        plan: PlanOptions {
            time_limit,
            cancel: watch.map(|w| w.cancel.clone()),
            ..PlanOptions::default()
        },
        stop_when_met: false,
    }
}

/// A horizon year's itinerant plan in the ids of the written files.
pub(super) fn shown_itinerant(
    v: &horizon::YearView<'_>,
    redacted: Option<&Dataset>,
) -> Option<rotaplan_core::itinerant::ItinerantPlan> {
    v.itinerant.map(|p| match redacted {
        Some(r) => p.with_ids_of(v.roster, r),
        None => p.clone(),
    })
}

/// A horizon year as staged: its school rows and shortfall reasons, and the roster
/// and itinerant plan written (redacted when asked).
pub(super) struct StagedYear {
    pub rows: Vec<SchoolRow>,
    pub reasons: BTreeMap<Id<School>, Vec<ShortfallReason>>,
    pub redacted: Option<Dataset>,
    pub itinerant: Option<rotaplan_core::itinerant::ItinerantPlan>,
}

impl StagedYear {
    /// The roster as written: redacted when asked, else the year's own.
    pub fn shown<'a>(&'a self, v: &horizon::YearView<'a>) -> &'a Dataset {
        self.redacted.as_ref().unwrap_or(v.roster)
    }
}

/// Stages year `v`'s plan files under `{year}/`, the roster redacted by `redactor`.
pub(super) fn stage_year(
    staged: &mut Staged,
    v: &horizon::YearView<'_>,
    rules: &Rules,
    redactor: Option<&Redactor>,
) -> Result<StagedYear, RenderError> {
    let (rows, summary) = year_summary(v, rules)?;
    let reasons = shortfall_reasons(v.roster, rules, v.plan);
    let redacted = redacted_roster(redactor, v.roster)?;
    let itinerant = shown_itinerant(v, redacted.as_ref());
    plan_files(
        staged,
        &format!("{}/", v.row.year),
        redacted.as_ref().unwrap_or(v.roster),
        rules,
        v.plan,
        &rows,
        &summary,
        &reasons,
        itinerant.as_ref(),
        Lang::Zh,
    )?;
    Ok(StagedYear {
        rows,
        reasons,
        redacted,
        itinerant,
    })
}

pub fn run(a: &HorizonArgs, quiet: bool) -> Exit {
    execute(a, quiet, None)
}

/// `horizon` itself. With `watch` (the server's workers): the years planned are counted
/// on its bar, its stage named there, and setting its cancel flag stops the run before
/// anything is written.
pub fn execute(a: &HorizonArgs, quiet: bool, watch: Option<&super::Watch>) -> Exit {
    let o = match a
        .output
        .open_and_load("horizon", a.shard.as_deref(), &a.inputs)
    {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (shard, out, redactor, rules, mut loaded) = (o.shard, o.out, o.redactor, o.rules, o.loaded);
    if let Err(e) = a.inputs.previous.load_into(&mut loaded.data) {
        return e;
    }
    if let Some(sh) = shard {
        let target = super::horizon_shard::Target {
            out: &out,
            redactor: redactor.as_ref(),
        };
        return super::horizon_shard::run(a, sh, &rules, loaded.data, &target, quiet);
    }
    let data = &loaded.data;
    let opts = options(a.time_limit, watch);
    let show = !quiet && std::io::stderr().is_terminal();
    let mut staged = Staged::default();
    let t0 = Instant::now();
    let years = rules.plan.first_year..=rules.plan.last_year;
    let bar = match watch {
        Some(w) => w.counting(years.clone().count() as u64, "planning: years planned"),
        None => crate::progress::bar(years.clone().count() as u64, "years", quiet),
    };
    let mut districts = DistrictYears::default();
    let mut more_posts = horizon::MorePostsTally::default();
    let on_year = |v: &horizon::YearView<'_>| -> Result<(), horizon::OutputError> {
        more_posts.add(v, &rules);
        stage_year(&mut staged, v, &rules, redactor.as_ref())?;
        districts.add(v, &rules);
        bar.inc(1);
        if show {
            bar.println(format!(
                "planned {}: {} sent, cumulative {}",
                v.row.year, v.row.sent, v.row.cumulative
            ));
        }
        Ok(())
    };
    // The target search's first round runs beside the base horizon (see
    // `horizon::early_round`): its horizons do not depend on the base one.
    let (base, early) = rayon::join(
        || horizon::run(data, &rules, years, &opts, on_year),
        || horizon::early_round(data, &rules, &opts),
    );
    if watch.is_none() {
        bar.finish_and_clear();
    }
    let base = match base {
        Ok(b) => b,
        Err(e) => return fail(e, &rules.source),
    };
    let horizon_seconds = t0.elapsed().as_secs_f64();
    // Whether the target is met follows from the base horizon alone, so the answers
    // to "what would reach it" run side by side with the target search (both are
    // deterministic: neither depends on the other's timing).
    let met =
        base.rows.last().map_or(0, |r| r.cumulative) >= u64::from(rules.plan.target_exchanges);
    if show {
        eprintln!("searching the share that meets the target…");
        if !met {
            eprintln!("searching what it takes to meet the target…");
        }
    }
    let t1 = Instant::now();
    if let Some(w) = watch {
        w.stage("searching: the share that meets the target");
    }
    let probes = crate::progress::counter("target search: shares tried", quiet);
    let ((search, search_seconds), (takes, takes_seconds)) = rayon::join(
        || {
            let s = horizon::search_ahead(data, &rules, &base, &opts, early, &|_| probes.inc(1));
            (s, t1.elapsed().as_secs_f64())
        },
        || {
            let w = (!met).then(|| horizon::what_it_takes(data, &rules, &opts, more_posts));
            (w.transpose(), t1.elapsed().as_secs_f64())
        },
    );
    probes.finish_and_clear();
    let search = match search {
        Ok(s) => s,
        Err(e) => return fail(e, &rules.source),
    };
    let mut summary = HorizonSummary::new(&rules, base.rows, search);
    // Out of reach as given: what would reach it.
    match takes {
        Ok(w) => summary.what_it_takes = w,
        Err(e) => return fail(e, &rules.source),
    }
    let district_rows = districts.rows();
    let csv = horizon::horizon_csv_with(&summary.years, summary.what_it_takes.as_ref())
        .map_err(RenderError::from)
        .and_then(|b| {
            let xlsx = horizon_workbook(&b, &summary, &district_rows)?;
            Ok((b, xlsx))
        });
    match csv {
        Ok((b, xlsx)) => {
            staged.add("horizon.csv", b);
            staged.add("horizon.xlsx", xlsx);
            let page = horizon_page(&summary, &district_rows, a.lang);
            staged.add("report.html", page.render().into_bytes());
        }
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    }
    match serde_json::to_vec_pretty(&summary) {
        Ok(mut b) => {
            b.push(b'\n');
            staged.add("summary.json", b);
        }
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    }
    if watch.is_some_and(super::Watch::cancelled) {
        return Exit::Failure;
    }
    if let Err(e) = write_out(&out, &staged) {
        return e;
    }
    if !quiet {
        print!("{}", horizon::render(&summary));
        if let Some(w) = &summary.what_it_takes {
            print!("{}", horizon::render_what_it_takes(w, &rules));
        }
        println!(
            "horizon {horizon_seconds:.1} s, target search {search_seconds:.1} s ({} horizons in {} rounds)",
            summary.target_search.probes.len(),
            summary.target_search.rounds
        );
        if let Some(w) = &summary.what_it_takes {
            println!(
                "what it takes {takes_seconds:.1} s ({} horizons, beside the target search)",
                w.term_probes.len() + w.distance_probes.len()
            );
        }
        println!("wrote {}", a.output.out.display());
    }
    if a.strict && !summary.target_met {
        return Exit::Strict;
    }
    Exit::Done
}
