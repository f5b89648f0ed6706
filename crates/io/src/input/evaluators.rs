//! `evaluators.csv`.

use super::checks::{unknown_school, IdIndex};
use super::columns::EVALUATORS;
use super::rows::{drive, FileReport, Rows};
use super::table::Table;
use crate::model::{Evaluator, EvaluatorId, SchoolId};

pub(crate) const ID: usize = 0;
const NAME: usize = 1;
const SCHOOL: usize = 2;
const DISTRICT: usize = 3;
const SUBJECTS: usize = 4;
const MAX_PER_DAY: usize = 5;
const UNAVAILABLE: usize = 6;

/// Parses evaluators; `schools` (when schools.csv was read whole) checks `school_id`,
/// which may be empty for bureau staff.
pub(crate) fn parse(
    table: &mut Table,
    report: &mut FileReport,
    schools: Option<&IdIndex<'_>>,
) -> Rows<Evaluator> {
    let mut out = Rows::default();
    let map = drive(table, &EVALUATORS, report, |r| {
        let id = r.string(ID);
        let name = r.string(NAME);
        let school = match r.cell(SCHOOL) {
            Some(s) if schools.is_some_and(|idx| !idx.contains(s)) => {
                r.error(SCHOOL, Some(s), unknown_school());
                Err(())
            }
            s => Ok(s.map(SchoolId::from)),
        };
        let district = r.string(DISTRICT);
        let subjects = r.subjects(SUBJECTS);
        let max_per_day = r.opt_count(MAX_PER_DAY, 1);
        let unavailable = r.dates(UNAVAILABLE);
        match (
            id,
            name,
            school,
            district,
            subjects,
            max_per_day,
            unavailable,
        ) {
            (
                Some(id),
                Some(name),
                Ok(school),
                Some(district),
                Some(subjects),
                Ok(max_per_day),
                Ok(unavailable),
            ) => out.accept(
                Evaluator {
                    id: EvaluatorId(id),
                    name,
                    school,
                    district,
                    subjects,
                    max_per_day,
                    unavailable,
                },
                r.row,
            ),
            (id, ..) => out.reject(id, r.row),
        }
    });
    report.complete &= map.as_ref().is_some_and(|m| m.has(ID));
    out.map = map;
    out
}
