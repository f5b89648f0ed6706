//! One sitting: the evaluations of one host school on one day, and the smallest crew of
//! evaluators that can sit on all of them.
//!
//! With one school per evaluator-day, an evaluator-day is exactly one seat in one
//! sitting's crew, so the evaluator-days of a schedule are the sum of its crews.
//!
//! Evaluators are grouped into kinds relative to the sitting: which of its evaluations
//! they may sit on (recusal), which of them they count for as "same subject", and how
//! many evaluations they may take that day. Evaluators of one kind are interchangeable
//! for this sitting. The smallest crew is then a small integer program over kinds:
//!
//! - `x[k]` evaluators of kind `k` in the crew (at most the number there are);
//! - `n[e][k]` of them on evaluation `e`'s panel: `Σk n[e][k] = P(e)`, the ones of
//!   kinds listing the subject `≥ min_same_subject`, `n[e][k] ≤ x[k]` (distinct people)
//!   and `Σe n[e][k] ≤ cap(k) · x[k]` (daily limit);
//! - minimise `Σk x[k]`.
//!
//! Any integer solution is a real crew: within a kind, members are dealt to panels
//! round-robin (McNaughton's wrap-around), which keeps every panel's members distinct
//! (`n ≤ x`) and every member within the limit (`Σ n ≤ cap · x`). Kinds that are beaten
//! on every count (may sit on no fewer evaluations, list no fewer subjects, take no
//! fewer a day) by at least as many others as any crew could need are dropped first:
//! a crew using one could swap it for an unused better one.

use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};
use std::collections::BTreeMap;

/// The largest sitting handled (events are bits of a `u64`).
pub const MAX_SITTING: usize = 64;

/// An evaluator's kind relative to one sitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kind {
    /// Bit `i`: may sit on the sitting's evaluation `i` (not recused).
    pub allowed: u64,
    /// Bit `i`: lists evaluation `i`'s subject.
    pub subject: u64,
    /// Evaluations a day, at most the sitting's size.
    pub cap: u32,
}

impl Kind {
    /// Whether `self` can do everything `other` can.
    fn covers(&self, other: &Kind) -> bool {
        self.allowed & other.allowed == other.allowed
            && self.subject & other.subject == other.subject
            && self.cap >= other.cap
    }
}

/// A smallest crew for one sitting, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crew {
    /// Crew size: the sitting's evaluator-days.
    pub size: usize,
    /// (kind, members of that kind, seats of that kind on each evaluation).
    pub kinds: Vec<(Kind, u32, Vec<u32>)>,
}

/// A cheap lower bound on the crew of a sitting with these panels, when no evaluator
/// takes more than `cap` evaluations a day: a full panel, and every seat filled.
pub fn crew_floor(panels: &[u32], cap: u32) -> usize {
    let pmax = panels.iter().copied().max().unwrap_or(0) as usize;
    let seats: usize = panels.iter().map(|&p| p as usize).sum();
    let per = (cap as usize).min(panels.len()).max(1);
    pmax.max(seats.div_ceil(per))
}

/// The smallest crew for a sitting whose evaluations have `panels`, with at least
/// `same_subject` seats of each panel from kinds listing its subject, from `pool`
/// (kind → how many such evaluators). `None` when no crew exists.
pub fn min_crew(panels: &[u32], same_subject: u32, pool: &BTreeMap<Kind, u32>) -> Option<Crew> {
    crew_search(panels, same_subject, pool, true)
}

/// A small crew without branching, for constructions that need not be exact (day
/// groups): as [`min_crew`], but where it would solve the integer program, greedy
/// crews of growing size (up to two panels above the relaxation's bound) instead.
/// `None` when none is found.
pub fn quick_crew(panels: &[u32], same_subject: u32, pool: &BTreeMap<Kind, u32>) -> Option<Crew> {
    crew_search(panels, same_subject, pool, false)
}

fn crew_search(
    panels: &[u32],
    same_subject: u32,
    pool: &BTreeMap<Kind, u32>,
    exact: bool,
) -> Option<Crew> {
    let n = panels.len();
    if n == 0 {
        return Some(Crew {
            size: 0,
            kinds: Vec::new(),
        });
    }
    if n > MAX_SITTING {
        return None;
    }
    let seats: u32 = panels.iter().sum();
    let kinds = useful_kinds(pool, seats);
    // Most sittings have a crew at the floor; a greedy pick checked by a flow finds it
    // without the integer program.
    let cap = kinds.iter().map(|(k, _)| k.cap).max().unwrap_or(0);
    if let Some(crew) = greedy_at(panels, same_subject, &kinds, crew_floor(panels, cap)) {
        return Some(crew);
    }
    // Quick refusals: an evaluation without enough allowed or subject evaluators.
    for (i, &p) in panels.iter().enumerate() {
        let bit = 1u64 << i;
        let allowed: u32 = kinds
            .iter()
            .filter(|(k, _)| k.allowed & bit != 0)
            .map(|(_, a)| *a)
            .sum();
        let subject: u32 = kinds
            .iter()
            .filter(|(k, _)| k.allowed & k.subject & bit != 0)
            .map(|(_, a)| *a)
            .sum();
        if allowed < p || subject < same_subject.min(p) {
            return None;
        }
    }
    // The linear relaxation bounds the crew from below; rounding it up often meets
    // that bound, which proves the rounded crew smallest without branching.
    let (relaxed, _) = program(panels, same_subject, &kinds, false)?;
    let lp: f64 = relaxed.iter().sum();
    let low = crew_floor(panels, cap).max((lp - 1e-6).ceil().max(0.0) as usize);
    if let Some(crew) = rounded(panels, same_subject, &kinds, &relaxed, low) {
        return Some(crew);
    }
    if low > crew_floor(panels, cap) {
        if let Some(crew) = greedy_at(panels, same_subject, &kinds, low) {
            return Some(crew);
        }
    }
    if !exact {
        let pmax = panels.iter().copied().max().unwrap_or(0) as usize;
        return (low + 1..=(low + 2 * pmax).min(seats as usize))
            .find_map(|size| greedy_at(panels, same_subject, &kinds, size));
    }
    let (x, per) = program(panels, same_subject, &kinds, true)?;
    let round = |v: f64| v.round().max(0.0) as u32;
    let out: Vec<(Kind, u32, Vec<u32>)> = kinds
        .iter()
        .zip(x)
        .zip(per)
        .map(|(((kind, _), m), p)| (*kind, round(m), p.into_iter().map(round).collect()))
        .filter(|(_, m, _)| *m > 0)
        .collect();
    let crew = Crew {
        size: out.iter().map(|(_, m, _)| *m as usize).sum(),
        kinds: out,
    };
    // The solver works in floating point: accept only an answer that holds exactly.
    crew_is_valid(&crew, panels, same_subject, pool).then_some(crew)
}

/// The crew program over `kinds` (integer, or its linear relaxation): the members of
/// each kind and their seats on each evaluation. `None` when infeasible.
#[allow(clippy::type_complexity)]
fn program(
    panels: &[u32],
    same_subject: u32,
    kinds: &[(Kind, u32)],
    integer: bool,
) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
    let n = panels.len();
    let seats: u32 = panels.iter().sum();
    let mut pv = ProblemVariables::new();
    let var = |ub: u32| {
        let v = variable().min(0).max(ub);
        if integer {
            v.integer()
        } else {
            v
        }
    };
    let x: Vec<Variable> = kinds
        .iter()
        .map(|(_, a)| pv.add(var((*a).min(seats))))
        .collect();
    // n[e][k] for allowed pairs only.
    let mut seat: Vec<Vec<(usize, Variable)>> = vec![Vec::new(); n];
    for (e, row) in seat.iter_mut().enumerate() {
        for (k, (kind, a)) in kinds.iter().enumerate() {
            if kind.allowed & (1u64 << e) != 0 {
                row.push((k, pv.add(var(panels[e].min(*a)))));
            }
        }
    }
    let objective: Expression = x.iter().sum();
    let mut model = pv.minimise(objective).using(microlp);
    let mut per_kind: Vec<Expression> = vec![Expression::from(0.0); kinds.len()];
    for (e, row) in seat.iter().enumerate() {
        let all: Expression = row.iter().map(|(_, v)| *v).sum();
        model.add_constraint(constraint!(all == panels[e] as f64));
        let same: Expression = row
            .iter()
            .filter(|(k, _)| kinds[*k].0.subject & (1u64 << e) != 0)
            .map(|(_, v)| *v)
            .sum();
        model.add_constraint(constraint!(same >= same_subject.min(panels[e]) as f64));
        for &(k, v) in row {
            model.add_constraint(constraint!(v <= x[k]));
            per_kind[k].add_mul(1.0, v);
        }
    }
    for (k, load) in per_kind.into_iter().enumerate() {
        let cap = kinds[k].0.cap as f64;
        model.add_constraint(constraint!(load <= cap * x[k]));
    }
    let sol = model.solve().ok()?;
    let xs = x.iter().map(|&v| sol.value(v)).collect();
    let mut per = vec![vec![0.0; n]; kinds.len()];
    for (e, row) in seat.iter().enumerate() {
        for &(k, v) in row {
            per[k][e] = sol.value(v);
        }
    }
    Some((xs, per))
}

/// A crew of `size` made by rounding the relaxation `relaxed`: whole parts first, then
/// one more of the kinds with the largest fractional parts (ties by kind order).
fn rounded(
    panels: &[u32],
    same_subject: u32,
    kinds: &[(Kind, u32)],
    relaxed: &[f64],
    size: usize,
) -> Option<Crew> {
    let mut x: Vec<u32> = relaxed
        .iter()
        .zip(kinds)
        .map(|(v, (_, a))| ((v + 1e-6).floor().max(0.0) as u32).min(*a))
        .collect();
    let mut order: Vec<usize> = (0..kinds.len()).collect();
    // Largest fraction first; the key is exact in integers (millionths).
    order.sort_by_key(|&k| {
        let frac = relaxed[k] - x[k] as f64;
        (std::cmp::Reverse((frac * 1e6).round() as i64), k)
    });
    let mut have: usize = x.iter().map(|&v| v as usize).sum();
    for &k in order.iter().cycle().take(order.len() * 2) {
        if have >= size {
            break;
        }
        if x[k] < kinds[k].1 && relaxed[k] > x[k] as f64 - 1.0 + 1e-6 {
            x[k] += 1;
            have += 1;
        }
    }
    if have != size {
        return None;
    }
    crew_of(panels, same_subject, kinds, x, size)
}

/// Whether `crew` satisfies every constraint of the program exactly.
pub fn crew_is_valid(
    crew: &Crew,
    panels: &[u32],
    same_subject: u32,
    pool: &BTreeMap<Kind, u32>,
) -> bool {
    let n = panels.len();
    let mut seats = vec![0u32; n];
    let mut same = vec![0u32; n];
    for (kind, m, per) in &crew.kinds {
        if per.len() != n || pool.get(kind).copied().unwrap_or(0) < *m {
            return false;
        }
        let load: u32 = per.iter().sum();
        if load > kind.cap * m {
            return false;
        }
        for (e, &s) in per.iter().enumerate() {
            if s > *m || (s > 0 && kind.allowed & (1u64 << e) == 0) {
                return false;
            }
            seats[e] += s;
            if kind.subject & (1u64 << e) != 0 {
                same[e] += s;
            }
        }
    }
    (0..n).all(|e| seats[e] == panels[e] && same[e] >= same_subject.min(panels[e]))
        && crew.size
            == crew
                .kinds
                .iter()
                .map(|(_, m, _)| *m as usize)
                .sum::<usize>()
}

/// A crew of exactly `size`, picked greedily by kind (most still-wanted subject seats
/// covered, then most evaluations allowed, then largest daily limit), kept only when a
/// flow deals every panel. `None` says nothing about whether such a crew exists.
fn greedy_at(
    panels: &[u32],
    same_subject: u32,
    kinds: &[(Kind, u32)],
    size: usize,
) -> Option<Crew> {
    let n = panels.len();
    let mut want: Vec<u32> = panels.iter().map(|&p| same_subject.min(p)).collect();
    let mut left: Vec<u32> = kinds.iter().map(|(_, a)| *a).collect();
    let mut x = vec![0u32; kinds.len()];
    for _ in 0..size {
        let best = (0..kinds.len()).filter(|&k| left[k] > 0).max_by_key(|&k| {
            let kind = &kinds[k].0;
            let covers = kind.allowed & kind.subject;
            let wanted: u32 = (0..n)
                .filter(|&e| covers >> e & 1 == 1)
                .map(|e| want[e].min(1))
                .sum();
            (
                wanted,
                kind.allowed.count_ones(),
                kind.cap,
                std::cmp::Reverse(k),
            )
        })?;
        left[best] -= 1;
        x[best] += 1;
        let covers = kinds[best].0.allowed & kinds[best].0.subject;
        for (e, w) in want.iter_mut().enumerate() {
            if covers >> e & 1 == 1 {
                *w = w.saturating_sub(1);
            }
        }
    }
    crew_of(panels, same_subject, kinds, x, size)
}

/// The crew of `size` with `x[k]` members of kind `k` (kinds without members left
/// out), each kind's seats on each evaluation dealt by [`deal_counts`]. `None` when
/// some panel cannot be filled.
fn crew_of(
    panels: &[u32],
    same_subject: u32,
    kinds: &[(Kind, u32)],
    x: Vec<u32>,
    size: usize,
) -> Option<Crew> {
    let per = deal_counts(panels, same_subject, kinds, &x)?;
    let kinds: Vec<(Kind, u32, Vec<u32>)> = kinds
        .iter()
        .zip(x)
        .zip(per)
        .filter(|((_, m), _)| *m > 0)
        .map(|(((k, _), m), p)| (*k, m, p))
        .collect();
    Some(Crew { size, kinds })
}

/// Seats of each kind on each evaluation for a crew of `x[k]` members of kind `k`, by
/// a maximum flow: source → (evaluation, subject seats | other seats) → (evaluation,
/// kind) [≤ x] → kind [≤ cap · x] → sink. `None` when some panel cannot be filled.
fn deal_counts(
    panels: &[u32],
    same_subject: u32,
    kinds: &[(Kind, u32)],
    x: &[u32],
) -> Option<Vec<Vec<u32>>> {
    let n = panels.len();
    let nk = kinds.len();
    // Nodes: 0 source, 1 sink, then 2 per evaluation, then n·nk pairs, then nk kinds.
    let pair = |e: usize, k: usize| 2 + 2 * n + e * nk + k;
    let kind_node = |k: usize| 2 + 2 * n + n * nk + k;
    let mut g = MaxFlow::new(2 + 2 * n + n * nk + nk);
    let mut pair_arcs = Vec::new();
    for (e, &p) in panels.iter().enumerate() {
        let s = same_subject.min(p);
        let (subj, rest) = (2 + 2 * e, 3 + 2 * e);
        g.arc(0, subj, s as i64);
        g.arc(0, rest, (p - s) as i64);
        for (k, (kind, _)) in kinds.iter().enumerate() {
            if x[k] == 0 || kind.allowed >> e & 1 == 0 {
                continue;
            }
            if kind.subject >> e & 1 == 1 {
                g.arc(subj, pair(e, k), i64::from(p));
            }
            g.arc(rest, pair(e, k), i64::from(p));
            pair_arcs.push((e, k, g.arc(pair(e, k), kind_node(k), i64::from(x[k]))));
        }
    }
    for (k, (kind, _)) in kinds.iter().enumerate() {
        g.arc(kind_node(k), 1, i64::from(kind.cap) * i64::from(x[k]));
    }
    let seats: i64 = panels.iter().map(|&p| i64::from(p)).sum();
    if g.run(0, 1) != seats {
        return None;
    }
    let mut per = vec![vec![0u32; n]; nk];
    for (e, k, a) in pair_arcs {
        per[k][e] = g.flow(a) as u32;
    }
    Some(per)
}

/// A small maximum flow (shortest augmenting paths) for [`deal_counts`] and the bound
/// on evaluations placed.
pub(super) struct MaxFlow {
    adj: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<i64>,
}

impl MaxFlow {
    pub(super) fn new(nodes: usize) -> MaxFlow {
        MaxFlow {
            adj: vec![Vec::new(); nodes],
            to: Vec::new(),
            cap: Vec::new(),
        }
    }

    /// Adds a node; its number is the previous node count.
    pub(super) fn add_node(&mut self) {
        self.adj.push(Vec::new());
    }

    pub(super) fn arc(&mut self, u: usize, v: usize, cap: i64) -> usize {
        let e = self.to.len();
        self.adj[u].push(e);
        self.to.push(v);
        self.cap.push(cap);
        self.adj[v].push(e + 1);
        self.to.push(u);
        self.cap.push(0);
        e
    }

    fn flow(&self, e: usize) -> i64 {
        self.cap[e ^ 1]
    }

    pub(super) fn run(&mut self, s: usize, t: usize) -> i64 {
        let mut total = 0;
        loop {
            let mut via: Vec<Option<usize>> = vec![None; self.adj.len()];
            let mut queue = std::collections::VecDeque::from([s]);
            let mut seen = vec![false; self.adj.len()];
            seen[s] = true;
            while let Some(u) = queue.pop_front() {
                for &e in &self.adj[u] {
                    let v = self.to[e];
                    if self.cap[e] > 0 && !seen[v] {
                        seen[v] = true;
                        via[v] = Some(e);
                        queue.push_back(v);
                    }
                }
            }
            if !seen[t] {
                return total;
            }
            let mut push = i64::MAX;
            let mut v = t;
            while let Some(e) = via[v] {
                push = push.min(self.cap[e]);
                v = self.to[e ^ 1];
            }
            let mut v = t;
            while let Some(e) = via[v] {
                self.cap[e] -= push;
                self.cap[e ^ 1] += push;
                v = self.to[e ^ 1];
            }
            total += push;
        }
    }
}

/// The kinds worth offering the program: a kind is dropped when kinds covering it have
/// at least `seats` evaluators between them (no crew needs more than `seats`).
fn useful_kinds(pool: &BTreeMap<Kind, u32>, seats: u32) -> Vec<(Kind, u32)> {
    let all: Vec<(Kind, u32)> = pool
        .iter()
        .filter(|(k, a)| **a > 0 && k.allowed != 0 && k.cap > 0)
        .map(|(k, a)| (*k, *a))
        .collect();
    all.iter()
        .filter(|(k, _)| {
            let better: u32 = all
                .iter()
                .filter(|(o, _)| o != k && o.covers(k))
                .map(|(_, a)| *a)
                .sum();
            better < seats
        })
        .copied()
        .collect()
}

/// Deals panels from concrete members: `members[i]` are the evaluators chosen for
/// `crew.kinds[i]` (exactly that many). Returns each evaluation's panel, sorted.
pub fn deal(crew: &Crew, members: &[Vec<usize>], n: usize) -> Vec<Vec<usize>> {
    let mut panels: Vec<Vec<usize>> = vec![Vec::new(); n];
    for ((_, _, per), people) in crew.kinds.iter().zip(members) {
        if people.is_empty() {
            continue;
        }
        // Wrap-around: each evaluation takes the next `per[e]` members in turn.
        let mut next = 0usize;
        for (e, &s) in per.iter().enumerate() {
            for _ in 0..s {
                panels[e].push(people[next % people.len()]);
                next += 1;
            }
        }
    }
    for p in &mut panels {
        p.sort_unstable();
    }
    panels
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kind(allowed: u64, subject: u64, cap: u32) -> Kind {
        Kind {
            allowed,
            subject,
            cap,
        }
    }

    #[test]
    fn four_evaluations_one_crew_of_three() {
        // Four evaluations of panel 3, each member may take 4: three people who
        // between them list every subject do it all.
        let pool = BTreeMap::from([(kind(0b1111, 0b0011, 4), 2), (kind(0b1111, 0b1100, 4), 1)]);
        let c = min_crew(&[3, 3, 3, 3], 1, &pool).unwrap();
        assert_eq!(c.size, 3);
        let members: Vec<Vec<usize>> = c
            .kinds
            .iter()
            .scan(0, |next, (_, m, _)| {
                let v: Vec<usize> = (*next..*next + *m as usize).collect();
                *next += *m as usize;
                Some(v)
            })
            .collect();
        let panels = deal(&c, &members, 4);
        assert!(panels.iter().all(|p| p == &vec![0, 1, 2]));
    }

    #[test]
    fn subject_needs_grow_the_crew() {
        // Two evaluations needing 2 of their (different) subject each; nobody lists both.
        let pool = BTreeMap::from([
            (kind(0b11, 0b01, 4), 5),
            (kind(0b11, 0b10, 4), 5),
            (kind(0b11, 0b00, 4), 5),
        ]);
        assert_eq!(min_crew(&[3, 3], 2, &pool).unwrap().size, 4);
        // Recusal: the ones listing evaluation 1's subject may not sit on it.
        let pool = BTreeMap::from([(kind(0b01, 0b10, 4), 5), (kind(0b11, 0b00, 4), 5)]);
        assert_eq!(min_crew(&[3, 3], 1, &pool), None);
    }

    #[test]
    fn daily_limit_counts() {
        let pool = BTreeMap::from([(kind(0b111, 0b111, 2), 9)]);
        // 9 seats, 2 each: 5 people.
        assert_eq!(min_crew(&[3, 3, 3], 1, &pool).unwrap().size, 5);
        assert_eq!(crew_floor(&[3, 3, 3], 2), 5);
        assert_eq!(crew_floor(&[3], 4), 3);
    }
}
