//! The hand method as a baseline: what HR staff do today without an optimizer.
//!
//! Eligible teachers are taken longest-serving first (earliest `joined_school_year`,
//! then older, then id); each goes to the nearest open post of a subject they may
//! fill, among allowed pairs, while their school is under its cap. The hard rules are
//! the same as the optimizer's, so `verify::check` applies unchanged; only the
//! objective is ignored, which is what `compare` puts in figures.

use super::assign::preference_order;
use super::facts::YearFacts;
use super::pairs::{allowed, distance_km};
use crate::model::Move;
use crate::model::{Dataset, Id, IdVec, School, Subject, Teacher};
use crate::rules::Rules;
use std::collections::{BTreeMap, HashMap};

/// Moves of the seniority method, sorted like the optimizer's (sending school, id).
pub fn seniority_moves(
    data: &Dataset,
    rules: &Rules,
    facts: &YearFacts,
    eligible: &[bool],
) -> Vec<Move> {
    let mut order: Vec<Id<Teacher>> = data.teacher_ids().filter(|t| eligible[t.index()]).collect();
    preference_order(data, &mut order);
    // Open posts: (school, subject) → remaining (priority, count), highest first.
    let mut open = facts.open_posts.clone();
    // Receiving schools that have any post, for the nearest-post search.
    let mut posts_of_school: BTreeMap<Id<School>, Vec<Subject>> = BTreeMap::new();
    for (r, subj) in open.keys() {
        posts_of_school.entry(*r).or_default().push(subj.clone());
    }
    let mut sent: IdVec<School, u32> = IdVec::from_vec(vec![0; data.schools.len()]);
    // Allowed receivers of each sending school, nearest first (unknown distance = 0).
    let mut receivers: HashMap<Id<School>, Vec<(i64, Id<School>)>> = HashMap::new();
    let mut moves = Vec::new();
    for t in order {
        let teacher = data.teacher(t);
        let Some(&s) = facts.school_index.get(&teacher.school) else {
            continue;
        };
        // Mandatory leaders are outside their school's cap.
        let outside_cap = rules.mandatory_leaders() && rules.leader_role(teacher).is_some();
        if !outside_cap && sent[s] >= facts.schools[s].cap {
            continue;
        }
        let planned_as = rules.plan_subject(teacher);
        let list = receivers.entry(s).or_insert_with(|| {
            let from = &data.schools[s];
            let mut v: Vec<(i64, Id<School>)> = posts_of_school
                .keys()
                .copied()
                .filter(|&r| allowed(from, &data.schools[r], rules))
                .map(|r| {
                    let m = distance_km(from, &data.schools[r])
                        .map_or(0, |km| (km * 1000.0).round() as i64);
                    (m, r)
                })
                .collect();
            v.sort_unstable();
            v
        });
        let mut chosen: Option<(Id<School>, Subject, u32)> = None;
        'search: for &(_, r) in list.iter() {
            let Some(subjects) = posts_of_school.get(&r) else {
                continue;
            };
            // Among the school's fitting posts, the highest priority (then subject).
            let mut best: Option<(u32, &Subject)> = None;
            for subj in subjects {
                if !rules.post_fits(&planned_as, subj) {
                    continue;
                }
                if let Some(&(p, c)) = open.get(&(r, subj.clone())).and_then(|v| v.first()) {
                    if c > 0 && best.is_none_or(|(bp, _)| p > bp) {
                        best = Some((p, subj));
                    }
                }
            }
            if let Some((p, subj)) = best {
                chosen = Some((r, subj.clone(), p));
                break 'search;
            }
        }
        let Some((r, subject, priority)) = chosen else {
            continue;
        };
        if let Some(slots) = open.get_mut(&(r, subject.clone())) {
            if let Some(first) = slots.first_mut() {
                first.1 -= 1;
            }
            slots.retain(|&(_, c)| c > 0);
        }
        if !outside_cap {
            sent[s] += 1;
        }
        moves.push(Move {
            teacher: t,
            from: s,
            to: r,
            subject,
            priority,
        });
    }
    moves.sort_by(|a, b| {
        (a.from, &data.teachers[a.teacher].id).cmp(&(b.from, &data.teachers[b.teacher].id))
    });
    moves
}
