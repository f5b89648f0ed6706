//! `pins.csv` (teachers pinned by HR staff) and `wishes.csv` (teachers' ranked host
//! schools). Both name teachers and schools that must exist; a pin's own row must be
//! complete (`to`/`not_to` need a school, `stay`/`move` must not have one), pins of one
//! teacher in force in a common year must not contradict each other, and a teacher's
//! wishes have distinct ranks 1–5 and distinct schools.
//!
//! What a pin means for one year's plan (is the teacher eligible, is the pair
//! allowed, …) depends on the year and is checked when that year is planned.

use super::checks::{school_cell, IdIndex};
use super::columns::{PINS, WISHES};
use super::error::{InputError, InputErrorKind};
use super::rows::{drive, FileReport, Rows};
use super::table::Table;
use crate::model::steering::{Pin, PinAction, Wish, MAX_WISH_RANK};
use crate::model::{PinKind, SchoolId, TeacherId};
use std::collections::BTreeMap;

const TEACHER: usize = 0;
const ACTION: usize = 1;
const SCHOOL: usize = 2;
const YEAR: usize = 3;
const NOTE: usize = 4;

const W_TEACHER: usize = 0;
const W_RANK: usize = 1;
const W_SCHOOL: usize = 2;

/// The teacher id in column `col`, reported when `teachers` (teachers.csv read whole)
/// does not have it.
fn teacher_cell(
    r: &mut super::cells::RowCtx<'_>,
    col: usize,
    teachers: Option<&IdIndex<'_>>,
) -> Option<TeacherId> {
    match r.text(col) {
        Some(id) if teachers.is_some_and(|t| !t.contains(id)) => {
            r.error(
                col,
                Some(id),
                InputErrorKind::UnknownReference {
                    what: "teacher: this teacher_id is not in teachers.csv; correct the id \
                           or delete the row"
                        .to_string(),
                },
            );
            None
        }
        other => other.map(TeacherId::from),
    }
}

pub(crate) fn parse_pins(
    table: &mut Table,
    report: &mut FileReport,
    teachers: Option<&IdIndex<'_>>,
    schools: Option<&IdIndex<'_>>,
) -> Rows<Pin> {
    let mut out = Rows::default();
    let map = drive(table, &PINS, report, |r| {
        let teacher = teacher_cell(r, TEACHER, teachers);
        let kind = r.vocab::<PinKind>(ACTION);
        let school: Result<Option<SchoolId>, ()> = match r.cell(SCHOOL) {
            Some(_) => school_cell(r, SCHOOL, schools).map(Some).ok_or(()),
            None => Ok(None),
        };
        let year = r.opt_year(YEAR);
        let note = r.cell(NOTE).unwrap_or_default().to_string();
        let action = match (kind, &school) {
            (Some(k @ (PinKind::To | PinKind::NotTo)), Ok(None)) => {
                let detail = format!(
                    "a `{}` pin needs the school in column {}: fill it in, or use `stay`/`move`",
                    k.as_str(),
                    r.label(SCHOOL)
                );
                r.error(SCHOOL, None, InputErrorKind::Inconsistent { detail });
                None
            }
            (Some(k @ (PinKind::Stay | PinKind::Move)), Ok(Some(s))) => {
                let detail = format!(
                    "a `{}` pin names no school: empty this cell, or use `to`/`not_to` for a \
                     pin about school {s}",
                    k.as_str()
                );
                r.error(
                    SCHOOL,
                    Some(s.as_str()),
                    InputErrorKind::Inconsistent { detail },
                );
                None
            }
            (Some(PinKind::Stay), Ok(None)) => Some(PinAction::Stay),
            (Some(PinKind::Move), Ok(None)) => Some(PinAction::Move),
            (Some(PinKind::To), Ok(Some(s))) => Some(PinAction::To(s.clone())),
            (Some(PinKind::NotTo), Ok(Some(s))) => Some(PinAction::NotTo(s.clone())),
            _ => None,
        };
        match (teacher, action, year) {
            (Some(teacher), Some(action), Ok(year)) => out.accept(
                Pin {
                    row: u32::try_from(r.row).unwrap_or(u32::MAX),
                    teacher,
                    action,
                    year,
                    note,
                },
                r.row,
            ),
            _ => out.reject(None, r.row),
        }
    });
    out.map = map;
    out
}

/// Why two pins of one teacher in force in a common year cannot both hold, or `None`.
fn clash(a: &PinAction, b: &PinAction) -> Option<&'static str> {
    use PinAction::*;
    match (a, b) {
        (Stay, Move) | (Move, Stay) => Some("`stay` and `move` for one teacher"),
        (Stay, To(_)) | (To(_), Stay) => Some("`stay` and `to` for one teacher"),
        (To(x), To(y)) if x != y => Some("`to` two different schools for one teacher"),
        (To(x), NotTo(y)) | (NotTo(y), To(x)) if x == y => {
            Some("`to` and `not_to` the same school for one teacher")
        }
        _ => None,
    }
}

/// Pins of one teacher that contradict each other in a year both apply to: each
/// later row is reported with the earlier row it contradicts.
pub(crate) fn check_pin_clashes(rows: &Rows<Pin>, file: &str) -> Vec<InputError> {
    let mut by_teacher: BTreeMap<&str, Vec<&Pin>> = BTreeMap::new();
    for p in &rows.items {
        by_teacher.entry(p.teacher.as_str()).or_default().push(p);
    }
    let mut errors = Vec::new();
    for pins in by_teacher.values() {
        for (i, b) in pins.iter().enumerate() {
            let hit = pins[..i].iter().find_map(|a| {
                let common = a.year.is_none() || b.year.is_none() || a.year == b.year;
                common
                    .then(|| clash(&a.action, &b.action).map(|why| (a.row, why)))
                    .flatten()
            });
            if let Some((first, why)) = hit {
                let detail = format!(
                    "this pin contradicts the pin on row {first} ({why}, in a year both \
                     apply to): delete one of the two rows, or give them different years"
                );
                errors.push(InputError::at(
                    file,
                    b.row as usize,
                    Some(rows.label(ACTION)),
                    Some(b.action.as_str()),
                    InputErrorKind::Inconsistent { detail },
                ));
            }
        }
    }
    errors.sort_by_key(|e| e.row);
    errors
}

pub(crate) fn parse_wishes(
    table: &mut Table,
    report: &mut FileReport,
    teachers: Option<&IdIndex<'_>>,
    schools: Option<&IdIndex<'_>>,
) -> Rows<Wish> {
    let mut out = Rows::default();
    // (teacher, rank) and (teacher, school) → first row.
    let mut ranks: BTreeMap<(String, u8), usize> = BTreeMap::new();
    let mut places: BTreeMap<(String, String), usize> = BTreeMap::new();
    let map = drive(table, &WISHES, report, |r| {
        let teacher = teacher_cell(r, W_TEACHER, teachers);
        let rank = r
            .opt_between(
                W_RANK,
                1,
                i64::from(MAX_WISH_RANK),
                "a wish rank from 1 to 5 (1 = first choice)",
            )
            .ok()
            .flatten();
        if r.cell(W_RANK).is_none() {
            r.error(W_RANK, None, InputErrorKind::Empty);
        }
        let school = school_cell(r, W_SCHOOL, schools);
        let mut ok = true;
        if let (Some(t), Some(k)) = (&teacher, rank) {
            let k = u8::try_from(k).unwrap_or(u8::MAX);
            if let Some(first) = ranks.get(&(t.as_str().to_string(), k)) {
                let detail = format!(
                    "teacher {t} already has a wish of rank {k} on row {first}: each rank \
                     is used once per teacher; renumber the wishes"
                );
                r.error(
                    W_RANK,
                    Some(&k.to_string()),
                    InputErrorKind::Inconsistent { detail },
                );
                ok = false;
            } else {
                ranks.insert((t.as_str().to_string(), k), r.row);
            }
        }
        if let (Some(t), Some(s)) = (&teacher, &school) {
            let key = (t.as_str().to_string(), s.as_str().to_string());
            if let Some(first) = places.get(&key) {
                let detail = format!(
                    "teacher {t} already wishes for school {s} on row {first}: delete this row"
                );
                r.error(
                    W_SCHOOL,
                    Some(s.as_str()),
                    InputErrorKind::Inconsistent { detail },
                );
                ok = false;
            } else {
                places.insert(key, r.row);
            }
        }
        match (teacher, rank, school, ok) {
            (Some(teacher), Some(rank), Some(school), true) => out.accept(
                Wish {
                    teacher,
                    rank: u8::try_from(rank).unwrap_or(MAX_WISH_RANK),
                    school,
                },
                r.row,
            ),
            _ => out.reject(None, r.row),
        }
    });
    out.map = map;
    out
}
