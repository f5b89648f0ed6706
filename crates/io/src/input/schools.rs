//! `schools.csv`.

use super::cells::{Bad, RowCtx};
use super::columns::SCHOOLS;
use super::error::InputErrorKind;
use super::rows::{drive, FileReport, Rows};
use super::table::Table;
use crate::model::{Locality, School, SchoolId, Stage};

pub(crate) const ID: usize = 0;
const NAME: usize = 1;
const DISTRICT: usize = 2;
const TOWNSHIP: usize = 3;
const LOCALITY: usize = 4;
const WEAK: usize = 5;
const STAGE: usize = 6;
const LAT: usize = 7;
const LON: usize = 8;
const STAFF: usize = 9;

pub(crate) fn parse(table: &mut Table, report: &mut FileReport) -> Rows<School> {
    let mut out = Rows::default();
    let map = drive(table, &SCHOOLS, report, |r| {
        let id = r.string(ID);
        let name = r.string(NAME);
        let district = r.string(DISTRICT);
        let township = r.cell(TOWNSHIP).map(str::to_string);
        let locality = r.vocab::<Locality>(LOCALITY);
        let weak = r.flag(WEAK);
        let stage = r.vocab::<Stage>(STAGE);
        let coord = coord(r);
        let staff = r.opt_count(STAFF, 0);
        match (id, name, district, locality, weak, stage, coord, staff) {
            (
                Some(id),
                Some(name),
                Some(district),
                Some(locality),
                Some(weak),
                Some(stage),
                Ok(coord),
                Ok(staff),
            ) => out.accept(
                School {
                    id: SchoolId(id),
                    name,
                    district,
                    township,
                    locality,
                    weak,
                    stage,
                    coord,
                    staff,
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

/// Latitude and longitude go together: one without the other is a typo, not a school
/// without coordinates.
fn coord(r: &mut RowCtx<'_>) -> Result<Option<(f64, f64)>, Bad> {
    let lat = r.opt_degrees(LAT, 90.0);
    let lon = r.opt_degrees(LON, 180.0);
    match (lat?, lon?) {
        (Some(lat), Some(lon)) => Ok(Some((lat, lon))),
        (None, None) => Ok(None),
        (Some(_), None) => {
            let detail = format!(
                "{} is given but {} is empty: give both coordinates or neither",
                r.label(LAT),
                r.label(LON)
            );
            r.error(LON, None, InputErrorKind::Inconsistent { detail });
            Err(Bad)
        }
        (None, Some(_)) => {
            let detail = format!(
                "{} is given but {} is empty: give both coordinates or neither",
                r.label(LON),
                r.label(LAT)
            );
            r.error(LAT, None, InputErrorKind::Inconsistent { detail });
            Err(Bad)
        }
    }
}
