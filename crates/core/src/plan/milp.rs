//! The MILP of one component, built with good_lp and solved by microlp's branch and
//! bound.
//!
//! Variables: `y[arc]` teachers moved along an arc (supply → post group), `c[supply][b][v]`
//! teachers moved by backbone/volunteer class, `short[s]` quota shortfall, per sending
//! school the integer counts of backbone and of other teachers it sends, and per
//! backbone group `k[g]` = ceil(share × sent) and `bshort[g]`. Only the per-school
//! counts and k are integer: once they are fixed, what is left is a flow from each
//! school's two lanes through its supplies to the post groups with integer
//! capacities, whose basic solutions are integral (network matrices are totally
//! unimodular), so the branch and bound branches on a few dozen variables instead of
//! one per arc. The relaxation is tightened where the deficit behaves as a fixed
//! charge (a school at a low share of eligible teachers owes one backbone teacher
//! for its first teacher sent): k is bounded below by the lower convex hull of the
//! staircase ceil(share × sent) instead of share × sent alone, and, for groups that
//! can owe at most one backbone teacher, every arc of their schools carries the
//! variable upper bound `y ≤ u·k` of the strong fixed-charge formulation (Padberg,
//! Van Roy and Wolsey, "Valid linear inequalities for fixed charge problems",
//! Operations Research 33(4), 1985; Wolsey, *Integer Programming*, 1998, §1.5 and
//! §7.4 on the strong facility-location formulation). On the target-search probes
//! of the Nanchang horizon this closes most components at the root, where the bare
//! envelope left microlp thousands of nodes short. Objective levels, in order: (1) minimise
//! shortfall, (2) maximise Σ priority of filled posts, (3) maximise volunteers sent.
//! Levels are folded into one weighted objective when the weights stay small enough
//! for exact integer arithmetic in the solver's doubles; otherwise they are solved one
//! after another, each fixing the optimum of the one before.
//!
//! When the folded solve does not close, [`prove_levels`] takes the best plan found
//! and proves it level by level: the least shortfall of the relaxation, rounded up,
//! then the most priority among plans of that shortfall, rounded down (then, for a
//! plan's own outputs, the most volunteers among plans of both). The folded
//! objective's relaxation may owe a fraction of a backbone teacher less than any
//! plan and spend that fraction, worth W1/W2 priority points each, on priority, so its
//! priority bound can stay loose by most of the priority range where the shortfall is
//! already proven; with the shortfall held at its proven least, the same relaxation's
//! priority bound is exact at the root on the Nanchang probe components of this kind.
//!
//! The solve is bounded by a number of branch-and-bound nodes derived from
//! `--time-limit`, never by the clock,
//! so a component gives the same answer on any machine and thread count.

use super::problem::Component;
use super::SolverError;
use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolutionStatus,
    SolverModel, Variable,
};
use std::collections::HashMap;

/// Largest objective magnitude we let a single weighted solve reach.
const SAFE_MAGNITUDE: f64 = 1e8;

/// Branch-and-bound nodes per second of `--time-limit` for a component of 1,000 arcs
/// (fewer for larger ones: each node solves a larger LP). A budget, so approximate in
/// seconds; the root LP is not counted.
const NODES_PER_SECOND: f64 = 400.0;

/// The deterministic node budget of one solver call.
fn node_limit(comp: &Component, time_limit: f64) -> u64 {
    let scale = (comp.arcs.len().max(1) as f64 / 1000.0).max(1.0);
    (time_limit.max(0.0) * NODES_PER_SECOND / scale) as u64
}

/// Whether `time_limit` leaves the MILP of `comp` at least one branch-and-bound node
/// per objective level.
pub fn has_budget(comp: &Component, time_limit: f64) -> bool {
    node_limit(comp, time_limit / 3.0) >= 1
}

/// What the solver decided for one component, in aggregated form.
#[derive(Debug, Clone, Default)]
pub struct ComponentSolution {
    /// Teachers moved along each arc (same order as `Component::arcs`).
    pub arc_flow: Vec<u32>,
    /// Teachers moved per supply, by [backbone][volunteer].
    pub class_flow: Vec<[[u32; 2]; 2]>,
    /// Whether every objective level was proven optimal.
    pub optimal: bool,
    /// How many solver calls it took (1 when levels were folded).
    pub solves: u32,
    /// Branch-and-bound nodes of the flow search or of the MILP.
    pub nodes: usize,
    /// When the search stopped before proving its plan: how far it may be from the
    /// optimum.
    pub gap: Option<Gap>,
}

/// The best plan of a component the search could not prove, against its bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gap {
    /// Shortfall (objective 1) of the plan found.
    pub shortfall: u64,
    /// No plan of the component has a smaller shortfall.
    pub shortfall_bound: u64,
    /// Priority filled (objective 2) by the plan found.
    pub priority: u64,
    /// No plan of the same shortfall fills more priority.
    pub priority_bound: u64,
}

struct Vars {
    y: Vec<Variable>,
    c: Vec<[[Option<Variable>; 2]; 2]>,
    /// Per sender: its integer counts of backbone and of other teachers sent.
    counts: Vec<[Variable; 2]>,
    /// Per backbone group: its integer k (`None` for a group that cannot send).
    k: Vec<Option<Variable>>,
    shortfall: Expression,
    priority: Expression,
    volunteers: Expression,
}

fn build(comp: &Component, pv: &mut ProblemVariables) -> (Vars, Vec<good_lp::Constraint>) {
    let mut cons = Vec::new();
    let y: Vec<Variable> = comp
        .arcs
        .iter()
        .map(|&(si, gi)| {
            let ub = comp.supplies[si]
                .total()
                .min(comp.groups[gi].capacity)
                .min(comp.senders[comp.supplies[si].sender].cap);
            pv.add(variable().min(0).max(ub))
        })
        .collect();
    let mut out_of: Vec<Expression> = vec![Expression::from(0.0); comp.supplies.len()];
    let mut into: Vec<Expression> = vec![Expression::from(0.0); comp.groups.len()];
    let mut priority = Expression::from(0.0);
    for (a, &(si, gi)) in comp.arcs.iter().enumerate() {
        out_of[si].add_mul(1.0, y[a]);
        into[gi].add_mul(1.0, y[a]);
        priority.add_mul(f64::from(comp.groups[gi].priority), y[a]);
    }
    for (gi, g) in comp.groups.iter().enumerate() {
        cons.push(constraint!(into[gi].clone() <= f64::from(g.capacity)));
    }
    let mut sent: Vec<Expression> = vec![Expression::from(0.0); comp.senders.len()];
    let mut bsent: Vec<Expression> = vec![Expression::from(0.0); comp.senders.len()];
    let mut volunteers = Expression::from(0.0);
    let mut c = Vec::with_capacity(comp.supplies.len());
    for (si, sup) in comp.supplies.iter().enumerate() {
        let mut cv: [[Option<Variable>; 2]; 2] = [[None; 2]; 2];
        let mut sum = Expression::from(0.0);
        for (b, row) in cv.iter_mut().enumerate() {
            for (v, slot) in row.iter_mut().enumerate() {
                let n = sup.counts[b][v];
                if n == 0 {
                    continue;
                }
                let x = pv.add(variable().min(0).max(n));
                sum.add_mul(1.0, x);
                sent[sup.sender].add_mul(1.0, x);
                if b == 1 {
                    bsent[sup.sender].add_mul(1.0, x);
                }
                if v == 1 {
                    volunteers.add_mul(1.0, x);
                }
                *slot = Some(x);
            }
        }
        cons.push(constraint!(sum == out_of[si].clone()));
        c.push(cv);
    }
    let mut shortfall = Expression::from(0.0);
    let mut counts = Vec::with_capacity(comp.senders.len());
    for (p, s) in comp.senders.iter().enumerate() {
        // Integral counts per school and lane make every flow below them a network
        // flow with integer data, so the rest may stay continuous.
        let nb = pv.add(variable().integer().min(0).max(s.cap));
        let no = pv.add(variable().integer().min(0).max(s.cap));
        cons.push(constraint!(bsent[p].clone() == nb));
        cons.push(constraint!(sent[p].clone() - bsent[p].clone() == no));
        cons.push(constraint!(sent[p].clone() <= f64::from(s.cap)));
        counts.push([nb, no]);
        if s.quota > 0 {
            let sh = pv.add(variable().min(0).max(s.quota));
            cons.push(constraint!(sh + sent[p].clone() >= f64::from(s.quota)));
            shortfall.add_mul(1.0, sh);
        }
    }
    let mut vars = Vars {
        y,
        c,
        counts,
        k: Vec::new(),
        shortfall,
        priority,
        volunteers,
    };
    add_backbone(comp, pv, &sent, &bsent, &mut vars, &mut cons);
    (vars, cons)
}

/// Adds, per backbone group, `den·k ≥ num·sent` (k = ceil(share × sent) at the
/// optimum, since nothing rewards a larger k) and `bshort ≥ k − bsent`, tightened in
/// two ways that every integer plan satisfies:
///
/// - the facets of the convex hull of {(sent, ceil(share × sent)) : 0 ≤ sent ≤ cap}
///   (the lower hull of the staircase: beyond the envelope `den·k ≥ num·sent`, e.g.
///   `cap·k ≥ sent` when the group can owe at most one backbone teacher);
/// - when the group can owe at most one (k ≤ 1), variable upper bounds
///   `y ≤ u·k` on every arc of its schools (u the arc's largest flow): the classic
///   strong formulation of a fixed charge, which makes a school that sends one
///   teacher along an arc of capacity u pay at least 1/u of the charge in the
///   relaxation instead of share × 1.
fn add_backbone(
    comp: &Component,
    pv: &mut ProblemVariables,
    sent: &[Expression],
    bsent: &[Expression],
    vars: &mut Vars,
    cons: &mut Vec<good_lp::Constraint>,
) {
    let (num, den) = comp.backbone_share;
    if num == 0 {
        return;
    }
    let group_of = comp.backbone_group_of();
    let mut ks = Vec::with_capacity(comp.backbone_groups.len());
    for group in &comp.backbone_groups {
        let max_sent: u32 = group.iter().map(|&p| comp.senders[p].cap).sum();
        if max_sent == 0 {
            ks.push(None);
            vars.k.push(None);
            continue;
        }
        let mut gs = Expression::from(0.0);
        let mut gb = Expression::from(0.0);
        for &p in group {
            gs += sent[p].clone();
            gb += bsent[p].clone();
        }
        let k_max = super::lagrange::ceil_share(max_sent, num, den);
        let k = pv.add(variable().integer().min(0).max(k_max));
        vars.k.push(Some(k));
        let bshort = pv.add(variable().min(0).max(max_sent));
        cons.push(constraint!(den as f64 * k >= (num as f64) * gs.clone()));
        for ((s1, f1), (s2, f2)) in staircase_hull(max_sent, num, den) {
            // (s2 − s1)(k − f1) ≥ (f2 − f1)(sent − s1)
            let (ds, df) = (f64::from(s2 - s1), f64::from(f2 - f1));
            cons.push(constraint!(
                ds * k - df * gs.clone() >= ds * f64::from(f1) - df * f64::from(s1)
            ));
        }
        cons.push(constraint!(bshort + gb >= k));
        vars.shortfall.add_mul(1.0, bshort);
        ks.push((k_max == 1).then_some(k));
    }
    for (a, &(si, gi)) in comp.arcs.iter().enumerate() {
        let p = comp.supplies[si].sender;
        let Some(Some(k)) = group_of[p].and_then(|g| ks.get(g)) else {
            continue;
        };
        let u = comp.supplies[si]
            .total()
            .min(comp.groups[gi].capacity)
            .min(comp.senders[p].cap);
        if u > 0 {
            let y = vars.y[a];
            cons.push(constraint!(y <= f64::from(u) * *k));
        }
    }
}

/// The edges of the lower convex hull of the points (s, ceil(num/den × s)) for
/// s = 0 ..= cap, as ((s1, f1), (s2, f2)); empty beyond a few thousand points (the
/// envelope alone is then used).
fn staircase_hull(cap: u32, num: i64, den: i64) -> Vec<((u32, u32), (u32, u32))> {
    use super::lagrange::ceil_share;
    if cap > 4000 {
        return Vec::new();
    }
    let mut hull: Vec<(u32, u32)> = Vec::new();
    for s in 0..=cap {
        let p = (s, ceil_share(s, num, den));
        // Drop the last point while it lies on or above the segment from the one
        // before it to p (cross product ≤ 0).
        while hull.len() >= 2 {
            let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            let cross = (i64::from(b.0) - i64::from(a.0)) * (i64::from(p.1) - i64::from(a.1))
                - (i64::from(b.1) - i64::from(a.1)) * (i64::from(p.0) - i64::from(a.0));
            if cross <= 0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(p);
    }
    hull.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Solves one component to the lexicographic optimum (or the best found within
/// the work of `time_limit` seconds, with `optimal: false`).
pub fn solve(comp: &Component, time_limit: f64) -> Result<ComponentSolution, SolverError> {
    if comp.arcs.is_empty() {
        return Ok(ComponentSolution {
            arc_flow: Vec::new(),
            class_flow: vec![[[0; 2]; 2]; comp.supplies.len()],
            optimal: true,
            solves: 0,
            nodes: 0,
            gap: None,
        });
    }
    let v_max: f64 = comp
        .supplies
        .iter()
        .map(|s| f64::from(s.counts[0][1] + s.counts[1][1]))
        .sum();
    let p_max = comp.max_priority() as f64;
    let s_max: f64 = comp
        .senders
        .iter()
        .map(|s| f64::from(s.quota) + f64::from(s.cap))
        .sum();
    let w2 = v_max + 1.0;
    let w1 = w2 * p_max + v_max + 1.0;
    if w1 * s_max + w2 * p_max <= SAFE_MAGNITUDE {
        let mut pv = ProblemVariables::new();
        let (vars, cons) = build(comp, &mut pv);
        let objective =
            w1 * vars.shortfall.clone() - w2 * vars.priority.clone() - vars.volunteers.clone();
        let index = indices(&pv);
        let budget = node_limit(comp, time_limit);
        let (sol, optimal, nodes) = run((pv.minimise(objective), index), cons, budget)?;
        return extract(comp, &vars, &sol, (optimal, 1, nodes));
    }
    // Lexicographic, one level at a time.
    let mut fixed: Vec<(u8, f64)> = Vec::new();
    let mut optimal = true;
    let mut nodes = 0;
    for level in 0..3u8 {
        let budget = node_limit(comp, time_limit / 3.0);
        let (r, vars) = solve_level(comp, level, &fixed, budget, None)?;
        optimal &= r.optimal;
        nodes += r.nodes;
        let sol = r.values.ok_or(SolverError::NoPlanWithinBudget)?;
        if level == 2 {
            return extract(comp, &vars, &sol, (optimal, 3, nodes));
        }
        let value = match level {
            0 => vars.shortfall.eval_with(&sol).round(),
            _ => vars.priority.eval_with(&sol).round(),
        };
        fixed.push((level, value));
    }
    Err(SolverError::LevelsExhausted)
}

/// Optimises objective level `level` (0: shortfall, 1: priority, 2: volunteers) with
/// the levels before it held at `fixed`, within `budget` nodes, starting from the
/// plan `from` when there is one.
fn solve_level(
    comp: &Component,
    level: u8,
    fixed: &[(u8, f64)],
    budget: u64,
    from: Option<&ComponentSolution>,
) -> Result<(Run, Vars), SolverError> {
    let mut pv = ProblemVariables::new();
    let (vars, mut cons) = build(comp, &mut pv);
    for &(l, value) in fixed {
        cons.push(match l {
            0 => constraint!(vars.shortfall.clone() <= value + 0.5),
            1 => constraint!(vars.priority.clone() >= value - 0.5),
            _ => constraint!(vars.volunteers.clone() >= value - 0.5),
        });
    }
    let index = indices(&pv);
    let problem = match level {
        0 => pv.minimise(vars.shortfall.clone()),
        1 => pv.maximise(vars.priority.clone()),
        _ => pv.maximise(vars.volunteers.clone()),
    };
    let start = from.map(|sol| hint(comp, &vars, sol));
    let r = run_hinted((problem, index), cons, budget, start)?;
    Ok((r, vars))
}

/// Proves levels (1) and (2) of a plan found elsewhere (the flow search's best), one
/// level at a time: the least shortfall of the relaxation, rounded up (shortfall is an
/// integer), must reach the plan's; then, among plans of that shortfall, the most
/// priority of the relaxation, rounded down, must not pass the plan's. Each level
/// starts from the plan (its per-school counts and k as a hint), so the branch and
/// bound prunes from its first node.
///
/// Solving the levels apart is what makes the difference on fixed-charge components:
/// the folded objective W1·shortfall − W2·priority lets a relaxation that owes a
/// fraction of a backbone teacher less spend that fraction, worth W1/W2 priority
/// points each, on priority, so its bound on priority is loose by up to the whole
/// priority range even where the shortfall is already proven. With the shortfall
/// fixed at its proven least, the priority bound of the same relaxation is exact at
/// the root on the Nanchang probe components that neither solver closed before.
///
/// Returns the plan proven at both levels: `incumbent`, or a better one the branch
/// and bound found; `None` when the budget did not prove either. Levels (3) and
/// below are not proven (the result says so through its `gap`).
pub fn prove_levels(
    comp: &Component,
    time_limit: f64,
    incumbent: &ComponentSolution,
    volunteers: bool,
) -> Result<Option<ComponentSolution>, SolverError> {
    if comp.arcs.is_empty() {
        return Ok(None);
    }
    let budget = node_limit(comp, time_limit / if volunteers { 3.0 } else { 2.0 });
    let levels = |s: &ComponentSolution| super::unproven::levels(comp, s);
    // Level (1): the relaxation's least shortfall, rounded up, must reach the plan's,
    // or the branch and bound must have closed at a better plan.
    let (first, vars) = solve_level(comp, 0, &[], budget, Some(incumbent))?;
    let least = first.bound.map_or(f64::NEG_INFINITY, |b| (b - 1e-6).ceil());
    let mut incumbent = incumbent.clone();
    if least < levels(&incumbent).0 as f64 {
        let Some(values) = first.values.as_ref().filter(|_| first.optimal) else {
            return Ok(None);
        };
        incumbent = extract(comp, &vars, values, (false, 1, first.nodes))?;
        if (levels(&incumbent).0 as f64) > least {
            return Ok(None);
        }
    }
    let (shortfall, priority) = levels(&incumbent);
    // Level (2), the shortfall held at the plan's: the most priority, rounded down.
    let fixed = [(0u8, shortfall as f64)];
    let (second, vars) = solve_level(comp, 1, &fixed, budget, Some(&incumbent))?;
    let most = second.bound.map_or(f64::INFINITY, |b| (b + 1e-6).floor());
    let mut sol = if most <= priority as f64 {
        incumbent
    } else {
        // The branch and bound closed level (2) at a better plan than the incumbent.
        let Some(values) = second.values.as_ref().filter(|_| second.optimal) else {
            return Ok(None);
        };
        let better = extract(comp, &vars, values, (false, 2, second.nodes))?;
        let (s, p) = levels(&better);
        if s != shortfall || (p as f64) < most {
            return Ok(None);
        }
        better
    };
    let (_, best_priority) = levels(&sol);
    let gap = Gap {
        shortfall,
        shortfall_bound: shortfall,
        priority: best_priority,
        priority_bound: best_priority,
    };
    if !volunteers {
        sol.optimal = false;
        sol.gap = Some(gap);
        return Ok(Some(sol));
    }
    // Level (3), both held: the most volunteers, proven by the branch and bound.
    let fixed = [(0u8, shortfall as f64), (1, best_priority as f64)];
    let (third, vars) = solve_level(comp, 2, &fixed, budget, Some(&sol))?;
    let Some(values) = third.values.as_ref().filter(|_| third.optimal) else {
        return Ok(None);
    };
    let nodes = first.nodes + second.nodes + third.nodes;
    let full = extract(comp, &vars, values, (true, 3, nodes))?;
    let (s, p) = levels(&full);
    Ok((s == shortfall && p == best_priority).then_some(full))
}

/// A plan's integer variables (per-school counts, each group's k) as a hint.
fn hint(comp: &Component, vars: &Vars, sol: &ComponentSolution) -> Vec<(Variable, f64)> {
    let mut sent = vec![[0u32; 2]; comp.senders.len()];
    for (si, cf) in sol.class_flow.iter().enumerate() {
        let p = comp.supplies[si].sender;
        sent[p][0] += cf[1][0] + cf[1][1];
        sent[p][1] += cf[0][0] + cf[0][1];
    }
    let mut out = Vec::new();
    for (v, n) in vars.counts.iter().zip(&sent) {
        out.push((v[0], f64::from(n[0])));
        out.push((v[1], f64::from(n[1])));
    }
    let (num, den) = comp.backbone_share;
    for (k, members) in vars.k.iter().zip(&comp.backbone_groups) {
        if let Some(k) = k {
            let gs: u32 = members.iter().map(|&p| sent[p][0] + sent[p][1]).sum();
            out.push((*k, f64::from(super::lagrange::ceil_share(gs, num, den))));
        }
    }
    out
}

/// The position of each variable in creation order, which is microlp's order too.
fn indices(pv: &ProblemVariables) -> HashMap<Variable, usize> {
    pv.iter_variables_with_def()
        .enumerate()
        .map(|(i, (v, _))| (v, i))
        .collect()
}

/// Values of a microlp solution, by good_lp variable.
struct Values {
    index: HashMap<Variable, usize>,
    values: Vec<f64>,
}

impl Solution for Values {
    fn status(&self) -> SolutionStatus {
        SolutionStatus::Optimal
    }

    fn value(&self, v: Variable) -> f64 {
        self.index
            .get(&v)
            .and_then(|&i| self.values.get(i))
            .copied()
            .unwrap_or(0.0)
    }
}

/// Solves within `nodes` branch-and-bound nodes (never the clock, so that the answer
/// does not depend on the machine or its load). The values, whether they are proven optimal, and the nodes solved.
fn run(
    problem: (good_lp::variable::UnsolvedProblem, HashMap<Variable, usize>),
    cons: Vec<good_lp::Constraint>,
    nodes: u64,
) -> Result<(Values, bool, usize), SolverError> {
    let r = run_hinted(problem, cons, nodes, None)?;
    let values = r.values.ok_or(SolverError::NoPlanWithinBudget)?;
    Ok((values, r.optimal, r.nodes))
}

/// What one bounded solver call found.
struct Run {
    /// The best plan found, if any.
    values: Option<Values>,
    optimal: bool,
    nodes: usize,
    /// The best proven bound on the objective (in its own direction), if any.
    bound: Option<f64>,
}

/// Solves within `nodes` branch-and-bound nodes, starting from `hint` (values of some
/// variables, which the solver fixes and completes into its first plan when it can).
fn run_hinted(
    (problem, index): (good_lp::variable::UnsolvedProblem, HashMap<Variable, usize>),
    cons: Vec<good_lp::Constraint>,
    nodes: u64,
    hint: Option<Vec<(Variable, f64)>>,
) -> Result<Run, SolverError> {
    let mut model = problem.using(microlp);
    for c in cons {
        model.add_constraint(c);
    }
    let mut opts = ::microlp::SolveOptions::default();
    opts.node_limit = Some(nodes.max(1));
    opts.warm_start = hint.map(|h| {
        let handles = microlp_handles(index.len());
        h.into_iter()
            .filter_map(|(v, x)| index.get(&v).map(|&i| (handles[i], x)))
            .collect()
    });
    let outcome = model
        .as_inner()
        .solve_with(opts)
        .map_err(SolverError::Backend)?;
    let stats = outcome.stats();
    let optimal = outcome.is_optimal();
    // Saturating: a count beyond usize is as good as usize::MAX for the figures.
    let nodes = usize::try_from(stats.nodes_solved).unwrap_or(usize::MAX);
    let values = outcome.into_solution().ok().map(|sol| Values {
        index,
        values: sol.iter().map(|(_, x)| x).collect(),
    });
    Ok(Run {
        values,
        optimal,
        nodes,
        bound: stats.best_bound,
    })
}

/// microlp's handles of the first `n` variables of a problem. A handle is the
/// variable's creation index (`microlp::Variable::idx`) and good_lp creates them in
/// its own order (`indices`), so the handles of a scratch problem with `n` variables
/// are those of the model.
fn microlp_handles(n: usize) -> Vec<::microlp::Variable> {
    let mut scratch = ::microlp::Problem::new(::microlp::OptimizationDirection::Minimize);
    (0..n).map(|_| scratch.add_var(0.0, (0.0, 0.0))).collect()
}

fn extract(
    comp: &Component,
    vars: &Vars,
    sol: &impl Solution,
    (optimal, solves, nodes): (bool, u32, usize),
) -> Result<ComponentSolution, SolverError> {
    let round = |x: f64| x.round().max(0.0) as u32;
    ComponentSolution {
        arc_flow: vars.y.iter().map(|&v| round(sol.value(v))).collect(),
        class_flow: vars
            .c
            .iter()
            .map(|cv| {
                let mut out = [[0u32; 2]; 2];
                for b in 0..2 {
                    for v in 0..2 {
                        if let Some(x) = cv[b][v] {
                            out[b][v] = round(sol.value(x));
                        }
                    }
                }
                out
            })
            .collect(),
        optimal,
        solves,
        nodes,
        gap: None,
    }
    .balanced(comp)
}

impl ComponentSolution {
    /// Rejects a solver answer whose rounded flows do not balance; such an answer is
    /// reported, never turned into a plan.
    fn balanced(self, comp: &Component) -> Result<Self, SolverError> {
        let mut out = vec![0u32; comp.supplies.len()];
        for (a, &(si, _)) in comp.arcs.iter().enumerate() {
            out[si] += self.arc_flow[a];
        }
        for (si, cf) in self.class_flow.iter().enumerate() {
            let s: u32 = cf.iter().flatten().sum();
            if s != out[si] {
                return Err(SolverError::Unbalanced {
                    supply: si,
                    classes: s,
                    arcs: out[si],
                });
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hull edge lies on or below every point of the staircase (a valid
    /// inequality) and touches it at both ends (a facet of the hull).
    #[test]
    fn staircase_hull_edges_are_valid_and_tight() {
        use super::super::lagrange::ceil_share;
        for (num, den) in [(1, 5), (1, 10), (3, 10), (1, 2), (1, 1), (7, 20), (1, 3)] {
            for cap in 0..40u32 {
                let edges = staircase_hull(cap, num, den);
                assert_eq!(edges.is_empty(), cap == 0);
                for &((s1, f1), (s2, f2)) in &edges {
                    assert!(s2 > s1);
                    assert_eq!(
                        (f1, f2),
                        (ceil_share(s1, num, den), ceil_share(s2, num, den))
                    );
                    for s in 0..=cap {
                        let f = i64::from(ceil_share(s, num, den));
                        let lhs = i64::from(s2 - s1) * (f - i64::from(f1));
                        let rhs = i64::from(f2 - f1) * (i64::from(s) - i64::from(s1));
                        assert!(lhs >= rhs, "{num}/{den} cap {cap} s {s}");
                    }
                }
            }
        }
        // One backbone teacher owed at most: cap·k ≥ sent.
        assert_eq!(staircase_hull(3, 1, 5), vec![((0, 0), (3, 1))]);
    }
}
