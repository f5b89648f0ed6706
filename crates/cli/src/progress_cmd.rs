//! `rotaplan progress [--ledger F] [--as-of Y]`: actual exchanges against the target
//! path, and a forecast for the rest of the period. Without `--ledger`, the data
//! folder's ledger is used.

use super::common::{load_all, prepare_out, write_out, DataArgs, RuleArgs};
use super::Exit;
use clap::Args;
use rotaplan_core::quota_progress::{progress, Progress};
use rotaplan_core::table::aligned_row;
use rotaplan_io::output::{csv_bytes, RenderError, Staged};
use rotaplan_io::report::progress_page::{progress_page, progress_workbook};
use rotaplan_io::report::Lang;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ProgressArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Count exchanges that started up to this plan year (default: the latest start
    /// year in the ledger within the period).
    #[arg(long, value_name = "Y", value_parser = super::common::parse_year)]
    pub as_of: Option<i32>,
    /// Write progress.csv, districts.csv, unknown.csv and summary.json here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace --out even when it holds files rotaplan did not write or another
    /// command's output.
    #[arg(long)]
    pub force: bool,
    /// Seconds per component for the forecast years.
    #[arg(long, default_value_t = 15.0, value_name = "SECONDS", value_parser = super::common::parse_seconds)]
    pub time_limit: f64,
    /// Language of report.html (written with --out).
    #[arg(long, value_parser = crate::common::lang_parser(), default_value_t = Lang::Zh)]
    pub lang: Lang,
}

pub fn run(a: &ProgressArgs, quiet: bool) -> Exit {
    execute(a, quiet, None)
}

/// `progress` itself. With `watch` (the server's workers): the stage is named on its
/// bar, and setting its cancel flag stops the forecast before anything is written.
pub fn execute(a: &ProgressArgs, quiet: bool, watch: Option<&super::Watch>) -> Exit {
    let inputs = [a.data.inputs(), a.rules.inputs()].concat();
    let out = match a
        .out
        .as_deref()
        .map(|o| prepare_out(o, "progress", &inputs, a.force))
    {
        Some(Err(e)) => return e,
        Some(Ok(o)) => Some(o),
        None => None,
    };
    let (rules, loaded) = match load_all(&a.rules, &a.data) {
        Ok(x) => x,
        Err(e) => return e,
    };
    // The ledger of exchanges actually made: `--ledger F` (the data option), else the
    // data folder's own ledger.csv (or ledger.xlsx), as the loader read it.
    let from_folder = a.data.data.as_ref().and_then(|d| {
        ["ledger.csv", "ledger.xlsx"]
            .iter()
            .map(|f| d.join(f))
            .find(|p| p.is_file())
    });
    let Some(ledger_file) = a.data.ledger.clone().or(from_folder) else {
        eprintln!(
            "error: progress needs a ledger of the exchanges made so far: --ledger FILE, or \
             ledger.csv in the --data folder\nnothing was written."
        );
        return Exit::Invalid;
    };
    let ledger = loaded.data.ledger.clone();
    let (first, last) = (rules.plan.first_year, rules.plan.last_year);
    let as_of = a.as_of.unwrap_or_else(|| {
        ledger
            .iter()
            .map(|e| e.start_year)
            .filter(|&y| (first..=last).contains(&y))
            .max()
            .unwrap_or(first)
    });
    let opts = super::horizon::options(a.time_limit, watch);
    if let Some(w) = watch {
        w.stage("planning: the forecast years");
    }
    let p = match progress(&loaded.data, &rules, &ledger, as_of, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    };
    for u in &p.unknown {
        eprintln!(
            "notice: {}: row {}: {} {} is not in the data (counted anyway)",
            ledger_file.display(),
            u.row,
            u.what,
            u.id
        );
    }
    if let Some(out) = &out {
        let mut staged = Staged::default();
        let files = (|| -> Result<(), RenderError> {
            let years = csv_bytes(&p.years)?;
            let districts = csv_bytes(&p.districts)?;
            let xlsx = progress_workbook(&years, &districts)?;
            staged.add("progress.csv", years);
            staged.add("districts.csv", districts);
            staged.add("progress.xlsx", xlsx);
            let page = progress_page(&rules.plan.name, &p, a.lang);
            staged.add("report.html", page.render().into_bytes());
            staged.add("unknown.csv", csv_bytes(&p.unknown)?);
            let mut json = serde_json::to_vec_pretty(&p)?;
            json.push(b'\n');
            staged.add("summary.json", json);
            Ok(())
        })();
        if let Err(e) = files {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
        if watch.is_some_and(super::Watch::cancelled) {
            return Exit::Failure;
        }
        if let Err(e) = write_out(out, &staged) {
            return e;
        }
    }
    if !quiet {
        print!("{}", render(&rules.plan.name, &p));
    }
    Exit::Done
}

fn render(name: &str, p: &Progress) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{name} — progress as of {}", p.as_of);
    const WIDTHS: [usize; 10] = [6, 9, 10, 8, 8, 9, 12, 11, 7, 6];
    let header = [
        "year",
        "transfer",
        "itinerant",
        "support",
        "counted",
        "backbone",
        "urban→rural",
        "cumulative",
        "target",
        "gap",
    ];
    let _ = writeln!(o, "{}", aligned_row(&WIDTHS, &header));
    for y in &p.years {
        let cells: [&dyn std::fmt::Display; 10] = [
            &y.year,
            &y.transfer,
            &y.itinerant,
            &y.support,
            &y.counted,
            &y.backbone,
            &y.urban_to_rural,
            &y.cumulative,
            &y.target_cumulative,
            &y.gap,
        ];
        let forecast = if y.forecast { "  (forecast)" } else { "" };
        let _ = writeln!(o, "{}{forecast}", aligned_row(&WIDTHS, &cells));
    }
    let _ = writeln!(
        o,
        "Actual: {} person-times by {} against {} on the target path (gap {}).",
        p.actual, p.as_of, p.target_as_of, p.gap
    );
    let _ = writeln!(
        o,
        "Forecast: {} of {} by the end of the period if the remaining years are planned \
         under the rules — the target {}{}.",
        p.forecast_cumulative,
        p.target_exchanges,
        if p.forecast_met {
            "will be met"
        } else {
            "will not be met"
        },
        if p.forecast_optimal {
            ""
        } else {
            " (some forecast years not proven optimal)"
        }
    );
    let _ = writeln!(o, "\nby district (sending school):");
    for d in &p.districts {
        let _ = writeln!(
            o,
            "  {}: {} counted ({} transfer, {} itinerant, {} support), {} backbone, {} urban→rural{}",
            d.district,
            d.counted,
            d.transfer,
            d.itinerant,
            d.support,
            d.backbone,
            d.urban_to_rural,
            if d.forecast { "  (forecast)" } else { "" }
        );
    }
    if !p.unknown.is_empty() {
        let _ = writeln!(
            o,
            "{} ledger references not in the data (see above).",
            p.unknown.len()
        );
    }
    o
}
