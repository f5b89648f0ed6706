//! The checker against injected violations (one test per kind), and the optimiser
//! against brute-force enumeration on tiny townships, level by level.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::itinerant::check::{check, ViolationKind};
use crate::itinerant::{plan, Context, ItinerantPlan};
use crate::model::{Dataset, ItinerantNeed, School, SchoolId, Status, Subject, TeacherId};
use crate::rules::{parse_rules, Expr, Rules, Weekday};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

fn fixture() -> Dataset {
    super::fixture("itinerant-township")
}

fn defaults() -> Rules {
    parse_rules("", "defaults", &[]).unwrap()
}

fn solved(data: &Dataset, rules: &Rules) -> ItinerantPlan {
    let moved = BTreeSet::new();
    plan(&Context {
        data,
        rules,
        year: 2021,
        moved: &moved,
    })
    .unwrap()
}

fn kinds(
    data: &Dataset,
    rules: &Rules,
    moved: &BTreeSet<TeacherId>,
    p: &ItinerantPlan,
) -> BTreeSet<ViolationKind> {
    let ctx = Context {
        data,
        rules,
        year: 2021,
        moved,
    };
    check(&ctx, p).into_iter().map(|v| v.kind).collect()
}

type Edit<'a> = (
    &'a mut ItinerantPlan,
    &'a mut Dataset,
    &'a mut Rules,
    &'a mut BTreeSet<TeacherId>,
);

/// The fixture's plan with `edit` applied (to the plan, the data or the rules) is
/// rejected with `kind`.
fn rejects(kind: ViolationKind, edit: impl FnOnce(Edit<'_>)) {
    let mut data = fixture();
    let mut rules = defaults();
    let mut p = solved(&data, &rules);
    let mut moved = BTreeSet::new();
    assert!(kinds(&data, &rules, &moved, &p).is_empty());
    edit((&mut p, &mut data, &mut rules, &mut moved));
    let found = kinds(&data, &rules, &moved, &p);
    assert!(found.contains(&kind), "{kind:?} not in {found:?}");
}

/// Index of the lesson of `teacher` at `host`.
fn at(p: &ItinerantPlan, teacher: &str, host: &str) -> usize {
    p.lessons
        .iter()
        .position(|l| l.teacher.as_str() == teacher && l.host.as_str() == host)
        .unwrap()
}

#[test]
fn the_fixture_plan_is_the_derived_one() {
    let p = solved(&fixture(), &defaults());
    assert_eq!(
        (p.periods_needed, p.periods_covered, p.teachers, p.travel_m),
        (19, 12, 2, 16_680)
    );
    assert!(p.optimal);
}

#[test]
fn rejects_unknown_program_teacher_school() {
    rejects(ViolationKind::UnknownProgram, |(p, ..)| {
        p.lessons[0].program = "nope".into()
    });
    rejects(ViolationKind::UnknownTeacher, |(p, ..)| {
        p.lessons[0].teacher = TeacherId::from("X9")
    });
    rejects(ViolationKind::UnknownSchool, |(p, ..)| {
        p.lessons[0].host = SchoolId::from("NOPE")
    });
    rejects(ViolationKind::WrongHome, |(p, ..)| {
        p.lessons[0].home = SchoolId::from("V3")
    });
}

#[test]
fn rejects_zero_periods() {
    rejects(ViolationKind::ZeroPeriods, |(p, ..)| {
        p.lessons[0].periods = 0
    });
}

#[test]
fn rejects_a_status_not_allowed() {
    rejects(ViolationKind::Status, |(_, d, ..)| {
        d.teachers[0].status = Status::Sick
    });
}

#[test]
fn rejects_a_teacher_on_exchange() {
    rejects(ViolationKind::OnExchange, |(_, _, _, moved)| {
        moved.insert(TeacherId::from("T1"));
    });
}

#[test]
fn rejects_a_teacher_the_program_does_not_take() {
    // T1 is a county backbone teacher.
    rejects(ViolationKind::NotInProgram, |(_, _, r, _)| {
        r.itinerant.programs[0].when = Some(Expr::parse("backbone == 'none'").unwrap())
    });
}

#[test]
fn rejects_subjects() {
    rejects(ViolationKind::SubjectNotInProgram, |(_, _, r, _)| {
        r.itinerant.programs[0].subjects = vec![Subject::normalise("art")]
    });
    rejects(ViolationKind::SubjectMismatch, |(p, ..)| {
        let i = at(p, "T3", "V3");
        p.lessons[i].subject = Subject::normalise("music");
    });
}

#[test]
fn rejects_a_school_hosting_its_own_teacher() {
    rejects(ViolationKind::OwnSchool, |(p, ..)| {
        let i = at(p, "T3", "V3");
        p.lessons[i].host = SchoolId::from("V1");
        p.lessons[i].distance_m = 0;
    });
}

#[test]
fn rejects_another_township() {
    rejects(ViolationKind::Scope, |(_, d, ..)| {
        d.schools[3].township = Some("别的镇".into())
    });
}

#[test]
fn rejects_distance() {
    rejects(ViolationKind::TooFar, |(_, _, r, _)| {
        r.itinerant.programs[0].max_km = 5.0
    });
    rejects(ViolationKind::WrongDistance, |(p, ..)| {
        p.lessons[0].distance_m += 500
    });
}

#[test]
fn rejects_days() {
    rejects(ViolationKind::Day, |(_, _, r, _)| {
        r.itinerant.programs[0].days = vec![Weekday::Mon, Weekday::Tue]
    });
    rejects(ViolationKind::TwoHostsOneDay, |(p, ..)| {
        let i = at(p, "T1", "V2");
        p.lessons[i].weekday = Weekday::Mon;
    });
    rejects(ViolationKind::PeriodsPerDay, |(_, _, r, _)| {
        r.itinerant.programs[0].max_periods_per_day = 3
    });
}

#[test]
fn rejects_too_many_schools() {
    rejects(ViolationKind::TooManySchools, |(_, _, r, _)| {
        r.itinerant.programs[0].max_schools_per_teacher = 1
    });
}

#[test]
fn rejects_more_than_spare_and_need() {
    rejects(ViolationKind::Spare, |(_, d, ..)| {
        d.itinerant.spare_periods.insert(TeacherId::from("T1"), 7);
    });
    rejects(ViolationKind::Need, |(_, d, ..)| {
        d.itinerant.needs[0].periods = 3;
    });
}

#[test]
fn rejects_wrong_figures() {
    rejects(ViolationKind::Figures, |(p, ..)| p.periods_covered += 1);
    rejects(ViolationKind::Figures, |(p, ..)| p.teachers = 1);
    rejects(ViolationKind::Figures, |(p, ..)| {
        p.uncovered.pop();
    });
}

// ---------------------------------------------------------------------------------
// Brute force on tiny townships.

/// A tiny township: schools on one meridian (latitude offsets in 0.01°), teachers
/// (home, subject, spare), needs (school, subject, periods), and the program's
/// max_km, max_periods_per_day, max_schools_per_teacher and number of days.
#[derive(Debug, Clone)]
struct Tiny {
    lat: Vec<u32>,
    teachers: Vec<(usize, usize, u32)>,
    needs: Vec<(usize, usize, u32)>,
    max_km: u32,
    per_day: u32,
    schools_max: u32,
    days: usize,
}

const SUBJ: [&str; 2] = ["music", "art"];

fn tiny() -> impl Strategy<Value = Tiny> {
    (2usize..=4).prop_flat_map(|ns| {
        (
            proptest::collection::vec(0u32..=8, ns),
            proptest::collection::vec((0..ns, 0usize..2, 1u32..=4), 1..=3),
            proptest::collection::vec((0..ns, 0usize..2, 1u32..=3), 1..=3),
            3u32..=9,
            1u32..=3,
            1u32..=2,
            1usize..=3,
        )
            .prop_map(
                |(lat, teachers, needs, max_km, per_day, schools_max, days)| Tiny {
                    lat,
                    teachers,
                    needs,
                    max_km,
                    per_day,
                    schools_max,
                    days,
                },
            )
    })
}

fn dataset(t: &Tiny) -> (Dataset, Rules) {
    let base = fixture();
    let mut d = Dataset::default();
    for (i, &l) in t.lat.iter().enumerate() {
        d.schools.push(School {
            id: SchoolId(format!("S{i}")),
            coord: Some((28.0 + f64::from(l) * 0.01, 116.0)),
            ..base.schools[0].clone()
        });
    }
    for (i, &(home, subject, spare)) in t.teachers.iter().enumerate() {
        let id = TeacherId(format!("T{i}"));
        d.teachers.push(crate::model::Teacher {
            id: id.clone(),
            school: SchoolId(format!("S{home}")),
            subject: Subject::normalise(SUBJ[subject]),
            ..base.teachers[0].clone()
        });
        d.itinerant.spare_periods.insert(id, spare);
    }
    for &(school, subject, periods) in &t.needs {
        d.itinerant.needs.push(ItinerantNeed {
            school: SchoolId(format!("S{school}")),
            subject: Subject::normalise(SUBJ[subject]),
            periods,
        });
    }
    let mut r = defaults();
    let p = &mut r.itinerant.programs[0];
    p.max_km = f64::from(t.max_km);
    p.max_periods_per_day = t.per_day;
    p.max_schools_per_teacher = t.schools_max;
    p.days = Weekday::ALL[..t.days].to_vec();
    (d, r)
}

/// The lexicographic optimum (covered, teachers, travel metres) by enumerating every
/// number of lessons each teacher gives each need.
fn brute(t: &Tiny) -> (u64, u64, u64) {
    // Needs added up per (school, subject).
    let mut need: Vec<((usize, usize), u32)> = Vec::new();
    for &(s, j, p) in &t.needs {
        match need.iter_mut().find(|(k, _)| *k == (s, j)) {
            Some(n) => n.1 += p,
            None => need.push(((s, j), p)),
        }
    }
    let metres = |a: usize, b: usize| -> u64 {
        let dlat = (f64::from(t.lat[a]) - f64::from(t.lat[b])).abs() * 0.01;
        (dlat.to_radians() * 6371.0 * 1000.0).round() as u64
    };
    // Allowed (teacher, need) pairs.
    let pairs: Vec<(usize, usize)> = t
        .teachers
        .iter()
        .enumerate()
        .flat_map(|(ti, &(home, subj, _))| {
            need.iter()
                .enumerate()
                .filter(move |(_, ((s, j), _))| {
                    *s != home && *j == subj && {
                        let km = (f64::from(t.lat[*s]) - f64::from(t.lat[home])).abs() * 0.01;
                        km.to_radians() * 6371.0 <= f64::from(t.max_km)
                    }
                })
                .map(move |(k, _)| (ti, k))
        })
        .collect();
    let ub: Vec<u32> = pairs
        .iter()
        .map(|&(ti, k)| need[k].1.min(t.teachers[ti].2))
        .collect();
    let mut x = vec![0u32; pairs.len()];
    let mut best = (0u64, 0u64, 0u64);
    let mut key_best = (0i64, 0i64, 0i64);
    loop {
        // Evaluate.
        let mut ok = true;
        let mut by_need = vec![0u32; need.len()];
        let mut by_teacher = vec![0u32; t.teachers.len()];
        let mut at_host: HashMap<(usize, usize), u32> = HashMap::new();
        for (i, &(ti, k)) in pairs.iter().enumerate() {
            by_need[k] += x[i];
            by_teacher[ti] += x[i];
            *at_host.entry((ti, need[k].0 .0)).or_default() += x[i];
        }
        ok &= by_need.iter().zip(&need).all(|(g, n)| *g <= n.1);
        ok &= by_teacher.iter().zip(&t.teachers).all(|(g, tt)| *g <= tt.2);
        let mut days = vec![0u32; t.teachers.len()];
        let mut hosts = vec![0u32; t.teachers.len()];
        let mut travel = 0u64;
        for (&(ti, h), &n) in &at_host {
            if n > 0 {
                let dd = n.div_ceil(t.per_day);
                days[ti] += dd;
                hosts[ti] += 1;
                travel += u64::from(dd) * metres(t.teachers[ti].0, h);
            }
        }
        ok &= days.iter().all(|&d| d as usize <= t.days);
        ok &= hosts.iter().all(|&h| h <= t.schools_max);
        if ok {
            let covered: u64 = by_need.iter().map(|&g| u64::from(g)).sum();
            let teachers = by_teacher.iter().filter(|&&g| g > 0).count() as u64;
            let key = (covered as i64, -(teachers as i64), -(travel as i64));
            if key > key_best {
                key_best = key;
                best = (covered, teachers, travel);
            }
        }
        // Next x.
        let mut i = 0;
        while i < x.len() && x[i] == ub[i] {
            x[i] = 0;
            i += 1;
        }
        if i == x.len() {
            break;
        }
        x[i] += 1;
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn optimum_matches_brute_force_level_by_level(t in tiny()) {
        let (d, r) = dataset(&t);
        let p = solved(&d, &r);
        let (covered, teachers, travel) = brute(&t);
        prop_assert_eq!(p.periods_covered, covered, "level 1: periods covered");
        prop_assert_eq!(u64::from(p.teachers), teachers, "level 2: teachers");
        prop_assert_eq!(p.travel_m, travel, "level 3: travel");
        prop_assert!(p.optimal);
        prop_assert_eq!(p.periods_needed, t.needs.iter().map(|n| u64::from(n.2)).sum::<u64>());
    }
}
