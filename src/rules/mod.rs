//! Rule sets (`rules/*.toml`): the typed form of every key of contract §2.
//!
//! Parsing and validation live in `parse`; custom exclusion expressions in `expr`.
//! Every key has the default of `rules/nanchang-2021-2025.toml`, so a rule file only
//! needs to say what differs.

mod expr;
mod itinerant;
mod parse;
mod share;
mod suggest;

pub use expr::{ExclusionContext, Expr, EXPR_FIELDS};
pub use itinerant::{ItinerantProgram, ItinerantRules, ItinerantScope, Weekday};
pub use parse::{load_rules, parse_rules, RuleError, RuleErrorKind, RuleErrors};
pub use share::Share;

use crate::model::{Date, Form, Locality, MonthDay, Role, Status, Subject};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Rules {
    /// File name of the rule set (for `compare` variant names and messages).
    pub source: String,
    pub plan: PlanRules,
    pub eligibility: EligibilityRules,
    pub quota: QuotaRules,
    pub flow: FlowRules,
    pub matching: MatchingRules,
    pub term: TermRules,
    pub evaluation: EvaluationRules,
    /// `[[itinerant.program]]`: itinerant teaching (走教).
    pub itinerant: ItinerantRules,
}

#[derive(Debug, Clone)]
pub struct PlanRules {
    pub name: String,
    pub first_year: i32,
    pub last_year: i32,
    pub target_exchanges: u32,
    pub count_forms: Vec<Form>,
}

#[derive(Debug, Clone)]
pub struct EligibilityRules {
    pub min_years_at_school: i32,
    pub retirement_age_male: i32,
    pub retirement_age_female: i32,
    pub exempt_years_before_retirement: i32,
    pub statuses: Vec<Status>,
    pub roles: Vec<Role>,
    pub sending_localities: Vec<Locality>,
    pub weak_schools_send: bool,
    pub min_years_between_exchanges: i32,
    pub exclude: Vec<CustomExclusion>,
}

/// `[[eligibility.exclude]]`: a teacher for whom `when` is true is excluded with
/// reason `id`.
#[derive(Debug, Clone)]
pub struct CustomExclusion {
    pub id: String,
    pub when: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackboneLevel {
    School,
    District,
    Plan,
}

impl BackboneLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            BackboneLevel::School => "school",
            BackboneLevel::District => "district",
            BackboneLevel::Plan => "plan",
        }
    }
}

#[derive(Debug, Clone)]
pub struct QuotaRules {
    pub min_share_of_eligible: Share,
    pub min_backbone_share: Share,
    pub backbone_share_level: BackboneLevel,
    pub max_outflow_share_of_staff: Share,
    pub fill_beyond_quota: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageMatch {
    Same,
    Compatible,
}

#[derive(Debug, Clone)]
pub struct FlowRules {
    pub directions: Vec<(Locality, Locality)>,
    pub to_weak_from_any_non_weak: bool,
    pub same_district: bool,
    /// Applies only when both schools have coordinates; must be > 0.
    pub max_distance_km: f64,
    pub stage_match: StageMatch,
}

#[derive(Debug, Clone)]
pub struct MatchingRules {
    /// Only `exact` is defined by the contract.
    pub subject_exact: bool,
    /// post subject → teacher subjects that may also fill it.
    pub substitutes: BTreeMap<Subject, Vec<Subject>>,
}

#[derive(Debug, Clone)]
pub struct TermRules {
    pub years: i32,
    pub form: Form,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recusal {
    SendingSchool,
    HostSchool,
    HostDistrict,
}

#[derive(Debug, Clone)]
pub struct EvaluationRules {
    pub window: (MonthDay, MonthDay),
    pub holidays: Vec<Date>,
    pub panel_size: u32,
    pub min_same_subject: u32,
    pub recuse: Vec<Recusal>,
    pub max_per_evaluator_per_day: u32,
    pub max_per_school_per_day: u32,
    pub one_school_per_evaluator_day: bool,
}

impl Default for Rules {
    /// The contract's defaults: the Nanchang 2021–2025 rule set.
    fn default() -> Self {
        Rules {
            source: "defaults".into(),
            plan: PlanRules {
                name: "Nanchang 2021-2025 teacher exchange".into(),
                first_year: 2021,
                last_year: 2025,
                target_exchanges: 5000,
                count_forms: vec![Form::Transfer, Form::Itinerant, Form::Support],
            },
            eligibility: EligibilityRules {
                min_years_at_school: 6,
                retirement_age_male: 60,
                retirement_age_female: 55,
                exempt_years_before_retirement: 3,
                statuses: vec![Status::Active],
                roles: vec![Role::Teacher, Role::Principal, Role::VicePrincipal],
                sending_localities: vec![Locality::Urban, Locality::Town],
                weak_schools_send: false,
                min_years_between_exchanges: 6,
                exclude: Vec::new(),
            },
            quota: QuotaRules {
                min_share_of_eligible: Share::hundredths(10),
                min_backbone_share: Share::hundredths(20),
                backbone_share_level: BackboneLevel::School,
                max_outflow_share_of_staff: Share::hundredths(15),
                fill_beyond_quota: false,
            },
            flow: FlowRules {
                directions: vec![
                    (Locality::Urban, Locality::Town),
                    (Locality::Urban, Locality::Rural),
                    (Locality::Town, Locality::Rural),
                ],
                to_weak_from_any_non_weak: true,
                same_district: true,
                max_distance_km: 60.0,
                stage_match: StageMatch::Compatible,
            },
            matching: MatchingRules {
                subject_exact: true,
                substitutes: BTreeMap::new(),
            },
            term: TermRules {
                years: 3,
                form: Form::Transfer,
            },
            evaluation: EvaluationRules {
                window: (
                    MonthDay { month: 11, day: 1 },
                    MonthDay { month: 12, day: 20 },
                ),
                holidays: Vec::new(),
                panel_size: 3,
                min_same_subject: 1,
                recuse: vec![Recusal::SendingSchool, Recusal::HostSchool],
                max_per_evaluator_per_day: 4,
                max_per_school_per_day: 6,
                one_school_per_evaluator_day: true,
            },
            itinerant: ItinerantRules::default(),
        }
    }
}

impl Rules {
    /// Retirement age of a teacher of the given gender.
    pub fn retirement_age(&self, gender: crate::model::Gender) -> i32 {
        match gender {
            crate::model::Gender::M => self.eligibility.retirement_age_male,
            crate::model::Gender::F => self.eligibility.retirement_age_female,
        }
    }

    /// Whether a teacher of `teacher_subject` may fill a post of `post_subject`.
    pub fn subject_fits(&self, teacher_subject: &Subject, post_subject: &Subject) -> bool {
        teacher_subject == post_subject
            || self
                .matching
                .substitutes
                .get(post_subject)
                .is_some_and(|subs| subs.contains(teacher_subject))
    }
}
