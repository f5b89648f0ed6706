//! Evaluation scheduling (考核安排): a date and a conflict-free panel for every
//! exchanged teacher's yearly assessment at the host school, and for extra events such as
//! school inspections (督查考核), under the `[evaluation]` rules.
//!
//! The engine is split by job: [`events`] builds the events, [`calendar`] the usable
//! dates, [`solver`] places them, [`bound`] proves a lower bound on evaluator-days,
//! [`reason`] explains what could not be placed, [`check`] re-checks every hard rule
//! independently of the solver, and [`ics`] writes the calendar.

pub mod bound;
pub mod calendar;
pub mod check;
pub mod events;
pub mod ics;
pub mod reason;
pub mod solver;

use crate::model::{Date, Subject, TeacherId};

pub use reason::Unscheduled;
pub use solver::solve;

/// What an event assesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// The yearly assessment of an exchanged teacher at the host school.
    Evaluation,
    /// A school inspection (督查考核): no teacher; the inspected school is recused.
    Inspection,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Evaluation => "evaluation",
            EventKind::Inspection => "inspection",
        }
    }

    /// Parses the English word or the Chinese alias.
    pub fn parse(s: &str) -> Option<EventKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "evaluation" | "考核" | "交流考核" => Some(EventKind::Evaluation),
            "inspection" | "督查" | "督查考核" => Some(EventKind::Inspection),
            _ => None,
        }
    }
}

/// One thing to schedule: a day at `school` with a panel of `panel_size`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable id (used in every output and as the calendar UID).
    pub id: String,
    pub kind: EventKind,
    pub teacher: Option<TeacherId>,
    /// Index of the host school in `Dataset::schools`.
    pub host: usize,
    /// Index of the teacher's own (sending) school, when there is one.
    pub sending: Option<usize>,
    pub subject: Subject,
    /// First and last calendar day the event may take place.
    pub window: (Date, Date),
    pub panel_size: u32,
}

/// One placed event: its date and panel (indexes into `Dataset::evaluators`, sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub event: usize,
    pub date: Date,
    pub panel: Vec<usize>,
}

/// The outcome of scheduling: placements sorted by (date, school, event), and every
/// event that was not placed with its reason.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub placed: Vec<Placement>,
    pub unscheduled: Vec<(usize, Unscheduled)>,
}

impl Schedule {
    /// Distinct (evaluator, date) pairs: objective (2).
    pub fn evaluator_days(&self) -> usize {
        let mut pairs: Vec<(usize, Date)> = self
            .placed
            .iter()
            .flat_map(|p| p.panel.iter().map(move |&e| (e, p.date)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs.len()
    }
}
