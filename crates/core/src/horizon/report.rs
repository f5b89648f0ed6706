//! The horizon's outputs: `horizon.csv`, `summary.json`, and the plain-words answer
//! to the planner's three questions (met? by when? else which share?).

use super::binding::Bound;
use super::run::YearRow;
use super::search::TargetSearch;
use crate::rules::{Rules, Share};
use crate::table::{aligned_row, csv_table};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

pub const HORIZON_HEADER: [&str; 20] = [
    "year",
    "eligible",
    "sent",
    "backbone_sent",
    "returned",
    "cumulative",
    "target_cumulative",
    "shortfall",
    "counted",
    "ledger_started",
    "retired",
    "away",
    "quota",
    "cap",
    "staff_cap",
    "posts",
    "posts_filled",
    "filled_priority",
    "optimal",
    "on_path",
];

/// summary.json of `horizon`.
#[derive(Debug, Clone, Serialize)]
pub struct HorizonSummary {
    pub rules_name: String,
    pub first_year: i32,
    pub last_year: i32,
    pub min_share_of_eligible: f64,
    pub count_forms: Vec<String>,
    pub target_exchanges: u64,
    pub cumulative: u64,
    pub target_met: bool,
    pub met_in_year: Option<i32>,
    pub share_to_meet_target: Option<f64>,
    pub search_assumed_monotone: bool,
    pub target_search: TargetSearch,
    pub years: Vec<YearRow>,
    /// What would reach the target, when it is out of reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_it_takes: Option<super::WhatItTakes>,
}

/// The rules' figures summary.json repeats: what a horizon shard records so that
/// `merge` can write the summary without the rules file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub rules_name: String,
    pub first_year: i32,
    pub last_year: i32,
    /// min_share_of_eligible as an exact decimal.
    pub min_share_of_eligible: String,
    pub count_forms: Vec<String>,
    pub target_exchanges: u64,
}

impl Period {
    pub fn of(rules: &Rules) -> Period {
        Period {
            rules_name: rules.plan.name.clone(),
            first_year: rules.plan.first_year,
            last_year: rules.plan.last_year,
            min_share_of_eligible: rules.quota.min_share_of_eligible.to_string(),
            count_forms: rules
                .plan
                .count_forms
                .iter()
                .map(|f| f.as_str().to_string())
                .collect(),
            target_exchanges: u64::from(rules.plan.target_exchanges),
        }
    }

    pub fn share(&self) -> Option<Share> {
        Share::parse(&self.min_share_of_eligible)
    }
}

impl HorizonSummary {
    pub fn new(rules: &Rules, rows: Vec<YearRow>, search: TargetSearch) -> HorizonSummary {
        HorizonSummary::of_period(&Period::of(rules), rows, search)
    }

    pub fn of_period(p: &Period, rows: Vec<YearRow>, search: TargetSearch) -> HorizonSummary {
        let target = p.target_exchanges;
        let cumulative = rows.last().map_or(0, |r| r.cumulative);
        HorizonSummary {
            rules_name: p.rules_name.clone(),
            first_year: p.first_year,
            last_year: p.last_year,
            min_share_of_eligible: p.share().map_or(f64::NAN, |s| s.to_f64()),
            count_forms: p.count_forms.clone(),
            target_exchanges: target,
            cumulative,
            target_met: cumulative >= target,
            met_in_year: super::first_met(rows.iter().map(|r| (r.year, r.cumulative)), target),
            share_to_meet_target: search.share_to_meet_target,
            search_assumed_monotone: search.search_assumed_monotone,
            target_search: search,
            years: rows,
            what_it_takes: None,
        }
    }
}

/// horizon.csv.
pub fn horizon_csv(rows: &[YearRow]) -> Result<Vec<u8>, csv::Error> {
    horizon_csv_with(rows, None)
}

/// horizon.csv, with columns appended: `leaders_eligible`, `leaders_moved` under
/// `[leaders]`, `more_posts_to_target` when `takes` says what would reach the
/// target, and last `itinerant` (the year's itinerant teachers) when the data has
/// itinerant needs.
pub fn horizon_csv_with(
    rows: &[YearRow],
    takes: Option<&super::WhatItTakes>,
) -> Result<Vec<u8>, csv::Error> {
    let leaders = rows.iter().any(|r| r.leaders_eligible.is_some());
    let itinerant = rows.iter().any(|r| r.itinerant.is_some());
    let mut header: Vec<&str> = HORIZON_HEADER.to_vec();
    if leaders {
        header.extend(["leaders_eligible", "leaders_moved"]);
    }
    if takes.is_some() {
        header.push("more_posts_to_target");
    }
    if itinerant {
        header.push("itinerant");
    }
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut v = [
                r.year.to_string(),
                r.eligible.to_string(),
                r.sent.to_string(),
                r.backbone_sent.to_string(),
                r.returned.to_string(),
                r.cumulative.to_string(),
                r.target_cumulative.to_string(),
                r.shortfall.to_string(),
                r.counted.to_string(),
                r.ledger_started.to_string(),
                r.retired.to_string(),
                r.away.to_string(),
                r.quota.to_string(),
                r.cap.to_string(),
                r.staff_cap.to_string(),
                r.posts.to_string(),
                r.posts_filled.to_string(),
                r.filled_priority.to_string(),
                r.optimal.to_string(),
                (r.cumulative >= r.target_cumulative).to_string(),
            ]
            .to_vec();
            if leaders {
                v.push(r.leaders_eligible.unwrap_or(0).to_string());
                v.push(r.leaders_moved.unwrap_or(0).to_string());
            }
            if let Some(w) = takes {
                v.push(w.more_posts_in(r.year).to_string());
            }
            if itinerant {
                v.push(r.itinerant.unwrap_or(0).to_string());
            }
            v
        })
        .collect();
    csv_table(&header, &body)
}

fn bound_words(b: Bound) -> &'static str {
    match b {
        Bound::Posts => "open posts (every open post was filled)",
        Bound::Caps => "outflow caps (every sending school sent its cap)",
        Bound::EligiblePool => "the eligible pool (every eligible teacher was sent)",
        Bound::AllowedPairs => {
            "allowed pairs (teachers and posts left over do not match in subject, stage, \
             direction, district or distance)"
        }
    }
}

/// The three answers, in plain words, and the year table.
pub fn render(s: &HorizonSummary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} — {}–{}", s.rules_name, s.first_year, s.last_year);
    let itinerant = s.years.iter().any(|r| r.itinerant.is_some());
    const WIDTHS: [usize; 8] = [6, 9, 7, 9, 9, 11, 11, 10];
    let header = [
        "year",
        "eligible",
        "sent",
        "returned",
        "counted",
        "cumulative",
        "target",
        "shortfall",
    ];
    let _ = write!(o, "{}", aligned_row(&WIDTHS, &header));
    let _ = writeln!(o, "{}", if itinerant { "  itinerant" } else { "" });
    for r in &s.years {
        let cells: [&dyn std::fmt::Display; 8] = [
            &r.year,
            &r.eligible,
            &r.sent,
            &r.returned,
            &r.counted,
            &r.cumulative,
            &r.target_cumulative,
            &r.shortfall,
        ];
        let _ = write!(o, "{}", aligned_row(&WIDTHS, &cells));
        match r.itinerant {
            Some(n) if itinerant => {
                let _ = writeln!(o, " {n:>10}");
            }
            _ => {
                let _ = writeln!(o);
            }
        }
    }
    let _ = writeln!(o);
    let share = s.min_share_of_eligible;
    if s.target_met {
        let _ = writeln!(
            o,
            "Will the target be met? Yes: with min_share_of_eligible = {share}, {} of {} person-times by {}.",
            s.cumulative, s.target_exchanges, s.last_year
        );
    } else {
        let _ = writeln!(
            o,
            "Will the target be met? No: with min_share_of_eligible = {share}, {} of {} person-times by {} ({} short).",
            s.cumulative,
            s.target_exchanges,
            s.last_year,
            s.target_exchanges - s.cumulative
        );
    }
    match s.met_in_year {
        Some(y) => {
            let _ = writeln!(o, "By which year? {y}.");
        }
        None => {
            let _ = writeln!(o, "By which year? Not within the period.");
        }
    }
    let monotone = if s.search_assumed_monotone {
        " (bisection on the 0.005 grid, assuming more share never means fewer exchanges)"
    } else {
        ""
    };
    let search = &s.target_search;
    if !search.not_run.is_empty() {
        let _ = writeln!(
            o,
            "Which share meets it? Not settled: the search needs shares {} next, which the \
             merged shards did not run. Rerun every shard with --probe-shares {} and merge \
             again.",
            share_list(&search.not_run),
            share_list(&rerun_shares(s))
        );
        return o;
    }
    match s.share_to_meet_target {
        Some(x) => {
            let _ = writeln!(
                o,
                "Which share meets it? min_share_of_eligible = {x} is the smallest that meets the target{monotone}."
            );
        }
        None => {
            let _ = write!(o, "Which share meets it? None up to 1.000");
            if let Some(b) = &s.target_search.binding {
                let at_one = s.target_search.probes.iter().find(|p| p.index_is_top());
                if let Some(p) = at_one {
                    let _ = write!(
                        o,
                        ": even at 1.000 the period reaches only {}",
                        p.cumulative
                    );
                }
                let words: Vec<&str> = b.binds.iter().map(|x| bound_words(*x)).collect();
                let _ = write!(o, "; what binds: {}", words.join(" and "));
                let years: Vec<String> = b
                    .by_year
                    .iter()
                    .map(|(y, bs)| {
                        format!(
                            "{y} {}",
                            bs.iter().map(|x| x.id()).collect::<Vec<_>>().join("+")
                        )
                    })
                    .collect();
                let _ = write!(o, " (by year: {})", years.join(", "));
            }
            let _ = writeln!(o, ".");
        }
    }
    if !s.target_search.monotone_violations.is_empty() {
        let _ = writeln!(
            o,
            "note: monotonicity did not hold at shares {:?}; the answer is the smallest met share found.",
            s.target_search.monotone_violations
        );
    }
    o
}

fn share_list(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The shares a rerun of the shards must evaluate so that the next merge gets one
/// round further: every share probed so far (other than the rules' own) and those
/// missing.
pub fn rerun_shares(s: &HorizonSummary) -> Vec<f64> {
    let mut v: Vec<f64> = s
        .target_search
        .probes
        .iter()
        .map(|p| p.share.to_f64())
        .filter(|&x| x != s.min_share_of_eligible)
        .chain(s.target_search.not_run.iter().copied())
        .collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}
