//! The per-year loop: roster of the year (retirees leave), plan with the ledger in
//! force (the data's plus every exchange planned in an earlier year), then carry the
//! year's moves forward as planned ledger entries.

use super::target::target_cumulative;
use super::{HorizonError, HorizonOptions};
use crate::itinerant::{ItinerantError, ItinerantPlan};
use crate::model::{Dataset, Form, LedgerEntry, LedgerStatus, TeacherId};
use crate::plan::{plan_year, YearPlan};
use crate::rules::Rules;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::ops::RangeInclusive;

/// One row of `horizon.csv` (the documented columns first, extras after).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct YearRow {
    pub year: i32,
    pub eligible: u64,
    /// Exchanges planned by rotaplan in this year.
    pub sent: u64,
    pub backbone_sent: u64,
    /// Exchanges (ledger and planned) whose term ended the year before: back home now.
    pub returned: u64,
    pub cumulative: u64,
    pub target_cumulative: u64,
    pub shortfall: u64,
    /// Person-times counted in this year (ledger and planned, forms in count_forms).
    pub counted: u64,
    /// Counted exchanges of the given ledger starting this year.
    pub ledger_started: u64,
    /// Teachers who left the roster at the start of the year (retirement age reached).
    pub retired: u64,
    /// Exchanges whose term covers the year (teachers away, posts occupied).
    pub away: u64,
    pub quota: u64,
    pub cap: u64,
    /// Σ max(1, floor(max_outflow_share_of_staff × staff)): the caps without the quota.
    pub staff_cap: u64,
    pub posts: u64,
    pub posts_filled: u64,
    pub filled_priority: u64,
    pub optimal: bool,
    /// With `[leaders]`: eligible leaders and leaders moved to leadership posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaders_eligible: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaders_moved: Option<u64>,
    /// With itinerant needs in the data: the year's itinerant teachers (person-times
    /// of form `itinerant`, in `counted` when count_forms has it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub itinerant: Option<u64>,
}

/// What a caller sees of each planned year.
pub struct YearView<'a> {
    /// The roster of the year (retirees removed); `plan` indexes into it.
    pub roster: &'a Dataset,
    pub plan: &'a YearPlan,
    pub row: &'a YearRow,
    /// The ledger in force for the year (before its own moves were added).
    pub ledger: &'a [LedgerEntry],
    /// The year's itinerant plan (teachers moved this year or away take no part),
    /// when the data has itinerant needs.
    pub itinerant: Option<&'a ItinerantPlan>,
}

/// The outcome of a horizon run.
#[derive(Debug, Clone, Default)]
pub struct HorizonRun {
    pub rows: Vec<YearRow>,
    /// The data's ledger followed by every exchange planned, in year order.
    pub ledger: Vec<LedgerEntry>,
    /// Cumulative person-times at the end of the last year planned (or before the
    /// first year planned when none was).
    pub cumulative: u64,
    /// True when the run stopped after reaching the target (`stop_when_met`).
    pub stopped_early: bool,
    /// The itinerant person-times of every year planned (form `itinerant`, one year
    /// long; see [`ItinerantPlan::person_records`]). Not part of `ledger`: an
    /// itinerant teacher stays at home and is not held back from an exchange.
    pub itinerant: Vec<LedgerEntry>,
}

/// Teachers still on the roster in `year`: age below their retirement age.
pub fn roster_for_year(data: &Dataset, rules: &Rules, year: i32) -> Dataset {
    Dataset {
        schools: data.schools.clone(),
        teachers: data
            .teachers
            .iter()
            .filter(|t| !rules.retired(t, year))
            .cloned()
            .collect(),
        needs: data.needs.clone(),
        ledger: Vec::new(),
        evaluators: data.evaluators.clone(),
        itinerant: data.itinerant.clone(),
        steering: data.steering.clone(),
    }
}

/// Whether a ledger entry counts toward the target (person-times).
pub fn counts(rules: &Rules, e: &LedgerEntry) -> bool {
    e.status != LedgerStatus::Cancelled && rules.plan.count_forms.contains(&e.form)
}

/// Counted person-times with start year in [first_year, upto].
fn counted_through(rules: &Rules, ledger: &[LedgerEntry], upto: i32) -> u64 {
    ledger
        .iter()
        .filter(|e| {
            counts(rules, e) && e.start_year >= rules.plan.first_year && e.start_year <= upto
        })
        .count() as u64
}

/// Plans `years` in turn starting from `data.ledger`, calling `on_year` after each.
pub fn run<F>(
    data: &Dataset,
    rules: &Rules,
    years: RangeInclusive<i32>,
    opts: &HorizonOptions,
    mut on_year: F,
) -> Result<HorizonRun, HorizonError>
where
    F: FnMut(&YearView<'_>) -> Result<(), super::OutputError>,
{
    let mut ledger = data.ledger.clone();
    let base_len = ledger.len();
    let mut cumulative = counted_through(rules, &ledger, years.start() - 1);
    let mut rows = Vec::new();
    let mut prev_roster = data
        .teachers
        .iter()
        .filter(|t| !rules.retired(t, years.start() - 1))
        .count() as u64;
    let mut stopped_early = false;
    let mut itinerant_records = Vec::new();
    let q = &rules.quota;
    let last = *years.end();
    let first = *years.start();
    for year in years {
        let mut roster = roster_for_year(data, rules, year);
        // A previous plan (`--previous`) steers the first year only.
        if year != first {
            roster.steering.previous = None;
        }
        let plan = plan_year(&roster, rules, year, &ledger, &opts.plan)
            .map_err(|source| HorizonError::Plan { year, source })?;
        let live = |e: &&LedgerEntry| e.status != LedgerStatus::Cancelled;
        let returned = ledger
            .iter()
            .filter(live)
            .filter(|e| e.end_year == year - 1)
            .count();
        let ledger_started = ledger[..base_len]
            .iter()
            .filter(|e| counts(rules, e) && e.start_year == year)
            .count() as u64;
        let sent = plan.moves.len() as u64;
        let planned_counts = rules.plan.count_forms.contains(&rules.term.form);
        let itinerant = itinerant_year(&roster, rules, year, &ledger, &plan)
            .map_err(|source| HorizonError::Itinerant { year, source })?;
        let itinerant_teachers = itinerant.as_ref().map(|p| u64::from(p.teachers));
        let itinerant_counted = if rules.plan.count_forms.contains(&Form::Itinerant) {
            itinerant_teachers.unwrap_or(0)
        } else {
            0
        };
        let counted = ledger_started + if planned_counts { sent } else { 0 } + itinerant_counted;
        cumulative += if year >= rules.plan.first_year {
            counted
        } else {
            0
        };
        let away = ledger.iter().filter(|e| e.covers(year)).count() as u64 + sent;
        let c = &plan.check;
        let f = &plan.facts.schools;
        let row = YearRow {
            year,
            eligible: c.eligible,
            sent,
            backbone_sent: c.backbone_sent,
            returned: returned as u64,
            cumulative,
            target_cumulative: target_cumulative(rules, year),
            shortfall: c.shortfall,
            counted,
            ledger_started,
            retired: prev_roster.saturating_sub(roster.teachers.len() as u64),
            away,
            quota: f.iter().map(|s| u64::from(s.quota)).sum(),
            cap: f.iter().map(|s| u64::from(s.cap)).sum(),
            staff_cap: f
                .iter()
                .map(|s| u64::from(q.max_outflow_share_of_staff.floor_mul(s.staff).max(1)))
                .sum(),
            posts: c.posts,
            posts_filled: c.posts_filled,
            filled_priority: c.filled_priority,
            optimal: plan.optimal,
            leaders_eligible: rules.leaders.as_ref().map(|_| {
                roster
                    .teachers
                    .iter()
                    .zip(&plan.verdicts)
                    .filter(|(t, v)| v.eligible() && rules.leader_role(t).is_some())
                    .count() as u64
            }),
            leaders_moved: rules.leaders.as_ref().map(|_| {
                plan.moves
                    .iter()
                    .filter(|m| crate::model::Role::leader_post(&m.subject).is_some())
                    .count() as u64
            }),
            itinerant: itinerant_teachers,
        };
        prev_roster = roster.teachers.len() as u64;
        on_year(&YearView {
            roster: &roster,
            plan: &plan,
            row: &row,
            ledger: &ledger,
            itinerant: itinerant.as_ref(),
        })
        .map_err(|source| HorizonError::Output { year, source })?;
        let end = year + rules.term.years - 1;
        ledger.extend(plan.moves.iter().map(|m| LedgerEntry {
            teacher: roster.teachers[m.teacher].id.clone(),
            from_school: roster.schools[m.from].id.clone(),
            to_school: roster.schools[m.to].id.clone(),
            subject: m.subject.clone(),
            form: rules.term.form,
            start_year: year,
            end_year: end,
            status: LedgerStatus::Planned,
        }));
        if let Some(p) = &itinerant {
            itinerant_records.extend(p.person_records(year));
        }
        rows.push(row);
        if opts.stop_when_met && cumulative >= u64::from(rules.plan.target_exchanges) {
            stopped_early = year < last;
            break;
        }
    }
    Ok(HorizonRun {
        rows,
        ledger,
        cumulative,
        stopped_early,
        itinerant: itinerant_records,
    })
}

/// The itinerant plan of a horizon year, when the data has itinerant needs: the
/// teachers the year's plan moves and those away by the ledger in force take no part.
fn itinerant_year(
    roster: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
    plan: &YearPlan,
) -> Result<Option<ItinerantPlan>, ItinerantError> {
    if !roster.itinerant.has_needs() {
        return Ok(None);
    }
    let away: BTreeSet<TeacherId> = plan
        .moves
        .iter()
        .map(|m| roster.teachers[m.teacher].id.clone())
        .chain(
            ledger
                .iter()
                .filter(|e| e.covers(year))
                .map(|e| e.teacher.clone()),
        )
        .collect();
    let ctx = crate::itinerant::Context {
        data: roster,
        rules,
        year,
        moved: &away,
    };
    crate::itinerant::plan(&ctx).map(Some)
}
