//! Objectives (3) even load and (4) travel, solved exactly once the sittings are fixed.
//!
//! A schedule optimal on (1) evaluations placed and (2) evaluator-days is made of
//! *sittings*: the evaluations that share one crew on one date (one host school and
//! date with `one_school_per_evaluator_day`, else all evaluations of the date). Each
//! crew has a make-up: how many evaluators of each *kind* relative to the sitting
//! (which of its evaluations they may sit on, which they count for as "same subject",
//! how many they may take that day; see [`super::sitting`]) and how many seats each
//! kind takes on each evaluation. Keep the sittings, their dates and that make-up, and
//! any evaluator whose kind can do everything a slot's kind can may fill the slot: the
//! panels are then dealt round-robin within each kind ([`super::sitting::deal`]), so
//! every rule still holds and the evaluations placed and evaluator-days are unchanged.
//!
//! Which evaluator fills which slot is a minimum-cost flow (one network for the whole
//! season, the project's min-cost flow of `crate::plan::flow`):
//!
//! source → evaluator (one arc per day of work, the `j`-th costing `W·(2j − 1)`, so
//! `j` days cost `W·j²`) → (evaluator, date) [capacity 1: one sitting a day] →
//! (sitting, kind) [the trip in metres from the evaluator's own school to the host] →
//! sink [the kind's members in the make-up, cost `−B`].
//!
//! `B` exceeds every path's cost, so the flow fills every slot (the schedule already
//! does, so it can), and among full flows it is the cheapest. `W` exceeds the travel of
//! any assignment, so the cost is lexicographic: **even load** first — the smallest sum
//! over evaluators of the square of their days (with the total fixed by (2), the most
//! even spread: no transfer of a day from a busier to a less busy evaluator lowers it)
//! — then **travel**, the fewest metres (0 where a school has no coordinates, or for
//! bureau staff; a date-sitting of several host schools costs 0, as travel then
//! depends on the panels). Integer costs, arcs built in index order: deterministic.
//!
//! Reference: Ahuja, Magnanti & Orlin, *Network Flows* (1993), §14.2 (convex costs
//! by parallel arcs) and §9 (successive shortest paths).
//!
//! Exact within that frame: sittings, dates and crew make-ups come from the method
//! that made the schedule; a different make-up or date could spread days more evenly.
//! A sitting of more than [`MAX_SITTING`] evaluations keeps its panels (its members'
//! days count in everyone's load).

use super::exact::trip_metres;
use super::sitting::{deal, Crew, Kind, MAX_SITTING};
use super::solver::World;
use super::Placement;
use crate::model::{Dataset, Id, School};
use crate::plan::flow::{Cost, Graph};
use std::collections::{BTreeMap, BTreeSet};

/// What the tie-break pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Balance {
    /// Every crew re-chosen: (3) then travel minimal given the sittings, dates and
    /// crew make-ups.
    #[default]
    Optimal,
    /// Some sittings (more than [`MAX_SITTING`] evaluations) kept their panels; the
    /// others are optimal around them.
    Partial,
    /// The flow did not fill every slot (not expected): the panels are as the method
    /// made them.
    Kept,
}

impl Balance {
    /// Stable id for `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Balance::Optimal => "optimal",
            Balance::Partial => "partial",
            Balance::Kept => "kept",
        }
    }
}

/// One sitting: the placements sharing a crew.
struct Sitting {
    day: i64,
    /// Host school when the sitting has one (travel is then costed).
    host: Option<Id<School>>,
    /// Indexes into the placements, in placement order.
    items: Vec<usize>,
    /// Their events (indexes into the events), in the same order.
    events: Vec<usize>,
    crew: Crew,
}

/// The kind of evaluator `m` relative to the evaluations `evs` (None: recused from all).
fn kind_of(w: &World<'_>, m: usize, evs: &[usize]) -> Option<Kind> {
    let p = &w.people[m];
    let (mut allowed, mut subject) = (0u64, 0u64);
    for (i, &ev) in evs.iter().enumerate() {
        if !w.recused(m, ev) {
            allowed |= 1 << i;
        }
        if w.lists(m, w.event_subject[ev]) {
            subject |= 1 << i;
        }
    }
    (allowed != 0 && p.cap > 0).then_some(Kind {
        allowed,
        subject,
        cap: p.cap.min(evs.len() as u32),
    })
}

fn covers(a: &Kind, b: &Kind) -> bool {
    a.allowed & b.allowed == b.allowed && a.subject & b.subject == b.subject && a.cap >= b.cap
}

/// Re-chooses every crew of `placed` for even load, then travel (see the module doc).
/// The placements keep their events, dates and panel sizes.
pub(super) fn balance(w: &World<'_>, data: &Dataset, placed: &mut [Placement]) -> Balance {
    let one_school = w.rules.one_school_per_evaluator_day;
    // By (day, host school when one school per evaluator-day).
    let mut groups: BTreeMap<(i64, Option<Id<School>>), Vec<usize>> = BTreeMap::new();
    for (i, p) in placed.iter().enumerate() {
        let host = one_school.then(|| w.events[p.event].host);
        groups.entry((p.date.ordinal(), host)).or_default().push(i);
    }
    // Days already taken by sittings that keep their panels.
    let mut fixed_days = vec![0usize; w.people.len()];
    let mut fixed: BTreeSet<(usize, i64)> = BTreeSet::new();
    let mut sittings: Vec<Sitting> = Vec::new();
    let mut partial = false;
    for ((day, _), items) in groups {
        // The crews are chosen on the solver's plain positions (`World`'s tables,
        // `fixed_days` below): in range by `Placement`'s invariants.
        let evs: Vec<usize> = items.iter().map(|&i| placed[i].event.index()).collect();
        let members: BTreeSet<usize> = items
            .iter()
            .flat_map(|&i| placed[i].panel.iter().map(|m| m.index()))
            .collect();
        let crew = (evs.len() <= MAX_SITTING)
            .then(|| make_up(w, &evs, &items, placed, &members))
            .flatten();
        match crew {
            Some(crew) => {
                let hosts: BTreeSet<Id<School>> = evs.iter().map(|&e| w.events[e].host).collect();
                sittings.push(Sitting {
                    day,
                    host: (hosts.len() == 1)
                        .then(|| hosts.into_iter().next())
                        .flatten(),
                    items,
                    events: evs,
                    crew,
                });
            }
            None => {
                partial = true;
                for m in members {
                    fixed_days[m] += 1;
                    fixed.insert((m, day));
                }
            }
        }
    }
    if sittings.is_empty() {
        return if partial {
            Balance::Partial
        } else {
            Balance::Optimal
        };
    }
    let Some(chosen) = assign(w, data, &sittings, &fixed_days, &fixed) else {
        return Balance::Kept;
    };
    for (s, members) in sittings.iter().zip(chosen) {
        let panels = deal(&s.crew, &members, s.items.len());
        for (&i, panel) in s.items.iter().zip(panels) {
            placed[i].panel = panel.into_iter().map(Id::new).collect();
        }
    }
    if partial {
        Balance::Partial
    } else {
        Balance::Optimal
    }
}

/// The make-up of a sitting's crew: per kind, its members and their seats on each
/// evaluation. None when a member has no kind (cannot happen in a valid schedule).
fn make_up(
    w: &World<'_>,
    evs: &[usize],
    items: &[usize],
    placed: &[Placement],
    members: &BTreeSet<usize>,
) -> Option<Crew> {
    let mut by_kind: BTreeMap<Kind, (u32, Vec<u32>)> = BTreeMap::new();
    let mut kind_of_member: BTreeMap<usize, Kind> = BTreeMap::new();
    for &m in members {
        let k = kind_of(w, m, evs)?;
        kind_of_member.insert(m, k);
        by_kind.entry(k).or_insert((0, vec![0; evs.len()])).0 += 1;
    }
    for (e, &i) in items.iter().enumerate() {
        for m in &placed[i].panel {
            let k = kind_of_member.get(&m.index())?;
            by_kind.get_mut(k)?.1[e] += 1;
        }
    }
    Some(Crew {
        size: members.len(),
        kinds: by_kind
            .into_iter()
            .map(|(k, (n, per))| (k, n, per))
            .collect(),
    })
}

/// The min-cost flow of the module doc: per sitting, per kind of its make-up, the
/// evaluators chosen (sorted by index). None when not every slot is filled.
fn assign(
    w: &World<'_>,
    data: &Dataset,
    sittings: &[Sitting],
    fixed_days: &[usize],
    fixed: &BTreeSet<(usize, i64)>,
) -> Option<Vec<Vec<Vec<usize>>>> {
    let people = w.people.len();
    // Slots (sitting, kind) numbered in sitting order; candidate arcs
    // (evaluator, day, slot, metres) in evaluator, sitting, kind order.
    let mut slots: Vec<(usize, usize, u32)> = Vec::new();
    let mut first_slot = Vec::with_capacity(sittings.len());
    for (si, s) in sittings.iter().enumerate() {
        first_slot.push(slots.len());
        for (ki, (_, n, _)) in s.crew.kinds.iter().enumerate() {
            slots.push((si, ki, *n));
        }
    }
    let mut cand: Vec<(usize, i64, usize, i64)> = Vec::new();
    for m in 0..people {
        for (si, s) in sittings.iter().enumerate() {
            if w.people[m].unavailable.contains(&s.day) || fixed.contains(&(m, s.day)) {
                continue;
            }
            let Some(k) = kind_of(w, m, &s.events) else {
                continue;
            };
            let metres = s
                .host
                .map_or(0, |h| trip_metres(data, w.people[m].school, h));
            let metres = i64::try_from(metres).ok()?;
            for (ki, (slot_kind, _, _)) in s.crew.kinds.iter().enumerate() {
                if covers(&k, slot_kind) {
                    cand.push((m, s.day, first_slot[si] + ki, metres));
                }
            }
        }
    }
    let seats: i64 = slots.iter().map(|&(_, _, n)| i64::from(n)).sum();
    let far = cand.iter().map(|c| c.3).max().unwrap_or(0);
    // W above any total travel; B above any path's cost.
    let weight = seats.checked_mul(far)?.checked_add(1)?;
    let most_days = fixed_days.iter().copied().max().unwrap_or(0) as i64
        + sittings
            .iter()
            .map(|s| s.day)
            .collect::<BTreeSet<i64>>()
            .len() as i64;
    let big = weight
        .checked_mul(2 * most_days + 1)?
        .checked_add(far + 1)?;
    // Every cost the flow can sum stays far inside i64.
    big.checked_mul(seats.checked_mul(4)?)?;
    let (source, sink) = (0usize, 1usize);
    let mut g = Graph::new(2 + people);
    let slot_node: Vec<usize> = slots.iter().map(|_| g.add_node()).collect();
    for (&(_, _, n), &node) in slots.iter().zip(&slot_node) {
        g.add_arc(node, sink, i64::from(n), -Cost::from(big));
    }
    let mut seat_arcs: Vec<(usize, usize, usize)> = Vec::new();
    let mut at = 0usize;
    while at < cand.len() {
        let m = cand[at].0;
        let end = at + cand[at..].iter().take_while(|c| c.0 == m).count();
        let days: BTreeSet<i64> = cand[at..end].iter().map(|c| c.1).collect();
        let person = 2 + m;
        let f = fixed_days[m] as i64;
        for j in 1..=days.len() as i64 {
            g.add_arc(source, person, 1, Cost::from(weight * (2 * (f + j) - 1)));
        }
        let mut day_node: BTreeMap<i64, usize> = BTreeMap::new();
        for &d in &days {
            let node = g.add_node();
            g.add_arc(person, node, 1, 0);
            day_node.insert(d, node);
        }
        for &(_, d, slot, metres) in &cand[at..end] {
            let arc = g.add_arc(day_node[&d], slot_node[slot], 1, Cost::from(metres));
            seat_arcs.push((arc, m, slot));
        }
        at = end;
    }
    g.min_cost_flow(source, sink);
    let mut chosen: Vec<Vec<Vec<usize>>> = sittings
        .iter()
        .map(|s| vec![Vec::new(); s.crew.kinds.len()])
        .collect();
    for (arc, m, slot) in seat_arcs {
        if g.flow(arc) > 0 {
            let (si, ki, _) = slots[slot];
            chosen[si][ki].push(m);
        }
    }
    let full = slots
        .iter()
        .all(|&(si, ki, n)| chosen[si][ki].len() == n as usize);
    full.then_some(chosen)
}
