//! Day groups: the construction when an evaluator may sit at several schools a day
//! (`one_school_per_evaluator_day = false`).
//!
//! Without that rule, every rule except the date rules lives inside one *day*: the
//! evaluations of all host schools on one date share one crew, and an evaluator-day
//! is one seat in that crew. So a day is a sitting across schools, and its smallest
//! crew is the same integer program over kinds of evaluator
//! ([`super::sitting::min_crew`]; here without its branch and bound, which is slow on
//! sittings of 64 evaluations: [`super::sitting::quick_crew`]). The evaluator-days of a schedule are then at least
//! `ceil(seats / c)` (`c` the largest daily limit), which a day meets when its seats
//! are a multiple of `c` and its crew is full; so the construction:
//!
//! 1. orders the placeable evaluations by their last usable day, then first, host and
//!    id, and cuts them into groups of `g` that share a usable day and keep each
//!    host within `max_per_school_per_day`, where `g` is the largest size whose seats
//!    fill whole evaluator-days (a multiple of `c / gcd(P, c)` for panels of `P`),
//!    at most [`MAX_SITTING`] and at most what three quarters of the evaluators'
//!    seats can hold;
//! 2. gives each group, in that order, the shared usable date with the smallest crew
//!    among evaluators still free that date (the first date at the floor wins), the
//!    host schools' daily limits counted across groups; a group no date takes is
//!    halved and retried, down to single evaluations, which are left unplaced.
//!
//! Within a kind, members are taken by fewest days so far (even load), then nearest
//! home school (travel), then id. This is a construction: its schedule is proven
//! optimal only when it meets the bound (see [`super::exact`]).

use super::exact::{counts, intersect, kinds_of, panels, trip_metres};
use super::sitting::{crew_floor, deal, quick_crew, Crew, MAX_SITTING};
use super::solver::World;
use super::Placement;
use crate::model::{Dataset, Id, School};
use std::collections::{BTreeMap, BTreeSet};

/// Who is booked where.
struct Book {
    busy: Vec<BTreeSet<i64>>,
    host_day: BTreeMap<(Id<School>, i64), u32>,
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Places `evs` (placeable evaluations) by day groups: (placements, left unplaced).
pub(super) fn day_groups(
    w: &World<'_>,
    data: &Dataset,
    evs: &[usize],
) -> (Vec<Placement>, Vec<usize>) {
    let c = w.max_cap();
    let pmax = evs
        .iter()
        .map(|&e| w.events[e].panel_size as usize)
        .max()
        .unwrap_or(1)
        .max(1);
    let all_seats: usize = w.people.iter().map(|p| p.cap as usize).sum();
    let step = c / gcd(pmax, c);
    let room = (all_seats * 3 / 4 / pmax).clamp(1, MAX_SITTING);
    let size = if room >= step {
        room - room % step
    } else {
        room
    };
    let limit = w.rules.max_per_school_per_day;
    let mut order = evs.to_vec();
    order.sort_by_key(|&e| {
        let days = &w.event_days[e];
        (
            days.last().copied(),
            days.first().copied(),
            w.events[e].host,
            e,
        )
    });
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let mut shared: Vec<i64> = Vec::new();
    let mut per_host: BTreeMap<Id<School>, u32> = BTreeMap::new();
    for e in order {
        let host = w.events[e].host;
        let next = if cur.is_empty() {
            w.event_days[e].clone()
        } else {
            intersect(&shared, &w.event_days[e])
        };
        let fits = !next.is_empty()
            && cur.len() < size
            && per_host.get(&host).copied().unwrap_or(0) < limit;
        if !fits && !cur.is_empty() {
            groups.push(std::mem::take(&mut cur));
            per_host.clear();
            shared = w.event_days[e].clone();
        } else {
            shared = next;
        }
        cur.push(e);
        *per_host.entry(host).or_insert(0) += 1;
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    let mut book = Book {
        busy: vec![BTreeSet::new(); w.people.len()],
        host_day: BTreeMap::new(),
    };
    let mut placed = Vec::new();
    let mut left = Vec::new();
    let mut todo: Vec<Vec<usize>> = groups.into_iter().rev().collect();
    while let Some(g) = todo.pop() {
        match place(w, data, &mut book, &g) {
            Some(mut p) => placed.append(&mut p),
            None if g.len() > 1 => {
                let (a, b) = g.split_at(g.len() / 2);
                todo.push(b.to_vec());
                todo.push(a.to_vec());
            }
            None => left.extend(g),
        }
    }
    (placed, left)
}

/// Dates `group` on its best shared date and books it; `None` when no date has a
/// crew.
fn place(
    w: &World<'_>,
    data: &Dataset,
    book: &mut Book,
    group: &[usize],
) -> Option<Vec<Placement>> {
    let limit = w.rules.max_per_school_per_day;
    let shared = group
        .iter()
        .skip(1)
        .fold(w.event_days[group[0]].clone(), |acc, &e| {
            intersect(&acc, &w.event_days[e])
        });
    let mut need: BTreeMap<Id<School>, u32> = BTreeMap::new();
    for &e in group {
        *need.entry(w.events[e].host).or_insert(0) += 1;
    }
    let ps = panels(w, group);
    let cap = w.people.iter().map(|p| p.cap).max().unwrap_or(0);
    let floor = crew_floor(&ps, cap);
    let mut best: Option<(usize, i64, Crew)> = None;
    for d in shared {
        let room = need
            .iter()
            .all(|(h, k)| book.host_day.get(&(*h, d)).copied().unwrap_or(0) + k <= limit);
        if !room {
            continue;
        }
        let kinds = kinds_of(w, group, |m| {
            !w.people[m].unavailable.contains(&d) && !book.busy[m].contains(&d)
        });
        let Some(crew) = quick_crew(&ps, w.rules.min_same_subject, &counts(&kinds)) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| crew.size < b.0) {
            let at_floor = crew.size <= floor;
            best = Some((crew.size, d, crew));
            if at_floor {
                break;
            }
        }
    }
    let (_, day, crew) = best?;
    let mut kinds = kinds_of(w, group, |m| {
        !w.people[m].unavailable.contains(&day) && !book.busy[m].contains(&day)
    });
    let hosts: Vec<Id<School>> = group.iter().map(|&e| w.events[e].host).collect();
    let members: Vec<Vec<usize>> = crew
        .kinds
        .iter()
        .map(|(k, m, per)| {
            let mut people = kinds.remove(k).unwrap_or_default();
            // Travel: to the host of the first evaluation this kind sits on.
            let host = per
                .iter()
                .position(|&s| s > 0)
                .map_or(hosts[0], |i| hosts[i]);
            people.sort_by_cached_key(|&e| {
                (
                    book.busy[e].len(),
                    trip_metres(data, w.people[e].school, host),
                    e,
                )
            });
            people.truncate(*m as usize);
            people
        })
        .collect();
    let panels = deal(&crew, &members, group.len());
    let mut out = Vec::new();
    for (&e, panel) in group.iter().zip(panels) {
        for &m in &panel {
            book.busy[m].insert(day);
        }
        out.push(Placement::from_positions(e, day, panel));
    }
    for (h, k) in need {
        *book.host_day.entry((h, day)).or_insert(0) += k;
    }
    Some(out)
}
