//! `rotaplan compare --rules A --rules B … [--set KEY=V1,V2 …] --year Y`.

use super::common::DataArgs;
use super::Exit;
use crate::compare::{
    compare_csv, expand, load_variant_rules, moves_csv, render_table, run_variants, CompareError,
};
use crate::input;
use crate::output::Staged;
use crate::plan::Method;
use crate::report::compare_page::{compare_page, compare_workbook};
use crate::report::Lang;
use clap::Args;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
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
    /// Plan year Y.
    #[arg(long)]
    pub year: i32,
    /// Methods to run for every variant (comma-separated): optimal, seniority.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "optimal")]
    pub methods: Vec<Method>,
    /// Also plan each variant with the hand method (same as --methods optimal,seniority).
    #[arg(long)]
    pub seniority: bool,
    /// Output folder for compare.csv and moves.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seconds the solver may spend on one component.
    #[arg(long, default_value_t = 15.0, value_name = "SECONDS")]
    pub time_limit: f64,
    /// Language of report.html.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

pub fn run(a: &CompareArgs, quiet: bool) -> Exit {
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
    let (rules, loaded) = match (rules, loaded) {
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
    let bar = crate::progress::bar(variants.len() as u64, "variants", quiet);
    let start = Instant::now();
    let data = &loaded.data;
    // One variant per task so the bar moves as each finishes; results and the first
    // error are taken in variant order.
    let outcomes: Result<Vec<_>, _> = variants
        .par_iter()
        .zip(rules)
        .map(|(v, r)| {
            let o = run_variants(data, std::slice::from_ref(v), vec![r], a.year, a.time_limit);
            bar.inc(1);
            o
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<Vec<Vec<_>>, _>>()
        .map(|v| v.into_iter().flatten().collect::<Vec<_>>());
    bar.finish_and_clear();
    let outcomes = match outcomes {
        Ok(o) => o,
        Err(e @ CompareError::Rules(_)) => {
            eprintln!("{e}\nnothing was written.");
            return Exit::Invalid;
        }
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    };
    let mut staged = Staged::default();
    match (compare_csv(data, &outcomes), moves_csv(data, &outcomes)) {
        (Ok(c), Ok(m)) => match compare_workbook(&c, &m) {
            Ok(x) => {
                staged.add("compare.csv", c);
                staged.add("moves.csv", m);
                staged.add("compare.xlsx", x);
                let page = compare_page(data, &outcomes, a.year, a.lang);
                staged.add("report.html", page.render().into_bytes());
            }
            Err(e) => {
                eprintln!("error: {e}\nnothing was written.");
                return Exit::Failure;
            }
        },
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    }
    if let Err(e) = staged.commit(&a.out) {
        eprintln!("error: cannot write to {}: {e}", a.out.display());
        return Exit::Failure;
    }
    if !quiet {
        print!("{}", render_table(data, &outcomes));
        println!(
            "{} variants in {:.2} s; wrote {}",
            outcomes.len(),
            start.elapsed().as_secs_f64(),
            a.out.display()
        );
    }
    Exit::Done
}
