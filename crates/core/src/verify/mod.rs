//! The independent checker: every plan is checked against the rules before it is
//! written, by code that shares nothing with the solver's model (no facts, components
//! or aggregation; its own distances, posts, caps and eligibility), so a wrong answer
//! from a solver backend, or a modelling bug, is caught instead of published.
//!
//! [`check_rows`] checks the rows of a plan file (`verify --plan`) and names every
//! broken rule as a [`Violation`] at its plan row; [`check`] checks the planner's own
//! moves the same way (any violation there is a bug). Pins are checked by a pin checker
//! of their own; its findings join the others through [`Violation::from_pin`].

mod violation;

pub mod pins;
pub use pins::PinViolation;
pub use violation::{Broken, RuleId, Violation, RULE_IDS};

use crate::model::Move;
use crate::model::PlanRow;
use crate::model::{
    Backbone, Dataset, LedgerEntry, LedgerStatus, Role, SchoolId, Stage, Subject, Teacher,
    TeacherId,
};
use crate::rules::{BackboneLevel, EvalError, ExclusionContext, Rules, StageMatch};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// The plan's figures as the checker computes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub eligible: u64,
    pub sent: u64,
    pub backbone_sent: u64,
    pub quota_shortfall: u64,
    pub backbone_shortfall: u64,
    pub shortfall: u64,
    pub filled_priority: u64,
    pub posts: u64,
    pub posts_filled: u64,
    /// Mandatory `[leaders]` rotation: eligible leaders, those moved, and the
    /// shortfall they add (those not moved); all 0 otherwise.
    pub leaders_eligible: u64,
    pub leaders_moved: u64,
    pub leader_shortfall: u64,
}

/// The planner's moves as checked: figures, and every violation in words (any is a
/// bug of the planner).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub figures: Figures,
    /// Every broken hard rule, in words; empty for a valid plan.
    pub violations: Vec<String>,
}

/// A plan file as checked: figures, and every broken rule by plan row.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub figures: Figures,
    /// Sorted by plan row (rows first, then violations about no row), each row's in
    /// the order the rules are checked.
    pub violations: Vec<Violation>,
}

fn share(d: Decimal, n: u64, up: bool) -> u64 {
    let x = d * Decimal::from(n);
    (if up { x.ceil() } else { x.floor() })
        .to_u64()
        .unwrap_or(u64::MAX)
}

/// The retirement year, worked out here on its own from the reform's wording (a
/// month count from the first affected birth month, one month of delay per started
/// step, capped), so that a slip in the planner's version is caught.
fn retirement_year(rules: &Rules, t: &Teacher) -> i32 {
    let e = &rules.eligibility;
    let age = t.retirement_age.unwrap_or(match t.gender {
        crate::model::Gender::M => e.retirement_age_male,
        crate::model::Gender::F => e.retirement_age_female,
    });
    if !e.retirement_reform_2025 {
        return t.birth_year + age;
    }
    let (first_year, step, cap) = match age {
        60 => (1965, 4, 36),
        55 => (1970, 4, 36),
        50 => (1975, 2, 60),
        _ => return t.birth_year + age,
    };
    // Birth month counted from 1 at January of the first affected year.
    let nth = (t.birth_year - first_year) * 12 + i32::from(t.birth_month);
    let delay = if nth >= 1 {
        ((nth + step - 1) / step).min(cap)
    } else {
        0
    };
    let months_into_year = i32::from(t.birth_month) - 1 + delay;
    t.birth_year + age + months_into_year / 12
}

/// Checks `moves` as the plan of `year` against every hard rule and computes its
/// figures. The planner's moves are checked exactly as a plan file's rows would be
/// (row numbers counted from 2, as if written to plan.csv in this order).
pub fn check(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
    moves: &[Move],
) -> Report {
    let missing = |kind: &str, i: usize| format!("#{kind}{i} (no such index)");
    let rows: Vec<PlanRow> = moves
        .iter()
        .enumerate()
        .map(|(i, m)| PlanRow {
            plan_row: i + 2,
            teacher_id: data.teachers.get(m.teacher.index()).map_or_else(
                || TeacherId::new(missing("teacher", m.teacher.index())),
                |t| t.id.clone(),
            ),
            to_school: data.schools.get(m.to.index()).map_or_else(
                || SchoolId::new(missing("school", m.to.index())),
                |s| s.id.clone(),
            ),
            from_school: Some(data.schools.get(m.from.index()).map_or_else(
                || SchoolId::new(missing("school", m.from.index())),
                |s| s.id.clone(),
            )),
            subject: Some(m.subject.clone()),
            form: Some(rules.term.form),
            start_year: Some(year),
            end_year: Some(year + rules.term.years - 1),
        })
        .collect();
    let c = check_rows(data, rules, year, ledger, &rows);
    Report {
        figures: c.figures,
        violations: c.violations.iter().map(ToString::to_string).collect(),
    }
}

/// The eligibility rule ids a teacher fails in `year`, worked out from the rules'
/// wording (empty: eligible); `Err` when a custom exclusion cannot be evaluated.
/// Custom exclusions are evaluated only for teachers no built-in rule excludes.
fn ineligibility<'r>(
    rules: &'r Rules,
    year: i32,
    t: &Teacher,
    school: Option<&crate::model::School>,
    ledger: &[&LedgerEntry],
) -> Result<Vec<&'r str>, EvalError> {
    let e = &rules.eligibility;
    let mut why: Vec<&'r str> = Vec::new();
    let mut fail = |bad: bool, id: &'static str| {
        if bad {
            why.push(id);
        }
    };
    let leader = rules
        .leaders
        .as_ref()
        .filter(|l| t.role != Role::Teacher && l.roles.contains(&t.role));
    let min_years = leader.map_or(e.min_years_at_school, |l| l.min_years_at_school);
    fail(!e.statuses.contains(&t.status), "status");
    fail(!e.roles.contains(&t.role), "role");
    fail(
        year - t.joined_school_year < min_years,
        "min_years_at_school",
    );
    fail(
        retirement_year(rules, t) - year <= e.exempt_years_before_retirement,
        "near_retirement",
    );
    fail(
        school.is_none_or(|s| !e.sending_localities.contains(&s.locality)),
        "sending_locality",
    );
    fail(
        school.is_some_and(|s| s.weak && !e.weak_schools_send),
        "weak_school",
    );
    let live = |x: &&&LedgerEntry| x.status != LedgerStatus::Cancelled;
    // A term that covers Y, or one yet to come (already planned): on exchange.
    let covering = ledger.iter().filter(live).any(|x| x.end_year >= year);
    fail(covering, "on_exchange");
    let recent = ledger
        .iter()
        .filter(live)
        .any(|x| x.end_year < year && x.end_year > year - e.min_years_between_exchanges);
    fail(recent, "min_years_between_exchanges");
    if why.is_empty() {
        if let Some(s) = school {
            let ctx = ExclusionContext {
                teacher: t,
                school: s,
                year,
                retirement_age: retirement_year(rules, t) - t.birth_year,
            };
            for x in &e.exclude {
                if x.when.eval(&ctx)? {
                    why.push(&x.id);
                }
            }
        }
    }
    Ok(why)
}

/// The leadership role a post's subject names, read from the subject itself.
fn post_role(subject: &Subject) -> Option<Role> {
    match subject.as_str() {
        "principal" => Some(Role::Principal),
        "vice_principal" => Some(Role::VicePrincipal),
        _ => None,
    }
}

/// Checks the rows of a plan file as the plan of `year` against every hard rule, and
/// computes the plan's figures. Every broken rule is reported at its row; a row naming
/// an unknown teacher or school, or repeating a teacher, is reported and otherwise left
/// out (it moves nobody), so one mistake is one violation. Rows over a post's open
/// count or a school's cap are the later ones in file order.
pub fn check_rows(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
    rows: &[PlanRow],
) -> Checked {
    let mut bad: Vec<Violation> = Vec::new();
    let school: HashMap<&str, usize> = data
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let teacher_at: HashMap<&str, usize> = data
        .teachers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    // Leaders as `[leaders]` words it, read here from the rule values themselves.
    let leader_of = |t: &Teacher| -> Option<Role> {
        let l = rules.leaders.as_ref()?;
        (t.role != Role::Teacher && l.roles.contains(&t.role)).then_some(t.role)
    };
    let mandatory = rules.leaders.as_ref().is_some_and(|l| l.mandatory);
    let mut by_teacher: BTreeMap<&TeacherId, Vec<&LedgerEntry>> = BTreeMap::new();
    for x in ledger {
        by_teacher.entry(&x.teacher).or_default().push(x);
    }
    let why_not = |ti: usize| -> Result<Vec<&str>, EvalError> {
        let t = &data.teachers[ti];
        let s = school.get(t.school.as_str()).map(|&si| &data.schools[si]);
        let mine = by_teacher.get(&t.id).map_or(&[][..], Vec::as_slice);
        ineligibility(rules, year, t, s, mine)
    };

    // Eligibility, recomputed from the rules' wording.
    let mut eligible_at: Vec<u64> = vec![0; data.schools.len()];
    let mut n_eligible = 0u64;
    let mut leaders_eligible = 0u64;
    let mut is_eligible = vec![false; data.teachers.len()];
    let mut failed_exclusion = Vec::new();
    for (ti, t) in data.teachers.iter().enumerate() {
        match why_not(ti) {
            Ok(why) if why.is_empty() => {
                is_eligible[ti] = true;
                n_eligible += 1;
                if mandatory && leader_of(t).is_some() {
                    leaders_eligible += 1;
                } else if let Some(&si) = school.get(t.school.as_str()) {
                    eligible_at[si] += 1;
                }
            }
            Ok(_) => {}
            Err(message) => failed_exclusion.push(Violation {
                plan_row: None,
                teacher: t.id.clone(),
                broken: Broken::ExclusionFailed { message },
            }),
        }
    }

    // Open posts per (school, subject), as priorities highest first.
    let mut slots: BTreeMap<(usize, Subject), Vec<u32>> = BTreeMap::new();
    for n in data
        .needs
        .iter()
        .filter(|n| n.year.is_none() || n.year == Some(year))
    {
        if let Some(&si) = school.get(n.school.as_str()) {
            let v = slots.entry((si, n.subject.clone())).or_default();
            v.extend(std::iter::repeat_n(n.priority, n.count as usize));
        }
    }
    for v in slots.values_mut() {
        v.sort_unstable_by(|a, b| b.cmp(a));
    }
    for x in ledger {
        if x.status != LedgerStatus::Cancelled && x.start_year <= year && year <= x.end_year {
            if let Some(&si) = school.get(x.to_school.as_str()) {
                if let Some(v) = slots.get_mut(&(si, x.subject.clone())) {
                    if !v.is_empty() {
                        v.remove(0);
                    }
                }
            }
        }
    }

    // Quotas and caps with exact decimals.
    let q = &rules.quota;
    let mut roster = vec![0u64; data.schools.len()];
    for t in &data.teachers {
        if let Some(&si) = school.get(t.school.as_str()) {
            if year < retirement_year(rules, t) {
                roster[si] += 1;
            }
        }
    }
    let quota: Vec<u64> = eligible_at
        .iter()
        .map(|&e| share(q.min_share_of_eligible.decimal(), e, true))
        .collect();
    let cap: Vec<u64> = data
        .schools
        .iter()
        .enumerate()
        .map(|(si, s)| {
            let staff = s.staff.map_or(roster[si], u64::from);
            let c = share(q.max_outflow_share_of_staff.decimal(), staff, false).max(1);
            if q.fill_beyond_quota {
                c
            } else {
                c.min(quota[si])
            }
        })
        .collect();

    // Each row.
    let mut first_row: HashMap<usize, usize> = HashMap::new();
    let mut filled: BTreeMap<(usize, Subject), u64> = BTreeMap::new();
    let mut sent = vec![0u64; data.schools.len()];
    let mut bsent = vec![0u64; data.schools.len()];
    let mut leaders_moved = 0u64;
    let mut leaders_backbone = 0u64;
    for row in rows {
        let mut flag = |broken: Broken| {
            bad.push(Violation {
                plan_row: Some(row.plan_row),
                teacher: row.teacher_id.clone(),
                broken,
            });
        };
        let Some(&ti) = teacher_at.get(row.teacher_id.as_str()) else {
            flag(Broken::UnknownTeacher);
            continue;
        };
        if let Some(&first) = first_row.get(&ti) {
            flag(Broken::MovedTwice {
                first_row: Some(first),
            });
            continue;
        }
        let t = &data.teachers[ti];
        let Some(&ri) = school.get(row.to_school.as_str()) else {
            flag(Broken::UnknownSchool {
                column: "to_school",
                school: row.to_school.clone(),
            });
            continue;
        };
        // INVARIANT: the loader refuses a teacher whose school is not in schools.csv.
        let Some(&si) = school.get(t.school.as_str()) else {
            continue;
        };
        first_row.insert(ti, row.plan_row);
        if let Some(given) = &row.from_school {
            if !school.contains_key(given.as_str()) {
                flag(Broken::UnknownSchool {
                    column: "from_school",
                    school: given.clone(),
                });
            } else if *given != t.school {
                flag(Broken::WrongFromSchool {
                    given: given.clone(),
                    roster: t.school.clone(),
                });
            }
        }
        if !is_eligible[ti] {
            let reasons = why_not(ti).unwrap_or_default();
            // A failed exclusion is reported on its own (below), not as ineligible.
            if !reasons.is_empty() {
                let reasons = reasons.into_iter().map(str::to_string).collect();
                flag(Broken::NotEligible { year, reasons });
            }
        }
        let (s, r) = (&data.schools[si], &data.schools[ri]);
        if ri == si {
            flag(Broken::SameSchool {
                school: r.id.clone(),
            });
        }
        let leader = leader_of(t);
        let post = row.subject.clone().unwrap_or_else(|| match leader {
            Some(role) => Subject::new(role.as_str()),
            None => t.subject.clone(),
        });
        match (&rules.leaders, leader, post_role(&post)) {
            // With [leaders]: a leadership post takes a leader of that role (or a
            // vice-principal for a principal post under `promote`); a leader takes
            // nothing else.
            (Some(l), Some(role), Some(p)) => {
                let ok =
                    role == p || (l.promote && role == Role::VicePrincipal && p == Role::Principal);
                if !ok {
                    flag(Broken::LeaderPostRole {
                        role,
                        post: post.clone(),
                    });
                }
            }
            (Some(_), Some(role), None) => flag(Broken::LeaderOnSubjectPost {
                role,
                post: post.clone(),
            }),
            (Some(_), None, Some(_)) => flag(Broken::LeaderPostRole {
                role: t.role,
                post: post.clone(),
            }),
            _ => {
                let ok = t.subject == post
                    || rules
                        .matching
                        .substitutes
                        .get(&post)
                        .is_some_and(|l| l.contains(&t.subject));
                if !ok {
                    flag(Broken::SubjectMismatch {
                        teacher_subject: t.subject.clone(),
                        post: post.clone(),
                    });
                }
            }
        }
        let stage_ok = s.stage == r.stage
            || (rules.flow.stage_match == StageMatch::Compatible
                && (s.stage == Stage::NineYear || r.stage == Stage::NineYear));
        if !stage_ok {
            flag(Broken::Stage {
                from: s.stage,
                to: r.stage,
            });
        }
        let dir_ok = rules
            .flow
            .directions
            .iter()
            .any(|&(a, b)| a == s.locality && b == r.locality)
            || (r.weak && !s.weak && rules.flow.to_weak_from_any_non_weak);
        if !dir_ok && ri != si {
            flag(Broken::Direction {
                from: s.locality,
                to: r.locality,
                from_weak: s.weak,
                to_weak: r.weak,
            });
        }
        if rules.flow.same_district && s.district != r.district {
            flag(Broken::District {
                from: s.district.clone(),
                to: r.district.clone(),
            });
        }
        if let (Some(a), Some(b)) = (s.coord, r.coord) {
            // The planner's own distance function: one formula, so a pair at exactly
            // `max_distance_km` is allowed by both or by neither.
            let km = crate::model::great_circle_km(a, b);
            if km > rules.flow.max_distance_km {
                flag(Broken::Distance {
                    km,
                    max: rules.flow.max_distance_km,
                });
            }
        }
        let start = row.start_year.unwrap_or(year);
        if start != year {
            flag(Broken::WrongYear {
                start_year: start,
                year,
            });
        }
        if let Some(end) = row.end_year {
            if end != start + rules.term.years - 1 {
                flag(Broken::WrongTerm {
                    start_year: start,
                    end_year: end,
                    years: rules.term.years,
                });
            }
        }
        if let Some(form) = row.form {
            if form != rules.term.form {
                flag(Broken::WrongForm {
                    form,
                    expected: rules.term.form,
                });
            }
        }
        let k = filled.entry((ri, post.clone())).or_default();
        *k += 1;
        let open = slots.get(&(ri, post.clone())).map_or(0, Vec::len);
        if *k > open as u64 {
            flag(Broken::PostOverfilled {
                school: r.id.clone(),
                subject: post,
                open,
                nth: *k,
            });
        }
        if mandatory && leader.is_some() {
            // Outside the school's quota, cap and backbone share.
            leaders_moved += 1;
            if t.backbone != Backbone::None {
                leaders_backbone += 1;
            }
            continue;
        }
        sent[si] += 1;
        if t.backbone != Backbone::None {
            bsent[si] += 1;
        }
        if sent[si] > cap[si] {
            flag(Broken::SchoolCap {
                school: s.id.clone(),
                cap: cap[si],
                nth: sent[si],
            });
        }
    }
    bad.sort_by_key(|v| (v.plan_row.is_none(), v.plan_row));
    bad.extend(failed_exclusion);

    let mut filled_priority = 0u64;
    let mut posts_filled = 0u64;
    for (key, k) in &filled {
        let open = slots.get(key).map_or(&[][..], Vec::as_slice);
        filled_priority += open
            .iter()
            .take(*k as usize)
            .map(|&p| u64::from(p))
            .sum::<u64>();
        posts_filled += *k;
    }
    let posts: u64 = slots.values().map(|v| v.len() as u64).sum();
    let quota_short: u64 = quota
        .iter()
        .zip(&sent)
        .map(|(q, s)| q.saturating_sub(*s))
        .sum();
    let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (si, s) in data.schools.iter().enumerate() {
        let key = match q.backbone_share_level {
            BackboneLevel::School => s.id.to_string(),
            BackboneLevel::District => s.district.clone(),
            BackboneLevel::Plan => String::new(),
        };
        let g = groups.entry(key).or_default();
        g.0 += sent[si];
        g.1 += bsent[si];
    }
    let backbone_short: u64 = groups
        .values()
        .map(|&(s, b)| share(q.min_backbone_share.decimal(), s, true).saturating_sub(b))
        .sum();
    Checked {
        figures: Figures {
            eligible: n_eligible,
            sent: sent.iter().sum::<u64>() + leaders_moved,
            backbone_sent: bsent.iter().sum::<u64>() + leaders_backbone,
            quota_shortfall: quota_short,
            backbone_shortfall: backbone_short,
            shortfall: quota_short
                + backbone_short
                + leaders_eligible.saturating_sub(leaders_moved),
            filled_priority,
            posts,
            posts_filled,
            leaders_eligible,
            leaders_moved,
            leader_shortfall: leaders_eligible.saturating_sub(leaders_moved),
        },
        violations: bad,
    }
}

#[cfg(test)]
pub(crate) mod tests;
