//! The scheduler: a constructive pass that places evaluations a school-day at a time.
//!
//! Method. Every hard rule is enforced at each step, so whatever is placed is valid.
//! 1. Each event is first checked alone (usable days, non-recused evaluators, subject
//!    evaluators, a day on which they are available); one that fails is unplaceable in
//!    any schedule and gets its reason at once.
//! 2. The placeable events of one host school (and window and panel size) are split
//!    into day groups by the exact split of [`super::bound::day_split`], the split the
//!    lower bound rests on: a group of `n` then needs a crew of `max(P, ceil(P·n/c))`
//!    evaluators who stay at that school all day.
//! 3. Groups are placed hardest first (fewest usable days, largest) on the least busy
//!    usable day of their district. The crew is chosen greedily: subject coverage
//!    first, then evaluators already at that school that day (free), then the host's
//!    district, then the fewest evaluator-days so far (even load), then id. Panels are
//!    dealt from the crew least-loaded first, subject members first, and the crew grows
//!    when a recusal or a subject needs it.
//! 4. A group that fits no day is split into single evaluations, which are tried on
//!    every usable day; what still fits nowhere is unscheduled with reason `capacity`.
//!
//! Everything is ordered by index or id: the same input gives the same schedule.

use super::bound::{day_split, max_daily_cap};
use super::calendar::usable_days;
use super::reason::Unscheduled;
use super::{Event, EventKind, Placement, Schedule};
use crate::model::{Dataset, Date, Id, IdVec, School};
use crate::rules::{EvaluationRules, Recusal};
use std::collections::{BTreeMap, BTreeSet};

/// The district or subject index of a name missing from `build_world`'s indexes.
// INVARIANT: never taken: `build_world` indexes the district of every school and every
// evaluator and the subject of every event before it looks them up. Were it taken, it
// would equal no real index (a district recusal that never applies, a subject nobody
// lists). A plain number rather than an `Option` because the recusal and subject checks
// run for every evaluator and event the solver tries.
const UNINDEXED: usize = usize::MAX;

/// What the solver needs to know about one evaluator.
pub(super) struct Person {
    pub(super) school: Option<Id<School>>,
    pub(super) district: usize,
    pub(super) subjects: Vec<usize>,
    pub(super) unavailable: BTreeSet<i64>,
    pub(super) cap: u32,
}

/// Indexes of the data for fast checks.
pub(super) struct World<'a> {
    pub(super) events: &'a [Event],
    pub(super) rules: &'a EvaluationRules,
    pub(super) people: Vec<Person>,
    /// Each school's district index, one row per school of the data (see the
    /// invariant on `Event::host`).
    pub(super) school_district: IdVec<School, usize>,
    pub(super) event_subject: Vec<usize>,
    pub(super) event_days: Vec<Vec<i64>>,
}

impl World<'_> {
    /// The most seats one evaluator-day holds: the largest daily limit, at least 1.
    pub(super) fn max_cap(&self) -> usize {
        self.people
            .iter()
            .map(|p| p.cap as usize)
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// Whether evaluator `e` may not sit on event `ev` (回避).
    pub(super) fn recused(&self, e: usize, ev: usize) -> bool {
        let p = &self.people[e];
        let event = &self.events[ev];
        let host = event.host;
        let host_school =
            self.rules.recuse.contains(&Recusal::HostSchool) || event.kind == EventKind::Inspection;
        (host_school && p.school == Some(host))
            || (self.rules.recuse.contains(&Recusal::SendingSchool)
                && event.sending.is_some()
                && p.school == event.sending)
            || (self.rules.recuse.contains(&Recusal::HostDistrict)
                && p.district == self.school_district[host])
    }

    pub(super) fn lists(&self, e: usize, subject: usize) -> bool {
        self.people[e].subjects.contains(&subject)
    }
}

/// Mutable state: who is where on which day.
#[derive(Default)]
struct Book {
    /// (evaluator, day) → (school, evaluations that day).
    busy: BTreeMap<(usize, i64), (Id<School>, u32)>,
    school_day: BTreeMap<(Id<School>, i64), u32>,
    district_day: BTreeMap<(usize, i64), u32>,
    days_worked: Vec<u32>,
}

pub(super) fn build_world<'a>(
    events: &'a [Event],
    data: &Dataset,
    rules: &'a EvaluationRules,
) -> World<'a> {
    let mut districts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &data.schools {
        let n = districts.len();
        districts.entry(s.district.as_str()).or_insert(n);
    }
    for e in &data.evaluators {
        let n = districts.len();
        districts.entry(e.district.as_str()).or_insert(n);
    }
    let mut subjects: BTreeMap<&str, usize> = BTreeMap::new();
    for ev in events {
        let n = subjects.len();
        subjects.entry(ev.subject.as_str()).or_insert(n);
    }
    let school_idx: BTreeMap<&str, Id<School>> = data.school_positions();
    let people = data
        .evaluators
        .iter()
        .map(|e| Person {
            school: e
                .school
                .as_ref()
                .and_then(|s| school_idx.get(s.as_str()).copied()),
            district: districts
                .get(e.district.as_str())
                .copied()
                .unwrap_or(UNINDEXED),
            subjects: e
                .subjects
                .iter()
                .filter_map(|s| subjects.get(s.as_str()).copied())
                .collect(),
            unavailable: e.unavailable.iter().map(|d| d.ordinal()).collect(),
            cap: e.max_per_day.unwrap_or(rules.max_per_evaluator_per_day),
        })
        .collect();
    let school_district = data
        .schools
        .iter()
        .map(|s| {
            districts
                .get(s.district.as_str())
                .copied()
                .unwrap_or(UNINDEXED)
        })
        .collect();
    World {
        events,
        rules,
        people,
        school_district,
        event_subject: events
            .iter()
            .map(|e| {
                subjects
                    .get(e.subject.as_str())
                    .copied()
                    .unwrap_or(UNINDEXED)
            })
            .collect(),
        event_days: events
            .iter()
            .map(|e| {
                usable_days(e.window, &rules.holidays)
                    .iter()
                    .map(|d| d.ordinal())
                    .collect()
            })
            .collect(),
    }
}

/// Checks one event alone: `Err(reason)` when no schedule can place it, else the
/// number of days on which a panel could meet.
pub(super) fn alone(w: &World<'_>, ev: usize) -> Result<usize, Unscheduled> {
    let days = &w.event_days[ev];
    let event = &w.events[ev];
    let subject = w.event_subject[ev];
    let need_s = w.rules.min_same_subject;
    if days.is_empty() {
        return Err(Unscheduled::NoWorkday);
    }
    let pool: Vec<usize> = (0..w.people.len())
        .filter(|&e| !w.recused(e, ev) && w.people[e].cap > 0)
        .collect();
    if pool.len() < event.panel_size as usize {
        return Err(Unscheduled::TooFewEvaluators {
            needed: event.panel_size,
            available: pool.len(),
        });
    }
    let subj = pool.iter().filter(|&&e| w.lists(e, subject)).count();
    if subj < need_s as usize {
        return Err(Unscheduled::NoSubjectEvaluator {
            subject: event.subject.clone(),
            needed: need_s,
            available: subj,
        });
    }
    let ok_days = days
        .iter()
        .filter(|&&d| {
            let free: Vec<usize> = pool
                .iter()
                .copied()
                .filter(|&e| !w.people[e].unavailable.contains(&d))
                .collect();
            free.len() >= event.panel_size as usize
                && free.iter().filter(|&&e| w.lists(e, subject)).count() >= need_s as usize
        })
        .count();
    if ok_days == 0 {
        return Err(Unscheduled::NoDayAvailable {
            subject: event.subject.clone(),
            days: days.len(),
        });
    }
    Ok(ok_days)
}

/// Whether evaluator `e` can take one more evaluation at `school` on `day`, and
/// whether that would start a new evaluator-day.
fn can_take(
    w: &World<'_>,
    book: &Book,
    e: usize,
    school: Id<School>,
    day: i64,
    extra: u32,
) -> Option<bool> {
    let p = &w.people[e];
    if p.unavailable.contains(&day) {
        return None;
    }
    match book.busy.get(&(e, day)) {
        None => (extra < p.cap).then_some(true),
        Some(&(s, load)) => {
            let same = s == school || !w.rules.one_school_per_evaluator_day;
            (same && load + extra < p.cap).then_some(false)
        }
    }
}

/// Tries to place `group` (events of one host) on `day`; returns the panels.
fn try_place(w: &World<'_>, book: &Book, group: &[usize], day: i64) -> Option<Vec<Vec<usize>>> {
    let host = w.events[group[0]].host;
    let district = w.school_district[host];
    let need_s = w.rules.min_same_subject as usize;
    let c = (max_cap(w) as usize).min(w.rules.max_per_school_per_day.max(1) as usize);
    let slots: usize = group
        .iter()
        .map(|&ev| w.events[ev].panel_size as usize)
        .sum();
    let pmax = group
        .iter()
        .map(|&ev| w.events[ev].panel_size as usize)
        .max()
        .unwrap_or(0);
    let target = pmax.max(slots.div_ceil(c.max(1)));

    // Evaluators who may work here today and are not recused for every event.
    let candidates: Vec<(usize, bool)> = (0..w.people.len())
        .filter(|&e| group.iter().any(|&ev| !w.recused(e, ev)))
        .filter_map(|e| can_take(w, book, e, host, day, 0).map(|new| (e, new)))
        .collect();
    if candidates.len() < pmax {
        return None;
    }
    // Subject slots still wanted from the crew: subject → s × events.
    let mut want: BTreeMap<usize, usize> = BTreeMap::new();
    for &ev in group {
        *want.entry(w.event_subject[ev]).or_insert(0) += need_s;
    }
    let score = |e: usize, new: bool, want: &BTreeMap<usize, usize>| {
        let p = &w.people[e];
        let cover: usize = p
            .subjects
            .iter()
            .map(|s| want.get(s).copied().unwrap_or(0).min(p.cap as usize))
            .sum();
        let recusals = group.iter().filter(|&&ev| w.recused(e, ev)).count();
        (
            std::cmp::Reverse(cover),
            new,
            recusals,
            book.days_worked.get(e).copied().unwrap_or(0),
            p.district != district,
            std::cmp::Reverse(p.cap),
            e,
        )
    };
    let mut crew: Vec<usize> = Vec::new();
    let mut left: Vec<(usize, bool)> = candidates;
    while crew.len() < target || want.values().any(|&v| v > 0) {
        let best = left
            .iter()
            .enumerate()
            .min_by_key(|(_, &(e, new))| score(e, new, &want))
            .map(|(i, _)| i);
        let Some(best) = best else {
            break;
        };
        let (e, _) = left.swap_remove(best);
        let p = &w.people[e];
        let mut cap = p.cap as usize;
        for s in &p.subjects {
            if let Some(v) = want.get_mut(s) {
                let take = (*v).min(cap);
                *v -= take;
                cap -= take;
            }
        }
        if crew.len() >= target && cap == p.cap as usize {
            // Covers nothing still wanted: not worth a new evaluator-day.
            continue;
        }
        crew.push(e);
    }
    crew.sort_unstable();
    deal(w, book, group, day, host, crew, &mut left)
}

fn max_cap(w: &World<'_>) -> u32 {
    w.people.iter().map(|p| p.cap).max().unwrap_or(0)
}

/// Deals each event its panel from the crew, least-loaded first; grows the crew from
/// `spare` when an event cannot be served.
fn deal(
    w: &World<'_>,
    book: &Book,
    group: &[usize],
    day: i64,
    host: Id<School>,
    mut crew: Vec<usize>,
    spare: &mut Vec<(usize, bool)>,
) -> Option<Vec<Vec<usize>>> {
    let need_s = w.rules.min_same_subject as usize;
    let mut load: BTreeMap<usize, u32> = BTreeMap::new();
    // Rarest subjects first: their evaluators are the scarce ones.
    let mut order: Vec<usize> = (0..group.len()).collect();
    let rarity = |i: usize| {
        let s = w.event_subject[group[i]];
        crew.iter().filter(|&&e| w.lists(e, s)).count()
    };
    order.sort_by_key(|&i| (rarity(i), i));
    let mut panels: Vec<Vec<usize>> = vec![Vec::new(); group.len()];
    for i in order {
        let ev = group[i];
        let subject = w.event_subject[ev];
        let p = w.events[ev].panel_size as usize;
        for attempt in 0..2 {
            let fits = |e: usize, load: &BTreeMap<usize, u32>| {
                !w.recused(e, ev)
                    && can_take(w, book, e, host, day, load.get(&e).copied().unwrap_or(0)).is_some()
            };
            let mut pool: Vec<usize> = crew.iter().copied().filter(|&e| fits(e, &load)).collect();
            pool.sort_by_key(|&e| (load.get(&e).copied().unwrap_or(0), e));
            let subj: Vec<usize> = pool
                .iter()
                .copied()
                .filter(|&e| w.lists(e, subject))
                .collect();
            let mut panel: Vec<usize> = subj.iter().copied().take(need_s).collect();
            for &e in &pool {
                if panel.len() >= p {
                    break;
                }
                if !panel.contains(&e) {
                    panel.push(e);
                }
            }
            if panel.len() == p && subj.len() >= need_s {
                for &e in &panel {
                    *load.entry(e).or_insert(0) += 1;
                }
                panel.sort_unstable();
                panels[i] = panel;
                break;
            }
            if attempt == 1 {
                return None;
            }
            // Grow the crew: subject evaluators first, then anyone, fewest days first.
            let missing_s = need_s.saturating_sub(subj.len());
            let mut missing = p.saturating_sub(pool.len()).max(missing_s);
            let mut extra: Vec<(usize, bool)> = spare
                .iter()
                .copied()
                .filter(|&(e, _)| !w.recused(e, ev))
                .collect();
            extra.sort_by_key(|&(e, new)| {
                (
                    !w.lists(e, subject),
                    new,
                    book.days_worked.get(e).copied().unwrap_or(0),
                    e,
                )
            });
            let mut subj_added = 0;
            for (e, _) in extra {
                if missing == 0 && subj_added >= missing_s {
                    break;
                }
                if subj_added < missing_s && !w.lists(e, subject) {
                    continue;
                }
                if w.lists(e, subject) {
                    subj_added += 1;
                }
                crew.push(e);
                spare.retain(|&(x, _)| x != e);
                missing = missing.saturating_sub(1);
            }
        }
    }
    Some(panels)
}

fn commit(w: &World<'_>, book: &mut Book, group: &[usize], day: i64, panels: &[Vec<usize>]) {
    let host = w.events[group[0]].host;
    for panel in panels {
        for &e in panel {
            let slot = book.busy.entry((e, day)).or_insert((host, 0));
            if slot.1 == 0 {
                if let Some(d) = book.days_worked.get_mut(e) {
                    *d += 1;
                }
                *book
                    .district_day
                    .entry((w.school_district[host], day))
                    .or_insert(0) += 1;
            }
            slot.1 += 1;
        }
    }
    *book.school_day.entry((host, day)).or_insert(0) += group.len() as u32;
}

/// The constructive pass of the module doc: places as many events as it can. It is
/// the fallback of [`super::exact`] and the method when an evaluator may visit several
/// schools a day.
pub fn greedy(events: &[Event], data: &Dataset, rules: &EvaluationRules) -> Schedule {
    let w = build_world(events, data, rules);
    let mut book = Book {
        days_worked: vec![0; w.people.len()],
        ..Book::default()
    };
    let mut out = Schedule::default();
    let mut feasible_days = vec![0usize; events.len()];
    // host, window, panel size → placeable events
    let mut buckets: BTreeMap<(Id<School>, Date, Date, u32), Vec<usize>> = BTreeMap::new();
    for (i, ev) in events.iter().enumerate() {
        match alone(&w, i) {
            Err(r) => out.unscheduled.push((Id::new(i), r)),
            Ok(d) => {
                feasible_days[i] = d;
                buckets
                    .entry((ev.host, ev.window.0, ev.window.1, ev.panel_size))
                    .or_default()
                    .push(i);
            }
        }
    }
    let per_school = rules.max_per_school_per_day.max(1) as usize;
    let c = (max_daily_cap(data, rules)).min(per_school);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for ((_, _, _, p), mut evs) in buckets {
        evs.sort_by(|&a, &b| {
            (w.event_subject[a], &events[a].sending, &events[a].id).cmp(&(
                w.event_subject[b],
                &events[b].sending,
                &events[b].id,
            ))
        });
        let (_, sizes) = day_split(evs.len(), p as usize, c, per_school);
        let mut rest = evs.as_slice();
        for n in sizes {
            let (g, r) = rest.split_at(n.min(rest.len()));
            groups.push(g.to_vec());
            rest = r;
        }
    }
    let key = |g: &Vec<usize>| {
        let days = g.iter().map(|&ev| feasible_days[ev]).min().unwrap_or(0);
        (days, std::cmp::Reverse(g.len()), g[0])
    };
    groups.sort_by_key(key);
    let mut singles: Vec<usize> = Vec::new();
    for g in &groups {
        if !place_group(&w, &mut book, &mut out, g) {
            singles.extend(g.iter().copied());
        }
    }
    singles.sort_by_key(|&ev| (feasible_days[ev], ev));
    for ev in singles {
        if !place_group(&w, &mut book, &mut out, &[ev]) {
            out.unscheduled.push((
                Id::new(ev),
                Unscheduled::Capacity {
                    days: feasible_days[ev],
                },
            ));
        }
    }
    out.sort(events);
    out
}

/// Places a group on its least busy usable day; false when no day fits it.
fn place_group(w: &World<'_>, book: &mut Book, out: &mut Schedule, g: &[usize]) -> bool {
    let Some(&first) = g.first() else {
        return true;
    };
    let host = w.events[first].host;
    let district = w.school_district[host];
    let per_school = w.rules.max_per_school_per_day;
    let mut days: Vec<i64> = w.event_days[first]
        .iter()
        .copied()
        .filter(|d| g.iter().all(|&ev| w.event_days[ev].contains(d)))
        .filter(|d| {
            book.school_day.get(&(host, *d)).copied().unwrap_or(0) + g.len() as u32 <= per_school
        })
        .collect();
    days.sort_by_key(|d| {
        (
            book.district_day.get(&(district, *d)).copied().unwrap_or(0),
            *d,
        )
    });
    for day in days {
        if let Some(panels) = try_place(w, book, g, day) {
            commit(w, book, g, day, &panels);
            for (&ev, panel) in g.iter().zip(panels) {
                out.placed.push(Placement::from_positions(ev, day, panel));
            }
            return true;
        }
    }
    false
}
