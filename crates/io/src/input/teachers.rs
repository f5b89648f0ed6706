//! `teachers.csv`.

use super::cells::RowCtx;
use super::checks::{unknown_school, IdIndex};
use super::columns::TEACHERS;
use super::error::InputErrorKind;
use super::rows::{drive, FileReport, Rows};
use super::table::Table;
use crate::model::{Backbone, Gender, Role, SchoolId, Status, Teacher, TeacherId, Title};

pub(crate) const ID: usize = 0;
const NAME: usize = 1;
const GENDER: usize = 2;
const BIRTH_YEAR: usize = 3;
const SCHOOL: usize = 4;
const SUBJECT: usize = 5;
const TITLE: usize = 6;
const BACKBONE: usize = 7;
const ROLE: usize = 8;
const JOINED: usize = 9;
const STATUS: usize = 10;
const VOLUNTEER: usize = 11;
const BIRTH_MONTH: usize = 12;
const RETIREMENT_AGE: usize = 13;
const SPARE_PERIODS: usize = 14;

/// Nobody starts teaching at a school younger than this; an earlier joining year is a
/// typo in one of the two years.
const MIN_JOINING_AGE: i32 = 16;

/// Parses teachers; `schools` (when schools.csv was read whole) checks each `school_id`.
/// `spare` receives the `spare_periods` (可走教课时) of each accepted teacher who has
/// any, for itinerant teaching.
pub(crate) fn parse(
    table: &mut Table,
    report: &mut FileReport,
    schools: Option<&IdIndex<'_>>,
    spare: &mut Vec<(TeacherId, u32)>,
) -> Rows<Teacher> {
    let mut out = Rows::default();
    let map = drive(table, &TEACHERS, report, |r| {
        let id = r.string(ID);
        let name = r.string(NAME);
        let gender = r.vocab::<Gender>(GENDER);
        let birth_year = r.year(BIRTH_YEAR);
        let school = school(r, schools);
        let subject = r.subject(SUBJECT);
        let title = r.vocab::<Title>(TITLE);
        let backbone = r.vocab::<Backbone>(BACKBONE);
        let role = r.vocab::<Role>(ROLE);
        let joined = r.year(JOINED);
        let status = r.vocab::<Status>(STATUS);
        let volunteer = r.opt_flag(VOLUNTEER, false);
        let born = (
            r.opt_between(BIRTH_MONTH, 1, 12, "a month from 1 to 12 (empty means 1)"),
            r.opt_between(
                RETIREMENT_AGE,
                40,
                80,
                "an age in years from 40 to 80, such as 60 (empty: the rules' age)",
            ),
        );
        let spare_periods = r.opt_count(SPARE_PERIODS, 0);
        let ages_ok = match (birth_year, joined) {
            (Some(b), Some(j)) => ages_agree(r, b, j),
            _ => true,
        };
        match (
            id,
            name,
            gender,
            birth_year,
            school,
            subject,
            title,
            backbone,
            role,
            joined,
            status,
            volunteer,
            ages_ok,
            born,
            spare_periods,
        ) {
            (
                Some(id),
                Some(name),
                Some(gender),
                Some(birth_year),
                Some(school),
                Some(subject),
                Some(title),
                Some(backbone),
                Some(role),
                Some(joined_school_year),
                Some(status),
                Ok(volunteer),
                true,
                (Ok(birth_month), Ok(retirement_age)),
                Ok(spare_periods),
            ) => {
                if let Some(n) = spare_periods.filter(|n| *n > 0) {
                    spare.push((TeacherId(id.clone()), n));
                }
                out.accept(
                    Teacher {
                        id: TeacherId(id),
                        name,
                        gender,
                        birth_year,
                        school,
                        subject,
                        title,
                        backbone,
                        role,
                        joined_school_year,
                        status,
                        volunteer,
                        birth_month: birth_month.and_then(|m| u8::try_from(m).ok()).unwrap_or(1),
                        retirement_age,
                    },
                    r.row,
                );
            }
            (id, ..) => out.reject(id, r.row),
        }
    });
    report.complete &= map.as_ref().is_some_and(|m| m.has(ID));
    out.map = map;
    out
}

fn school(r: &mut RowCtx<'_>, schools: Option<&IdIndex<'_>>) -> Option<SchoolId> {
    let id = r.text(SCHOOL)?;
    if schools.is_some_and(|s| !s.contains(id)) {
        r.error(SCHOOL, Some(id), unknown_school());
        return None;
    }
    Some(SchoolId::from(id))
}

fn ages_agree(r: &mut RowCtx<'_>, birth: i32, joined: i32) -> bool {
    if joined - birth >= MIN_JOINING_AGE {
        return true;
    }
    let b = r.label(BIRTH_YEAR);
    let j = r.label(JOINED);
    let detail = if joined < birth {
        format!("{j} {joined} is before {b} {birth}; one of the two years is wrong")
    } else {
        format!(
            "the teacher would have been {} when joining (born {birth}); expected at least \
             {MIN_JOINING_AGE}: check {b} and {j}",
            joined - birth
        )
    };
    let raw = r.cell(JOINED);
    r.error(JOINED, raw, InputErrorKind::Inconsistent { detail });
    false
}
