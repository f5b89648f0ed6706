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

use super::run::run;
use super::{HorizonError, HorizonOptions, YearView};
use crate::model::Dataset;
use crate::rules::Rules;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Posts of one subject in one district that would have been filled in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    let mut sent = vec![0u32; n];
    for m in &plan.moves {
        moved[m.teacher] = true;
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
            left[si].push(ti);
        }
    }
    for (si, list) in left.iter_mut().enumerate() {
        let f = &plan.facts.schools[si];
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
#[derive(Debug, Clone, Default)]
pub struct MorePostsTally {
    rows: Vec<MorePosts>,
    by_year: Vec<(i32, u64)>,
}

impl MorePostsTally {
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
        plan: opts.plan.clone(),
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

/// Smallest grid value that meets, by rounds of `k` points in parallel, assuming that
/// a larger value never reaches less (the top point is tried first: when it does not
/// meet, none does). `grid` ascending.
fn smallest_met<F>(
    data: &Dataset,
    rules: &Rules,
    opts: &HorizonOptions,
    grid: &[f64],
    k: usize,
    set: F,
) -> Result<(Option<f64>, Vec<ParamProbe>), HorizonError>
where
    F: Fn(&mut Rules, f64) + Sync + Copy,
{
    let mut probes: Vec<ParamProbe> = Vec::new();
    let Some(&top) = grid.last() else {
        return Ok((None, probes));
    };
    probes.extend(probe_all(data, rules, opts, &[top], set)?);
    if !probes.iter().any(|p| p.met) {
        return Ok((None, probes));
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
            let p = probe_all(data, rules, opts, &[grid[lo]], set)?;
            let met = p.iter().any(|x| x.met);
            probes.extend(p);
            if met {
                hi = lo;
            }
            break;
        }
        let values: Vec<f64> = pts.iter().map(|&i| grid[i]).collect();
        let got = probe_all(data, rules, opts, &values, set)?;
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
    Ok((Some(grid[hi]), probes))
}

/// The whole answer: `tally` from the base run, and the parameter searches.
pub fn what_it_takes(
    data: &Dataset,
    rules: &Rules,
    opts: &HorizonOptions,
    tally: MorePostsTally,
) -> Result<WhatItTakes, HorizonError> {
    let k = rayon::current_num_threads().clamp(2, 8);
    // Shorter terms bring teachers home and reopen posts sooner, so a longer one is
    // never assumed to do better: every shorter term is tried (at most a few).
    let terms: Vec<f64> = (1..rules.term.years).map(f64::from).collect();
    let term_probes = probe_all(data, rules, opts, &terms, |r, x| {
        r.term.years = x as i32;
    })?;
    let term = term_probes.iter().find(|p| p.met).map(|p| p.value);
    let distances: Vec<f64> = DISTANCE_GRID
        .iter()
        .map(|&d| f64::from(d))
        .filter(|&d| d > rules.flow.max_distance_km)
        .collect();
    let (distance, distance_probes) = smallest_met(data, rules, opts, &distances, k, |r, x| {
        r.flow.max_distance_km = x;
    })?;
    Ok(WhatItTakes {
        more_posts: tally.rows,
        more_posts_by_year: tally.by_year,
        term_years_to_meet_target: term.map(|x| x as i32),
        term_probes,
        max_distance_km_to_meet_target: distance,
        distance_probes,
    })
}

/// Plain words for stdout and the report.
pub fn render(w: &WhatItTakes, rules: &Rules) -> String {
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
                rules.term.years
            );
        }
        None if rules.term.years == 2 => {
            let _ = writeln!(o, "- no shorter term (1 year) meets the target.");
        }
        None if rules.term.years > 2 => {
            let _ = writeln!(
                o,
                "- no shorter term (1 to {} years) meets the target.",
                rules.term.years - 1
            );
        }
        None => {}
    }
    match w.max_distance_km_to_meet_target {
        Some(d) => {
            let _ = writeln!(
                o,
                "- max_distance_km = {d} (now {}) meets the target.",
                rules.flow.max_distance_km
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
