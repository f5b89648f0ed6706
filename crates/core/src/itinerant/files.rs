//! `itinerant.csv`, `itinerant_uncovered.csv` and the `itinerant` figures of
//! `summary.json`.

use super::ItinerantPlan;
use crate::model::{Dataset, TeacherId};
use std::collections::HashMap;

pub const ITINERANT_HEADER: &[&str] = &[
    "program",
    "teacher_id",
    "name",
    "subject",
    "home_school",
    "host_school",
    "weekday",
    "periods",
    "distance_km",
];

pub const UNCOVERED_HEADER: &[&str] = &[
    "school_id",
    "subject",
    "periods_uncovered",
    "reason",
    "detail",
];

/// The `itinerant` object of `summary.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItinerantFigures {
    /// Distinct itinerant teachers (person-times of form `itinerant`).
    pub teachers: u32,
    pub periods_needed: u64,
    pub periods_covered: u64,
    /// Every township (or district) proven optimal at every objective level.
    pub optimal: bool,
    /// Σ over (teacher, weekday) of the home → host distance, metres.
    pub travel_m: u64,
    /// Townships (or districts, for district programs) planned.
    pub units: u32,
}

impl ItinerantFigures {
    pub fn of(plan: &ItinerantPlan) -> Self {
        ItinerantFigures {
            teachers: plan.teachers,
            periods_needed: plan.periods_needed,
            periods_covered: plan.periods_covered,
            optimal: plan.optimal,
            travel_m: plan.travel_m,
            units: plan.units,
        }
    }
}

/// The rows of `itinerant.csv`, names from `data`.
pub fn lesson_rows(data: &Dataset, plan: &ItinerantPlan) -> Vec<Vec<String>> {
    let names: HashMap<&TeacherId, &str> = data
        .teachers
        .iter()
        .map(|t| (&t.id, t.name.as_str()))
        .collect();
    plan.lessons
        .iter()
        .map(|l| {
            vec![
                l.program.clone(),
                l.teacher.to_string(),
                names.get(&l.teacher).copied().unwrap_or("").to_string(),
                l.subject.to_string(),
                l.home.to_string(),
                l.host.to_string(),
                l.weekday.as_str().to_string(),
                l.periods.to_string(),
                format!("{:.2}", l.distance_m as f64 / 1000.0),
            ]
        })
        .collect()
}

/// The rows of `itinerant_uncovered.csv`.
pub fn uncovered_rows(plan: &ItinerantPlan) -> Vec<Vec<String>> {
    plan.uncovered
        .iter()
        .map(|u| {
            vec![
                u.school.to_string(),
                u.subject.to_string(),
                u.periods.to_string(),
                u.reason.id().to_string(),
                u.reason.detail(),
            ]
        })
        .collect()
}
