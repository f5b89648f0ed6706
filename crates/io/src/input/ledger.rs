//! `ledger.csv`. The ledger is history: a teacher who has since retired or moved away,
//! or a school that has since merged, stays in it. Unknown teachers and schools are
//! therefore notices, not errors.

use super::checks::IdIndex;
use super::columns::LEDGER;
use super::error::{InputError, InputErrorKind};
use super::rows::{drive, FileReport, Rows};
use super::table::Table;
use crate::model::{Form, LedgerEntry, LedgerStatus, SchoolId, Teacher, TeacherId};
use std::collections::{HashMap, HashSet};

const TEACHER: usize = 0;
const FROM: usize = 1;
const TO: usize = 2;
const SUBJECT: usize = 3;
const FORM: usize = 4;
const START: usize = 5;
const END: usize = 6;
const STATUS: usize = 7;

/// The indexes a ledger is compared against; each only when its file was read whole.
#[derive(Default, Clone, Copy)]
pub(crate) struct Known<'i, 'a> {
    pub teachers: Option<&'i IdIndex<'a>>,
    pub schools: Option<&'i IdIndex<'a>>,
}

pub(crate) fn parse(
    table: &mut Table,
    report: &mut FileReport,
    known: Known<'_, '_>,
) -> Rows<LedgerEntry> {
    let mut out = Rows::default();
    let map = drive(table, &LEDGER, report, |r| {
        let teacher = r.text(TEACHER);
        let from = r.text(FROM);
        let to = r.text(TO);
        let subject = r.subject(SUBJECT);
        let form = r.vocab::<Form>(FORM);
        let start = r.year(START);
        let end = r.year(END);
        let status = r.vocab::<LedgerStatus>(STATUS);
        let term_ok = r.term_in_order((START, start), (END, end));
        let schools_ok = match (from, to) {
            (Some(f), Some(t)) if f == t => {
                let kind = InputErrorKind::SelfExchange {
                    school: f.to_string(),
                };
                r.error(TO, Some(t), kind);
                false
            }
            _ => true,
        };
        let mut unknown = Vec::new();
        if let (Some(t), Some(idx)) = (teacher, known.teachers) {
            if !idx.contains(t) {
                unknown.push(format!("teacher {t} is not in teachers.csv"));
            }
        }
        for (col, id) in [(FROM, from), (TO, to)] {
            if let (Some(s), Some(idx)) = (id, known.schools) {
                if !idx.contains(s) {
                    unknown.push(format!("{} {s} is not in schools.csv", r.label(col)));
                }
            }
        }
        if !unknown.is_empty() {
            let text = format!(
                "{}: row {}: {}; the exchange is kept as history",
                r.file,
                r.row,
                unknown.join(", ")
            );
            r.notice(text);
        }
        match (
            teacher,
            from,
            to,
            subject,
            form,
            start,
            end,
            status,
            term_ok && schools_ok,
        ) {
            (
                Some(teacher),
                Some(from),
                Some(to),
                Some(subject),
                Some(form),
                Some(start_year),
                Some(end_year),
                Some(status),
                true,
            ) => out.accept(
                LedgerEntry {
                    teacher: TeacherId::from(teacher),
                    from_school: SchoolId::from(from),
                    to_school: SchoolId::from(to),
                    subject,
                    form,
                    start_year,
                    end_year,
                    status,
                },
                r.row,
            ),
            _ => out.reject(None, r.row),
        }
    });
    out.map = map;
    out
}

/// "2021–2023", for messages.
fn term(e: &LedgerEntry) -> String {
    format!("{}–{}", e.start_year, e.end_year)
}

/// Checks across the rows of a ledger: a repeated row, and two non-cancelled
/// exchanges of one teacher whose terms overlap (one post taken twice, one exchange
/// counted twice). Each offending row is named once, with the earlier row it clashes
/// with. Cancelled rows never happened and are not compared.
pub(crate) fn check_overlaps(rows: &Rows<LedgerEntry>, file: &str) -> Vec<InputError> {
    let mut errors = Vec::new();
    // (teacher, start, row, index) of every non-cancelled row, sorted: a sweep per
    // teacher then finds every overlap in O(n log n).
    let mut live: Vec<(&str, i32, u32, usize)> = rows
        .items
        .iter()
        .zip(&rows.rows)
        .enumerate()
        .filter(|(_, (e, _))| e.status != LedgerStatus::Cancelled)
        .map(|(i, (e, row))| (e.teacher.as_str(), e.start_year, *row, i))
        .collect();
    live.sort_unstable();
    // The row of the current teacher reaching furthest so far: (end, row, index).
    let mut reach: Option<(&str, i32, u32, usize)> = None;
    for &(teacher, start, row, i) in &live {
        let Some(e) = rows.items.get(i) else { continue };
        match reach {
            Some((t, end, first_row, fi)) if t == teacher && start <= end => {
                let Some(first) = rows.items.get(fi) else {
                    continue;
                };
                let same = first.from_school == e.from_school
                    && first.to_school == e.to_school
                    && first.subject == e.subject
                    && first.form == e.form
                    && first.start_year == e.start_year
                    && first.end_year == e.end_year;
                let kind = if same {
                    InputErrorKind::DuplicateExchange {
                        first_row: first_row as usize,
                    }
                } else {
                    InputErrorKind::OverlappingExchange {
                        teacher: teacher.to_string(),
                        first_row: first_row as usize,
                        first_term: term(first),
                        term: term(e),
                    }
                };
                errors.push(InputError::at(
                    file,
                    row as usize,
                    Some(rows.label(START)),
                    Some(&e.start_year.to_string()),
                    kind,
                ));
                if e.end_year > end {
                    reach = Some((teacher, e.end_year, row, i));
                }
            }
            _ => reach = Some((teacher, e.end_year, row, i)),
        }
    }
    errors.sort_by_key(|e| e.row);
    errors
}

/// Checks each non-cancelled exchange of a teacher on the roster against the roster:
/// its `from_school` must be the teacher's school at the time.
///
/// The roster knows only where a teacher is now and since when (`joined_school_year`).
/// An exchange that is planned or active is about now, so it must leave from the
/// roster's school. A completed one is history: it is checked only when it started in
/// or after the teacher's joining year (the teacher was already at that school), unless
/// it is the exchange that brought the teacher there (to_school is the roster's school
/// and it started in the joining year). Older exchanges may have left from another
/// school and are not checked.
pub(crate) fn check_sending_schools(
    rows: &Rows<LedgerEntry>,
    teachers: &[Teacher],
    file: &str,
) -> Vec<InputError> {
    let named: HashSet<&str> = rows.items.iter().map(|e| e.teacher.as_str()).collect();
    let roster: HashMap<&str, &Teacher> = teachers
        .iter()
        .filter(|t| named.contains(t.id.as_str()))
        .map(|t| (t.id.as_str(), t))
        .collect();
    let mut errors = Vec::new();
    for (e, row) in rows.items.iter().zip(&rows.rows) {
        let Some(t) = roster.get(e.teacher.as_str()) else {
            continue;
        };
        if e.from_school == t.school {
            continue;
        }
        let joined = t.joined_school_year;
        let why = match e.status {
            LedgerStatus::Cancelled => continue,
            LedgerStatus::Planned | LedgerStatus::Active => {
                format!("the exchange is {}", e.status)
            }
            LedgerStatus::Completed => {
                let arrival = e.to_school == t.school && e.start_year == joined;
                if e.start_year < joined || arrival {
                    continue;
                }
                format!("there since {joined}")
            }
        };
        errors.push(InputError::at(
            file,
            *row as usize,
            Some(rows.label(FROM)),
            Some(e.from_school.as_str()),
            InputErrorKind::WrongSendingSchool {
                teacher: e.teacher.as_str().to_string(),
                roster_school: t.school.as_str().to_string(),
                term: term(e),
                why,
            },
        ));
    }
    errors
}
