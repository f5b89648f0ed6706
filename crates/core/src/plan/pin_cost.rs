//! What the pins cost: levels (1) and (2) of the plan without any pin, and for each
//! pin the change in them if that pin alone were dropped.
//!
//! Algorithm (exact; every step is a sandwich or a re-solve, never an estimate):
//!
//! 1. The year's problem without any pin is built once (`base`). Pins only remove
//!    options (`stay` takes a teacher out of the supplies, `to`/`not_to` take arcs
//!    away, `move`/`to` demand a move), and a `stay` pin dropped can only add a sending
//!    school, which joins components; so the components of every problem with a subset
//!    of the pins refine the base's. A pin touches the base component(s) of its
//!    teacher's school and of the school it names. Base components joined by a pin form
//!    a *cluster*; the pins of a cluster change nothing outside it. Only the base
//!    components of clusters are solved.
//! 2. The feasible plans of a cluster nest: all pins ⊆ all pins but one ⊆ no pin. So
//!    the lexicographic optimum (least shortfall, then most priority) of "all but one"
//!    lies between the plan's and the base's. When the plan's optimum inside the
//!    cluster equals the base's on both levels, and both are proven, every pin of the
//!    cluster costs exactly (0, 0): nothing is re-solved.
//! 3. Otherwise, for each pin of the cluster, the cluster alone (teachers of its
//!    schools only) is built with the cluster's other pins, and solved. Variants that
//!    are the same problem (e.g. `stay` pins on interchangeable teachers of one school)
//!    are solved once: a variant's key is a hash of its whole component structure, and
//!    equal hashes are confirmed by comparing the structures in full.
//! 4. Builds and solves run on rayon, collected in pin order, so the figures are the
//!    same on any thread count.
//!
//! A school whose eligible teachers are all pinned to stay sends nobody in the plan and
//! is in none of its components: its whole quota is short there, which the comparison
//! adds to the plan's side for every such school that sends in the base or a variant.
//! The figures are exact when every solve behind them is proven (`exact` says so).

use super::facts::YearFacts;
use super::milp::ComponentSolution;
use super::problem::{build_steered, Component};
use super::steer::YearSteer;
use super::{proven, solve_component, Order, PlanError};
use crate::model::steering::Pin;
use crate::model::Dataset;
use crate::rules::Rules;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

/// Every school position a component touches (senders and receivers).
fn schools_of(comp: &Component) -> BTreeSet<usize> {
    comp.senders
        .iter()
        .map(|s| s.school)
        .chain(
            comp.groups
                .iter()
                .flat_map(|g| g.members.iter().map(|m| m.0)),
        )
        .collect()
}

/// The cost of one pin: how levels (1) and (2) change if it alone were dropped
/// (shortfall_delta ≤ 0 and filled_priority_delta ≥ 0 when the pin costs something).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinCost {
    pub row: u32,
    pub teacher_id: String,
    pub action: &'static str,
    pub school_id: String,
    /// The pin's year (`None`: every year) and note, for the report.
    pub year: Option<i32>,
    pub note: String,
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

/// Levels (1) and (2) of some components, with whether every solve was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Value {
    shortfall: i64,
    priority: i64,
    proven: bool,
}

impl Value {
    fn of<'c>(parts: impl Iterator<Item = (&'c Component, &'c ComponentSolution)>) -> Value {
        let mut v = Value {
            proven: true,
            ..Value::default()
        };
        for (c, sol) in parts {
            let (s, p) = super::unproven::levels(c, sol);
            v.shortfall += s as i64;
            v.priority += p as i64;
            v.proven &= proven(sol);
        }
        v
    }
}

/// Base components joined by pins, with the pins (indices into the year's pins) that
/// touch them.
struct Cluster {
    /// Indices into the base components.
    comps: Vec<usize>,
    schools: BTreeSet<usize>,
    pins: Vec<usize>,
}

/// Quota of the sending schools of `comps` that are not among the plan's `senders`
/// (every eligible teacher pinned to stay): short in full in the plan, outside its
/// components.
fn missing_quota(senders: &BTreeSet<usize>, comps: &[&Component]) -> i64 {
    comps
        .iter()
        .flat_map(|c| c.senders.iter())
        .filter(|s| !senders.contains(&s.school))
        .map(|s| i64::from(s.quota))
        .sum()
}

/// The schools a pin touches: its teacher's school and the school it names.
fn touched_by(
    teachers: &HashMap<&str, usize>,
    facts: &YearFacts,
    data: &Dataset,
    pin: &Pin,
) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    if let Some(&ti) = teachers.get(pin.teacher.as_str()) {
        out.extend(
            facts
                .school_index
                .get(&data.teachers[ti].school)
                .map(|s| s.index()),
        );
    }
    if let Some(s) = pin.action.school() {
        out.extend(facts.school_index.get(s).map(|s| s.index()));
    }
    out
}

/// Groups the base components touched by pins into clusters (pins touching several
/// components join them), in order of their first component.
fn clusters(base: &[Component], touched: &[BTreeSet<usize>]) -> Vec<Cluster> {
    let mut comp_of: HashMap<usize, usize> = HashMap::new();
    for (ci, c) in base.iter().enumerate() {
        for s in schools_of(c) {
            comp_of.insert(s, ci);
        }
    }
    // Union–find over base component indices.
    let mut root: Vec<usize> = (0..base.len()).collect();
    fn find(root: &mut [usize], mut x: usize) -> usize {
        while root[x] != x {
            root[x] = root[root[x]];
            x = root[x];
        }
        x
    }
    let pin_comps: Vec<Vec<usize>> = touched
        .iter()
        .map(|t| {
            let set: BTreeSet<usize> = t.iter().filter_map(|s| comp_of.get(s).copied()).collect();
            set.into_iter().collect()
        })
        .collect();
    for cs in &pin_comps {
        for w in cs.windows(2) {
            let (a, b) = (find(&mut root, w[0]), find(&mut root, w[1]));
            if a != b {
                root[a.max(b)] = a.min(b);
            }
        }
    }
    let mut by_root: BTreeMap<usize, Cluster> = BTreeMap::new();
    for (pi, cs) in pin_comps.iter().enumerate() {
        let Some(&first) = cs.first() else {
            continue;
        };
        let r = find(&mut root, first);
        let cl = by_root.entry(r).or_insert_with(|| Cluster {
            comps: Vec::new(),
            schools: BTreeSet::new(),
            pins: Vec::new(),
        });
        cl.pins.push(pi);
        for &c in cs {
            if !cl.comps.contains(&c) {
                cl.comps.push(c);
                cl.schools.extend(schools_of(&base[c]));
            }
        }
    }
    let mut out: Vec<Cluster> = by_root.into_values().collect();
    for cl in &mut out {
        cl.comps.sort_unstable();
    }
    out
}

/// A hasher fed by `Debug` output, to key variant problems without keeping their text.
struct DebugHash(std::collections::hash_map::DefaultHasher);

impl std::fmt::Write for DebugHash {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        s.hash(&mut self.0);
        Ok(())
    }
}

fn structure_hash(comps: &[Component]) -> u64 {
    use std::fmt::Write;
    let mut h = DebugHash(std::collections::hash_map::DefaultHasher::new());
    // Writing to a hasher cannot fail.
    let _ = write!(h, "{comps:?}");
    h.0.finish()
}

/// Solves components in parallel (largest first), returned in input order.
fn solve_many(comps: &[&Component], time_limit: f64) -> Result<Vec<ComponentSolution>, PlanError> {
    let mut order: Vec<usize> = (0..comps.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(comps[i].arcs.len()));
    let mut solved: Vec<(usize, Result<ComponentSolution, super::SolverError>)> = order
        .par_iter()
        .map(|&i| (i, solve_component(comps[i], time_limit, Order::PLAN)))
        .collect();
    solved.sort_by_key(|x| x.0);
    solved
        .into_iter()
        .map(|(_, r)| r.map_err(PlanError::Solver))
        .collect()
}

pub(super) fn pin_figures(ctx: &Context<'_>, pins: &[&Pin]) -> Result<PinFigures, PlanError> {
    let data = ctx.data;
    let teachers: HashMap<&str, usize> = data
        .teachers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let touched: Vec<BTreeSet<usize>> = pins
        .iter()
        .map(|p| touched_by(&teachers, ctx.facts, data, p))
        .collect();
    // 1. The year without pins, built once; only the clusters' components are solved.
    let base = build_steered(
        data,
        ctx.rules,
        ctx.facts,
        ctx.rule_eligible,
        &YearSteer::default(),
    );
    let clusters = clusters(&base, &touched);
    let wanted: Vec<usize> = clusters.iter().flat_map(|c| c.comps.clone()).collect();
    let wanted_refs: Vec<&Component> = wanted.iter().map(|&i| &base[i]).collect();
    let base_sols: HashMap<usize, ComponentSolution> = wanted
        .iter()
        .copied()
        .zip(solve_many(&wanted_refs, ctx.time_limit)?)
        .collect();
    let plan_senders: BTreeSet<usize> = ctx
        .comps
        .iter()
        .flat_map(|c| c.senders.iter().map(|s| s.school))
        .collect();
    let plan_schools: Vec<BTreeSet<usize>> = ctx.comps.iter().map(schools_of).collect();

    // 2. Per cluster: the plan's value inside it, the base's, and the sandwich.
    let mut delta_all = (0i64, 0i64);
    let mut exact = true;
    let mut cost: Vec<(i64, i64)> = vec![(0, 0); pins.len()];
    // (cluster, pin index) pairs whose variant must be solved.
    let mut jobs: Vec<(usize, usize)> = Vec::new();
    // The plan's value inside each cluster.
    let mut insides: Vec<Value> = Vec::with_capacity(clusters.len());
    for (k, cl) in clusters.iter().enumerate() {
        let plan_value = Value::of(
            ctx.comps
                .iter()
                .zip(ctx.sols)
                .zip(&plan_schools)
                .filter(|(_, s)| !s.is_disjoint(&cl.schools))
                .map(|(x, _)| x),
        );
        let base_comps: Vec<&Component> = cl.comps.iter().map(|&i| &base[i]).collect();
        let base_value = Value::of(cl.comps.iter().map(|&i| (&base[i], &base_sols[&i])));
        let ds = base_value.shortfall
            - (plan_value.shortfall + missing_quota(&plan_senders, &base_comps));
        let dp = base_value.priority - plan_value.priority;
        delta_all.0 += ds;
        delta_all.1 += dp;
        let both_proven = base_value.proven && plan_value.proven;
        exact &= both_proven;
        if !(both_proven && ds == 0 && dp == 0) {
            jobs.extend(cl.pins.iter().map(|&pi| (k, pi)));
        }
        insides.push(plan_value);
    }

    // 3. The variants: each cluster alone, with its pins but one.
    let masks: Vec<Option<Vec<bool>>> = clusters
        .iter()
        .enumerate()
        .map(|(k, cl)| {
            jobs.iter().any(|j| j.0 == k).then(|| {
                data.teachers
                    .iter()
                    .zip(ctx.rule_eligible)
                    .map(|(t, &ok)| {
                        ok && ctx
                            .facts
                            .school_index
                            .get(&t.school)
                            .is_some_and(|s| cl.schools.contains(&s.index()))
                    })
                    .collect()
            })
        })
        .collect();
    let variants: Vec<Vec<Component>> = jobs
        .par_iter()
        .map(|&(k, pi)| {
            let others: Vec<&Pin> = clusters[k]
                .pins
                .iter()
                .filter(|&&q| q != pi)
                .map(|&q| pins[q])
                .collect();
            let steer = YearSteer::new(data, &others);
            // INVARIANT: `masks[k]` is Some for every cluster with a job (built above).
            let mut eligible = masks[k].clone().unwrap_or_default();
            for &ti in steer.stays.keys() {
                eligible[ti.index()] = false;
            }
            build_steered(data, ctx.rules, ctx.facts, &eligible, &steer)
        })
        .collect();
    // Same problems solved once: the first job of each distinct structure.
    let hashes: Vec<u64> = variants.par_iter().map(|v| structure_hash(v)).collect();
    let mut first_of: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut same_as: Vec<usize> = Vec::with_capacity(jobs.len());
    for (j, h) in hashes.iter().enumerate() {
        let list = first_of.entry(*h).or_default();
        let found = list
            .iter()
            .copied()
            .find(|&f| format!("{:?}", variants[f]) == format!("{:?}", variants[j]));
        match found {
            Some(f) => same_as.push(f),
            None => {
                list.push(j);
                same_as.push(j);
            }
        }
    }
    let distinct: Vec<(usize, usize)> = (0..jobs.len())
        .filter(|&j| same_as[j] == j)
        .flat_map(|j| (0..variants[j].len()).map(move |c| (j, c)))
        .collect();
    let refs: Vec<&Component> = distinct.iter().map(|&(j, c)| &variants[j][c]).collect();
    let sols = solve_many(&refs, ctx.time_limit)?;
    let mut sol_of: HashMap<(usize, usize), &ComponentSolution> = HashMap::new();
    for (key, sol) in distinct.iter().zip(&sols) {
        sol_of.insert(*key, sol);
    }
    for (j, &(k, pi)) in jobs.iter().enumerate() {
        let f = same_as[j];
        let v = &variants[f];
        let value = Value::of(
            v.iter()
                .enumerate()
                .filter_map(|(c, comp)| Some((comp, *sol_of.get(&(f, c))?))),
        );
        exact &= value.proven;
        let inside = &insides[k];
        let refs: Vec<&Component> = v.iter().collect();
        cost[pi] = (
            value.shortfall - (inside.shortfall + missing_quota(&plan_senders, &refs)),
            value.priority - inside.priority,
        );
    }

    let mut costs: Vec<PinCost> = pins
        .iter()
        .zip(&cost)
        .map(|(p, &(s, q))| PinCost {
            row: p.row,
            teacher_id: p.teacher.as_str().to_string(),
            action: p.action.as_str(),
            school_id: p
                .action
                .school()
                .map_or(String::new(), |s| s.as_str().to_string()),
            year: p.year,
            note: p.note.clone(),
            shortfall_delta: s,
            filled_priority_delta: q,
        })
        .collect();
    costs.sort_by_key(|c| c.row);
    Ok(PinFigures {
        count: pins.len(),
        shortfall_without_pins: 0,
        filled_priority_without_pins: 0,
        costs,
        exact,
        delta_all,
    })
}
