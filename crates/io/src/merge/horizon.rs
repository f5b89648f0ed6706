//! Horizon shards: every year folder merged as a plan year, the year rows added up,
//! and the target search replayed on the probe horizons the shards ran.
//!
//! The replay asks for exactly the grid points one run's search would evaluate, in
//! the same rounds, and answers each from the sum of the shards' full horizons at
//! that point (cut after the year the target is met, as one run's search stops
//! there). A point no shard ran ends the replay: the summary then lists it in
//! `target_search.not_run`, claims no share, and the console says which
//! `--probe-shares` to rerun the shards with.

use super::year::merge_year;
use super::{FileProblem, MergeError, ShardDir};
use crate::horizon::{
    distance_grid, grid_index, horizon_csv_with, param_probe, render_what_it_takes_with,
    search_with, smallest_met_with, term_grid, HorizonSummary, MorePostsTally, SearchStart,
    WhatItTakes, YearRow,
};
use crate::output::{RenderError, Staged};
use crate::report::district_years::merge_rows;
use crate::report::horizon_page::{horizon_page, horizon_workbook};
use crate::shard::HorizonShard;
use std::collections::BTreeMap;
use std::path::Path;

/// Merges horizon shards; the summary, and "what it takes" in plain words (empty when
/// the target is met).
pub fn merge(
    shards: &[ShardDir],
    staged: &mut Staged,
) -> Result<(HorizonSummary, String), Vec<MergeError>> {
    let hs: Vec<(&Path, &HorizonShard)> = shards
        .iter()
        .filter_map(|s| Some((s.dir.as_path(), s.manifest.horizon.as_ref()?)))
        .collect();
    let Some(&(dir0, first)) = hs.first() else {
        return Err(vec![MergeError::NoShards]);
    };
    for &(dir, h) in &hs {
        if h.period != first.period {
            return Err(vec![MergeError::OtherPeriod {
                dir: dir.display().to_string(),
                first: dir0.display().to_string(),
                period: format!("{:?}", h.period),
                first_period: format!("{:?}", first.period),
            }]);
        }
        if h.probes_per_round != first.probes_per_round {
            return Err(vec![MergeError::OtherProbes {
                dir: dir.display().to_string(),
                probes: h.probes_per_round,
                first: dir0.display().to_string(),
                first_probes: first.probes_per_round,
            }]);
        }
    }
    let period = &first.period;
    let share = period
        .share()
        .ok_or_else(|| vec![MergeError::BadShare(period.min_share_of_eligible.clone())])?;
    let dirs: Vec<&Path> = hs.iter().map(|(d, _)| *d).collect();
    for year in period.first_year..=period.last_year {
        merge_year(&dirs, &format!("{year}/"), staged)?;
    }
    let base = add_up(hs.iter().map(|(_, h)| h.base.as_slice())).map_err(|e| vec![e])?;
    // Points every shard ran.
    let mut probes: BTreeMap<u32, Vec<YearRow>> = BTreeMap::new();
    for &i in first.probes.keys() {
        let parts: Option<Vec<&[YearRow]>> = hs
            .iter()
            .map(|(_, h)| h.probes.get(&i).map(Vec::as_slice))
            .collect();
        if let Some(parts) = parts {
            probes.insert(i, add_up(parts.into_iter()).map_err(|e| vec![e])?);
        }
    }
    let start = SearchStart {
        target: period.target_exchanges,
        base_index: grid_index(share),
    };
    let search = search_with(start, &base, first.probes_per_round, |points| {
        Ok(points
            .iter()
            .map(|i| probes.get(i).map(|rows| until_met(rows, start.target)))
            .collect())
    })
    .map_err(|e| vec![e.into()])?;
    let mut summary = HorizonSummary::of_period(period, base, search);
    let mut takes_text = String::new();
    if !summary.target_met {
        let (w, text) = what_it_takes(&hs, start.target, first.probes_per_round)?;
        summary.what_it_takes = Some(w);
        takes_text = text;
    }
    let lang = first.lang().ok_or_else(|| {
        vec![MergeError::at(
            dir0.display(),
            FileProblem::UnknownLang(first.lang.clone()),
        )]
    })?;
    if let Some((dir, _)) = hs.iter().find(|(_, h)| h.lang != first.lang) {
        return Err(vec![MergeError::OtherLang {
            dir: dir.display().to_string(),
            first: dir0.display().to_string(),
        }]);
    }
    let years: Vec<i32> = summary.years.iter().map(|r| r.year).collect();
    let districts = merge_rows(hs.iter().flat_map(|(_, h)| h.districts.iter()), &years);
    let rendered = |e: RenderError| vec![MergeError::Render(e)];
    let csv = horizon_csv_with(&summary.years, summary.what_it_takes.as_ref())
        .map_err(|e| rendered(e.into()))?;
    let xlsx = horizon_workbook(&csv, &summary, &districts).map_err(|e| rendered(e.into()))?;
    staged.add("horizon.csv", csv);
    staged.add("horizon.xlsx", xlsx);
    staged.add(
        "report.html",
        horizon_page(&summary, &districts, lang)
            .render()
            .into_bytes(),
    );
    let mut json = serde_json::to_vec_pretty(&summary).map_err(|e| rendered(e.into()))?;
    json.push(b'\n');
    staged.add("summary.json", json);
    Ok((summary, takes_text))
}

/// "What it takes" from the shards, as one run answers it: the more-posts tallies
/// joined, each shorter term's horizon added up over the shards, and the distance
/// search replayed on the largest distance, the only one shards run; when the
/// search needs another, the distance answer is null and lists it.
fn what_it_takes(
    hs: &[(&Path, &HorizonShard)],
    target: u64,
    k: u32,
) -> Result<(WhatItTakes, String), Vec<MergeError>> {
    let mut parts: Vec<&crate::shard::TakesShard> = Vec::new();
    for (dir, h) in hs {
        match &h.takes {
            Some(t) => parts.push(t),
            None => return Err(vec![MergeError::at(dir.display(), FileProblem::NoTakes)]),
        }
    }
    let Some(first) = parts.first() else {
        return Err(vec![MergeError::NoShards]);
    };
    if let Some(p) = parts
        .iter()
        .find(|p| p.term_years != first.term_years || p.max_distance_km != first.max_distance_km)
    {
        return Err(vec![MergeError::OtherTakes {
            first_term: first.term_years,
            term: p.term_years,
            first_km: first.max_distance_km,
            km: p.max_distance_km,
        }]);
    }
    let summed = |get: &dyn Fn(&crate::shard::TakesShard) -> Option<&Vec<YearRow>>| {
        let rows: Option<Vec<&[YearRow]>> =
            parts.iter().map(|p| get(p).map(Vec::as_slice)).collect();
        rows.map(|r| add_up(r.into_iter())).transpose()
    };
    let mut term_probes = Vec::new();
    for t in term_grid(first.term_years) {
        let rows = summed(&|p| p.terms.get(&t))
            .map_err(|e| vec![e])?
            .ok_or_else(|| vec![MergeError::LacksTerm(t)])?;
        term_probes.push(param_probe(f64::from(t), &rows, target));
    }
    let grid = distance_grid(first.max_distance_km);
    // The distances every shard ran, added up.
    let mut ran: BTreeMap<u32, Vec<YearRow>> = BTreeMap::new();
    for &d in &grid {
        if let Some(rows) = summed(&|p| p.distances.get(&d)).map_err(|e| vec![e])? {
            ran.insert(d, rows);
        }
    }
    let values: Vec<f64> = grid.iter().map(|&d| f64::from(d)).collect();
    let distance = smallest_met_with(&values, k as usize, |asked| {
        Ok(asked
            .iter()
            .map(|&v| {
                grid.iter()
                    .find(|&&d| f64::from(d) == v)
                    .and_then(|d| ran.get(d))
                    .map(|rows| param_probe(v, rows, target))
            })
            .collect())
    })
    .map_err(|e| vec![e.into()])?;
    let tally = MorePostsTally::merged(parts.iter().map(|p| &p.more_posts));
    let w = tally.answer(term_probes, distance);
    let text = render_what_it_takes_with(&w, first.term_years, first.max_distance_km);
    Ok((w, text))
}

/// A full horizon's rows as one run's search sees them: it stops after the first
/// year whose cumulative reaches the target (later years do not change earlier ones).
fn until_met(rows: &[YearRow], target: u64) -> Vec<YearRow> {
    let end = rows
        .iter()
        .position(|r| r.cumulative >= target)
        .map_or(rows.len(), |i| i + 1);
    rows[..end].to_vec()
}

/// The shards' rows of the same years added up: counts summed, `optimal` only when
/// every shard's year was, the target path as it is.
fn add_up<'a>(mut parts: impl Iterator<Item = &'a [YearRow]>) -> Result<Vec<YearRow>, MergeError> {
    let mut out: Vec<YearRow> = parts.next().unwrap_or_default().to_vec();
    for p in parts {
        if p.len() != out.len() || p.iter().zip(&out).any(|(a, b)| a.year != b.year) {
            return Err(MergeError::OtherYears);
        }
        for (o, r) in out.iter_mut().zip(p) {
            o.eligible += r.eligible;
            o.sent += r.sent;
            o.backbone_sent += r.backbone_sent;
            o.returned += r.returned;
            o.cumulative += r.cumulative;
            o.shortfall += r.shortfall;
            o.counted += r.counted;
            o.ledger_started += r.ledger_started;
            o.retired += r.retired;
            o.away += r.away;
            o.quota += r.quota;
            o.cap += r.cap;
            o.staff_cap += r.staff_cap;
            o.posts += r.posts;
            o.posts_filled += r.posts_filled;
            o.filled_priority += r.filled_priority;
            o.optimal &= r.optimal;
            let sum = |a: Option<u64>, b: Option<u64>| a.zip(b).map(|(a, b)| a + b);
            o.leaders_eligible = sum(o.leaders_eligible, r.leaders_eligible);
            o.leaders_moved = sum(o.leaders_moved, r.leaders_moved);
            o.itinerant = sum(o.itinerant, r.itinerant);
        }
    }
    Ok(out)
}
