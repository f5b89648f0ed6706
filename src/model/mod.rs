//! The typed domain model: schools, teachers, posts, the ledger and evaluators.
//!
//! Everything downstream (eligibility, planning, verification, output) works on these
//! types only, never on raw spreadsheet cells, so a value that made it into the model is
//! known to be well-formed.

mod date;
mod ids;
mod vocab;

pub use date::{Date, MonthDay};
pub use ids::{EvaluatorId, SchoolId, Subject, TeacherId};
pub use vocab::{
    parse_bool, Backbone, Form, Gender, LedgerStatus, Locality, Role, Stage, Status, Title, Vocab,
};

/// A school as given in `schools.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    pub id: SchoolId,
    pub name: String,
    pub district: String,
    pub township: Option<String>,
    pub locality: Locality,
    pub weak: bool,
    pub stage: Stage,
    /// (latitude, longitude) in decimal degrees, when both are given.
    pub coord: Option<(f64, f64)>,
    /// Headcount (编制数) when given; otherwise derived from the roster per plan year.
    pub staff: Option<u32>,
}

/// A teacher as given in `teachers.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Teacher {
    pub id: TeacherId,
    pub name: String,
    pub gender: Gender,
    pub birth_year: i32,
    pub school: SchoolId,
    pub subject: Subject,
    pub title: Title,
    pub backbone: Backbone,
    pub role: Role,
    pub joined_school_year: i32,
    pub status: Status,
    pub volunteer: bool,
}

impl Teacher {
    pub fn is_backbone(&self) -> bool {
        self.backbone != Backbone::None
    }
}

/// One row of `needs.csv`: posts of one subject to fill at a receiving school.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub school: SchoolId,
    pub subject: Subject,
    pub count: u32,
    pub priority: u32,
}

/// One row of `ledger.csv`: an exchange already decided or done.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    pub teacher: TeacherId,
    pub from_school: SchoolId,
    pub to_school: SchoolId,
    pub subject: Subject,
    pub form: Form,
    pub start_year: i32,
    pub end_year: i32,
    pub status: LedgerStatus,
}

impl LedgerEntry {
    /// Whether the exchange occupies its teacher and post in plan year `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.status != LedgerStatus::Cancelled && self.start_year <= year && year <= self.end_year
    }
}

/// One row of `evaluators.csv`: a person who can sit on evaluation panels.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluator {
    pub id: EvaluatorId,
    pub name: String,
    pub school: Option<SchoolId>,
    pub district: String,
    pub subjects: Vec<Subject>,
    pub max_per_day: Option<u32>,
    pub unavailable: Vec<Date>,
}

/// A whole data folder, loaded and validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub schools: Vec<School>,
    pub teachers: Vec<Teacher>,
    pub needs: Vec<Need>,
    pub ledger: Vec<LedgerEntry>,
    pub evaluators: Vec<Evaluator>,
}
