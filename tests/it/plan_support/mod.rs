//! The independent reference of the planner's differential tests: a per-teacher MILP
//! (one binary per eligible teacher and post, no aggregation, no decomposition, the
//! two objective levels folded into one weighted objective), and a small random
//! generator.
//!
//! It shares with the planner only the rule definitions it must obey (`eligibility`,
//! `allowed`, `subject_fits`); quota, cap, open posts and the backbone rule are
//! computed here from scratch.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use good_lp::{constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel};
use rotaplan_core::eligibility;
use rotaplan_core::model::*;
use rotaplan_core::plan::allowed;
use rotaplan_core::rules::{BackboneLevel, Rules};
use std::collections::BTreeMap;

/// xorshift64: deterministic, seeded, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self, k: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % k.max(1)
    }
    pub fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.next(xs.len() as u64) as usize].clone()
    }
}

/// Quota, cap, open posts and verdicts of one year, computed from scratch.
struct Year {
    verdicts: Vec<eligibility::Verdict>,
    idx: BTreeMap<SchoolId, usize>,
    /// (school, subject) → (open posts, priority).
    posts: BTreeMap<(usize, Subject), (u32, u32)>,
    quota: Vec<u32>,
    cap: Vec<u32>,
}

fn year_facts(d: &Dataset, rules: &Rules, year: i32) -> Year {
    let verdicts = eligibility::assess(d, rules, year, &d.ledger).unwrap();
    let idx: BTreeMap<SchoolId, usize> = d
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let mut posts: BTreeMap<(usize, Subject), (u32, u32)> = BTreeMap::new();
    for n in &d.needs {
        let e = posts
            .entry((idx[&n.school], n.subject.clone()))
            .or_insert((0, n.priority));
        assert_eq!(e.1, n.priority, "one priority per school and subject");
        e.0 += n.count;
    }
    for e in &d.ledger {
        let held =
            e.status != LedgerStatus::Cancelled && e.start_year <= year && year <= e.end_year;
        if held {
            if let Some(p) = posts.get_mut(&(idx[&e.to_school], e.subject.clone())) {
                p.0 = p.0.saturating_sub(1);
            }
        }
    }
    let mut eligible = vec![0u32; d.schools.len()];
    let mut roster = vec![0u32; d.schools.len()];
    for (t, v) in d.teachers.iter().zip(&verdicts) {
        let s = idx[&t.school];
        if v.eligible() {
            eligible[s] += 1;
        }
        if year - t.birth_year < rules.retirement_age(t.gender) {
            roster[s] += 1;
        }
    }
    let q = &rules.quota;
    let quota: Vec<u32> = eligible
        .iter()
        .map(|&e| q.min_share_of_eligible.ceil_mul(e))
        .collect();
    let cap: Vec<u32> = (0..d.schools.len())
        .map(|s| {
            let c = q
                .max_outflow_share_of_staff
                .floor_mul(d.schools[s].staff.unwrap_or(roster[s]))
                .max(1);
            if q.fill_beyond_quota {
                c
            } else {
                c.min(quota[s])
            }
        })
        .collect();
    Year {
        verdicts,
        idx,
        posts,
        quota,
        cap,
    }
}

/// Who may be moved where: one unit per teacher (`per_teacher`) or per class of
/// interchangeable teachers (same school, subject and backbone flag).
struct Movers {
    /// (school, subject, backbone, how many).
    units: Vec<(usize, Subject, bool, u32)>,
}

fn movers(d: &Dataset, y: &Year, per_teacher: bool) -> Movers {
    let mut units = Vec::new();
    let mut classes: BTreeMap<(usize, Subject, bool), u32> = BTreeMap::new();
    for (ti, t) in d.teachers.iter().enumerate() {
        if !y.verdicts[ti].eligible() {
            continue;
        }
        let s = y.idx[&t.school];
        if per_teacher {
            units.push((s, t.subject.clone(), t.is_backbone(), 1));
        } else {
            *classes
                .entry((s, t.subject.clone(), t.is_backbone()))
                .or_default() += 1;
        }
    }
    units.extend(classes.into_iter().map(|((s, subj, b), n)| (s, subj, b, n)));
    Movers { units }
}

/// The lexicographic optimum (shortfall, priority filled) of the per-teacher model:
/// one binary per eligible teacher and open post (school, subject), solved as one
/// weighted objective.
pub fn per_teacher_optimum(d: &Dataset, rules: &Rules, year: i32) -> (u64, u64) {
    let y = year_facts(d, rules, year);
    let m = movers(d, &y, true);
    optimum(d, rules, &y, &m)
}

/// The same model with one integer per class of interchangeable teachers (same
/// school, subject and backbone flag) and open post: an exact aggregation that
/// microlp solves far faster. `agrees_with_per_teacher_model_on_random_instances`
/// and the robustness harness's debug cases check the two agree.
pub fn per_class_optimum(d: &Dataset, rules: &Rules, year: i32) -> (u64, u64) {
    let y = year_facts(d, rules, year);
    let m = movers(d, &y, false);
    optimum(d, rules, &y, &m)
}

fn optimum(d: &Dataset, rules: &Rules, y: &Year, m: &Movers) -> (u64, u64) {
    let q = &rules.quota;
    let (posts, quota, cap) = (&y.posts, &y.quota, &y.cap);
    // One weighted objective: a unit of shortfall outweighs all the priority there is,
    // so its minimum is the lexicographic optimum (all values are small integers, exact
    // in doubles).
    let weight = 1.0
        + posts
            .values()
            .map(|&(c, p)| f64::from(c) * f64::from(p))
            .sum::<f64>();
    let solve = || -> (f64, f64) {
        let mut pv = ProblemVariables::new();
        let mut into: BTreeMap<(usize, Subject), Expression> = BTreeMap::new();
        let mut sent = vec![Expression::from(0.0); d.schools.len()];
        let mut bsent = vec![Expression::from(0.0); d.schools.len()];
        let mut prio = Expression::from(0.0);
        let mut cons = Vec::new();
        for (s, subject, backbone, n) in &m.units {
            let s = *s;
            let mut mine = Expression::from(0.0);
            for ((r, ps), &(count, p)) in posts {
                if count == 0
                    || !rules.subject_fits(subject, ps)
                    || !allowed(&d.schools[s], &d.schools[*r], rules)
                {
                    continue;
                }
                let x = if *n == 1 {
                    pv.add(variable().binary())
                } else {
                    pv.add(variable().integer().min(0).max(*n))
                };
                mine += x;
                *into
                    .entry((*r, ps.clone()))
                    .or_insert_with(|| Expression::from(0.0)) += x;
                sent[s] += x;
                if *backbone {
                    bsent[s] += x;
                }
                prio.add_mul(f64::from(p), x);
            }
            cons.push(constraint!(mine <= f64::from(*n)));
        }
        for (k, e) in into {
            cons.push(constraint!(e <= f64::from(posts[&k].0)));
        }
        let mut short = Expression::from(0.0);
        let (num, den) = q.min_backbone_share.ratio();
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (s, sc) in d.schools.iter().enumerate() {
            cons.push(constraint!(sent[s].clone() <= f64::from(cap[s])));
            let sh = pv.add(variable().min(0));
            cons.push(constraint!(sh + sent[s].clone() >= f64::from(quota[s])));
            short += sh;
            let key = match q.backbone_share_level {
                BackboneLevel::School => sc.id.to_string(),
                BackboneLevel::District => sc.district.clone(),
                BackboneLevel::Plan => String::new(),
            };
            groups.entry(key).or_default().push(s);
        }
        for members in groups.values() {
            let k = pv.add(variable().integer().min(0));
            let b = pv.add(variable().min(0));
            let gs: Expression = members.iter().map(|&s| sent[s].clone()).sum();
            let gb: Expression = members.iter().map(|&s| bsent[s].clone()).sum();
            // k = ceil(share × sent) exactly (a larger k never helps either level; the
            // upper side only tightens the relaxation microlp branches on).
            cons.push(constraint!(den as f64 * k >= num as f64 * gs.clone()));
            cons.push(constraint!(
                den as f64 * k <= num as f64 * gs + (den - 1) as f64
            ));
            cons.push(constraint!(b + gb >= k));
            short += b;
        }
        let problem = pv.minimise(weight * short.clone() - prio.clone());
        let mut model = problem.using(microlp);
        for c in cons {
            model.add_constraint(c);
        }
        let sol = model.solve().unwrap();
        (sol.eval(&short).round(), sol.eval(&prio).round())
    };
    let (s, p) = solve();
    (s as u64, p as u64)
}
