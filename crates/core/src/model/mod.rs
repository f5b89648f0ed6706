//! The typed domain model: schools, teachers, posts, the ledger and evaluators.
//!
//! Everything downstream (eligibility, planning, verification, output) works on these
//! types only, never on raw spreadsheet cells, so a value that made it into the model is
//! known to be well-formed.

mod date;
mod geo;
mod ids;
mod index;
mod moves;
mod plan_row;
pub mod retirement;
pub mod steering;
mod vocab;

pub use date::{Date, MonthDay};
pub use geo::{great_circle_km, EARTH_RADIUS_KM};
pub use ids::{EvaluatorId, SchoolId, Subject, TeacherId, KNOWN_SUBJECTS};
pub use index::{Id, IdVec};
pub use moves::Move;
pub use plan_row::PlanRow;
pub use vocab::{
    parse_bool, Backbone, Form, Gender, LedgerStatus, Locality, PinKind, Role, Stage, Status,
    Title, Vocab,
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

impl School {
    /// A school named by its id, name and district, the rest at its plainest: urban,
    /// not weak, primary, no township, no coordinates, headcount from the roster. Set
    /// other fields with struct update syntax (`School { weak: true, ..School::new(…) }`).
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        district: impl Into<String>,
    ) -> School {
        School {
            id: SchoolId::new(id),
            name: name.into(),
            district: district.into(),
            township: None,
            locality: Locality::Urban,
            weak: false,
            stage: Stage::Primary,
            coord: None,
            staff: None,
        }
    }
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
    /// 出生月份, 1–12 (1 when not given); only the retirement reform looks at it.
    pub birth_month: u8,
    /// 退休年龄: a personal original retirement age overriding the rules' one.
    pub retirement_age: Option<i32>,
}

impl Teacher {
    /// An active teacher of `subject` at `school`, the rest at its plainest: male, born
    /// in January of `birth_year`, joined the school in `joined_school_year`, no title,
    /// not backbone, not a volunteer, a plain teacher's role, the rules' retirement age.
    /// Set other fields with struct update syntax (`Teacher { gender: Gender::F,
    /// ..Teacher::new(…) }`).
    pub fn new(
        id: impl Into<String>,
        school: impl Into<String>,
        subject: impl Into<String>,
        birth_year: i32,
        joined_school_year: i32,
    ) -> Teacher {
        Teacher {
            id: TeacherId::new(id),
            name: String::new(),
            gender: Gender::M,
            birth_year,
            school: SchoolId::new(school),
            subject: Subject::new(subject),
            title: Title::None,
            backbone: Backbone::None,
            role: Role::Teacher,
            joined_school_year,
            status: Status::Active,
            volunteer: false,
            birth_month: 1,
            retirement_age: None,
        }
    }

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
    /// 年度: the plan year these posts are for; `None`: every year.
    pub year: Option<i32>,
}

impl Need {
    /// Whether the row gives posts in plan year `year`.
    pub fn applies(&self, year: i32) -> bool {
        self.year.is_none_or(|y| y == year)
    }
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
    /// Itinerant teaching (走教) inputs: lessons schools lack and spare lessons teachers
    /// can give elsewhere. Empty when the data folder has no `itinerant_needs` file.
    pub itinerant: ItinerantData,
    /// Pins and wishes that steer the plan (`pins.csv`, `wishes.csv`); empty when
    /// neither file is given.
    pub steering: steering::Steering,
}

/// One row of `itinerant_needs.csv`: lessons a week of one subject that a school cannot
/// staff itself.
#[derive(Debug, Clone, PartialEq)]
pub struct ItinerantNeed {
    pub school: SchoolId,
    pub subject: Subject,
    pub periods: u32,
}

/// The itinerant-teaching part of a data folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItinerantData {
    /// The rows of `itinerant_needs.csv`, in file order (rows of one school and
    /// subject add up).
    pub needs: Vec<ItinerantNeed>,
    /// teachers.csv `spare_periods` (可走教课时) of the teachers who have any; a teacher
    /// not listed has none.
    pub spare_periods: std::collections::BTreeMap<TeacherId, u32>,
}

impl ItinerantData {
    /// Spare lessons a week of `teacher` (0 when the column is empty or absent).
    pub fn spare(&self, teacher: &TeacherId) -> u32 {
        self.spare_periods.get(teacher).copied().unwrap_or(0)
    }

    /// Whether there is anything to plan: some school lacks lessons.
    pub fn has_needs(&self) -> bool {
        !self.needs.is_empty()
    }
}

impl Dataset {
    /// Orders schools by district (stably: input order within a district) and teachers
    /// likewise by their school's district. Every output follows this order, so the
    /// files of a run are made of whole-district blocks in district order, which is
    /// what lets `merge` rebuild a single run's files from shard outputs.
    pub fn group_by_district(&mut self) {
        if !self.schools.is_sorted_by(|a, b| a.district <= b.district) {
            self.schools.sort_by(|a, b| a.district.cmp(&b.district));
        }
        // Rank of each school's district; teachers at unknown schools (impossible after
        // validation) sort last.
        let mut rank: std::collections::HashMap<&str, u32> =
            std::collections::HashMap::with_capacity(self.schools.len());
        let mut r = 0u32;
        let mut last: Option<&str> = None;
        for s in &self.schools {
            if last != Some(s.district.as_str()) {
                r += 1;
                last = Some(s.district.as_str());
            }
            rank.insert(s.id.as_str(), r);
        }
        let key = |t: &Teacher| rank.get(t.school.as_str()).copied().unwrap_or(u32::MAX);
        if !self.teachers.is_sorted_by_key(key) {
            // Stable: input order is kept within a district.
            self.teachers.sort_by_cached_key(key);
        }
    }
}
