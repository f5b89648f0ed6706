//! The sentences of one language for the explanations: [`super::render`] walks the
//! explanation data once and decides which lines are written and in what order; a
//! [`Phrases`] table (`en.rs`, `zh.rs`) gives each line and each piece its words. A new
//! kind of line or reason is a new method here, which no language compiles without.

use super::WishOutcome;
use crate::model::steering::Pin;
use crate::model::{LedgerStatus, Locality, Role, School, SchoolId, Status, Subject, Teacher};
use crate::plan::ChangeKind;
use crate::rules::{BackboneLevel, LeaderRules};
use rust_decimal::Decimal;

/// One thing the plan's preference looks at in a teacher it preferred.
pub(super) enum Trait<'a> {
    From(&'a SchoolId),
    Backbone,
    Volunteer,
    YearsAtSchool(i32),
}

/// The backbone-share arithmetic of [`super::Placement::BackboneShare`].
pub(super) struct BackboneShare {
    pub level: BackboneLevel,
    pub sent: u32,
    pub backbone_sent: u32,
    pub share: Decimal,
    pub quota_gain: u32,
    pub backbone_loss: u32,
}

impl BackboneShare {
    /// (sent, backbone sent, share, sent + 1, backbone loss, quota gain): the numbers
    /// in the order the sentence says them.
    pub fn numbers(&self) -> (u32, u32, Decimal, u32, u32, u32) {
        let b = self;
        let next = b.sent + 1;
        (
            b.sent,
            b.backbone_sent,
            b.share,
            next,
            b.backbone_loss,
            b.quota_gain,
        )
    }
}

/// The words of one language. Lines are returned without their indent or newline.
pub(super) trait Phrases {
    /// Between the teachers of a list ("went to A, B").
    const TEACHER_SEP: &'static str;
    /// Between the items of a short list (traits of a teacher, posts).
    const ITEM_SEP: &'static str;

    // The lines of `explain --teacher`, in the order they are written.
    fn header(&self, t: &Teacher, school_name: &str, year: i32) -> String;
    fn pin(&self, p: &Pin) -> String;
    fn wishes_met(&self, rank: u8, school: &str) -> String;
    fn wishes_unmet(&self) -> &'static str;
    /// A wish's line under the wishes: ranked before the one met (`placed`), or one of
    /// the wishes of a teacher placed at none.
    fn wish_line(&self, wish: &str, placed: bool) -> String;
    fn previous(&self, kind: ChangeKind, prev: &str, now: &str, why: &str) -> String;
    fn eligibility_heading(&self) -> &'static str;
    fn check(&self, id: &str, passed: bool, text: &str) -> String;
    fn custom_check(&self, id: &str, failed: bool) -> String;
    fn outcome_heading(&self) -> &'static str;
    fn leaders_heading(&self) -> &'static str;
    fn leader(&self, t: &Teacher, role: Role, outcome: String) -> String;
    fn leader_rules(&self, lr: &LeaderRules) -> String;

    // What each eligibility check looked at, when it passed.
    fn status_is(&self, t: &Teacher) -> String;
    fn role_is(&self, t: &Teacher) -> String;
    fn years_at_school_are(&self, years: i32, min: i32) -> String;
    fn retires_at(&self, age: i32, retirement_age: i32, exempt: i32) -> String;
    /// Under the 2025 reform: born `born` (year, month), retires `retires`.
    fn retires_under_reform(&self, born: (i32, u8), retires: (i32, u8)) -> String;
    fn locality_is(&self, school: Option<&School>) -> String;
    fn weak_is(&self, weak: bool) -> String;
    fn exchanges_in_force(&self) -> &'static str;
    fn years_between_exchanges(&self, min: i32) -> String;

    // Why an eligibility check failed, one method a [`crate::eligibility::Reason`].
    fn status_not_eligible(&self, status: Status) -> String;
    fn role_not_eligible(&self, role: Role) -> String;
    fn too_few_years_at_school(&self, years: i32, min: i32) -> String;
    fn near_retirement(&self, age: i32, retirement_age: i32, left: i32, exempt: i32) -> String;
    fn not_sending_locality(&self, locality: Option<Locality>) -> String;
    fn weak_school(&self) -> &'static str;
    fn on_exchange(&self, to: &SchoolId, years: (i32, i32), status: LedgerStatus) -> String;
    fn too_soon_after_exchange(&self, end_year: i32, years_since: i32, min: i32) -> String;
    fn custom_exclusion(&self, id: &str) -> String;
    fn pinned_stay(&self, row: u32, note: &str) -> String;

    // The pieces of the other lines.
    fn wish(&self, rank: u8, school: &str, outcome: &WishOutcome, by: &str) -> String;
    fn changed_by_rule(&self, rule: &str, detail: &str) -> String;
    fn reoptimised(&self) -> &'static str;
    fn teacher_trait(&self, t: Trait) -> String;
    fn teacher_with_traits(&self, t: &Teacher, traits: &str) -> String;
    fn subject(&self, s: &Subject) -> String;
    fn leader_moved(&self, to: &SchoolId, post: &Subject) -> String;
    fn leader_not_moved(&self, eligible: bool) -> &'static str;

    // The outcome, one method a [`super::Placement`].
    fn not_eligible(&self) -> &'static str;
    fn placed(&self, to: &School, subject: &Subject, priority: u32, km: Option<f64>) -> String;
    fn why_this_post(&self, best_priority: u32, alternatives: u32) -> String;
    fn no_allowed_post(&self, blocked: u32) -> String;
    fn cap_is_quota(&self, quota: u32) -> String;
    fn cap_by_share(&self, quota: u32) -> String;
    fn cap_reached(&self, cap: u32, why: &str, who: &str) -> String;
    fn posts_taken(&self, total: u32, posts: &str, who: &str) -> String;
    fn backbone_share(&self, b: BackboneShare) -> String;
    fn not_proven(&self, optimal: bool) -> &'static str;
}
