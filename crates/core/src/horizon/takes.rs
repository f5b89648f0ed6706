//! "What it takes": when the period's target is out of reach with the rules as given,
//! what would reach it. Two answers, both typed data rendered elsewhere:
//!
//! - per year, district and subject, how many more open posts would have been filled:
//!   teachers within their school's quota (and cap) left without an allowed open post,
//!   taken in the plan's own preference order (longer tenure, older, id), and eligible
//!   leaders left unmoved under mandatory rotation;
//! - the smallest `term.years` (every shorter term is tried) and the smallest
//!   `max_distance_km` on a small grid (by rounds of bisection, assuming a longer
//!   distance never reaches less) with which the whole period meets the target, each
//!   horizon re-run in parallel (deterministic: the answer depends only on which grid
//!   points meet).

use super::run::{run, YearRow};
use super::{HorizonError, HorizonOptions, YearView};
use crate::model::{Dataset, IdVec, School};
use crate::rules::Rules;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Posts of one subject in one district that would have been filled in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MorePosts {
    pub year: i32,
    pub district: String,
    pub subject: String,
    pub posts: u64,
}

/// One horizon of a parameter search: the value tried and what the period reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamProbe {
    pub value: f64,
    pub cumulative: u64,
    pub met: bool,
}

/// `what_it_takes` in summary.json.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WhatItTakes {
    /// More posts that would have been filled, by year, district and subject.
    pub more_posts: Vec<MorePosts>,
    /// Their total per year, in year order.
    pub more_posts_by_year: Vec<(i32, u64)>,
    /// The smallest term length (years) on the grid 1 … term.years − 1 that meets the
    /// target, or null.
    pub term_years_to_meet_target: Option<i32>,
    pub term_probes: Vec<ParamProbe>,
    /// The smallest `max_distance_km` on [`DISTANCE_GRID`] above the rules' own that
    /// meets the target, or null.
    pub max_distance_km_to_meet_target: Option<f64>,
    pub distance_probes: Vec<ParamProbe>,
    /// Distances the search needed but could not evaluate (only after `merge` of
    /// horizon shards, which run the largest distance alone): the distance answer is
    /// then null. Absent from one run's summary.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub distance_not_run: Vec<f64>,
}

impl WhatItTakes {
    /// The total of more posts in `year`.
    pub fn more_posts_in(&self, year: i32) -> u64 {
        self.more_posts_by_year
            .iter()
            .find(|x| x.0 == year)
            .map_or(0, |x| x.1)
    }
}

/// Distances tried (km).
pub const DISTANCE_GRID: [u32; 14] = [10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 300];

/// The posts one planned year left wanting: (district, subject) → teachers within
/// quota left without a post.
pub fn unplaced_within_quota(v: &YearView<'_>, rules: &Rules) -> BTreeMap<(String, String), u64> {
    let data = v.roster;
    let plan = v.plan;
    let n = data.schools.len();
    let mandatory = rules.mandatory_leaders();
    let mut moved = vec![false; data.teachers.len()];
    let mut sent: IdVec<School, u32> = IdVec::from_vec(vec![0; n]);
    for m in &plan.moves {
        moved[m.teacher.index()] = true;
        if !(mandatory && rules.leader_role(&data.teachers[m.teacher]).is_some()) {
            sent[m.from] += 1;
        }
    }
    // Eligible teachers left at home, per school, in the plan's preference order.
    let mut left: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut out: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (ti, (t, verdict)) in data.teachers.iter().zip(&plan.verdicts).enumerate() {
        if moved[ti] || !verdict.eligible() {
            continue;
        }
        let Some(&si) = plan.facts.school_index.get(&t.school) else {
            continue;
        };
        if mandatory && rules.leader_role(t).is_some() {
            // A unit quota of its own: every such leader is wanting a post.
            let key = (
                data.schools[si].district.clone(),
                rules.plan_subject(t).to_string(),
            );
            *out.entry(key).or_default() += 1;
        } else {
            left[si.index()].push(ti);
        }
    }
    for ((si, f), list) in plan.facts.schools.iter_enumerated().zip(&mut left) {
        let room = f.quota.min(f.cap).saturating_sub(sent[si]) as usize;
        if room == 0 {
            continue;
        }
        list.sort_by(|&a, &b| {
            let (x, y) = (&data.teachers[a], &data.teachers[b]);
            (x.joined_school_year, x.birth_year, &x.id).cmp(&(
                y.joined_school_year,
                y.birth_year,
                &y.id,
            ))
        });
        for &ti in list.iter().take(room) {
            let key = (
                data.schools[si].district.clone(),
                rules.plan_subject(&data.teachers[ti]).to_string(),
            );
            *out.entry(key).or_default() += 1;
        }
    }
    out
}

/// Collects [`unplaced_within_quota`] year by year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MorePostsTally {
    rows: Vec<MorePosts>,
    by_year: Vec<(i32, u64)>,
}

impl MorePostsTally {
    /// The tallies of horizon shards (disjoint districts, the same years) as one run
    /// makes it: rows by year, district and subject; totals per year added up.
    pub fn merged<'a>(parts: impl IntoIterator<Item = &'a MorePostsTally>) -> MorePostsTally {
        let mut rows: Vec<MorePosts> = Vec::new();
        let mut by_year: BTreeMap<i32, u64> = BTreeMap::new();
        for p in parts {
            rows.extend(p.rows.iter().cloned());
            for &(y, n) in &p.by_year {
                *by_year.entry(y).or_default() += n;
            }
        }
        rows.sort_by(|a, b| {
            (a.year, &a.district, &a.subject).cmp(&(b.year, &b.district, &b.subject))
        });
        MorePostsTally {
            rows,
            by_year: by_year.into_iter().collect(),
        }
    }

    /// The answer, with the parameter searches' results.
    pub fn answer(self, term_probes: Vec<ParamProbe>, distance: Smallest) -> WhatItTakes {
        let term = term_probes.iter().find(|p| p.met).map(|p| p.value);
        WhatItTakes {
            more_posts: self.rows,
            more_posts_by_year: self.by_year,
            term_years_to_meet_target: term.map(|x| x as i32),
            term_probes,
            max_distance_km_to_meet_target: distance.value,
            distance_probes: distance.probes,
            distance_not_run: distance.not_run,
        }
    }

    pub fn add(&mut self, v: &YearView<'_>, rules: &Rules) {
        let year = v.row.year;
        let mut total = 0;
        for ((district, subject), posts) in unplaced_within_quota(v, rules) {
            total += posts;
            self.rows.push(MorePosts {
                year,
                district,
                subject,
                posts,
            });
        }
        self.by_year.push((year, total));
    }
}

/// Horizons at each grid value, in parallel; (value, cumulative, met).
fn probe_all<F>(
    data: &Dataset,
    rules: &Rules,
    opts: &HorizonOptions,
    values: &[f64],
    set: F,
) -> Result<Vec<ParamProbe>, HorizonError>
where
    F: Fn(&mut Rules, f64) + Sync,
{
    let years = rules.plan.first_year..=rules.plan.last_year;
    let sub = HorizonOptions {
        plan: opts.plan.for_probes(),
        stop_when_met: true,
    };
    let target = u64::from(rules.plan.target_exchanges);
    values
        .par_iter()
        .map(|&x| {
            let mut r = rules.clone();
            set(&mut r, x);
            let h = run(data, &r, years.clone(), &sub, |_| Ok(()))?;
            Ok(ParamProbe {
                value: x,
                cumulative: h.cumulative,
                met: h.cumulative >= target,
            })
        })
        .collect()
}

/// A parameter search's answer: the smallest value that meets, its probes, and the
/// values it needed but could not evaluate (only after `merge` of shards that did
/// not run them; the answer is then null).
#[derive(Debug, Clone, Default)]
pub struct Smallest {
    pub value: Option<f64>,
    pub probes: Vec<ParamProbe>,
    pub not_run: Vec<f64>,
}

/// Evaluates `values`; None when one of them could not be (listed in `not_run`, the
/// probes that could be are kept).
fn ask<F>(
    evaluate: &mut F,
    values: &[f64],
    probes: &mut Vec<ParamProbe>,
    not_run: &mut Vec<f64>,
) -> Result<Option<Vec<ParamProbe>>, HorizonError>
where
    F: FnMut(&[f64]) -> Result<Vec<Option<ParamProbe>>, HorizonError>,
{
    let got = evaluate(values)?;
    let mut out = Vec::new();
    for (&v, p) in values.iter().zip(got) {
        match p {
            Some(p) => out.push(p),
            None => not_run.push(v),
        }
    }
    if not_run.is_empty() {
        Ok(Some(out))
    } else {
        probes.extend(out);
        Ok(None)
    }
}

/// Smallest grid value that meets, by rounds of `k` points, assuming that a larger
/// value never reaches less (the top point is tried first: when it does not meet,
/// none does). `grid` ascending. `evaluate` gives the probe of each value asked for
/// (horizons in parallel in one run; sums of the shards' horizons in `merge`), or
/// None for a value it cannot evaluate: the search then stops and claims nothing.
pub fn smallest_met_with<F>(
    grid: &[f64],
    k: usize,
    mut evaluate: F,
) -> Result<Smallest, HorizonError>
where
    F: FnMut(&[f64]) -> Result<Vec<Option<ParamProbe>>, HorizonError>,
{
    let mut probes: Vec<ParamProbe> = Vec::new();
    let mut not_run = Vec::new();
    let Some(&top) = grid.last() else {
        return Ok(Smallest::default());
    };
    let unsettled = |probes: Vec<ParamProbe>, not_run: Vec<f64>| Smallest {
        value: None,
        probes,
        not_run,
    };
    let Some(p) = ask(&mut evaluate, &[top], &mut probes, &mut not_run)? else {
        return Ok(unsettled(probes, not_run));
    };
    probes.extend(p);
    if !probes.iter().any(|p| p.met) {
        return Ok(unsettled(probes, not_run));
    }
    // Invariant: grid[hi] meets; everything below lo is known not to.
    let (mut lo, mut hi) = (0usize, grid.len() - 1);
    while lo < hi {
        let span = hi - lo;
        let pts: Vec<usize> = (1..=k.min(span))
            .map(|j| lo + (span * j) / (k.min(span) + 1))
            .filter(|&i| i < hi)
            .collect::<std::collections::BTreeSet<usize>>()
            .into_iter()
            .collect();
        if pts.is_empty() {
            // span = 1: only grid[lo] is left to try.
            let Some(p) = ask(&mut evaluate, &[grid[lo]], &mut probes, &mut not_run)? else {
                break;
            };
            let met = p.iter().any(|x| x.met);
            probes.extend(p);
            if met {
                hi = lo;
            }
            break;
        }
        let values: Vec<f64> = pts.iter().map(|&i| grid[i]).collect();
        let Some(got) = ask(&mut evaluate, &values, &mut probes, &mut not_run)? else {
            break;
        };
        let mut new_lo = lo;
        let mut new_hi = hi;
        for (&i, p) in pts.iter().zip(&got) {
            if p.met {
                new_hi = new_hi.min(i);
            } else if i < new_hi {
                new_lo = new_lo.max(i + 1);
            }
        }
        probes.extend(got);
        if (new_lo, new_hi) == (lo, hi) {
            break;
        }
        lo = new_lo;
        hi = new_hi;
    }
    probes.sort_by(|a, b| a.value.total_cmp(&b.value));
    probes.dedup_by(|a, b| a.value == b.value);
    let value = not_run.is_empty().then(|| grid[hi]);
    Ok(Smallest {
        value,
        probes,
        not_run,
    })
}

/// The probe of `value` from a full horizon's rows, as one run's horizon stopped once
/// the target is met sees it.
pub fn param_probe(value: f64, rows: &[YearRow], target: u64) -> ParamProbe {
    let cumulative = rows
        .iter()
        .find(|r| r.cumulative >= target)
        .or(rows.last())
        .map_or(0, |r| r.cumulative);
    ParamProbe {
        value,
        cumulative,
        met: cumulative >= target,
    }
}

/// The term lengths tried: every one shorter than the rules' own.
pub fn term_grid(term_years: i32) -> Vec<i32> {
    (1..term_years).collect()
}

/// The distances tried: the grid above the rules' own `max_distance_km`.
pub fn distance_grid(max_distance_km: f64) -> Vec<u32> {
    DISTANCE_GRID
        .iter()
        .copied()
        .filter(|&d| f64::from(d) > max_distance_km)
        .collect()
}

/// The whole answer: `tally` from the base run, and the parameter searches (the
/// shorter terms and the distance search run side by side).
pub fn what_it_takes(
    data: &Dataset,
    rules: &Rules,
    opts: &HorizonOptions,
    tally: MorePostsTally,
) -> Result<WhatItTakes, HorizonError> {
    let k = rayon::current_num_threads().clamp(2, 8);
    // Shorter terms bring teachers home and reopen posts sooner, so a longer one is
    // never assumed to do better: every shorter term is tried (at most a few).
    let terms: Vec<f64> = term_grid(rules.term.years)
        .into_iter()
        .map(f64::from)
        .collect();
    let distances: Vec<f64> = distance_grid(rules.flow.max_distance_km)
        .into_iter()
        .map(f64::from)
        .collect();
    let (term_probes, distance) = rayon::join(
        || {
            probe_all(data, rules, opts, &terms, |r, x| {
                r.term.years = x as i32;
            })
        },
        || {
            smallest_met_with(&distances, k, |values| {
                let got = probe_all(data, rules, opts, values, |r, x| {
                    r.flow.max_distance_km = x;
                })?;
                Ok(got.into_iter().map(Some).collect())
            })
        },
    );
    Ok(tally.answer(term_probes?, distance?))
}

/// Plain words for stdout and the report.
pub fn render(w: &WhatItTakes, rules: &Rules) -> String {
    render_with(w, rules.term.years, rules.flow.max_distance_km)
}

/// [`render`] from the two rule values it names (`merge` has no rules file).
pub fn render_with(w: &WhatItTakes, term_years: i32, max_distance_km: f64) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let total: u64 = w.more_posts_by_year.iter().map(|x| x.1).sum();
    let _ = writeln!(o, "What would reach it?");
    if total > 0 {
        let years: Vec<String> = w
            .more_posts_by_year
            .iter()
            .filter(|x| x.1 > 0)
            .map(|(y, n)| format!("{y} {n}"))
            .collect();
        let _ = writeln!(
            o,
            "- {total} more open posts would have been filled: teachers within their \
             school's quota were left without an allowed open post ({}).",
            years.join(", ")
        );
        let mut top: Vec<&MorePosts> = w.more_posts.iter().collect();
        top.sort_by(|a, b| b.posts.cmp(&a.posts).then(a.year.cmp(&b.year)));
        let shown: Vec<String> = top
            .iter()
            .take(5)
            .map(|m| format!("{} {} {} {}", m.year, m.district, m.subject, m.posts))
            .collect();
        let _ = writeln!(o, "  largest: {}.", shown.join("; "));
    } else {
        let _ = writeln!(
            o,
            "- more open posts would not help: every teacher within quota was placed."
        );
    }
    match w.term_years_to_meet_target {
        Some(t) => {
            let _ = writeln!(
                o,
                "- a term of {t} year{} (term.years = {t}, now {}) meets the target.",
                if t == 1 { "" } else { "s" },
                term_years
            );
        }
        None if term_years == 2 => {
            let _ = writeln!(o, "- no shorter term (1 year) meets the target.");
        }
        None if term_years > 2 => {
            let _ = writeln!(
                o,
                "- no shorter term (1 to {} years) meets the target.",
                term_years - 1
            );
        }
        None => {}
    }
    match w.max_distance_km_to_meet_target {
        None if !w.distance_not_run.is_empty() => {
            let list: Vec<String> = w.distance_not_run.iter().map(|d| d.to_string()).collect();
            let _ = writeln!(
                o,
                "- the smallest max_distance_km that meets the target is not known from \
                 shards: they run the largest distance only, and the search needs {} km \
                 next; run `horizon` without --shard for it.",
                list.join(", ")
            );
        }
        Some(d) => {
            let _ = writeln!(
                o,
                "- max_distance_km = {d} (now {}) meets the target.",
                max_distance_km
            );
        }
        None => {
            let _ = writeln!(
                o,
                "- no larger max_distance_km (up to {} km) meets the target.",
                DISTANCE_GRID[DISTANCE_GRID.len() - 1]
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_posts_total_by_year() {
        let w = WhatItTakes {
            more_posts_by_year: vec![(2026, 3), (2027, 0)],
            ..WhatItTakes::default()
        };
        assert_eq!(w.more_posts_in(2026), 3);
        assert_eq!(w.more_posts_in(2027), 0);
        assert_eq!(w.more_posts_in(2030), 0);
    }
}
