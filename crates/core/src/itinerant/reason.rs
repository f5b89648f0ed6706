//! Why lessons stay uncovered: typed reasons, rendered separately.

use super::unit::{km, metres};
use super::{unit_key, Context, NeedRow, Uncovered};
use crate::model::{Id, IdVec, School, Teacher, TeacherId};
use std::collections::{BTreeSet, HashMap};

/// Why a school still lacks lessons of a subject after every program. When several
/// programs cover the subject, the reason of the one that got furthest is given.
/// (Serialized, tagged by [`UncoveredReason::id`], in a shard's report inputs.)
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "id", rename_all = "snake_case")]
pub enum UncoveredReason {
    /// No `[[itinerant.program]]` lists the subject.
    NoProgram,
    /// Only township programs list the subject, and the school has no township.
    NoTownship,
    /// No other school in the township (or district) has a teacher of the subject
    /// (or a substitute) with spare lessons.
    NoTeacher,
    /// Such teachers exist, but none may take part: status not in [eligibility]
    /// statuses, on an exchange this year, or the program's `when` is false.
    #[serde(rename = "teachers_unavailable")]
    Unavailable { teachers: u32 },
    /// Those who may take part are all farther than the program's `max_km`.
    #[serde(rename = "beyond_max_km")]
    TooFar {
        teachers: u32,
        nearest_m: u64,
        max_km: f64,
    },
    /// Teachers within reach exist, but their spare lessons, free weekdays or school
    /// limits are used up by the optimal plan (or other needs share them).
    CapacityUsed { teachers: u32 },
}

impl UncoveredReason {
    /// The reason's id, as written in `itinerant_uncovered.csv`.
    pub fn id(&self) -> &'static str {
        match self {
            UncoveredReason::NoProgram => "no_program",
            UncoveredReason::NoTownship => "no_township",
            UncoveredReason::NoTeacher => "no_teacher",
            UncoveredReason::Unavailable { .. } => "teachers_unavailable",
            UncoveredReason::TooFar { .. } => "beyond_max_km",
            UncoveredReason::CapacityUsed { .. } => "capacity_used",
        }
    }

    /// A sentence for people, in English.
    pub fn detail(&self) -> String {
        match self {
            UncoveredReason::NoProgram => {
                "no [[itinerant.program]] covers this subject".to_string()
            }
            UncoveredReason::NoTownship => {
                "the school has no township, and only township programs cover this subject"
                    .to_string()
            }
            UncoveredReason::NoTeacher => "no teacher of this subject at another school of the \
                 township (or district) has spare lessons"
                .to_string(),
            UncoveredReason::Unavailable { teachers } => format!(
                "{teachers} teacher(s) with spare lessons may not take part (status, on \
                 exchange this year, or the program's `when`)"
            ),
            UncoveredReason::TooFar {
                teachers,
                nearest_m,
                max_km,
            } => format!(
                "{teachers} teacher(s) may take part but the nearest is {:.1} km away \
                 (max_km {max_km})",
                *nearest_m as f64 / 1000.0
            ),
            UncoveredReason::CapacityUsed { teachers } => format!(
                "the {teachers} teacher(s) within reach have no spare lessons, free weekdays \
                 or school places left in the optimal plan"
            ),
        }
    }

    /// Rank: a later stage wins when programs disagree.
    fn stage(&self) -> u8 {
        match self {
            UncoveredReason::NoProgram => 0,
            UncoveredReason::NoTownship => 1,
            UncoveredReason::NoTeacher => 2,
            UncoveredReason::Unavailable { .. } => 3,
            UncoveredReason::TooFar { .. } => 4,
            UncoveredReason::CapacityUsed { .. } => 5,
        }
    }
}

/// (teacher, home school) of the teachers with spare lessons, by unit.
type UnitTeachers = HashMap<(String, String), Vec<(Id<Teacher>, Id<School>)>>;

/// The uncovered needs with their reasons, by school then subject order.
pub(super) fn uncovered(
    ctx: &Context<'_>,
    needs: &IdVec<NeedRow, NeedRow>,
    remaining: &IdVec<NeedRow, u32>,
    school_idx: &HashMap<&str, Id<School>>,
    away: &BTreeSet<&TeacherId>,
) -> Vec<Uncovered> {
    let data = ctx.data;
    // Teachers with spare lessons, by program and unit.
    let programs = &ctx.rules.itinerant.programs;
    let mut by_unit: Vec<UnitTeachers> = vec![HashMap::new(); programs.len()];
    for (ti, t) in data.teacher_ids().zip(&data.teachers) {
        if data.itinerant.spare(&t.id) == 0 {
            continue;
        }
        let Some(&hi) = school_idx.get(t.school.as_str()) else {
            continue;
        };
        for (pi, p) in programs.iter().enumerate() {
            if let Some(key) = unit_key(data.school(hi), p.scope) {
                by_unit[pi].entry(key).or_default().push((ti, hi));
            }
        }
    }
    let none = Vec::new();
    let mut out = Vec::new();
    for (k, n) in needs.iter_enumerated() {
        if remaining[k] == 0 {
            continue;
        }
        let school = data.school(n.school);
        let mut best = UncoveredReason::NoProgram;
        for (pi, p) in programs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.subjects.contains(&n.subject))
        {
            let Some(key) = unit_key(school, p.scope) else {
                if best.stage() < 1 {
                    best = UncoveredReason::NoTownship;
                }
                continue;
            };
            let (mut with_spare, mut may, mut near) = (0u32, 0u32, 0u32);
            let mut nearest: Option<u64> = None;
            for &(ti, hi) in by_unit[pi].get(&key).unwrap_or(&none) {
                let t = data.teacher(ti);
                if hi == n.school || !ctx.rules.subject_fits(&t.subject, &n.subject) {
                    continue;
                }
                let home = data.school(hi);
                with_spare += 1;
                let when_ok = p.when.as_ref().is_none_or(|w| {
                    w.eval(&crate::rules::ExclusionContext {
                        teacher: t,
                        school: home,
                        year: ctx.year,
                        retirement_age: ctx.rules.retirement_age(t.gender),
                    })
                    .unwrap_or(false)
                });
                if !ctx.rules.eligibility.statuses.contains(&t.status)
                    || away.contains(&t.id)
                    || !when_ok
                {
                    continue;
                }
                may += 1;
                match (home.coord, school.coord) {
                    (Some(a), Some(b)) if km(a, b) > p.max_km => {
                        let d = metres(km(a, b));
                        nearest = Some(nearest.map_or(d, |x| x.min(d)));
                    }
                    _ => near += 1,
                }
            }
            let r = if near > 0 {
                UncoveredReason::CapacityUsed { teachers: near }
            } else if may > 0 {
                UncoveredReason::TooFar {
                    teachers: may,
                    nearest_m: nearest.unwrap_or(0),
                    max_km: p.max_km,
                }
            } else if with_spare > 0 {
                UncoveredReason::Unavailable {
                    teachers: with_spare,
                }
            } else {
                UncoveredReason::NoTeacher
            };
            if r.stage() > best.stage() {
                best = r;
            }
        }
        out.push(Uncovered {
            school: school.id.clone(),
            subject: n.subject.clone(),
            periods: remaining[k],
            reason: best,
        });
    }
    out
}
