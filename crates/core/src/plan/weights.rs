//! The objective weights of one component: the lexicographic levels folded into one
//! integer cost (see `search.rs`'s header for the maths). Shared by the flow search
//! and the Lagrangian bound (`lagrange.rs`), which both price arcs with them; kept
//! apart so that `lagrange` depends on it and not on `search`.

use super::flow::Cost;
use super::problem::Component;

/// The largest folded cost range the weights may span.
const HEADROOM: u128 = (Cost::MAX >> 32) as u128;

/// Objective weights of one component.
#[derive(Debug, Clone, Copy)]
pub(super) struct Weights {
    /// Reward per teacher of a `move`/`to` pin moved (0 without such pins): above the
    /// whole range of the other levels, see `steer.rs`.
    pub(super) w0: Cost,
    pub(super) w1: Cost,
    pub(super) w2: Cost,
    pub(super) w3: Cost,
    /// Unit of the backbone-free bonus: costs are scaled by the share's denominator so
    /// that the fractional charge share × sent stays an integer.
    pub(super) unit: Cost,
    /// Reward per teacher placed at a steering level, by mask bit: [0] a previous move
    /// kept (WK), [r] the rank-r wish (R_r). 0 for levels no arc meets.
    pub(super) levels: [Cost; 6],
}

impl Weights {
    /// The reward of one teacher placed through an arc of steering mask `mask`.
    pub(super) fn reward(&self, mask: u8) -> Cost {
        if mask == 0 {
            return 0;
        }
        (0..6)
            .filter(|b| mask & (1 << b) != 0)
            .map(|b| self.levels[b])
            .sum()
    }
}

impl Weights {
    /// The weights of `comp`, or `None` when they would not fit 128-bit costs with the
    /// headroom the sums need.
    pub(super) fn of(comp: &Component) -> Option<Weights> {
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
        let unit = comp.backbone_share.1.max(1) as u128;
        let w3 = (bb + 1) * unit;
        // Levels (4), rank 5 up to rank 1, then (3), each above all below it.
        let n = comp.level_teachers();
        let mut levels = [0u128; 6];
        let mut below = w3.checked_mul(vol + 1)?;
        for bit in (0..6).rev() {
            if n[bit] > 0 {
                levels[bit] = below;
                below = below.checked_mul(u128::from(n[bit]) + 1)?;
            }
        }
        let w2 = below;
        let w1 = w2.checked_mul(u128::from(comp.max_priority()) + 1)?;
        let shortfall_max: u128 = comp
            .senders
            .iter()
            .map(|s| u128::from(s.quota) + u128::from(s.cap))
            .sum::<u128>()
            + 1;
        // Keep every partial sum far from overflow: 32 bits of headroom for sums of
        // prices times capacities (`lagrange.rs`).
        if w1.checked_mul(shortfall_max * 4)? > HEADROOM {
            return None;
        }
        // Pins: the other levels span less than W1 × (shortfall_max + 1).
        let forced = u128::from(comp.forced());
        let w0 = if forced == 0 {
            0
        } else {
            w1 * (shortfall_max + 2)
        };
        if w0.checked_mul((forced + 1) * 4)? > HEADROOM {
            return None;
        }
        // INVARIANT: every weight is at most w0 or w1, both checked to fit above
        // (so the casts are exact, and every arc cost is within `flow::MAX_ARC_COST`).
        debug_assert!(
            w0 <= HEADROOM
                && w1 <= HEADROOM
                && w2 <= w1
                && w3 <= w2
                && unit <= w3
                && levels.iter().all(|&l| l <= w2),
            "weights out of order or above the headroom"
        );
        Some(Weights {
            w0: w0 as Cost,
            w1: w1 as Cost,
            w2: w2 as Cost,
            w3: w3 as Cost,
            unit: unit as Cost,
            levels: levels.map(|l| l as Cost),
        })
    }
}
