//! The exact scheduler for evaluator-days (objective 2 under objective 1), by sittings.
//!
//! A *sitting* is the evaluations of one host school on one date. With one school per
//! evaluator-day, every rule except the date rules (window, holidays, `unavailable`)
//! and "one school a day" lives inside one sitting, and an evaluator-day is one seat of
//! one sitting's crew. So:
//!
//! 1. **Per host school, dates set aside** (in parallel, rayon): the cheapest split of
//!    the school's placeable evaluations into sittings (at most `max_per_school_per_day`
//!    each, sharing a usable day), each costing its smallest crew
//!    ([`super::sitting::min_crew`], an exact integer program over kinds of evaluator).
//!    The split is an exact dynamic program over subsets, made lazy: every sitting is
//!    first costed by a cheap floor (a full panel, every seat filled) and the
//!    program is re-run after costing exactly the sittings of its best split, until
//!    the best split is made only of exactly costed sittings. Then it is optimal, and
//!    since any schedule's crews at this school form such a split, the school's optimum
//!    is a lower bound on its evaluator-days; the sum over schools bounds the whole.
//!    (The floor-costed optimum is a valid bound at every step, so a school whose work
//!    budget runs out still gives a true bound.)
//! 2. **Dates**: sittings, hardest first (fewest usable days, largest crew), get the
//!    least busy usable date on which the planned crew, or another crew of the same
//!    size, is free (available, not at another school that day). Within a kind, the
//!    evaluators with the fewest days so far are taken (objective 3, even load), then
//!    the nearest to the host (objective 4, travel), then by id.
//! 3. When every sitting gets a date at its planned size, the schedule meets the bound:
//!    proven optimal. Otherwise the other constructions run too (without one school a
//!    day, [`super::days`] first; then the constructive pass of [`super::solver`]),
//!    the best is kept (most placed, then fewest evaluator-days), and the bounds are:
//!    for objective (1) the flow of [`super::bound::most_placed`], for (2) the sum
//!    above, or [`fewest_bound`] when evaluations are left out, or
//!    [`cross_school_bound`] without one school a day. When evaluations are left
//!    out (scarce evaluators), the most-placed greedy of [`super::scarce`] runs too.
//! 4. When that is still not proven and the instance is small, the whole-instance
//!    integer program of [`super::whole`] settles both objectives exactly.
//! 5. Whatever schedule is kept, its crews are chosen anew for objectives (3) even load
//!    and (4) travel by the min-cost flow of [`super::balance`] (exact given its
//!    sittings, dates and crew make-ups; (1) and (2) do not change).
//!
//! Everything is ordered by index or id, and the parallel part collects in school
//! order: the same input gives the same schedule with any number of threads.

use super::balance::{balance, Balance};
use super::bound::{day_split, most_placed};
use super::check::check;
use super::days::day_groups;
use super::reason::Unscheduled;
use super::scarce::most_placed_greedy;
use super::sitting::{crew_floor, deal, min_crew, Crew, Kind, MAX_SITTING};
use super::solver::{alone, build_world, greedy, World};
use super::whole::{solve_whole, Whole};
use super::{Event, HostFigures, Method, Placement, Schedule};
use crate::model::{Dataset, Date, Evaluator, Id, School};
use crate::rules::EvaluationRules;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Hosts with more placeable evaluations than this are split by the floor only (their
/// bound is then the floor's, and proven only when met).
const EXACT_MAX: usize = 12;
/// Exact crew costings per host before the lazy program stops improving its bound.
const EXACT_BUDGET: usize = 400;

/// One planned sitting: its evaluations (indexes into the events), the usable days
/// they share, and a smallest crew by kind.
#[derive(Debug, Clone)]
struct Planned {
    host: Id<School>,
    events: Vec<usize>,
    days: Vec<i64>,
    crew: Crew,
}

/// A host school's split into sittings and its lower bound.
#[derive(Debug, Clone)]
struct HostPlan {
    host: Id<School>,
    sittings: Vec<Planned>,
    /// Evaluations no planned sitting could take (tried one by one when dating).
    loose: Vec<usize>,
    bound: usize,
}

/// Metres from school `home` (an evaluator's own) to school `host`, rounded; 0 when
/// there is no home school or either has no coordinates.
pub fn trip_metres(data: &Dataset, home: Option<Id<School>>, host: Id<School>) -> u64 {
    match (home.and_then(|h| data.try_school(h)), data.try_school(host)) {
        (Some(a), Some(b)) => {
            crate::plan::distance_km(a, b).map_or(0, |km| (km * 1000.0).round().max(0.0) as u64)
        }
        _ => 0,
    }
}

/// The kinds of evaluator relative to `sitting`, with the evaluators of each, among
/// those `free` admits.
pub(super) fn kinds_of(
    w: &World<'_>,
    sitting: &[usize],
    free: impl Fn(usize) -> bool,
) -> BTreeMap<Kind, Vec<usize>> {
    let mut out: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
    for (m, p) in w.people.iter().enumerate() {
        if p.cap == 0 || !free(m) {
            continue;
        }
        let (mut allowed, mut subject) = (0u64, 0u64);
        for (i, &ev) in sitting.iter().enumerate() {
            if !w.recused(m, ev) {
                allowed |= 1 << i;
            }
            if w.lists(m, w.event_subject[ev]) {
                subject |= 1 << i;
            }
        }
        if allowed == 0 {
            continue;
        }
        let kind = Kind {
            allowed,
            subject,
            cap: p.cap.min(sitting.len() as u32),
        };
        out.entry(kind).or_default().push(m);
    }
    out
}

pub(super) fn counts(kinds: &BTreeMap<Kind, Vec<usize>>) -> BTreeMap<Kind, u32> {
    kinds.iter().map(|(k, v)| (*k, v.len() as u32)).collect()
}

pub(super) fn panels(w: &World<'_>, sitting: &[usize]) -> Vec<u32> {
    sitting.iter().map(|&ev| w.events[ev].panel_size).collect()
}

/// The smallest crew of `sitting` with dates set aside: anyone available on at least
/// one of the shared `days`.
fn relaxed_crew(w: &World<'_>, sitting: &[usize], days: &[i64]) -> Option<Crew> {
    let kinds = kinds_of(w, sitting, |m| {
        days.iter().any(|d| !w.people[m].unavailable.contains(d))
    });
    min_crew(
        &panels(w, sitting),
        w.rules.min_same_subject,
        &counts(&kinds),
    )
}

pub(super) fn intersect(a: &[i64], b: &[i64]) -> Vec<i64> {
    a.iter()
        .copied()
        .filter(|d| b.binary_search(d).is_ok())
        .collect()
}

/// The cost of a subset or total the dynamic programs below have not reached yet.
// INVARIANT: costs are sums of evaluator-day counts, far below `usize::MAX`, so a real
// cost never equals it; every read of an entry checks for it before adding to it. A
// plain number rather than an `Option` because the subset loop of `cheapest` runs
// 3^n times.
const UNREACHED: usize = usize::MAX;

/// The cheapest split of `full` into sittings under `cost` (None: not a sitting):
/// per subset its (cost, sittings) and the sitting holding its lowest member.
fn cheapest(full: usize, cost: &[Option<usize>]) -> (Vec<(usize, usize)>, Vec<usize>) {
    let mut best = vec![(UNREACHED, UNREACHED); full + 1];
    let mut choice = vec![0usize; full + 1];
    best[0] = (0, 0);
    for mask in 1..=full {
        let low = mask & mask.wrapping_neg();
        let rest = mask ^ low;
        let mut sub = rest;
        loop {
            let t = sub | low;
            if let (Some(c), (before, n)) = (cost[t], best[mask ^ t]) {
                if before != UNREACHED {
                    let cand = (before + c, n + 1);
                    if cand < best[mask] {
                        best[mask] = cand;
                        choice[mask] = t;
                    }
                }
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & rest;
        }
    }
    (best, choice)
}

fn parts(full: usize, best: &[(usize, usize)], choice: &[usize]) -> Option<Vec<usize>> {
    if best[full].0 == UNREACHED {
        return None;
    }
    let mut out = Vec::new();
    let mut mask = full;
    while mask != 0 {
        let t = choice[mask];
        if t == 0 {
            return None;
        }
        out.push(t);
        mask ^= t;
    }
    Some(out)
}

/// Step 1 for one host school: `evs` are its placeable evaluations, in id order.
fn plan_host(w: &World<'_>, host: Id<School>, evs: &[usize], cmax: u32) -> HostPlan {
    let n = evs.len();
    let limit = (w.rules.max_per_school_per_day as usize).min(MAX_SITTING);
    if n == 0 || limit == 0 {
        return HostPlan {
            host,
            sittings: Vec::new(),
            loose: evs.to_vec(),
            bound: 0,
        };
    }
    if n > EXACT_MAX {
        return plan_large(w, host, evs, cmax, limit);
    }
    let full = (1usize << n) - 1;
    let member = |mask: usize| -> Vec<usize> {
        (0..n)
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| evs[i])
            .collect()
    };
    // Shared usable days and floor cost of every subset.
    let mut common: Vec<Vec<i64>> = vec![Vec::new(); full + 1];
    let mut floor: Vec<Option<usize>> = vec![None; full + 1];
    for mask in 1..=full {
        let low = mask.trailing_zeros() as usize;
        let rest = mask & (mask - 1);
        common[mask] = if rest == 0 {
            w.event_days[evs[low]].clone()
        } else {
            intersect(&common[rest], &w.event_days[evs[low]])
        };
        if mask.count_ones() as usize <= limit && !common[mask].is_empty() {
            floor[mask] = Some(crew_floor(&panels(w, &member(mask)), cmax));
        }
    }
    let mut exact: Vec<Option<Option<Crew>>> = vec![None; full + 1];
    let mut costed = 0usize;
    let cost_now = |exact: &[Option<Option<Crew>>]| -> Vec<Option<usize>> {
        floor
            .iter()
            .zip(exact)
            .map(|(f, x)| match x {
                Some(c) => c.as_ref().map(|c| c.size),
                None => *f,
            })
            .collect()
    };
    let (bound, chosen) = loop {
        let (best, choice) = cheapest(full, &cost_now(&exact));
        let Some(split) = parts(full, &best, &choice) else {
            break (0, None);
        };
        let todo: Vec<usize> = split
            .iter()
            .copied()
            .filter(|&t| exact[t].is_none())
            .collect();
        if todo.is_empty() {
            break (best[full].0, Some(split));
        }
        if costed >= EXACT_BUDGET {
            break (best[full].0, None);
        }
        for t in todo {
            exact[t] = Some(relaxed_crew(w, &member(t), &common[t]));
            costed += 1;
        }
    };
    let split = match chosen {
        Some(s) => s,
        None => {
            // Budget spent: the best split among exactly costed sittings (single
            // evaluations are always costed).
            for i in 0..n {
                let t = 1usize << i;
                if exact[t].is_none() {
                    exact[t] = Some(relaxed_crew(w, &member(t), &common[t]));
                }
            }
            let only: Vec<Option<usize>> = exact
                .iter()
                .map(|x| x.as_ref().and_then(|c| c.as_ref().map(|c| c.size)))
                .collect();
            let (best, choice) = cheapest(full, &only);
            parts(full, &best, &choice).unwrap_or_default()
        }
    };
    let mut sittings = Vec::new();
    let mut loose = Vec::new();
    for t in split {
        match exact[t].clone().flatten() {
            Some(crew) => sittings.push(Planned {
                host,
                events: member(t),
                days: common[t].clone(),
                crew,
            }),
            None => loose.extend(member(t)),
        }
    }
    HostPlan {
        host,
        sittings,
        loose,
        bound,
    }
}

/// Step 1 for a host with many evaluations: the day split of the floor (by subject,
/// sending school, id), each day costed exactly; bound = the floor's optimum.
fn plan_large(w: &World<'_>, host: Id<School>, evs: &[usize], cmax: u32, limit: usize) -> HostPlan {
    let mut order = evs.to_vec();
    order.sort_by(|&a, &b| {
        (w.event_subject[a], w.events[a].sending, &w.events[a].id).cmp(&(
            w.event_subject[b],
            w.events[b].sending,
            &w.events[b].id,
        ))
    });
    let pmin = order
        .iter()
        .map(|&ev| w.events[ev].panel_size as usize)
        .min()
        .unwrap_or(0);
    let seats: usize = order
        .iter()
        .map(|&ev| w.events[ev].panel_size as usize)
        .sum();
    let c = (cmax as usize).min(limit).max(1);
    let (floor, sizes) = day_split(order.len(), pmin, c, limit);
    let bound = floor.max(seats.div_ceil(c));
    let mut sittings = Vec::new();
    let mut loose = Vec::new();
    let mut rest = order.as_slice();
    for size in sizes {
        let (g, r) = rest.split_at(size.min(rest.len()));
        rest = r;
        let days = g
            .iter()
            .skip(1)
            .fold(w.event_days[g[0]].clone(), |acc, &ev| {
                intersect(&acc, &w.event_days[ev])
            });
        let whole = (!days.is_empty())
            .then(|| relaxed_crew(w, g, &days))
            .flatten();
        match whole {
            Some(crew) => sittings.push(Planned {
                host,
                events: g.to_vec(),
                days,
                crew,
            }),
            None => {
                for &ev in g {
                    let days = w.event_days[ev].clone();
                    match relaxed_crew(w, &[ev], &days) {
                        Some(crew) => sittings.push(Planned {
                            host,
                            events: vec![ev],
                            days,
                            crew,
                        }),
                        None => loose.push(ev),
                    }
                }
            }
        }
    }
    HostPlan {
        host,
        sittings,
        loose,
        bound,
    }
}

/// Who is booked where: step 2's state.
struct Book {
    /// Days each evaluator already works.
    busy: Vec<BTreeSet<i64>>,
    host_days: BTreeSet<(Id<School>, i64)>,
    day_seats: BTreeMap<i64, usize>,
}

/// A crew placed on a date: the chosen kinds with their members.
struct Dated {
    day: i64,
    crew: Crew,
    members: Vec<Vec<usize>>,
}

/// A date, a crew for it, and the free evaluators of each kind that day.
type Choice = (i64, Crew, BTreeMap<Kind, Vec<usize>>);

/// Tries `events` (one host) on each free date of `days`, least busy first; `want` is
/// the planned crew (None: any smallest crew). Returns the first date at the planned
/// size, else the smallest crew found.
fn date_sitting(
    w: &World<'_>,
    data: &Dataset,
    book: &Book,
    host: Id<School>,
    events: &[usize],
    days: &[i64],
    want: Option<&Crew>,
) -> Option<Dated> {
    let mut dates: Vec<i64> = days
        .iter()
        .copied()
        .filter(|d| !book.host_days.contains(&(host, *d)))
        .collect();
    dates.sort_by_key(|d| (book.day_seats.get(d).copied().unwrap_or(0), *d));
    let ps = panels(w, events);
    let mut fallback: Option<(usize, Choice)> = None;
    let mut pick: Option<Choice> = None;
    for d in dates {
        let kinds = kinds_of(w, events, |m| {
            !w.people[m].unavailable.contains(&d) && !book.busy[m].contains(&d)
        });
        if let Some(plan) = want {
            let free = plan
                .kinds
                .iter()
                .all(|(k, m, _)| kinds.get(k).map_or(0, Vec::len) >= *m as usize);
            if free {
                pick = Some((d, plan.clone(), kinds));
                break;
            }
        }
        let Some(crew) = min_crew(&ps, w.rules.min_same_subject, &counts(&kinds)) else {
            continue;
        };
        if want.is_none_or(|p| crew.size <= p.size) {
            pick = Some((d, crew, kinds));
            break;
        }
        if fallback.as_ref().is_none_or(|f| crew.size < f.0) {
            fallback = Some((crew.size, (d, crew, kinds)));
        }
    }
    let (day, crew, mut kinds) = match (pick, fallback) {
        (Some(p), _) => p,
        (None, Some((_, c))) => c,
        (None, None) => return None,
    };
    let worked = |m: usize| book.busy[m].len();
    let members = crew
        .kinds
        .iter()
        .map(|(k, m, _)| {
            let mut people = kinds.remove(k).unwrap_or_default();
            people.sort_by_cached_key(|&e| {
                (worked(e), trip_metres(data, w.people[e].school, host), e)
            });
            people.truncate(*m as usize);
            people
        })
        .collect();
    Some(Dated { day, crew, members })
}

/// Step 2: dates for every planned sitting. Returns the placements, the evaluations
/// left over, and whether every sitting got its planned crew size.
fn date_all(
    w: &World<'_>,
    data: &Dataset,
    plans: &[HostPlan],
) -> (Vec<Placement>, Vec<usize>, bool) {
    let mut book = Book {
        busy: vec![BTreeSet::new(); w.people.len()],
        host_days: BTreeSet::new(),
        day_seats: BTreeMap::new(),
    };
    let mut sittings: Vec<&Planned> = plans.iter().flat_map(|p| &p.sittings).collect();
    sittings.sort_by_key(|s| {
        (
            s.days.len(),
            std::cmp::Reverse(s.crew.size),
            s.host,
            s.events.first().copied(),
        )
    });
    let mut placed = Vec::new();
    let mut left: Vec<usize> = plans.iter().flat_map(|p| p.loose.clone()).collect();
    let mut as_planned = left.is_empty();
    let mut put = |book: &mut Book, host: Id<School>, events: &[usize], d: Dated| {
        let ps = deal(&d.crew, &d.members, events.len());
        for (&ev, panel) in events.iter().zip(ps) {
            for &m in &panel {
                book.busy[m].insert(d.day);
            }
            placed.push(Placement::from_positions(ev, d.day, panel));
        }
        book.host_days.insert((host, d.day));
        *book.day_seats.entry(d.day).or_insert(0) += d.crew.size;
    };
    for s in sittings {
        match date_sitting(w, data, &book, s.host, &s.events, &s.days, Some(&s.crew)) {
            Some(d) => {
                as_planned &= d.crew.size <= s.crew.size;
                put(&mut book, s.host, &s.events, d);
            }
            None => {
                as_planned = false;
                left.extend(s.events.iter().copied());
            }
        }
    }
    // Evaluations whose sitting found no date: one by one on any free date.
    let mut unplaced = Vec::new();
    left.sort_unstable();
    for ev in left {
        let host = w.events[ev].host;
        match date_sitting(w, data, &book, host, &[ev], &w.event_days[ev], None) {
            Some(d) => put(&mut book, host, &[ev], d),
            None => unplaced.push(ev),
        }
    }
    (placed, unplaced, as_planned)
}

/// Evaluations no schedule can place (with their reasons), each one's usable days with a
/// possible panel, and the placeable ones by host school.
#[allow(clippy::type_complexity)]
fn classify(
    w: &World<'_>,
    events: &[Event],
) -> (
    Vec<(usize, Unscheduled)>,
    Vec<usize>,
    BTreeMap<Id<School>, Vec<usize>>,
) {
    let mut intrinsic = Vec::new();
    let mut feasible_days = vec![0usize; events.len()];
    let mut by_host: BTreeMap<Id<School>, Vec<usize>> = BTreeMap::new();
    for (i, ev) in events.iter().enumerate() {
        match alone(w, i) {
            Err(r) => intrinsic.push((i, r)),
            Ok(d) => {
                feasible_days[i] = d;
                by_host.entry(ev.host).or_default().push(i);
            }
        }
    }
    (intrinsic, feasible_days, by_host)
}

/// Places as many events as possible at the fewest evaluator-days it can prove; see
/// the module doc for the method. Also gives the bounds and the per-school figures.
pub fn solve(events: &[Event], data: &Dataset, rules: &EvaluationRules) -> Schedule {
    let w = build_world(events, data, rules);
    let (intrinsic, feasible_days, by_host) = classify(&w, events);
    let placeable: Vec<usize> = by_host.values().flatten().copied().collect();
    let one_school = rules.one_school_per_evaluator_day;
    let cmax = w.people.iter().map(|p| p.cap).max().unwrap_or(0);
    let hosts: Vec<(Id<School>, Vec<usize>)> = by_host.into_iter().collect();
    let plans: Vec<HostPlan> = hosts
        .par_iter()
        .map(|(host, evs)| plan_host(&w, *host, evs, cmax))
        .collect();
    // Candidate schedules, best kept: (most placed, fewest evaluator-days), earlier
    // candidates winning ties.
    let (placed, unplaced, _) = date_all(&w, data, &plans);
    let mut s = with_reasons(placed, unplaced, &intrinsic, &feasible_days, events);
    s.method = Method::Sittings;
    let sittings_bound: usize = plans.iter().map(|p| p.bound).sum();
    let days_bound = |s: &Schedule| -> usize {
        if one_school {
            if s.placed.len() >= placeable.len() {
                sittings_bound
            } else {
                fewest_bound(&w, &plans, s.placed.len(), cmax)
            }
        } else {
            cross_school_bound(&w, &placeable, s.placed.len())
        }
    };
    let done =
        |s: &Schedule| s.placed.len() == placeable.len() && s.evaluator_days() <= days_bound(s);
    let better = |a: &Schedule, b: &Schedule| {
        (std::cmp::Reverse(a.placed.len()), a.evaluator_days())
            < (std::cmp::Reverse(b.placed.len()), b.evaluator_days())
    };
    if !one_school && !done(&s) {
        let (placed, unplaced) = day_groups(&w, data, &placeable);
        let mut g = with_reasons(placed, unplaced, &intrinsic, &feasible_days, events);
        g.method = Method::DayGroups;
        if better(&g, &s) {
            s = g;
        }
    }
    if !done(&s) {
        let mut g = greedy(events, data, rules);
        g.method = Method::Constructive;
        if better(&g, &s) {
            s = g;
        }
    }
    if s.placed.len() < placeable.len() {
        // Scarce evaluators: the most evaluations per evaluator-day. Trusted only as
        // far as the independent checker agrees.
        let (placed, unplaced) = most_placed_greedy(&w, data, &placeable);
        let mut g = with_reasons(placed, unplaced, &intrinsic, &feasible_days, events);
        g.method = Method::Scarce;
        if better(&g, &s) && check(events, data, rules, &g).is_empty() {
            s = g;
        }
    }
    s.lower_bound = days_bound(&s);
    s.scheduled_bound = if s.placed.len() >= placeable.len() {
        placeable.len()
    } else {
        most_placed(&w, &placeable).clamp(s.placed.len(), placeable.len())
    };
    let proven = s.placed.len() == s.scheduled_bound && s.evaluator_days() == s.lower_bound;
    if !proven {
        if let Whole::Optimal(placed) = solve_whole(&w, &placeable) {
            let taken: BTreeSet<usize> = placed.iter().map(|p| p.event.index()).collect();
            let unplaced = placeable
                .iter()
                .copied()
                .filter(|e| !taken.contains(e))
                .collect();
            let mut m = with_reasons(placed, unplaced, &intrinsic, &feasible_days, events);
            // The program is trusted only as far as the independent checker agrees.
            if check(events, data, rules, &m).is_empty() && !better(&s, &m) {
                // Its optimum bounds every schedule; the kept one keeps its
                // tie-breaks (load, travel) when it is as good.
                let (most, fewest) = (m.placed.len(), m.evaluator_days());
                if better(&m, &s) {
                    m.method = Method::WholeProgram;
                    s = m;
                }
                s.scheduled_bound = most;
                s.lower_bound = fewest;
            }
        }
    }
    tie_breaks(&w, data, &mut s);
    finish(&mut s, events, data, &plans, one_school);
    s
}

/// The parts the scarce case rests on, for tests against exhaustive search: the
/// most-placed greedy's schedule, the flow bound on objective (1), and the bound on the
/// evaluator-days of any schedule placing at least `n` evaluations.
#[doc(hidden)]
pub struct ScarceProbe {
    pub greedy: Schedule,
    pub most_placed: usize,
    pub fewest_days: usize,
}

#[doc(hidden)]
pub fn scarce_probe(
    events: &[Event],
    data: &Dataset,
    rules: &EvaluationRules,
    n: usize,
) -> ScarceProbe {
    let w = build_world(events, data, rules);
    let (intrinsic, feasible_days, by_host) = classify(&w, events);
    let placeable: Vec<usize> = by_host.values().flatten().copied().collect();
    let cmax = w.people.iter().map(|p| p.cap).max().unwrap_or(0);
    let plans: Vec<HostPlan> = by_host
        .iter()
        .map(|(host, evs)| plan_host(&w, *host, evs, cmax))
        .collect();
    let (placed, unplaced) = most_placed_greedy(&w, data, &placeable);
    let mut greedy = with_reasons(placed, unplaced, &intrinsic, &feasible_days, events);
    greedy.method = Method::Scarce;
    let fewest_days = if rules.one_school_per_evaluator_day {
        if n >= placeable.len() {
            plans.iter().map(|p| p.bound).sum()
        } else {
            fewest_bound(&w, &plans, n, cmax)
        }
    } else {
        cross_school_bound(&w, &placeable, n)
    };
    ScarceProbe {
        greedy,
        most_placed: most_placed(&w, &placeable),
        fewest_days,
    }
}

/// Objectives (3) and (4) by [`super::balance`]: the crews re-chosen for even load,
/// then travel. Kept only when the independent checker agrees (it always should).
fn tie_breaks(w: &World<'_>, data: &Dataset, s: &mut Schedule) {
    let before = s.placed.clone();
    s.balance = balance(w, data, &mut s.placed);
    if !check(w.events, data, w.rules, s).is_empty() {
        s.placed = before;
        s.balance = Balance::Kept;
    }
}

/// A schedule of `placed`, with every intrinsic reason and `unplaced` as taken by
/// capacity, sorted.
fn with_reasons(
    placed: Vec<Placement>,
    unplaced: Vec<usize>,
    intrinsic: &[(usize, Unscheduled)],
    feasible_days: &[usize],
    events: &[Event],
) -> Schedule {
    let mut s = Schedule {
        placed,
        unscheduled: intrinsic
            .iter()
            .map(|(ev, why)| (Id::new(*ev), why.clone()))
            .collect(),
        ..Schedule::default()
    };
    for ev in unplaced {
        s.unscheduled.push((
            Id::new(ev),
            Unscheduled::Capacity {
                days: feasible_days[ev],
            },
        ));
    }
    s.sort(events);
    s
}

/// `proven` and the per-school figures of a finished schedule.
fn finish(
    s: &mut Schedule,
    events: &[Event],
    data: &Dataset,
    plans: &[HostPlan],
    one_school: bool,
) {
    s.proven = s.placed.len() == s.scheduled_bound && s.evaluator_days() == s.lower_bound;
    let bounds: BTreeMap<Id<School>, &HostPlan> = plans.iter().map(|p| (p.host, p)).collect();
    let mut per: BTreeMap<Id<School>, HostFigures> = BTreeMap::new();
    let figures = |host: Id<School>| HostFigures {
        host,
        evaluations: 0,
        scheduled: 0,
        sittings: 0,
        evaluator_days: 0,
        lower_bound: None,
        proven: false,
        travel_metres: 0,
    };
    let travel = s.travel_by_host(events, data);
    for ev in events {
        per.entry(ev.host)
            .or_insert_with(|| figures(ev.host))
            .evaluations += 1;
    }
    let mut seats: BTreeMap<Id<School>, BTreeSet<(Date, Id<Evaluator>)>> = BTreeMap::new();
    let mut dates: BTreeMap<Id<School>, BTreeSet<Date>> = BTreeMap::new();
    for p in &s.placed {
        let Some(ev) = events.get(p.event.index()) else {
            continue;
        };
        per.entry(ev.host)
            .or_insert_with(|| figures(ev.host))
            .scheduled += 1;
        dates.entry(ev.host).or_default().insert(p.date);
        let set = seats.entry(ev.host).or_default();
        set.extend(p.panel.iter().map(|&m| (p.date, m)));
    }
    for (host, f) in per.iter_mut() {
        f.sittings = dates.get(host).map_or(0, BTreeSet::len);
        f.evaluator_days = seats.get(host).map_or(0, BTreeSet::len);
        let plan = bounds.get(host);
        f.lower_bound = if one_school {
            Some(plan.map_or(0, |p| p.bound))
        } else {
            None
        };
        let all_placed = plan.is_none_or(|p| {
            f.scheduled == p.sittings.iter().map(|s| s.events.len()).sum::<usize>() + p.loose.len()
        });
        f.proven = one_school && all_placed && Some(f.evaluator_days) == f.lower_bound;
        f.travel_metres = travel.get(host).copied().unwrap_or(0);
    }
    s.by_host = per.into_values().collect();
}

/// A bound on the evaluator-days of any schedule placing at least `n` evaluations, for
/// when this one could not place them all: per school, the floor of placing `k` of its
/// evaluations (a full panel of its smallest size, every seat filled), and the cheapest
/// way to reach `n` over all schools (a knapsack by dynamic programming). The most any
/// schedule can place is at least `n`, so this bounds the optimum too.
fn fewest_bound(w: &World<'_>, plans: &[HostPlan], n: usize, cmax: u32) -> usize {
    let limit = (w.rules.max_per_school_per_day as usize).max(1);
    let c = (cmax as usize).min(limit).max(1);
    let mut best = vec![UNREACHED; n + 1];
    best[0] = 0;
    for p in plans {
        let evs: Vec<usize> = p
            .sittings
            .iter()
            .flat_map(|s| s.events.iter().copied())
            .chain(p.loose.iter().copied())
            .collect();
        let pmin = evs
            .iter()
            .map(|&ev| w.events[ev].panel_size as usize)
            .min()
            .unwrap_or(0);
        let cost = |k: usize| day_split(k, pmin, c, limit).0.max((k * pmin).div_ceil(c));
        let mut next = best.clone();
        for (have, &b) in best.iter().enumerate() {
            if b == UNREACHED {
                continue;
            }
            for k in 1..=evs.len() {
                let to = (have + k).min(n);
                next[to] = next[to].min(b + cost(k));
            }
        }
        best = next;
    }
    if best[n] == UNREACHED {
        0
    } else {
        best[n]
    }
}

/// Without one school per evaluator-day, a bound on the evaluator-days of any schedule
/// placing at least `n` of the placeable evaluations `evs`: each evaluator-day holds
/// at most `c` seats (the largest daily limit), so at least `ceil(S / c)` where `S`
/// is the seats of the `n` smallest panels; every day used needs a full panel, the
/// smallest of the `n`; and when all of `evs` are placed, a host school with `k` of
/// them needs `ceil(k / max_per_school_per_day)` days, so at least that many days
/// are used.
fn cross_school_bound(w: &World<'_>, evs: &[usize], n: usize) -> usize {
    let c = w.max_cap();
    let mut ps: Vec<usize> = evs
        .iter()
        .map(|&e| w.events[e].panel_size as usize)
        .collect();
    ps.sort_unstable();
    ps.truncate(n);
    let Some(&pmin) = ps.first() else {
        return 0;
    };
    let limit = (w.rules.max_per_school_per_day as usize).max(1);
    let days = if n >= evs.len() {
        let mut per: BTreeMap<Id<School>, usize> = BTreeMap::new();
        for &e in evs {
            *per.entry(w.events[e].host).or_insert(0) += 1;
        }
        per.values().map(|k| k.div_ceil(limit)).max().unwrap_or(1)
    } else {
        1
    };
    let pmax = ps.last().copied().unwrap_or(0);
    let seats: usize = ps.iter().sum();
    seats.div_ceil(c).max(days * pmin).max(pmax)
}
