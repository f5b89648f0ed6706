//! The steering sheets of `plan.xlsx`: 锁定 (the pins in force with their cost, the
//! rows of `pins_cost.csv` plus year and note) and 志愿 (teachers with wishes: moved,
//! placed at a wish, by rank). Made from the plan's tallies, so `merge` writes the
//! same sheets as one run.

use super::{Kind, Sheet};
use crate::report::plan_tallies::{PlanTallies, WishTally};

/// The pins sheet's name.
pub const PINS_SHEET: &str = "锁定";
/// The wishes sheet's name.
pub const WISHES_SHEET: &str = "志愿";

pub const PINS_SHEET_HEADER: [&str; 8] = [
    "row",
    "teacher_id",
    "action",
    "school_id",
    "year",
    "note",
    "shortfall_delta",
    "filled_priority_delta",
];

pub const WISHES_SHEET_HEADER: [&str; 3] = ["measure", "teachers", "share_of_teachers_with_wishes"];

use crate::compare::figures::ratio as share;

/// The rows of the pins sheet (empty without pins in force).
pub fn pin_rows(t: &PlanTallies) -> Vec<Vec<String>> {
    t.pins
        .iter()
        .map(|p| {
            vec![
                p.row.to_string(),
                p.teacher_id.clone(),
                p.action.clone(),
                p.school_id.clone(),
                p.year.map_or(String::new(), |y| y.to_string()),
                p.note.clone(),
                p.shortfall_delta.to_string(),
                p.filled_priority_delta.to_string(),
            ]
        })
        .collect()
}

/// The rows of the wishes sheet (empty without wishes): teachers with wishes, those
/// moved, those placed at a wish, then one row per rank; shares of the teachers with
/// wishes.
pub fn wish_rows(w: &WishTally) -> Vec<Vec<String>> {
    if w.teachers == 0 {
        return Vec::new();
    }
    let row = |m: String, n: u64| vec![m, n.to_string(), share(n, w.teachers)];
    let mut out = vec![
        row("有志愿的教师".to_string(), w.teachers),
        row("交流".to_string(), w.moved),
        row("去向为志愿学校".to_string(), w.placed()),
    ];
    for (i, &n) in w.by_rank.iter().enumerate() {
        out.push(row(format!("第{}志愿", i + 1), n));
    }
    out
}

/// The sheets for the rows above, each only when it has rows.
pub fn steering_sheets<'a>(pins: &'a [Vec<String>], wishes: &'a [Vec<String>]) -> Vec<Sheet<'a>> {
    use Kind::{Decimal, Integer, Text};
    let mut out = Vec::new();
    if !pins.is_empty() {
        out.push(Sheet {
            name: PINS_SHEET,
            header: &PINS_SHEET_HEADER,
            kinds: vec![Integer, Text, Text, Text, Integer, Text, Integer, Integer],
            rows: pins,
        });
    }
    if !wishes.is_empty() {
        out.push(Sheet {
            name: WISHES_SHEET,
            header: &WISHES_SHEET_HEADER,
            kinds: vec![Text, Integer, Decimal],
            rows: wishes,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_exact_to_four_places() {
        assert_eq!(share(1, 3), "0.3333");
        assert_eq!(share(2, 3), "0.6667");
        assert_eq!(share(3, 3), "1.0000");
        assert_eq!(share(0, 0), "");
        let w = WishTally {
            teachers: 4,
            moved: 3,
            by_rank: [1, 1, 0, 0, 0],
        };
        let rows = wish_rows(&w);
        assert_eq!(rows.len(), 8);
        assert_eq!(rows[2], vec!["去向为志愿学校", "2", "0.5000"]);
    }
}
