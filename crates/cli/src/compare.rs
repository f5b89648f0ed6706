//! `rotaplan compare --rules A --rules B … [--set KEY=V1,V2 …] (--year Y | --horizon)`.

use super::common::{write_out, DataArgs, OutArgs, PreviousArgs};
use super::Exit;
use clap::{ArgGroup, Args};
use rayon::prelude::*;
use rotaplan_core::compare::{
    compare_csv, expand, load_variant_rules, moves_csv, period_compare_csv, period_moves_csv,
    render_period_table, render_table, run_periods, run_variants, CompareError, Variant,
};
use rotaplan_core::model::Dataset;
use rotaplan_core::plan::Method;
use rotaplan_core::rules::Rules;
use rotaplan_io::input::{self, Loaded};
use rotaplan_io::output::redact::Redactor;
use rotaplan_io::output::{OutDir, Staged};
use rotaplan_io::report::compare_page::{compare_page, compare_period_page, compare_workbook};
use rotaplan_io::report::page::Page;
use rotaplan_io::report::Lang;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("period").required(true).args(["year", "horizon"])))]
pub struct CompareArgs {
    /// Rule set (TOML); repeat for several.
    #[arg(long, value_name = "FILE", required = true)]
    pub rules: Vec<PathBuf>,
    /// Sweep one rule value: section.key=v1,v2,… (repeatable: cross product). Commas
    /// inside brackets or quotes belong to the value.
    #[arg(long = "set", value_name = "KEY=V1,V2,…")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub data: DataArgs,
    /// (With --horizon: steers each variant's first year only.)
    #[command(flatten)]
    pub previous: PreviousArgs,
    /// Plan year Y (exactly one of --year and --horizon).
    #[arg(long, value_parser = super::common::parse_year)]
    pub year: Option<i32>,
    /// Plan every variant over its whole plan period ([plan] first_year..last_year),
    /// with cumulative figures.
    #[arg(long)]
    pub horizon: bool,
    /// Methods to run for every variant (comma-separated): optimal, seniority.
    #[arg(long, value_parser = crate::common::method_parser(), value_delimiter = ',', default_value = "optimal")]
    pub methods: Vec<Method>,
    /// Also plan each variant with the hand method (same as --methods optimal,seniority).
    #[arg(long)]
    pub seniority: bool,
    #[command(flatten)]
    pub output: OutArgs,
    /// Seconds the solver may spend on one component.
    #[arg(long, default_value_t = 15.0, value_name = "SECONDS", value_parser = super::common::parse_seconds)]
    pub time_limit: f64,
    /// Language of report.html.
    #[arg(long, value_parser = crate::common::lang_parser(), default_value_t = Lang::Zh)]
    pub lang: Lang,
}

pub fn run(a: &CompareArgs, quiet: bool) -> Exit {
    execute(a, quiet, None)
}

/// `compare` itself. With `watch` (the server's workers): the variants planned are
/// counted on its bar, and setting its cancel flag skips the variants not yet started
/// and stops before anything is written.
pub fn execute(a: &CompareArgs, quiet: bool, watch: Option<&super::Watch>) -> Exit {
    let inputs = [a.data.inputs(), a.rules.clone(), a.previous.inputs()].concat();
    let (out, redactor) = match a.output.open("compare", &inputs) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut methods = a.methods.clone();
    if a.seniority && !methods.contains(&Method::Seniority) {
        methods.push(Method::Seniority);
    }
    methods.dedup();
    let variants = match expand(&a.rules, &a.set, &methods) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}\nnothing was written.");
            return Exit::Invalid;
        }
    };
    let rules = load_variant_rules(&variants);
    let loaded = input::load(&a.data.sources());
    let (rules, mut loaded) = match (rules, loaded) {
        (Ok(r), Ok(l)) => (r, l),
        (r, l) => {
            if let Err(e) = r {
                eprintln!("{e}");
            }
            if let Err(e) = l {
                eprintln!("{e}");
            }
            eprintln!("nothing was written.");
            return Exit::Invalid;
        }
    };
    for n in &loaded.notices {
        eprintln!("notice: {n}");
    }
    if let Err(e) = a.previous.load_into(&mut loaded.data) {
        return e;
    }
    // The files are rendered from a copy with pseudonyms (same teachers, same order)
    // when redacting; the variants are planned on the real data.
    let shown = match redactor
        .as_ref()
        .map(|r| r.dataset(&loaded.data))
        .transpose()
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    };
    let target = Target {
        out: &out,
        shown: shown.as_ref(),
        redactor: redactor.as_ref(),
        watch,
    };
    match a.year {
        Some(year) => run_year(a, quiet, &variants, rules, &loaded, &target, year),
        None => run_horizon(a, quiet, &variants, rules, &loaded, &target),
    }
    .unwrap_or_else(|e| e)
}

/// Where the files go and the data they show.
struct Target<'a> {
    out: &'a OutDir,
    /// The redacted copy of the data, when redacting.
    shown: Option<&'a Dataset>,
    redactor: Option<&'a Redactor>,
    watch: Option<&'a super::Watch>,
}

impl Target<'_> {
    fn data<'d>(&'d self, data: &'d Dataset) -> &'d Dataset {
        self.shown.unwrap_or(data)
    }

    /// [`per_variant`], with the exit code as the error when a variant failed or the
    /// run was cancelled.
    fn outcomes<T: Send>(
        &self,
        variants: &[Variant],
        rules: Vec<Rules>,
        quiet: bool,
        each: impl Fn(&Variant, Rules) -> Result<Vec<T>, CompareError> + Sync,
    ) -> Result<Vec<T>, Exit> {
        let outcomes = per_variant(variants, rules, quiet, self.watch, each).map_err(failed)?;
        if self.watch.is_some_and(super::Watch::cancelled) {
            return Err(Exit::Failure);
        }
        Ok(outcomes)
    }
}

/// The end of a run whose files are written: unless `quiet`, the table and a line
/// saying how many variants took how long (`note` after the seconds) and where the
/// files are.
fn done(
    a: &CompareArgs,
    quiet: bool,
    start: Instant,
    variants: usize,
    table: impl FnOnce() -> String,
    note: &str,
) -> Exit {
    if !quiet {
        print!("{}", table());
        println!(
            "{variants} variants in {:.2} s{note}; wrote {}",
            start.elapsed().as_secs_f64(),
            a.output.out.display()
        );
    }
    Exit::Done
}

/// Exit code and message for a failed variant; nothing is written.
fn failed(e: CompareError) -> Exit {
    match e {
        e @ CompareError::Rules(_) => {
            eprintln!("{e}\nnothing was written.");
            Exit::Invalid
        }
        e => {
            eprintln!("error: {e}\nnothing was written.");
            Exit::Failure
        }
    }
}

/// Runs `each` on every variant in parallel (one task per variant, so the bar moves
/// as each finishes); results and the first error are taken in variant order.
/// A cancel (`watch`) skips the variants not yet started; the caller then writes
/// nothing.
fn per_variant<T: Send>(
    variants: &[Variant],
    rules: Vec<Rules>,
    quiet: bool,
    watch: Option<&super::Watch>,
    each: impl Fn(&Variant, Rules) -> Result<Vec<T>, CompareError> + Sync,
) -> Result<Vec<T>, CompareError> {
    let n = variants.len() as u64;
    let bar = match watch {
        Some(w) => w.counting(n, "planning: variants planned"),
        None => crate::progress::bar(n, "variants", quiet),
    };
    let out: Vec<Result<Vec<T>, CompareError>> = variants
        .par_iter()
        .zip(rules)
        .map(|(v, r)| {
            if watch.is_some_and(super::Watch::cancelled) {
                return Ok(Vec::new());
            }
            let o = each(v, r);
            bar.inc(1);
            o
        })
        .collect();
    if watch.is_none() {
        bar.finish_and_clear();
    }
    let mut all = Vec::new();
    for o in out {
        all.extend(o?);
    }
    Ok(all)
}

/// Stages compare.csv, moves.csv, compare.xlsx and report.html and writes them
/// atomically.
fn write(
    out: &OutDir,
    compare: Result<Vec<u8>, csv::Error>,
    moves: Result<Vec<u8>, csv::Error>,
    page: Page,
) -> Result<(), Exit> {
    let mut staged = Staged::default();
    match (compare, moves) {
        (Ok(c), Ok(m)) => match compare_workbook(&c, &m) {
            Ok(x) => {
                staged.add("compare.csv", c);
                staged.add("moves.csv", m);
                staged.add("compare.xlsx", x);
                staged.add("report.html", page.render().into_bytes());
            }
            Err(e) => {
                eprintln!("error: {e}\nnothing was written.");
                return Err(Exit::Failure);
            }
        },
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}\nnothing was written.");
            return Err(Exit::Failure);
        }
    }
    write_out(out, &staged)
}

/// `compare --year Y`: every variant plans year Y.
fn run_year(
    a: &CompareArgs,
    quiet: bool,
    variants: &[Variant],
    rules: Vec<Rules>,
    loaded: &Loaded,
    target: &Target<'_>,
    year: i32,
) -> Result<Exit, Exit> {
    let start = Instant::now();
    let data = &loaded.data;
    let outcomes = target.outcomes(variants, rules, quiet, |v, r| {
        run_variants(data, std::slice::from_ref(v), vec![r], year, a.time_limit)
    })?;
    let shown = target.data(data);
    let page = compare_page(shown, &outcomes, year, a.lang);
    write(
        target.out,
        compare_csv(shown, &outcomes),
        moves_csv(shown, &outcomes),
        page,
    )?;
    let table = || render_table(data, &outcomes);
    Ok(done(a, quiet, start, outcomes.len(), table, ""))
}

/// `compare --horizon`: every variant plans its whole period.
fn run_horizon(
    a: &CompareArgs,
    quiet: bool,
    variants: &[Variant],
    rules: Vec<Rules>,
    loaded: &Loaded,
    target: &Target<'_>,
) -> Result<Exit, Exit> {
    let start = Instant::now();
    let data = &loaded.data;
    let outcomes = target.outcomes(variants, rules, quiet, |v, r| {
        run_periods(data, std::slice::from_ref(v), vec![r], a.time_limit)
    })?;
    // Period moves name teachers by id: pseudonyms when redacting.
    let shown_outcomes = target.redactor.map(|r| {
        let mut o = outcomes.clone();
        for t in o.iter_mut().flat_map(|o| o.moves.iter_mut()) {
            t.0 = r.teacher(&t.0);
        }
        o
    });
    write(
        target.out,
        period_compare_csv(&outcomes),
        period_moves_csv(
            target.data(data),
            shown_outcomes.as_ref().unwrap_or(&outcomes),
        ),
        compare_period_page(&outcomes, a.lang),
    )?;
    let table = || render_period_table(&outcomes);
    Ok(done(
        a,
        quiet,
        start,
        outcomes.len(),
        table,
        " (target search not run: see `horizon`)",
    ))
}
