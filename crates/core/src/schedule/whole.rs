//! The whole-instance integer program: objectives (1) and (2) exactly, for small
//! instances the sittings method could not prove (scarce evaluators, short windows,
//! or an evaluator free to visit several schools a day).
//!
//! Model (0/1 variables, built only for combinations the rules allow):
//!
//! - `z[e,d]`: evaluation `e` on usable day `d`; `Σd z[e,d] ≤ 1`;
//! - `y[e,m,d]`: evaluator `m` (not recused for `e`, free on `d`) on `e`'s panel on `d`;
//!   `Σm y[e,m,d] = P(e)·z[e,d]`, and the ones listing the subject
//!   `≥ min_same_subject·z[e,d]`;
//! - with one school per evaluator-day, `v[m,d,h]`: `m` works at host `h` on `d`;
//!   `Σ(e at h) y[e,m,d] ≤ cap(m)·v[m,d,h]` and `Σh v[m,d,h] ≤ 1`; without it,
//!   `u[m,d]`: `m` works on `d`, `Σe y[e,m,d] ≤ cap(m)·u[m,d]`; and `y ≤ v` (or `u`),
//!   redundant for integers but a much tighter relaxation;
//! - a school hosts at most `max_per_school_per_day`: `Σ(e at h) z[e,d] ≤ L`;
//! - minimise `Σ v (or u) − W·Σ z`, with `W` one more than the number of
//!   evaluator-day variables, so one more evaluation always outweighs every
//!   evaluator-day: the lexicographic objective ((1), then (2)) as one sum.
//!
//! Solved by branch and bound (microlp through good_lp). The solver works in floating
//! point, so its answer is rounded and the caller re-checks it with the independent
//! checker before taking it; its optimum is the optimum because both objectives are integers and `W`
//! separates them. Its cost grows fast with the instance, so it is run only below
//! [`MAX_PANEL_VARS`] panel variables: this is the exact method for small instances,
//! not for a county.

use super::solver::World;
use super::Placement;
use crate::model::{Id, School};
use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};
use std::collections::BTreeMap;

/// The largest number of `y` variables the program is built with.
pub const MAX_PANEL_VARS: usize = 100;

/// The outcome of the whole-instance program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whole {
    /// Proven optimal placements (lexicographically: most evaluations, then fewest
    /// evaluator-days).
    Optimal(Vec<Placement>),
    /// More than [`MAX_PANEL_VARS`] panel variables: not attempted.
    TooLarge,
    /// The solver failed or its answer did not hold exactly (not expected).
    Failed,
}

/// Solves the program over the evaluations `evs` (indexes into the events).
pub(super) fn solve_whole(w: &World<'_>, evs: &[usize]) -> Whole {
    let mut seats: Vec<(usize, usize, i64)> = Vec::new();
    for &e in evs {
        for &d in &w.event_days[e] {
            for (m, p) in w.people.iter().enumerate() {
                if p.cap > 0 && !p.unavailable.contains(&d) && !w.recused(m, e) {
                    seats.push((e, m, d));
                    if seats.len() > MAX_PANEL_VARS {
                        return Whole::TooLarge;
                    }
                }
            }
        }
    }
    let one_school = w.rules.one_school_per_evaluator_day;
    let same = w.rules.min_same_subject as f64;
    let mut pv = ProblemVariables::new();
    let bin = || variable().binary();
    let y: Vec<Variable> = seats.iter().map(|_| pv.add(bin())).collect();
    // Evaluator-day variables: (m, d, host) with one school a day, else (m, d, 0).
    let mut day_keys: BTreeMap<(usize, i64, Option<Id<School>>), Variable> = BTreeMap::new();
    for &(e, m, d) in &seats {
        let h = one_school.then(|| w.events[e].host);
        day_keys.entry((m, d, h)).or_insert_with(|| pv.add(bin()));
    }
    let mut z: BTreeMap<(usize, i64), Variable> = BTreeMap::new();
    for &e in evs {
        for &d in &w.event_days[e] {
            z.insert((e, d), pv.add(bin()));
        }
    }
    let weight = (day_keys.len() + 1) as f64;
    let objective: Expression = day_keys.values().copied().sum::<Expression>()
        - weight * z.values().copied().sum::<Expression>();
    let mut model = pv.minimise(objective).using(microlp);
    // Panels.
    let mut panel: BTreeMap<(usize, i64), (Expression, Expression)> = BTreeMap::new();
    let mut load: BTreeMap<(usize, i64, Option<Id<School>>), Expression> = BTreeMap::new();
    for (&(e, m, d), &v) in seats.iter().zip(&y) {
        let entry = panel.entry((e, d)).or_default();
        entry.0.add_mul(1.0, v);
        if w.lists(m, w.event_subject[e]) {
            entry.1.add_mul(1.0, v);
        }
        let h = one_school.then(|| w.events[e].host);
        load.entry((m, d, h)).or_default().add_mul(1.0, v);
        // Redundant for integers, but it tightens the relaxation a lot.
        let day = day_keys[&(m, d, h)];
        model.add_constraint(constraint!(v <= day));
    }
    for (&(e, d), &zv) in &z {
        let p = f64::from(w.events[e].panel_size);
        match panel.remove(&(e, d)) {
            Some((all, subj)) => {
                model.add_constraint(constraint!(all == p * zv));
                model.add_constraint(constraint!(subj >= same * zv));
            }
            None => {
                model.add_constraint(constraint!(zv == 0.0));
            }
        }
    }
    for &e in evs {
        let once: Expression = w.event_days[e].iter().map(|&d| z[&(e, d)]).sum();
        model.add_constraint(constraint!(once <= 1.0));
    }
    // Daily limits of evaluators, one school a day.
    for (key, l) in load {
        let cap = f64::from(w.people[key.0].cap);
        let v = day_keys[&key];
        model.add_constraint(constraint!(l <= cap * v));
    }
    if one_school {
        let mut per: BTreeMap<(usize, i64), Expression> = BTreeMap::new();
        for (&(m, d, _), &v) in &day_keys {
            per.entry((m, d)).or_default().add_mul(1.0, v);
        }
        for (_, e) in per {
            model.add_constraint(constraint!(e <= 1.0));
        }
    }
    // Daily limit of each host school.
    let mut host_day: BTreeMap<(Id<School>, i64), Expression> = BTreeMap::new();
    for (&(e, d), &zv) in &z {
        host_day
            .entry((w.events[e].host, d))
            .or_default()
            .add_mul(1.0, zv);
    }
    let limit = f64::from(w.rules.max_per_school_per_day);
    for (_, e) in host_day {
        model.add_constraint(constraint!(e <= limit));
    }
    let Ok(sol) = model.solve() else {
        return Whole::Failed;
    };
    let on = |v: Variable| sol.value(v) > 0.5;
    let mut placed = Vec::new();
    for (&(e, d), &zv) in &z {
        if !on(zv) {
            continue;
        }
        let mut members: Vec<usize> = seats
            .iter()
            .zip(&y)
            .filter(|(&(se, _, sd), &v)| se == e && sd == d && on(v))
            .map(|(&(_, m, _), _)| m)
            .collect();
        members.sort_unstable();
        if members.len() != w.events[e].panel_size as usize {
            return Whole::Failed;
        }
        placed.push(Placement::from_positions(e, d, members));
    }
    Whole::Optimal(placed)
}
