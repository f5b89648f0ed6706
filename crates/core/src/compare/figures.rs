//! The figures `compare.csv` shows for one plan, kept as integers so a horizon can sum
//! them over its years and both modes format them the same way.

use crate::model::{Dataset, Locality};
use crate::plan::{distance_km, YearPlan};
use crate::stats::{add_fields, DistrictFigures, SchoolRow, Summary, Totals};
use std::collections::BTreeMap;

/// The plan summary's totals plus what `compare` adds (urban→rural, rural posts,
/// distance); sums of these over a horizon's years are still meaningful.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// summary.json's counts (eligible, quota, sent, … posts filled).
    pub totals: Totals,
    pub urban_to_rural: u64,
    pub rural_posts: u64,
    pub rural_posts_filled: u64,
    /// Total distance of the moves in metres (rounded per move), so sums are exact.
    pub metres: u64,
    /// Every plan summed was proven optimal.
    pub optimal: bool,
    /// Pins in force (summary.json `pins.count`).
    pub pins: u64,
    /// The optimum's shortfall and filled priority with no pin at all.
    pub shortfall_without_pins: u64,
    pub filled_priority_without_pins: u64,
    /// Moves of the previous plan kept (`--previous`), `None` without a previous plan.
    pub kept: Option<u64>,
    /// summary.json's `by_district` (`compare.csv` shows `<district>:sent`,
    /// `:shortfall`, `:posts_filled`).
    pub by_district: BTreeMap<String, DistrictFigures>,
}

impl Default for Figures {
    /// The neutral element of [`Figures::add`] (nothing planned is trivially optimal).
    fn default() -> Self {
        Figures {
            totals: Totals::default(),
            urban_to_rural: 0,
            rural_posts: 0,
            rural_posts_filled: 0,
            metres: 0,
            optimal: true,
            pins: 0,
            shortfall_without_pins: 0,
            filled_priority_without_pins: 0,
            kept: None,
            by_district: BTreeMap::new(),
        }
    }
}

/// The figure columns, in `compare.csv` order (after the leading columns).
pub const FIGURE_COLUMNS: [&str; 23] = [
    "eligible",
    "quota",
    "sent",
    "backbone_sent",
    "backbone_share",
    "shortfall",
    "quota_shortfall",
    "backbone_shortfall",
    "filled_priority",
    "posts",
    "posts_filled",
    "urban_to_rural_share",
    "rural_posts_filled",
    "distance_km",
    "optimal",
    "urban_to_rural",
    "rural_posts",
    "pins",
    "shortfall_without_pins",
    "filled_priority_without_pins",
    "pins_shortfall_delta",
    "pins_priority_delta",
    "kept",
];

/// The per-district figure names (`<district>:<name>` columns).
pub const DISTRICT_COLUMNS: [&str; 3] = ["sent", "shortfall", "posts_filled"];

/// `part / whole` with four decimals, exact (integer arithmetic), "" when whole is 0.
pub fn ratio(part: u64, whole: u64) -> String {
    if whole == 0 {
        return String::new();
    }
    let scaled = (u128::from(part) * 20_000 / u128::from(whole)).div_ceil(2);
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

impl Figures {
    /// The figures of one planned year; `data` is the dataset `plan` indexes into.
    pub fn of(data: &Dataset, plan: &YearPlan, rows: &[SchoolRow], s: &Summary) -> Figures {
        let rural = |r: &&SchoolRow| r.locality == Locality::Rural.as_str();
        Figures {
            totals: s.totals,
            urban_to_rural: s
                .by_district
                .values()
                .map(|d| u64::from(d.urban_to_rural))
                .sum(),
            rural_posts: rows.iter().filter(rural).map(|r| u64::from(r.posts)).sum(),
            rural_posts_filled: rows
                .iter()
                .filter(rural)
                .map(|r| u64::from(r.posts_filled))
                .sum(),
            metres: plan
                .moves
                .iter()
                .map(|m| {
                    distance_km(&data.schools[m.from], &data.schools[m.to])
                        .map_or(0, |km| (km * 1000.0).round() as u64)
                })
                .sum(),
            optimal: s.optimal,
            pins: s.pins.count,
            shortfall_without_pins: s.pins.shortfall_without_pins,
            filled_priority_without_pins: s.pins.filled_priority_without_pins,
            kept: s.kept,
            by_district: s.by_district.clone(),
        }
    }

    /// Adds `o` (another year of a horizon) to these figures.
    pub fn add(&mut self, o: &Figures) {
        self.totals.add(&o.totals);
        add_fields!(self, o; urban_to_rural, rural_posts, rural_posts_filled, metres, pins,
            shortfall_without_pins, filled_priority_without_pins);
        self.optimal &= o.optimal;
        // Only a year planned with a previous plan counts (a horizon's first year).
        self.kept = match (self.kept, o.kept) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        for (d, f) in &o.by_district {
            self.by_district.entry(d.clone()).or_default().add(f);
        }
    }

    pub fn backbone_share(&self) -> String {
        ratio(self.totals.backbone_sent, self.totals.sent)
    }

    pub fn urban_to_rural_share(&self) -> String {
        ratio(self.urban_to_rural, self.totals.sent)
    }

    /// What the pins cost: shortfall with them less without (≥ 0 when exact).
    pub fn pins_shortfall_delta(&self) -> i64 {
        self.totals.shortfall as i64 - self.shortfall_without_pins as i64
    }

    /// What the pins cost: filled priority without them less with (≥ 0 when exact).
    pub fn pins_priority_delta(&self) -> i64 {
        self.filled_priority_without_pins as i64 - self.totals.filled_priority as i64
    }

    /// Total distance, km with three decimals.
    pub fn distance_km(&self) -> String {
        format!("{}.{:03}", self.metres / 1000, self.metres % 1000)
    }

    /// The cells under [`FIGURE_COLUMNS`].
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.totals.eligible.to_string(),
            self.totals.quota.to_string(),
            self.totals.sent.to_string(),
            self.totals.backbone_sent.to_string(),
            self.backbone_share(),
            self.totals.shortfall.to_string(),
            self.totals.quota_shortfall.to_string(),
            self.totals.backbone_shortfall.to_string(),
            self.totals.filled_priority.to_string(),
            self.totals.posts.to_string(),
            self.totals.posts_filled.to_string(),
            self.urban_to_rural_share(),
            self.rural_posts_filled.to_string(),
            self.distance_km(),
            self.optimal.to_string(),
            self.urban_to_rural.to_string(),
            self.rural_posts.to_string(),
            self.pins.to_string(),
            self.shortfall_without_pins.to_string(),
            self.filled_priority_without_pins.to_string(),
            self.pins_shortfall_delta().to_string(),
            self.pins_priority_delta().to_string(),
            self.kept.map_or_else(String::new, |k| k.to_string()),
        ]
    }

    /// The cells under `<district>:` [`DISTRICT_COLUMNS`] for district `d`.
    pub fn district_cells(&self, d: &str) -> [String; 3] {
        let f = self.by_district.get(d).cloned().unwrap_or_default();
        [
            f.sent.to_string(),
            f.shortfall.to_string(),
            f.posts_filled.to_string(),
        ]
    }
}

/// `bb%`-style percentage with one decimal from a `ratio` string ("-" when empty).
pub fn percent(ratio: &str) -> String {
    ratio
        .parse::<f64>()
        .map(|v| format!("{:.1}", v * 100.0))
        .unwrap_or_else(|_| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_ratio() {
        assert_eq!(ratio(1, 3), "0.3333");
        assert_eq!(ratio(2, 3), "0.6667");
        assert_eq!(ratio(3, 3), "1.0000");
        assert_eq!(ratio(0, 5), "0.0000");
        assert_eq!(ratio(1, 0), "");
    }

    #[test]
    fn sums_over_years() {
        let mut a = Figures {
            totals: Totals {
                sent: 3,
                backbone_sent: 1,
                ..Totals::default()
            },
            metres: 1500,
            ..Figures::default()
        };
        a.by_district.insert(
            "东湖区".into(),
            DistrictFigures {
                sent: 3,
                shortfall: 1,
                posts_filled: 3,
                ..DistrictFigures::default()
            },
        );
        let mut b = Figures {
            totals: Totals {
                sent: 1,
                backbone_sent: 1,
                ..Totals::default()
            },
            metres: 2501,
            optimal: false,
            ..Figures::default()
        };
        b.by_district.insert(
            "东湖区".into(),
            DistrictFigures {
                sent: 1,
                shortfall: 0,
                posts_filled: 1,
                ..DistrictFigures::default()
            },
        );
        a.add(&b);
        assert_eq!(a.totals.sent, 4);
        assert_eq!(a.backbone_share(), "0.5000");
        assert_eq!(a.distance_km(), "4.001");
        assert!(!a.optimal);
        assert_eq!(a.district_cells("东湖区"), ["4", "1", "4"]);
        assert_eq!(a.district_cells("西湖区"), ["0", "0", "0"]);
    }
}
