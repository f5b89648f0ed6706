//! The instances of one program: per township (or district), the teachers who may
//! take part, the needs they may serve, and the components of that bipartite graph.

use super::{unit_key, NeedRow};
use crate::model::{Dataset, Id, IdVec, School, Teacher};
use crate::rules::{ItinerantProgram, Rules, Weekday};
use std::collections::BTreeMap;

/// A teacher of a component.
#[derive(Debug, Clone)]
pub(super) struct CompTeacher {
    pub teacher: Id<Teacher>,
    /// The home school.
    pub home: Id<School>,
    /// Spare lessons left.
    pub spare: u32,
    /// Weekdays still free in this program, in week order.
    pub days: Vec<Weekday>,
}

/// The lessons one teacher may give at one host: the needs there that fit.
#[derive(Debug, Clone)]
pub(super) struct HostGroup {
    /// Index into `Comp::teachers`.
    pub teacher: usize,
    /// The host school.
    pub host: Id<School>,
    /// Home → host, metres (0 without coordinates).
    pub distance_m: u64,
    /// Indices into `Comp::needs`.
    pub needs: Vec<usize>,
}

/// A need of a component.
#[derive(Debug, Clone)]
pub(super) struct CompNeed {
    /// The year's need.
    pub need: Id<NeedRow>,
    /// Periods still lacking.
    pub periods: u32,
}

/// One connected component: solved on its own.
#[derive(Debug, Clone)]
pub(super) struct Comp {
    pub teachers: Vec<CompTeacher>,
    pub needs: Vec<CompNeed>,
    /// By teacher, then host school.
    pub groups: Vec<HostGroup>,
    pub max_periods_per_day: u32,
    pub max_schools: u32,
}

/// A township (or district) of one program.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub key: (String, String),
    pub comps: Vec<Comp>,
}

/// Great-circle distance in km: the one distance function (`plan/geo.rs`).
pub(super) use crate::model::great_circle_km as km;

/// Metres, rounded, for the integer travel objective.
pub(super) fn metres(km: f64) -> u64 {
    // Distances are at most half the Earth's circumference: the cast cannot overflow.
    (km * 1000.0).round().max(0.0) as u64
}

/// Builds the units of `program` with needs left. `takes_part` are (teacher, home
/// school) of the teachers who may take part, in input order; `state` gives a
/// teacher's spare lessons and free weekdays left.
pub(super) fn units(
    data: &Dataset,
    rules: &Rules,
    program: &ItinerantProgram,
    needs: &IdVec<NeedRow, NeedRow>,
    remaining: &IdVec<NeedRow, u32>,
    takes_part: &[(Id<Teacher>, Id<School>)],
    state: impl Fn(Id<Teacher>) -> (u32, Vec<Weekday>),
) -> Vec<Unit> {
    type Key = (String, String);
    let mut by_unit: BTreeMap<Key, (Vec<Id<NeedRow>>, Vec<usize>)> = BTreeMap::new();
    for (k, n) in needs.iter_enumerated() {
        if remaining[k] == 0 || !program.subjects.contains(&n.subject) {
            continue;
        }
        if let Some(key) = unit_key(data.school(n.school), program.scope) {
            by_unit.entry(key).or_default().0.push(k);
        }
    }
    for (i, &(_, si)) in takes_part.iter().enumerate() {
        if let Some(key) = unit_key(data.school(si), program.scope) {
            if let Some(e) = by_unit.get_mut(&key) {
                e.1.push(i);
            }
        }
    }
    let mut out = Vec::new();
    for (key, (unit_needs, unit_teachers)) in by_unit {
        let comps = components(
            data,
            rules,
            program,
            needs,
            remaining,
            &unit_needs,
            unit_teachers.iter().map(|&i| takes_part[i]),
            &state,
        );
        if !comps.is_empty() {
            out.push(Unit { key, comps });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn components(
    data: &Dataset,
    rules: &Rules,
    program: &ItinerantProgram,
    needs: &IdVec<NeedRow, NeedRow>,
    remaining: &IdVec<NeedRow, u32>,
    unit_needs: &[Id<NeedRow>],
    teachers: impl Iterator<Item = (Id<Teacher>, Id<School>)>,
    state: &impl Fn(Id<Teacher>) -> (u32, Vec<Weekday>),
) -> Vec<Comp> {
    // Edges teacher → needs, grouped by host. Node ids: teachers 0..T, needs T+k
    // (positions in `cts` and `unit_needs`: the union-find's own).
    let mut cts: Vec<CompTeacher> = Vec::new();
    let mut groups: Vec<(usize, Id<School>, u64, Vec<usize>)> = Vec::new();
    for (ti, home) in teachers {
        let t = data.teacher(ti);
        let (spare, days) = state(ti);
        if spare == 0 || days.is_empty() {
            continue;
        }
        let hs = data.school(home);
        let mut mine: BTreeMap<Id<School>, (u64, Vec<usize>)> = BTreeMap::new();
        for (j, &k) in unit_needs.iter().enumerate() {
            let n = &needs[k];
            if n.school == home || !rules.subject_fits(&t.subject, &n.subject) {
                continue;
            }
            let host = data.school(n.school);
            let d = match (hs.coord, host.coord) {
                (Some(a), Some(b)) => {
                    let d = km(a, b);
                    if d > program.max_km {
                        continue;
                    }
                    metres(d)
                }
                _ => 0,
            };
            mine.entry(n.school).or_insert((d, Vec::new())).1.push(j);
        }
        if mine.is_empty() {
            continue;
        }
        let c = cts.len();
        cts.push(CompTeacher {
            teacher: ti,
            home,
            spare,
            days,
        });
        for (host, (d, js)) in mine {
            groups.push((c, host, d, js));
        }
    }
    // Union-find over teachers and unit needs.
    let nt = cts.len();
    let mut parent: Vec<usize> = (0..nt + unit_needs.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (c, _, _, js) in &groups {
        for &j in js {
            let (a, b) = (find(&mut parent, *c), find(&mut parent, nt + j));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    // Components in order of their first teacher; members keep input order.
    let mut comp_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut comps: Vec<Comp> = Vec::new();
    // Each teacher's position in their component, in teacher order.
    let mut teacher_pos: Vec<usize> = Vec::with_capacity(nt);
    let mut need_pos: Vec<Option<(usize, usize)>> = vec![None; unit_needs.len()];
    for (c, ct) in cts.iter().enumerate() {
        let root = find(&mut parent, c);
        let ci = *comp_of.entry(root).or_insert_with(|| {
            comps.push(Comp {
                teachers: Vec::new(),
                needs: Vec::new(),
                groups: Vec::new(),
                max_periods_per_day: program.max_periods_per_day,
                max_schools: program.max_schools_per_teacher,
            });
            comps.len() - 1
        });
        teacher_pos.push(comps[ci].teachers.len());
        comps[ci].teachers.push(ct.clone());
    }
    for (c, host, d, js) in groups {
        let ci = comp_of[&find(&mut parent, c)];
        let mut local = Vec::with_capacity(js.len());
        for j in js {
            let pos = match need_pos[j] {
                Some((_, p)) => p,
                None => {
                    let p = comps[ci].needs.len();
                    comps[ci].needs.push(CompNeed {
                        need: unit_needs[j],
                        periods: remaining[unit_needs[j]],
                    });
                    need_pos[j] = Some((ci, p));
                    p
                }
            };
            local.push(pos);
        }
        comps[ci].groups.push(HostGroup {
            teacher: teacher_pos[c],
            host,
            distance_m: d,
            needs: local,
        });
    }
    comps
}
