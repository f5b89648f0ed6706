//! `compare --horizon`: every variant planned over its whole plan period
//! (`horizon::run`), with cumulative figures per variant and who moves differently.
//!
//! Like the one-year mode, variants run in parallel and are collected in variant
//! order. The target search of `horizon` (smallest share meeting the target) is not
//! run: it costs several horizons per variant; run `horizon` on the variant of interest.

use super::figures::{percent, Figures, FIGURE_COLUMNS};
use super::tables::{district_header, districts, moves_table, not_proven, variant_table, Column};
use super::{variant_error, CompareError, Variant};
use crate::horizon::{self, HorizonError, HorizonOptions, YearRow};
use crate::model::{Dataset, Id, LedgerStatus, SchoolId, Teacher, TeacherId};
use crate::plan::PlanOptions;
use crate::rules::Rules;
use crate::stats::summarize;
use crate::table::csv_table;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

/// One variant planned over its plan period.
#[derive(Debug, Clone)]
pub struct PeriodOutcome {
    pub variant: Variant,
    pub rules_name: String,
    pub first_year: i32,
    pub last_year: i32,
    /// The yearly figures summed over the period (eligible counts person-years).
    pub figures: Figures,
    /// `horizon.csv`'s rows.
    pub years: Vec<YearRow>,
    /// Counted person-times of the period (ledger and planned), as `horizon` reports.
    pub cumulative: u64,
    pub target_exchanges: u64,
    pub met_in_year: Option<i32>,
    /// Counted person-times by the sending school's district.
    pub district_cumulative: BTreeMap<String, u64>,
    /// Every planned move: (teacher, year, receiving school), in year order.
    pub moves: Vec<(TeacherId, i32, SchoolId)>,
}

impl PeriodOutcome {
    pub fn target_met(&self) -> bool {
        self.cumulative >= self.target_exchanges
    }

    pub fn returned(&self) -> u64 {
        self.years.iter().map(|r| r.returned).sum()
    }
}

fn horizon_error(label: String, e: HorizonError) -> CompareError {
    match e {
        HorizonError::Plan { year, source } => {
            variant_error(format!("{label}, plan year {year}"), source)
        }
        HorizonError::Itinerant {
            year,
            source: e @ crate::itinerant::ItinerantError::When { .. },
        } => CompareError::Rules(vec![format!("variant `{label}`, plan year {year}: {e}")]),
        e @ (HorizonError::Output { .. } | HorizonError::Itinerant { .. }) => CompareError::Plan {
            variant: label,
            message: e.to_string(),
        },
    }
}

/// Plans one variant over `rules.plan.first_year..=last_year`.
fn run_one(
    data: &Dataset,
    variant: Variant,
    rules: &Rules,
    time_limit: f64,
) -> Result<PeriodOutcome, CompareError> {
    let opts = HorizonOptions {
        plan: PlanOptions {
            time_limit,
            method: variant.method,
            progress: None,
            cancel: None,
            ..PlanOptions::default()
        },
        stop_when_met: false,
    };
    let mut figures = Figures::default();
    let years = rules.plan.first_year..=rules.plan.last_year;
    let run = horizon::run(data, rules, years, &opts, |v| {
        let (rows, summary) = summarize(v.roster, rules, v.plan).map_err(|e| e.to_string())?;
        figures.add(&Figures::of(v.roster, v.plan, &rows, &summary));
        Ok(())
    })
    .map_err(|e| horizon_error(variant.label(), e))?;
    let district: HashMap<&SchoolId, &str> = data
        .schools
        .iter()
        .map(|s| (&s.id, s.district.as_str()))
        .collect();
    let p = &rules.plan;
    let mut district_cumulative = BTreeMap::new();
    for e in &run.ledger {
        let counted = e.status != LedgerStatus::Cancelled
            && p.count_forms.contains(&e.form)
            && (p.first_year..=p.last_year).contains(&e.start_year);
        if let (true, Some(d)) = (counted, district.get(&e.from_school)) {
            *district_cumulative.entry(d.to_string()).or_insert(0) += 1;
        }
    }
    let moves = run
        .ledger
        .get(data.ledger.len()..)
        .unwrap_or_default()
        .iter()
        .map(|e| (e.teacher.clone(), e.start_year, e.to_school.clone()))
        .collect();
    let target = u64::from(p.target_exchanges);
    Ok(PeriodOutcome {
        rules_name: p.name.clone(),
        first_year: p.first_year,
        last_year: p.last_year,
        figures,
        met_in_year: horizon::first_met(run.rows.iter().map(|r| (r.year, r.cumulative)), target),
        years: run.rows,
        cumulative: run.cumulative,
        target_exchanges: target,
        district_cumulative,
        moves,
        variant,
    })
}

/// Plans every variant over its period, in parallel, results in variant order.
pub fn run_periods(
    data: &Dataset,
    variants: &[Variant],
    rules: Vec<Rules>,
    time_limit: f64,
) -> Result<Vec<PeriodOutcome>, CompareError> {
    let jobs: Vec<(Variant, Rules)> = variants.iter().cloned().zip(rules).collect();
    let results: Vec<Result<PeriodOutcome, CompareError>> = jobs
        .into_par_iter()
        .map(|(variant, rules)| run_one(data, variant, &rules, time_limit))
        .collect();
    results.into_iter().collect()
}

/// `compare.csv` of `compare --horizon`: variant, rules_name, method, first_year,
/// last_year, the figures summed over the years, returned, cumulative,
/// target_exchanges, target_met, met_in_year, then `<year>:sent` and
/// `<year>:cumulative` for every year any variant plans (empty where a variant's
/// period does not cover it), then per district `:sent`, `:shortfall`,
/// `:posts_filled` (summed) and `:cumulative`.
pub fn period_compare_csv(outcomes: &[PeriodOutcome]) -> Result<Vec<u8>, csv::Error> {
    let ds = districts(outcomes.iter().map(|o| &o.figures));
    let ds: BTreeSet<String> = ds
        .into_iter()
        .chain(
            outcomes
                .iter()
                .flat_map(|o| o.district_cumulative.keys().cloned()),
        )
        .collect();
    let years: BTreeSet<i32> = outcomes
        .iter()
        .flat_map(|o| o.years.iter().map(|r| r.year))
        .collect();
    let mut header: Vec<String> = ["variant", "rules_name", "method", "first_year", "last_year"]
        .iter()
        .chain(FIGURE_COLUMNS.iter())
        .chain(
            [
                "returned",
                "cumulative",
                "target_exchanges",
                "target_met",
                "met_in_year",
            ]
            .iter(),
        )
        .map(|s| s.to_string())
        .collect();
    for y in &years {
        header.push(format!("{y}:sent"));
        header.push(format!("{y}:cumulative"));
    }
    header.extend(district_header(&ds, &["cumulative"]));
    let mut rows = Vec::new();
    for o in outcomes {
        let mut r = vec![
            o.variant.label(),
            o.rules_name.clone(),
            o.variant.method.as_str().to_string(),
            o.first_year.to_string(),
            o.last_year.to_string(),
        ];
        r.extend(o.figures.cells());
        r.extend([
            o.returned().to_string(),
            o.cumulative.to_string(),
            o.target_exchanges.to_string(),
            o.target_met().to_string(),
            o.met_in_year.map(|y| y.to_string()).unwrap_or_default(),
        ]);
        for y in &years {
            match o.years.iter().find(|r| r.year == *y) {
                Some(row) => r.extend([row.sent.to_string(), row.cumulative.to_string()]),
                None => r.extend([String::new(), String::new()]),
            }
        }
        for d in &ds {
            r.extend(o.figures.district_cells(d));
            r.push(
                o.district_cumulative
                    .get(d)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            );
        }
        rows.push(r);
    }
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_table(&h, &rows)
}

/// `moves.csv` of `compare --horizon`: every teacher planned to move in at least one
/// variant whose moves are not the same in all; one column per variant with
/// `year:school` for each move, `;`-separated (empty: never moves).
pub fn period_moves_csv(data: &Dataset, outcomes: &[PeriodOutcome]) -> Result<Vec<u8>, csv::Error> {
    let index: HashMap<&TeacherId, Id<Teacher>> = data
        .teachers
        .iter()
        .map(|t| &t.id)
        .zip(data.teacher_ids())
        .collect();
    let labels: Vec<String> = outcomes.iter().map(|o| o.variant.label()).collect();
    let cells: Vec<BTreeMap<Id<Teacher>, String>> = outcomes
        .iter()
        .map(|o| {
            let mut c: BTreeMap<Id<Teacher>, String> = BTreeMap::new();
            for (t, year, to) in &o.moves {
                if let Some(&i) = index.get(t) {
                    let cell = c.entry(i).or_default();
                    if !cell.is_empty() {
                        cell.push(';');
                    }
                    let _ = write!(cell, "{year}:{to}");
                }
            }
            c
        })
        .collect();
    moves_table(data, &labels, &cells)
}

/// The stdout table of `compare --horizon`: one line per variant.
pub fn render_period_table(outcomes: &[PeriodOutcome]) -> String {
    const COLUMNS: &[Column] = &[
        (0, 3, "#"),
        (2, 9, "period"),
        (2, 8, "eligible"),
        (1, 7, "sent"),
        (1, 6, "bb%"),
        (1, 9, "shortfall"),
        (1, 8, "priority"),
        (1, 11, "filled"),
        (1, 10, "cumulative"),
        (1, 7, "target"),
        (1, 6, "met"),
    ];
    variant_table(
        COLUMNS,
        outcomes.iter().enumerate().map(|(i, x)| {
            let f = &x.figures;
            let cells = vec![
                (i + 1).to_string(),
                format!("{}–{}", x.first_year, x.last_year),
                f.totals.eligible.to_string(),
                f.totals.sent.to_string(),
                percent(&f.backbone_share()),
                f.totals.shortfall.to_string(),
                f.totals.filled_priority.to_string(),
                format!("{}/{}", f.totals.posts_filled, f.totals.posts),
                x.cumulative.to_string(),
                x.target_exchanges.to_string(),
                x.met_in_year.map_or("no".to_string(), |y| y.to_string()),
            ];
            let tail = format!(
                "{}{}",
                x.variant.label(),
                not_proven(f.optimal, x.variant.method)
            );
            (cells, tail)
        }),
    )
}
