//! Why an evaluation was not scheduled: typed values with an id and the figures behind
//! them, rendered to text separately.

use crate::model::Subject;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unscheduled {
    /// The window has no Monday–Friday that is not a holiday.
    NoWorkday,
    /// Fewer evaluators than the panel needs are not recused at all.
    TooFewEvaluators { needed: u32, available: usize },
    /// Fewer than `min_same_subject` non-recused evaluators list the subject.
    NoSubjectEvaluator {
        subject: Subject,
        needed: u32,
        available: usize,
    },
    /// On no usable day are enough of them free of `unavailable` dates.
    NoDayAvailable { subject: Subject, days: usize },
    /// The event could be placed alone, but every such day's evaluators or the
    /// school's daily slots were taken by other evaluations.
    Capacity { days: usize },
}

impl Unscheduled {
    /// Stable id for `unscheduled.csv`.
    pub fn id(&self) -> &'static str {
        match self {
            Unscheduled::NoWorkday => "no_workday_in_window",
            Unscheduled::TooFewEvaluators { .. } => "too_few_evaluators",
            Unscheduled::NoSubjectEvaluator { .. } => "no_subject_evaluator",
            Unscheduled::NoDayAvailable { .. } => "no_day_with_available_panel",
            Unscheduled::Capacity { .. } => "capacity_taken",
        }
    }

    /// Whether the event could not be placed in any schedule at all (so leaving it out
    /// does not cost objective (1)).
    pub fn is_intrinsic(&self) -> bool {
        !matches!(self, Unscheduled::Capacity { .. })
    }
}

impl fmt::Display for Unscheduled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unscheduled::NoWorkday => write!(
                f,
                "no_workday_in_window: the window has no Monday-Friday that is not a holiday"
            ),
            Unscheduled::TooFewEvaluators { needed, available } => write!(
                f,
                "too_few_evaluators: the panel needs {needed} but only {available} evaluator(s) are not recused"
            ),
            Unscheduled::NoSubjectEvaluator {
                subject,
                needed,
                available,
            } => write!(
                f,
                "no_subject_evaluator: needs {needed} evaluator(s) of {subject} not recused; there are {available}"
            ),
            Unscheduled::NoDayAvailable { subject, days } => write!(
                f,
                "no_day_with_available_panel: on none of the {days} usable day(s) are enough non-recused evaluators (with {subject}) available"
            ),
            Unscheduled::Capacity { days } => write!(
                f,
                "capacity_taken: on each of the {days} day(s) where a panel could meet, the free evaluators or the school's daily slots were used by other evaluations"
            ),
        }
    }
}
