//! Person-times per district (sending school) and year of a horizon run, collected
//! from the year views as they are planned: the data behind the horizon page's
//! per-district chart and horizon.xlsx's 区县年度 sheet.

use crate::horizon::YearView;
use crate::model::{LedgerEntry, LedgerStatus};
use crate::rules::Rules;
use std::collections::BTreeMap;

/// Counted person-times of one district (sending school) in one year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DistrictYear {
    pub district: String,
    pub year: i32,
    /// Exchanges planned by rotaplan this year from the district.
    pub sent: u64,
    /// Person-times counted this year (ledger and planned, forms in count_forms).
    pub counted: u64,
    /// Counted person-times of the district since the first year of the period.
    pub cumulative: u64,
}

/// Collects [`DistrictYear`]s from the horizon's year views, counting exactly as the
/// year row does (ledger exchanges starting this year plus the planned moves when the
/// planned form counts, plus the itinerant teachers when `itinerant` counts), so the
/// districts add up to the row's `counted`.
#[derive(Debug, Default)]
pub struct DistrictYears {
    cells: BTreeMap<(String, i32), (u64, u64)>,
    years: Vec<i32>,
}

impl DistrictYears {
    pub fn add(&mut self, v: &YearView<'_>, rules: &Rules) {
        self.add_except(v, rules, &[]);
    }

    /// [`add`](Self::add), leaving out the ledger rows in `foreign` (a horizon shard
    /// keeps rows that another shard counts).
    pub fn add_except(&mut self, v: &YearView<'_>, rules: &Rules, foreign: &[LedgerEntry]) {
        let year = v.row.year;
        self.years.push(year);
        let district_of: BTreeMap<&str, &str> = v
            .roster
            .schools
            .iter()
            .map(|s| (s.id.as_str(), s.district.as_str()))
            .collect();
        let counts = |f| rules.plan.count_forms.contains(f);
        for e in v.ledger.iter().filter(|e| {
            e.start_year == year
                && e.status != LedgerStatus::Cancelled
                && counts(&e.form)
                && !foreign.contains(e)
        }) {
            let d = district_of
                .get(e.from_school.as_str())
                .copied()
                .unwrap_or("?");
            self.cells.entry((d.to_string(), year)).or_default().1 += 1;
        }
        let planned_counts = counts(&rules.term.form);
        for m in &v.plan.moves {
            let d = v
                .roster
                .schools
                .get(m.from.index())
                .map_or("?", |s| s.district.as_str());
            let c = self.cells.entry((d.to_string(), year)).or_default();
            c.0 += 1;
            c.1 += u64::from(planned_counts);
        }
        // Itinerant teachers, by home school, when the form counts.
        if let Some(p) = v
            .itinerant
            .filter(|_| counts(&crate::model::Form::Itinerant))
        {
            for e in p.person_records(year) {
                let d = district_of
                    .get(e.from_school.as_str())
                    .copied()
                    .unwrap_or("?");
                self.cells.entry((d.to_string(), year)).or_default().1 += 1;
            }
        }
    }

    /// One row per district and year planned (zeros included), by district then year.
    pub fn rows(&self) -> Vec<DistrictYear> {
        let districts: std::collections::BTreeSet<&String> =
            self.cells.keys().map(|k| &k.0).collect();
        let mut out = Vec::new();
        for d in districts {
            let mut cumulative = 0;
            for &year in &self.years {
                let (sent, counted) = self
                    .cells
                    .get(&(d.clone(), year))
                    .copied()
                    .unwrap_or_default();
                cumulative += counted;
                out.push(DistrictYear {
                    district: d.clone(),
                    year,
                    sent,
                    counted,
                    cumulative,
                });
            }
        }
        out
    }
}

/// The district rows of several horizon shards as one run gives them: cells of the
/// same district and year added up (rows of unknown schools, "?", may come from
/// several shards), cumulatives counted again, by district then year.
pub fn merge_rows<'a>(
    parts: impl Iterator<Item = &'a DistrictYear>,
    years: &[i32],
) -> Vec<DistrictYear> {
    let mut cells: BTreeMap<(String, i32), (u64, u64)> = BTreeMap::new();
    for r in parts {
        let c = cells.entry((r.district.clone(), r.year)).or_default();
        c.0 += r.sent;
        c.1 += r.counted;
    }
    DistrictYears {
        cells,
        years: years.to_vec(),
    }
    .rows()
}
