//! The explanations' words in English, with the Chinese names of the rules in
//! brackets (`explain`'s output).

use super::phrases::{BackboneShare, Phrases, Trait};
use super::WishOutcome as O;
use crate::model::steering::Pin;
use crate::model::{LedgerStatus, Locality, Role, School, SchoolId, Status, Subject, Teacher};
use crate::plan::ChangeKind;
use crate::rules::LeaderRules;

/// English.
pub(super) struct En;

impl Phrases for En {
    const TEACHER_SEP: &'static str = ", ";
    const ITEM_SEP: &'static str = ", ";

    fn header(&self, t: &Teacher, school_name: &str, year: i32) -> String {
        format!(
            "teacher {} {} ({}), school {} {school_name}, plan year {year}",
            t.id, t.name, t.subject, t.school
        )
    }

    fn pin(&self, p: &Pin) -> String {
        let what = match p.action.school() {
            Some(s) => format!("{} {s}", p.action.as_str()),
            None => p.action.as_str().to_string(),
        };
        let note = if p.note.is_empty() {
            String::new()
        } else {
            format!(": {}", p.note)
        };
        format!("pinned (指定): {what} (pins row {}{note})", p.row)
    }

    fn wishes_met(&self, rank: u8, school: &str) -> String {
        format!("wishes (志愿): placed at wish {rank} ({school})")
    }

    fn wishes_unmet(&self) -> &'static str {
        "wishes (志愿): not placed at any wish"
    }

    fn wish_line(&self, wish: &str, placed: bool) -> String {
        if placed {
            wish.to_string()
        } else {
            format!("not at {wish}")
        }
    }

    fn previous(&self, kind: ChangeKind, prev: &str, now: &str, why: &str) -> String {
        let line = match kind {
            ChangeKind::Kept => format!("kept from the previous plan (to {prev})"),
            ChangeKind::Added => format!("added: not in the previous plan (now to {now})"),
            ChangeKind::Dropped => format!("previous move to {prev} dropped: {why}"),
            ChangeKind::Changed => format!("previous move to {prev} changed to {now}: {why}"),
        };
        format!("previous plan (上一方案): {line}")
    }

    fn eligibility_heading(&self) -> &'static str {
        "eligibility (资格):"
    }

    fn check(&self, id: &str, passed: bool, text: &str) -> String {
        format!("{}  {id}: {text}", if passed { "pass" } else { "FAIL" })
    }

    fn custom_check(&self, id: &str, failed: bool) -> String {
        format!(
            "{}  {id}: custom exclusion",
            if failed { "FAIL" } else { "pass" }
        )
    }

    fn outcome_heading(&self) -> &'static str {
        "outcome (结果):"
    }

    fn leaders_heading(&self) -> &'static str {
        "leaders of the school (校领导轮岗):"
    }

    fn leader(&self, t: &Teacher, role: Role, outcome: String) -> String {
        format!(
            "{} {} {} ({}): {outcome}",
            t.id,
            t.name,
            role.as_str(),
            role.zh()
        )
    }

    fn leader_rules(&self, lr: &LeaderRules) -> String {
        format!(
            "leaders fill leadership posts only{}; {} years at the school required{}.",
            if lr.promote {
                " (a vice_principal also a principal post)"
            } else {
                ""
            },
            lr.min_years_at_school,
            if lr.mandatory {
                "; mandatory: each eligible leader not moved adds 1 to shortfall, outside \
                 the school's quota and cap"
            } else {
                ""
            }
        )
    }

    fn status_is(&self, t: &Teacher) -> String {
        format!("status {}", t.status.as_str())
    }

    fn role_is(&self, t: &Teacher) -> String {
        format!("role {}", t.role.as_str())
    }

    fn years_at_school_are(&self, years: i32, min: i32) -> String {
        format!("{years} years at school (min {min})")
    }

    fn retires_at(&self, age: i32, retirement_age: i32, exempt: i32) -> String {
        format!("age {age}, retirement age {retirement_age} (exempt {exempt} years before)")
    }

    fn retires_under_reform(&self, (by, bm): (i32, u8), (y, m): (i32, u8)) -> String {
        format!("; born {by}-{bm:02}, retires {y}-{m:02} under the 2025 reform (延迟退休)")
    }

    fn locality_is(&self, school: Option<&School>) -> String {
        format!(
            "school locality {}",
            school.map_or("?", |s| s.locality.as_str())
        )
    }

    fn weak_is(&self, weak: bool) -> String {
        format!("weak school: {weak}")
    }

    fn exchanges_in_force(&self) -> &'static str {
        "ledger exchanges in force"
    }

    fn years_between_exchanges(&self, min: i32) -> String {
        format!("{min} years required since the last exchange")
    }

    fn status_not_eligible(&self, status: Status) -> String {
        format!(
            "status {} ({}) is not among the eligible statuses",
            status.as_str(),
            status.zh()
        )
    }

    fn role_not_eligible(&self, role: Role) -> String {
        format!(
            "role {} ({}) is not an eligible role",
            role.as_str(),
            role.zh()
        )
    }

    fn too_few_years_at_school(&self, years: i32, min: i32) -> String {
        format!("{years} years at the school, fewer than the {min} required (到校年限不足)")
    }

    fn near_retirement(&self, age: i32, retirement_age: i32, left: i32, exempt: i32) -> String {
        format!(
            "age {age}, retirement at {retirement_age}: {left} years left, within the \
             {exempt}-year exemption (临近退休)"
        )
    }

    fn not_sending_locality(&self, locality: Option<Locality>) -> String {
        match locality {
            Some(l) => format!(
                "the school is {} ({}), not a sending locality",
                l.as_str(),
                l.zh()
            ),
            None => "the teacher's school is not in schools.csv".into(),
        }
    }

    fn weak_school(&self) -> &'static str {
        "the school is a weak school (薄弱学校), which does not send"
    }

    fn on_exchange(&self, to: &SchoolId, (start, end): (i32, i32), status: LedgerStatus) -> String {
        format!(
            "on an exchange to {to}, {start}–{end} ({}), in force this year",
            status.as_str()
        )
    }

    fn too_soon_after_exchange(&self, end_year: i32, years_since: i32, min: i32) -> String {
        format!(
            "back from an exchange that ended in {end_year}: {years_since} years ago, fewer \
             than the {min} required between exchanges"
        )
    }

    fn custom_exclusion(&self, id: &str) -> String {
        format!("the custom exclusion `{id}` matched")
    }

    fn pinned_stay(&self, row: u32, note: &str) -> String {
        if note.is_empty() {
            format!("pinned to stay (pins.csv row {row})")
        } else {
            format!("pinned to stay (pins.csv row {row}: {note})")
        }
    }

    fn wish(&self, rank: u8, id: &str, outcome: &O, by: &str) -> String {
        match outcome {
            O::Met => format!("wish {rank} school {id}: met"),
            O::NotEligible => format!(
                "wish {rank} school {id}: not eligible this year (a wish never makes a move)"
            ),
            O::NotAllowed => format!(
                "wish {rank} school {id}: the rules do not allow this pair (a wish never \
                 allows a forbidden move)"
            ),
            O::NoOpenPost { subject } => {
                format!("wish {rank} school {id} had no open {subject} post")
            }
            O::Filled { subject, .. } => {
                format!("wish {rank} school {id}: its open {subject} post(s) went to {by}")
            }
            O::Outranked => format!(
                "wish {rank} school {id}: a post was open, but the optimum (shortfall, then \
                 priority, then previous moves kept, then better-ranked wishes) placed the \
                 teacher otherwise"
            ),
        }
    }

    fn changed_by_rule(&self, rule: &str, detail: &str) -> String {
        format!("{rule}: {detail}")
    }

    fn reoptimised(&self) -> &'static str {
        "reoptimised: it breaks no rule, but the optimum (shortfall, then priority) needed \
         otherwise"
    }

    fn teacher_trait(&self, t: Trait) -> String {
        match t {
            Trait::From(school) => format!("from {school}"),
            Trait::Backbone => "backbone".to_string(),
            Trait::Volunteer => "volunteer".to_string(),
            Trait::YearsAtSchool(n) => format!("{n} yrs at school"),
        }
    }

    fn teacher_with_traits(&self, t: &Teacher, traits: &str) -> String {
        format!("{} {} ({traits})", t.id, t.name)
    }

    fn subject(&self, s: &Subject) -> String {
        s.to_string()
    }

    fn leader_moved(&self, to: &SchoolId, post: &Subject) -> String {
        format!("moved to {to} ({post} post)")
    }

    fn leader_not_moved(&self, eligible: bool) -> &'static str {
        if eligible {
            "eligible, not moved"
        } else {
            "not eligible"
        }
    }

    fn not_eligible(&self) -> &'static str {
        "not eligible, so not placed (不符合交流条件)."
    }

    fn placed(&self, r: &School, subject: &Subject, priority: u32, km: Option<f64>) -> String {
        let mut s = format!(
            "placed (交流): to {} {} ({}, {}), a {subject} post of priority {priority}",
            r.id,
            r.name,
            r.district,
            r.locality.as_str()
        );
        if let Some(km) = km {
            s.push_str(&format!(", {km:.1} km away"));
        }
        s
    }

    fn why_this_post(&self, best_priority: u32, alternatives: u32) -> String {
        format!(
            ". Why this post: the plan minimises shortfall, then maximises the priority of \
             filled posts (best open priority for this teacher: {best_priority}), then \
             prefers shorter distance; {alternatives} other allowed post(s) were open."
        )
    }

    fn no_allowed_post(&self, blocked: u32) -> String {
        format!(
            "eligible but not placed: no open post of a subject this teacher may fill at \
             any school theirs may send to (same district, direction, stage, distance); \
             {blocked} fitting post(s) elsewhere are ruled out by those rules."
        )
    }

    fn cap_is_quota(&self, quota: u32) -> String {
        format!("quota {quota}: the cap is the quota, as fill_beyond_quota is false")
    }

    fn cap_by_share(&self, quota: u32) -> String {
        format!("quota {quota}; max_outflow_share_of_staff × staff")
    }

    fn cap_reached(&self, cap: u32, why: &str, who: &str) -> String {
        format!(
            "eligible but not placed: the school's cap of {cap} ({why}) was reached by \
             {who} — preferred for the plan's objective (backbone share, posts' priority), \
             then longer tenure, age and id."
        )
    }

    fn posts_taken(&self, total: u32, posts: &str, who: &str) -> String {
        format!(
            "eligible but not placed: all {total} allowed post(s) of a fitting subject \
             ({posts}) were filled by {who}; they were preferred for the plan's objective \
             (their schools' quota and backbone share, then the posts' priority), \
             then longer tenure, age and id."
        )
    }

    fn backbone_share(&self, b: BackboneShare) -> String {
        let (sent, backbone, share, next, loss, gain) = b.numbers();
        format!(
            "eligible but not placed: posts were open and the school under its cap, but \
             the backbone group ({}) sent {sent} with {backbone} backbone; one more \
             non-backbone teacher would need ceil({share} × {next}) backbone, raising the \
             backbone shortfall by {loss} while lowering the quota shortfall by only \
             {gain}.",
            b.level.as_str()
        )
    }

    fn not_proven(&self, optimal: bool) -> &'static str {
        if optimal {
            "eligible but not placed although an allowed post of a fitting subject was \
             open and the school under its cap, in a plan reported optimal: this \
             contradicts the objective (a bug; please report it with the data)."
        } else {
            "eligible but not placed although an allowed post of a fitting subject was \
             open and the school under its cap: the solver reached its time limit before \
             proving the optimum, so this plan is not the best possible (rerun with a \
             larger --time-limit)."
        }
    }
}
