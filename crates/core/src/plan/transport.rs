//! A small min-cost transportation solver (successive shortest paths with
//! Bellman–Ford), used to route the teachers a post group receives to its member
//! schools by shortest total distance. Integer costs keep it exact and deterministic.

/// Ships `supply[i]` units to sinks with capacities `capacity[j]` at `cost[i][j]` per
/// unit, minimising total cost; Σ supply must not exceed Σ capacity. Returns
/// `flow[i][j]`. Ties go to lower indices.
pub fn transport(supply: &[u32], capacity: &[u32], cost: &[Vec<i64>]) -> Vec<Vec<u32>> {
    let (m, n) = (supply.len(), capacity.len());
    let mut flow = vec![vec![0u32; n]; m];
    let mut left: Vec<u32> = supply.to_vec();
    let mut room: Vec<u32> = capacity.to_vec();
    // Nodes: sources 0..m, sinks m..m+n. Residual arcs: i→j always (uncapacitated),
    // j→i when flow[i][j] > 0. Find the cheapest path from any source with supply
    // left to any sink with room left.
    loop {
        if left.iter().all(|&l| l == 0) {
            break;
        }
        let total = m + n;
        let mut dist = vec![i64::MAX; total];
        let mut prev = vec![usize::MAX; total];
        for i in 0..m {
            if left[i] > 0 {
                dist[i] = 0;
            }
        }
        // Bellman–Ford over a bipartite residual graph: at most `total` rounds.
        for _ in 0..total {
            let mut changed = false;
            for i in 0..m {
                if dist[i] == i64::MAX {
                    continue;
                }
                for j in 0..n {
                    let d = dist[i] + cost[i][j];
                    if d < dist[m + j] {
                        dist[m + j] = d;
                        prev[m + j] = i;
                        changed = true;
                    }
                }
            }
            for j in 0..n {
                if dist[m + j] == i64::MAX {
                    continue;
                }
                for i in 0..m {
                    if flow[i][j] > 0 {
                        let d = dist[m + j] - cost[i][j];
                        if d < dist[i] {
                            dist[i] = d;
                            prev[i] = m + j;
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let Some(sink) = (0..n)
            .filter(|&j| room[j] > 0 && dist[m + j] != i64::MAX)
            .min_by_key(|&j| (dist[m + j], j))
        else {
            break;
        };
        // Walk back to the source (the only nodes without a predecessor are sources
        // with supply left, since the residual graph has no negative cycle).
        let mut path = Vec::new();
        let mut node = m + sink;
        while prev[node] != usize::MAX && path.len() <= total {
            path.push((prev[node], node));
            node = prev[node];
        }
        if node >= m || left[node] == 0 {
            break;
        }
        let source = node;
        let mut amount = left[source].min(room[sink]);
        for &(from, to) in &path {
            if from >= m {
                // Backward arc sink(from) → source(to): undo flow[to][from - m].
                amount = amount.min(flow[to][from - m]);
            }
        }
        if amount == 0 || path.is_empty() {
            break;
        }
        for &(from, to) in &path {
            if from < m {
                flow[from][to - m] += amount;
            } else {
                flow[to][from - m] -= amount;
            }
        }
        left[source] -= amount;
        room[sink] -= amount;
    }
    flow
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total_cost(f: &[Vec<u32>], c: &[Vec<i64>]) -> i64 {
        f.iter()
            .zip(c)
            .map(|(fr, cr)| {
                fr.iter()
                    .zip(cr)
                    .map(|(&x, &y)| i64::from(x) * y)
                    .sum::<i64>()
            })
            .sum()
    }

    #[test]
    fn needs_a_reroute_to_be_optimal() {
        // Greedy would send source 0 to sink 0 (cost 1) and force source 1 to sink 1
        // (cost 100); the optimum is 0→1 (2) and 1→0 (2).
        let cost = vec![vec![1, 2], vec![2, 100]];
        let f = transport(&[1, 1], &[1, 1], &cost);
        assert_eq!(total_cost(&f, &cost), 4);
    }

    #[test]
    fn brute_force_agrees_on_small_cases() {
        let mut seed = 7u64;
        let mut next = |k: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % k
        };
        for _ in 0..300 {
            let m = 1 + next(3) as usize;
            let n = 1 + next(3) as usize;
            let cost: Vec<Vec<i64>> = (0..m)
                .map(|_| (0..n).map(|_| next(20) as i64).collect())
                .collect();
            let cap: Vec<u32> = (0..n).map(|_| next(3) as u32).collect();
            let total: u32 = cap.iter().sum();
            let mut sup: Vec<u32> = (0..m).map(|_| next(3) as u32).collect();
            while sup.iter().sum::<u32>() > total {
                if let Some(x) = sup.iter_mut().find(|x| **x > 0) {
                    *x -= 1;
                }
            }
            let f = transport(&sup, &cap, &cost);
            for i in 0..m {
                assert_eq!(f[i].iter().sum::<u32>(), sup[i]);
            }
            for j in 0..n {
                assert!((0..m).map(|i| f[i][j]).sum::<u32>() <= cap[j]);
            }
            // Brute force: enumerate each unit's sink.
            let units: Vec<usize> = (0..m).flat_map(|i| vec![i; sup[i] as usize]).collect();
            let mut best = i64::MAX;
            let combos = (n as u64).pow(units.len() as u32);
            for code in 0..combos {
                let mut c = code;
                let mut used = vec![0u32; n];
                let mut tc = 0;
                for &i in &units {
                    let j = (c % n as u64) as usize;
                    c /= n as u64;
                    used[j] += 1;
                    tc += cost[i][j];
                }
                if used.iter().zip(&cap).all(|(u, c)| u <= c) {
                    best = best.min(tc);
                }
            }
            assert_eq!(total_cost(&f, &cost), best, "{cost:?} {sup:?} {cap:?}");
        }
    }
}
