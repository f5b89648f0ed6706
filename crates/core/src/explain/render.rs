//! Plain-language rendering of explanations: one walker over the explanation data
//! decides which lines are written and in what order; the words come from a
//! [`Phrases`] table, English (`en.rs`, with the Chinese rule names) or Chinese
//! (`zh.rs`, the workspace's pages).

use super::en::En;
use super::phrases::{BackboneShare, Phrases, Trait};
use super::zh::Zh;
use super::{Placement, SchoolBound, SchoolExplanation, TeacherExplanation, WishNote};
use crate::eligibility::Reason;
use crate::model::{Dataset, Id, School, Teacher};
use crate::plan::ChangeReason;
use crate::rules::Rules;
use std::fmt::Write;

/// Renders `explain --teacher`.
pub fn render_teacher(data: &Dataset, rules: &Rules, year: i32, x: &TeacherExplanation) -> String {
    teacher(&En, data, rules, year, x)
}

/// `explain --teacher` in Chinese.
pub fn render_teacher_zh(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    x: &TeacherExplanation,
) -> String {
    teacher(&Zh, data, rules, year, x)
}

/// One eligibility reason in Chinese.
pub fn reason_text_zh(r: &Reason) -> String {
    reason(&Zh, r)
}

/// A placement (placed, or why not) in Chinese.
pub fn placement_text_zh(data: &Dataset, rules: &Rules, year: i32, p: &Placement) -> String {
    placement(&Zh, data, rules, year, p)
}

/// How one wish fared, in Chinese.
pub fn wish_text_zh(data: &Dataset, year: i32, w: &WishNote) -> String {
    wish(&Zh, data, year, w)
}

/// The walker of `explain --teacher`: header, pins, wishes, previous plan,
/// eligibility, outcome, leaders.
fn teacher<L: Phrases>(
    l: &L,
    data: &Dataset,
    rules: &Rules,
    year: i32,
    x: &TeacherExplanation,
) -> String {
    let t = &data.teachers[x.teacher];
    let mut o = String::new();
    let school = x.school.map(|s| &data.schools[s]);
    let _ = writeln!(
        o,
        "{}",
        l.header(t, school.map_or("", |s| s.name.as_str()), year)
    );
    for p in &x.pins {
        let _ = writeln!(o, "{}", l.pin(p));
    }
    steering_lines(l, &mut o, data, year, x);
    let _ = writeln!(o, "{}", l.eligibility_heading());
    let e = &rules.eligibility;
    let looked_at: [(&str, String); 8] = [
        ("status", l.status_is(t)),
        ("role", l.role_is(t)),
        (
            "min_years_at_school",
            l.years_at_school_are(year - t.joined_school_year, rules.min_years_at_school(t)),
        ),
        (
            "near_retirement",
            retirement(l, rules, t, year - t.birth_year),
        ),
        ("sending_locality", l.locality_is(school)),
        ("weak_school", l.weak_is(school.is_some_and(|s| s.weak))),
        ("on_exchange", l.exchanges_in_force().to_string()),
        (
            "min_years_between_exchanges",
            l.years_between_exchanges(e.min_years_between_exchanges),
        ),
    ];
    for (id, values) in looked_at {
        let failed: Vec<&Reason> = x.reasons.iter().filter(|r| r.id() == id).collect();
        if failed.is_empty() {
            let _ = writeln!(o, "  {}", l.check(id, true, &values));
        }
        for r in failed {
            let _ = writeln!(o, "  {}", l.check(id, false, &reason(l, r)));
        }
    }
    for c in &e.exclude {
        let failed = x.reasons.iter().any(|r| r.id() == c.id);
        let _ = writeln!(o, "  {}", l.custom_check(&c.id, failed));
    }
    let _ = writeln!(o, "{}", l.outcome_heading());
    let _ = writeln!(o, "  {}", placement(l, data, rules, year, &x.placement));
    if !x.leaders.is_empty() {
        let _ = writeln!(o, "{}", l.leaders_heading());
        for leader in &x.leaders {
            let outcome = match &leader.moved {
                Some((to, post)) => l.leader_moved(&data.schools[*to].id, post),
                None => l.leader_not_moved(leader.eligible).to_string(),
            };
            let t = &data.teachers[leader.teacher];
            let _ = writeln!(o, "  {}", l.leader(t, leader.role, outcome));
        }
        if let Some(lr) = &rules.leaders {
            let _ = writeln!(o, "  {}", l.leader_rules(lr));
        }
    }
    o
}

/// What the near-retirement rule looked at; under the 2025 reform also the month the
/// teacher retires in.
fn retirement<L: Phrases>(l: &L, rules: &Rules, t: &crate::model::Teacher, age: i32) -> String {
    let e = &rules.eligibility;
    let mut s = l.retires_at(
        age,
        rules.retirement_year(t) - t.birth_year,
        e.exempt_years_before_retirement,
    );
    if e.retirement_reform_2025 {
        let retires = crate::model::retirement::retirement_month(
            t.birth_year,
            t.birth_month,
            rules.original_retirement_age(t),
            true,
        );
        s.push_str(&l.retires_under_reform((t.birth_year, t.birth_month), retires));
    }
    s
}

/// Why an eligibility check failed.
fn reason<L: Phrases>(l: &L, r: &Reason) -> String {
    match r {
        Reason::Status { status } => l.status_not_eligible(*status),
        Reason::Role { role } => l.role_not_eligible(*role),
        Reason::MinYearsAtSchool { years, min } => l.too_few_years_at_school(*years, *min),
        Reason::NearRetirement {
            age,
            retirement_age,
            years_left,
            exempt,
        } => l.near_retirement(*age, *retirement_age, *years_left, *exempt),
        Reason::SendingLocality { locality } => l.not_sending_locality(*locality),
        Reason::WeakSchool => l.weak_school().to_string(),
        Reason::OnExchange {
            to_school,
            start_year,
            end_year,
            status,
        } => l.on_exchange(to_school, (*start_year, *end_year), *status),
        Reason::MinYearsBetweenExchanges {
            end_year,
            years_since,
            min,
        } => l.too_soon_after_exchange(*end_year, *years_since, *min),
        Reason::Custom { id } => l.custom_exclusion(id),
        Reason::PinnedStay { row, note } => l.pinned_stay(*row, note),
    }
}

/// Teachers with the facts the plan's preference looks at: school, backbone,
/// volunteer, years at the school.
fn who_detail<L: Phrases>(l: &L, data: &Dataset, year: i32, list: &[Id<Teacher>]) -> String {
    list.iter()
        .map(|&t| {
            let t = &data.teachers[t];
            let mut traits = vec![l.teacher_trait(Trait::From(&t.school))];
            if t.is_backbone() {
                traits.push(l.teacher_trait(Trait::Backbone));
            }
            if t.volunteer {
                traits.push(l.teacher_trait(Trait::Volunteer));
            }
            traits.push(l.teacher_trait(Trait::YearsAtSchool(year - t.joined_school_year)));
            l.teacher_with_traits(t, &traits.join(L::ITEM_SEP))
        })
        .collect::<Vec<_>>()
        .join(L::TEACHER_SEP)
}

/// The outcome of a teacher in the plan, in one paragraph.
fn placement<L: Phrases>(l: &L, data: &Dataset, rules: &Rules, year: i32, p: &Placement) -> String {
    match p {
        Placement::NotEligible => l.not_eligible().to_string(),
        Placement::Placed {
            to,
            subject,
            priority,
            km,
            best_priority,
            alternatives,
        } => {
            let mut s = l.placed(&data.schools[*to], subject, *priority, *km);
            s.push_str(&l.why_this_post(*best_priority, *alternatives));
            s
        }
        Placement::NoAllowedPost { blocked } => l.no_allowed_post(*blocked),
        Placement::CapReached { cap, quota, went } => {
            let why = if cap == quota && !rules.quota.fill_beyond_quota {
                l.cap_is_quota(*quota)
            } else {
                l.cap_by_share(*quota)
            };
            l.cap_reached(*cap, &why, &who_detail(l, data, year, went))
        }
        Placement::PostsTaken { posts, by } => {
            let total: u32 = posts.iter().map(|p| p.2).sum();
            let list: Vec<String> = posts
                .iter()
                .map(|(r, subj, n)| {
                    let id = &data.schools[*r].id;
                    let subj = l.subject(subj);
                    if *n == 1 {
                        format!("{id} {subj}")
                    } else {
                        format!("{id} {subj} ×{n}")
                    }
                })
                .collect();
            l.posts_taken(
                total,
                &list.join(L::ITEM_SEP),
                &who_detail(l, data, year, by),
            )
        }
        Placement::BackboneShare {
            sent,
            backbone_sent,
            quota_gain,
            backbone_loss,
        } => l.backbone_share(BackboneShare {
            level: rules.quota.backbone_share_level,
            sent: *sent,
            backbone_sent: *backbone_sent,
            share: rules.quota.min_backbone_share.decimal(),
            quota_gain: *quota_gain,
            backbone_loss: *backbone_loss,
        }),
        Placement::NotProven { optimal } => l.not_proven(*optimal).to_string(),
    }
}

/// The school's id, or `?` for one not in schools.csv.
fn school_id(data: &Dataset, s: Option<Id<School>>) -> String {
    s.map_or_else(|| "?".to_string(), |s| data.schools[s].id.to_string())
}

/// One wish's outcome in words.
fn wish<L: Phrases>(l: &L, data: &Dataset, year: i32, w: &WishNote) -> String {
    let by = match &w.outcome {
        super::WishOutcome::Filled { by, .. } => who_detail(l, data, year, by),
        _ => String::new(),
    };
    l.wish(w.rank, &school_id(data, w.school), &w.outcome, &by)
}

/// The wishes and previous-plan lines of `explain --teacher`.
fn steering_lines<L: Phrases>(
    l: &L,
    o: &mut String,
    data: &Dataset,
    year: i32,
    x: &TeacherExplanation,
) {
    let met = x
        .wishes
        .iter()
        .find(|w| w.outcome == super::WishOutcome::Met);
    match met {
        Some(m) => {
            let _ = writeln!(o, "{}", l.wishes_met(m.rank, &school_id(data, m.school)));
            for w in x.wishes.iter().filter(|w| w.rank < m.rank) {
                let _ = writeln!(o, "  {}", l.wish_line(&wish(l, data, year, w), true));
            }
        }
        None if !x.wishes.is_empty() => {
            let _ = writeln!(o, "{}", l.wishes_unmet());
            for w in &x.wishes {
                let _ = writeln!(o, "  {}", l.wish_line(&wish(l, data, year, w), false));
            }
        }
        None => {}
    }
    if let Some(c) = &x.previous {
        let prev = c.previous_to.as_ref().map_or("", |s| s.as_str());
        let now = c.to.as_ref().map_or("", |s| s.as_str());
        let why = match &c.reason {
            ChangeReason::Rule { rule, detail } => l.changed_by_rule(rule, detail),
            ChangeReason::Reoptimised => l.reoptimised().to_string(),
            ChangeReason::None => String::new(),
        };
        let _ = writeln!(o, "{}", l.previous(c.kind, prev, now, &why));
    }
}

/// Renders `explain --school`.
pub fn render_school(data: &Dataset, year: i32, x: &SchoolExplanation) -> String {
    let s = &data.schools[x.school];
    let mut o = String::new();
    let _ = writeln!(
        o,
        "school {} {} ({}, {}{}), plan year {year}",
        s.id,
        s.name,
        s.district,
        s.locality.as_str(),
        if s.weak { ", weak" } else { "" }
    );
    let _ = writeln!(
        o,
        "  staff {}  eligible {}  quota {}  cap {}  sent {}  open posts {}  arriving {}",
        x.staff,
        x.eligible,
        x.quota,
        x.cap,
        x.went.len(),
        x.posts,
        x.arrive.len()
    );
    for (t, r) in &x.went {
        let _ = writeln!(
            o,
            "  went: {} {} → {}",
            data.teachers[*t].id, data.teachers[*t].name, data.schools[*r].id
        );
    }
    for (t, f) in &x.arrive {
        let _ = writeln!(
            o,
            "  arrives: {} {} from {}",
            data.teachers[*t].id, data.teachers[*t].name, data.schools[*f].id
        );
    }
    let bound = match x.bound {
        SchoolBound::NoEligible => "no eligible teacher: the school sends nobody.",
        SchoolBound::QuotaMet => "the quota was met.",
        SchoolBound::CapReached => "the cap bound: it sent its cap, below its quota.",
        SchoolBound::PostsOrBackbone => {
            "below quota and cap: no more allowed open posts its eligible teachers fit \
             (or the backbone share); see explain --teacher for each."
        }
    };
    let _ = writeln!(o, "  what bound: {bound}");
    o
}
