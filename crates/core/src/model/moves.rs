//! The moves a plan is made of: the planner's output, read by the checker, the
//! explanations, the figures and the writers. It lives in the model so that the
//! checker (`verify`) depends on the model and the rules only, never on the planner.

use super::Subject;

/// One exchange of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// Index into `Dataset::teachers`.
    pub teacher: usize,
    /// Index into `Dataset::schools`.
    pub from: usize,
    pub to: usize,
    /// Subject of the post filled.
    pub subject: Subject,
    pub priority: u32,
}
