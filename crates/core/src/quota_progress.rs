//! `progress`: actual exchanges in a ledger against the plan's target path, with a
//! forecast of the remaining years planned under the rules.
//!
//! An exchange counts for the year it starts in, when its form is in `count_forms`
//! and it was not cancelled; every exchange is also shown by form, district (of the
//! sending school), backbone or not, and urban→rural or not. Ledger rows naming a
//! teacher or school that is not in the data are reported, and still counted (the
//! ledger is the record of what happened; the roster may have moved on).
//!
//! The forecast years (after `as_of`) are tallied by the same code from the same kind
//! of record: the ledger's exchanges starting in those years plus the exchanges the
//! rules would plan (the horizon's carried-forward ledger entries) and, with itinerant
//! needs in the data, each year's itinerant teachers (form `itinerant`, from the home
//! school to the first host), so forecast rows carry the same breakdowns as actual ones.

use crate::horizon::{run, target_cumulative, HorizonError, HorizonOptions};
use crate::model::{
    Dataset, Form, LedgerEntry, LedgerStatus, Locality, School, SchoolId, TeacherId,
};
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
    /// Exchanges to leadership posts (校长、副校长). `None` in every row when no year
    /// has any, so the column is either in every row of progress.csv or in none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leaders: Option<u64>,
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
    /// Whether the row tallies the forecast years rather than the actual ones.
    pub forecast: bool,
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
    /// Actual rows (by district) first, then the forecast years' rows.
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

/// Implements [`Tally`] for structs with the six counter fields.
macro_rules! impl_tally {
    ($($t:ty),*) => {$(
        impl Tally for $t {
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
    )*};
}

impl_tally!(YearTally, DistrictTally);

/// Where a ledger row's ids lead in the data.
struct Lookup<'a> {
    data: &'a Dataset,
    schools: BTreeMap<&'a SchoolId, usize>,
    teachers: BTreeMap<&'a TeacherId, usize>,
}

impl<'a> Lookup<'a> {
    fn new(data: &'a Dataset) -> Self {
        Lookup {
            data,
            schools: data
                .schools
                .iter()
                .enumerate()
                .map(|(i, s)| (&s.id, i))
                .collect(),
            teachers: data
                .teachers
                .iter()
                .enumerate()
                .map(|(i, t)| (&t.id, i))
                .collect(),
        }
    }

    /// Every id of the ledger that the data does not know, with its file row.
    fn unknown(&self, ledger: &[LedgerEntry]) -> Vec<Unknown> {
        let mut unknown = Vec::new();
        for (i, e) in ledger.iter().enumerate() {
            let row = i + 2;
            if !self.teachers.contains_key(&e.teacher) {
                unknown.push(Unknown {
                    row,
                    what: "teacher",
                    id: e.teacher.to_string(),
                });
            }
            for s in [&e.from_school, &e.to_school] {
                if !self.schools.contains_key(s) {
                    unknown.push(Unknown {
                        row,
                        what: "school",
                        id: s.to_string(),
                    });
                }
            }
        }
        unknown
    }

    fn school(&self, id: &SchoolId) -> Option<&'a School> {
        self.schools.get(id).map(|&i| &self.data.schools[i])
    }

    /// Tallies `entries` by start year and by district, every row flagged `forecast`.
    fn tally<'e>(
        &self,
        rules: &Rules,
        entries: impl Iterator<Item = &'e LedgerEntry>,
        forecast: bool,
    ) -> (BTreeMap<i32, YearTally>, Vec<DistrictTally>) {
        let mut by_year: BTreeMap<i32, YearTally> = BTreeMap::new();
        let mut by_district: BTreeMap<String, DistrictTally> = BTreeMap::new();
        for e in entries {
            let from = self.school(&e.from_school);
            let to = self.school(&e.to_school);
            let backbone = self
                .teachers
                .get(&e.teacher)
                .is_some_and(|&i| self.data.teachers[i].is_backbone());
            let u2r = from.is_some_and(|s| s.locality == Locality::Urban)
                && to.is_some_and(|s| s.locality == Locality::Rural);
            let counted = rules.plan.count_forms.contains(&e.form);
            let y = by_year.entry(e.start_year).or_insert_with(|| YearTally {
                year: e.start_year,
                forecast,
                ..YearTally::default()
            });
            y.add(e.form, counted, backbone, u2r);
            if crate::model::Role::leader_post(&e.subject).is_some() {
                *y.leaders.get_or_insert(0) += 1;
            }
            let district =
                from.map_or_else(|| "(unknown school)".to_string(), |s| s.district.clone());
            let d = by_district
                .entry(district.clone())
                .or_insert_with(|| DistrictTally {
                    district,
                    forecast,
                    ..DistrictTally::default()
                });
            d.add(e.form, counted, backbone, u2r);
        }
        (by_year, by_district.into_values().collect())
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
    let lookup = Lookup::new(data);
    let unknown = lookup.unknown(ledger);
    let first = rules.plan.first_year;
    let last = rules.plan.last_year;
    let live = |e: &&LedgerEntry| e.status != LedgerStatus::Cancelled;
    let (mut actual_years, mut districts) = lookup.tally(
        rules,
        ledger
            .iter()
            .filter(live)
            .filter(|e| (first..=as_of).contains(&e.start_year)),
        false,
    );
    let mut years = Vec::new();
    let mut cumulative = 0u64;
    let mut push = |mut y: YearTally, years: &mut Vec<YearTally>| {
        cumulative += y.counted;
        y.cumulative = cumulative;
        y.target_cumulative = target_cumulative(rules, y.year);
        y.gap = y.target_cumulative as i64 - cumulative as i64;
        years.push(y);
    };
    for year in first..=as_of.min(last) {
        let y = actual_years.remove(&year).unwrap_or(YearTally {
            year,
            ..YearTally::default()
        });
        push(y, &mut years);
    }
    let actual = years.last().map_or(0, |y| y.cumulative);
    // Forecast: the remaining years planned under the rules, this ledger in force;
    // the ledger's own exchanges of those years count there too.
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
        let decided = ledger
            .iter()
            .filter(live)
            .filter(|e| e.start_year > as_of && (first..=last).contains(&e.start_year));
        let planned = h.ledger.get(ledger.len()..).unwrap_or_default();
        // The itinerant teachers the forecast years plan (form itinerant).
        let (mut forecast_years, forecast_districts) =
            lookup.tally(rules, decided.chain(planned).chain(&h.itinerant), true);
        districts.extend(forecast_districts);
        for r in &h.rows {
            forecast_optimal &= r.optimal;
            let y = forecast_years.remove(&r.year).unwrap_or(YearTally {
                year: r.year,
                forecast: true,
                ..YearTally::default()
            });
            push(y, &mut years);
        }
    }
    // One set of columns for every row (a CSV writer refuses rows of unequal length).
    if years.iter().any(|y| y.leaders.is_some()) {
        for y in &mut years {
            y.leaders.get_or_insert(0);
        }
    }
    let forecast_cumulative = years.last().map_or(0, |y| y.cumulative);
    let target_as_of = target_cumulative(rules, as_of.clamp(first, last));
    Ok(Progress {
        as_of,
        target_exchanges: rules.plan.target_exchanges,
        actual,
        target_as_of,
        gap: target_as_of as i64 - actual as i64,
        forecast_cumulative,
        forecast_met: forecast_cumulative >= u64::from(rules.plan.target_exchanges),
        forecast_optimal,
        years,
        districts,
        unknown,
    })
}
