//! A Lagrangian bound for a node of the flow search, when backbone shares are counted
//! per school.
//!
//! The flow relaxation charges a school's backbone deficit only through the node's
//! lower bound on k, so a school may send non-backbone teachers "for free" at the
//! root. Relaxing instead the one constraint that couples schools — the capacity of
//! each post group — with prices λ ≥ 0 leaves one small problem per school, which is
//! solved exactly with the true deficit max(0, ceil(share × sent) − backbone sent).
//! For any λ ≥ 0 the sum is a valid lower bound (weak duality); with the flow's own
//! residual distances as prices it is at least the flow bound, so the search takes
//! the larger of the two. Exact integer arithmetic throughout.

use super::flow::Cost;
use super::problem::Component;
use super::weights::Weights;

/// Whether the bound applies: every backbone group is a single school.
pub fn applies(comp: &Component) -> bool {
    comp.backbone_groups.iter().all(|g| g.len() == 1)
}

/// One sender's outgoing unit costs at the current prices (each supply's cheapest
/// arc, by class), at most the school's cap of each supply.
struct Units {
    backbone: Vec<i128>,
    other: Vec<i128>,
}

/// The Lagrangian lower bound of the node `lo ≤ k ≤ hi` (indexed by backbone group)
/// at prices `lambda`; `None` when some school cannot reach its lower bound on k at
/// all (the node holds no plan). Subgradient steps on λ were tried and lifted the
/// bound by too little to pay for themselves on the fixtures.
pub fn bound(
    comp: &Component,
    c: Weights,
    (lo, hi): (&[u32], &[u32]),
    lambda: &[Cost],
) -> Option<Cost> {
    let group_of = comp.backbone_group_of();
    // Cheapest price-adjusted arc of each supply.
    // Sums run in 128 bits: prices come from flow distances, which the weights'
    // overflow check leaves 32 bits of headroom for (`weights::Weights::of`).
    let mut best_arc = vec![i128::MAX; comp.supplies.len()];
    // An arc's steering reward (levels (3), (4)) is part of its price: each supply
    // with a reward is one teacher, so its cheapest arc is exact.
    for (a, &(si, gi)) in comp.arcs.iter().enumerate() {
        let v = -c.w2 * Cost::from(comp.groups[gi].priority) - c.reward(comp.mask(a)) + lambda[gi];
        best_arc[si] = best_arc[si].min(v);
    }
    let mut units: Vec<Units> = (0..comp.senders.len())
        .map(|_| Units {
            backbone: Vec::new(),
            other: Vec::new(),
        })
        .collect();
    for (si, sup) in comp.supplies.iter().enumerate() {
        let m = best_arc[si];
        if m == i128::MAX {
            continue;
        }
        let limit = comp.senders[sup.sender].cap as usize;
        let u = &mut units[sup.sender];
        for v in 0..2 {
            let vol = if v == 1 { c.w3 } else { 0 };
            let nb = (sup.counts[1][v] as usize).min(limit);
            u.backbone.extend(std::iter::repeat_n(m - c.unit - vol, nb));
            let no = (sup.counts[0][v] as usize).min(limit);
            u.other.extend(std::iter::repeat_n(m - vol, no));
        }
    }
    let mut total = 0i128;
    for (p, s) in comp.senders.iter().enumerate() {
        let (klo, khi) = match group_of[p] {
            None => (0, u32::MAX),
            Some(g) => (lo[g], hi[g]),
        };
        let u = &mut units[p];
        u.backbone.sort_unstable();
        u.other.sort_unstable();
        total += school_minimum(comp, c, s, (klo, khi), u)?;
    }
    let priced: i128 = comp
        .groups
        .iter()
        .zip(lambda)
        .map(|(g, &l)| l * Cost::from(g.capacity))
        .sum();
    Some(total - priced)
}

/// The cheapest (sent, backbone sent) of one school with k = ceil(share × sent) in
/// [klo, khi], its units sorted cheapest first; `None` when no sent reaches klo.
fn school_minimum(
    comp: &Component,
    c: Weights,
    s: &super::problem::Sender,
    (klo, khi): (u32, u32),
    u: &Units,
) -> Option<i128> {
    let (num, den) = comp.backbone_share;
    let nmax = i64::from(s.cap)
        .min(max_sent_for(khi, num, den))
        .min((u.backbone.len() + u.other.len()) as i64)
        .max(0) as usize;
    let pb = prefix(&u.backbone);
    let po = prefix(&u.other);
    let mut best: Option<i128> = None;
    for n in 0..=nmax {
        let k = ceil_share(n as u32, num, den);
        if k < klo {
            continue;
        }
        let quota_short = i64::from(s.quota.saturating_sub(n as u32));
        let bmin = n.saturating_sub(u.other.len());
        let bmax = n.min(u.backbone.len());
        for b in bmin..=bmax {
            let deficit = i64::from(k.saturating_sub(b as u32));
            let v = c.w1 * i128::from(quota_short + deficit) + pb[b] + po[n - b];
            if best.is_none_or(|x| v < x) {
                best = Some(v);
            }
        }
    }
    best
}

fn prefix(xs: &[i128]) -> Vec<i128> {
    let mut out = Vec::with_capacity(xs.len() + 1);
    out.push(0);
    let mut acc = 0i128;
    for &x in xs {
        acc += x;
        out.push(acc);
    }
    out
}

/// ceil(num/den × n) in integers.
pub fn ceil_share(n: u32, num: i64, den: i64) -> u32 {
    if num <= 0 || den <= 0 {
        return 0;
    }
    ((i64::from(n) * num + den - 1) / den) as u32
}

/// The largest sent whose required backbone count is at most k: floor(k × den / num).
pub fn max_sent_for(k: u32, num: i64, den: i64) -> i64 {
    if num <= 0 {
        return i64::MAX / 4;
    }
    i64::from(k) * den / num
}
