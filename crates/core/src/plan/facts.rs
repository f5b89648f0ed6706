//! Per-school figures of one plan year: staff, eligible, quota, cap, open posts.

use crate::eligibility::Verdict;
use crate::model::{Dataset, Id, IdVec, LedgerEntry, School, SchoolId, Subject};
use crate::rules::Rules;
use std::collections::{BTreeMap, HashMap};

/// The figures of one school in one plan year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolFacts {
    pub staff: u32,
    pub eligible: u32,
    pub eligible_backbone: u32,
    pub quota: u32,
    pub cap: u32,
    /// Eligible leaders under mandatory `[leaders]` rotation: each is a unit quota of
    /// its own, outside `eligible`, `quota` and `cap`.
    pub leaders: u32,
}

/// Open posts of one (school, subject): (priority, open count), highest priority first.
pub type PostSlots = Vec<(u32, u32)>;

/// Everything about a plan year that does not depend on the plan. Schools are named by
/// their typed position (`data.schools[id]`); the solver turns them into its own plain
/// indices inside `plan`.
#[derive(Debug, Clone)]
pub struct YearFacts {
    pub year: i32,
    /// Each school's figures, by its id.
    pub schools: IdVec<School, SchoolFacts>,
    pub school_index: HashMap<SchoolId, Id<School>>,
    /// (receiving school, post subject) → open posts by priority.
    pub open_posts: BTreeMap<(Id<School>, Subject), PostSlots>,
}

impl YearFacts {
    /// The school of `id` (`data.schools[id]`), when it is in the data.
    pub fn school_id(&self, id: &SchoolId) -> Option<Id<School>> {
        self.school_index.get(id).copied()
    }

    pub fn compute(
        data: &Dataset,
        rules: &Rules,
        year: i32,
        ledger: &[LedgerEntry],
        verdicts: &[Verdict],
    ) -> YearFacts {
        let school_index: HashMap<SchoolId, Id<School>> = data
            .school_ids()
            .zip(&data.schools)
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let mut facts: IdVec<School, SchoolFacts> =
            IdVec::from_vec(vec![SchoolFacts::default(); data.schools.len()]);
        let mut roster: IdVec<School, u32> = IdVec::from_vec(vec![0; data.schools.len()]);
        let mandatory = rules.mandatory_leaders();
        for (t, v) in data.teachers.iter().zip(verdicts) {
            let Some(&si) = school_index.get(&t.school) else {
                continue;
            };
            if !rules.retired(t, year) {
                roster[si] += 1;
            }
            if v.eligible() && mandatory && rules.leader_role(t).is_some() {
                facts[si].leaders += 1;
            } else if v.eligible() {
                facts[si].eligible += 1;
                if t.is_backbone() {
                    facts[si].eligible_backbone += 1;
                }
            }
        }
        let q = &rules.quota;
        for (i, s) in data.school_ids().zip(&data.schools) {
            let f = &mut facts[i];
            f.staff = s.staff.unwrap_or(roster[i]);
            f.quota = q.min_share_of_eligible.ceil_mul(f.eligible);
            let mut cap = q.max_outflow_share_of_staff.floor_mul(f.staff).max(1);
            if !q.fill_beyond_quota {
                cap = cap.min(f.quota);
            }
            f.cap = cap;
        }
        YearFacts {
            year,
            open_posts: open_posts(data, year, ledger, &school_index),
            schools: facts,
            school_index,
        }
    }
}

/// Posts of needs.csv for `year` (rows of that year and rows without one) less those held by exchanges covering `year`. Rows of the same
/// school and subject add up; an exchange is taken to hold the highest-priority post
/// of its school and subject (it was filled first).
fn open_posts(
    data: &Dataset,
    year: i32,
    ledger: &[LedgerEntry],
    index: &HashMap<SchoolId, Id<School>>,
) -> BTreeMap<(Id<School>, Subject), PostSlots> {
    let mut by_prio: BTreeMap<(Id<School>, Subject), BTreeMap<u32, u32>> = BTreeMap::new();
    for n in data.needs.iter().filter(|n| n.applies(year)) {
        if let Some(&si) = index.get(&n.school) {
            *by_prio
                .entry((si, n.subject.clone()))
                .or_default()
                .entry(n.priority)
                .or_default() += n.count;
        }
    }
    for e in ledger.iter().filter(|e| e.covers(year)) {
        let Some(&si) = index.get(&e.to_school) else {
            continue;
        };
        if let Some(slots) = by_prio.get_mut(&(si, e.subject.clone())) {
            if let Some((_, c)) = slots.iter_mut().rev().find(|(_, c)| **c > 0) {
                *c -= 1;
            }
        }
    }
    by_prio
        .into_iter()
        .map(|(k, m)| {
            let slots: PostSlots = m.into_iter().rev().filter(|&(_, c)| c > 0).collect();
            (k, slots)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}
