//! `needs.csv`. Rows with the same school and subject are kept apart, in file order:
//! adding them up is the planner's business, and keeping them lets messages point at
//! the row as written.

use super::checks::{school_cell, IdIndex};
use super::columns::NEEDS;
use super::rows::{drive, FileReport, Rows};
use super::table::Table;
use crate::model::Need;

const SCHOOL: usize = 0;
const SUBJECT: usize = 1;
const COUNT: usize = 2;
const PRIORITY: usize = 3;
const YEAR: usize = 4;

/// Parses needs; `schools` (when schools.csv was read whole) checks each `school_id`.
pub(crate) fn parse(
    table: &mut Table,
    report: &mut FileReport,
    schools: Option<&IdIndex<'_>>,
) -> Rows<Need> {
    let mut out = Rows::default();
    let map = drive(table, &NEEDS, report, |r| {
        let school = school_cell(r, SCHOOL, schools);
        let subject = r.subject(SUBJECT);
        let count = r.count(COUNT, 0);
        let priority = r.opt_count(PRIORITY, 1);
        let year = r.opt_year(YEAR);
        match (school, subject, count, priority, year) {
            (Some(school), Some(subject), Some(count), Ok(priority), Ok(year)) => out.accept(
                Need {
                    school,
                    subject,
                    count,
                    priority: priority.unwrap_or(1),
                    year,
                },
                r.row,
            ),
            _ => out.reject(None, r.row),
        }
    });
    out.map = map;
    out
}
