//! `rotaplan schedule --plan F`: dated evaluations with conflict-free panels.

use super::common::{write_out, OutArgs, PlanFileInputs};
use super::Exit;
use clap::Args;
use rotaplan_core::model::{Evaluator, Id};
use rotaplan_core::schedule::check::check;
use rotaplan_core::schedule::{ics, solve, Event, Placement};
use rotaplan_io::input::schedule_events::{extra_events, plan_events};
use rotaplan_io::input::InputErrors;
use rotaplan_io::output::redact::Redactor;
use rotaplan_io::output::{csv_table, RenderError, Staged};
use rotaplan_io::report::schedule_page::{schedule_page, schedule_workbook, ScheduleReport};
use rotaplan_io::report::Lang;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct ScheduleArgs {
    // The rules, the data and the plan (`--plan`): one evaluation per exchange
    // covering the year.
    #[command(flatten)]
    pub inputs: PlanFileInputs,
    /// Calendar year of the evaluations (default: the earliest start_year in the plan).
    #[arg(long, value_parser = super::common::parse_year)]
    pub year: Option<i32>,
    /// Extra events (event_id, kind, teacher_id, school_id, subject, window_start,
    /// window_end, panel_size), e.g. school inspections.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Also write one calendar per evaluator under ics/.
    #[arg(long)]
    pub ics_per_evaluator: bool,
    #[command(flatten)]
    pub output: OutArgs,
    /// Exit 3 when any evaluation is unscheduled.
    #[arg(long)]
    pub strict: bool,
    /// Language of report.html.
    #[arg(long, value_parser = crate::common::lang_parser(), default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// `summary.json` of a schedule. No timings: the same input gives the same file.
#[derive(Debug, Serialize)]
pub struct ScheduleSummary {
    pub year: i32,
    pub rules_name: String,
    pub events: usize,
    pub scheduled: usize,
    pub unscheduled: usize,
    /// Events no schedule can place (each has an intrinsic reason).
    pub unplaceable: usize,
    pub evaluator_days: usize,
    /// No schedule placing the most evaluations possible uses fewer evaluator-days.
    pub evaluator_days_lower_bound: usize,
    /// (evaluator_days − bound) / bound, in percent, two decimals.
    pub evaluator_days_gap_percent: f64,
    /// Objectives (1) and (2) both proven: `scheduled_proven_max` and
    /// `evaluator_days_proven_min`.
    pub optimal: bool,
    /// No schedule places more evaluations than this.
    pub scheduled_upper_bound: usize,
    /// `scheduled` equals `scheduled_upper_bound`.
    pub scheduled_proven_max: bool,
    /// `evaluator_days` equals `evaluator_days_lower_bound`.
    pub evaluator_days_proven_min: bool,
    /// The method behind the schedule kept: sittings, day_groups, constructive or
    /// whole_program.
    pub method: &'static str,
    pub evaluators_used: usize,
    pub days_per_evaluator_max: usize,
    pub days_per_evaluator_min_used: usize,
    pub evaluations_per_evaluator_day: f64,
    pub unscheduled_by_reason: BTreeMap<String, usize>,
    /// Objective (4): kilometres travelled, one trip per evaluator-day from the
    /// evaluator's own school to the host (0 where coordinates are missing).
    pub travel_km: f64,
    /// Objective (3), even load: the sum over evaluators of the square of their days
    /// (smaller is more even; the total of days is objective (2)).
    pub load_sum_of_squares: usize,
    /// Days of the busiest evaluator minus days of the least busy one (every
    /// evaluator in evaluators.csv, unused ones at 0).
    pub load_spread: usize,
    /// How (3) and (4) were settled: `optimal` (every crew re-chosen by a min-cost
    /// flow, given the sittings, dates and crew make-ups), `partial`, or `kept`.
    pub tie_breaks: &'static str,
    /// Per host school: where the evaluator-days go, and each school's bound.
    pub by_host: Vec<HostSummary>,
}

/// One host school's line of `summary.json`.
#[derive(Debug, Serialize)]
pub struct HostSummary {
    pub school_id: String,
    pub evaluations: usize,
    pub scheduled: usize,
    pub sittings: usize,
    pub evaluator_days: usize,
    pub evaluator_days_lower_bound: Option<usize>,
    pub proven: bool,
    /// Kilometres travelled to this school (one trip per evaluator-day here).
    pub travel_km: f64,
}

fn report(errors: &InputErrors) -> Exit {
    eprintln!("{errors}");
    eprintln!("nothing was written.");
    Exit::Invalid
}

pub fn run(a: &ScheduleArgs, quiet: bool) -> Exit {
    run_or_exit(a, quiet).unwrap_or_else(|e| e)
}

/// `run`, with every early exit as the error.
fn run_or_exit(a: &ScheduleArgs, quiet: bool) -> Result<Exit, Exit> {
    let inputs = a.inputs.paths(a.events.clone());
    let (out, redactor) = a.output.open("schedule", &inputs)?;
    let (rules, loaded) = a.inputs.load()?;
    let data = &loaded.data;
    let (year, mut events) =
        plan_events(&a.inputs.plan, data, &rules, a.year).map_err(|e| report(&e))?;
    if let Some(path) = &a.events {
        let taken: BTreeSet<String> = events.iter().map(|e| e.id.clone()).collect();
        let mut extra = extra_events(path, data, &rules, &taken).map_err(|e| report(&e))?;
        events.append(&mut extra);
    }
    if data.evaluators.is_empty() && !events.is_empty() {
        eprintln!("notice: no evaluators were loaded (evaluators.csv); nothing can be scheduled");
    }
    let t0 = Instant::now();
    let ev_rules = &rules.evaluation;
    let spinner = crate::progress::counter("scheduling evaluations", quiet);
    let sched = solve(&events, data, ev_rules);
    spinner.finish_and_clear();
    let violations = check(&events, data, ev_rules, &sched);
    if !violations.is_empty() {
        eprintln!("error: the schedule breaks hard rules (a bug; please report it):");
        for v in violations.iter().take(20) {
            eprintln!("  {v}");
        }
        eprintln!("nothing was written.");
        return Err(Exit::Failure);
    }
    let placeable = events.len()
        - sched
            .unscheduled
            .iter()
            .filter(|(_, r)| r.is_intrinsic())
            .count();
    let bound = sched.lower_bound;
    let seconds = t0.elapsed().as_secs_f64();
    let summary = summarize(year, &rules.plan.name, &events, data, &sched, placeable);

    // Redacted files are rendered from copies with pseudonyms (same order, so the
    // schedule's indices hold), after the schedule is made on the real data.
    let shown = redactor
        .as_ref()
        .map(|r| redact(r, data, &events))
        .transpose()
        .map_err(|e| {
            eprintln!("error: {e}\nnothing was written.");
            Exit::Failure
        })?;
    let (data, events) = match &shown {
        Some((d, e)) => (d, e.as_slice()),
        None => (data, events.as_slice()),
    };
    let mut staged = Staged::default();
    files(&mut staged, a, data, events, &sched, &summary).map_err(|e| {
        eprintln!("error: {e}");
        Exit::Failure
    })?;
    let report = ScheduleReport {
        year,
        rules_name: &rules.plan.name,
        data,
        events,
        sched: &sched,
        lower_bound: bound,
    };
    staged.add(
        "report.html",
        schedule_page(&report, a.lang).render().into_bytes(),
    );
    write_out(&out, &staged)?;
    if !quiet {
        println!(
            "year {year}: {} evaluations, {} scheduled, {} unscheduled ({} cannot be placed at all)",
            summary.events, summary.scheduled, summary.unscheduled, summary.unplaceable
        );
        println!(
            "evaluator-days {} (lower bound {}, gap {:.2} %), {} evaluators used; solved in {seconds:.2} s",
            summary.evaluator_days,
            summary.evaluator_days_lower_bound,
            summary.evaluator_days_gap_percent,
            summary.evaluators_used
        );
        println!("wrote {}", a.output.out.display());
    }
    if a.strict && summary.unscheduled > 0 {
        return Ok(Exit::Strict);
    }
    Ok(Exit::Done)
}

/// Copies of the data and events with pseudonyms for teachers and evaluators (an
/// event's id names its teacher, so it is rewritten too).
fn redact(
    r: &Redactor,
    data: &rotaplan_core::model::Dataset,
    events: &[Event],
) -> Result<(rotaplan_core::model::Dataset, Vec<Event>), rotaplan_io::output::redact::RedactError> {
    let data = r.dataset(data)?;
    let events = events
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if let Some(t) = e.teacher.take() {
                let p = r.teacher(&t);
                e.id = match e.id.strip_suffix(t.as_str()) {
                    Some(head) => format!("{head}{p}"),
                    None => e.id.replace(t.as_str(), p.as_str()),
                };
                e.teacher = Some(p);
            }
            e
        })
        .collect();
    Ok((data, events))
}

fn summarize(
    year: i32,
    rules_name: &str,
    events: &[Event],
    data: &rotaplan_core::model::Dataset,
    sched: &rotaplan_core::schedule::Schedule,
    placeable: usize,
) -> ScheduleSummary {
    let days = sched.evaluator_days();
    let bound = sched.lower_bound;
    let mut per: BTreeMap<Id<Evaluator>, BTreeSet<rotaplan_core::model::Date>> = BTreeMap::new();
    for p in &sched.placed {
        for &e in &p.panel {
            per.entry(e).or_default().insert(p.date);
        }
    }
    let mut by_reason = BTreeMap::new();
    for (_, r) in &sched.unscheduled {
        *by_reason.entry(r.id().to_string()).or_insert(0) += 1;
    }
    let slots: usize = sched.placed.iter().map(|p| p.panel.len()).sum();
    let load = sched.days_per_evaluator(data.evaluators.len());
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    ScheduleSummary {
        year,
        rules_name: rules_name.to_string(),
        events: events.len(),
        scheduled: sched.placed.len(),
        unscheduled: sched.unscheduled.len(),
        unplaceable: events.len() - placeable,
        evaluator_days: days,
        evaluator_days_lower_bound: bound,
        evaluator_days_gap_percent: if bound == 0 {
            0.0
        } else {
            round2((days as f64 - bound as f64) * 100.0 / bound as f64)
        },
        optimal: sched.proven,
        scheduled_upper_bound: sched.scheduled_bound,
        scheduled_proven_max: sched.placed.len() == sched.scheduled_bound,
        evaluator_days_proven_min: days == bound,
        method: sched.method.as_str(),
        evaluators_used: per.len(),
        days_per_evaluator_max: per.values().map(BTreeSet::len).max().unwrap_or(0),
        days_per_evaluator_min_used: per.values().map(BTreeSet::len).min().unwrap_or(0),
        evaluations_per_evaluator_day: if days == 0 {
            0.0
        } else {
            round2(slots as f64 / days as f64)
        },
        unscheduled_by_reason: by_reason,
        // Whole metres / 1000: three decimals, exact.
        travel_km: sched.travel_metres(events, data) as f64 / 1000.0,
        load_sum_of_squares: load.iter().map(|d| d * d).sum(),
        load_spread: load.iter().max().unwrap_or(&0) - load.iter().min().unwrap_or(&0),
        tie_breaks: sched.balance.as_str(),
        by_host: sched
            .by_host
            .iter()
            .map(|h| HostSummary {
                school_id: data
                    .try_school(h.host)
                    .map_or(String::new(), |s| s.id.to_string()),
                evaluations: h.evaluations,
                scheduled: h.scheduled,
                sittings: h.sittings,
                evaluator_days: h.evaluator_days,
                evaluator_days_lower_bound: h.lower_bound,
                proven: h.proven,
                travel_km: h.travel_metres as f64 / 1000.0,
            })
            .collect(),
    }
}

fn files(
    staged: &mut Staged,
    a: &ScheduleArgs,
    data: &rotaplan_core::model::Dataset,
    events: &[Event],
    sched: &rotaplan_core::schedule::Schedule,
    summary: &ScheduleSummary,
) -> Result<(), RenderError> {
    let ids = |panel: &[Id<Evaluator>]| {
        panel
            .iter()
            .filter_map(|&m| data.try_evaluator(m).map(|e| e.id.to_string()))
            .collect::<Vec<_>>()
            .join(";")
    };
    let names = |panel: &[Id<Evaluator>]| {
        panel
            .iter()
            .filter_map(|&m| data.try_evaluator(m).map(|e| e.name.clone()))
            .collect::<Vec<_>>()
            .join(";")
    };
    let rows: Vec<Vec<String>> = sched
        .placed
        .iter()
        .filter_map(|p| {
            let ev = events.get(p.event.index())?;
            let school = data.try_school(ev.host)?;
            Some(vec![
                ev.id.clone(),
                ev.teacher
                    .as_ref()
                    .map_or(String::new(), ToString::to_string),
                school.id.to_string(),
                p.date.to_string(),
                ids(&p.panel),
                ev.kind.as_str().to_string(),
                ev.subject.to_string(),
                school.name.clone(),
                school.district.clone(),
                ev.sending
                    .and_then(|s| data.try_school(s))
                    .map_or(String::new(), |s| s.id.to_string()),
                names(&p.panel),
            ])
        })
        .collect();
    let header = [
        "event_id",
        "teacher_id",
        "school_id",
        "date",
        "panel",
        "kind",
        "subject",
        "school_name",
        "district",
        "sending_school",
        "panel_names",
    ];
    let schedule_csv = csv_table(&header, &rows)?;

    let un: Vec<Vec<String>> = sched
        .unscheduled
        .iter()
        .filter_map(|(i, r)| {
            let ev = events.get(i.index())?;
            Some(vec![
                ev.id.clone(),
                ev.teacher
                    .as_ref()
                    .map_or(String::new(), ToString::to_string),
                r.id().to_string(),
                data.try_school(ev.host)
                    .map_or(String::new(), |s| s.id.to_string()),
                ev.subject.to_string(),
                r.to_string(),
            ])
        })
        .collect();
    let header = [
        "event_id",
        "teacher_id",
        "reason",
        "school_id",
        "subject",
        "detail",
    ];
    let unscheduled_csv = csv_table(&header, &un)?;
    let xlsx = schedule_workbook(&schedule_csv, &unscheduled_csv, data, sched)?;
    staged.add("schedule.csv", schedule_csv);
    staged.add("unscheduled.csv", unscheduled_csv);
    staged.add("schedule.xlsx", xlsx);

    let all: Vec<&Placement> = sched.placed.iter().collect();
    let teachers = ics::teacher_names(data);
    let name = format!("交流轮岗考核 {}", summary.year);
    staged.add(
        "schedule.ics",
        ics::calendar(&name, events, data, &teachers, &all).into_bytes(),
    );
    if a.ics_per_evaluator {
        let mut by: BTreeMap<Id<Evaluator>, Vec<&Placement>> = BTreeMap::new();
        for p in &sched.placed {
            for &m in &p.panel {
                by.entry(m).or_default().push(p);
            }
        }
        for (m, ps) in by {
            if let Some(e) = data.try_evaluator(m) {
                let file = format!("ics/{}.ics", safe_file_name(e.id.as_str()));
                let cal =
                    ics::calendar(&format!("{name} {}", e.name), events, data, &teachers, &ps);
                staged.add(file, cal.into_bytes());
            }
        }
    }
    let mut json = serde_json::to_vec_pretty(summary)?;
    json.push(b'\n');
    staged.add("summary.json", json);
    Ok(())
}

/// An evaluator id as a file name: path separators and other risky characters become _.
fn safe_file_name(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}
