//! Exact solution of one component by branch and bound over min-cost flows.
//!
//! Without the backbone rule the year's problem is a min-cost flow: source → group of
//! sending schools → school (the first `quota` teachers earn the quota reward) →
//! backbone / other lane → (school, subject, class) supply → post group → sink. The
//! backbone rule `backbone_sent ≥ ceil(share × sent)` is a fixed charge, so it is
//! handled by branching on k = ceil(share × sent) per backbone group:
//! a node fixes lo ≤ k ≤ hi, caps the group's sent at N(hi) = floor(hi / share) and
//! charges the deficit lo − backbone_sent, which never exceeds the true deficit inside
//! the node. Every node's flow is also a real plan, so each node yields an incumbent
//! and a bound; the search is exact when it closes.
//!
//! A group of several schools (backbone share counted per district or per plan) owes
//! max(0, k − Σ_p b_p) for its members' backbone counts b_p. A flow cannot count
//! Σ_p b_p against lo at the group (each school's cap and quota sit on its own node,
//! which the group's backbone lanes would cross), so each member p has its own reward
//! arc. Giving each the whole lo lets every member count the same lo — a bonus of up
//! to (members − 1)·lo·W1 that no branching on k removes (issue 18: the search of
//! such a component never closed). Instead the search also branches on the
//! allocation k = Σ_p k_p of the group's requirement among its members, with bounds
//! lo_p ≤ k_p ≤ hi_p per member: the group's deficit is min over allocations of
//! Σ_p max(0, k_p − b_p). A node charges W1·lo and lets member p count at most
//! r_p = min(hi_p, lo_p + U) backbone teachers against it, U = lo − Σ_q lo_q being the
//! part of lo not yet allocated. For every plan in the node,
//! Σ_p min(b_p, r_p) ≥ Σ_p min(b_p, lo_p) + min(U, Σ_p min(b_p − lo_p, hi_p − lo_p)⁺),
//! which is lo less the least deficit any allocation within the bounds leaves, so the
//! charge is a valid lower bound. When the node's plan owes more than it is charged
//! and its k is above lo, the search splits on k as above; otherwise (k ≤ lo) several
//! members counted the same part of U, and the search splits on the member p that
//! counted most, m of it: k_p ≤ lo_p + m − 1, or k_p ≥ lo_p + m. Both children shrink
//! a finite domain, and a node whose plan owes no more than its charge is closed (its
//! bound is its plan's cost), so the search always closes. A group of one school has
//! U = lo and r_p = lo, exactly the charge it had before.
//!
//! A school on its own without a backbone teacher that could move owes
//! ceil(share × sent) whatever it does; while its k is unbounded below the flow
//! charges it the first edge of that staircase's lower convex hull per teacher sent
//! (slope min_s ceil(share × s) / s ≥ share; 1/cap when it can owe at most one),
//! rounded down to integer cost.
//!
//! All objective levels are folded into one integer cost with weights that keep them
//! lexicographic: W1·shortfall − W2·priority − WK·kept − Σ_r R_r·wishes_met(r)
//! − W3·volunteers − backbone_sent (kept: previous moves kept, level (3); wishes_met(r):
//! moved teachers placed at their rank-r wish, level (4), rank-maximal). A teacher with
//! wishes or a previous move has a supply of their own and each of their target
//! schools has post groups of its own (`problem.rs`), so "placed at school X" is one
//! arc and the levels are arc rewards: the flow model, its bounds and the branching
//! are unchanged. The weights are built bottom-up, each one above the whole range of
//! the levels below it: W3 = (backbone + 1)·unit, R_5 = W3·(volunteers + 1),
//! R_r = R_{r+1}·(n_{r+1} + 1), WK = R_1·(n_1 + 1), W2 = WK·(n_K + 1),
//! W1 = W2·(Σ priority × posts + 1), where n_l = the number of teachers with an arc of
//! level l (each counts at most once in its level). With five wish ranks on a district
//! of thousands of teachers these products pass 2^63, so costs, potentials and bounds
//! are exact 128-bit integers (`flow::Cost`); no floating point is involved. A
//! component whose weights would not fit 128 bits is not solved by the search (its
//! outcome says so), never rounded. Most components' networks fit 64 bits all the
//! same (checked exactly by `flow::fits_64` from the node count, the largest arc
//! cost and the teachers), and are searched with 64-bit flows, which compute the
//! same integers with about a fifth less work on the largest components; should a
//! 64-bit warm start's potentials still leave their range, the component is searched
//! again in 128 bits, so the width never changes a plan. A search stopped by its
//! work budget reports its least open bound, read back into levels (1) and (2): the
//! least shortfall any plan may have, and the most priority a plan of the found
//! plan's shortfall may fill.

use super::flow::{fits_64, Cost, FlowCost, FlowError, Graph, Warm};
use super::lagrange::{self, ceil_share, max_sent_for};
use super::milp::{ComponentSolution, Gap};
use super::problem::Component;
use super::weights::Weights;
use std::collections::{BTreeMap, BinaryHeap};

/// Memory the open nodes of one search may hold in warm-start states. Two searches
/// run at once on two cores, so this bounds the solver's peak well below a national
/// run's budget.
const WARM_BUDGET: usize = 64 << 20;

/// Warm-started node evaluations per second on the reference machine (2 shared cores)
/// for a component of unit size (aggregated arcs + supplies + senders); a node of a
/// component of size n counts 1/n of that. `--time-limit` is turned into this
/// deterministic budget, so it is approximate in seconds.
const WORK_PER_SECOND: f64 = 8.0e6;

/// A cold solve counts as this many warm ones.
const COLD_WORK: u64 = 10;

/// Bounds on k = ceil(share × sent) of each backbone group, and on the part k_p of
/// it allocated to each member school of a group of several schools.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    lo: Vec<u32>,
    hi: Vec<u32>,
    /// (sender, lo_p, hi_p) of the senders whose allocation bounds were branched on,
    /// by sender; every other sender has [0, k_max of its group].
    alloc: Vec<(usize, u32, u32)>,
}

impl Node {
    /// Dense per-sender allocation bounds.
    fn sender_bounds(&self, k_max: &[u32], group_of: &[usize]) -> (Vec<u32>, Vec<u32>) {
        let mut lo = vec![0; group_of.len()];
        let mut hi: Vec<u32> = group_of.iter().map(|&g| k_max[g]).collect();
        for &(p, l, h) in &self.alloc {
            lo[p] = l;
            hi[p] = h;
        }
        (lo, hi)
    }

    fn set_alloc(&mut self, p: usize, bounds: (u32, u32)) {
        match self.alloc.binary_search_by_key(&p, |a| a.0) {
            Ok(i) => self.alloc[i] = (p, bounds.0, bounds.1),
            Err(i) => self.alloc.insert(i, (p, bounds.0, bounds.1)),
        }
    }
}

/// How a node is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Branch {
    /// Group `g`'s k: k ≤ `k` − 1, or k ≥ `k`.
    K { g: usize, k: u32 },
    /// Sender `p`'s allocation k_p of its group's lower bound: k_p ≤ lo_p + `m` − 1,
    /// or k_p ≥ lo_p + `m`.
    Alloc { g: usize, p: usize, m: u32 },
}

/// A solved node: its lower bound and the real plan its flow describes.
struct Solved<C> {
    bound: Cost,
    cost: Cost,
    sol: ComponentSolution,
    /// Where the charged deficit falls furthest below the one the node owes.
    branch: Option<Branch>,
    /// Every group whose k is above its lower bound, with that k (for the diving
    /// heuristic).
    gaps: Vec<(usize, u32)>,
    /// A charge below what the node's plan owes that no branch can fix (never
    /// expected; the search then does not claim optimality).
    stuck: bool,
    /// The node's optimal circulation, for its children to start from.
    warm: Option<Warm<C>>,
    /// Whether the flow was solved from scratch (about ten times the work of a warm
    /// start).
    cold: bool,
}

pub struct Outcome {
    pub solution: ComponentSolution,
    /// The search closed: the plan is the lexicographic optimum.
    pub proven: bool,
}

/// Solves `comp` within the work of `time_limit` seconds on the reference machine
/// (never the clock, so the answer is the same on any machine and under any load);
/// `None` when the
/// weights would not fit in 64 bits (the caller then uses the MILP).
pub fn solve(comp: &Component, time_limit: f64, max_nodes: usize) -> Option<Outcome> {
    let w = Weights::of(comp)?;
    let (num, den) = comp.backbone_share;
    let ngroups = comp.backbone_groups.len();
    let k_max: Vec<u32> = comp
        .backbone_groups
        .iter()
        .map(|g| {
            let sent: u32 = g.iter().map(|&p| comp.senders[p].cap).sum();
            ceil_share(sent, num, den)
        })
        .collect();
    let root = Node {
        lo: vec![0; ngroups],
        hi: k_max.clone(),
        alloc: Vec::new(),
    };
    let wide = build(comp, w, &root, k_max);
    // The same search in 64-bit arithmetic when every cost, potential and total of
    // this component's networks fits (`flow::fits_64`): the same integers at a
    // fraction of the work. Should a potential still leave the 64-bit range, the
    // search starts again in 128 bits, so the plan never depends on the width.
    if fits_64(
        wide.g.nodes(),
        wide.max_arc_cost(w),
        wide.max_flow,
        PATH_ARCS,
    ) {
        if let Ok(outcome) = search(
            comp,
            w,
            &wide.narrowed::<i64>(),
            &root,
            (time_limit, max_nodes),
        ) {
            return outcome;
        }
    }
    search(comp, w, &wide, &root, (time_limit, max_nodes)).unwrap_or(None)
}

/// Arcs of a source-to-sink path of a node's network, the return arc included.
const PATH_ARCS: usize = 7;

/// The branch and bound of `solve` on the networks of `tpl`; `Err` only when a 64-bit
/// solve left its range (`FlowError::Range`).
fn search<C: FlowCost>(
    comp: &Component,
    w: Weights,
    tpl: &Template<C>,
    root: &Node,
    (time_limit, max_nodes): (f64, usize),
) -> Result<Option<Outcome>, FlowError> {
    let root = root.clone();
    let mut best: Option<(Cost, ComponentSolution)> = None;
    let mut heap: BinaryHeap<(std::cmp::Reverse<Cost>, std::cmp::Reverse<usize>)> =
        BinaryHeap::new();
    let mut nodes: BTreeMap<usize, Node> = BTreeMap::new();
    let mut next_id = 0usize;
    let mut proven = true;
    // The least bound of the nodes left open (the whole component's lower bound when
    // the search stops early).
    let mut floor = Cost::MAX;
    let mut solved_nodes = 0usize;
    let mut warm_bytes = 0usize;
    // The limit is counted in work, not read off the clock, so that a component
    // stopped by it gives the same plan on any machine, load or thread count.
    let size = (comp.arcs.len() + comp.supplies.len() + comp.senders.len()).max(1) as f64;
    let work_limit = (time_limit.max(0.0) * WORK_PER_SECOND / size) as u64;
    let mut work = 0u64;

    let root_solved = evaluate((comp, tpl), w, &root, None)?;
    // Dive: charge every gapped group its current k at once, a few times over. The
    // flow then moves backbone teachers where it can, which gives an incumbent close
    // to the optimum so that the best-first search below prunes early.
    let mut dive = root.clone();
    let mut gaps = root_solved.gaps.clone();
    for _ in 0..8 {
        if gaps.is_empty() {
            break;
        }
        for &(g, k) in &gaps {
            dive.lo[g] = k.min(dive.hi[g]);
        }
        let d = evaluate((comp, tpl), w, &dive, root_solved.warm.as_ref())?;
        if best.as_ref().is_none_or(|(c, _)| d.cost < *c) {
            best = Some((d.cost, d.sol));
        }
        gaps = d.gaps;
    }
    heap.push((
        std::cmp::Reverse(root_solved.bound),
        std::cmp::Reverse(next_id),
    ));
    let mut pending: BTreeMap<usize, Solved<C>> = BTreeMap::new();
    pending.insert(next_id, root_solved);
    nodes.insert(next_id, root);
    next_id += 1;

    while let Some((std::cmp::Reverse(bound), std::cmp::Reverse(id))) = heap.pop() {
        let (Some(node), Some(s)) = (nodes.remove(&id), pending.remove(&id)) else {
            continue;
        };
        warm_bytes = warm_bytes.saturating_sub(s.warm.as_ref().map_or(0, Warm::bytes));
        if best.as_ref().is_some_and(|(c, _)| bound >= *c) {
            continue;
        }
        solved_nodes += 1;
        if best.as_ref().is_none_or(|(c, _)| s.cost < *c) {
            // Only the root reaches here with its plan untaken.
            best = Some((s.cost, s.sol));
        }
        // INVARIANT: a node without a branch charges exactly what its own plan owes
        // within the node, so its bound is that plan's cost and it is closed.
        let Some(branch) = s.branch else {
            if s.stuck && s.bound < best.as_ref().map_or(Cost::MAX, |b| b.0) {
                proven = false;
                floor = floor.min(s.bound);
            }
            continue;
        };
        if solved_nodes >= max_nodes || work >= work_limit {
            proven = false;
            floor = floor.min(bound);
            break;
        }
        for child in children(comp, tpl, node, branch) {
            let mut cs = evaluate((comp, tpl), w, &child, s.warm.as_ref())?;
            work += if cs.cold { COLD_WORK } else { 1 };
            // Every node's flow is a real plan: take it as soon as it is better, and do
            // not keep it in the queue (memory grows with the open nodes).
            if best.as_ref().is_none_or(|(c, _)| cs.cost < *c) {
                best = Some((cs.cost, std::mem::take(&mut cs.sol)));
            } else {
                cs.sol = ComponentSolution::default();
            }
            if best.as_ref().is_some_and(|(c, _)| cs.bound >= *c) {
                continue;
            }
            // Warm states of open nodes are kept up to a memory budget; beyond it a
            // node is solved cold when its turn comes.
            match cs.warm.as_ref().map(Warm::bytes) {
                Some(b) if warm_bytes + b <= WARM_BUDGET => warm_bytes += b,
                _ => cs.warm = None,
            }
            heap.push((std::cmp::Reverse(cs.bound), std::cmp::Reverse(next_id)));
            pending.insert(next_id, cs);
            nodes.insert(next_id, child);
            next_id += 1;
        }
    }
    if !heap.is_empty() {
        // Stopped early: anything left with a better bound means not proven.
        let best_cost = best.as_ref().map_or(Cost::MAX, |b| b.0);
        if heap.iter().any(|(b, _)| b.0 < best_cost) {
            proven = false;
        }
        floor = floor.min(heap.iter().map(|(b, _)| b.0).min().unwrap_or(Cost::MAX));
    }
    Ok(best.map(|(cost, mut solution)| {
        solution.optimal = proven;
        solution.nodes = solved_nodes;
        if !proven {
            // Read the levels with every pinned teacher moved (the only plans kept).
            let all = w.w0 * Cost::from(comp.forced());
            solution.gap = Some(gap(comp, w, cost + all, floor.min(cost) + all));
        }
        Outcome { solution, proven }
    }))
}

/// How far the plan of folded cost `cost` may be from the optimum, given the lower
/// bound `bound` ≤ `cost` on every plan's cost: its shortfall and priority, the least
/// shortfall any plan may have, and the most priority a plan of the same shortfall
/// may fill. The weights keep every level below W1 (and every level below priority
/// below W2), so the levels are read off by integer division.
fn gap(comp: &Component, w: Weights, cost: Cost, bound: Cost) -> Gap {
    // ceil(x / w1), exactly, for negative x too.
    let shortfall_of = |x: Cost| -((-x).div_euclid(w.w1));
    let shortfall = shortfall_of(cost);
    let priority = (w.w1 * shortfall - cost) / w.w2;
    let shortfall_bound = shortfall_of(bound).clamp(0, shortfall);
    let max_priority = Cost::from(comp.max_priority());
    let priority_bound = ((w.w1 * shortfall - bound) / w.w2)
        .min(max_priority)
        .max(priority);
    let u = |x: Cost| u64::try_from(x).unwrap_or(0);
    Gap {
        shortfall: u(shortfall),
        shortfall_bound: u(shortfall_bound),
        priority: u(priority),
        priority_bound: u(priority_bound),
    }
}

/// The two children of `node` split by `branch`, less those that hold no plan.
fn children<C>(comp: &Component, tpl: &Template<C>, node: Node, branch: Branch) -> Vec<Node> {
    let mut left = node.clone();
    let mut right = node;
    let g = match branch {
        Branch::K { g, k } => {
            // k ≤ current − 1, and k ≥ current.
            left.hi[g] = k - 1;
            right.lo[g] = k;
            g
        }
        Branch::Alloc { g, p, m } => {
            let (lo_p, hi_p) = left.sender_bounds(&tpl.k_max, &tpl.group_of);
            left.set_alloc(p, (lo_p[p], lo_p[p] + m - 1));
            // The group's k is the sum of its members' allocations.
            let hi_sum: u64 = comp.backbone_groups[g]
                .iter()
                .map(|&q| u64::from(if q == p { lo_p[p] + m - 1 } else { hi_p[q] }))
                .sum();
            left.hi[g] = left.hi[g].min(u32::try_from(hi_sum).unwrap_or(u32::MAX));
            right.set_alloc(p, (lo_p[p] + m, hi_p[p]));
            g
        }
    };
    [left, right]
        .into_iter()
        .filter(|c| c.lo[g] <= c.hi[g])
        .collect()
}

/// An arc the network does not have (a class of a supply with no teacher in it).
// INVARIANT: `Graph::add_arc` returns positions below the graph's arc count, which a
// `Vec` keeps below `usize::MAX`, so no real arc is `NO_ARC`. A plain number rather
// than an `Option` because `evaluate` reads these arcs for every node of the search.
const NO_ARC: usize = usize::MAX;

/// The flow network of a component, built once; each node of the search copies it
/// and resets the few arcs its bounds on k change.
struct Template<C> {
    g: Graph<C>,
    src: usize,
    sink: usize,
    /// The return arc sink → src (capacity 0 until a warm start closes the circulation).
    ret: usize,
    group_sink: Vec<usize>,
    /// Per supply, [non-backbone, backbone] × [non-volunteer, volunteer]: the arc from
    /// the sender's lane, or [`NO_ARC`] for a class the supply has no teacher in.
    class_arcs: Vec<[[usize; 2]; 2]>,
    /// Per arc of the component, [non-backbone, backbone]: the post arc, or [`NO_ARC`].
    post_arcs: Vec<[usize; 2]>,
    /// Per backbone group: the arc from the source (capacity N(hi)).
    group_src: Vec<usize>,
    /// Per sender: [quota-rewarded arc, rest of the cap, backbone reward arc (cap lo)].
    sender_arcs: Vec<[usize; 3]>,
    group_of: Vec<usize>,
    /// Per backbone group: the largest k its senders' caps allow.
    k_max: Vec<u32>,
    /// Groups that may be charged the envelope while their lo is 0.
    envelope_ok: Vec<bool>,
    /// Per group: the envelope's charge per teacher sent (see `envelope_slope`).
    per_unit: Vec<Cost>,
    /// W1 × Σ quota.
    quota_constant: Cost,
    /// Teachers of the component: no node's flow carries more from source to sink.
    max_flow: Cost,
}

/// One node's network: the template with the node's capacities and charges.
struct Built<C> {
    g: Graph<C>,
    constant: Cost,
    enveloped: Vec<bool>,
}

impl Template<Cost> {
    /// The largest arc cost (in magnitude) of any node's network: the template's, or
    /// a sender's rewarded arc with its group's envelope charge (`Template::node`).
    fn max_arc_cost(&self, w: Weights) -> Cost {
        let charged = self.per_unit.iter().map(|&c| (c - w.w1).abs().max(c.abs()));
        self.g.max_abs_cost().max(charged.max().unwrap_or(0))
    }

    /// The template with 64-bit costs; the caller has checked with `fits_64` that
    /// they fit.
    fn narrowed<D: FlowCost>(&self) -> Template<D> {
        Template {
            g: self.g.narrowed(),
            group_sink: self.group_sink.clone(),
            class_arcs: self.class_arcs.clone(),
            post_arcs: self.post_arcs.clone(),
            group_src: self.group_src.clone(),
            sender_arcs: self.sender_arcs.clone(),
            group_of: self.group_of.clone(),
            k_max: self.k_max.clone(),
            envelope_ok: self.envelope_ok.clone(),
            per_unit: self.per_unit.clone(),
            src: self.src,
            sink: self.sink,
            ret: self.ret,
            quota_constant: self.quota_constant,
            max_flow: self.max_flow,
        }
    }
}

impl<C: FlowCost> Template<C> {
    fn node(&self, comp: &Component, w: Weights, node: &Node) -> Built<C> {
        let (num, den) = comp.backbone_share;
        let big = i64::from(u32::MAX);
        let mut g = self.g.clone();
        let mut constant = self.quota_constant;
        for (gi, &e) in self.group_src.iter().enumerate() {
            g.set_arc(e, max_sent_for(node.hi[gi], num, den).min(big), C::ZERO);
            constant += w.w1 * Cost::from(node.lo[gi]);
        }
        let enveloped: Vec<bool> = self
            .envelope_ok
            .iter()
            .zip(&node.lo)
            .map(|(&ok, &lo)| ok && lo == 0)
            .collect();
        let reward = self.reward_caps(comp, node);
        for (p, s) in comp.senders.iter().enumerate() {
            let gi = self.group_of[p];
            let charge = if enveloped[gi] { self.per_unit[gi] } else { 0 };
            let rewarded = i64::from(s.quota.min(s.cap));
            let [a, b, r] = self.sender_arcs[p];
            // INVARIANT: these costs are within `max_arc_cost`, which `fits_64` checked
            // for a 64-bit network (and `C::narrow` asserts).
            g.set_arc(a, rewarded, C::narrow(charge - w.w1));
            g.set_arc(b, i64::from(s.cap) - rewarded, C::narrow(charge));
            g.set_arc(r, i64::from(reward[p]), C::narrow(-w.w1));
        }
        Built {
            g,
            constant,
            enveloped,
        }
    }
}

impl<C> Template<C> {
    /// Per sender: how many of its backbone teachers the node's flow may count against
    /// the group's lower bound lo: its own allocation lo_p plus the group's
    /// unallocated rest U = lo − Σ lo_q, at most hi_p. A group of one school gets lo.
    fn reward_caps(&self, comp: &Component, node: &Node) -> Vec<u32> {
        let (lo_p, hi_p) = node.sender_bounds(&self.k_max, &self.group_of);
        let mut caps = vec![0u32; comp.senders.len()];
        for (gi, members) in comp.backbone_groups.iter().enumerate() {
            let rest = node.lo[gi].saturating_sub(members.iter().map(|&q| lo_p[q]).sum());
            for &q in members {
                caps[q] = reward_cap(lo_p[q], hi_p[q], rest);
            }
        }
        caps
    }
}

/// Solves the node's flow, warm from its parent's circulation when there is one (the
/// network is the same for every node, only capacities and costs differ). The result
/// is the same minimum either way; a failed warm start solves cold.
/// `Err(FlowError::Range)` when a 64-bit warm start left its range (the caller then
/// searches again in 128 bits).
#[allow(clippy::type_complexity)]
fn solve_flow<C: FlowCost>(
    tpl: &Template<C>,
    comp: &Component,
    w: Weights,
    node: &Node,
    parent: Option<&Warm<C>>,
) -> Result<(Built<C>, Option<Warm<C>>, bool), FlowError> {
    if let Some(p) = parent {
        let mut b = tpl.node(comp, w, node);
        match b.g.reoptimize(p, tpl.ret) {
            Ok(state) => return Ok((b, Some(state), false)),
            Err(FlowError::Range) if !C::WIDEST => return Err(FlowError::Range),
            Err(_) => {}
        }
    }
    let mut b = tpl.node(comp, w, node);
    b.g.min_cost_flow(tpl.src, tpl.sink);
    // Any failure (see `FlowError`) only costs the children a cold solve.
    let state = b.g.warm_state(tpl.src, tpl.sink, tpl.ret).ok();
    Ok((b, state, true))
}

fn build(comp: &Component, w: Weights, node: &Node, k_max: Vec<u32>) -> Template<Cost> {
    let (num, den) = comp.backbone_share;
    let big = i64::from(u32::MAX);
    let mut g = Graph::new(2);
    let (src, sink) = (0, 1);
    let mut quota_constant: Cost = 0;
    // Which backbone group each sender is in.
    let mut group_of = vec![0usize; comp.senders.len()];
    for (gi, members) in comp.backbone_groups.iter().enumerate() {
        for &p in members {
            group_of[p] = gi;
        }
    }
    // A school on its own that has no eligible backbone teacher with a post owes
    // ceil(share × sent) whatever it does; while its k is unbounded below (lo = 0)
    // charge the convex envelope of that staircase per teacher sent, a much tighter
    // bound than nothing (see `envelope_slope`).
    let per_unit: Vec<Cost> = comp
        .backbone_groups
        .iter()
        .map(|m| {
            let cap: u32 = m.iter().map(|&p| comp.senders[p].cap).sum();
            envelope_slope(w.w1, cap, num, den)
        })
        .collect();
    let mut has_arc = vec![false; comp.supplies.len()];
    for &(si, _) in &comp.arcs {
        has_arc[si] = true;
    }
    let envelope_ok: Vec<bool> = comp
        .backbone_groups
        .iter()
        .map(|m| {
            num > 0
                && m.len() == 1
                && comp
                    .supplies
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.sender == m[0])
                    .all(|(si, s)| !has_arc[si] || s.counts[1][0] + s.counts[1][1] == 0)
        })
        .collect();
    let mut group_src = Vec::with_capacity(comp.backbone_groups.len());
    let group_nodes: Vec<usize> = comp
        .backbone_groups
        .iter()
        .enumerate()
        .map(|(gi, _)| {
            let v = g.add_node();
            group_src.push(g.add_arc(src, v, max_sent_for(node.hi[gi], num, den).min(big), 0));
            v
        })
        .collect();
    let mut sender_arcs = Vec::with_capacity(comp.senders.len());
    // Per sender: lane nodes [other, backbone].
    let mut lanes = Vec::with_capacity(comp.senders.len());
    for (p, s) in comp.senders.iter().enumerate() {
        let v = g.add_node();
        let cap = i64::from(s.cap);
        let rewarded = i64::from(s.quota.min(s.cap));
        quota_constant += w.w1 * Cost::from(s.quota);
        let a = g.add_arc(group_nodes[group_of[p]], v, rewarded, -w.w1);
        let b = g.add_arc(group_nodes[group_of[p]], v, cap - rewarded, 0);
        let other = g.add_node();
        let backbone = g.add_node();
        g.add_arc(v, other, big, 0);
        let r = g.add_arc(v, backbone, i64::from(node.lo[group_of[p]]), -w.w1);
        g.add_arc(v, backbone, big, 0);
        sender_arcs.push([a, b, r]);
        lanes.push([other, backbone]);
    }
    // Supplies by class: arcs from the lane (non-volunteers, volunteers).
    let mut class_arcs = Vec::with_capacity(comp.supplies.len());
    let mut class_nodes = Vec::with_capacity(comp.supplies.len());
    for sup in &comp.supplies {
        let mut arcs = [[NO_ARC; 2]; 2];
        let mut nodes = [None; 2];
        for b in 0..2 {
            if sup.counts[b][0] + sup.counts[b][1] == 0 {
                continue;
            }
            let v = g.add_node();
            nodes[b] = Some(v);
            let pinned = if sup.forced { w.w0 } else { 0 };
            let bonus = (if b == 1 { -w.unit } else { 0 }) - pinned;
            arcs[b][0] = g.add_arc(lanes[sup.sender][b], v, i64::from(sup.counts[b][0]), bonus);
            arcs[b][1] = g.add_arc(
                lanes[sup.sender][b],
                v,
                i64::from(sup.counts[b][1]),
                bonus - w.w3,
            );
        }
        class_arcs.push(arcs);
        class_nodes.push(nodes);
    }
    let group_sink: Vec<usize> = comp
        .groups
        .iter()
        .map(|pg| {
            let v = g.add_node();
            g.add_arc(v, sink, i64::from(pg.capacity), 0);
            v
        })
        .collect();
    let mut post_arcs = Vec::with_capacity(comp.arcs.len());
    for (a, &(si, gi)) in comp.arcs.iter().enumerate() {
        let prio = -w.w2 * Cost::from(comp.groups[gi].priority) - w.reward(comp.mask(a));
        let mut pair = [NO_ARC; 2];
        for b in 0..2 {
            if let Some(from) = class_nodes[si][b] {
                pair[b] = g.add_arc(from, group_sink[gi], big, prio);
            }
        }
        post_arcs.push(pair);
    }
    let ret = g.add_arc(sink, src, 0, 0);
    Template {
        g,
        src,
        sink,
        ret,
        group_sink,
        class_arcs,
        post_arcs,
        group_src,
        sender_arcs,
        group_of,
        k_max,
        envelope_ok,
        per_unit,
        quota_constant,
        max_flow: comp
            .supplies
            .iter()
            .map(|s| Cost::from(s.counts[0][0] + s.counts[0][1] + s.counts[1][0] + s.counts[1][1]))
            .sum(),
    }
}

fn evaluate<C: FlowCost>(
    (comp, tpl): (&Component, &Template<C>),
    w: Weights,
    node: &Node,
    parent: Option<&Warm<C>>,
) -> Result<Solved<C>, FlowError> {
    let (num, den) = comp.backbone_share;
    let (built, warm, cold) = solve_flow(tpl, comp, w, node, parent)?;
    let Built {
        g,
        constant,
        enveloped,
    } = built;
    let (sink, group_sink, class_arcs, post_arcs) =
        (tpl.sink, &tpl.group_sink, &tpl.class_arcs, &tpl.post_arcs);
    let flow_cost: Cost = g.total_cost().into();
    let mut bound = constant + flow_cost;
    // The Lagrangian bound knows nothing of pins' rewards.
    if lagrange::applies(comp) && w.w0 == 0 {
        // Price each post group by what one more post there would save the flow.
        let lambda: Vec<Cost> = group_sink
            .iter()
            .map(|&v| match &warm {
                Some(state) => Graph::capacity_price(state, v, sink).into(),
                None => match g.distance(v) {
                    d if d == C::MAX => 0,
                    d => (-Into::<Cost>::into(d)).max(0),
                },
            })
            .collect();
        bound = match lagrange::bound(comp, w, (&node.lo, &node.hi), &lambda) {
            Some(l) => bound.max(l),
            None => Cost::MAX / 4,
        };
    }

    let f = |e: usize| if e == NO_ARC { 0 } else { g.flow(e) as u32 };
    let arc_flow: Vec<u32> = post_arcs.iter().map(|p| f(p[0]) + f(p[1])).collect();
    let class_flow: Vec<[[u32; 2]; 2]> = class_arcs
        .iter()
        .map(|a| [[f(a[0][0]), f(a[0][1])], [f(a[1][0]), f(a[1][1])]])
        .collect();

    // The true cost of this plan, and where the charge fell short.
    let mut sent = vec![0u32; comp.senders.len()];
    let mut bsent = vec![0u32; comp.senders.len()];
    let mut volunteers = 0i64;
    let mut backbone_total = 0i64;
    let mut forced_moved = 0i64;
    for (si, cf) in class_flow.iter().enumerate() {
        let p = comp.supplies[si].sender;
        if comp.supplies[si].forced {
            forced_moved += i64::from(cf[0][0] + cf[0][1] + cf[1][0] + cf[1][1]);
        }
        sent[p] += cf[0][0] + cf[0][1] + cf[1][0] + cf[1][1];
        bsent[p] += cf[1][0] + cf[1][1];
        volunteers += i64::from(cf[0][1] + cf[1][1]);
        backbone_total += i64::from(cf[1][0] + cf[1][1]);
    }
    let priority: i64 = arc_flow
        .iter()
        .zip(&comp.arcs)
        .map(|(&y, &(_, gi))| i64::from(y) * i64::from(comp.groups[gi].priority))
        .sum();
    let mut shortfall = 0i64;
    for (p, s) in comp.senders.iter().enumerate() {
        shortfall += i64::from(s.quota.saturating_sub(sent[p]));
    }
    let mut branch = None;
    let mut gaps = Vec::new();
    let mut worst_gap = 0i64;
    let mut stuck = false;
    let reward = tpl.reward_caps(comp, node);
    let (lo_p, hi_p) = node.sender_bounds(&tpl.k_max, &tpl.group_of);
    for (gi, members) in comp.backbone_groups.iter().enumerate() {
        let gs: u32 = members.iter().map(|&p| sent[p]).sum();
        let gb: u32 = members.iter().map(|&p| bsent[p]).sum();
        let k = ceil_share(gs, num, den);
        let true_deficit = i64::from(deficit(gs, gb, (num, den)));
        shortfall += true_deficit;
        let lo = node.lo[gi];
        // In units of share denominators: W1 / unit per unit of charge.
        let unit = den.max(1);
        let charged = if enveloped[gi] {
            // The flow's charge in units of W1 / den, rounded down (never above what
            // the flow charged, so a node is closed only when its charge covers).
            let abs = tpl.per_unit[gi] * Cost::from(gs) * Cost::from(den.max(1));
            i64::try_from(abs / w.w1).unwrap_or(i64::MAX)
        } else {
            let rewarded: u32 = members.iter().map(|&p| bsent[p].min(reward[p])).sum();
            (i64::from(lo) - i64::from(rewarded)) * unit
        };
        let owed = true_deficit * unit;
        if owed <= charged {
            continue;
        }
        if k > lo {
            let gap = owed - charged;
            gaps.push((gi, k));
            if gap > worst_gap {
                worst_gap = gap;
                branch = Some(Branch::K { g: gi, k });
            }
            continue;
        }
        // k ≤ lo: the node owes at least what the cheapest allocation of lo among the
        // members owes, which is above the charge only when several members counted
        // the unallocated rest of lo.
        let alloc = (lo_p.as_slice(), hi_p.as_slice(), bsent.as_slice());
        match allocation_gap(members, lo, alloc, charged / unit) {
            Some((p, m, gap)) => {
                if gap * unit > worst_gap {
                    worst_gap = gap * unit;
                    branch = Some(Branch::Alloc { g: gi, p, m });
                }
            }
            // Cannot happen (the charge is exact for one member or no rest); kept
            // so that a node is never closed on a charge below what it owes.
            None => stuck = true,
        }
    }
    let steered: Cost = arc_flow
        .iter()
        .enumerate()
        .filter(|&(_, &y)| y > 0)
        .map(|(a, &y)| Cost::from(y) * w.reward(comp.mask(a)))
        .sum();
    let cost = w.w1 * Cost::from(shortfall)
        - w.w2 * Cost::from(priority)
        - w.w3 * Cost::from(volunteers)
        - w.unit * Cost::from(backbone_total)
        - w.w0 * Cost::from(forced_moved)
        - steered;
    Ok(Solved {
        bound,
        cost,
        warm,
        cold,
        sol: ComponentSolution {
            arc_flow,
            class_flow,
            optimal: false,
            solves: 1,
            nodes: 0,
            gap: None,
        },
        branch,
        gaps,
        stuck,
    })
}

/// The charge per teacher sent (at weight `w1` per backbone teacher owed) of the
/// steepest line through the origin below every point (s, ceil(num/den × s)),
/// 0 ≤ s ≤ cap: the first edge of the staircase's lower convex hull, whose slope
/// min over 1 ≤ s ≤ cap of ceil(num/den × s) / s is at least num/den (equal when
/// den/num divides into cap) and 1/cap when the group can owe at most one backbone
/// teacher. Rounded down, so the charge stays a valid lower bound.
fn envelope_slope(w1: Cost, cap: u32, num: i64, den: i64) -> Cost {
    if num <= 0 || den <= 0 {
        return 0;
    }
    // The least ratio f/s over 1 ≤ s ≤ cap; for a very large cap, num/den itself
    // (always below it, so still valid).
    let mut best = (num.unsigned_abs(), den.unsigned_abs());
    if (1..=100_000).contains(&cap) {
        best = (u64::from(ceil_share(1, num, den)), 1);
        for s in 2..=cap {
            let f = u64::from(ceil_share(s, num, den));
            if u128::from(f) * u128::from(best.1) < u128::from(best.0) * u128::from(s) {
                best = (f, u64::from(s));
            }
        }
    }
    // INVARIANT: the weights were checked to fit 128 bits where they are built and
    // best.0 ≤ best.1 · max(num/den, 1); the saturation is never reached in practice
    // and, were it reached, would only lower the charge (still a valid bound).
    w1.saturating_mul(Cost::from(best.0)) / Cost::from(best.1)
}

/// How many backbone teachers a member with allocation bounds [lo_p, hi_p] may count
/// against its group's lower bound when `rest` of it is not yet allocated.
fn reward_cap(lo_p: u32, hi_p: u32, rest: u32) -> u32 {
    hi_p.min(lo_p.saturating_add(rest))
}

/// The backbone shortfall of a group that sends `sent` teachers, `backbone` of them
/// backbone teachers: max(0, ceil(share × sent) − backbone).
pub(super) fn deficit(sent: u32, backbone: u32, (num, den): (i64, i64)) -> u32 {
    ceil_share(sent, num, den).saturating_sub(backbone)
}

/// For a group whose plan sends `b_p` backbone teachers from each member, with
/// allocation bounds [lo_p, hi_p] and the group's lower bound `lo` ≥ Σ lo_p: the
/// least deficit any allocation k_p ∈ [lo_p, hi_p] with Σ k_p ≥ lo leaves,
/// Σ max(0, lo_p − b_p) + U − min(U, Σ min(b_p − lo_p, hi_p − lo_p)⁺) with
/// U = lo − Σ lo_p. When it exceeds `charged`, returns the member that counted most of
/// U, how much it counted (m ≥ 1), and the gap.
fn allocation_gap(
    members: &[usize],
    lo: u32,
    (lo_p, hi_p, b): (&[u32], &[u32], &[u32]),
    charged: i64,
) -> Option<(usize, u32, i64)> {
    let base: u32 = members.iter().map(|&p| lo_p[p]).sum();
    let rest = lo.saturating_sub(base);
    if members.len() < 2 || rest == 0 {
        return None;
    }
    let mut owed = i64::from(rest);
    let mut usable = 0u64;
    let mut pick: Option<(usize, u32)> = None;
    for &p in members {
        owed += i64::from(lo_p[p].saturating_sub(b[p]));
        let room = hi_p[p].saturating_sub(lo_p[p]);
        usable += u64::from(b[p].saturating_sub(lo_p[p]).min(room));
        let counted = b[p].saturating_sub(lo_p[p]).min(room).min(rest);
        if counted > 0 && pick.is_none_or(|(_, c)| counted > c) {
            pick = Some((p, counted));
        }
    }
    owed -= i64::try_from(usable.min(u64::from(rest))).unwrap_or(i64::MAX);
    let (p, m) = pick?;
    (owed > charged).then_some((p, m, owed - charged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Subject;
    use crate::plan::problem::{PostGroup, Sender, Supply};

    /// The least deficit of any allocation k_p ∈ [lo_p, hi_p] with Σ k_p ≥ lo, by
    /// enumeration.
    fn least_deficit(lo: u32, lo_p: &[u32], hi_p: &[u32], b: &[u32]) -> Option<u32> {
        fn go(i: usize, need: u32, lo_p: &[u32], hi_p: &[u32], b: &[u32]) -> Option<u32> {
            if i == lo_p.len() {
                return (need == 0).then_some(0);
            }
            (lo_p[i]..=hi_p[i])
                .filter_map(|k| {
                    let rest = go(i + 1, need.saturating_sub(k), lo_p, hi_p, b)?;
                    Some(rest + k.saturating_sub(b[i]))
                })
                .min()
        }
        go(0, lo, lo_p, hi_p, b)
    }

    /// Exhaustively over small groups of two and three members: the node's charge never
    /// exceeds what the cheapest allocation owes (the bound is valid), and
    /// `allocation_gap` reports a branch exactly when it falls short, with the gap.
    #[test]
    fn allocation_charge_is_a_valid_bound_and_gaps_are_exact() {
        let mut checked = 0;
        for n in 2..=3usize {
            let members: Vec<usize> = (0..n).collect();
            let total = 3u32.pow(n as u32 * 3);
            for code in 0..total {
                let mut c = code;
                let mut digit = || {
                    let d = c % 3;
                    c /= 3;
                    d
                };
                let lo_p: Vec<u32> = (0..n).map(|_| digit()).collect();
                let hi_p: Vec<u32> = lo_p.iter().map(|&l| l + digit()).collect();
                let b: Vec<u32> = (0..n).map(|_| digit()).collect();
                let base: u32 = lo_p.iter().sum();
                for lo in base..=base + 3 {
                    if hi_p.iter().sum::<u32>() < lo {
                        continue;
                    }
                    let rest = lo - base;
                    let counted: u32 = (0..n)
                        .map(|p| b[p].min(reward_cap(lo_p[p], hi_p[p], rest)))
                        .sum();
                    let charged = i64::from(lo) - i64::from(counted);
                    let owed = least_deficit(lo, &lo_p, &hi_p, &b).map(i64::from);
                    let owed = owed.expect("feasible");
                    assert!(charged <= owed, "{lo} {lo_p:?} {hi_p:?} {b:?}");
                    match allocation_gap(&members, lo, (&lo_p, &hi_p, &b), charged) {
                        Some((p, m, gap)) => {
                            assert_eq!(gap, owed - charged);
                            assert!(m >= 1 && lo_p[p] + m <= hi_p[p] && m <= rest);
                        }
                        None => assert_eq!(charged, owed, "{lo} {lo_p:?} {hi_p:?} {b:?}"),
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000);
    }

    /// The envelope's slope lies below every point of the staircase, and on it where
    /// the staircase is steepest at the origin.
    #[test]
    fn envelope_slope_is_the_first_hull_edge() {
        let w1: Cost = 6_000;
        for (num, den) in [(1, 5), (3, 10), (1, 2), (1, 1), (7, 20), (1, 3)] {
            for cap in 1..30u32 {
                let a = envelope_slope(w1, cap, num, den);
                assert!(a >= w1 * Cost::from(num) / Cost::from(den));
                let touches = (1..=cap).any(|s| {
                    let f = Cost::from(ceil_share(s, num, den));
                    assert!(a * Cost::from(s) <= w1 * f, "{num}/{den} {cap} {s}");
                    (w1 * f - a * Cost::from(s)) < Cost::from(s)
                });
                assert!(touches);
            }
        }
        // One backbone teacher owed at most: the whole charge spread over the cap.
        assert_eq!(envelope_slope(w1, 3, 1, 5), 2_000);
        assert_eq!(envelope_slope(w1, 1, 1, 5), 6_000);
    }

    #[test]
    fn one_member_is_charged_exactly() {
        assert_eq!(allocation_gap(&[0], 3, (&[0], &[9], &[5]), -2), None);
        assert_eq!(reward_cap(0, 9, 3), 3);
    }

    /// A small random component: `senders` schools with random quotas, caps and
    /// classes of teachers, post groups of random priority and capacity, random
    /// allowed arcs, backbone shares counted per school or over all senders.
    fn random_component(seed: u64) -> Component {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut next = |n: u32| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((x >> 33) % u64::from(n)) as u32
        };
        let nsend = 2 + next(4) as usize;
        let senders: Vec<Sender> = (0..nsend)
            .map(|p| {
                let cap = 1 + next(6);
                Sender {
                    school: p,
                    quota: next(cap + 1),
                    cap,
                }
            })
            .collect();
        let supplies: Vec<Supply> = (0..nsend * 2)
            .map(|i| Supply {
                sender: i % nsend,
                subject: Subject::new("math"),
                counts: [[next(4), next(2)], [next(3), next(2)]],
                mandatory_leaders: false,
                teacher: None,
                forced: false,
                targets: Vec::new(),
            })
            .collect();
        let groups: Vec<PostGroup> = (0..1 + next(3))
            .map(|_| PostGroup {
                subject: Subject::new("math"),
                priority: 1 + next(5),
                capacity: 1 + next(8),
                members: Vec::new(),
                senders: Vec::new(),
            })
            .collect();
        let mut arcs = Vec::new();
        for si in 0..supplies.len() {
            for gi in 0..groups.len() {
                if next(3) > 0 {
                    arcs.push((si, gi));
                }
            }
        }
        let backbone_groups = if next(2) == 0 {
            (0..nsend).map(|p| vec![p]).collect()
        } else {
            vec![(0..nsend).collect()]
        };
        let backbone_share = [(0, 1), (1, 5), (1, 3), (1, 2)][next(4) as usize];
        Component {
            senders,
            supplies,
            groups,
            arcs,
            backbone_groups,
            backbone_share,
            arc_mask: Vec::new(),
        }
    }

    /// The 64-bit search and the 128-bit one find the same plan with the same proof
    /// and the same nodes: the width is invisible.
    #[test]
    fn both_widths_search_alike() {
        for seed in 0..300 {
            let comp = random_component(seed);
            let Some(w) = Weights::of(&comp) else {
                panic!("seed {seed}: weights do not fit");
            };
            let (num, den) = comp.backbone_share;
            let k_max: Vec<u32> = comp
                .backbone_groups
                .iter()
                .map(|g| ceil_share(g.iter().map(|&p| comp.senders[p].cap).sum(), num, den))
                .collect();
            let root = Node {
                lo: vec![0; k_max.len()],
                hi: k_max.clone(),
                alloc: Vec::new(),
            };
            let wide = build(&comp, w, &root, k_max);
            assert!(fits_64(
                wide.g.nodes(),
                wide.max_arc_cost(w),
                wide.max_flow,
                PATH_ARCS
            ));
            let limits = (10.0, 200_000);
            let a = search(&comp, w, &wide, &root, limits).ok().flatten();
            let narrow = wide.narrowed::<i64>();
            let b = search(&comp, w, &narrow, &root, limits).ok().flatten();
            let key = |o: Option<Outcome>| {
                o.map(|o| {
                    let s = o.solution;
                    (s.arc_flow, s.class_flow, s.optimal, s.nodes, o.proven)
                })
            };
            assert_eq!(key(a), key(b), "seed {seed}");
        }
    }

    #[test]
    fn gap_reads_the_levels_back() {
        let comp = Component {
            groups: vec![PostGroup {
                subject: Subject::new("math"),
                priority: 5,
                capacity: 10,
                members: Vec::new(),
                senders: Vec::new(),
            }],
            ..Component::default()
        };
        let w = Weights {
            w0: 0,
            w1: 1000,
            w2: 10,
            w3: 2,
            unit: 1,
            levels: [0; 6],
        };
        // Shortfall 3, priority 7, one volunteer; the bound allows shortfall 2.
        let g = gap(&comp, w, 3000 - 70 - 2, 2000 - 90);
        assert_eq!(
            (g.shortfall, g.shortfall_bound, g.priority, g.priority_bound),
            (3, 2, 7, 50)
        );
        // No shortfall; the bound leaves 4 more priority points at shortfall 0.
        let g = gap(&comp, w, -72, -110);
        assert_eq!(
            (g.shortfall, g.shortfall_bound, g.priority, g.priority_bound),
            (0, 0, 7, 11)
        );
        // A closed gap.
        let g = gap(&comp, w, -72, -72);
        assert_eq!((g.priority, g.priority_bound), (7, 7));
    }
}
