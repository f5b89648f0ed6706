//! `horizon --shard I/N`: this shard's districts over the whole period, and full
//! horizons at the probe shares, with every row counting only what this shard owns so
//! that `merge` can add the shards' rows up.
//!
//! Why probes: the target search picks its next shares from the country's totals,
//! which no shard knows. So every shard runs the same deterministic set of shares
//! (both first rounds the search can take, plus any `--probe-shares`), never stopping
//! early; `merge` adds them and replays the search on them (see `merge::horizon`).

use crate::horizon::{
    counts, distance_grid, first_round_points, run, term_grid, HorizonError, HorizonOptions,
    SearchStart, YearRow,
};
use crate::model::{Dataset, LedgerEntry, LedgerStatus};
use crate::rules::Rules;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Takes the person-times of `foreign` ledger rows (counted by another shard) out of
/// a horizon's rows: `returned`, `ledger_started`, `counted`, `away`, `cumulative`.
pub fn uncount(foreign: &[LedgerEntry], rules: &Rules, rows: &mut [YearRow]) {
    let mut started_so_far = 0u64;
    for r in rows.iter_mut() {
        let y = r.year;
        let n = |f: &dyn Fn(&LedgerEntry) -> bool| foreign.iter().filter(|e| f(e)).count() as u64;
        let returned = n(&|e| e.status != LedgerStatus::Cancelled && e.end_year == y - 1);
        let started = n(&|e| counts(rules, e) && e.start_year == y);
        let away = n(&|e| e.covers(y));
        if y >= rules.plan.first_year {
            started_so_far += started;
        }
        r.returned = r.returned.saturating_sub(returned);
        r.ledger_started = r.ledger_started.saturating_sub(started);
        r.counted = r.counted.saturating_sub(started);
        r.away = r.away.saturating_sub(away);
        r.cumulative = r.cumulative.saturating_sub(started_so_far);
    }
}

/// The grid points a shard runs besides the rules' own share: both possible first
/// rounds of the search (`k` points per round) and `extra`.
pub fn probe_points(rules: &Rules, k: u32, extra: &[u32]) -> Vec<u32> {
    let start = SearchStart::of(rules);
    let mut v = first_round_points(start, k);
    v.extend_from_slice(extra);
    v.retain(|&i| Some(i) != start.base_index);
    v.sort_unstable();
    v.dedup();
    v
}

/// Full horizons of this shard at grid points `points` (in parallel), uncounted.
pub fn run_probes(
    data: &Dataset,
    rules: &Rules,
    foreign: &[LedgerEntry],
    opts: &HorizonOptions,
    points: &[u32],
) -> Result<BTreeMap<u32, Vec<YearRow>>, HorizonError> {
    let years = rules.plan.first_year..=rules.plan.last_year;
    let full = HorizonOptions {
        plan: opts.plan.for_probes(),
        stop_when_met: false,
    };
    points
        .par_iter()
        .map(|&i| {
            let mut r = rules.clone();
            r.quota.min_share_of_eligible = crate::horizon::grid_share(i);
            let mut rows = run(data, &r, years.clone(), &full, |_| Ok(()))?.rows;
            uncount(foreign, rules, &mut rows);
            Ok((i, rows))
        })
        .collect()
}

/// One rule value a "what it takes" horizon changes.
#[derive(Debug, Clone, Copy)]
enum Knob {
    Term(i32),
    Distance(u32),
}

/// This shard's full horizons for "what it takes": every term shorter than the
/// rules' own, and the largest distance of the grid above the rules' own (the one a
/// run tries first; a run tries others only when it meets). In parallel, uncounted.
#[allow(clippy::type_complexity)]
pub fn run_takes(
    data: &Dataset,
    rules: &Rules,
    foreign: &[LedgerEntry],
    opts: &HorizonOptions,
) -> Result<(BTreeMap<i32, Vec<YearRow>>, BTreeMap<u32, Vec<YearRow>>), HorizonError> {
    let years = rules.plan.first_year..=rules.plan.last_year;
    let full = HorizonOptions {
        plan: opts.plan.for_probes(),
        stop_when_met: false,
    };
    let mut jobs: Vec<Knob> = term_grid(rules.term.years)
        .into_iter()
        .map(Knob::Term)
        .collect();
    jobs.extend(
        distance_grid(rules.flow.max_distance_km)
            .last()
            .map(|&d| Knob::Distance(d)),
    );
    let done: Vec<(Knob, Vec<YearRow>)> = jobs
        .par_iter()
        .map(|&k| {
            let mut r = rules.clone();
            match k {
                Knob::Term(t) => r.term.years = t,
                Knob::Distance(d) => r.flow.max_distance_km = f64::from(d),
            }
            let mut rows = run(data, &r, years.clone(), &full, |_| Ok(()))?.rows;
            uncount(foreign, rules, &mut rows);
            Ok((k, rows))
        })
        .collect::<Result<_, HorizonError>>()?;
    let mut terms = BTreeMap::new();
    let mut distances = BTreeMap::new();
    for (k, rows) in done {
        match k {
            Knob::Term(t) => terms.insert(t, rows),
            Knob::Distance(d) => distances.insert(d, rows),
        };
    }
    Ok((terms, distances))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SchoolId, Subject, TeacherId};

    #[test]
    fn uncount_takes_out_foreign_person_times() {
        let rules = Rules::default();
        let e = LedgerEntry {
            teacher: TeacherId::new("T"),
            from_school: SchoolId::new("A"),
            to_school: SchoolId::new("B"),
            subject: Subject::new("math"),
            form: rules.term.form,
            start_year: rules.plan.first_year,
            end_year: rules.plan.first_year + 1,
            status: LedgerStatus::Active,
        };
        let counted = u64::from(counts(&rules, &e));
        let first = rules.plan.first_year;
        let mut rows: Vec<YearRow> = (0..4)
            .map(|k| YearRow {
                year: first + k,
                returned: 1,
                ledger_started: 1,
                counted: 1,
                away: 1,
                cumulative: 5,
                ..YearRow::default()
            })
            .collect();
        uncount(&[e], &rules, &mut rows);
        assert_eq!(rows[0].ledger_started, 1 - counted);
        assert_eq!(rows[0].away, 0);
        assert_eq!(rows[1].away, 0);
        assert_eq!(rows[2].away, 1);
        assert_eq!(rows[2].returned, 0);
        assert_eq!(rows[3].returned, 1);
        assert!(rows.iter().all(|r| r.cumulative == 5 - counted));
    }
}
