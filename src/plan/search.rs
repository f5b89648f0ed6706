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
//! All four objective levels are folded into one integer cost with weights that keep
//! them lexicographic: W1·shortfall − W2·priority − W3·volunteers − backbone_sent. Costs
//! are exact 64-bit integers; no floating point is involved.

use super::flow::Graph;
use super::milp::ComponentSolution;
use super::problem::Component;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Instant;

/// Objective weights of one component.
#[derive(Debug, Clone, Copy)]
struct Weights {
    w1: i64,
    w2: i64,
    w3: i64,
}

impl Weights {
    fn of(comp: &Component) -> Option<Weights> {
        let bb: u128 = comp
            .supplies
            .iter()
            .map(|s| u128::from(s.counts[1][0] + s.counts[1][1]))
            .sum();
        let vol: u128 = comp
            .supplies
            .iter()
            .map(|s| u128::from(s.counts[0][1] + s.counts[1][1]))
            .sum();
        let w3 = bb + 1;
        let w2 = w3 * (vol + 1);
        let w1 = w2 * (u128::from(comp.max_priority()) + 1);
        let shortfall_max: u128 = comp
            .senders
            .iter()
            .map(|s| u128::from(s.quota) + u128::from(s.cap))
            .sum::<u128>()
            + 1;
        // Keep every partial sum far from i64 overflow.
        if w1.checked_mul(shortfall_max * 4)? > i64::MAX as u128 {
            return None;
        }
        Some(Weights {
            w1: w1 as i64,
            w2: w2 as i64,
            w3: w3 as i64,
        })
    }
}

/// Bounds on k = ceil(share × sent) of each backbone group.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    lo: Vec<u32>,
    hi: Vec<u32>,
}

/// A solved node: its lower bound and the real plan its flow describes.
struct Solved {
    bound: i64,
    cost: i64,
    sol: ComponentSolution,
    /// A group whose charged deficit is below the true one and a k to split at.
    branch: Option<(usize, u32)>,
    /// Whether the bound may be loose in a way branching on k cannot fix (a group of
    /// several schools sending more backbone teachers than it needs).
    loose: bool,
}

pub struct Outcome {
    pub solution: ComponentSolution,
    /// The search closed: the plan is the lexicographic optimum.
    pub proven: bool,
    pub nodes: usize,
}

/// Solves `comp`; `None` when the weights would not fit in 64 bits (the caller then
/// uses the MILP).
pub fn solve(comp: &Component, time_limit: f64, max_nodes: usize) -> Option<Outcome> {
    let w = Weights::of(comp)?;
    let start = Instant::now();
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
        hi: k_max,
    };
    let mut best: Option<(i64, ComponentSolution)> = None;
    let mut heap: BinaryHeap<(std::cmp::Reverse<i64>, std::cmp::Reverse<usize>)> =
        BinaryHeap::new();
    let mut nodes: BTreeMap<usize, Node> = BTreeMap::new();
    let mut next_id = 0usize;
    let mut proven = true;
    let mut solved_nodes = 0usize;

    let root_solved = evaluate(comp, w, &root);
    heap.push((
        std::cmp::Reverse(root_solved.bound),
        std::cmp::Reverse(next_id),
    ));
    let mut pending: BTreeMap<usize, Solved> = BTreeMap::new();
    pending.insert(next_id, root_solved);
    nodes.insert(next_id, root);
    next_id += 1;

    while let Some((std::cmp::Reverse(bound), std::cmp::Reverse(id))) = heap.pop() {
        let (Some(node), Some(s)) = (nodes.remove(&id), pending.remove(&id)) else {
            continue;
        };
        if best.as_ref().is_some_and(|(c, _)| bound >= *c) {
            continue;
        }
        solved_nodes += 1;
        if best.as_ref().is_none_or(|(c, _)| s.cost < *c) {
            best = Some((s.cost, s.sol));
        }
        let Some((g, k)) = s.branch else {
            if s.loose && s.bound < best.as_ref().map_or(i64::MAX, |b| b.0) {
                proven = false;
            }
            continue;
        };
        if solved_nodes >= max_nodes || start.elapsed().as_secs_f64() > time_limit {
            proven = false;
            break;
        }
        // k ≤ current − 1, and k ≥ current.
        let mut left = node.clone();
        left.hi[g] = k - 1;
        let mut right = node;
        right.lo[g] = k;
        for child in [left, right] {
            if child.lo[g] > child.hi[g] {
                continue;
            }
            let cs = evaluate(comp, w, &child);
            if best.as_ref().is_some_and(|(c, _)| cs.bound >= *c) {
                continue;
            }
            heap.push((std::cmp::Reverse(cs.bound), std::cmp::Reverse(next_id)));
            pending.insert(next_id, cs);
            nodes.insert(next_id, child);
            next_id += 1;
        }
    }
    if !heap.is_empty() {
        // Stopped early: anything left with a better bound means not proven.
        let best_cost = best.as_ref().map_or(i64::MAX, |b| b.0);
        if heap.iter().any(|(b, _)| b.0 < best_cost) {
            proven = false;
        }
    }
    best.map(|(_, mut solution)| {
        solution.optimal = proven;
        solution.nodes = solved_nodes;
        Outcome {
            solution,
            proven,
            nodes: solved_nodes,
        }
    })
}

/// ceil(num/den × n) in integers.
fn ceil_share(n: u32, num: i64, den: i64) -> u32 {
    if num <= 0 || den <= 0 {
        return 0;
    }
    ((i64::from(n) * num + den - 1) / den) as u32
}

/// The largest sent whose required backbone count is at most k: floor(k × den / num).
fn max_sent_for(k: u32, num: i64, den: i64) -> i64 {
    if num <= 0 {
        return i64::MAX / 4;
    }
    i64::from(k) * den / num
}

fn evaluate(comp: &Component, w: Weights, node: &Node) -> Solved {
    let (num, den) = comp.backbone_share;
    let big = i64::from(u32::MAX);
    let mut g = Graph::new(2);
    let (src, sink) = (0, 1);
    let mut constant = 0i64;
    // Which backbone group each sender is in.
    let mut group_of = vec![0usize; comp.senders.len()];
    for (gi, members) in comp.backbone_groups.iter().enumerate() {
        for &p in members {
            group_of[p] = gi;
        }
    }
    let group_nodes: Vec<usize> = comp
        .backbone_groups
        .iter()
        .enumerate()
        .map(|(gi, _)| {
            let v = g.add_node();
            g.add_arc(src, v, max_sent_for(node.hi[gi], num, den).min(big), 0);
            constant += w.w1 * i64::from(node.lo[gi]);
            v
        })
        .collect();
    // Per sender: lane nodes [other, backbone].
    let mut lanes = Vec::with_capacity(comp.senders.len());
    for (p, s) in comp.senders.iter().enumerate() {
        let v = g.add_node();
        let cap = i64::from(s.cap);
        let rewarded = i64::from(s.quota.min(s.cap));
        constant += w.w1 * i64::from(s.quota);
        g.add_arc(group_nodes[group_of[p]], v, rewarded, -w.w1);
        g.add_arc(group_nodes[group_of[p]], v, cap - rewarded, 0);
        let other = g.add_node();
        let backbone = g.add_node();
        g.add_arc(v, other, big, 0);
        g.add_arc(v, backbone, i64::from(node.lo[group_of[p]]), -w.w1);
        g.add_arc(v, backbone, big, 0);
        lanes.push([other, backbone]);
    }
    // Supplies by class: arcs from the lane (non-volunteers, volunteers).
    let mut class_arcs = Vec::with_capacity(comp.supplies.len());
    let mut class_nodes = Vec::with_capacity(comp.supplies.len());
    for sup in &comp.supplies {
        let mut arcs = [[usize::MAX; 2]; 2];
        let mut nodes = [usize::MAX; 2];
        for b in 0..2 {
            if sup.counts[b][0] + sup.counts[b][1] == 0 {
                continue;
            }
            let v = g.add_node();
            nodes[b] = v;
            let bonus = if b == 1 { -1 } else { 0 };
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
    for &(si, gi) in &comp.arcs {
        let prio = -w.w2 * i64::from(comp.groups[gi].priority);
        let mut pair = [usize::MAX; 2];
        for b in 0..2 {
            let from = class_nodes[si][b];
            if from != usize::MAX {
                pair[b] = g.add_arc(from, group_sink[gi], big, prio);
            }
        }
        post_arcs.push(pair);
    }
    let flow_cost = g.min_cost_flow(src, sink);
    let bound = constant + flow_cost;

    let f = |e: usize| if e == usize::MAX { 0 } else { g.flow(e) as u32 };
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
    for (si, cf) in class_flow.iter().enumerate() {
        let p = comp.supplies[si].sender;
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
    let mut loose = false;
    let mut worst_gap = 0i64;
    for (gi, members) in comp.backbone_groups.iter().enumerate() {
        let gs: u32 = members.iter().map(|&p| sent[p]).sum();
        let gb: u32 = members.iter().map(|&p| bsent[p]).sum();
        let k = ceil_share(gs, num, den);
        let true_deficit = i64::from(k.saturating_sub(gb));
        shortfall += true_deficit;
        let lo = node.lo[gi];
        let rewarded: u32 = members.iter().map(|&p| bsent[p].min(lo)).sum();
        let charged = i64::from(lo) - i64::from(rewarded);
        if true_deficit > charged {
            let gap = true_deficit - charged;
            if k > lo {
                if gap > worst_gap {
                    worst_gap = gap;
                    branch = Some((gi, k));
                }
            } else {
                loose = true;
            }
        }
    }
    let cost = w.w1 * shortfall - w.w2 * priority - w.w3 * volunteers - backbone_total;
    Solved {
        bound,
        cost,
        sol: ComponentSolution {
            arc_flow,
            class_flow,
            optimal: false,
            solves: 1,
            nodes: 0,
        },
        branch,
        loose,
    }
}
