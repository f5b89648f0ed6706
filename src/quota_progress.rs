//! `progress`: actual exchanges in a ledger against the plan's target path, with a
//! forecast of the remaining years planned under the rules.
//!
//! An exchange counts for the year it starts in, when its form is in `count_forms`
//! and it was not cancelled; every exchange is also shown by form, district (of the
//! sending school), backbone or not, and urban→rural or not. Ledger rows naming a
//! teacher or school that is not in the data are reported, and still counted (the
//! ledger is the record of what happened; the roster may have moved on).

use crate::horizon::{run, target_cumulative, HorizonError, HorizonOptions};
use crate::model::{Dataset, Form, LedgerEntry, LedgerStatus, Locality, SchoolId, TeacherId};
use crate::rules::Rules;
use std::collections::BTreeMap;

/// Exchanges of one start year.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct YearTally {
    pub year: i32,
    pub transfer: u64,
    pub itinerant: u64,
    pub support: u64,
    pub counted: u64,
    pub backbone: u64,
    pub urban_to_rural: u64,
    pub cumulative: u64,
    pub target_cumulative: u64,
    /// target_cumulative − cumulative (negative when ahead of the path).
    pub gap: i64,
    /// Whether the year is forecast (planned under the rules) rather than actual.
    pub forecast: bool,
}

/// Counted exchanges of one district (by sending school).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DistrictTally {
    pub district: String,
    pub transfer: u64,
    pub itinerant: u64,
    pub support: u64,
    pub counted: u64,
    pub backbone: u64,
    pub urban_to_rural: u64,
}

/// A ledger row that names something the data does not know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unknown {
    /// 1-based data row of the ledger file (header is row 1).
    pub row: usize,
    pub what: &'static str,
    pub id: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Progress {
    pub as_of: i32,
    pub target_exchanges: u32,
    pub actual: u64,
    pub target_as_of: u64,
    pub gap: i64,
    pub forecast_cumulative: u64,
    pub forecast_met: bool,
    pub forecast_optimal: bool,
    pub years: Vec<YearTally>,
    pub districts: Vec<DistrictTally>,
    pub unknown: Vec<Unknown>,
}

/// The counters a year row and a district row share, in one order: transfer,
/// itinerant, support, counted, backbone, urban→rural.
trait Tally {
    fn counters(&mut self) -> [&mut u64; 6];

    fn add(&mut self, form: Form, counted: bool, backbone: bool, u2r: bool) {
        let [transfer, itinerant, support, c, b, u] = self.counters();
        *match form {
            Form::Transfer => transfer,
            Form::Itinerant => itinerant,
            Form::Support => support,
        } += 1;
        *c += u64::from(counted);
        *b += u64::from(backbone);
        *u += u64::from(u2r);
    }
}

impl Tally for YearTally {
    fn counters(&mut self) -> [&mut u64; 6] {
        [
            &mut self.transfer,
            &mut self.itinerant,
            &mut self.support,
            &mut self.counted,
            &mut self.backbone,
            &mut self.urban_to_rural,
        ]
    }
}

impl Tally for DistrictTally {
    fn counters(&mut self) -> [&mut u64; 6] {
        [
            &mut self.transfer,
            &mut self.itinerant,
            &mut self.support,
            &mut self.counted,
            &mut self.backbone,
            &mut self.urban_to_rural,
        ]
    }
}

/// Tallies `ledger` up to `as_of` and forecasts the rest of the period with `data`'s
/// roster, the given ledger in force.
pub fn progress(
    data: &Dataset,
    rules: &Rules,
    ledger: &[LedgerEntry],
    as_of: i32,
    opts: &HorizonOptions,
) -> Result<Progress, HorizonError> {
    let schools: BTreeMap<&SchoolId, usize> = data
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.id, i))
        .collect();
    let teachers: BTreeMap<&TeacherId, usize> = data
        .teachers
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.id, i))
        .collect();
    let mut unknown = Vec::new();
    for (i, e) in ledger.iter().enumerate() {
        let row = i + 2;
        if !teachers.contains_key(&e.teacher) {
            unknown.push(Unknown {
                row,
                what: "teacher",
                id: e.teacher.to_string(),
            });
        }
        for s in [&e.from_school, &e.to_school] {
            if !schools.contains_key(s) {
                unknown.push(Unknown {
                    row,
                    what: "school",
                    id: s.to_string(),
                });
            }
        }
    }
    let first = rules.plan.first_year;
    let last = rules.plan.last_year;
    let live = |e: &&LedgerEntry| {
        e.status != LedgerStatus::Cancelled && e.start_year >= first && e.start_year <= as_of
    };
    let mut by_year: BTreeMap<i32, YearTally> = BTreeMap::new();
    let mut by_district: BTreeMap<String, DistrictTally> = BTreeMap::new();
    for e in ledger.iter().filter(live) {
        let from = schools.get(&e.from_school).map(|&i| &data.schools[i]);
        let to = schools.get(&e.to_school).map(|&i| &data.schools[i]);
        let backbone = teachers
            .get(&e.teacher)
            .is_some_and(|&i| data.teachers[i].is_backbone());
        let u2r = from.is_some_and(|s| s.locality == Locality::Urban)
            && to.is_some_and(|s| s.locality == Locality::Rural);
        let counted = rules.plan.count_forms.contains(&e.form);
        let y = by_year.entry(e.start_year).or_insert_with(|| YearTally {
            year: e.start_year,
            ..YearTally::default()
        });
        y.add(e.form, counted, backbone, u2r);
        let district = from.map_or_else(|| "(unknown school)".to_string(), |s| s.district.clone());
        let d = by_district
            .entry(district.clone())
            .or_insert_with(|| DistrictTally {
                district,
                ..DistrictTally::default()
            });
        d.add(e.form, counted, backbone, u2r);
    }
    let mut years = Vec::new();
    let mut cumulative = 0u64;
    for year in first..=as_of.min(last) {
        let mut y = by_year.remove(&year).unwrap_or(YearTally {
            year,
            ..YearTally::default()
        });
        cumulative += y.counted;
        y.cumulative = cumulative;
        y.target_cumulative = target_cumulative(rules, year);
        y.gap = y.target_cumulative as i64 - cumulative as i64;
        years.push(y);
    }
    let actual = cumulative;
    // Forecast: the remaining years planned under the rules, this ledger in force.
    let mut forecast_optimal = true;
    if as_of < last {
        let mut view = data.clone();
        view.ledger = ledger.to_vec();
        let h = run(
            &view,
            rules,
            (as_of + 1).max(first)..=last,
            opts,
            |_| Ok(()),
        )?;
        for r in &h.rows {
            cumulative += r.sent;
            forecast_optimal &= r.optimal;
            years.push(YearTally {
                year: r.year,
                transfer: if rules.term.form == Form::Transfer {
                    r.sent
                } else {
                    0
                },
                itinerant: if rules.term.form == Form::Itinerant {
                    r.sent
                } else {
                    0
                },
                support: if rules.term.form == Form::Support {
                    r.sent
                } else {
                    0
                },
                counted: if rules.plan.count_forms.contains(&rules.term.form) {
                    r.sent
                } else {
                    0
                },
                backbone: r.backbone_sent,
                urban_to_rural: 0,
                cumulative,
                target_cumulative: target_cumulative(rules, r.year),
                gap: target_cumulative(rules, r.year) as i64 - cumulative as i64,
                forecast: true,
            });
        }
        if !rules.plan.count_forms.contains(&rules.term.form) {
            cumulative = actual;
        }
    }
    let target_as_of = target_cumulative(rules, as_of.clamp(first, last));
    let districts: Vec<DistrictTally> = by_district.into_values().collect();
    Ok(Progress {
        as_of,
        target_exchanges: rules.plan.target_exchanges,
        actual,
        target_as_of,
        gap: target_as_of as i64 - actual as i64,
        forecast_cumulative: cumulative,
        forecast_met: cumulative >= u64::from(rules.plan.target_exchanges),
        forecast_optimal,
        years,
        districts,
        unknown,
    })
}
