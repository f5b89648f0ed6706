//! Why a teacher is not eligible: one variant per eligibility rule, carrying the values
//! the rule looked at. Rendering (CSV ids, English and Chinese sentences) is separate.

use crate::model::{LedgerStatus, Locality, Role, SchoolId, Status};
use crate::rules::EligibilityRule;

#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// `eligibility.statuses` does not include the teacher's status.
    Status { status: Status },
    /// `eligibility.roles` does not include the teacher's role.
    Role { role: Role },
    /// Fewer than `min_years_at_school` years at the current school.
    MinYearsAtSchool { years: i32, min: i32 },
    /// Within `exempt_years_before_retirement` years of retirement (or past it).
    NearRetirement {
        age: i32,
        retirement_age: i32,
        years_left: i32,
        exempt: i32,
    },
    /// The school's locality is not in `sending_localities` (None: school unknown).
    SendingLocality { locality: Option<Locality> },
    /// A weak school, and `weak_schools_send` is false.
    WeakSchool,
    /// A non-cancelled ledger exchange that has not ended before this year.
    OnExchange {
        to_school: SchoolId,
        start_year: i32,
        end_year: i32,
        status: LedgerStatus,
    },
    /// Back from an exchange fewer than `min_years_between_exchanges` years ago.
    MinYearsBetweenExchanges {
        end_year: i32,
        years_since: i32,
        min: i32,
    },
    /// A custom `[[eligibility.exclude]]` rule matched.
    Custom { id: String },
    /// A `stay` pin (pins.csv row `row`) keeps the teacher at home this year. It does
    /// not lower the school's quota: the quota counts the teachers the rules make
    /// eligible, and the pin's cost shows in `pins_cost.csv`.
    PinnedStay { row: u32, note: String },
}

impl Reason {
    /// The rule id used in `eligibility.csv` and by `explain`.
    pub fn id(&self) -> &str {
        match self {
            Reason::Custom { id } => id,
            Reason::PinnedStay { .. } => "pinned_stay",
            _ => self.rule().map_or("", EligibilityRule::as_str),
        }
    }

    /// The built-in rule that gave this reason; `None` for a custom exclusion or a pin.
    pub fn rule(&self) -> Option<EligibilityRule> {
        Some(match self {
            Reason::Status { .. } => EligibilityRule::Status,
            Reason::Role { .. } => EligibilityRule::Role,
            Reason::MinYearsAtSchool { .. } => EligibilityRule::MinYearsAtSchool,
            Reason::NearRetirement { .. } => EligibilityRule::NearRetirement,
            Reason::SendingLocality { .. } => EligibilityRule::SendingLocality,
            Reason::WeakSchool => EligibilityRule::WeakSchool,
            Reason::OnExchange { .. } => EligibilityRule::OnExchange,
            Reason::MinYearsBetweenExchanges { .. } => EligibilityRule::MinYearsBetweenExchanges,
            Reason::Custom { .. } | Reason::PinnedStay { .. } => return None,
        })
    }

    /// The built-in rule ids, in the order they are checked.
    pub const BUILTIN_IDS: [&'static str; 8] = EligibilityRule::IDS;
}
