//! What keeps the target out of reach: read off the years of the horizon at the
//! largest share, as typed bounds rendered elsewhere.

use super::run::YearRow;
use serde::Serialize;

/// A bound that held a year's exchanges down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Every open post was filled (needs.csv less posts held by exchanges).
    Posts,
    /// Every sending school sent its cap (max_outflow_share_of_staff, or the quota
    /// when fill_beyond_quota is false).
    Caps,
    /// Every eligible teacher was sent.
    EligiblePool,
    /// Posts, caps and teachers were left, but no allowed pair joins them (subject,
    /// stage, direction, district or distance).
    AllowedPairs,
}

impl Bound {
    pub fn id(self) -> &'static str {
        match self {
            Bound::Posts => "posts",
            Bound::Caps => "caps",
            Bound::EligiblePool => "eligible_pool",
            Bound::AllowedPairs => "allowed_pairs",
        }
    }
}

/// The bounds of each year, and those that bound most often over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Binding {
    pub by_year: Vec<(i32, Vec<Bound>)>,
    /// The bound(s) binding in the most years.
    pub binds: Vec<Bound>,
    pub posts: u64,
    pub caps: u64,
    pub eligible: u64,
    pub sent: u64,
}

/// The bounds that held in each row (aggregate slack zero), most frequent first.
pub fn binding(rows: &[YearRow]) -> Binding {
    let mut by_year = Vec::new();
    let mut freq = [0usize; 4];
    for r in rows {
        let mut b = Vec::new();
        if r.posts_filled >= r.posts {
            b.push(Bound::Posts);
        }
        if r.sent >= r.cap {
            b.push(Bound::Caps);
        }
        if r.sent >= r.eligible {
            b.push(Bound::EligiblePool);
        }
        if b.is_empty() {
            b.push(Bound::AllowedPairs);
        }
        for x in &b {
            freq[*x as usize] += 1;
        }
        by_year.push((r.year, b));
    }
    let top = freq.iter().copied().max().unwrap_or(0);
    let all = [
        Bound::Posts,
        Bound::Caps,
        Bound::EligiblePool,
        Bound::AllowedPairs,
    ];
    let binds = all
        .into_iter()
        .filter(|b| top > 0 && freq[*b as usize] == top)
        .collect();
    Binding {
        by_year,
        binds,
        posts: rows.iter().map(|r| r.posts).sum(),
        caps: rows.iter().map(|r| r.cap).sum(),
        eligible: rows.iter().map(|r| r.eligible).sum(),
        sent: rows.iter().map(|r| r.sent).sum(),
    }
}
