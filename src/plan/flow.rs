//! Min-cost flow by successive shortest paths (Dijkstra with Johnson potentials),
//! in exact integer arithmetic. It stops as soon as no augmenting path has negative
//! cost, which is a minimum-cost flow of any value (not a maximum flow).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Default)]
pub struct Graph {
    adj: Vec<Vec<u32>>,
    to: Vec<u32>,
    cap: Vec<i64>,
    cost: Vec<i64>,
}

impl Graph {
    pub fn new(nodes: usize) -> Graph {
        Graph {
            adj: vec![Vec::new(); nodes],
            ..Graph::default()
        }
    }

    pub fn add_node(&mut self) -> usize {
        self.adj.push(Vec::new());
        self.adj.len() - 1
    }

    /// Adds arc u→v and returns its id (for `flow`). Arcs of zero capacity are kept so
    /// that ids stay predictable.
    pub fn add_arc(&mut self, u: usize, v: usize, cap: i64, cost: i64) -> usize {
        let e = self.to.len();
        self.to.push(v as u32);
        self.cap.push(cap.max(0));
        self.cost.push(cost);
        self.adj[u].push(e as u32);
        self.to.push(u as u32);
        self.cap.push(0);
        self.cost.push(-cost);
        self.adj[v].push(e as u32 + 1);
        e
    }

    pub fn flow(&self, arc: usize) -> i64 {
        self.cap[arc ^ 1]
    }

    /// Sends flow from `s` to `t` while it lowers the total cost; returns that cost.
    pub fn min_cost_flow(&mut self, s: usize, t: usize) -> i64 {
        let n = self.adj.len();
        let mut pot = self.bellman_ford(s);
        let mut total = 0i64;
        let mut dist = vec![i64::MAX; n];
        let mut prev = vec![u32::MAX; n];
        loop {
            dist.iter_mut().for_each(|d| *d = i64::MAX);
            prev.iter_mut().for_each(|p| *p = u32::MAX);
            dist[s] = 0;
            let mut heap = BinaryHeap::new();
            heap.push(Reverse((0i64, s as u32)));
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
                    if pot[v] == i64::MAX {
                        continue;
                    }
                    let nd = d + self.cost[e] + pot[u] - pot[v];
                    if nd < dist[v] {
                        dist[v] = nd;
                        prev[v] = e as u32;
                        heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
            if dist[t] == i64::MAX {
                break;
            }
            for v in 0..n {
                if dist[v] != i64::MAX && pot[v] != i64::MAX {
                    pot[v] += dist[v];
                }
            }
            // pot[t] - pot[s] is now the true cost of the cheapest path.
            let path_cost = pot[t] - pot[s];
            if path_cost >= 0 {
                break;
            }
            // Push a blocking flow along every cheapest path at once (arcs of zero
            // reduced cost), Dinic-style, before the next Dijkstra.
            total += path_cost * self.blocking_flow(s, t, &pot);
        }
        total
    }

    /// Augments along arcs of zero reduced cost until `t` is unreachable through them;
    /// returns the units pushed. Levels keep the admissible graph acyclic.
    fn blocking_flow(&mut self, s: usize, t: usize, pot: &[i64]) -> i64 {
        let n = self.adj.len();
        let admissible = |g: &Graph, e: usize, u: usize| {
            let v = g.to[e] as usize;
            g.cap[e] > 0 && pot[v] != i64::MAX && g.cost[e] + pot[u] - pot[v] == 0
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
        pot: &[i64],
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
                    && pot[v] != i64::MAX
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

    /// Shortest distances from `s` over arcs with capacity (costs may be negative; the
    /// graphs built here have no negative cycles). Unreachable nodes get i64::MAX and
    /// stay unreachable: augmenting only adds arcs between reachable nodes.
    fn bellman_ford(&self, s: usize) -> Vec<i64> {
        let n = self.adj.len();
        let mut dist = vec![i64::MAX; n];
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
    fn brute(sup: [i64; 2], cap: [i64; 2], cost: [[i64; 2]; 2]) -> i64 {
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
        best
    }

    proptest! {
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
                    g.add_arc(1 + i, 3 + j, 10, c);
                }
            }
            g.add_arc(3, 5, cap[0], 0);
            g.add_arc(4, 5, cap[1], 0);
            prop_assert_eq!(g.min_cost_flow(0, 5), brute(sup, cap, cost));
        }
    }
}
