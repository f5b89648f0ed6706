//! Scarce evaluators: the construction that places the most evaluations when not all
//! of them fit (few evaluators, short windows), objective (1) first, then (2).
//!
//! The sittings method of [`super::exact`] plans every host school's sittings at the
//! fewest evaluator-days and then dates them; when evaluators are scarce, those crews
//! do not all fit on the usable dates, and the sittings that fail are left to single
//! evaluations at a full panel each. What places the most is different: every
//! evaluator-day is a scarce resource, so each should carry as many evaluations as it
//! can (a crew of `P` evaluators with a daily limit `c` sits up to `⌊P·c/P⌋ = c`
//! evaluations, e.g. 4 for a crew of 3 with panels of 3 and a limit of 4).
//!
//! Method: a greedy by *marginal efficiency* with lazy re-evaluation (the classic lazy
//! greedy for budgeted coverage, Minoux 1978; Khuller, Moss & Naor 1999).
//!
//! 1. A candidate is a (host school, date) and evaluations of that host still
//!    unplaced and usable that date, added to the sitting already there (if any). Its
//!    cost is the growth of that sitting's crew (one school a day: a crew member's
//!    evaluator-day is this seat), its gain the evaluations added. The evaluations
//!    are added one at a time, each time the one whose crew is smallest (ties: the
//!    fewest usable dates, then id), up to the school's daily limit; the prefix with
//!    the best gain per cost is the candidate (a cost of 0 is best, then ties go to
//!    the larger gain). Crews come from [`super::sitting::quick_crew`] over the
//!    evaluators free that date plus the sitting's own crew, who may be re-chosen.
//! 2. The best candidate over all (host, date) is taken; candidates whose date or
//!    host changed are marked stale and re-evaluated only when they reach the top
//!    (their old ratio is what they could at best still give, as taking evaluators
//!    and evaluations only makes crews larger). This repeats until no candidate is
//!    left: then no further evaluation fits anywhere, so the schedule is maximal.
//! 3. Members of a kind are taken by: already in the sitting, fewest days so far
//!    (even load), nearest home school (travel), id; panels are dealt as in
//!    [`super::sitting::deal`].
//!
//! Every evaluator works at one school a day here, which is always allowed. This is a
//! construction, not a proof: [`super::exact`] keeps it only when it places more (or
//! as many at fewer evaluator-days) than the other methods, after the independent
//! checker agrees, and states the bounds beside it. Everything is ordered by index:
//! the same input gives the same schedule.

use super::exact::{counts, kinds_of, panels, trip_metres};
use super::sitting::{deal, quick_crew, Crew, MAX_SITTING};
use super::solver::World;
use super::Placement;
use crate::model::{Dataset, Id, School};
use std::collections::{BTreeMap, BTreeSet};

/// The longest run of evaluations one candidate adds (a sitting grows further by later
/// candidates at the same host and date).
const CHAIN: usize = 8;

/// One sitting being built: its evaluations, crew and the crew's members by kind.
#[derive(Debug, Clone, Default)]
struct Sitting {
    events: Vec<usize>,
    crew: Option<Crew>,
    members: Vec<Vec<usize>>,
}

impl Sitting {
    fn size(&self) -> usize {
        self.crew.as_ref().map_or(0, |c| c.size)
    }

    fn people(&self) -> BTreeSet<usize> {
        self.members.iter().flatten().copied().collect()
    }
}

/// A candidate growth of the sitting at (host, date).
#[derive(Debug, Clone)]
struct Candidate {
    gain: usize,
    cost: usize,
    events: Vec<usize>,
    crew: Crew,
}

/// Whether gain/cost `a` beats `b` (a cost of 0 beats any positive cost; ties go to
/// the larger gain).
fn beats(a: (usize, usize), b: (usize, usize)) -> bool {
    let (ga, ca) = a;
    let (gb, cb) = b;
    let lhs = ga as u128 * cb as u128;
    let rhs = gb as u128 * ca as u128;
    match (ca, cb) {
        (0, 0) => ga > gb,
        (0, _) => true,
        (_, 0) => false,
        _ => lhs > rhs || (lhs == rhs && ga > gb),
    }
}

/// Places as many of `evs` (placeable evaluations) as the greedy can:
/// (placements, left unplaced).
pub(super) fn most_placed_greedy(
    w: &World<'_>,
    data: &Dataset,
    evs: &[usize],
) -> (Vec<Placement>, Vec<usize>) {
    let limit = (w.rules.max_per_school_per_day as usize).min(MAX_SITTING);
    let mut left: BTreeSet<usize> = evs.iter().copied().collect();
    let mut busy: Vec<BTreeSet<i64>> = vec![BTreeSet::new(); w.people.len()];
    let mut sittings: BTreeMap<(Id<School>, i64), Sitting> = BTreeMap::new();
    // (host, date) pairs that some evaluation could use.
    let mut pairs: BTreeSet<(Id<School>, i64)> = BTreeSet::new();
    for &e in evs {
        for &d in &w.event_days[e] {
            pairs.insert((w.events[e].host, d));
        }
    }
    // Cached candidates: (host, date) → (candidate or none, stale).
    let mut cache: BTreeMap<(Id<School>, i64), (Option<Candidate>, bool)> =
        pairs.iter().map(|&p| (p, (None, true))).collect();
    loop {
        // The best cached candidate; stale ones are re-evaluated when on top.
        let top = loop {
            let best = cache
                .iter()
                .filter_map(|(&k, (c, stale))| c.as_ref().map(|c| (k, c, *stale)))
                .fold(
                    None::<((Id<School>, i64), (usize, usize), bool)>,
                    |acc, (k, c, s)| match acc {
                        Some((_, r, _)) if !beats((c.gain, c.cost), r) => acc,
                        _ => Some((k, (c.gain, c.cost), s)),
                    },
                );
            // Pairs never evaluated (stale with no candidate) come first.
            let fresh = cache
                .iter()
                .find(|(_, (c, stale))| c.is_none() && *stale)
                .map(|(&k, _)| k);
            if let Some(k) = fresh {
                let cand = candidate(w, &left, &busy, sittings.get(&k), k, limit);
                cache.insert(k, (cand, false));
                continue;
            }
            match best {
                None => break None,
                Some((k, _, true)) => {
                    let cand = candidate(w, &left, &busy, sittings.get(&k), k, limit);
                    cache.insert(k, (cand, false));
                }
                Some((k, _, false)) => break Some(k),
            }
        };
        let Some(key) = top else {
            break;
        };
        let Some((Some(cand), _)) = cache.remove(&key) else {
            break;
        };
        let (host, day) = key;
        let sitting = sittings.entry(key).or_default();
        let old = sitting.people();
        for &m in &old {
            busy[m].remove(&day);
        }
        // Members by kind: the sitting's own first, then fewest days, nearest, id.
        let all: Vec<usize> = sitting.events.iter().chain(&cand.events).copied().collect();
        let mut kinds = kinds_of(w, &all, |m| {
            !w.people[m].unavailable.contains(&day) && !busy[m].contains(&day)
        });
        let members: Vec<Vec<usize>> = cand
            .crew
            .kinds
            .iter()
            .map(|(k, n, _)| {
                let mut people = kinds.remove(k).unwrap_or_default();
                people.sort_by_cached_key(|&m| {
                    (
                        !old.contains(&m),
                        busy[m].len(),
                        trip_metres(data, w.people[m].school, host),
                        m,
                    )
                });
                people.truncate(*n as usize);
                people
            })
            .collect();
        for &m in members.iter().flatten() {
            busy[m].insert(day);
        }
        for e in &cand.events {
            left.remove(e);
        }
        sitting.events = all;
        sitting.crew = Some(cand.crew);
        sitting.members = members;
        cache.insert(key, (None, true));
        // Stale: every host on this date (evaluators taken), this host on every date
        // (evaluations taken).
        for (k, v) in cache.iter_mut() {
            if k.1 == day || k.0 == host {
                v.1 = true;
            }
        }
    }
    let mut placed = Vec::new();
    for (&(_, day), s) in &sittings {
        let Some(crew) = &s.crew else {
            continue;
        };
        for (&ev, panel) in s.events.iter().zip(deal(crew, &s.members, s.events.len())) {
            placed.push(Placement::from_positions(ev, day, panel));
        }
    }
    (placed, left.into_iter().collect())
}

/// The best growth of the sitting at `(host, day)` (see the module doc, step 1).
fn candidate(
    w: &World<'_>,
    left: &BTreeSet<usize>,
    busy: &[BTreeSet<i64>],
    sitting: Option<&Sitting>,
    (host, day): (Id<School>, i64),
    limit: usize,
) -> Option<Candidate> {
    let base: Vec<usize> = sitting.map(|s| s.events.clone()).unwrap_or_default();
    let own: BTreeSet<usize> = sitting.map(Sitting::people).unwrap_or_default();
    let before = sitting.map_or(0, Sitting::size);
    let room = limit.saturating_sub(base.len()).min(CHAIN);
    let mut pool: Vec<usize> = left
        .iter()
        .copied()
        .filter(|&e| w.events[e].host == host && w.event_days[e].binary_search(&day).is_ok())
        .collect();
    if room == 0 || pool.is_empty() {
        return None;
    }
    let usable = |e: usize| w.event_days[e].len();
    let free = |m: usize| {
        !w.people[m].unavailable.contains(&day) && (own.contains(&m) || !busy[m].contains(&day))
    };
    let mut group = base.clone();
    let mut best: Option<Candidate> = None;
    for _ in 0..room {
        let mut pick: Option<(usize, usize, Crew)> = None;
        for (i, &e) in pool.iter().enumerate() {
            group.push(e);
            let kinds = kinds_of(w, &group, free);
            let crew = quick_crew(
                &panels(w, &group),
                w.rules.min_same_subject,
                &counts(&kinds),
            );
            group.pop();
            let Some(crew) = crew else {
                continue;
            };
            let better = match &pick {
                None => true,
                Some((j, _, c)) => (crew.size, usable(e), e) < (c.size, usable(pool[*j]), pool[*j]),
            };
            if better {
                pick = Some((i, e, crew));
            }
        }
        let Some((i, e, crew)) = pick else {
            break;
        };
        pool.remove(i);
        group.push(e);
        let gain = group.len() - base.len();
        let cost = crew.size.saturating_sub(before);
        if best
            .as_ref()
            .is_none_or(|b| beats((gain, cost), (b.gain, b.cost)))
        {
            best = Some(Candidate {
                gain,
                cost,
                events: group[base.len()..].to_vec(),
                crew,
            });
        }
        if pool.is_empty() {
            break;
        }
    }
    best
}
