//! Min-cost flow by successive shortest paths (Dijkstra with Johnson potentials),
//! in exact integer arithmetic. It stops as soon as no augmenting path has negative
//! cost, which is a minimum-cost flow of any value (not a maximum flow). Each round
//! pushes a blocking flow along every cheapest path; its Dijkstra stops once the sink
//! and every node as near are settled, and scans for the nearest node instead of
//! using a heap on dense networks (`assign`'s routings). Neither changes a distance
//! the blocking flow reads, so every variant pushes the same flow (tested).
//!
//! A graph is generic over its cost type (`FlowCost`): 128-bit by default, 64-bit when
//! the caller has checked with [`fits_64`] that every cost, potential, distance and
//! total of the graph fits (the search's folded weights usually do; 128-bit
//! arithmetic and twice the memory per cost made the large components' solves
//! markedly slower). Both compute the same integers, so the solves agree exactly.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// The callers' cost type: 128-bit, so that the folded lexicographic costs of the
/// search (`search.rs`, up to ten levels) stay exact.
pub type Cost = i128;

/// An exact integer type for a graph's costs, potentials and distances: `i64` or
/// `i128`.
pub trait FlowCost:
    Copy
    + Ord
    + Default
    + std::fmt::Debug
    + Send
    + Sync
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Neg<Output = Self>
    + std::ops::AddAssign
    + std::iter::Sum
    + From<i64>
    + Into<Cost>
{
    /// "Unreachable".
    const MAX: Self;
    /// Zero.
    const ZERO: Self;
    /// Whether this is the widest cost type (no wider one to solve in instead).
    const WIDEST: bool;
    /// A bound on |potential| that `reoptimize` keeps (a `Range` error beyond it)
    /// and below which `feasible_potentials` calls a potential a negative cycle:
    /// `MAX / 8`, see [`fits_64`].
    const POT_LIMIT: Self;
    /// `x` in this type; the caller has checked that it fits ([`fits_64`]).
    fn narrow(x: Cost) -> Self;
}

/// `FlowCost` for a primitive signed integer; `$widest` when it is `Cost` itself.
macro_rules! flow_cost {
    ($t:ty, $widest:expr) => {
        impl FlowCost for $t {
            const MAX: $t = <$t>::MAX;
            const WIDEST: bool = $widest;
            const ZERO: $t = 0;
            const POT_LIMIT: $t = <$t>::MAX / 8;
            fn narrow(x: Cost) -> $t {
                // INVARIANT: the caller checked with `fits_64` that every cost it
                // passes fits; saturating keeps this total (never reached).
                debug_assert!(<$t>::try_from(x).is_ok(), "cost {x} does not fit");
                <$t>::try_from(x).unwrap_or(if x < 0 { <$t>::MIN } else { <$t>::MAX })
            }
        }
    };
}

flow_cost!(i128, true);
flow_cost!(i64, false);

/// Whether a graph of `nodes` nodes whose arc costs are at most `max_cost` in magnitude
/// and which carries at most `max_flow` units from source to sink, each along at most
/// `path_arcs` arcs, may be solved with 64-bit costs (`Graph<i64>`) exactly.
///
/// With B = nodes × max_cost (a bound on any simple path's cost) and L = the 64-bit
/// `POT_LIMIT` (= MAX / 8): shortest distances stay within B, potentials within 3B
/// in `min_cost_flow` (a round cut at the sink raises a node by at most the sink's
/// rise, and the sink rises by at most 2B in all) and within L in `reoptimize`, which
/// checks it; reduced distances within B + 2L, Dijkstra's sums within B + C + 4L,
/// and a flow's total Σ cost × flow within
/// max_cost × max_flow × path_arcs. Requiring B ≤ MAX / 16 and that total ≤ MAX / 16
/// keeps every one of them below `i64::MAX`.
pub fn fits_64(nodes: usize, max_cost: Cost, max_flow: Cost, path_arcs: usize) -> bool {
    let limit = Cost::from(i64::MAX / 16);
    let (Ok(n), Ok(arcs)) = (Cost::try_from(nodes), Cost::try_from(path_arcs)) else {
        return false;
    };
    let c = max_cost.abs();
    let path = n.checked_mul(c);
    let total = c
        .checked_mul(max_flow.max(0))
        .and_then(|x| x.checked_mul(arcs));
    matches!((path, total), (Some(p), Some(t)) if p <= limit && t <= limit)
}

/// The largest arc cost (in magnitude) a 128-bit graph may be built with: 32 bits below
/// `Cost::MAX`. Distances and potentials are sums of arc costs along simple paths, and
/// the total is a sum of cost × flow; with fewer than 2^30 nodes and the flows the
/// callers bound (weights.rs: `Weights::of` keeps the whole objective within the same
/// headroom; assign.rs: a group's arrivals), none of these sums can overflow. A 64-bit
/// graph is checked by [`fits_64`] instead.
pub const MAX_ARC_COST: Cost = Cost::MAX >> 32;

/// Nodes are stored as `u32`; a graph stays well below this many so that path sums of
/// `MAX_ARC_COST` fit (see there).
const MAX_NODES: usize = 1 << 30;

impl<C: FlowCost> Warm<C> {
    /// Bytes held, to bound what a search keeps of its open nodes. Potentials are
    /// counted at the 128-bit size whatever `C` is, so that which open nodes keep
    /// their state (and so which of several equal optima a search finds) does not
    /// depend on the width a graph was solved in.
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
    /// A potential of a warm start left the range the graph's cost type keeps
    /// (`FlowCost::POT_LIMIT`): a 64-bit graph should be solved in 128 bits.
    #[error("a potential left the range of the graph's cost type")]
    Range,
}

/// Capacity of the return arc t→s that closes a flow into a circulation.
const RETURN_CAP: i64 = 1 << 40;

/// An optimal circulation and its potentials, to restart a modified graph from.
#[derive(Debug, Clone)]
pub struct Warm<C = Cost> {
    /// (arc, flow) of the forward arcs that carry flow.
    flows: Vec<(u32, u32)>,
    /// Every residual arc has cost + pot[from] − pot[to] ≥ 0.
    pot: Vec<C>,
}

impl<C> Default for Warm<C> {
    fn default() -> Self {
        Warm {
            flows: Vec::new(),
            pot: Vec::new(),
        }
    }
}

/// Whether a residual arc of capacity `cap` and cost `cost` from a node of potential
/// `pu` to one of potential `pv` has room and zero reduced cost.
fn admissible<C: FlowCost>(cap: i64, cost: C, pu: C, pv: C) -> bool {
    cap > 0 && pv != C::MAX && cost + pu - pv == C::ZERO
}

/// `min_cost_flow` finds its shortest paths by scanning for the nearest open node
/// instead of with a heap when the nodes squared are at most this many times the
/// (residual) arcs: dense networks such as `assign`'s routings (every sender to every
/// member school), where the heap's pushes cost more than the scans.
const DENSE_FACTOR: usize = 4;

/// The work arrays of one solve, allocated once for all its rounds (the networks of
/// `assign` are small and many, so allocating them per round cost more than the
/// rounds' work).
struct Scratch<C> {
    /// Distances under reduced costs (C::MAX: not reached).
    dist: Vec<C>,
    /// The arc into each node of its shortest-path tree (u32::MAX: none).
    prev: Vec<u32>,
    /// Settled nodes of the dense Dijkstra.
    done: Vec<bool>,
    heap: BinaryHeap<Reverse<(C, u32)>>,
    /// Breadth-first levels of the admissible graph (u32::MAX: not reached).
    level: Vec<u32>,
    /// Per node, the position in its arc list that the blocking flow's search is at.
    next: Vec<usize>,
    /// The breadth-first queue (each node enters it at most once).
    queue: Vec<u32>,
    /// The augmenting path being built, as arcs.
    path: Vec<usize>,
}

impl<C: FlowCost> Scratch<C> {
    fn new(n: usize) -> Scratch<C> {
        Scratch {
            dist: vec![C::MAX; n],
            prev: vec![u32::MAX; n],
            done: vec![false; n],
            heap: BinaryHeap::new(),
            level: vec![u32::MAX; n],
            next: vec![0; n],
            queue: vec![0; n],
            path: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Graph<C = Cost> {
    /// The shape is shared between copies of one network (nodes of a search differ
    /// only in capacities and costs), so copying a graph copies two arrays.
    adj: Arc<Vec<Vec<u32>>>,
    to: Arc<Vec<u32>>,
    cap: Vec<i64>,
    cost: Vec<C>,
    /// Shortest residual distances from the source once `min_cost_flow` ended
    /// (C::MAX: unreachable). Their negatives price the arcs into the sink.
    last_dist: Vec<C>,
}

impl<C: FlowCost> Graph<C> {
    pub fn new(nodes: usize) -> Graph<C> {
        debug_assert!(nodes < MAX_NODES, "{nodes} nodes");
        Graph {
            adj: Arc::new(vec![Vec::new(); nodes]),
            to: Arc::default(),
            cap: Vec::new(),
            cost: Vec::new(),
            last_dist: Vec::new(),
        }
    }

    /// Nodes of the graph.
    pub fn nodes(&self) -> usize {
        self.adj.len()
    }

    /// The largest arc cost in magnitude.
    pub fn max_abs_cost(&self) -> Cost {
        self.cost.iter().map(|&c| c.into().abs()).max().unwrap_or(0)
    }

    /// The same network with costs of type `D` (sharing its shape), its capacities
    /// and flows as they are, without the distances of a last solve; the caller has
    /// checked with [`fits_64`] that the costs fit.
    pub fn narrowed<D: FlowCost>(&self) -> Graph<D> {
        Graph {
            adj: Arc::clone(&self.adj),
            to: Arc::clone(&self.to),
            cap: self.cap.clone(),
            cost: self.cost.iter().map(|&c| D::narrow(c.into())).collect(),
            last_dist: Vec::new(),
        }
    }

    pub fn add_node(&mut self) -> usize {
        let adj = Arc::make_mut(&mut self.adj);
        adj.push(Vec::new());
        debug_assert!(adj.len() < MAX_NODES, "{} nodes", adj.len());
        adj.len() - 1
    }

    /// Resets arc `e` of a graph that carries no flow yet to capacity `cap`, cost `cost`.
    pub fn set_arc(&mut self, e: usize, cap: i64, cost: C) {
        // INVARIANT: the callers' weights keep every cost within MAX_ARC_COST (checked
        // by `Weights::of`), and within `fits_64`'s bound in a 64-bit graph; the sums
        // below rely on it.
        debug_assert!(
            cost.into().unsigned_abs() <= MAX_ARC_COST.unsigned_abs(),
            "arc cost {cost:?}"
        );
        self.cap[e] = cap.max(0);
        self.cap[e ^ 1] = 0;
        self.cost[e] = cost;
        self.cost[e ^ 1] = -cost;
    }

    /// Adds arc u→v and returns its id (for `flow`). Arcs of zero capacity are kept so
    /// that ids stay predictable.
    pub fn add_arc(&mut self, u: usize, v: usize, cap: i64, cost: C) -> usize {
        // INVARIANT: as in `set_arc`.
        debug_assert!(
            cost.into().unsigned_abs() <= MAX_ARC_COST.unsigned_abs(),
            "arc cost {cost:?}"
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
    pub fn distance(&self, v: usize) -> C {
        self.last_dist.get(v).copied().unwrap_or(C::MAX)
    }

    pub fn flow(&self, arc: usize) -> i64 {
        self.cap[arc ^ 1]
    }

    /// Sends flow from `s` to `t` while it lowers the total cost; returns that cost.
    pub fn min_cost_flow(&mut self, s: usize, t: usize) -> C {
        let n = self.adj.len();
        let dense = n.saturating_mul(n) <= DENSE_FACTOR.saturating_mul(self.to.len());
        self.successive_shortest_paths(s, t, dense, true)
    }

    /// `min_cost_flow`, its shortest paths found by the dense Dijkstra or the heap one
    /// (the same distances, so the same flow), each round stopping early at `t` when
    /// `early` (the same flow again; the tests compare all four).
    fn successive_shortest_paths(&mut self, s: usize, t: usize, dense: bool, early: bool) -> C {
        let n = self.adj.len();
        let mut pot = self.bellman_ford(s);
        let mut total = C::ZERO;
        let mut sc = Scratch::new(n);
        loop {
            sc.dist.fill(C::MAX);
            sc.dist[s] = C::ZERO;
            // A round whose cheapest path lowers the cost stops once every node as near
            // as `t` is settled: `cut` is then t's distance (see `gains`).
            let gains = |d: C| early && pot[t] + d - pot[s] < C::ZERO;
            let cut = if dense {
                self.dijkstra_dense(&pot, &mut sc, t, gains)
            } else {
                sc.heap.push(Reverse((C::ZERO, s as u32)));
                let mut cut = None;
                // INVARIANT: the potentials are feasible (see below), so no reduced
                // cost is negative and there is no error to stop at.
                let _ = self.dijkstra_heap(&pot, &mut sc, |u, d| {
                    if cut.is_some_and(|c| d > c) {
                        return true;
                    }
                    if u == t && gains(d) {
                        cut = Some(d);
                    }
                    false
                });
                cut
            };
            let dist = &sc.dist;
            match cut {
                // After this, pot holds true shortest distances from `s` for every node
                // Dijkstra reached (`dist` stays for the ones it did not).
                None => {
                    for v in 0..n {
                        if dist[v] != C::MAX && pot[v] != C::MAX {
                            pot[v] += dist[v];
                        }
                    }
                }
                // Every node within `c` is settled, so it gets its true distance as
                // above; the others are farther and get `c` (Johnson's potentials stay
                // feasible: min(dist, c) changes by at most an arc's reduced cost).
                // Arcs of zero reduced cost from `s` then lead through settled nodes
                // only, exactly those of a full round, so the blocking flow and every
                // later round are the same as with a full Dijkstra. What a node gains
                // this way over all rounds is at most what `t` gains (at most 2B, see
                // `fits_64`).
                Some(c) => {
                    for v in 0..n {
                        if pot[v] != C::MAX {
                            pot[v] += dist[v].min(c);
                        }
                    }
                }
            }
            // pot[t] - pot[s] is now the true cost of the cheapest path; stop when there
            // is none, or it would not lower the cost.
            if dist[t] == C::MAX || pot[t] - pot[s] >= C::ZERO {
                self.last_dist = (0..n)
                    .map(|v| {
                        if dist[v] == C::MAX {
                            C::MAX
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
            total += path_cost * C::from(self.blocking_flow(s, t, &pot, &mut sc));
        }
        total
    }

    /// Dijkstra from the node at distance 0 in `sc.dist`, by scanning for the nearest
    /// open node: for the small networks of `assign` (a post group's senders and
    /// member schools), cheaper than a heap. It fills `sc.dist` with the distances
    /// under reduced costs (`prev` is left alone: `min_cost_flow` needs the distances
    /// only, and those are the same however ties are settled). Once it settles `t` at
    /// a distance `d` for which `stop_at(d)` holds, it settles the nodes no farther
    /// than `d` and stops, returning `Some(d)`; `None` when it ran to the end.
    fn dijkstra_dense(
        &self,
        pot: &[C],
        sc: &mut Scratch<C>,
        t: usize,
        stop_at: impl Fn(C) -> bool,
    ) -> Option<C> {
        let (adj, to, cap, cost) = (&self.adj[..], &self.to[..], &self.cap[..], &self.cost[..]);
        let (dist, done) = (&mut sc.dist[..], &mut sc.done[..]);
        done.fill(false);
        let mut cut = None;
        loop {
            let mut best = C::MAX;
            let mut at = usize::MAX;
            for (u, (&d, &done)) in dist.iter().zip(done.iter()).enumerate() {
                if !done && d < best {
                    best = d;
                    at = u;
                }
            }
            if at == usize::MAX || cut.is_some_and(|c| best > c) {
                return cut;
            }
            done[at] = true;
            if at == t && stop_at(best) {
                cut = Some(best);
            }
            let base = best + pot[at];
            for &e in &adj[at] {
                let e = e as usize;
                if cap[e] == 0 {
                    continue;
                }
                let v = to[e] as usize;
                if done[v] || pot[v] == C::MAX {
                    continue;
                }
                // INVARIANT: as in `dijkstra_heap`.
                let nd = base + cost[e] - pot[v];
                if nd < dist[v] {
                    dist[v] = nd;
                }
            }
        }
    }

    /// Dijkstra with a binary heap from the nodes already in `sc.heap` (at their
    /// `sc.dist`), over residual arcs with their reduced costs under `pot`, skipping
    /// nodes of potential C::MAX (unreachable for good). Fills `sc.dist` and
    /// `sc.prev`; stops at the first node `u` it would settle at distance `d` for
    /// which `stop(u, d)` holds and returns it (unsettled). A negative reduced cost is
    /// `NegativeCycle`: `pot` was not feasible.
    fn dijkstra_heap(
        &self,
        pot: &[C],
        sc: &mut Scratch<C>,
        mut stop: impl FnMut(usize, C) -> bool,
    ) -> Result<Option<usize>, FlowError> {
        let (adj, to, cap, cost) = (&self.adj[..], &self.to[..], &self.cap[..], &self.cost[..]);
        let (dist, prev, heap) = (&mut sc.dist[..], &mut sc.prev[..], &mut sc.heap);
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = u as usize;
            if d > dist[u] {
                continue;
            }
            if stop(u, d) {
                heap.clear();
                return Ok(Some(u));
            }
            for &e in &adj[u] {
                let e = e as usize;
                if cap[e] == 0 {
                    continue;
                }
                let v = to[e] as usize;
                if pot[v] == C::MAX {
                    continue;
                }
                // INVARIANT: d, pot[u] and pot[v] are path sums of fewer than
                // MAX_NODES costs of at most MAX_ARC_COST (or within POT_LIMIT, see
                // `fits_64`): no overflow.
                let rc = cost[e] + pot[u] - pot[v];
                if rc < C::ZERO {
                    heap.clear();
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
        Ok(None)
    }

    /// Augments along arcs of zero reduced cost until `t` is unreachable through them;
    /// returns the units pushed. Levels keep the admissible graph acyclic.
    fn blocking_flow(&mut self, s: usize, t: usize, pot: &[C], sc: &mut Scratch<C>) -> i64 {
        let mut pushed = 0i64;
        loop {
            let (adj, to, cap, cost) = (&self.adj[..], &self.to[..], &self.cap[..], &self.cost[..]);
            let (level, queue) = (&mut sc.level[..], &mut sc.queue[..]);
            level.fill(u32::MAX);
            level[s] = 0;
            // Each node enters the queue once: `queue[..tail]` holds them in order.
            queue[0] = s as u32;
            let (mut head, mut tail) = (0, 1);
            while head < tail {
                let u = queue[head] as usize;
                head += 1;
                for &e in &adj[u] {
                    let e = e as usize;
                    let v = to[e] as usize;
                    if level[v] == u32::MAX && admissible(cap[e], cost[e], pot[u], pot[v]) {
                        level[v] = level[u] + 1;
                        queue[tail] = v as u32;
                        tail += 1;
                    }
                }
                // Once `t` has its level the search may stop: a node it has not
                // reached yet would be at t's level or beyond, a dead end for the
                // paths below (levels only rise along them), so leaving it unreached
                // changes no path they find.
                if level[t] != u32::MAX {
                    break;
                }
            }
            if level[t] == u32::MAX {
                return pushed;
            }
            sc.next.fill(0);
            loop {
                let f = self.dfs(s, t, pot, sc);
                if f == 0 {
                    break;
                }
                pushed += f;
            }
        }
    }

    /// One augmenting path of the level graph, iteratively (no recursion depth limit),
    /// saturating its bottleneck.
    fn dfs(&mut self, s: usize, t: usize, pot: &[C], sc: &mut Scratch<C>) -> i64 {
        let (adj, to, cost) = (&self.adj[..], &self.to[..], &self.cost[..]);
        let cap = &mut self.cap[..];
        let (level, next, path) = (&sc.level[..], &mut sc.next[..], &mut sc.path);
        path.clear();
        let mut u = s;
        loop {
            if u == t {
                let push = path.iter().fold(i64::MAX, |m, &e| m.min(cap[e]));
                for &e in path.iter() {
                    cap[e] -= push;
                    cap[e ^ 1] += push;
                }
                return push;
            }
            let mut advanced = false;
            let arcs = &adj[u];
            while let Some(&e) = arcs.get(next[u]) {
                let e = e as usize;
                let v = to[e] as usize;
                if level[v] == level[u].wrapping_add(1)
                    && admissible(cap[e], cost[e], pot[u], pot[v])
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
                u = to[e ^ 1] as usize;
                next[u] += 1;
            }
        }
    }

    /// Closes the flow of the last `min_cost_flow(s, t)` into a circulation through
    /// `ret`, an arc t→s of cost 0 added when the graph was built, and finds potentials
    /// under which every residual arc has a non-negative reduced cost. An error when they
    /// cannot be found (the caller then solves cold again).
    pub fn warm_state(&mut self, s: usize, t: usize, ret: usize) -> Result<Warm<C>, FlowError> {
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
    /// relaxing, so it ends as `WorkLimit`, or as `NegativeCycle` once a potential
    /// falls below −`POT_LIMIT` (no simple path of the graph is that cheap).
    fn feasible_potentials(&self) -> Result<Vec<C>, FlowError> {
        let n = self.adj.len();
        let mut pot: Vec<C> = vec![C::ZERO; n];
        let budget = 64usize.saturating_mul(self.to.len()).max(1 << 16);
        self.label_correcting(&mut pot, (0..n).collect(), Some(budget))?;
        Ok(pot)
    }

    /// Bellman–Ford with a first-in first-out queue over arcs with capacity, from the
    /// nodes of `queue` at their `dist`. With a `budget` of arc scans, running over it
    /// is `WorkLimit` and a distance below −`POT_LIMIT` is `NegativeCycle`; without
    /// one it cannot fail (the caller's graph has no negative cycle).
    fn label_correcting(
        &self,
        dist: &mut [C],
        mut queue: std::collections::VecDeque<usize>,
        mut budget: Option<usize>,
    ) -> Result<(), FlowError> {
        let mut queued = vec![false; dist.len()];
        for &u in &queue {
            queued[u] = true;
        }
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            for &e in &self.adj[u] {
                let e = e as usize;
                if self.cap[e] == 0 {
                    continue;
                }
                if let Some(left) = budget.as_mut() {
                    *left = left.checked_sub(1).ok_or(FlowError::WorkLimit)?;
                }
                let v = self.to[e] as usize;
                let nd = dist[u] + self.cost[e];
                if nd < dist[v] {
                    if budget.is_some() && nd < -C::POT_LIMIT {
                        return Err(FlowError::NegativeCycle);
                    }
                    dist[v] = nd;
                    if !queued[v] {
                        queued[v] = true;
                        queue.push_back(v);
                    }
                }
            }
        }
        Ok(())
    }

    /// The flows and potentials, compactly (open nodes of a search hold thousands).
    fn snapshot(&self, pot: Vec<C>) -> Result<Warm<C>, FlowError> {
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
    pub fn total_cost(&self) -> C {
        (0..self.to.len())
            .step_by(2)
            .map(|e| self.cost[e] * C::from(self.cap[e ^ 1]))
            .sum()
    }

    /// The dual price of the capacity of arc u→`t` under the potentials of `warm`.
    pub fn capacity_price(warm: &Warm<C>, u: usize, t: usize) -> C {
        match (warm.pot.get(u), warm.pot.get(t)) {
            (Some(&pu), Some(&pt)) => (pt - pu).max(C::ZERO),
            _ => C::ZERO,
        }
    }

    /// Restarts from `warm`, the optimal circulation of a graph built the same way
    /// (same nodes and arcs, in the same order) but with other capacities or costs,
    /// and restores optimality: arcs whose reduced cost now says so are saturated or
    /// emptied, and the imbalances this leaves are routed along cheapest paths
    /// (successive shortest paths from many sources). Far fewer Dijkstra runs than a
    /// cold solve when few arcs changed. On an error the graph is unusable for this
    /// solve (the caller builds it again and solves cold).
    pub fn reoptimize(&mut self, warm: &Warm<C>, ret: usize) -> Result<Warm<C>, FlowError> {
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
            let f = if rc < C::ZERO {
                total
            } else if rc > C::ZERO {
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
        let mut sc = Scratch::new(n);
        while left > 0 {
            sc.dist.fill(C::MAX);
            sc.prev.fill(u32::MAX);
            for (v, &x) in excess.iter().enumerate() {
                if x > 0 {
                    sc.dist[v] = C::ZERO;
                    sc.heap.push(Reverse((C::ZERO, v as u32)));
                }
            }
            let target = self.dijkstra_heap(&pot, &mut sc, |u, _| excess[u] < 0)?;
            let t = target.ok_or(FlowError::Infeasible)?;
            let (dist, prev) = (&sc.dist, &sc.prev);
            let reach = dist[t];
            for v in 0..n {
                pot[v] += dist[v].min(reach);
                // INVARIANT: potentials stay within POT_LIMIT, which keeps the reduced
                // costs and distances above within the type (`fits_64`); a run that
                // drifts beyond it stops here instead of overflowing.
                if pot[v] > C::POT_LIMIT || pot[v] < -C::POT_LIMIT {
                    return Err(FlowError::Range);
                }
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
    /// graphs built here have no negative cycles). Unreachable nodes get C::MAX and
    /// stay unreachable: augmenting only adds arcs between reachable nodes.
    fn bellman_ford(&self, s: usize) -> Vec<C> {
        let mut dist = vec![C::MAX; self.adj.len()];
        dist[s] = C::ZERO;
        // INVARIANT: without a budget `label_correcting` cannot fail.
        let _ = self.label_correcting(&mut dist, [s].into(), None);
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
        layered_in::<Cost>(arcs)
    }

    /// `layered` with costs of type `C`.
    fn layered_in<C: FlowCost>(arcs: &[(i64, i64)]) -> (Graph<C>, usize) {
        let mut g = Graph::new(8);
        let mut it = arcs.iter();
        let mut next = || *it.next().unwrap_or(&(0, 0));
        for a in 2..5 {
            let (c, k) = next();
            g.add_arc(0, a, c, C::from(k));
        }
        for a in 2..5 {
            for b in 5..8 {
                let (c, k) = next();
                g.add_arc(a, b, c, C::from(k));
            }
        }
        for b in 5..8 {
            let (c, k) = next();
            g.add_arc(b, 1, c, C::from(k));
        }
        let ret = g.add_arc(1, 0, 0, C::ZERO);
        (g, ret)
    }

    #[test]
    fn fits_64_at_its_bounds() {
        let limit = Cost::from(i64::MAX / 16);
        assert!(fits_64(1, limit, 1, 1));
        assert!(!fits_64(1, limit + 1, 1, 1));
        assert!(fits_64(4, limit / 4, 0, 7));
        assert!(!fits_64(5, limit / 4, 0, 7));
        assert!(fits_64(2, 1_000, limit / 7_000, 7));
        assert!(!fits_64(2, 1_000, limit / 7_000 + 1, 7));
        assert!(!fits_64(usize::MAX, Cost::MAX, Cost::MAX, usize::MAX));
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

        /// The same networks solved with 64-bit and 128-bit costs: the same flows,
        /// totals, warm states and re-optimised flows.
        #[test]
        fn widths_agree(
            before in proptest::collection::vec((0i64..5, -6_000_000_000i64..6_000_000_000), 15),
            after in proptest::collection::vec((0i64..5, -6_000_000_000i64..6_000_000_000), 15),
        ) {
            let (mut a, ret) = layered_in::<i128>(&before);
            let (mut b, _) = layered_in::<i64>(&before);
            prop_assert_eq!(a.min_cost_flow(0, 1), b.min_cost_flow(0, 1).into());
            let flows = |g: &Graph<i128>, h: &Graph<i64>| {
                (0..16).all(|e| g.flow(2 * e) == h.flow(2 * e))
            };
            prop_assert!(flows(&a, &b));
            let (wa, wb) = (a.warm_state(0, 1, ret), b.warm_state(0, 1, ret));
            prop_assert_eq!(wa.is_ok(), wb.is_ok());
            let (wa, wb) = (wa.unwrap_or_default(), wb.unwrap_or_default());
            prop_assert_eq!(&wa.flows, &wb.flows);
            let narrowed: Vec<i128> = wb.pot.iter().map(|&p| i128::from(p)).collect();
            prop_assert_eq!(&wa.pot, &narrowed);
            let (mut a2, _) = layered_in::<i128>(&after);
            let (mut b2, _) = layered_in::<i64>(&after);
            let (ra, rb) = (a2.reoptimize(&wa, ret), b2.reoptimize(&wb, ret));
            prop_assert_eq!(ra.is_ok(), rb.is_ok());
            prop_assert_eq!(a2.total_cost(), b2.total_cost().into());
            prop_assert!(flows(&a2, &b2));
        }

        /// Both shortest-path searches of `min_cost_flow`, with and without stopping
        /// a round at the sink, give the same flows, totals and distances.
        #[test]
        fn shortest_path_variants_agree(
            arcs in proptest::collection::vec((0i64..5, -6i64..6), 15),
        ) {
            let (mut full, _) = layered(&arcs);
            let want = full.successive_shortest_paths(0, 1, false, false);
            for (dense, early) in [(true, true), (true, false), (false, true)] {
                let (mut g, _) = layered(&arcs);
                prop_assert_eq!(g.successive_shortest_paths(0, 1, dense, early), want);
                prop_assert_eq!(&g.cap, &full.cap);
                prop_assert_eq!(&g.last_dist, &full.last_dist);
            }
        }

        /// The same on random acyclic networks of up to 24 nodes with many equal
        /// costs (so many cheapest paths tie and rounds stop among equal distances).
        #[test]
        fn shortest_path_variants_agree_on_dags(
            n in 3usize..24,
            arcs in proptest::collection::vec((0usize..24, 0usize..24, 0i64..4, -3i64..4), 1..90),
        ) {
            let build = || {
                let mut g: Graph = Graph::new(n);
                for &(a, b, cap, cost) in &arcs {
                    let (a, b) = (a % n, b % n);
                    if a < b {
                        g.add_arc(a, b, cap, Cost::from(cost));
                    }
                }
                g
            };
            let mut full = build();
            let want = full.successive_shortest_paths(0, n - 1, false, false);
            for (dense, early) in [(true, true), (true, false), (false, true)] {
                let mut g = build();
                prop_assert_eq!(g.successive_shortest_paths(0, n - 1, dense, early), want);
                prop_assert_eq!(&g.cap, &full.cap);
                prop_assert_eq!(&g.last_dist, &full.last_dist);
            }
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
