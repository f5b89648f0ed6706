//! One plan year: eligibility, the optimal plan, and its independent check.
//!
//! The pipeline is facts → components → MILP per component (in parallel) → named
//! moves → `verify` (which shares nothing with the model). A plan that fails the check
//! is an error, never output.

mod assign;
mod changes;
mod error;
mod facts;
pub(crate) mod flow;
pub mod instance;
mod lagrange;
mod milp;
mod pairs;
mod pin_cost;
mod problem;
mod search;
mod seniority;
mod steer;
mod unproven;
mod weights;

pub use crate::model::Move;
pub use changes::{counts as change_counts, Change, ChangeKind, ChangeReason};
pub use error::SolverError;
pub use facts::{PostSlots, SchoolFacts, YearFacts};
pub use pairs::{allowed, distance_km, pair_blocks, stages_compatible, PairBlock};
pub use pin_cost::{PinCost, PinFigures};
pub use problem::{build_components, Component};
pub use steer::{other_district_refusal, PinRefusal};
pub use unproven::{Remedy, Unproven};

use crate::eligibility::{self, ExclusionFailure, Verdict};
use crate::model::{Dataset, Id, LedgerEntry, Teacher};
use crate::rules::Rules;
use crate::verify;
use problem::build_steered;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::time::Instant;
use steer::YearSteer;

/// Knobs of the solve that are not rules.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Seconds per component before the best plan found is taken (optimal: false).
    pub time_limit: f64,
    /// The optimizer, or the hand method baseline.
    pub method: Method,
    /// Told the number of components, then advanced by one per component solved;
    /// `None` counts nothing.
    pub progress: Option<std::sync::Arc<dyn crate::progress::ProgressSink>>,
    /// Set from another thread to stop the plan: checked before each stage and each
    /// component, the plan then ends with [`PlanError::Cancelled`] (`serve`'s cancel).
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// A probe horizon of the target search or of "what it takes", whose plans are
    /// read only for their figures: a component the flow search has not closed after
    /// a short budget goes to its MILP at once (see [`solve_component`]). Plans stay
    /// proven optimal at levels (1) and (2); an equal-cost plan may differ in the
    /// tie-breaks and the levels below.
    pub probe: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            time_limit: 120.0,
            method: Method::Optimal,
            progress: None,
            cancel: None,
            probe: false,
        }
    }
}

impl PlanOptions {
    /// These options for a probe horizon (see [`PlanOptions::probe`]); no bar.
    pub fn for_probes(&self) -> PlanOptions {
        PlanOptions {
            probe: true,
            progress: None,
            ..self.clone()
        }
    }

    /// Whether the plan was asked to stop (see [`PlanOptions::cancel`]).
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// How the plan is made. Both obey the same hard rules and pass the same check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// The exact optimizer (contract objective).
    #[default]
    Optimal,
    /// The hand method: longest-serving first, each to the nearest open post.
    Seniority,
}

impl Method {
    /// Every method's name, as the command line and the rules' docs spell it.
    pub const NAMES: [&'static str; 2] = ["optimal", "seniority"];

    /// The method's name (`optimal`, `seniority`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Optimal => "optimal",
            Method::Seniority => "seniority",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A method name that is neither `optimal` nor `seniority`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown method {0:?}: write optimal or seniority")]
pub struct UnknownMethod(pub String);

impl std::str::FromStr for Method {
    type Err = UnknownMethod;
    fn from_str(s: &str) -> Result<Self, UnknownMethod> {
        match s {
            "optimal" => Ok(Method::Optimal),
            "seniority" => Ok(Method::Seniority),
            _ => Err(UnknownMethod(s.to_string())),
        }
    }
}

/// The plan of one year, with everything the outputs and explanations need.
#[derive(Debug, Clone)]
pub struct YearPlan {
    pub year: i32,
    pub verdicts: Vec<Verdict>,
    pub facts: YearFacts,
    /// Sorted by sending school, then teacher id.
    pub moves: Vec<Move>,
    /// Whether every component reached the proven optimum of levels (1) and (2).
    pub optimal: bool,
    /// The components that did not, by district; empty when `optimal`.
    pub unproven: Vec<Unproven>,
    pub components: usize,
    pub solve_seconds: f64,
    /// The independent check's figures (shortfall, priority, …).
    pub check: verify::Figures,
    /// What the pins in force cost; `None` when no pin is in force.
    pub pins: Option<PinFigures>,
    /// With a previous plan (`--previous`): each of its moves kept, dropped or
    /// changed, and the moves added, by teacher id; `None` without one.
    pub changes: Option<Vec<Change>>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("custom exclusion `{}`{} failed on teacher {}: {}", .0.exclusion, .0.at_line(), .0.teacher, .0.message)]
    Exclusion(ExclusionFailure),
    #[error("the solver failed: {0}")]
    Solver(SolverError),
    #[error("the plan failed the independent check (a bug; nothing was written):\n{}", .0.join("\n"))]
    Verification(Vec<String>),
    #[error("the plan was cancelled")]
    Cancelled,
    /// Pins that cannot hold: bad input.
    #[error("{} pin(s) cannot hold:\n{}\nhelp: delete or correct these rows of the pins file (or give them another year)", .0.len(), .0.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n"))]
    Pins(Vec<PinRefusal>),
}

/// Plans one year. `ledger` is the ledger in force (the data's, or in `horizon` that
/// plus the exchanges planned in earlier years).
pub fn plan_year(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
    opts: &PlanOptions,
) -> Result<YearPlan, PlanError> {
    let start = Instant::now();
    // Every way out of the planner ends here: the moves checked and the figures made.
    let finish_year = |parts, moves, proven, extra| {
        finish(
            data, rules, year, ledger, parts, moves, proven, extra, start,
        )
    };
    if opts.cancelled() {
        return Err(PlanError::Cancelled);
    }
    let mut verdicts =
        eligibility::assess(data, rules, year, ledger).map_err(PlanError::Exclusion)?;
    let facts = YearFacts::compute(data, rules, year, ledger, &verdicts);
    let pins = data.steering.pins_for(year);
    let refused = steer::static_refusals(data, rules, &facts, &verdicts, &pins);
    if !refused.is_empty() {
        return Err(PlanError::Pins(refused));
    }
    let mut steer = YearSteer::new(data, &pins);
    // The rules' eligibility (which the quotas count), then `stay` pins on top.
    let rule_eligible: Vec<bool> = verdicts.iter().map(Verdict::eligible).collect();
    for (&ti, (row, note)) in &steer.stays {
        // INVARIANT: `verdicts` has one row per teacher (`eligibility::assess`).
        verdicts[ti.index()]
            .reasons
            .push(eligibility::Reason::PinnedStay {
                row: *row,
                note: note.clone(),
            });
    }
    let eligible: Vec<bool> = verdicts.iter().map(Verdict::eligible).collect();
    if opts.method == Method::Seniority {
        if !steer.own.is_empty() {
            return Err(PlanError::Solver(SolverError::SeniorityPins));
        }
        let moves = seniority::seniority_moves(data, rules, &facts, &eligible);
        return finish_year((verdicts, facts), moves, (false, Vec::new()), (0, None));
    }
    // Wishes and previous moves (levels (3) and (4)): own supplies for those teachers.
    steer.add_targets(data, &eligible);
    let comps = build_steered(data, rules, &facts, &eligible, &steer);
    if opts.cancelled() {
        return Err(PlanError::Cancelled);
    }
    let candidates = candidates(data, rules, &facts, &eligible, &steer);
    let sols = solve_all(&comps, opts)?;
    let mut optimal = true;
    let mut moves = Vec::new();
    let mut unproven = Vec::new();
    for (comp, sol) in comps.iter().zip(&sols) {
        let proven = proven(sol);
        optimal &= proven;
        if !proven {
            unproven.push(unproven::describe(data, rules, comp, sol));
        }
        moves.extend(assign::assign(data, comp, sol, &candidates));
    }
    unproven.sort_by(|a, b| (&a.districts, a.schools).cmp(&(&b.districts, b.schools)));
    moves.sort_by(|a, b| {
        (a.from, &data.teachers[a.teacher].id).cmp(&(b.from, &data.teachers[b.teacher].id))
    });
    // A pinned teacher left at home: no plan holds every pin, when that is proven.
    let moved: BTreeSet<Id<Teacher>> = moves.iter().map(|m| m.teacher).collect();
    let left: Vec<PinRefusal> = steer::unplaced_refusals(data, &pins, &moved);
    if !left.is_empty() {
        if optimal {
            return Err(PlanError::Pins(left));
        }
        return Err(PlanError::Solver(SolverError::PinsUnplaced {
            rows: left.iter().map(|r| r.row).collect(),
        }));
    }
    let pin_figures = if pins.is_empty() {
        None
    } else {
        let ctx = pin_cost::Context {
            data,
            rules,
            facts: &facts,
            rule_eligible: &rule_eligible,
            comps: &comps,
            sols: &sols,
            time_limit: opts.time_limit,
        };
        Some(pin_cost::pin_figures(&ctx, &pins)?)
    };
    let n = comps.len();
    finish_year(
        (verdicts, facts),
        moves,
        (optimal, unproven),
        (n, pin_figures),
    )
}

/// Levels (1) and (2) are proven: a search stopped with only the lower levels open has
/// proven those two.
fn proven(sol: &milp::ComponentSolution) -> bool {
    sol.optimal
        || sol
            .gap
            .is_some_and(|g| g.shortfall == g.shortfall_bound && g.priority == g.priority_bound)
}

/// Eligible teachers without pins, per (school, planned subject), in preference order
/// (pinned teachers have supplies of their own).
fn candidates(
    data: &Dataset,
    rules: &Rules,
    facts: &YearFacts,
    eligible: &[bool],
    steer: &YearSteer,
) -> assign::Candidates {
    let mut candidates = assign::Candidates::new();
    for (ti, t) in data.teacher_ids().zip(&data.teachers) {
        if eligible[ti.index()] && !steer.own.contains_key(&ti) {
            if let Some(&si) = facts.school_index.get(&t.school) {
                candidates
                    .entry((si, rules.plan_subject(t)))
                    .or_default()
                    .push(ti);
            }
        }
    }
    for list in candidates.values_mut() {
        assign::preference_order(data, list);
    }
    candidates
}

/// Solves every component (in parallel, largest first), in component order.
fn solve_all(
    comps: &[Component],
    opts: &PlanOptions,
) -> Result<Vec<milp::ComponentSolution>, PlanError> {
    // Largest components first so the parallel tail is short.
    let mut order: Vec<usize> = (0..comps.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(comps[i].arcs.len()));
    if let Some(pb) = &opts.progress {
        pb.start(comps.len() as u64);
    }
    let mut solved: Vec<(usize, Result<milp::ComponentSolution, SolverError>)> = order
        .par_iter()
        .map(|&i| {
            let t = Instant::now();
            if opts.cancelled() {
                return (i, Err(SolverError::Cancelled));
            }
            let r = solve_component(&comps[i], opts.time_limit, Order::of(opts.probe));
            if let Some(dir) = std::env::var_os("ROTAPLAN_DUMP_DIR") {
                // Unproven or slow ones (a debugging aid: the clock only picks files).
                if r.as_ref().is_ok_and(|s| !proven(s)) || t.elapsed().as_secs_f64() > 0.2 {
                    instance::dump(&comps[i], std::path::Path::new(&dir));
                }
            }
            if let Some(pb) = &opts.progress {
                pb.inc(1);
            }
            if std::env::var_os("ROTAPLAN_DEBUG").is_some() {
                let c = &comps[i];
                eprintln!(
                    "component {i}: {} senders, {} supplies, {} groups, {} arcs: {:.3} s {:?}",
                    c.senders.len(),
                    c.supplies.len(),
                    c.groups.len(),
                    c.arcs.len(),
                    t.elapsed().as_secs_f64(),
                    r.as_ref().map(|s| (s.optimal, s.solves, s.nodes))
                );
                if std::env::var_os("ROTAPLAN_DEBUG_COMP").is_some() {
                    eprintln!("{c:#?}\n{r:?}");
                }
            }
            (i, r)
        })
        .collect();
    if opts.cancelled() {
        return Err(PlanError::Cancelled);
    }
    solved.sort_by_key(|x| x.0);
    solved
        .into_iter()
        .map(|(_, r)| r.map_err(PlanError::Solver))
        .collect()
}

/// Runs the independent check and assembles the plan.
#[allow(clippy::too_many_arguments)]
fn finish(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
    (verdicts, facts): (Vec<Verdict>, YearFacts),
    moves: Vec<Move>,
    (optimal, unproven): (bool, Vec<Unproven>),
    (components, pins): (usize, Option<PinFigures>),
    start: Instant,
) -> Result<YearPlan, PlanError> {
    let solve_seconds = start.elapsed().as_secs_f64();
    let check = verify::check(data, rules, year, ledger, &moves);
    // The pins, checked on the named moves alone (see `verify::pins`).
    let placed: Vec<(&str, &str)> = moves
        .iter()
        .map(|m| {
            (
                data.teachers[m.teacher].id.as_str(),
                data.schools[m.to].id.as_str(),
            )
        })
        .collect();
    let broken = verify::pins::check_pins(&data.steering.pins, year, &placed);
    if !check.violations.is_empty() || !broken.is_empty() {
        let mut all = check.violations;
        all.extend(broken.iter().map(ToString::to_string));
        return Err(PlanError::Verification(all));
    }
    let changes = data
        .steering
        .previous
        .as_ref()
        .map(|prev| changes::changes(data, rules, year, ledger, prev, &moves));
    Ok(YearPlan {
        changes,
        year,
        verdicts,
        facts,
        moves,
        optimal,
        unproven,
        components,
        solve_seconds,
        pins: pins.map(|mut p| {
            p.settle(check.figures.shortfall, check.figures.filled_priority);
            p
        }),
        check: check.figures,
    })
}

/// The flow search first, within a small work budget; then, when it has not closed,
/// the component's exact MILP (branching on the per-school counts only, whose
/// relaxation bounds the backbone deficit by its convex envelope, which the flow
/// search's plans can stay far above: a county at backbone share 0.5 with
/// `fill_beyond_quota` left the search 5 shortfall points above the optimum after
/// 120 s, while the MILP proves the optimum in well under a second); then the search
/// with the whole budget. Every step is bounded by work, not time, so the answer is
/// the same on any machine and thread count.
const MILP_MAX_ARCS: usize = 4000;

/// How the two exact solvers of a component take turns, in `--time-limit` seconds of
/// work: the search gets `search_first` before the MILP is tried, the MILP
/// `milp_budget` (at most the limit), then the MILP one level at a time
/// `levels_budget` to prove the best plan found so far, before the search resumes
/// with the whole limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Order {
    search_first: f64,
    milp_budget: f64,
    /// Then the MILP one objective level at a time, from the best plan found.
    levels_budget: f64,
    /// Whether a plan proven at levels (1) and (2) is enough (probes: their figures
    /// are read, not their plans), or level (3) must be proven too
    /// ([`milp::prove_levels`]).
    two_levels: bool,
}

impl Order {
    /// One plan's order (its outputs are read): the search first, as long as it closes
    /// most components; the MILP for the rest.
    pub(crate) const PLAN: Order = Order {
        search_first: 0.5,
        milp_budget: 30.0,
        levels_budget: 6.0,
        two_levels: false,
    };

    /// Probe horizons (only their figures are read). Their components sit at low or
    /// high shares where the backbone rule is a fixed charge: on the Nanchang target
    /// searches the flow search either closes one within a few hundred nodes or not
    /// within thousands, while the MILP's hull relaxation closes most of the latter at
    /// its root (0–100 nodes). The rest close when their best plan is proven one level
    /// at a time (levels (1) and (2) are what a probe reads), within a few hundred
    /// nodes, where the folded MILP ran out of thousands.
    pub(crate) const PROBE: Order = Order {
        search_first: 0.05,
        milp_budget: 0.25,
        levels_budget: 2.0,
        two_levels: true,
    };

    pub(crate) fn of(probe: bool) -> Order {
        if probe {
            Order::PROBE
        } else {
            Order::PLAN
        }
    }
}

fn solve_component(
    comp: &Component,
    time_limit: f64,
    order: Order,
) -> Result<milp::ComponentSolution, SolverError> {
    let first = time_limit.min(order.search_first);
    let quick = search::solve(comp, first, 200_000);
    if let Some(o) = &quick {
        if o.proven {
            return Ok(o.solution.clone());
        }
    }
    // Above a few thousand arcs each LP of the MILP is slow; the search alone goes on.
    let t = Instant::now();
    let budget = time_limit.min(order.milp_budget);
    // The MILP knows nothing of the reward for moving pinned teachers, nor of levels
    // (3) and (4): components with such pins, wishes or previous moves are the
    // search's alone.
    let forced = comp.forced() > 0 || comp.steered();
    let small = !forced && comp.arcs.len() <= MILP_MAX_ARCS && milp::has_budget(comp, budget);
    let milp = small.then(|| milp::solve(comp, budget));
    if std::env::var_os("ROTAPLAN_DEBUG").is_some() {
        eprintln!(
            "  MILP of {} arcs: {:.3} s {:?}",
            comp.arcs.len(),
            t.elapsed().as_secs_f64(),
            milp.as_ref()
                .map(|m| m.as_ref().map(|s| (s.optimal, s.nodes)))
        );
    }
    if let Some(Ok(m)) = &milp {
        if m.optimal {
            return Ok(m.clone());
        }
    }
    if small {
        // The better of the two plans found so far, proven one objective level at a
        // time.
        let t = Instant::now();
        let found = [
            quick.as_ref().map(|o| &o.solution),
            milp.as_ref().and_then(|m| m.as_ref().ok()),
        ];
        let best = found.into_iter().flatten().min_by_key(|s| {
            let (shortfall, priority) = unproven::levels(comp, s);
            (shortfall, std::cmp::Reverse(priority))
        });
        let budget = time_limit.min(order.levels_budget);
        let proof = best.map(|b| milp::prove_levels(comp, budget, b, !order.two_levels));
        if std::env::var_os("ROTAPLAN_DEBUG").is_some() {
            eprintln!(
                "  levels of {} arcs: {:.3} s {:?}",
                comp.arcs.len(),
                t.elapsed().as_secs_f64(),
                proof
                    .as_ref()
                    .map(|p| p.as_ref().map(|s| s.as_ref().map(|s| (s.optimal, s.nodes))))
            );
        }
        if let Some(Ok(Some(sol))) = proof {
            return Ok(sol);
        }
    }
    let searched = if time_limit > first {
        search::solve(comp, time_limit, 200_000)
    } else {
        quick
    };
    if let Some(o) = &searched {
        if o.proven {
            return Ok(o.solution.clone());
        }
    }
    match (milp, searched) {
        (_, Some(o)) => Ok(o.solution),
        (Some(m), None) => m,
        (None, None) if forced => Err(SolverError::SteeringTooLarge),
        (None, None) => milp::solve(comp, time_limit),
    }
}
