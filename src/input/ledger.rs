//! `ledger.csv`. The ledger is history: a teacher who has since retired or moved away,
//! or a school that has since merged, stays in it. Unknown teachers and schools are
//! therefore notices, not errors.

use super::checks::IdIndex;
use super::columns::LEDGER;
use super::error::InputErrorKind;
use super::rows::{drive, FileReport, Rows};
use super::table::Table;
use crate::model::{Form, LedgerEntry, LedgerStatus, SchoolId, TeacherId};

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
        let term_ok = match (start, end) {
            (Some(s), Some(e)) if e < s => {
                let detail = format!(
                    "the term ends ({} {e}) before it starts ({} {s})",
                    r.label(END),
                    r.label(START)
                );
                let raw = r.cell(END);
                r.error(END, raw, InputErrorKind::Inconsistent { detail });
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
            teacher, from, to, subject, form, start, end, status, term_ok,
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
