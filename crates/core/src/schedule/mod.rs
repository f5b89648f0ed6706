//! Evaluation scheduling (考核安排): a date and a conflict-free panel for every
//! exchanged teacher's yearly assessment at the host school, and for extra events such as
//! school inspections (督查考核), under the `[evaluation]` rules.
//!
//! The engine is split by job: [`events`] builds the events, [`calendar`] the usable
//! dates, [`exact`] places them at the fewest evaluator-days by sittings (one host
//! school, one date), with [`sitting`] the smallest crew of one sitting and [`solver`]
//! the constructive pass it falls back on, [`scarce`] the most placed when evaluators
//! are too few, [`bound`] the floor costs of a day,
//! [`balance`] the crews for even load and travel once the sittings are fixed,
//! [`reason`] explains what could not be placed, [`check`] re-checks every hard rule
//! independently of the solver, and [`ics`] writes the calendar.

pub mod balance;
pub mod bound;
pub mod calendar;
pub mod check;
pub mod days;
pub mod exact;
pub mod ics;
pub mod reason;
pub mod scarce;
pub mod sitting;
pub mod solver;
pub mod whole;

use crate::model::{Dataset, Date, Evaluator, Id, School, Subject, TeacherId};

pub use exact::solve;
#[doc(hidden)]
pub use exact::{scarce_probe, ScarceProbe};
pub use reason::Unscheduled;

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
    /// The host school.
    // INVARIANT: `host` and `sending` are ids of the dataset the events are scheduled
    // with (io's `input/schedule_events.rs` takes them from its `school_positions`):
    // the solver indexes its per-school tables (`World::school_district`) by them; the
    // checker and the writers look them up with `Dataset::try_school`.
    pub host: Id<School>,
    /// The teacher's own (sending) school, when there is one.
    pub sending: Option<Id<School>>,
    pub subject: Subject,
    /// First and last calendar day the event may take place.
    pub window: (Date, Date),
    pub panel_size: u32,
}

/// One placed event: its date and panel (ids into `Dataset::evaluators`, sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The event's id: its position in the events list the schedule was made for.
    // INVARIANT: the solvers place only events of the list they are given, so
    // `events[p.event]` is in range for that list (`Schedule::sort`, `balance`); the
    // checker and the writers, which may be handed any schedule, use `events.get`.
    pub event: Id<Event>,
    pub date: Date,
    /// The panel's members: their ids in `Dataset::evaluators`.
    // INVARIANT: the solvers draw members from the `World` of the dataset they are
    // given (one row per evaluator), so `balance` may index its per-person tables by
    // them; the checker and the writers use `Dataset::try_evaluator`.
    pub panel: Vec<Id<Evaluator>>,
}

impl Placement {
    /// A placement from the solvers' plain positions (event in the events list,
    /// members in `Dataset::evaluators`), which their internal tables use.
    pub(crate) fn from_positions(event: usize, day: i64, panel: Vec<usize>) -> Self {
        Placement {
            event: Id::new(event),
            date: Date::from_ordinal(day),
            panel: panel.into_iter().map(Id::new).collect(),
        }
    }
}

/// The outcome of scheduling: placements sorted by (date, school, event), and every
/// event that was not placed with its reason.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub placed: Vec<Placement>,
    pub unscheduled: Vec<(Id<Event>, Unscheduled)>,
    /// A lower bound on the evaluator-days of every schedule that places as many
    /// evaluations as the most any schedule can (see [`exact`]).
    pub lower_bound: usize,
    /// An upper bound on objective (1): no schedule places more evaluations.
    pub scheduled_bound: usize,
    /// Whether objectives (1) and (2) are proven optimal: the evaluations placed equal
    /// `scheduled_bound` and the evaluator-days equal `lower_bound`.
    pub proven: bool,
    /// Which method made the schedule kept.
    pub method: Method,
    /// Per host school with at least one evaluation, in school order.
    pub by_host: Vec<HostFigures>,
    /// How objectives (3) even load and (4) travel were settled (see [`balance`]).
    pub balance: balance::Balance,
}

/// The method behind a schedule (see [`exact`] for how they combine).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Method {
    /// Sittings (host school, date): per-school optimum, then dating.
    #[default]
    Sittings,
    /// Days as sittings of several host schools (no one-school-a-day rule).
    DayGroups,
    /// The constructive pass of [`solver`].
    Constructive,
    /// The whole-instance integer program of [`whole`] (small instances).
    WholeProgram,
    /// The most-placed greedy of [`scarce`] (evaluators too few for every evaluation).
    Scarce,
}

impl Method {
    /// Stable id for `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Sittings => "sittings",
            Method::DayGroups => "day_groups",
            Method::Constructive => "constructive",
            Method::WholeProgram => "whole_program",
            Method::Scarce => "scarce",
        }
    }
}

/// Where the evaluator-days go: one host school's sittings (days it hosts
/// evaluations), evaluator-days and bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFigures {
    /// The host school.
    pub host: Id<School>,
    pub evaluations: usize,
    pub scheduled: usize,
    pub sittings: usize,
    pub evaluator_days: usize,
    /// A lower bound on this school's evaluator-days when all its placeable
    /// evaluations are placed; `None` when an evaluator may visit several schools a day
    /// (then evaluator-days do not split by school).
    pub lower_bound: Option<usize>,
    /// This school's evaluator-days are proven minimal.
    pub proven: bool,
    /// Metres travelled to this school: one trip per evaluator-day here.
    pub travel_metres: u64,
}

impl Schedule {
    /// Puts the placements in output order (date, host school, event id) and the
    /// unscheduled evaluations in event id order.
    pub(crate) fn sort(&mut self, events: &[Event]) {
        self.placed.sort_by(|a, b| {
            (a.date, events[a.event].host, &events[a.event].id).cmp(&(
                b.date,
                events[b.event].host,
                &events[b.event].id,
            ))
        });
        self.unscheduled
            .sort_by(|a, b| events[a.0].id.cmp(&events[b.0].id));
    }

    /// Distinct (evaluator, date) pairs: objective (2).
    pub fn evaluator_days(&self) -> usize {
        self.evaluator_date_pairs().len()
    }

    /// The distinct (evaluator, date) pairs of the placed evaluations, sorted.
    fn evaluator_date_pairs(&self) -> Vec<(Id<Evaluator>, Date)> {
        let mut pairs: Vec<(Id<Evaluator>, Date)> = self
            .placed
            .iter()
            .flat_map(|p| p.panel.iter().map(move |&e| (e, p.date)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// Days worked by each evaluator of `data` (objective 3 is the sum of their
    /// squares, smallest when the days are spread most evenly).
    pub fn days_per_evaluator(&self, evaluators: usize) -> Vec<usize> {
        let mut days = vec![0usize; evaluators];
        for (e, _) in self.evaluator_date_pairs() {
            if let Some(d) = days.get_mut(e.index()) {
                *d += 1;
            }
        }
        days
    }

    /// Objective (4): metres travelled, one trip per evaluator-day from the evaluator's
    /// own school to the host (0 for bureau staff or a school without coordinates).
    pub fn travel_metres(&self, events: &[Event], data: &Dataset) -> u64 {
        self.travel_by_host(events, data).values().sum()
    }

    /// Objective (4) by host school: one trip per evaluator, date and host visited.
    pub fn travel_by_host(
        &self,
        events: &[Event],
        data: &Dataset,
    ) -> std::collections::BTreeMap<Id<School>, u64> {
        let index: std::collections::BTreeMap<&str, Id<School>> = data.school_positions();
        let home = |e: Id<Evaluator>| {
            data.try_evaluator(e)
                .and_then(|ev| ev.school.as_ref())
                .and_then(|id| index.get(id.as_str()).copied())
        };
        let mut trips: Vec<(Id<Evaluator>, Date, Id<School>)> = self
            .placed
            .iter()
            .filter_map(|p| Some((p, events.get(p.event.index())?.host)))
            .flat_map(|(p, host)| p.panel.iter().map(move |&e| (e, p.date, host)))
            .collect();
        trips.sort_unstable();
        trips.dedup();
        let mut out = std::collections::BTreeMap::new();
        for &(e, _, host) in &trips {
            *out.entry(host).or_insert(0) += exact::trip_metres(data, home(e), host);
        }
        out
    }
}
