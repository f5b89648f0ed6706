//! The smallest `min_share_of_eligible` on the grid 0.005 … 1.000 that meets the
//! period's target. Searching assumes the cumulative grows with the share (the summary
//! says so, and lists any probe that contradicts it); each round evaluates several
//! grid points in parallel (rayon) and narrows the interval to the first one met.

use super::binding::{binding, Binding};
use super::run::{run, HorizonRun, YearRow};
use super::target::first_met;
use super::{HorizonError, HorizonOptions};
use crate::model::Dataset;
use crate::rules::{Rules, Share};
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

/// Grid points: index i is the share i × 0.005.
pub const GRID_POINTS: u32 = 200;

pub fn grid_share(i: u32) -> Share {
    Share::from_decimal(Decimal::new(5 * i64::from(i.min(GRID_POINTS)), 3))
        .unwrap_or(Share::hundredths(100))
}

/// The grid index of `s`, when it is on the grid.
fn grid_index(s: Share) -> Option<u32> {
    let x = s.decimal() * Decimal::from(GRID_POINTS);
    if x.fract().is_zero() && x > Decimal::ZERO {
        x.to_u32()
    } else {
        None
    }
}

/// One horizon of the search.
#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    #[serde(serialize_with = "share_num")]
    pub share: Share,
    #[serde(skip)]
    pub index: u32,
    pub cumulative: u64,
    pub met: bool,
    pub met_in_year: Option<i32>,
    /// Last year planned (earlier than last_year when the target was met before).
    pub planned_through: Option<i32>,
    #[serde(skip)]
    pub rows: Vec<YearRow>,
}

impl Probe {
    /// Whether this probe is the grid's last point (share 1.000).
    pub fn index_is_top(&self) -> bool {
        self.index == GRID_POINTS
    }
}

fn share_num<S: serde::Serializer>(s: &Share, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_f64(s.to_f64())
}

/// The answer of the search.
#[derive(Debug, Clone, Serialize)]
pub struct TargetSearch {
    pub share_to_meet_target: Option<f64>,
    pub search_assumed_monotone: bool,
    pub grid_step: f64,
    pub rounds: u32,
    /// Every grid point evaluated, by share.
    pub probes: Vec<Probe>,
    /// Shares evaluated as not met although a smaller share met (monotonicity broken).
    pub monotone_violations: Vec<f64>,
    /// What binds at share 1.000 when no share meets the target.
    pub binding: Option<Binding>,
}

fn probe(i: u32, r: &HorizonRun, target: u64) -> Probe {
    Probe {
        share: grid_share(i),
        index: i,
        cumulative: r.cumulative,
        met: r.cumulative >= target,
        met_in_year: first_met(r.rows.iter().map(|x| (x.year, x.cumulative)), target),
        planned_through: r.rows.last().map(|x| x.year),
        rows: r.rows.clone(),
    }
}

/// Searches the grid. `base` is the full horizon already run with `rules` as given.
pub fn search(
    data: &Dataset,
    rules: &Rules,
    base: &HorizonRun,
    opts: &HorizonOptions,
) -> Result<TargetSearch, HorizonError> {
    search_observed(data, rules, base, opts, &|_| {})
}

/// [`search`], calling `on_probe` as each grid point's horizon finishes (from the
/// worker threads; for a progress bar).
pub fn search_observed(
    data: &Dataset,
    rules: &Rules,
    base: &HorizonRun,
    opts: &HorizonOptions,
    on_probe: &(dyn Fn(&Probe) + Sync),
) -> Result<TargetSearch, HorizonError> {
    let target = u64::from(rules.plan.target_exchanges);
    let mut probes: Vec<Probe> = Vec::new();
    if let Some(i) = grid_index(rules.quota.min_share_of_eligible) {
        probes.push(probe(i, base, target));
    }
    let k = rayon::current_num_threads().clamp(2, 8) as u32;
    let years = rules.plan.first_year..=rules.plan.last_year;
    let mut rounds = 0;
    let sub = HorizonOptions {
        plan: opts.plan.clone(),
        stop_when_met: true,
    };
    loop {
        let hi = probes.iter().filter(|p| p.met).map(|p| p.index).min();
        let lo = probes
            .iter()
            .filter(|p| !p.met && hi.is_none_or(|h| p.index < h))
            .map(|p| p.index)
            .max()
            .unwrap_or(0);
        let mut points: Vec<u32> = match hi {
            Some(h) if h - lo <= 1 => break,
            Some(h) => (1..=k).map(|j| lo + (h - lo) * j / (k + 1)).collect(),
            None if probes.iter().any(|p| p.index == GRID_POINTS) => break,
            None => {
                let mut v: Vec<u32> = (1..k).map(|j| lo + (GRID_POINTS - lo) * j / k).collect();
                v.push(GRID_POINTS);
                v
            }
        };
        points.retain(|&p| {
            p > lo && hi.is_none_or(|h| p < h) && !probes.iter().any(|x| x.index == p)
        });
        points.sort_unstable();
        points.dedup();
        if points.is_empty() {
            break;
        }
        rounds += 1;
        let got: Vec<Result<Probe, HorizonError>> = points
            .par_iter()
            .map(|&i| {
                let mut r = rules.clone();
                r.quota.min_share_of_eligible = grid_share(i);
                let p =
                    run(data, &r, years.clone(), &sub, |_| Ok(())).map(|h| probe(i, &h, target));
                if let Ok(p) = &p {
                    on_probe(p);
                }
                p
            })
            .collect();
        for g in got {
            probes.push(g?);
        }
    }
    probes.sort_by_key(|p| p.index);
    let hi = probes.iter().filter(|p| p.met).map(|p| p.index).min();
    let monotone_violations = probes
        .iter()
        .filter(|p| !p.met && hi.is_some_and(|h| p.index > h))
        .map(|p| p.share.to_f64())
        .collect();
    let binding = match hi {
        Some(_) => None,
        None => probes
            .iter()
            .find(|p| p.index == GRID_POINTS)
            .map(|p| binding(&p.rows)),
    };
    Ok(TargetSearch {
        share_to_meet_target: hi.map(|h| grid_share(h).to_f64()),
        search_assumed_monotone: true,
        grid_step: 0.005,
        rounds,
        probes,
        monotone_violations,
        binding,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_exact() {
        assert_eq!(grid_share(20).to_string(), "0.1");
        assert_eq!(grid_index(Share::parse("0.10").unwrap()), Some(20));
        assert_eq!(grid_index(Share::parse("0.123").unwrap()), None);
        assert_eq!(grid_index(Share::parse("1").unwrap()), Some(200));
        assert_eq!(grid_index(Share::parse("0").unwrap()), None);
        assert_eq!(grid_share(27).to_string(), "0.135");
    }
}
