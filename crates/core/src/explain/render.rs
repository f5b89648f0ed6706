//! Plain-language rendering of explanations (English, with the Chinese rule names).

use super::{Placement, SchoolBound, SchoolExplanation, TeacherExplanation};
use crate::eligibility::Reason;
use crate::model::{Dataset, Id, School, Teacher};
use crate::rules::Rules;
use std::fmt::Write;

fn reason_text(r: &Reason) -> String {
    match r {
        Reason::Status { status } => format!(
            "status {} ({}) is not among the eligible statuses",
            status.as_str(),
            status.zh()
        ),
        Reason::Role { role } => format!(
            "role {} ({}) is not an eligible role",
            role.as_str(),
            role.zh()
        ),
        Reason::MinYearsAtSchool { years, min } => {
            format!("{years} years at the school, fewer than the {min} required (到校年限不足)")
        }
        Reason::NearRetirement {
            age,
            retirement_age,
            years_left,
            exempt,
        } => format!(
            "age {age}, retirement at {retirement_age}: {years_left} years left, within the \
             {exempt}-year exemption (临近退休)"
        ),
        Reason::SendingLocality { locality } => match locality {
            Some(l) => format!(
                "the school is {} ({}), not a sending locality",
                l.as_str(),
                l.zh()
            ),
            None => "the teacher's school is not in schools.csv".into(),
        },
        Reason::WeakSchool => "the school is a weak school (薄弱学校), which does not send".into(),
        Reason::OnExchange {
            to_school,
            start_year,
            end_year,
            status,
        } => format!(
            "on an exchange to {to_school}, {start_year}–{end_year} ({}), in force this year",
            status.as_str()
        ),
        Reason::MinYearsBetweenExchanges {
            end_year,
            years_since,
            min,
        } => format!(
            "back from an exchange that ended in {end_year}: {years_since} years ago, fewer \
             than the {min} required between exchanges"
        ),
        Reason::Custom { id } => format!("the custom exclusion `{id}` matched"),
        Reason::PinnedStay { row, note } if note.is_empty() => {
            format!("pinned to stay (pins.csv row {row})")
        }
        Reason::PinnedStay { row, note } => {
            format!("pinned to stay (pins.csv row {row}: {note})")
        }
    }
}

/// Teachers with the facts the plan's preference looks at: school, backbone,
/// volunteer, years at the school.
fn who_detail(data: &Dataset, year: i32, list: &[Id<Teacher>]) -> String {
    list.iter()
        .map(|&t| {
            let t = &data.teachers[t];
            let mut facts = vec![format!("from {}", t.school)];
            if t.is_backbone() {
                facts.push("backbone".into());
            }
            if t.volunteer {
                facts.push("volunteer".into());
            }
            facts.push(format!("{} yrs at school", year - t.joined_school_year));
            format!("{} {} ({})", t.id, t.name, facts.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the near-retirement rule looked at; under the 2025 reform also the month the
/// teacher retires in.
fn retirement_text(rules: &Rules, t: &crate::model::Teacher, age: i32) -> String {
    let e = &rules.eligibility;
    let mut s = format!(
        "age {age}, retirement age {} (exempt {} years before)",
        rules.retirement_year(t) - t.birth_year,
        e.exempt_years_before_retirement
    );
    if e.retirement_reform_2025 {
        let (y, m) = crate::model::retirement::retirement_month(
            t.birth_year,
            t.birth_month,
            rules.original_retirement_age(t),
            true,
        );
        s.push_str(&format!(
            "; born {}-{:02}, retires {y}-{m:02} under the 2025 reform (延迟退休)",
            t.birth_year, t.birth_month
        ));
    }
    s
}

/// Renders `explain --teacher`.
pub fn render_teacher(data: &Dataset, rules: &Rules, year: i32, x: &TeacherExplanation) -> String {
    let t = &data.teachers[x.teacher];
    let mut o = String::new();
    let school = x.school.map(|s| &data.schools[s]);
    let _ = writeln!(
        o,
        "teacher {} {} ({}), school {} {}, plan year {year}",
        t.id,
        t.name,
        t.subject,
        t.school,
        school.map_or("", |s| s.name.as_str())
    );
    for p in &x.pins {
        let what = match p.action.school() {
            Some(s) => format!("{} {s}", p.action.as_str()),
            None => p.action.as_str().to_string(),
        };
        let note = if p.note.is_empty() {
            String::new()
        } else {
            format!(": {}", p.note)
        };
        let _ = writeln!(o, "pinned (指定): {what} (pins row {}{note})", p.row);
    }
    steering_lines(&mut o, data, year, x);
    let _ = writeln!(o, "eligibility (资格):");
    let e = &rules.eligibility;
    let age = year - t.birth_year;
    let looked_at: [(&str, String); 8] = [
        ("status", format!("status {}", t.status.as_str())),
        ("role", format!("role {}", t.role.as_str())),
        (
            "min_years_at_school",
            format!(
                "{} years at school (min {})",
                year - t.joined_school_year,
                rules.min_years_at_school(t)
            ),
        ),
        ("near_retirement", retirement_text(rules, t, age)),
        (
            "sending_locality",
            format!(
                "school locality {}",
                school.map_or("?", |s| s.locality.as_str())
            ),
        ),
        (
            "weak_school",
            format!("weak school: {}", school.is_some_and(|s| s.weak)),
        ),
        ("on_exchange", "ledger exchanges in force".to_string()),
        (
            "min_years_between_exchanges",
            format!(
                "{} years required since the last exchange",
                e.min_years_between_exchanges
            ),
        ),
    ];
    for (id, values) in looked_at {
        let failed: Vec<&Reason> = x.reasons.iter().filter(|r| r.id() == id).collect();
        if failed.is_empty() {
            let _ = writeln!(o, "  pass  {id}: {values}");
        }
        for r in failed {
            let _ = writeln!(o, "  FAIL  {id}: {}", reason_text(r));
        }
    }
    for c in &e.exclude {
        let failed = x.reasons.iter().any(|r| r.id() == c.id);
        let _ = writeln!(
            o,
            "  {}  {}: custom exclusion",
            if failed { "FAIL" } else { "pass" },
            c.id
        );
    }
    let _ = writeln!(o, "outcome (结果):");
    let line = match &x.placement {
        Placement::NotEligible => "not eligible, so not placed (不符合交流条件).".to_string(),
        Placement::Placed {
            to,
            subject,
            priority,
            km,
            best_priority,
            alternatives,
        } => {
            let r = &data.schools[*to];
            let mut s = format!(
                "placed (交流): to {} {} ({}, {}), a {subject} post of priority {priority}",
                r.id,
                r.name,
                r.district,
                r.locality.as_str()
            );
            if let Some(km) = km {
                let _ = write!(s, ", {km:.1} km away");
            }
            let _ = write!(
                s,
                ". Why this post: the plan minimises shortfall, then maximises the priority \
                 of filled posts (best open priority for this teacher: {best_priority}), then \
                 prefers shorter distance; {alternatives} other allowed post(s) were open."
            );
            s
        }
        Placement::NoAllowedPost { blocked } => format!(
            "eligible but not placed: no open post of a subject this teacher may fill at \
             any school theirs may send to (same district, direction, stage, distance); \
             {blocked} fitting post(s) elsewhere are ruled out by those rules."
        ),
        Placement::CapReached { cap, quota, went } => {
            let why = if cap == quota && !rules.quota.fill_beyond_quota {
                format!("quota {quota}: the cap is the quota, as fill_beyond_quota is false")
            } else {
                format!("quota {quota}; max_outflow_share_of_staff × staff")
            };
            format!(
                "eligible but not placed: the school's cap of {cap} ({why}) was reached by \
                 {} — preferred for the plan's objective (backbone share, posts' priority), \
                 then longer tenure, age and id.",
                who_detail(data, year, went)
            )
        }
        Placement::PostsTaken { posts, by } => {
            let total: u32 = posts.iter().map(|p| p.2).sum();
            let list: Vec<String> = posts
                .iter()
                .map(|(r, subj, n)| {
                    let id = &data.schools[*r].id;
                    if *n == 1 {
                        format!("{id} {subj}")
                    } else {
                        format!("{id} {subj} ×{n}")
                    }
                })
                .collect();
            format!(
                "eligible but not placed: all {total} allowed post(s) of a fitting subject \
                 ({}) were filled by {}; they were preferred for the plan's objective \
                 (their schools' quota and backbone share, then the posts' priority), \
                 then longer tenure, age and id.",
                list.join(", "),
                who_detail(data, year, by)
            )
        }
        Placement::BackboneShare {
            sent,
            backbone_sent,
            quota_gain,
            backbone_loss,
        } => format!(
            "eligible but not placed: posts were open and the school under its cap, but \
             the backbone group ({}) sent {sent} with {backbone_sent} backbone; one more \
             non-backbone teacher would need ceil({} × {}) backbone, raising the backbone \
             shortfall by {backbone_loss} while lowering the quota shortfall by only \
             {quota_gain}.",
            rules.quota.backbone_share_level.as_str(),
            rules.quota.min_backbone_share.decimal(),
            sent + 1
        ),
        Placement::NotProven { optimal: false } => "eligible but not placed although an \
             allowed post of a fitting subject was open and the school under its cap: the \
             solver reached its time limit before proving the optimum, so this plan is not \
             the best possible (rerun with a larger --time-limit)."
            .to_string(),
        Placement::NotProven { optimal: true } => "eligible but not placed although an \
             allowed post of a fitting subject was open and the school under its cap, in a \
             plan reported optimal: this contradicts the objective (a bug; please report \
             it with the data)."
            .to_string(),
    };
    let _ = writeln!(o, "  {line}");
    if !x.leaders.is_empty() {
        let _ = writeln!(o, "leaders of the school (校领导轮岗):");
        for l in &x.leaders {
            let t = &data.teachers[l.teacher];
            let outcome = match (&l.moved, l.eligible) {
                (Some((to, post)), _) => format!("moved to {} ({post} post)", data.schools[*to].id),
                (None, true) => "eligible, not moved".to_string(),
                (None, false) => "not eligible".to_string(),
            };
            let _ = writeln!(
                o,
                "  {} {} {} ({}): {outcome}",
                t.id,
                t.name,
                l.role.as_str(),
                l.role.zh()
            );
        }
        if let Some(lr) = &rules.leaders {
            let _ = writeln!(
                o,
                "  leaders fill leadership posts only{}; {} years at the school required{}.",
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
            );
        }
    }
    o
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

/// The school's id, or `?` for one not in schools.csv.
fn school_id(data: &Dataset, s: Option<Id<School>>) -> String {
    s.map_or_else(|| "?".to_string(), |s| data.schools[s].id.to_string())
}

/// One wish's outcome in words.
fn wish_text(data: &Dataset, year: i32, w: &super::WishNote) -> String {
    use super::WishOutcome as O;
    let id = school_id(data, w.school);
    match &w.outcome {
        O::Met => format!("wish {} school {id}: met", w.rank),
        O::NotEligible => format!(
            "wish {} school {id}: not eligible this year (a wish never makes a move)",
            w.rank
        ),
        O::NotAllowed => format!(
            "wish {} school {id}: the rules do not allow this pair (a wish never allows a \
             forbidden move)",
            w.rank
        ),
        O::NoOpenPost { subject } => {
            format!("wish {} school {id} had no open {subject} post", w.rank)
        }
        O::Filled { subject, by } => format!(
            "wish {} school {id}: its open {subject} post(s) went to {}",
            w.rank,
            who_detail(data, year, by)
        ),
        O::Outranked => format!(
            "wish {} school {id}: a post was open, but the optimum (shortfall, then \
             priority, then previous moves kept, then better-ranked wishes) placed the \
             teacher otherwise",
            w.rank
        ),
    }
}

/// The wishes and previous-plan lines of `explain --teacher`.
fn steering_lines(o: &mut String, data: &Dataset, year: i32, x: &TeacherExplanation) {
    let met = x
        .wishes
        .iter()
        .find(|w| w.outcome == super::WishOutcome::Met);
    match met {
        Some(m) => {
            let _ = writeln!(
                o,
                "wishes (志愿): placed at wish {} ({})",
                m.rank,
                school_id(data, m.school)
            );
            for w in x.wishes.iter().filter(|w| w.rank < m.rank) {
                let _ = writeln!(o, "  {}", wish_text(data, year, w));
            }
        }
        None if !x.wishes.is_empty() => {
            let _ = writeln!(o, "wishes (志愿): not placed at any wish");
            for w in &x.wishes {
                let _ = writeln!(o, "  not at {}", wish_text(data, year, w));
            }
        }
        None => {}
    }
    if let Some(c) = &x.previous {
        use crate::plan::{ChangeKind, ChangeReason};
        let prev = c.previous_to.as_ref().map_or("", |s| s.as_str());
        let now = c.to.as_ref().map_or("", |s| s.as_str());
        let why = match &c.reason {
            ChangeReason::Rule { rule, detail } => format!("{rule}: {detail}"),
            ChangeReason::Reoptimised => {
                "reoptimised: it breaks no rule, but the optimum (shortfall, then priority) \
                 needed otherwise"
                    .to_string()
            }
            ChangeReason::None => String::new(),
        };
        let line = match c.kind {
            ChangeKind::Kept => format!("kept from the previous plan (to {prev})"),
            ChangeKind::Added => format!("added: not in the previous plan (now to {now})"),
            ChangeKind::Dropped => format!("previous move to {prev} dropped: {why}"),
            ChangeKind::Changed => {
                format!("previous move to {prev} changed to {now}: {why}")
            }
        };
        let _ = writeln!(o, "previous plan (上一方案): {line}");
    }
}
