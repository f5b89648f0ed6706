//! One move of a plan made elsewhere (a plan file, hand-edited or not), as the checker
//! and `--previous` read it. The file reader is rotaplan-io's `input::plan_file`.

use super::{Form, SchoolId, Subject, TeacherId};

/// One move of a plan file. Optional columns that are absent, or cells left empty,
/// are `None`: the checker then takes what rotaplan would have written (the teacher's
/// roster school, the teacher's subject, the rules' `[term]` form, the plan year, and
/// a term of `[term] years`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    /// Spreadsheet row of the move (header = row 1).
    pub plan_row: usize,
    pub teacher_id: TeacherId,
    pub to_school: SchoolId,
    pub from_school: Option<SchoolId>,
    /// Subject of the post filled.
    pub subject: Option<Subject>,
    pub form: Option<Form>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}
