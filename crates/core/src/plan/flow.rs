//! Min-cost flow by successive shortest paths (Dijkstra with Johnson potentials),
//! in exact integer arithmetic. It stops as soon as no augmenting path has negative
//! cost, which is a minimum-cost flow of any value (not a maximum flow).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// Arc costs, potentials and distances: 128-bit, so that the folded lexicographic
/// costs of the search (`search.rs`, up to ten levels) stay exact.
pub type Cost = i128;

/// The largest arc cost (in magnitude) a graph may be built with: 32 bits below
/// `Cost::MAX`. Distances and potentials are sums of arc costs along simple paths, and
/// the total is a sum of cost × flow; with fewer than 2^30 nodes and the flows the
/// callers bound (weights.rs: `Weights::of` keeps the whole objective within the same
/// headroom; assign.rs: a group's arrivals), none of these sums can overflow.
pub const MAX_ARC_COST: Cost = Cost::MAX >> 32;

/// Nodes are stored as `u32`; a graph stays well below this many so that path sums of
/// `MAX_ARC_COST` fit (see there).
const MAX_NODES: usize = 1 << 30;

impl Warm {
    /// Bytes held, to bound what a search keeps of its open nodes.
    pub fn bytes(&self) -> usize {
        self.flows.capacity() * std::mem::size_of::<(u32, u32)>()
            + self.pot.capacity() * std::mem::size_of::<Cost>()
    }
}

/// Why a warm start could not be made or used. Like OR-Tools' `SimpleMinCostFlow::Status`
/// (min_cost_flow.h), each way a solve can end is named, instead of one `None` for
/// all; unlike it, a cold `min_cost_flow` cannot fail (it stops at a minimum-cost flow
/// of whatever value, so there is no `INFEASIBLE` or `UNBALANCED` to report). The
/// search's answer to each is the same, solving the node cold, but tests and debug
/// runs can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// The warm state or the return arc does not fit this graph (another number of
    /// nodes, a return arc that is not t→s): the state belongs to another network.
    /// OR-Tools' `BAD_INPUT`.
    #[error("the warm state does not fit this network")]
    Mismatch,
    /// Finding potentials or routing the imbalances took more than the work limit.
    #[error("the warm start exceeded its work limit")]
    WorkLimit,
    /// A residual arc with a negative reduced cost where none may be: a negative
    /// cycle, or potentials that are not dual feasible. OR-Tools' `BAD_RESULT`.
    #[error("a negative reduced cost: the potentials are not feasible")]
    NegativeCycle,
    /// Some excess cannot reach any deficit through arcs with capacity left.
    /// OR-Tools' `INFEASIBLE`.
    #[error("an imbalance cannot be routed: infeasible")]
    Infeasible,
    /// A flow does not fit the 32 bits a warm state stores. OR-Tools'
    /// `BAD_CAPACITY_RANGE`.
    #[error("a flow does not fit 32 bits")]
    Overflow,
}

/// Capacity of the return arc t→s that closes a flow into a circulation.
const RETURN_CAP: i64 = 1 << 40;

/// An optimal circulation and its potentials, to restart a modified graph from.
#[derive(Debug, Clone, Default)]
pub struct Warm {
    /// (arc, flow) of the forward arcs that carry flow.
    flows: Vec<(u32, u32)>,
    /// Every residual arc has cost + pot[from] − pot[to] ≥ 0.
    pot: Vec<Cost>,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The shape is shared between copies of one network (nodes of a search differ
    /// only in capacities and costs), so copying a graph copies two arrays.
    adj: Arc<Vec<Vec<u32>>>,
    to: Arc<Vec<u32>>,
    cap: Vec<i64>,
    cost: Vec<Cost>,
    /// Shortest residual distances from the source once `min_cost_flow` ended
    /// (Cost::MAX: unreachable). Their negatives price the arcs into the sink.
    last_dist: Vec<Cost>,
}

impl Graph {
    pub fn new(nodes: usize) -> Graph {
        debug_assert!(nodes < MAX_NODES, "{nodes} nodes");
        Graph {
            adj: Arc::new(vec![Vec::new(); nodes]),
            ..Graph::default()
        }
    }

    pub fn add_node(&mut self) -> usize {
        let adj = Arc::make_mut(&mut self.adj);
        adj.push(Vec::new());
        debug_assert!(adj.len() < MAX_NODES, "{} nodes", adj.len());
        adj.len() - 1
    }

    /// Resets arc `e` of a graph that carries no flow yet to capacity `cap`, cost `cost`.
    pub fn set_arc(&mut self, e: usize, cap: i64, cost: Cost) {
        // INVARIANT: the callers' weights keep every cost within MAX_ARC_COST (checked
        // by `Weights::of`); the sums below rely on it.
        debug_assert!(
            cost.unsigned_abs() <= MAX_ARC_COST.unsigned_abs(),
            "arc cost {cost}"
        );
        self.cap[e] = cap.max(0);
        self.cap[e ^ 1] = 0;
        self.cost[e] = cost;
        self.cost[e ^ 1] = -cost;
    }

    /// Adds arc u→v and returns its id (for `flow`). Arcs of zero capacity are kept so
    /// that ids stay predictable.
    pub fn add_arc(&mut self, u: usize, v: usize, cap: i64, cost: Cost) -> usize {
        // INVARIANT: as in `set_arc`.
        debug_assert!(
            cost.unsigned_abs() <= MAX_ARC_COST.unsigned_abs(),
            "arc cost {cost}"
        );
        let e = self.to.len();
        let to = Arc::make_mut(&mut self.to);
        to.push(v as u32);
        to.push(u as u32);
        self.cap.push(cap.max(0));
        self.cost.push(cost);
        self.cap.push(0);
        self.cost.push(-cost);
        let adj = Arc::make_mut(&mut self.adj);
        adj[u].push(e as u32);
        adj[v].push(e as u32 + 1);
        e
    }

    /// Residual distance from the source of the last `min_cost_flow` to `v`.
    pub fn distance(&self, v: usize) -> Cost {
        self.last_dist.get(v).copied().unwrap_or(Cost::MAX)
    }

    pub fn flow(&self, arc: usize) -> i64 {
        self.cap[arc ^ 1]
    }

    /// Sends flow from `s` to `t` while it lowers the total cost; returns that cost.
    pub fn min_cost_flow(&mut self, s: usize, t: usize) -> Cost {
        let n = self.adj.len();
        let mut pot = self.bellman_ford(s);
        let mut total: Cost = 0;
        let mut dist = vec![Cost::MAX; n];
        let mut prev = vec![u32::MAX; n];
        loop {
            dist.iter_mut().for_each(|d| *d = Cost::MAX);
            prev.iter_mut().for_each(|p| *p = u32::MAX);
            dist[s] = 0;
            let mut heap = BinaryHeap::new();
            heap.push(Reverse((Cost::default(), s as u32)));
            while let Some(Reverse((d, u))) = heap.pop() {
                let u = u as usize;
                if d > dist[u] {
                    continue;
                }
                for &e in &self.adj[u] {
                    let e = e as usize;
                    if self.cap[e] == 0 {
                        continue;
                    }
                    let v = self.to[e] as usize;
                    if pot[v] == Cost::MAX {
                        continue;
                    }
                    // INVARIANT: d, pot[u] and pot[v] are path sums of fewer than
                    // MAX_NODES costs of at most MAX_ARC_COST: no overflow.
                    let nd = d + self.cost[e] + pot[u] - pot[v];
                    if nd < dist[v] {
                        dist[v] = nd;
                        prev[v] = e as u32;
                        heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
            // After this, pot holds true shortest distances from `s` for every node
            // Dijkstra reached (`dist` stays for the ones it did not).
            for v in 0..n {
                if dist[v] != Cost::MAX && pot[v] != Cost::MAX {
                    pot[v] += dist[v];
                }
            }
            // pot[t] - pot[s] is now the true cost of the cheapest path; stop when there
            // is none, or it would not lower the cost.
            if dist[t] == Cost::MAX || pot[t] - pot[s] >= 0 {
                self.last_dist = (0..n)
                    .map(|v| {
                        if dist[v] == Cost::MAX {
                            Cost::MAX
                        } else {
                            pot[v] - pot[s]
                        }
                    })
                    .collect();
                break;
            }
            let path_cost = pot[t] - pot[s];
            // Push a blocking flow along every cheapest path at once (arcs of zero
            // reduced cost), Dinic-style, before the next Dijkstra.
            // INVARIANT: `total` ends as Σ cost × flow of a minimum-cost flow, which the
            // callers keep within range (see MAX_ARC_COST); it only decreases on the way.
            total += path_cost * Cost::from(self.blocking_flow(s, t, &pot));
        }
        total
    }

    /// Augments along arcs of zero reduced cost until `t` is unreachable through them;
    /// returns the units pushed. Levels keep the admissible graph acyclic.
    fn blocking_flow(&mut self, s: usize, t: usize, pot: &[Cost]) -> i64 {
        let n = self.adj.len();
        let admissible = |g: &Graph, e: usize, u: usize| {
            let v = g.to[e] as usize;
            g.cap[e] > 0 && pot[v] != Cost::MAX && g.cost[e] + pot[u] - pot[v] == 0
        };
        let mut pushed = 0i64;
        let mut level = vec![u32::MAX; n];
        let mut next = vec![0usize; n];
        loop {
            level.iter_mut().for_each(|l| *l = u32::MAX);
            level[s] = 0;
            let mut queue = std::collections::VecDeque::from([s]);
            while let Some(u) = queue.pop_front() {
                for &e in &self.adj[u] {
                    let e = e as usize;
                    let v = self.to[e] as usize;
                    if level[v] == u32::MAX && admissible(self, e, u) {
                        level[v] = level[u] + 1;
                        queue.push_back(v);
                    }
                }
            }
            if level[t] == u32::MAX {
                return pushed;
            }
            next.iter_mut().for_each(|x| *x = 0);
            loop {
                let f = self.dfs(s, t, i64::MAX, &level, &mut next, pot);
                if f == 0 {
                    break;
                }
                pushed += f;
            }
        }
    }

    /// One augmenting path of the level graph, iteratively (no recursion depth limit).
    fn dfs(
        &mut self,
        s: usize,
        t: usize,
        limit: i64,
        level: &[u32],
        next: &mut [usize],
        pot: &[Cost],
    ) -> i64 {
        let mut path: Vec<usize> = Vec::new();
        let mut u = s;
        loop {
            if u == t {
                let push = path.iter().fold(limit, |m, &e| m.min(self.cap[e]));
                for &e in &path {
                    self.cap[e] -= push;
                    self.cap[e ^ 1] += push;
                }
                return push;
            }
            let mut advanced = false;
            while next[u] < self.adj[u].len() {
                let e = self.adj[u][next[u]] as usize;
                let v = self.to[e] as usize;
                if self.cap[e] > 0
                    && level[v] == level[u].wrapping_add(1)
                    && pot[v] != Cost::MAX
                    && self.cost[e] + pot[u] - pot[v] == 0
                {
                    path.push(e);
                    u = v;
                    advanced = true;
                    break;
                }
                next[u] += 1;
            }
            if !advanced {
                // Dead end: retreat and skip the arc that led here.
                let Some(e) = path.pop() else {
                    return 0;
                };
                u = self.to[e ^ 1] as usize;
                next[u] += 1;
            }
        }
    }

    /// Closes the flow of the last `min_cost_flow(s, t)` into a circulation through
    /// `ret`, an arc t→s of cost 0 added when the graph was built, and finds potentials
    /// under which every residual arc has a non-negative reduced cost. An error when they
    /// cannot be found (the caller then solves cold again).
    pub fn warm_state(&mut self, s: usize, t: usize, ret: usize) -> Result<Warm, FlowError> {
        if self.to.get(ret).copied() != Some(s as u32) || self.to[ret ^ 1] != t as u32 {
            return Err(FlowError::Mismatch);
        }
        let into_t: i64 = self.adj[t]
            .iter()
            .map(|&e| e as usize)
            .filter(|&e| e & 1 == 1 && e ^ 1 != ret)
            .map(|e| self.cap[e])
            .sum::<i64>()
            - self.adj[t]
                .iter()
                .map(|&e| e as usize)
                .filter(|&e| e & 1 == 0 && e != ret)
                .map(|e| self.cap[e ^ 1])
                .sum::<i64>();
        // The return arc is built with capacity 0 so that the cold solve never sees it.
        self.cap[ret] = RETURN_CAP - into_t;
        self.cap[ret ^ 1] = into_t;
        let pot = self.feasible_potentials()?;
        self.snapshot(pot)
    }

    /// Potentials with non-negative reduced costs on all residual arcs (Bellman–Ford
    /// from a virtual root at distance 0 to every node). A negative cycle keeps
    /// relaxing, so it ends as `WorkLimit` too.
    fn feasible_potentials(&self) -> Result<Vec<Cost>, FlowError> {
        let n = self.adj.len();
        let mut pot: Vec<Cost> = vec![0; n];
        let mut queued = vec![true; n];
        let mut queue: std::collections::VecDeque<usize> = (0..n).collect();
        let mut budget = 64usize.saturating_mul(self.to.len()).max(1 << 16);
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            for &e in &self.adj[u] {
                let e = e as usize;
                if self.cap[e] == 0 {
                    continue;
                }
                budget = budget.checked_sub(1).ok_or(FlowError::WorkLimit)?;
                let v = self.to[e] as usize;
                let nd = pot[u] + self.cost[e];
                if nd < pot[v] {
                    pot[v] = nd;
                    if !queued[v] {
                        queued[v] = true;
                        queue.push_back(v);
                    }
                }
            }
        }
        Ok(pot)
    }

    /// The flows and potentials, compactly (open nodes of a search hold thousands).
    fn snapshot(&self, pot: Vec<Cost>) -> Result<Warm, FlowError> {
        let mut flows: Vec<(u32, u32)> = Vec::new();
        for e in (0..self.to.len()).step_by(2) {
            if self.cap[e ^ 1] > 0 {
                let f = u32::try_from(self.cap[e ^ 1]).map_err(|_| FlowError::Overflow)?;
                flows.push((e as u32, f));
            }
        }
        flows.shrink_to_fit();
        Ok(Warm { flows, pot })
    }

    /// Σ cost × flow over the arcs.
    pub fn total_cost(&self) -> Cost {
        (0..self.to.len())
            .step_by(2)
            .map(|e| self.cost[e] * Cost::from(self.cap[e ^ 1]))
            .sum()
    }

    /// The dual price of the capacity of arc u→`t` under the potentials of `warm`.
    pub fn capacity_price(warm: &Warm, u: usize, t: usize) -> Cost {
        match (warm.pot.get(u), warm.pot.get(t)) {
            (Some(&pu), Some(&pt)) => (pt - pu).max(0),
            _ => 0,
        }
    }

    /// Restarts from `warm`, the optimal circulation of a graph built the same way
    /// (same nodes and arcs, in the same order) but with other capacities or costs,
    /// and restores optimality: arcs whose reduced cost now says so are saturated or
    /// emptied, and the imbalances this leaves are routed along cheapest paths
    /// (successive shortest paths from many sources). Far fewer Dijkstra runs than a
    /// cold solve when few arcs changed. On an error the graph is unusable for this
    /// solve (the caller builds it again and solves cold).
    pub fn reoptimize(&mut self, warm: &Warm, ret: usize) -> Result<Warm, FlowError> {
        let n = self.adj.len();
        let m = self.to.len();
        if warm.pot.len() != n || ret >= m || ret & 1 == 1 {
            return Err(FlowError::Mismatch);
        }
        self.cap[ret] = RETURN_CAP;
        self.cap[ret ^ 1] = 0;
        let mut pot = warm.pot.clone();
        let mut x = vec![0i64; m / 2];
        for &(e, f) in &warm.flows {
            *x.get_mut(e as usize / 2).ok_or(FlowError::Mismatch)? = i64::from(f);
        }
        let mut excess = vec![0i64; n];
        for e in (0..m).step_by(2) {
            let total = self.cap[e] + self.cap[e ^ 1];
            let (u, v) = (self.to[e ^ 1] as usize, self.to[e] as usize);
            let rc = self.cost[e] + pot[u] - pot[v];
            let f = if rc < 0 {
                total
            } else if rc > 0 {
                0
            } else {
                x[e / 2].min(total)
            };
            self.cap[e] = total - f;
            self.cap[e ^ 1] = f;
            excess[v] += f;
            excess[u] -= f;
        }
        let mut left: i64 = excess.iter().filter(|&&x| x > 0).sum();
        if left > 1 << 20 {
            return Err(FlowError::WorkLimit);
        }
        let mut dist = vec![Cost::MAX; n];
        let mut prev = vec![u32::MAX; n];
        let mut heap = BinaryHeap::new();
        while left > 0 {
            dist.iter_mut().for_each(|d| *d = Cost::MAX);
            prev.iter_mut().for_each(|p| *p = u32::MAX);
            heap.clear();
            for v in 0..n {
                if excess[v] > 0 {
                    dist[v] = 0;
                    heap.push(Reverse((Cost::default(), v as u32)));
                }
            }
            let mut target = None;
            while let Some(Reverse((d, u))) = heap.pop() {
                let u = u as usize;
                if d > dist[u] {
                    continue;
                }
                if excess[u] < 0 {
                    target = Some(u);
                    break;
                }
                for &e in &self.adj[u] {
                    let e = e as usize;
                    if self.cap[e] == 0 {
                        continue;
                    }
                    let v = self.to[e] as usize;
                    let rc = self.cost[e] + pot[u] - pot[v];
                    if rc < 0 {
                        return Err(FlowError::NegativeCycle);
                    }
                    let nd = d + rc;
                    if nd < dist[v] {
                        dist[v] = nd;
                        prev[v] = e as u32;
                        heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
            let t = target.ok_or(FlowError::Infeasible)?;
            let reach = dist[t];
            for v in 0..n {
                pot[v] += dist[v].min(reach);
            }
            // Walk back to the source of the path.
            let mut push = -excess[t];
            let mut v = t;
            while prev[v] != u32::MAX {
                let e = prev[v] as usize;
                push = push.min(self.cap[e]);
                v = self.to[e ^ 1] as usize;
            }
            push = push.min(excess[v]);
            if push <= 0 {
                return Err(FlowError::Infeasible);
            }
            let src = v;
            let mut v = t;
            while prev[v] != u32::MAX {
                let e = prev[v] as usize;
                self.cap[e] -= push;
                self.cap[e ^ 1] += push;
                v = self.to[e ^ 1] as usize;
            }
            excess[src] -= push;
            excess[t] += push;
            left -= push;
        }
        self.snapshot(pot)
    }

    /// Shortest distances from `s` over arcs with capacity (costs may be negative; the
    /// graphs built here have no negative cycles). Unreachable nodes get Cost::MAX and
    /// stay unreachable: augmenting only adds arcs between reachable nodes.
    fn bellman_ford(&self, s: usize) -> Vec<Cost> {
        let n = self.adj.len();
        let mut dist = vec![Cost::MAX; n];
        let mut queued = vec![false; n];
        let mut queue = std::collections::VecDeque::new();
        dist[s] = 0;
        queue.push_back(s);
        queued[s] = true;
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            for &e in &self.adj[u] {
                let e = e as usize;
                if self.cap[e] == 0 {
                    continue;
                }
                let v = self.to[e] as usize;
                let nd = dist[u] + self.cost[e];
                if nd < dist[v] {
                    dist[v] = nd;
                    if !queued[v] {
                        queued[v] = true;
                        queue.push_back(v);
                    }
                }
            }
        }
        dist
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Brute force over integer flows of a 2×2 transport with source/sink arcs.
    fn brute(sup: [i64; 2], cap: [i64; 2], cost: [[i64; 2]; 2]) -> Cost {
        let mut best = 0;
        for a in 0..=sup[0] {
            for b in 0..=(sup[0] - a) {
                for c in 0..=sup[1] {
                    for d in 0..=(sup[1] - c) {
                        if a + c > cap[0] || b + d > cap[1] {
                            continue;
                        }
                        let v = a * cost[0][0] + b * cost[0][1] + c * cost[1][0] + d * cost[1][1];
                        best = best.min(v);
                    }
                }
            }
        }
        Cost::from(best)
    }

    /// A layered network s → 3 → 3 → t with the given (cap, cost) per arc, closed by a
    /// return arc t → s of capacity 0.
    fn layered(arcs: &[(i64, i64)]) -> (Graph, usize) {
        let mut g = Graph::new(8);
        let mut it = arcs.iter();
        let mut next = || *it.next().unwrap_or(&(0, 0));
        for a in 2..5 {
            let (c, k) = next();
            g.add_arc(0, a, c, Cost::from(k));
        }
        for a in 2..5 {
            for b in 5..8 {
                let (c, k) = next();
                g.add_arc(a, b, c, Cost::from(k));
            }
        }
        for b in 5..8 {
            let (c, k) = next();
            g.add_arc(b, 1, c, Cost::from(k));
        }
        let ret = g.add_arc(1, 0, 0, 0);
        (g, ret)
    }

    proptest! {
        /// A warm start from the optimum of one network reaches the cold optimum of a
        /// network of the same shape with other capacities and costs.
        #[test]
        fn warm_start_matches_cold(
            before in proptest::collection::vec((0i64..5, -6i64..6), 15),
            after in proptest::collection::vec((0i64..5, -6i64..6), 15),
            keep in proptest::collection::vec(proptest::bool::ANY, 15),
        ) {
            let (mut g0, ret) = layered(&before);
            g0.min_cost_flow(0, 1);
            let warm = g0.warm_state(0, 1, ret);
            prop_assert!(warm.is_ok());
            let mixed: Vec<(i64, i64)> = before
                .iter()
                .zip(&after)
                .zip(&keep)
                .map(|((b, a), &k)| if k { *b } else { *a })
                .collect();
            let (mut cold, _) = layered(&mixed);
            let want = cold.min_cost_flow(0, 1);
            let (mut hot, ret) = layered(&mixed);
            let state = hot.reoptimize(&warm.unwrap_or_default(), ret);
            prop_assert!(state.is_ok());
            prop_assert_eq!(hot.total_cost(), want);
            // And the state it leaves restarts the next network too.
            let (mut again, ret) = layered(&before);
            let (mut cold0, _) = layered(&before);
            prop_assert!(again.reoptimize(&state.unwrap_or_default(), ret).is_ok());
            prop_assert_eq!(again.total_cost(), cold0.min_cost_flow(0, 1));
        }

        #[test]
        fn matches_brute_force(
            sup in proptest::array::uniform2(0i64..4),
            cap in proptest::array::uniform2(0i64..4),
            c in proptest::array::uniform4(-5i64..5),
        ) {
            let cost = [[c[0], c[1]], [c[2], c[3]]];
            let mut g = Graph::new(6);
            g.add_arc(0, 1, sup[0], 0);
            g.add_arc(0, 2, sup[1], 0);
            for (i, row) in cost.iter().enumerate() {
                for (j, &c) in row.iter().enumerate() {
                    g.add_arc(1 + i, 3 + j, 10, Cost::from(c));
                }
            }
            g.add_arc(3, 5, cap[0], 0);
            g.add_arc(4, 5, cap[1], 0);
            prop_assert_eq!(g.min_cost_flow(0, 5), brute(sup, cap, cost));
        }
    }
}
