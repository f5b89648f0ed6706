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
pub fn grid_index(s: Share) -> Option<u32> {
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
    /// Shares the search needed next but could not evaluate (only after `merge` of
    /// horizon shards that did not run them); the search is then unsettled and
    /// `share_to_meet_target` is null. Absent from one run's summary.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_run: Vec<f64>,
}

fn probe(i: u32, rows: Vec<YearRow>, target: u64) -> Probe {
    Probe {
        share: grid_share(i),
        index: i,
        cumulative: rows.last().map_or(0, |x| x.cumulative),
        met: rows.last().is_some_and(|x| x.cumulative >= target),
        met_in_year: first_met(rows.iter().map(|x| (x.year, x.cumulative)), target),
        planned_through: rows.last().map(|x| x.year),
        rows,
    }
}

/// Points evaluated per round when searching on this machine: one horizon per core.
pub fn default_points_per_round() -> u32 {
    rayon::current_num_threads().clamp(2, 8) as u32
}

/// The grid points the next round evaluates, given the points evaluated so far as
/// (grid index, met); None when the search is over. `k` points per round.
pub fn next_round(known: &[(u32, bool)], k: u32) -> Option<Vec<u32>> {
    let hi = known.iter().filter(|p| p.1).map(|p| p.0).min();
    let lo = known
        .iter()
        .filter(|p| !p.1 && hi.is_none_or(|h| p.0 < h))
        .map(|p| p.0)
        .max()
        .unwrap_or(0);
    let mut points: Vec<u32> = match hi {
        Some(h) if h - lo <= 1 => return None,
        Some(h) => (1..=k).map(|j| lo + (h - lo) * j / (k + 1)).collect(),
        None if known.iter().any(|p| p.0 == GRID_POINTS) => return None,
        None => {
            let mut v: Vec<u32> = (1..k).map(|j| lo + (GRID_POINTS - lo) * j / k).collect();
            v.push(GRID_POINTS);
            v
        }
    };
    points.retain(|&p| p > lo && hi.is_none_or(|h| p < h) && !known.iter().any(|x| x.0 == p));
    points.sort_unstable();
    points.dedup();
    (!points.is_empty()).then_some(points)
}

/// The target and the grid point of the rules' own share, which the search starts from.
#[derive(Debug, Clone, Copy)]
pub struct SearchStart {
    pub target: u64,
    /// Grid index of `min_share_of_eligible`, when it is on the grid.
    pub base_index: Option<u32>,
}

impl SearchStart {
    pub fn of(rules: &Rules) -> SearchStart {
        SearchStart {
            target: u64::from(rules.plan.target_exchanges),
            base_index: grid_index(rules.quota.min_share_of_eligible),
        }
    }
}

/// The points a first round may ask for, whatever the rules' own share gives: a shard
/// cannot know whether the country meets the target at that share, so it runs both.
pub fn first_round_points(start: SearchStart, k: u32) -> Vec<u32> {
    let mut v: Vec<u32> = match start.base_index {
        Some(b) => [true, false]
            .into_iter()
            .filter_map(|met| next_round(&[(b, met)], k))
            .flatten()
            .collect(),
        None => next_round(&[], k).unwrap_or_default(),
    };
    v.sort_unstable();
    v.dedup();
    v
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

/// [`search`], calling `on_probe` with each grid point's index as its horizon
/// finishes (from the worker threads; for a progress bar).
pub fn search_observed(
    data: &Dataset,
    rules: &Rules,
    base: &HorizonRun,
    opts: &HorizonOptions,
    on_probe: &(dyn Fn(u32) + Sync),
) -> Result<TargetSearch, HorizonError> {
    search_ahead(data, rules, base, opts, EarlyRound::default(), on_probe)
}

/// Probe horizons evaluated before the base horizon was known ([`early_round`]): the
/// search takes those it asks for instead of running them again.
#[derive(Debug, Default)]
pub struct EarlyRound {
    probes: Vec<(u32, Result<Vec<YearRow>, HorizonError>)>,
}

/// The first round of the search on the guess that the rules' own share meets the
/// target (a period's rules are written to meet it), run while the base horizon is
/// still being planned, so that both cores work during its serial stretches (years
/// in turn, the tail of a year's largest component). A probe horizon depends on its
/// share alone, so a guess only decides which horizons are run early, never what they
/// give: when the guess is wrong the search runs the round it needs and these are
/// left unused. With the rules' share off the grid the first round does not depend on
/// the base horizon at all.
pub fn early_round(data: &Dataset, rules: &Rules, opts: &HorizonOptions) -> EarlyRound {
    let start = SearchStart::of(rules);
    let known: Vec<(u32, bool)> = start.base_index.map(|b| (b, true)).into_iter().collect();
    let points = next_round(&known, default_points_per_round()).unwrap_or_default();
    EarlyRound {
        probes: points
            .par_iter()
            .map(|&i| (i, probe_rows(data, rules, opts, i)))
            .collect(),
    }
}

/// [`search_observed`], taking the probes of `early` where the search asks for them
/// (`on_probe` is called for those as they are taken).
pub fn search_ahead(
    data: &Dataset,
    rules: &Rules,
    base: &HorizonRun,
    opts: &HorizonOptions,
    mut early: EarlyRound,
    on_probe: &(dyn Fn(u32) + Sync),
) -> Result<TargetSearch, HorizonError> {
    let k = default_points_per_round();
    search_with(SearchStart::of(rules), &base.rows, k, |points| {
        let mut ready: Vec<Option<Result<Vec<YearRow>, HorizonError>>> = points
            .iter()
            .map(|&i| {
                let at = early.probes.iter().position(|p| p.0 == i)?;
                on_probe(i);
                Some(early.probes.swap_remove(at).1)
            })
            .collect();
        let missing: Vec<u32> = points
            .iter()
            .zip(&ready)
            .filter(|(_, r)| r.is_none())
            .map(|(&i, _)| i)
            .collect();
        let mut run_now = missing
            .par_iter()
            .map(|&i| {
                let rows = probe_rows(data, rules, opts, i);
                on_probe(i);
                rows
            })
            .collect::<Vec<_>>()
            .into_iter();
        ready
            .iter_mut()
            .map(|r| match r.take().or_else(|| run_now.next()) {
                Some(rows) => rows.map(Some),
                None => Ok(None),
            })
            .collect()
    })
}

/// The probe horizon at grid point `i`: the rules with that share, stopped once the
/// target is met.
fn probe_rows(
    data: &Dataset,
    rules: &Rules,
    opts: &HorizonOptions,
    i: u32,
) -> Result<Vec<YearRow>, HorizonError> {
    let sub = HorizonOptions {
        plan: opts.plan.for_probes(),
        stop_when_met: true,
    };
    let mut r = rules.clone();
    r.quota.min_share_of_eligible = grid_share(i);
    let years = r.plan.first_year..=r.plan.last_year;
    run(data, &r, years, &sub, |_| Ok(())).map(|h| h.rows)
}

/// The search, with `evaluate` giving the rows of a horizon at each grid point asked
/// for (stopped once the target is met), or None for a point it cannot evaluate (a
/// merge of shards that did not run it): the search then stops there, lists the
/// points in `not_run` and claims no share.
pub fn search_with<F>(
    start: SearchStart,
    base_rows: &[YearRow],
    k: u32,
    mut evaluate: F,
) -> Result<TargetSearch, HorizonError>
where
    F: FnMut(&[u32]) -> Result<Vec<Option<Vec<YearRow>>>, HorizonError>,
{
    let target = start.target;
    let mut probes: Vec<Probe> = Vec::new();
    if let Some(i) = start.base_index {
        probes.push(probe(i, base_rows.to_vec(), target));
    }
    let mut rounds = 0;
    let mut not_run = Vec::new();
    loop {
        let known: Vec<(u32, bool)> = probes.iter().map(|p| (p.index, p.met)).collect();
        let Some(points) = next_round(&known, k) else {
            break;
        };
        rounds += 1;
        let got = evaluate(&points)?;
        for (&i, rows) in points.iter().zip(got) {
            match rows {
                Some(rows) => probes.push(probe(i, rows, target)),
                None => not_run.push(i),
            }
        }
        if !not_run.is_empty() {
            break;
        }
    }
    probes.sort_by_key(|p| p.index);
    let hi = probes.iter().filter(|p| p.met).map(|p| p.index).min();
    let monotone_violations = probes
        .iter()
        .filter(|p| !p.met && hi.is_some_and(|h| p.index > h))
        .map(|p| p.share.to_f64())
        .collect();
    let settled = not_run.is_empty();
    let binding = match hi {
        Some(_) => None,
        None if settled => probes
            .iter()
            .find(|p| p.index == GRID_POINTS)
            .map(|p| binding(&p.rows)),
        None => None,
    };
    Ok(TargetSearch {
        share_to_meet_target: hi.filter(|_| settled).map(|h| grid_share(h).to_f64()),
        search_assumed_monotone: true,
        grid_step: 0.005,
        rounds,
        probes,
        monotone_violations,
        binding,
        not_run: not_run
            .into_iter()
            .map(|i| grid_share(i).to_f64())
            .collect(),
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
