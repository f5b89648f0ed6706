//! What the pins cost: levels (1) and (2) of the plan without any pin, and for each
//! pin the change in them if that pin alone were dropped.
//!
//! A pin only touches the component of its teacher's school (and of the school it
//! names, the same one whenever the pair is allowed). Dropping pins never splits a
//! component (a `stay` pin dropped may add a sending school, which can only join
//! components), so the components of the plan with the pins refine those without:
//! only the variant's components touching the pin are re-solved, and they are compared
//! with the plan's components inside the same schools. The figures are exact when
//! every re-solve is proven (`exact` says so).

use super::facts::YearFacts;
use super::milp::ComponentSolution;
use super::problem::{build_steered, Component};
use super::steer::{schools_of, YearSteer};
use super::{proven, solve_component, PlanError};
use crate::model::steering::Pin;
use crate::model::Dataset;
use crate::rules::Rules;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// The cost of one pin: how levels (1) and (2) change if it alone were dropped
/// (shortfall_delta ≤ 0 and filled_priority_delta ≥ 0 when the pin costs something).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinCost {
    pub row: u32,
    pub teacher_id: String,
    pub action: &'static str,
    pub school_id: String,
    pub shortfall_delta: i64,
    pub filled_priority_delta: i64,
}

/// The pins of one plan year and what they cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinFigures {
    /// Pins in force this year.
    pub count: usize,
    pub shortfall_without_pins: u64,
    pub filled_priority_without_pins: u64,
    /// In pin row order.
    pub costs: Vec<PinCost>,
    /// Every re-solve reached its proven optimum.
    pub exact: bool,
    /// (shortfall, priority) without any pin less with them.
    delta_all: (i64, i64),
}

impl PinFigures {
    /// Sets the figures without pins from the plan's checked `shortfall` and
    /// `priority`.
    pub(super) fn settle(&mut self, shortfall: u64, priority: u64) {
        let u = |x: i64| u64::try_from(x).unwrap_or(0);
        self.shortfall_without_pins = u(shortfall as i64 + self.delta_all.0);
        self.filled_priority_without_pins = u(priority as i64 + self.delta_all.1);
    }
}

/// The plan's own solve, for the comparisons.
pub(super) struct Context<'a> {
    pub data: &'a Dataset,
    pub rules: &'a Rules,
    pub facts: &'a YearFacts,
    /// The rules' eligibility, before `stay` pins.
    pub rule_eligible: &'a [bool],
    pub comps: &'a [Component],
    pub sols: &'a [ComponentSolution],
    pub time_limit: f64,
}

/// (shortfall, priority) differences of the variant with `pins` from the plan, over
/// the components touching `touched` schools, and whether the variant's solves were
/// proven.
fn delta(
    ctx: &Context<'_>,
    pins: &[&Pin],
    touched: &BTreeSet<usize>,
) -> Result<(i64, i64, bool), PlanError> {
    let steer = YearSteer::new(ctx.data, pins);
    let mut eligible = ctx.rule_eligible.to_vec();
    for &ti in steer.stays.keys() {
        eligible[ti] = false;
    }
    let variant = build_steered(ctx.data, ctx.rules, ctx.facts, &eligible, &steer);
    let chosen: Vec<&Component> = variant
        .iter()
        .filter(|c| !schools_of(c).is_disjoint(touched))
        .collect();
    let within: BTreeSet<usize> = chosen.iter().flat_map(|c| schools_of(c)).collect();
    let solved: Vec<Result<ComponentSolution, String>> = chosen
        .par_iter()
        .map(|c| solve_component(c, ctx.time_limit))
        .collect();
    let (mut vs, mut vp, mut exact) = (0i64, 0i64, true);
    for (c, r) in chosen.iter().zip(solved) {
        let sol = r.map_err(PlanError::Solver)?;
        exact &= proven(&sol);
        let (s, p) = super::unproven::levels(c, &sol);
        vs += s as i64;
        vp += p as i64;
    }
    // A school that sends in the variant but not in the plan (its only eligible
    // teachers were pinned to stay) sends nobody in the plan: its whole quota is short
    // there, outside every component of the plan.
    let plan_senders: BTreeSet<usize> = ctx
        .comps
        .iter()
        .flat_map(|c| c.senders.iter().map(|s| s.school))
        .collect();
    let mut bs: i64 = chosen
        .iter()
        .flat_map(|c| c.senders.iter())
        .filter(|s| !plan_senders.contains(&s.school))
        .map(|s| i64::from(s.quota))
        .sum();
    let mut bp = 0i64;
    for (c, sol) in ctx.comps.iter().zip(ctx.sols) {
        if !schools_of(c).is_disjoint(&within) {
            let (s, p) = super::unproven::levels(c, sol);
            bs += s as i64;
            bp += p as i64;
        }
    }
    Ok((vs - bs, vp - bp, exact))
}

/// The schools a pin touches: its teacher's school and the school it names.
fn touched_by(data: &Dataset, facts: &YearFacts, pin: &Pin) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    if let Some(t) = data.teachers.iter().find(|t| t.id == pin.teacher) {
        out.extend(facts.school_index.get(&t.school));
    }
    if let Some(s) = pin.action.school() {
        out.extend(facts.school_index.get(s));
    }
    out
}

pub(super) fn pin_figures(ctx: &Context<'_>, pins: &[&Pin]) -> Result<PinFigures, PlanError> {
    let all: BTreeSet<usize> = pins
        .iter()
        .flat_map(|p| touched_by(ctx.data, ctx.facts, p))
        .collect();
    let (ds, dp, mut exact) = delta(ctx, &[], &all)?;
    let mut costs = Vec::with_capacity(pins.len());
    for (i, p) in pins.iter().enumerate() {
        let others: Vec<&Pin> = pins
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, q)| *q)
            .collect();
        let touched = touched_by(ctx.data, ctx.facts, p);
        let (s, q, ok) = delta(ctx, &others, &touched)?;
        exact &= ok;
        costs.push(PinCost {
            row: p.row,
            teacher_id: p.teacher.as_str().to_string(),
            action: p.action.as_str(),
            school_id: p
                .action
                .school()
                .map_or(String::new(), |s| s.as_str().to_string()),
            shortfall_delta: s,
            filled_priority_delta: q,
        });
    }
    costs.sort_by_key(|c| c.row);
    Ok(PinFigures {
        count: pins.len(),
        shortfall_without_pins: 0,
        filled_priority_without_pins: 0,
        costs,
        exact,
        delta_all: (ds, dp),
    })
}
