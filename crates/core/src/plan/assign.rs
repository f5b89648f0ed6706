//! Turns an aggregated solution back into named teachers and schools.
//!
//! The counts per class and per post group are fixed by the solver; what is left is
//! who goes and where exactly, which cannot change objectives (1) and (2). Tie-breaks:
//! within a class (school, subject, backbone, volunteer), longer tenure at the school
//! first, then older, then teacher id; each post group's arrivals are routed to its
//! member schools by shortest total distance (exact min-cost transport).

use super::milp::ComponentSolution;
use super::pairs::distance_km;
use super::problem::Component;
use super::transport::transport;
use crate::model::{Dataset, Id, Move, School, Subject, Teacher};
use std::collections::BTreeMap;

/// Eligible teachers per (school, subject), each list in preference order.
pub type Candidates = BTreeMap<(Id<School>, Subject), Vec<Id<Teacher>>>;

/// Orders candidates the way the tie-breaks say: longer tenure, older, then id.
pub fn preference_order(data: &Dataset, list: &mut [Id<Teacher>]) {
    list.sort_by(|&a, &b| {
        let (ta, tb) = (data.teacher(a), data.teacher(b));
        (ta.joined_school_year, ta.birth_year, &ta.id).cmp(&(
            tb.joined_school_year,
            tb.birth_year,
            &tb.id,
        ))
    });
}

fn metres(data: &Dataset, s: usize, r: usize) -> i64 {
    distance_km(&data.schools[s], &data.schools[r]).map_or(0, |km| (km * 1000.0).round() as i64)
}

pub fn assign(
    data: &Dataset,
    comp: &Component,
    sol: &ComponentSolution,
    candidates: &Candidates,
) -> Vec<Move> {
    // Destinations per supply: (metres, school, subject, priority).
    let mut dest: Vec<Vec<(i64, usize, Subject, u32)>> = vec![Vec::new(); comp.supplies.len()];
    let mut arcs_of_group: BTreeMap<usize, Vec<(usize, u32)>> = BTreeMap::new();
    for (a, &(si, gi)) in comp.arcs.iter().enumerate() {
        if sol.arc_flow[a] > 0 {
            arcs_of_group
                .entry(gi)
                .or_default()
                .push((si, sol.arc_flow[a]));
        }
    }
    for (gi, arcs) in arcs_of_group {
        let g = &comp.groups[gi];
        // Inflow per sending school, then route it to member schools.
        let mut by_sender: BTreeMap<usize, Vec<(usize, u32)>> = BTreeMap::new();
        for (si, f) in arcs {
            by_sender
                .entry(comp.supplies[si].sender)
                .or_default()
                .push((si, f));
        }
        let senders: Vec<usize> = by_sender.keys().copied().collect();
        let supply: Vec<u32> = by_sender
            .values()
            .map(|v| v.iter().map(|x| x.1).sum())
            .collect();
        let capacity: Vec<u32> = g.members.iter().map(|m| m.1).collect();
        let cost: Vec<Vec<i64>> = senders
            .iter()
            .map(|&p| {
                let s = comp.senders[p].school;
                g.members.iter().map(|&(r, _)| metres(data, s, r)).collect()
            })
            .collect();
        let flow = transport(&supply, &capacity, &cost);
        for (i, (_, sup)) in by_sender.iter().enumerate() {
            let mut units: Vec<(i64, usize)> = Vec::new();
            for (j, &(r, _)) in g.members.iter().enumerate() {
                for _ in 0..flow[i][j] {
                    units.push((cost[i][j], r));
                }
            }
            units.sort_unstable();
            let mut it = units.into_iter();
            for &(si, f) in sup {
                for (m, r) in it.by_ref().take(f as usize) {
                    dest[si].push((m, r, g.subject.clone(), g.priority));
                }
            }
        }
    }
    let mut moves = Vec::new();
    for (si, sup) in comp.supplies.iter().enumerate() {
        if dest[si].is_empty() {
            continue;
        }
        let school = comp.senders[sup.sender].school;
        if let Some(t) = sup.teacher {
            // A pinned teacher's own supply: that teacher, to the one destination.
            if let Some((_, r, subject, priority)) = dest[si].pop() {
                moves.push(Move {
                    teacher: Id::new(t),
                    from: Id::new(school),
                    to: Id::new(r),
                    subject,
                    priority,
                });
            }
            continue;
        }
        let pool = candidates
            .get(&(Id::new(school), sup.subject.clone()))
            .map_or(&[][..], Vec::as_slice);
        let mut chosen: Vec<Id<Teacher>> = Vec::new();
        for b in 0..2 {
            for v in 0..2 {
                let want = sol.class_flow[si][b][v] as usize;
                chosen.extend(
                    pool.iter()
                        .copied()
                        .filter(|&t| {
                            let t = data.teacher(t);
                            usize::from(sup.mandatory_leaders || t.is_backbone()) == b
                                && usize::from(t.volunteer) == v
                        })
                        .take(want),
                );
            }
        }
        preference_order(data, &mut chosen);
        dest[si].sort();
        for (t, (_, r, subject, priority)) in chosen.into_iter().zip(dest[si].drain(..)) {
            moves.push(Move {
                teacher: t,
                from: Id::new(school),
                to: Id::new(r),
                subject,
                priority,
            });
        }
    }
    moves
}
