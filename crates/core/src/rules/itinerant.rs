//! `[[itinerant.program]]`: itinerant teaching (走教) programs, planned in file order.

use super::Expr;
use crate::model::{Subject, Vocab};

/// Where host and home school must both lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItinerantScope {
    /// The same (district, township) pair: 学区/乡镇内走教.
    Township,
    /// The same county-level district: 县域内走教.
    District,
}

impl ItinerantScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ItinerantScope::Township => "township",
            ItinerantScope::District => "district",
        }
    }
}

impl Vocab for ItinerantScope {
    const TABLE: &'static [(Self, &'static str, &'static str)] = &[
        (ItinerantScope::Township, "township", "乡镇"),
        (ItinerantScope::District, "district", "县区"),
    ];
}

/// A school day of the week (Monday to Friday).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
}

impl Weekday {
    pub const ALL: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
        }
    }

    /// 0 for Monday … 4 for Friday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The Chinese name (周一 … 周五).
    pub fn zh(self) -> &'static str {
        match self {
            Weekday::Mon => "周一",
            Weekday::Tue => "周二",
            Weekday::Wed => "周三",
            Weekday::Thu => "周四",
            Weekday::Fri => "周五",
        }
    }
}

impl Vocab for Weekday {
    const TABLE: &'static [(Self, &'static str, &'static str)] = &[
        (Weekday::Mon, "mon", "周一"),
        (Weekday::Tue, "tue", "周二"),
        (Weekday::Wed, "wed", "周三"),
        (Weekday::Thu, "thu", "周四"),
        (Weekday::Fri, "fri", "周五"),
    ];
}

/// One `[[itinerant.program]]` table.
#[derive(Debug, Clone)]
pub struct ItinerantProgram {
    /// Names the program in `itinerant.csv`.
    pub id: String,
    pub scope: ItinerantScope,
    /// Subjects of the needs the program covers (normalised).
    pub subjects: Vec<Subject>,
    /// Largest home → host distance, when both schools have coordinates (> 0).
    pub max_km: f64,
    /// Distinct host schools per teacher (≥ 1).
    pub max_schools_per_teacher: u32,
    /// Lessons a teacher gives at one host on one day (≥ 1).
    pub max_periods_per_day: u32,
    /// The weekdays the program may use, in week order, without repeats.
    pub days: Vec<Weekday>,
    /// Who may take part (true = may); everyone when absent.
    pub when: Option<Expr>,
}

impl ItinerantProgram {
    /// The contract's example program: shortage subjects inside a township.
    pub fn township_default() -> Self {
        ItinerantProgram {
            id: "township".into(),
            scope: ItinerantScope::Township,
            subjects: ["music", "art", "pe", "english", "it", "psychology"]
                .into_iter()
                .map(Subject::normalise)
                .collect(),
            max_km: 15.0,
            max_schools_per_teacher: 3,
            max_periods_per_day: 4,
            days: Weekday::ALL.to_vec(),
            when: None,
        }
    }
}

/// `[itinerant]`: the programs, in the order they are planned.
#[derive(Debug, Clone)]
pub struct ItinerantRules {
    pub programs: Vec<ItinerantProgram>,
}

impl Default for ItinerantRules {
    fn default() -> Self {
        ItinerantRules {
            programs: vec![ItinerantProgram::township_default()],
        }
    }
}
