//! The events to schedule: one evaluation per exchange of a plan whose term covers the
//! year (read from a `plan.csv` as `plan` writes it), plus extra events of the same
//! shape from an events file (school inspections and the like).
//!
//! Both files are read by the data loader's one table reader (`input::plan_file`,
//! `input::events`): CSV in any supported encoding or a workbook, English headers or
//! Chinese aliases, and every problem of every row reported at once (file, row, column,
//! value, what to write) before anything is scheduled. This module adds the checks that
//! need the data: schools and teachers that exist, ids not taken by the plan.

use super::events::{read_events, EVENT_ID, PANEL_SIZE, SCHOOL, TEACHER};
use super::plan_file::read_plan as read_plan_file;
use super::{InputError, InputErrorKind, InputErrors};
use crate::model::{Dataset, Date, Id, School, Subject, TeacherId};
use crate::rules::Rules;
use crate::schedule::calendar::window_in_year;
use crate::schedule::{Event, EventKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn school_index(data: &Dataset) -> BTreeMap<&str, Id<School>> {
    data.school_positions()
}

/// The exchanges of a plan file, for the years they cover. `end_year` may be missing
/// (then the term is `rules.term.years` long).
struct PlanRow {
    teacher: TeacherId,
    subject: Subject,
    from: Id<School>,
    to: Id<School>,
    start: i32,
    end: i32,
}

/// A problem with the whole file.
fn whole(file: &str, detail: String) -> InputError {
    InputError::file(file, InputErrorKind::Inconsistent { detail })
}

fn required(file: &str, row: usize, column: &str) -> InputError {
    InputError::at(file, row, Some(column), None, InputErrorKind::Empty)
}

fn no_school(file: &str, row: usize, column: &str, id: &str) -> InputError {
    InputError::at(
        file,
        row,
        Some(column),
        Some(id),
        InputErrorKind::UnknownReference {
            what: "school in schools.csv".into(),
        },
    )
}

/// The plan's exchanges: the file read by `input::plan_file`, then each row's schools
/// looked up. Beyond what `plan` writes, `subject`, `from_school` and `start_year` are
/// required here, and a teacher may be in the plan once.
fn read_plan(path: &Path, data: &Dataset, rules: &Rules) -> Result<Vec<PlanRow>, InputErrors> {
    let (plan, mut errors) = read_plan_file(path);
    let file = plan.file.as_str();
    let schools = school_index(data);
    let mut out = Vec::new();
    let mut first_row: BTreeMap<&TeacherId, usize> = BTreeMap::new();
    for p in &plan.rows {
        let row = p.plan_row;
        let mut bad = false;
        if p.subject.is_none() {
            errors.push(required(file, row, "subject"));
            bad = true;
        }
        if p.from_school.is_none() {
            errors.push(required(file, row, "from_school"));
            bad = true;
        }
        if p.start_year.is_none() {
            errors.push(required(file, row, "start_year"));
            bad = true;
        }
        let mut school = |column: &str, id: &str| {
            let i = schools.get(id).copied();
            if i.is_none() {
                errors.push(no_school(file, row, column, id));
            }
            i
        };
        let from = p
            .from_school
            .as_ref()
            .and_then(|s| school("from_school", s.as_str()));
        let to = school("to_school", p.to_school.as_str());
        if let Some(&first) = first_row.get(&p.teacher_id) {
            errors.push(InputError::at(
                file,
                row,
                Some("teacher_id"),
                Some(p.teacher_id.as_str()),
                InputErrorKind::Duplicate { first_row: first },
            ));
            bad = true;
        } else {
            first_row.insert(&p.teacher_id, row);
        }
        if let (false, Some(subject), Some(from), Some(to), Some(start)) =
            (bad, &p.subject, from, to, p.start_year)
        {
            out.push(PlanRow {
                teacher: p.teacher_id.clone(),
                subject: subject.clone(),
                from,
                to,
                start,
                end: p.end_year.unwrap_or(start + rules.term.years - 1),
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        // Stable: a row's problems stay in column order.
        errors.sort_by_key(|e| e.row);
        Err(InputErrors(errors))
    }
}

/// The year to schedule and the plan's evaluations: one per exchange whose term covers
/// the year (default year: the earliest `start_year` in the file).
pub fn plan_events(
    path: &Path,
    data: &Dataset,
    rules: &Rules,
    year: Option<i32>,
) -> Result<(i32, Vec<Event>), InputErrors> {
    let rows = read_plan(path, data, rules)?;
    let file = path.display().to_string();
    let Some(year) = year.or_else(|| rows.iter().map(|r| r.start).min()) else {
        return Err(InputErrors(vec![whole(
            &file,
            "the plan has no exchanges; give --year to schedule extra events only".into(),
        )]));
    };
    let window = rule_window(rules, year, &file)?;
    let events = rows
        .into_iter()
        .filter(|r| r.start <= year && year <= r.end)
        .map(|r| Event {
            id: format!("EV{year}-{}", r.teacher),
            kind: EventKind::Evaluation,
            teacher: Some(r.teacher),
            host: r.to,
            sending: Some(r.from),
            subject: r.subject,
            window,
            panel_size: rules.evaluation.panel_size,
        })
        .collect();
    Ok((year, events))
}

fn rule_window(rules: &Rules, year: i32, file: &str) -> Result<(Date, Date), InputErrors> {
    window_in_year(rules.evaluation.window, year).ok_or_else(|| {
        InputErrors(vec![whole(
            file,
            format!(
                "the evaluation window {}..{} has no day in {year}",
                rules.evaluation.window.0, rules.evaluation.window.1
            ),
        )])
    })
}

/// Extra events from an events file (`input::events`). An event with a teacher recuses
/// that teacher's own school (from teachers.csv); an inspection recuses the inspected
/// school through the host-school recusal rules.
pub fn extra_events(
    path: &Path,
    data: &Dataset,
    rules: &Rules,
    taken: &BTreeSet<String>,
) -> Result<Vec<Event>, InputErrors> {
    let (f, mut errors) = read_events(path);
    let schools = school_index(data);
    let teachers: BTreeMap<&str, &str> = data
        .teachers
        .iter()
        .map(|t| (t.id.as_str(), t.school.as_str()))
        .collect();
    let min_panel = rules.evaluation.min_same_subject.max(1);
    let mut out = Vec::new();
    for e in &f.rows {
        let row = e.row;
        let mut ok = true;
        if taken.contains(&e.event_id) {
            errors.push(f.error(
                row,
                EVENT_ID,
                Some(&e.event_id),
                InputErrorKind::Inconsistent {
                    detail: "this id is already used by an evaluation of the plan".into(),
                },
            ));
            ok = false;
        }
        let host = schools.get(e.school_id.as_str()).copied();
        if host.is_none() {
            errors.push(f.error(
                row,
                SCHOOL,
                Some(e.school_id.as_str()),
                InputErrorKind::UnknownReference {
                    what: "school in schools.csv".into(),
                },
            ));
            ok = false;
        }
        let sending = match &e.teacher_id {
            Some(t) => match teachers.get(t.as_str()).and_then(|s| schools.get(s)) {
                Some(&i) => Some(i),
                None => {
                    errors.push(f.error(
                        row,
                        TEACHER,
                        Some(t.as_str()),
                        InputErrorKind::UnknownReference {
                            what: "teacher in teachers.csv".into(),
                        },
                    ));
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let panel_size = e.panel_size.unwrap_or(rules.evaluation.panel_size);
        if e.panel_size.is_some() && !(min_panel..=50).contains(&panel_size) {
            errors.push(f.error(
                row,
                PANEL_SIZE,
                Some(&panel_size.to_string()),
                InputErrorKind::BadValue {
                    expected: format!("a whole number from {min_panel} (min_same_subject) to 50"),
                },
            ));
            ok = false;
        }
        if let (true, Some(host)) = (ok, host) {
            out.push(Event {
                id: e.event_id.clone(),
                kind: e.kind,
                teacher: e.teacher_id.clone(),
                host,
                sending,
                subject: e.subject.clone(),
                window: e.window,
                panel_size,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|e| e.row);
        Err(InputErrors(errors))
    }
}
