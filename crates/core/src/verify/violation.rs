//! What the checker found wrong with a plan: one [`Broken`] variant per hard rule,
//! carrying the values it looked at; the rule id (`violations.csv` `rule`) and the
//! sentence (`detail`) are rendered from it.

use super::pins::PinViolation;
use crate::model::{Form, Locality, Role, SchoolId, Stage, Subject, TeacherId};
use crate::rules::rule_id::rule_ids;
use crate::rules::EvalError;
use std::fmt;

/// One broken rule of a plan: where (the plan file's row, when the rule is about a
/// row), whose, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Spreadsheet row of the move in the plan file (header = row 1); for the planner's
    /// own moves, their position in the plan counted from 2 likewise. `None` when the
    /// rule is not about one move (a failed custom exclusion, a `move` pin of a teacher
    /// the plan does not move).
    pub plan_row: Option<usize>,
    pub teacher: TeacherId,
    pub broken: Broken,
}

/// The hard rules a plan can break.
#[derive(Debug, Clone, PartialEq)]
pub enum Broken {
    /// The teacher is not in teachers.csv.
    UnknownTeacher,
    /// A school of the row (`column`: from_school or to_school) is not in schools.csv.
    UnknownSchool {
        column: &'static str,
        school: SchoolId,
    },
    /// from_school is not the teacher's school on the roster.
    WrongFromSchool { given: SchoolId, roster: SchoolId },
    /// Only eligible teachers move; `reasons` are the eligibility rule ids that fail
    /// (as in eligibility.csv).
    NotEligible { year: i32, reasons: Vec<String> },
    /// Each teacher moves at most once.
    MovedTwice { first_row: Option<usize> },
    /// Allowed pair: the host school is the teacher's own.
    SameSchool { school: SchoolId },
    /// Allowed pair: `[flow] directions` (and `to_weak_from_any_non_weak`).
    Direction {
        from: Locality,
        to: Locality,
        from_weak: bool,
        to_weak: bool,
    },
    /// Allowed pair: `[flow] same_district`.
    District { from: String, to: String },
    /// Allowed pair: `[flow] max_distance_km`.
    Distance { km: f64, max: f64 },
    /// Allowed pair: `[flow] stage_match`.
    Stage { from: Stage, to: Stage },
    /// Allowed pair: the post's subject is not the teacher's, nor a listed substitute.
    SubjectMismatch {
        teacher_subject: Subject,
        post: Subject,
    },
    /// `[leaders]`: a leader fills only a leadership post.
    LeaderOnSubjectPost { role: Role, post: Subject },
    /// `[leaders]`: a leadership post takes a leader of that role (a vice-principal a
    /// principal post only with `promote`).
    LeaderPostRole { role: Role, post: Subject },
    /// Posts filled ≤ open posts per (school, subject): this row is the `nth` of the
    /// plan's moves to that post, and only `open` are open.
    PostOverfilled {
        school: SchoolId,
        subject: Subject,
        open: usize,
        nth: u64,
    },
    /// sent(s) ≤ cap(s): this row is the `nth` teacher the school sends.
    SchoolCap {
        school: SchoolId,
        cap: u64,
        nth: u64,
    },
    /// A move of another plan year (start_year is not the year checked).
    WrongYear { start_year: i32, year: i32 },
    /// The term is not `[term] years` long.
    WrongTerm {
        start_year: i32,
        end_year: i32,
        years: i32,
    },
    /// The form is not `[term] form`.
    WrongForm { form: Form, expected: Form },
    /// A custom `[[eligibility.exclude]]` condition could not be evaluated for the
    /// teacher, so their eligibility is unknown.
    ExclusionFailed { message: EvalError },
    /// A pin that does not hold (pins.csv): `rule` is `pin_stay`, `pin_move`, `pin_to`
    /// or `pin_not_to`, `pin_row` the pin's row in pins.csv.
    Pin {
        rule: String,
        pin_row: usize,
        detail: String,
    },
}

rule_ids! {
    /// The hard rules a plan can break, in the order of [`Broken`] (pins excluded:
    /// their ids come from the pin checker). Their ids are violations.csv's `rule`;
    /// docs/data.md lists each (a test checks it lists exactly these).
    pub enum RuleId {
        UnknownTeacher => "unknown_teacher",
        UnknownSchool => "unknown_school",
        WrongFromSchool => "wrong_from_school",
        NotEligible => "not_eligible",
        MovedTwice => "moved_twice",
        SameSchool => "pair_same_school",
        Direction => "pair_direction",
        District => "pair_district",
        Distance => "pair_distance",
        Stage => "pair_stage",
        SubjectMismatch => "subject_mismatch",
        LeaderOnSubjectPost => "leader_subject_post",
        LeaderPostRole => "leader_post_role",
        PostOverfilled => "post_overfilled",
        SchoolCap => "school_cap",
        WrongYear => "wrong_year",
        WrongTerm => "wrong_term",
        WrongForm => "wrong_form",
        ExclusionFailed => "exclusion_failed",
    }
}

/// The rule ids of the hard rules, in the order of [`Broken`].
pub const RULE_IDS: [&str; RuleId::IDS.len()] = RuleId::IDS;

impl Broken {
    /// The stable rule id written in violations.csv `rule`.
    pub fn rule(&self) -> &str {
        match self {
            Broken::Pin { rule, .. } => rule,
            _ => self.id().map_or("", RuleId::as_str),
        }
    }

    /// The hard rule broken; `None` for a pin (its id comes from the pin checker).
    pub fn id(&self) -> Option<RuleId> {
        Some(match self {
            Broken::UnknownTeacher => RuleId::UnknownTeacher,
            Broken::UnknownSchool { .. } => RuleId::UnknownSchool,
            Broken::WrongFromSchool { .. } => RuleId::WrongFromSchool,
            Broken::NotEligible { .. } => RuleId::NotEligible,
            Broken::MovedTwice { .. } => RuleId::MovedTwice,
            Broken::SameSchool { .. } => RuleId::SameSchool,
            Broken::Direction { .. } => RuleId::Direction,
            Broken::District { .. } => RuleId::District,
            Broken::Distance { .. } => RuleId::Distance,
            Broken::Stage { .. } => RuleId::Stage,
            Broken::SubjectMismatch { .. } => RuleId::SubjectMismatch,
            Broken::LeaderOnSubjectPost { .. } => RuleId::LeaderOnSubjectPost,
            Broken::LeaderPostRole { .. } => RuleId::LeaderPostRole,
            Broken::PostOverfilled { .. } => RuleId::PostOverfilled,
            Broken::SchoolCap { .. } => RuleId::SchoolCap,
            Broken::WrongYear { .. } => RuleId::WrongYear,
            Broken::WrongTerm { .. } => RuleId::WrongTerm,
            Broken::WrongForm { .. } => RuleId::WrongForm,
            Broken::ExclusionFailed { .. } => RuleId::ExclusionFailed,
            Broken::Pin { .. } => return None,
        })
    }
}

impl Violation {
    pub fn rule(&self) -> &str {
        self.broken.rule()
    }

    /// The sentence of violations.csv `detail`.
    pub fn detail(&self) -> String {
        self.broken.to_string()
    }

    /// A pin checker's finding, placed at the plan row that moves the pin's teacher
    /// (none when the plan does not move them).
    pub fn from_pin(p: PinViolation, rows: &[crate::model::PlanRow]) -> Violation {
        let plan_row = rows
            .iter()
            .find(|r| r.teacher_id.as_str() == p.teacher)
            .map(|r| r.plan_row);
        Violation {
            plan_row,
            teacher: p.teacher.as_str().into(),
            broken: Broken::Pin {
                rule: p.rule.to_string(),
                pin_row: p.row as usize,
                detail: p.detail,
            },
        }
    }
}

fn weak(w: bool) -> &'static str {
    if w {
        " (weak)"
    } else {
        ""
    }
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Broken::UnknownTeacher => write!(
                f,
                "the teacher is not in teachers.csv; correct the id or remove the row"
            ),
            Broken::UnknownSchool { column, school } => write!(
                f,
                "{column} {school} is not in schools.csv; correct the school id"
            ),
            Broken::WrongFromSchool { given, roster } => write!(
                f,
                "from_school is {given}, but the teacher's school in teachers.csv is \
                 {roster}; a teacher is sent from their own school"
            ),
            Broken::NotEligible { year, reasons } => write!(
                f,
                "the teacher is not eligible in {year} ({}); only eligible teachers move",
                reasons.join(";")
            ),
            Broken::MovedTwice { first_row } => match first_row {
                Some(r) => write!(
                    f,
                    "the teacher already moves on row {r}; each teacher moves at most once"
                ),
                None => write!(f, "the teacher moves more than once"),
            },
            Broken::SameSchool { school } => write!(
                f,
                "to_school {school} is the teacher's own school; an exchange goes to \
                 another school"
            ),
            Broken::Direction {
                from,
                to,
                from_weak,
                to_weak,
            } => write!(
                f,
                "{from}{} → {to}{} is not an allowed direction ([flow] directions)",
                weak(*from_weak),
                weak(*to_weak)
            ),
            Broken::District { from, to } => write!(
                f,
                "the move leaves district {from} for {to} ([flow] same_district)"
            ),
            Broken::Distance { km, max } => write!(
                f,
                "the schools are {km:.1} km apart, more than [flow] max_distance_km = {max}"
            ),
            Broken::Stage { from, to } => {
                write!(f, "stages {from} → {to} do not match ([flow] stage_match)")
            }
            Broken::SubjectMismatch {
                teacher_subject,
                post,
            } => write!(
                f,
                "a {teacher_subject} teacher fills a {post} post ([matching] substitutes \
                 lists no such substitute)"
            ),
            Broken::LeaderOnSubjectPost { role, post } => write!(
                f,
                "a {role} fills a {post} post; with [leaders], leaders fill leadership \
                 posts only"
            ),
            Broken::LeaderPostRole { role, post } => write!(
                f,
                "a {role} fills a {post} post; a leadership post takes a leader of that \
                 role ([leaders] promote lets a vice_principal take a principal post)"
            ),
            Broken::PostOverfilled {
                school,
                subject,
                open,
                nth,
            } => write!(
                f,
                "school {school} has {open} open {subject} post(s) and this row is move \
                 number {nth} to them"
            ),
            Broken::SchoolCap { school, cap, nth } => write!(
                f,
                "school {school} may send at most {cap} (its cap) and this row is teacher \
                 number {nth} it sends"
            ),
            Broken::WrongYear { start_year, year } => write!(
                f,
                "start_year is {start_year}, but the plan checked is for {year}"
            ),
            Broken::WrongTerm {
                start_year,
                end_year,
                years,
            } => write!(
                f,
                "the term {start_year}–{end_year} is not [term] years = {years} long \
                 (end_year would be {})",
                start_year + years - 1
            ),
            Broken::WrongForm { form, expected } => {
                write!(f, "form is {form}, but [term] form is {expected}")
            }
            Broken::ExclusionFailed { message } => {
                write!(f, "a custom exclusion could not be evaluated: {message}")
            }
            Broken::Pin {
                pin_row, detail, ..
            } => write!(f, "pins.csv row {pin_row}: {detail}"),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = self.plan_row {
            write!(f, "row {r}: ")?;
        }
        write!(
            f,
            "teacher {}: {} ({})",
            self.teacher,
            self.broken,
            self.rule()
        )
    }
}
