//! `rotaplan itinerant --year Y`: itinerant teaching (走教) on its own.

use super::common::{load_all, prepare_out, write_out, DataArgs, RuleArgs};
use super::Exit;
use clap::Args;
use rotaplan_core::itinerant::{self, Context, ItinerantError, ItinerantFigures, ItinerantPlan};
use rotaplan_core::model::Dataset;
use rotaplan_core::rules::Rules;
use rotaplan_io::output::{itinerant_workbook, ItinerantSheets, RenderError, Staged};
use rotaplan_io::report::itinerant_page::{itinerant_page, ItinerantGrid};
use rotaplan_io::report::Lang;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ItinerantArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Plan year Y (the school year starting in September of Y).
    #[arg(long, value_parser = super::common::parse_year)]
    pub year: i32,
    /// Output folder (new, empty, or an earlier `itinerant` output, which is replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace --out even when it holds files rotaplan did not write or another
    /// command's output.
    #[arg(long)]
    pub force: bool,
    /// Language of report.html.
    #[arg(long, value_parser = crate::common::lang_parser(), default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// The `summary.json` of `itinerant`.
#[derive(Debug, serde::Serialize)]
struct ItinerantSummary<'a> {
    year: i32,
    rules_name: &'a str,
    itinerant: ItinerantFigures,
    solve_seconds: f64,
}

/// Plans itinerant teaching; a `when` that fails is bad rules (exit 2).
pub(crate) fn plan_or_exit(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    moved: &BTreeSet<rotaplan_core::model::TeacherId>,
) -> Result<ItinerantPlan, Exit> {
    let ctx = Context {
        data,
        rules,
        year,
        moved,
    };
    match itinerant::plan(&ctx) {
        Ok(p) => Ok(p),
        Err(e @ ItinerantError::When { .. }) => {
            eprintln!("{}: {e}\nnothing was written.", rules.source);
            Err(Exit::Invalid)
        }
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            Err(Exit::Failure)
        }
    }
}

/// One line for the terminal.
pub(crate) fn render(p: &ItinerantPlan) -> String {
    format!(
        "itinerant: {} of {} periods covered by {} teachers in {} townships/districts{}\n",
        p.periods_covered,
        p.periods_needed,
        p.teachers,
        p.units,
        if p.optimal {
            " (proven optimal)"
        } else {
            " (NOT proven optimal)"
        }
    )
}

/// report.html (the weekday grid per township) and itinerant.xlsx.
fn report_files(
    staged: &mut Staged,
    data: &Dataset,
    rules: &Rules,
    a: &ItinerantArgs,
    plan: &ItinerantPlan,
    figures: &ItinerantFigures,
) -> Result<(), RenderError> {
    let grid = ItinerantGrid::new(data, rules, plan);
    let page = itinerant_page(&grid, figures, &rules.plan.name, a.year, a.lang);
    staged.add("report.html", page.render().into_bytes());
    let lessons = itinerant::lesson_rows(data, plan);
    let uncovered = itinerant::uncovered_rows(plan);
    let xlsx = itinerant_workbook(&ItinerantSheets {
        grid: &grid,
        lessons: &lessons,
        uncovered: &uncovered,
    })?;
    staged.add("itinerant.xlsx", xlsx);
    Ok(())
}

pub fn run(a: &ItinerantArgs, quiet: bool) -> Exit {
    run_or_exit(a, quiet).unwrap_or_else(|e| e)
}

/// `run`, with every early exit as the error.
fn run_or_exit(a: &ItinerantArgs, quiet: bool) -> Result<Exit, Exit> {
    let inputs = a.data.inputs_with(&a.rules, []);
    let out = prepare_out(&a.out, "itinerant", &inputs, a.force)?;
    let (rules, loaded) = load_all(&a.rules, &a.data)?;
    let data = &loaded.data;
    if !data.itinerant.has_needs() && !quiet {
        eprintln!("notice: no itinerant_needs file (or it is empty): nothing to plan");
    }
    let started = std::time::Instant::now();
    let plan = plan_or_exit(data, &rules, a.year, &BTreeSet::new())?;
    let summary = ItinerantSummary {
        year: a.year,
        rules_name: &rules.plan.name,
        itinerant: ItinerantFigures::of(&plan),
        solve_seconds: started.elapsed().as_secs_f64(),
    };
    let mut staged = Staged::default();
    let json = serde_json::to_vec_pretty(&summary).map(|mut j| {
        j.push(b'\n');
        j
    });
    let written = rotaplan_io::output::write_itinerant_files(&mut staged, "", data, &plan)
        .map_err(RenderError::from)
        .and_then(|()| report_files(&mut staged, data, &rules, a, &plan, &summary.itinerant))
        .and(json.map_err(RenderError::from));
    match written {
        Ok(json) => staged.add("summary.json", json),
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Err(Exit::Failure);
        }
    }
    write_out(&out, &staged)?;
    if !quiet {
        print!("{}", render(&plan));
        println!("wrote {}", a.out.display());
    }
    Ok(Exit::Done)
}
