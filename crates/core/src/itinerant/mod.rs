//! Itinerant teaching (走教): shortage-subject lessons planned by weekday.
//!
//! Village schools lack music, art, PE, English, IT and psychology lessons; teachers of
//! nearby central and town schools have spare lessons. For each `[[itinerant.program]]`
//! in file order, every township (a (district, township) pair; or every district, for a
//! district-scope program) is planned on its own, in parallel, and each program uses
//! only the lessons, spare periods and weekdays that earlier programs left.
//!
//! Within a township the teacher–need graph falls apart into components (mostly one per
//! subject), each solved exactly by [`milp`] for the lexicographic objective: (1) most
//! periods covered, (2) fewest distinct itinerant teachers, (3) least Σ over (teacher,
//! weekday) of the home → host distance in metres, (4) the deterministic order of the
//! model (teachers, hosts and needs in input order). [`week`] then lays the chosen
//! visits out on weekdays, and [`check`] verifies every hard rule from the raw data
//! without any of the optimiser's structures.

pub mod check;
pub mod explain;
mod files;
mod milp;
pub mod reason;
mod unit;
mod week;

pub use files::{
    lesson_rows, uncovered_rows, ItinerantFigures, ITINERANT_HEADER, UNCOVERED_HEADER,
};
pub use reason::UncoveredReason;

use crate::model::{
    Dataset, Id, IdVec, LedgerEntry, School, SchoolId, Subject, Teacher, TeacherId,
};
use crate::rules::{ItinerantScope, Rules, Weekday};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One line of `itinerant.csv`: a teacher gives `periods` lessons of `subject` at
/// `host` on `weekday`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub program: String,
    pub teacher: TeacherId,
    pub home: SchoolId,
    pub host: SchoolId,
    pub subject: Subject,
    pub weekday: Weekday,
    pub periods: u32,
    /// Home → host, great-circle metres (0 when a school lacks coordinates).
    pub distance_m: u64,
}

/// Lessons a (school, subject) still lacks after every program, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncovered {
    pub school: SchoolId,
    pub subject: Subject,
    pub periods: u32,
    pub reason: UncoveredReason,
}

/// The whole itinerant plan of one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItinerantPlan {
    /// By home school (input order, so grouped by district), program (file order),
    /// teacher, weekday.
    pub lessons: Vec<Lesson>,
    /// By school (input order), then subject.
    pub uncovered: Vec<Uncovered>,
    /// Distinct teachers with at least one lesson (each is one person-time of form
    /// `itinerant`).
    pub teachers: u32,
    pub periods_needed: u64,
    pub periods_covered: u64,
    /// Σ over (teacher, weekday) of the home → host distance, metres.
    pub travel_m: u64,
    /// Whether every component was solved to proven optimality at every level.
    pub optimal: bool,
    /// Townships (or districts) planned, over all programs.
    pub units: u32,
    /// Components whose optimum was not proven, as "program/unit".
    pub unproven: Vec<String>,
}

impl ItinerantPlan {
    /// The teachers with lessons, sorted.
    pub fn teacher_ids(&self) -> BTreeSet<&TeacherId> {
        self.lessons.iter().map(|l| &l.teacher).collect()
    }

    /// The person-times of the plan as records of form `itinerant` in `year` (status
    /// planned, one year long): one per teacher with lessons, from the home school to
    /// the first host of the teacher's week, in the subject of that lesson. What
    /// `horizon` and `progress` count; never put in force as a ledger (an itinerant
    /// teacher stays at home and is not held back from an exchange).
    pub fn person_records(&self, year: i32) -> Vec<LedgerEntry> {
        let mut seen: BTreeSet<&TeacherId> = BTreeSet::new();
        self.lessons
            .iter()
            .filter(|l| seen.insert(&l.teacher))
            .map(|l| LedgerEntry {
                teacher: l.teacher.clone(),
                from_school: l.home.clone(),
                to_school: l.host.clone(),
                subject: l.subject.clone(),
                form: crate::model::Form::Itinerant,
                start_year: year,
                end_year: year,
                status: crate::model::LedgerStatus::Planned,
            })
            .collect()
    }

    /// The plan with the teacher ids of `to`, a copy of `from` with the same teachers
    /// in the same order (the pseudonyms of `--redact`).
    pub fn with_ids_of(&self, from: &Dataset, to: &Dataset) -> ItinerantPlan {
        let map: HashMap<&TeacherId, &TeacherId> = from
            .teachers
            .iter()
            .zip(&to.teachers)
            .map(|(a, b)| (&a.id, &b.id))
            .collect();
        let mut out = self.clone();
        for l in &mut out.lessons {
            if let Some(id) = map.get(&l.teacher) {
                l.teacher = (*id).clone();
            }
        }
        out
    }
}

/// Why an itinerant plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ItinerantError {
    /// A program's `when` gave an error (not true or false) for a teacher.
    #[error(
        "[[itinerant.program]] `{program}`: `when` failed for teacher {teacher}: {message} \
         (fix the expression so that it gives true or false for every teacher)"
    )]
    When {
        program: String,
        teacher: String,
        /// Boxed to keep the error small.
        message: Box<crate::rules::EvalError>,
    },
    /// The solver failed on a component (not a time limit: that gives `optimal: false`).
    #[error("the itinerant solver failed on {unit}: {source}")]
    Solver {
        unit: String,
        source: good_lp::ResolutionError,
    },
    /// The independent checker found a broken hard rule: a bug, nothing is written.
    #[error("the itinerant plan failed the independent check (a bug; nothing was written):\n{}", .0.join("\n"))]
    Verification(Vec<String>),
}

/// What an itinerant plan is made from.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub data: &'a Dataset,
    pub rules: &'a Rules,
    pub year: i32,
    /// Teachers moved by the year's exchange plan (when `plan` runs it); with the
    /// ledger's exchanges covering the year they take no part.
    pub moved: &'a BTreeSet<TeacherId>,
}

/// A (school, subject) need, its rows added up. The year's needs are an
/// `IdVec<NeedRow, _>`: an `Id<NeedRow>` names one across the module's files.
#[derive(Debug, Clone)]
pub(crate) struct NeedRow {
    pub school: Id<School>,
    pub subject: Subject,
    pub periods: u32,
}

/// The needs of `data`, one per (school, subject), by school (input order) then first
/// appearance of the subject. Rows naming unknown schools are skipped (loading has
/// rejected them already).
pub(crate) fn need_rows(
    data: &Dataset,
    school_idx: &HashMap<&str, Id<School>>,
) -> IdVec<NeedRow, NeedRow> {
    let mut at: HashMap<(Id<School>, &Subject), usize> = HashMap::new();
    let mut rows: Vec<NeedRow> = Vec::new();
    for n in &data.itinerant.needs {
        let Some(&s) = school_idx.get(n.school.as_str()) else {
            continue;
        };
        match at.get(&(s, &n.subject)) {
            Some(&i) => rows[i].periods = rows[i].periods.saturating_add(n.periods),
            None => {
                at.insert((s, &n.subject), rows.len());
                rows.push(NeedRow {
                    school: s,
                    subject: n.subject.clone(),
                    periods: n.periods,
                });
            }
        }
    }
    // Stable: subjects keep their first appearance within a school.
    rows.sort_by_key(|r| r.school);
    IdVec::from_vec(rows)
}

/// Whether a ledger exchange keeps its teacher away in `year`.
fn away_by_ledger(e: &LedgerEntry, year: i32) -> bool {
    e.covers(year)
}

/// The unit (township or district) of a school under `scope`; `None` for a school
/// without a township under township scope.
pub(crate) fn unit_key(
    school: &crate::model::School,
    scope: ItinerantScope,
) -> Option<(String, String)> {
    match scope {
        ItinerantScope::Township => school
            .township
            .as_ref()
            .map(|t| (school.district.clone(), t.clone())),
        ItinerantScope::District => Some((school.district.clone(), String::new())),
    }
}

/// Display name of a unit: `district/township` or `district`.
fn unit_name(key: &(String, String)) -> String {
    if key.1.is_empty() {
        key.0.clone()
    } else {
        format!("{}/{}", key.0, key.1)
    }
}

/// (home school, program, teacher, weekday, host school): the order of lessons.
type LessonKey = (Id<School>, usize, Id<Teacher>, Weekday, Id<School>);

/// Per-teacher state carried from program to program.
#[derive(Debug, Clone)]
struct Left {
    spare: u32,
    days_used: [bool; 5],
}

/// Plans every program for the year and checks the result independently.
pub fn plan(ctx: &Context<'_>) -> Result<ItinerantPlan, ItinerantError> {
    let data = ctx.data;
    let school_idx: HashMap<&str, Id<School>> = data.school_positions();
    let needs = need_rows(data, &school_idx);
    // INVARIANT: one row per row of `needs`, so every `Id<NeedRow>` (all made from
    // `needs`) indexes both.
    let mut remaining: IdVec<NeedRow, u32> =
        IdVec::from_vec(needs.iter().map(|n| n.periods).collect());
    let away: BTreeSet<&TeacherId> = data
        .ledger
        .iter()
        .filter(|e| away_by_ledger(e, ctx.year))
        .map(|e| &e.teacher)
        .chain(ctx.moved.iter())
        .collect();
    // Teachers who could ever take part: spare lessons, a status in [eligibility]
    // statuses, not away, at a known school. Input order.
    let mut pool: Vec<(Id<Teacher>, Id<School>)> = Vec::new();
    let mut left: HashMap<Id<Teacher>, Left> = HashMap::new();
    for (ti, t) in data.teacher_ids().zip(&data.teachers) {
        let spare = data.itinerant.spare(&t.id);
        if spare == 0 || !ctx.rules.eligibility.statuses.contains(&t.status) || away.contains(&t.id)
        {
            continue;
        }
        let Some(&si) = school_idx.get(t.school.as_str()) else {
            continue;
        };
        pool.push((ti, si));
        left.insert(
            ti,
            Left {
                spare,
                days_used: [false; 5],
            },
        );
    }
    let mut lessons: Vec<Lesson> = Vec::new();
    let mut optimal = true;
    let mut units = 0u32;
    let mut unproven = Vec::new();
    let mut travel_m = 0u64;
    let mut keyed = Vec::new();
    for (pi, program) in ctx.rules.itinerant.programs.iter().enumerate() {
        let mut takes_part: Vec<(Id<Teacher>, Id<School>)> = Vec::new();
        for &(ti, si) in &pool {
            let t = data.teacher(ti);
            // INVARIANT: every teacher of `pool` has a row in `left` (added together).
            let l = &left[&ti];
            let free = program.days.iter().any(|d| !l.days_used[d.index()]);
            if l.spare == 0 || !free {
                continue;
            }
            if let Some(when) = &program.when {
                let c = crate::rules::ExclusionContext {
                    teacher: t,
                    school: data.school(si),
                    year: ctx.year,
                    retirement_age: ctx.rules.retirement_age(t.gender),
                };
                match when.eval(&c) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(message) => {
                        return Err(ItinerantError::When {
                            program: program.id.clone(),
                            teacher: t.id.to_string(),
                            message: Box::new(message),
                        })
                    }
                }
            }
            takes_part.push((ti, si));
        }
        let tasks = unit::units(
            data,
            ctx.rules,
            program,
            &needs,
            &remaining,
            &takes_part,
            |ti| {
                // INVARIANT: `takes_part` is drawn from `pool`, whose teachers have a row.
                let l = &left[&ti];
                let days: Vec<Weekday> = program
                    .days
                    .iter()
                    .copied()
                    .filter(|d| !l.days_used[d.index()])
                    .collect();
                (l.spare, days)
            },
        );
        units += u32::try_from(tasks.len()).unwrap_or(u32::MAX);
        let solved: Vec<Result<Vec<milp::Solved>, ItinerantError>> = tasks
            .par_iter()
            .map(|u| {
                u.comps
                    .iter()
                    .map(|c| {
                        milp::solve(c).map_err(|source| ItinerantError::Solver {
                            unit: format!("{}/{}", program.id, unit_name(&u.key)),
                            source,
                        })
                    })
                    .collect()
            })
            .collect();
        // (home school, program, teacher, weekday, host): the lesson order.
        let mut mine: Vec<(LessonKey, Lesson)> = Vec::new();
        for (u, res) in tasks.iter().zip(solved) {
            for (c, s) in u.comps.iter().zip(res?) {
                if !s.optimal {
                    optimal = false;
                    unproven.push(format!("{}/{}", program.id, unit_name(&u.key)));
                }
                for w in week::lay_out(c, &s, program) {
                    let l = left.entry(w.teacher).or_insert(Left {
                        spare: 0,
                        days_used: [false; 5],
                    });
                    for d in w.lessons {
                        l.spare = l.spare.saturating_sub(d.periods);
                        l.days_used[d.weekday.index()] = true;
                        remaining[d.need] = remaining[d.need].saturating_sub(d.periods);
                        mine.push((
                            (w.home, pi, w.teacher, d.weekday, d.host),
                            Lesson {
                                program: program.id.clone(),
                                teacher: data.teacher(w.teacher).id.clone(),
                                home: data.school(w.home).id.clone(),
                                host: data.school(d.host).id.clone(),
                                subject: needs[d.need].subject.clone(),
                                weekday: d.weekday,
                                periods: d.periods,
                                distance_m: d.distance_m,
                            },
                        ));
                    }
                }
            }
        }
        keyed.append(&mut mine);
    }
    // Stable: lessons of one (teacher, weekday, host) keep their need order. Schools
    // are grouped by district, so the lessons are too (what `merge` relies on).
    keyed.sort_by_key(|(k, _)| *k);
    lessons.extend(keyed.into_iter().map(|(_, l)| l));
    unproven.dedup();
    // Travel: each (teacher, weekday) once.
    let mut seen: BTreeSet<(&TeacherId, Weekday)> = BTreeSet::new();
    for l in &lessons {
        if seen.insert((&l.teacher, l.weekday)) {
            travel_m += l.distance_m;
        }
    }
    let uncovered = reason::uncovered(ctx, &needs, &remaining, &school_idx, &away);
    let periods_needed: u64 = needs.iter().map(|n| u64::from(n.periods)).sum();
    let periods_covered: u64 = lessons.iter().map(|l| u64::from(l.periods)).sum();
    let teachers = u32::try_from(
        lessons
            .iter()
            .map(|l| &l.teacher)
            .collect::<BTreeSet<_>>()
            .len(),
    )
    .unwrap_or(u32::MAX);
    let plan = ItinerantPlan {
        lessons,
        uncovered,
        teachers,
        periods_needed,
        periods_covered,
        travel_m,
        optimal,
        units,
        unproven,
    };
    let violations = check::check(ctx, &plan);
    if !violations.is_empty() {
        return Err(ItinerantError::Verification(
            violations.iter().map(ToString::to_string).collect(),
        ));
    }
    Ok(plan)
}

/// The teachers taking part in itinerant teaching, by (teacher, lesson count), for
/// counting person-times: every teacher with a lesson is one.
pub fn person_times(plan: &ItinerantPlan) -> BTreeMap<&TeacherId, u32> {
    let mut out: BTreeMap<&TeacherId, u32> = BTreeMap::new();
    for l in &plan.lessons {
        *out.entry(&l.teacher).or_default() += l.periods;
    }
    out
}
