//! `itinerant_needs.csv` (走教需求): lessons a week of one subject that a school cannot
//! staff itself. Rows with the same school and subject are kept apart, in file order,
//! like `needs.csv`; the itinerant planner adds them up.

use super::checks::{school_cell, IdIndex};
use super::columns::{Col, Spec};
use super::rows::{drive, FileReport, Rows};
use super::table::Table;
use crate::model::ItinerantNeed;

pub(crate) const ITINERANT_NEEDS: Spec = Spec {
    cols: &[
        Col {
            en: "school_id",
            zh: "学校代码",
            required: true,
            more: &[],
            id: true,
        },
        Col {
            en: "subject",
            zh: "学科",
            required: true,
            more: &[],
            id: false,
        },
        Col {
            en: "periods",
            zh: "每周课时",
            required: true,
            more: &[],
            id: false,
        },
    ],
};

const SCHOOL: usize = 0;
const SUBJECT: usize = 1;
const PERIODS: usize = 2;

/// Parses itinerant needs; `schools` (when schools.csv was read whole) checks each
/// `school_id`. `periods` must be at least 1: a row of 0 lessons is a mistake, not a
/// need.
pub(crate) fn parse(
    table: &mut Table,
    report: &mut FileReport,
    schools: Option<&IdIndex<'_>>,
) -> Rows<ItinerantNeed> {
    let mut out = Rows::default();
    let map = drive(table, &ITINERANT_NEEDS, report, |r| {
        let school = school_cell(r, SCHOOL, schools);
        let subject = r.subject(SUBJECT);
        let periods = r.count(PERIODS, 1);
        match (school, subject, periods) {
            (Some(school), Some(subject), Some(periods)) => out.accept(
                ItinerantNeed {
                    school,
                    subject,
                    periods,
                },
                r.row,
            ),
            _ => out.reject(None, r.row),
        }
    });
    out.map = map;
    out
}
