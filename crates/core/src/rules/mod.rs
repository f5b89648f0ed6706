//! Rule sets (`rules/*.toml`): the typed form of every key (docs/rules.md).
//!
//! Every key is declared once, in the key table `keys::KEYS` (its section, default,
//! doc line and reader); parsing and validation live in `parse`, custom exclusion
//! expressions in `expr`. Every key has the default of `rules/nanchang-2021-2025.toml`,
//! so a rule file only needs to say what differs.

mod expr;
mod fields;
mod itinerant;
mod keys;
mod parse;
pub(crate) mod rule_id;
mod share;
mod suggest;

#[cfg(test)]
mod docs_tests;

pub use expr::{EvalError, ExclusionContext, Expr, ExprError};
pub use fields::{BadValue, Field, EXPR_FIELDS, FIELDS};
pub use itinerant::{ItinerantProgram, ItinerantRules, ItinerantScope, Weekday};
/// The key table (sections and their keys), for the workspace's rules form.
pub use keys::{keys_of, sections};
pub use parse::{load_rules, parse_rules, RuleError, RuleErrorKind, RuleErrors};
pub use rule_id::EligibilityRule;
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
    /// `[leaders]`: school leaders rotate on their own terms; `None` without the table
    /// (leaders are then teachers of their subject).
    pub leaders: Option<LeaderRules>,
    /// `[[itinerant.program]]`: itinerant teaching (走教).
    pub itinerant: ItinerantRules,
}

/// `[leaders]`: principals and vice-principals fill leadership posts only, after
/// their own number of years at the school, optionally as a mandatory rotation.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderRules {
    /// Roles that rotate as leaders (`principal`, `vice_principal`).
    pub roles: Vec<Role>,
    /// Replaces `[eligibility] min_years_at_school` for leaders (two terms: 6).
    pub min_years_at_school: i32,
    /// Each eligible leader not moved adds 1 to shortfall; leaders then stay out of
    /// their school's quota, cap and backbone share.
    pub mandatory: bool,
    /// A vice-principal may fill a principal post.
    pub promote: bool,
}

impl Default for LeaderRules {
    /// The `[leaders]` keys' defaults (`rules/keys.rs`).
    fn default() -> Self {
        keys::default_leaders()
    }
}

impl LeaderRules {
    /// Whether `role` rotates as a leader under these rules.
    pub fn is_leader(&self, role: Role) -> bool {
        role != Role::Teacher && self.roles.contains(&role)
    }

    /// Whether a leader of `role` may fill a leadership post of `post`.
    pub fn fills(&self, role: Role, post: Role) -> bool {
        self.is_leader(role)
            && (role == post
                || (self.promote && role == Role::VicePrincipal && post == Role::Principal))
    }
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
    /// Apply the 2025 retirement-age reform (delays by birth month).
    pub retirement_reform_2025: bool,
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
    /// Line of `when` in the rule file, for errors found when it runs.
    pub line: Option<usize>,
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
    /// Only `exact` is defined.
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
    /// Every key at its default (`rules/keys.rs`): the Nanchang 2021–2025 rule set.
    fn default() -> Self {
        keys::default_rules()
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

    /// A teacher's original retirement age: their own `retirement_age` when given,
    /// else the rules' age for their gender.
    pub fn original_retirement_age(&self, t: &crate::model::Teacher) -> i32 {
        t.retirement_age
            .unwrap_or_else(|| self.retirement_age(t.gender))
    }

    /// The calendar year in which a teacher retires, under the reform when
    /// `retirement_reform_2025`. The one place that decides retirement: a teacher is
    /// retired in plan year Y when this is ≤ Y.
    pub fn retirement_year(&self, t: &crate::model::Teacher) -> i32 {
        crate::model::retirement::retirement_year(
            t.birth_year,
            t.birth_month,
            self.original_retirement_age(t),
            self.eligibility.retirement_reform_2025,
        )
    }

    /// Whether a teacher has retired by plan year `year` (no longer on the roster).
    pub fn retired(&self, t: &crate::model::Teacher, year: i32) -> bool {
        self.retirement_year(t) <= year
    }

    /// The leader role of a teacher who rotates as a leader under `[leaders]`.
    pub fn leader_role(&self, t: &crate::model::Teacher) -> Option<Role> {
        self.leaders
            .as_ref()
            .filter(|l| l.is_leader(t.role))
            .map(|_| t.role)
    }

    /// Years at the school before a teacher may rotate: `[leaders]`' figure for a
    /// leader, else `[eligibility]`'s.
    pub fn min_years_at_school(&self, t: &crate::model::Teacher) -> i32 {
        match (&self.leaders, self.leader_role(t)) {
            (Some(l), Some(_)) => l.min_years_at_school,
            _ => self.eligibility.min_years_at_school,
        }
    }

    /// Whether mandatory leader rotation is on (leaders outside quotas and caps).
    pub fn mandatory_leaders(&self) -> bool {
        self.leaders.as_ref().is_some_and(|l| l.mandatory)
    }

    /// The subject under which a teacher is planned: their leader role's post
    /// (`principal`, `vice_principal`) for a leader, else their teaching subject.
    pub fn plan_subject(&self, t: &crate::model::Teacher) -> Subject {
        match self.leader_role(t) {
            Some(role) => Subject::new(role.as_str()),
            None => t.subject.clone(),
        }
    }

    /// Whether a teacher planned under `teacher_subject` (see [`Rules::plan_subject`])
    /// may fill a post of `post_subject`. With `[leaders]`, leadership posts take only
    /// leaders of a fitting role and leaders take only leadership posts.
    pub fn post_fits(&self, teacher_subject: &Subject, post_subject: &Subject) -> bool {
        let Some(l) = &self.leaders else {
            return self.subject_fits(teacher_subject, post_subject);
        };
        match (
            Role::leader_post(teacher_subject),
            Role::leader_post(post_subject),
        ) {
            (Some(role), Some(post)) => l.fills(role, post),
            (None, None) => self.subject_fits(teacher_subject, post_subject),
            _ => false,
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
