//! Components whose plan was not proven optimal within `--time-limit`: which schools,
//! how far the plan may be from the optimum, and what the user can change. Data only;
//! the report and summary.json render it.

use super::milp::ComponentSolution;
use super::problem::Component;
use super::search::deficit;
use crate::model::Dataset;
use crate::rules::{BackboneLevel, Rules};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What may let the solver prove a component optimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    /// A larger `--time-limit` (a deterministic work budget per component).
    RaiseTimeLimit,
    /// `flow.same_district = true`: districts then plan on their own, in smaller parts.
    SameDistrict,
    /// `quota.backbone_share_level = "school"`: the backbone share is then counted per
    /// school, which the solver bounds tightly.
    SchoolBackboneLevel,
}

/// One component stopped by the limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unproven {
    /// Districts of its schools, sorted.
    pub districts: Vec<String>,
    /// Schools in it (sending or receiving).
    pub schools: usize,
    /// Shortfall (objective 1) of the plan taken.
    pub shortfall: u64,
    /// No plan of the component has less shortfall (null: no bound known).
    pub shortfall_bound: Option<u64>,
    /// Priority filled (objective 2) by the plan taken.
    pub filled_priority: u64,
    /// No plan of the same shortfall fills more priority (null: no bound known).
    pub filled_priority_bound: Option<u64>,
    pub remedies: Vec<Remedy>,
}

/// The entry of a component whose solution is not proven optimal.
pub fn describe(
    data: &Dataset,
    rules: &Rules,
    comp: &Component,
    sol: &ComponentSolution,
) -> Unproven {
    let mut schools: BTreeSet<usize> = comp.senders.iter().map(|s| s.school).collect();
    for g in &comp.groups {
        schools.extend(g.members.iter().map(|m| m.0));
    }
    let districts: BTreeSet<&str> = schools
        .iter()
        .map(|&i| data.schools[i].district.as_str())
        .collect();
    let (shortfall, filled_priority) = levels(comp, sol);
    let mut remedies = vec![Remedy::RaiseTimeLimit];
    if !rules.flow.same_district && districts.len() > 1 {
        remedies.push(Remedy::SameDistrict);
    }
    if rules.quota.backbone_share_level != BackboneLevel::School {
        remedies.push(Remedy::SchoolBackboneLevel);
    }
    Unproven {
        districts: districts.into_iter().map(str::to_string).collect(),
        schools: schools.len(),
        shortfall,
        shortfall_bound: sol.gap.map(|g| g.shortfall_bound),
        filled_priority,
        filled_priority_bound: sol.gap.map(|g| g.priority_bound),
        remedies,
    }
}

/// Levels (1) and (2) of a component's solution, from its flows: (shortfall, filled
/// priority).
pub(super) fn levels(comp: &Component, sol: &ComponentSolution) -> (u64, u64) {
    let mut sent = vec![0u32; comp.senders.len()];
    let mut bsent = vec![0u32; comp.senders.len()];
    for (si, cf) in sol.class_flow.iter().enumerate() {
        let p = comp.supplies[si].sender;
        sent[p] += cf.iter().flatten().sum::<u32>();
        bsent[p] += cf[1][0] + cf[1][1];
    }
    let mut shortfall: u64 = comp
        .senders
        .iter()
        .zip(&sent)
        .map(|(s, &n)| u64::from(s.quota.saturating_sub(n)))
        .sum();
    for members in &comp.backbone_groups {
        let gs = members.iter().map(|&p| sent[p]).sum();
        let gb = members.iter().map(|&p| bsent[p]).sum();
        shortfall += u64::from(deficit(gs, gb, comp.backbone_share));
    }
    let priority = sol
        .arc_flow
        .iter()
        .zip(&comp.arcs)
        .map(|(&y, &(_, gi))| u64::from(y) * u64::from(comp.groups[gi].priority))
        .sum();
    (shortfall, priority)
}
