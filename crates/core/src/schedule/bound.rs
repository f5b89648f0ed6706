//! A lower bound on evaluator-days (objective 2), so a user can see how close a
//! schedule is.
//!
//! Why it is valid: with `one_school_per_evaluator_day`, every evaluator-day belongs to
//! one school, so the bound is a sum over host schools. At one school, a day with `n`
//! evaluations needs at least `P` distinct evaluators (a panel) and at least
//! `ceil(P·n / c)` of them, where `P` is the smallest panel at that school and `c` the
//! largest number of evaluations any evaluator may sit on in a day there (their own
//! limit, never above the school's daily limit); and `n` is at most the school's daily
//! limit. The cheapest split of the school's `k` evaluations into days under that cost
//! is found exactly by [`day_split`]; the whole school also needs at least
//! `ceil(slots / c)`. Without one school per day, only the global slot count bounds.

use super::solver::World;
use super::Event;
use crate::model::{Dataset, Id, School};
use crate::rules::EvaluationRules;
use std::collections::BTreeMap;

/// Cost of one day with `n` evaluations of panel `p`, evaluators taking at most `c`.
pub fn day_cost(n: usize, p: usize, c: usize) -> usize {
    if n == 0 {
        return 0;
    }
    p.max((p * n).div_ceil(c.max(1)))
}

/// The cheapest split of `k` evaluations into days of at most `per_day` evaluations,
/// under [`day_cost`]: (total cost, day sizes largest first). Ties go to fewer days.
pub fn day_split(k: usize, p: usize, c: usize, per_day: usize) -> (usize, Vec<usize>) {
    let per_day = per_day.max(1);
    // best[i] = (cost, days, last day size) for i evaluations.
    let mut best: Vec<(usize, usize, usize)> = vec![(0, 0, 0); k + 1];
    for i in 1..=k {
        // The first of the cheapest (i ≥ 1 and per_day ≥ 1: at least one candidate).
        best[i] = (1..=per_day.min(i))
            .map(|n| {
                let (cost, days, _) = best[i - n];
                (cost + day_cost(n, p, c), days + 1, n)
            })
            .min_by_key(|&(cost, days, _)| (cost, days))
            .unwrap_or((0, 0, 0));
    }
    let mut sizes = Vec::new();
    let mut i = k;
    while i > 0 {
        let n = best[i].2.max(1);
        sizes.push(n);
        i -= n.min(i);
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    (best[k].0, sizes)
}

/// The largest number of evaluations any evaluator may sit on in one day.
pub fn max_daily_cap(data: &Dataset, rules: &EvaluationRules) -> usize {
    data.evaluators
        .iter()
        .map(|e| e.max_per_day.unwrap_or(rules.max_per_evaluator_per_day) as usize)
        .max()
        .unwrap_or(rules.max_per_evaluator_per_day as usize)
        .max(1)
}

/// A lower bound on the evaluator-days of any schedule that places all of `placeable`
/// (indexes into `events`).
pub fn lower_bound(
    events: &[Event],
    placeable: &[usize],
    data: &Dataset,
    rules: &EvaluationRules,
) -> usize {
    if placeable.is_empty() {
        return 0;
    }
    let per_school = rules.max_per_school_per_day.max(1) as usize;
    if !rules.one_school_per_evaluator_day {
        // An evaluator-day may span schools: only the evaluator's own limit bounds it.
        let c = max_daily_cap(data, rules);
        let slots: usize = placeable
            .iter()
            .map(|&i| events[i].panel_size as usize)
            .sum();
        let pmax = placeable
            .iter()
            .map(|&i| events[i].panel_size as usize)
            .max()
            .unwrap_or(0);
        return pmax.max(slots.div_ceil(c));
    }
    let c = max_daily_cap(data, rules).min(per_school);
    // host school → (count, smallest panel, slots)
    let mut by_school: BTreeMap<Id<School>, (usize, usize, usize)> = BTreeMap::new();
    for &i in placeable {
        let p = events[i].panel_size as usize;
        let e = by_school.entry(events[i].host).or_insert((0, p, 0));
        e.0 += 1;
        e.1 = e.1.min(p);
        e.2 += p;
    }
    by_school
        .values()
        .map(|&(k, p, slots)| day_split(k, p, c, per_school).0.max(slots.div_ceil(c)))
        .sum()
}

/// An upper bound on objective (1), the most evaluations of `evs` (indexes into the
/// events) any schedule places, by a maximum flow: each evaluation (1 unit) → (its
/// host, a usable day on which enough non-recused evaluators are free for its panel
/// and subject) → that day → sink. A (host, day) passes at most
/// `max_per_school_per_day` evaluations and no more than the seats of the evaluators
/// free that day and not recused by the host alone (host school, host district),
/// each counted at their daily limit (at most the school's limit with one school a
/// day), divided by the host's smallest panel; a day passes no more than the seats of
/// everyone free that day divided by the smallest panel. Every schedule is such a
/// flow, so the flow's value bounds it.
pub(super) fn most_placed(w: &World<'_>, evs: &[usize]) -> usize {
    use super::sitting::MaxFlow;
    use crate::rules::Recusal;
    let limit = i64::from(w.rules.max_per_school_per_day);
    let need_s = w.rules.min_same_subject as usize;
    let one_school = w.rules.one_school_per_evaluator_day;
    let host_recused = |m: usize, host: Id<School>| {
        let p = &w.people[m];
        (w.rules.recuse.contains(&Recusal::HostSchool) && p.school == Some(host))
            || (w.rules.recuse.contains(&Recusal::HostDistrict)
                && p.district == w.school_district[host])
    };
    let pmin_all = evs
        .iter()
        .map(|&e| i64::from(w.events[e].panel_size))
        .min()
        .unwrap_or(1)
        .max(1);
    let mut pmin_host: BTreeMap<Id<School>, i64> = BTreeMap::new();
    for &e in evs {
        let p = pmin_host.entry(w.events[e].host).or_insert(i64::MAX);
        *p = (*p).min(i64::from(w.events[e].panel_size).max(1));
    }
    // Nodes: 0 source, 1 sink, events, then (host, day) and day nodes as met.
    let mut g = MaxFlow::new(2 + evs.len());
    let mut nodes = 2 + evs.len();
    let mut host_day: BTreeMap<(Id<School>, i64), usize> = BTreeMap::new();
    let mut day_node: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, &e) in evs.iter().enumerate() {
        g.arc(0, 2 + i, 1);
        let host = w.events[e].host;
        let subject = w.event_subject[e];
        for &d in &w.event_days[e] {
            let free: Vec<usize> = (0..w.people.len())
                .filter(|&m| {
                    w.people[m].cap > 0 && !w.people[m].unavailable.contains(&d) && !w.recused(m, e)
                })
                .collect();
            if free.len() < w.events[e].panel_size as usize
                || free.iter().filter(|&&m| w.lists(m, subject)).count() < need_s
            {
                continue;
            }
            let hd = *host_day.entry((host, d)).or_insert_with(|| {
                nodes += 1;
                g.add_node();
                nodes - 1
            });
            g.arc(2 + i, hd, 1);
        }
    }
    let seats = |d: i64, host: Option<Id<School>>| -> i64 {
        (0..w.people.len())
            .filter(|&m| !w.people[m].unavailable.contains(&d))
            .filter(|&m| host.is_none_or(|h| !host_recused(m, h)))
            .map(|m| {
                let cap = i64::from(w.people[m].cap);
                if one_school && host.is_some() {
                    cap.min(limit)
                } else {
                    cap
                }
            })
            .sum()
    };
    for (&(host, d), &hd) in &host_day {
        let dn = *day_node.entry(d).or_insert_with(|| {
            nodes += 1;
            g.add_node();
            nodes - 1
        });
        let cap = limit.min(seats(d, Some(host)) / pmin_host[&host]);
        g.arc(hd, dn, cap);
    }
    for (&d, &dn) in &day_node {
        g.arc(dn, 1, seats(d, None) / pmin_all);
    }
    g.run(0, 1).max(0) as usize
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn split_prefers_full_evaluator_days() {
        // 8 evaluations, panel 3, 4 a day each, 6 a day per school: two days of 4
        // need 3 + 3 = 6 evaluator-days; 6 + 2 would need 5 + 3 = 8.
        assert_eq!(day_split(8, 3, 4, 6), (6, vec![4, 4]));
        assert_eq!(day_split(5, 3, 4, 6), (4, vec![5]));
        assert_eq!(day_split(1, 3, 4, 6), (3, vec![1]));
        assert_eq!(day_split(0, 3, 4, 6), (0, vec![]));
        assert_eq!(day_split(12, 3, 4, 6), (9, vec![4, 4, 4]));
    }

    #[test]
    fn day_cost_is_panel_or_slots() {
        assert_eq!(day_cost(6, 3, 4), 5);
        assert_eq!(day_cost(2, 3, 4), 3);
    }
}
