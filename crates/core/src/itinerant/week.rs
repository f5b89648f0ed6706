//! Laying a component's solution out on weekdays.
//!
//! A teacher who spends `n` days at a host gives the lessons there on `n` distinct free
//! weekdays, spread over the week (two visits of five days: Monday and Wednesday), as
//! evenly as the per-day limit allows; hosts in school order. `n` is the fewest days
//! the lessons need (⌈lessons / max_periods_per_day⌉), which is what the travel level
//! of the optimum pays for.

use super::milp::Solved;
use super::unit::Comp;
use super::NeedRow;
use crate::model::{Id, School, Teacher};
use crate::rules::{ItinerantProgram, Weekday};

/// Lessons of one teacher on one weekday at one host, for one need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DayLesson {
    pub host: Id<School>,
    /// The year's need it serves.
    pub need: Id<NeedRow>,
    pub weekday: Weekday,
    pub periods: u32,
    pub distance_m: u64,
}

/// One teacher's week.
#[derive(Debug, Clone)]
pub(super) struct Week {
    pub teacher: Id<Teacher>,
    pub home: Id<School>,
    pub lessons: Vec<DayLesson>,
}

pub(super) fn lay_out(c: &Comp, s: &Solved, program: &ItinerantProgram) -> Vec<Week> {
    let m = program.max_periods_per_day.max(1);
    let mut out = Vec::new();
    for (ti, t) in c.teachers.iter().enumerate() {
        // (group, lessons there, days there), in group (host) order.
        let visits: Vec<(usize, u32, u32)> = c
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.teacher == ti)
            .filter_map(|(gi, _)| {
                let total: u32 = s.x[gi].iter().sum();
                (total > 0).then(|| (gi, total, total.div_ceil(m)))
            })
            .collect();
        if visits.is_empty() {
            continue;
        }
        let slots: usize = visits.iter().map(|v| v.2 as usize).sum();
        let free = &t.days;
        // INVARIANT: the MILP bounds Σ days ≤ free days and lessons ≤ m · days, and
        // ⌈lessons / m⌉ ≤ the days it chose; so slots ≤ free.len().
        let day_of = |k: usize| free[(k * free.len()) / slots.max(1)];
        let mut lessons = Vec::new();
        let mut k = 0usize;
        for (gi, total, days) in visits {
            let g = &c.groups[gi];
            // Per-need lessons still to place at this host, in the group's need order.
            let mut todo: Vec<(Id<NeedRow>, u32)> = g
                .needs
                .iter()
                .zip(&s.x[gi])
                .filter(|(_, &x)| x > 0)
                .map(|(&kk, &x)| (c.needs[kk].need, x))
                .collect();
            let mut ni = 0usize;
            for d in 0..days {
                // Even split: the first (total mod days) days take one lesson more.
                let mut quota = total / days + u32::from(d < total % days);
                let weekday = day_of(k);
                k += 1;
                while quota > 0 && ni < todo.len() {
                    let take = quota.min(todo[ni].1);
                    lessons.push(DayLesson {
                        host: g.host,
                        need: todo[ni].0,
                        weekday,
                        periods: take,
                        distance_m: g.distance_m,
                    });
                    quota -= take;
                    todo[ni].1 -= take;
                    if todo[ni].1 == 0 {
                        ni += 1;
                    }
                }
            }
        }
        lessons.sort_by_key(|l| (l.weekday, l.host, l.need));
        out.push(Week {
            teacher: t.teacher,
            home: t.home,
            lessons,
        });
    }
    out
}
