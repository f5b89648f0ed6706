//! The moves a plan is made of: the planner's output, read by the checker, the
//! explanations, the figures and the writers. It lives in the model so that the
//! checker (`verify`) depends on the model and the rules only, never on the planner.

use super::{Id, School, Subject, Teacher};

/// One exchange of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub teacher: Id<Teacher>,
    /// The sending school.
    pub from: Id<School>,
    /// The receiving school.
    pub to: Id<School>,
    /// Subject of the post filled.
    pub subject: Subject,
    pub priority: u32,
}
