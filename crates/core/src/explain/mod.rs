//! `explain`: why a teacher is or is not eligible, and why they are or are not placed;
//! and for a school, its quota, cap, who went and what bound.
//!
//! Explanations are typed values ([`Placement`], [`SchoolBound`]) derived from the
//! plan itself, so they cannot disagree with it; `render` turns them into sentences.

mod en;
mod phrases;
mod render;
mod zh;

pub use render::{
    placement_text_zh, reason_text_zh, render_school, render_teacher, render_teacher_zh,
    wish_text_zh,
};

use crate::eligibility::Reason;
use crate::model::{Dataset, Id, School, Subject, Teacher};
use crate::plan::{allowed, distance_km, YearPlan};
use crate::rules::{BackboneLevel, Rules};
use std::collections::BTreeMap;

/// The outcome of an eligible teacher in the plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// Not eligible: the reasons are the verdict's.
    NotEligible,
    /// Placed at `to` on a post of `subject` with `priority`; `alternatives` counts
    /// the other allowed posts that were open, `nearest` whether `to` was the nearest.
    Placed {
        to: Id<School>,
        subject: Subject,
        priority: u32,
        km: Option<f64>,
        best_priority: u32,
        alternatives: u32,
    },
    /// No open post of a subject the teacher may fill at any school their school may
    /// send to; `blocked` counts fitting posts at schools ruled out by the flow rules.
    NoAllowedPost { blocked: u32 },
    /// The school sent as many as its cap allows; `went` are the colleagues who went
    /// (preferred: the optimum's class counts, then longer tenure, then age, then id).
    CapReached {
        cap: u32,
        quota: u32,
        went: Vec<Id<Teacher>>,
    },
    /// Every allowed post that fits was filled by others: `posts` lists them as
    /// (receiving school, subject, open count), `by` who filled them.
    PostsTaken {
        posts: Vec<(Id<School>, Subject, u32)>,
        by: Vec<Id<Teacher>>,
    },
    /// Posts were open and the school under its cap, but sending this (non-backbone)
    /// teacher would raise the backbone shortfall of their group (school, district or
    /// plan, per `backbone_share_level`) by more than it lowers the quota shortfall,
    /// so objective (1) forbids it. `sent`/`backbone_sent` are the group's.
    BackboneShare {
        sent: u32,
        backbone_sent: u32,
        quota_gain: u32,
        backbone_loss: u32,
    },
    /// A fitting allowed post was open, the school under its cap, and sending this
    /// teacher would not have raised the shortfall: only a plan whose optimum was not
    /// proven (`optimal` false: the solver's time limit) leaves them at home.
    NotProven { optimal: bool },
}

/// Everything `explain --teacher` says.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherExplanation {
    pub teacher: Id<Teacher>,
    pub school: Option<Id<School>>,
    pub reasons: Vec<Reason>,
    pub placement: Placement,
    /// With `[leaders]`: the leaders of the teacher's school (the leaders table).
    pub leaders: Vec<LeaderLine>,
    /// The teacher's pins in force this year, in row order.
    pub pins: Vec<crate::model::steering::Pin>,
    /// The teacher's wishes, best rank first, each with whether and why not met.
    pub wishes: Vec<WishNote>,
    /// With a previous plan: what became of the teacher's previous move (or that the
    /// move is new).
    pub previous: Option<crate::plan::Change>,
}

/// One wish of a teacher and what the plan did with it.
#[derive(Debug, Clone, PartialEq)]
pub struct WishNote {
    pub rank: u8,
    /// `None` for a school not in schools.csv.
    pub school: Option<Id<School>>,
    pub outcome: WishOutcome,
}

/// Whether a wish was met, and why not.
#[derive(Debug, Clone, PartialEq)]
pub enum WishOutcome {
    /// The teacher was placed there.
    Met,
    /// The teacher is not eligible (or pinned to stay): a wish never makes a move.
    NotEligible,
    /// The rules do not allow the pair (a wish never allows a forbidden move).
    NotAllowed,
    /// The school had no open post of a subject the teacher may fill.
    NoOpenPost { subject: Subject },
    /// Every fitting open post of the school was filled: `by` who went there.
    Filled {
        subject: Subject,
        by: Vec<Id<Teacher>>,
    },
    /// A post was open: the optimum (shortfall, then priority, then previous moves
    /// kept, then better-ranked wishes of everyone) placed the teacher elsewhere or
    /// kept them at home.
    Outranked,
}

/// One leader of a school under `[leaders]`: eligible or not, and where they went.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderLine {
    pub teacher: Id<Teacher>,
    pub role: crate::model::Role,
    pub eligible: bool,
    /// (receiving school, post filled) when moved.
    pub moved: Option<(Id<School>, Subject)>,
}

/// The leaders of school `s` in `plan` (empty without `[leaders]`).
pub fn leaders_of_school(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    s: &crate::model::SchoolId,
) -> Vec<LeaderLine> {
    data.teacher_ids()
        .zip(&data.teachers)
        .filter(|(_, t)| &t.school == s)
        .filter_map(|(i, t)| {
            let role = rules.leader_role(t)?;
            Some(LeaderLine {
                teacher: i,
                role,
                eligible: plan.verdicts.get(i.index()).is_some_and(|v| v.eligible()),
                moved: plan
                    .moves
                    .iter()
                    .find(|m| m.teacher == i)
                    .map(|m| (m.to, m.subject.clone())),
            })
        })
        .collect()
}

/// Explains teacher `t` in `plan`.
pub fn explain_teacher(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    t: Id<Teacher>,
) -> TeacherExplanation {
    let teacher = data.teacher(t);
    let school = plan.facts.school_id(&teacher.school);
    let reasons = plan
        .verdicts
        .get(t.index())
        .map(|v| v.reasons.clone())
        .unwrap_or_default();
    let placement = match school {
        Some(s) if reasons.is_empty() => placement(data, rules, plan, t, s),
        _ => Placement::NotEligible,
    };
    let reasons_empty = reasons.is_empty();
    TeacherExplanation {
        teacher: t,
        school,
        reasons,
        placement,
        leaders: leaders_of_school(data, rules, plan, &teacher.school),
        wishes: wish_notes(data, rules, plan, t, school, reasons_empty),
        previous: plan
            .changes
            .as_ref()
            .and_then(|c| c.iter().find(|x| x.teacher == teacher.id).cloned()),
        pins: data
            .steering
            .pins_for(plan.year)
            .into_iter()
            .filter(|p| p.teacher == teacher.id)
            .cloned()
            .collect(),
    }
}

/// The wishes of teacher `t` (at school `s`), best rank first, with their outcome.
fn wish_notes(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    t: Id<Teacher>,
    s: Option<Id<School>>,
    eligible: bool,
) -> Vec<WishNote> {
    let teacher = data.teacher(t);
    let mut wishes: Vec<&crate::model::steering::Wish> = data
        .steering
        .wishes
        .iter()
        .filter(|w| w.teacher == teacher.id)
        .collect();
    wishes.sort_by_key(|w| w.rank);
    let host = plan.moves.iter().find(|m| m.teacher == t).map(|m| m.to);
    let planned_as = rules.plan_subject(teacher);
    wishes
        .into_iter()
        .map(|w| {
            let school = plan.facts.school_id(&w.school);
            let outcome = match (school, s) {
                (Some(r), _) if host == Some(r) => WishOutcome::Met,
                _ if !eligible => WishOutcome::NotEligible,
                (Some(r), Some(s)) if allowed(data.school(s), data.school(r), rules) => {
                    wish_outcome(data, rules, plan, r, &planned_as)
                }
                _ => WishOutcome::NotAllowed,
            };
            WishNote {
                rank: w.rank,
                school,
                outcome,
            }
        })
        .collect()
}

/// Why an allowed wish school `r` did not take a teacher planned as `planned_as`.
fn wish_outcome(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    r: Id<School>,
    planned_as: &Subject,
) -> WishOutcome {
    let fitting: Vec<(&Subject, u32)> = plan
        .facts
        .open_posts
        .iter()
        .filter(|((x, subj), _)| *x == r && rules.post_fits(planned_as, subj))
        .map(|((_, subj), slots)| (subj, slots.iter().map(|x| x.1).sum::<u32>()))
        .filter(|x| x.1 > 0)
        .collect();
    let Some(&(first, _)) = fitting.first() else {
        return WishOutcome::NoOpenPost {
            subject: planned_as.clone(),
        };
    };
    let mut by = Vec::new();
    for (subj, open) in &fitting {
        let went: Vec<Id<Teacher>> = plan
            .moves
            .iter()
            .filter(|m| m.to == r && &m.subject == *subj)
            .map(|m| m.teacher)
            .collect();
        if (went.len() as u32) < *open {
            return WishOutcome::Outranked;
        }
        by.extend(went);
    }
    by.sort_by(|a, b| data.teachers[*a].id.cmp(&data.teachers[*b].id));
    WishOutcome::Filled {
        subject: first.clone(),
        by,
    }
}

/// (school, subject) → (open count, best priority).
type FittingPosts = BTreeMap<(Id<School>, Subject), (u32, u32)>;

/// Open posts (from facts) that `t` may fill: (school, subject) → count, best priority.
fn fitting_posts(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    t: Id<Teacher>,
    s: Id<School>,
) -> (FittingPosts, u32) {
    let teacher = data.teacher(t);
    let planned_as = rules.plan_subject(teacher);
    let from = data.school(s);
    let mut ok = BTreeMap::new();
    let mut blocked = 0;
    for ((r, subj), slots) in &plan.facts.open_posts {
        if !rules.post_fits(&planned_as, subj) {
            continue;
        }
        let count: u32 = slots.iter().map(|x| x.1).sum();
        if allowed(from, &data.schools[*r], rules) {
            let best = slots.iter().map(|x| x.0).max().unwrap_or(0);
            ok.insert((*r, subj.clone()), (count, best));
        } else {
            blocked += count;
        }
    }
    (ok, blocked)
}

fn placement(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    t: Id<Teacher>,
    s: Id<School>,
) -> Placement {
    let (posts, blocked) = fitting_posts(data, rules, plan, t, s);
    if let Some(m) = plan.moves.iter().find(|m| m.teacher == t) {
        let total: u32 = posts.values().map(|x| x.0).sum();
        let best_priority = posts.values().map(|x| x.1).max().unwrap_or(m.priority);
        return Placement::Placed {
            to: m.to,
            subject: m.subject.clone(),
            priority: m.priority,
            km: distance_km(data.school(s), data.school(m.to)),
            best_priority,
            alternatives: total.saturating_sub(1),
        };
    }
    if posts.is_empty() {
        return Placement::NoAllowedPost { blocked };
    }
    let f = &plan.facts.schools[s];
    // Mandatory leaders are outside the school's cap (a unit quota each).
    let outside =
        |i: Id<Teacher>| rules.mandatory_leaders() && rules.leader_role(data.teacher(i)).is_some();
    let went: Vec<Id<Teacher>> = plan
        .moves
        .iter()
        .filter(|m| m.from == s && !outside(m.teacher))
        .map(|m| m.teacher)
        .collect();
    if !outside(t) && went.len() as u32 >= f.cap {
        return Placement::CapReached {
            cap: f.cap,
            quota: f.quota,
            went,
        };
    }
    let mut filled: BTreeMap<(Id<School>, &Subject), Vec<Id<Teacher>>> = BTreeMap::new();
    for m in &plan.moves {
        filled
            .entry((m.to, &m.subject))
            .or_default()
            .push(m.teacher);
    }
    let mut by = Vec::new();
    let mut any_open = false;
    let mut listed = Vec::new();
    for ((r, subj), (count, _)) in &posts {
        let f = filled.get(&(*r, subj)).map_or(&[][..], Vec::as_slice);
        if (f.len() as u32) < *count {
            any_open = true;
        }
        listed.push((*r, subj.clone(), *count));
        by.extend_from_slice(f);
    }
    if !any_open {
        by.sort_by(|a, b| data.teachers[*a].id.cmp(&data.teachers[*b].id));
        by.dedup();
        return Placement::PostsTaken { posts: listed, by };
    }
    one_more(data, rules, plan, t, s, went.len() as u32)
}

/// Posts are open and the school is under its cap: what sending `t` as well would do
/// to objective (1) — quota shortfall of the school, backbone shortfall of its group.
fn one_more(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    t: Id<Teacher>,
    s: Id<School>,
    school_sent: u32,
) -> Placement {
    let q = &rules.quota;
    let group = |x: Id<School>| {
        let school = data.school(x);
        match q.backbone_share_level {
            BackboneLevel::School => school.id.to_string(),
            BackboneLevel::District => school.district.clone(),
            BackboneLevel::Plan => String::new(),
        }
    };
    let mine = group(s);
    let (mut sent, mut backbone_sent) = (0u32, 0u32);
    for m in plan.moves.iter().filter(|m| group(m.from) == mine) {
        sent += 1;
        backbone_sent += u32::from(data.teachers[m.teacher].is_backbone());
    }
    let short = |n: u32, b: u32| q.min_backbone_share.ceil_mul(n).saturating_sub(b);
    let bb = u32::from(data.teachers[t].is_backbone());
    let backbone_loss =
        short(sent + 1, backbone_sent + bb).saturating_sub(short(sent, backbone_sent));
    let quota_gain = u32::from(school_sent < plan.facts.schools[s].quota);
    if backbone_loss > quota_gain {
        Placement::BackboneShare {
            sent,
            backbone_sent,
            quota_gain,
            backbone_loss,
        }
    } else {
        Placement::NotProven {
            optimal: plan.optimal,
        }
    }
}

/// What bound a school's sending.
#[derive(Debug, Clone, PartialEq)]
pub enum SchoolBound {
    /// It sent its quota: nothing more was required.
    QuotaMet,
    /// It sent its cap, below its quota.
    CapReached,
    /// It sent fewer than its cap: no more allowed posts its eligible teachers fit
    /// (or the backbone share, see teachers' explanations).
    PostsOrBackbone,
    /// It has no eligible teacher.
    NoEligible,
}

/// Everything `explain --school` says.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolExplanation {
    pub school: Id<School>,
    pub staff: u32,
    pub eligible: u32,
    pub quota: u32,
    pub cap: u32,
    /// (teacher, receiving school) of those who went.
    pub went: Vec<(Id<Teacher>, Id<School>)>,
    /// (teacher, sending school) of those who arrive.
    pub arrive: Vec<(Id<Teacher>, Id<School>)>,
    pub posts: u32,
    pub bound: SchoolBound,
}

pub fn explain_school(plan: &YearPlan, s: Id<School>) -> SchoolExplanation {
    let f = plan.facts.schools.get(s).cloned().unwrap_or_default();
    let went: Vec<(Id<Teacher>, Id<School>)> = plan
        .moves
        .iter()
        .filter(|m| m.from == s)
        .map(|m| (m.teacher, m.to))
        .collect();
    let arrive: Vec<(Id<Teacher>, Id<School>)> = plan
        .moves
        .iter()
        .filter(|m| m.to == s)
        .map(|m| (m.teacher, m.from))
        .collect();
    let posts = plan
        .facts
        .open_posts
        .iter()
        .filter(|((r, _), _)| *r == s)
        .map(|(_, v)| v.iter().map(|x| x.1).sum::<u32>())
        .sum();
    let sent = went.len() as u32;
    let bound = if f.eligible == 0 {
        SchoolBound::NoEligible
    } else if sent >= f.quota {
        SchoolBound::QuotaMet
    } else if sent >= f.cap {
        SchoolBound::CapReached
    } else {
        SchoolBound::PostsOrBackbone
    };
    SchoolExplanation {
        school: s,
        staff: f.staff,
        eligible: f.eligible,
        quota: f.quota,
        cap: f.cap,
        went,
        arrive,
        posts,
        bound,
    }
}
