//! Random instances: whatever the solver places breaks no hard rule (by the independent
//! checker), every event is accounted for, and the lower bound never exceeds a schedule
//! that places every placeable event. Also: the checker does catch broken schedules.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use rotaplan::model::{
    Dataset, Date, Evaluator, EvaluatorId, Locality, MonthDay, School, SchoolId, Stage, Subject,
};
use rotaplan::rules::{EvaluationRules, Recusal};
use rotaplan::schedule::bound::lower_bound;
use rotaplan::schedule::check::check;
use rotaplan::schedule::{solve, Event, EventKind};

const SUBJECTS: [&str; 4] = ["math", "chinese", "english", "pe"];

#[derive(Debug, Clone)]
struct Instance {
    data: Dataset,
    rules: EvaluationRules,
    events: Vec<Event>,
}

fn school(i: usize, districts: usize) -> School {
    School {
        id: SchoolId(format!("S{i}")),
        name: format!("学校{i}"),
        district: format!("D{}", i % districts),
        township: None,
        locality: Locality::Urban,
        weak: false,
        stage: Stage::Primary,
        coord: None,
        staff: None,
    }
}

fn instance() -> impl Strategy<Value = Instance> {
    (
        2usize..6,
        1usize..3,
        1u32..4,
        any::<bool>(),
        1u32..5,
        1u32..4,
        any::<u64>(),
    )
        .prop_flat_map(
            |(n_schools, districts, panel, one_school, cap, per_school, seed)| {
                let evaluators = prop::collection::vec(
                    (
                        prop::option::of(0..n_schools),
                        0..districts,
                        prop::collection::vec(0..SUBJECTS.len(), 1..3),
                        prop::option::of(1u32..4),
                        prop::collection::vec(0i64..10, 0..3),
                    ),
                    0..9,
                );
                let events = prop::collection::vec(
                    (
                        0..n_schools,
                        prop::option::of(0..n_schools),
                        0..SUBJECTS.len(),
                        0i64..6,
                        0i64..8,
                        1u32..4,
                    ),
                    0..14,
                );
                let min_same = 0..=panel.min(2);
                let recuse = prop::sample::subsequence(
                    vec![
                        Recusal::SendingSchool,
                        Recusal::HostSchool,
                        Recusal::HostDistrict,
                    ],
                    0..=2,
                );
                let holidays = prop::collection::vec(0i64..10, 0..2);
                (
                    Just((
                        n_schools, districts, panel, one_school, cap, per_school, seed,
                    )),
                    evaluators,
                    events,
                    min_same,
                    recuse,
                    holidays,
                )
            },
        )
        .prop_map(
            |(
                (n, districts, panel, one_school, cap, per_school, _),
                evs,
                events,
                min_same,
                recuse,
                holidays,
            )| {
                let base = Date::new(2021, 11, 1).unwrap().ordinal();
                let day = |k: i64| Date::from_ordinal(base + k);
                let schools: Vec<School> = (0..n).map(|i| school(i, districts)).collect();
                let evaluators = evs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (s, d, subj, max, unav))| Evaluator {
                        id: EvaluatorId(format!("E{i:02}")),
                        name: format!("评委{i}"),
                        school: s.map(|s| SchoolId(format!("S{s}"))),
                        district: s.map_or(format!("D{d}"), |s| schools[s].district.clone()),
                        subjects: subj
                            .into_iter()
                            .map(|k| Subject::normalise(SUBJECTS[k]))
                            .collect(),
                        max_per_day: max,
                        unavailable: unav.into_iter().map(day).collect(),
                    })
                    .collect();
                let events = events
                    .into_iter()
                    .enumerate()
                    .map(|(i, (host, sending, subj, start, len, p))| Event {
                        id: format!("EV{i}"),
                        kind: if sending.is_some() {
                            EventKind::Evaluation
                        } else {
                            EventKind::Inspection
                        },
                        teacher: None,
                        host,
                        sending,
                        subject: Subject::normalise(SUBJECTS[subj]),
                        window: (day(start), day(start + len)),
                        panel_size: if i % 3 == 0 { p.max(min_same) } else { panel },
                    })
                    .collect();
                Instance {
                    data: Dataset {
                        schools,
                        evaluators,
                        ..Dataset::default()
                    },
                    rules: EvaluationRules {
                        window: (
                            MonthDay { month: 11, day: 1 },
                            MonthDay { month: 12, day: 20 },
                        ),
                        holidays: holidays.into_iter().map(day).collect(),
                        panel_size: panel,
                        min_same_subject: min_same,
                        recuse,
                        max_per_evaluator_per_day: cap,
                        max_per_school_per_day: per_school,
                        one_school_per_evaluator_day: one_school,
                    },
                    events,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn schedules_keep_every_hard_rule(inst in instance()) {
        let s = solve(&inst.events, &inst.data, &inst.rules);
        let v = check(&inst.events, &inst.data, &inst.rules, &s);
        prop_assert!(v.is_empty(), "{v:?}");
        prop_assert_eq!(s.placed.len() + s.unscheduled.len(), inst.events.len());
        let placeable: Vec<usize> = (0..inst.events.len())
            .filter(|i| !s.unscheduled.iter().any(|(j, r)| j == i && r.is_intrinsic()))
            .collect();
        if s.placed.len() == placeable.len() {
            let lb = lower_bound(&inst.events, &placeable, &inst.data, &inst.rules);
            prop_assert!(s.evaluator_days() >= lb, "days {} < bound {lb}", s.evaluator_days());
        }
        // Deterministic.
        let again = solve(&inst.events, &inst.data, &inst.rules);
        prop_assert_eq!(&s.placed, &again.placed);
    }

    #[test]
    fn checker_catches_a_broken_panel(inst in instance()) {
        let s = solve(&inst.events, &inst.data, &inst.rules);
        if let Some(p) = s.placed.first() {
            let mut broken = s.clone();
            broken.placed[0].panel.push(p.panel.first().copied().unwrap_or(0));
            prop_assert!(!check(&inst.events, &inst.data, &inst.rules, &broken).is_empty());
            let mut weekend = s.clone();
            // 2021-11-06 is a Saturday.
            weekend.placed[0].date = Date::new(2021, 11, 6).unwrap();
            prop_assert!(!check(&inst.events, &inst.data, &inst.rules, &weekend).is_empty());
            let mut dropped = s.clone();
            dropped.placed.remove(0);
            prop_assert!(!check(&inst.events, &inst.data, &inst.rules, &dropped).is_empty());
        }
    }
}

/// An event that fits alone but whose only evaluators are all taken: capacity reason,
/// and the tighter events are placed first.
#[test]
fn capacity_is_reported_when_evaluators_run_out() {
    let schools: Vec<School> = (0..3).map(|i| school(i, 1)).collect();
    let evaluators = vec![Evaluator {
        id: EvaluatorId("E1".into()),
        name: "一".into(),
        school: None,
        district: "D0".into(),
        subjects: vec![Subject::normalise("math")],
        max_per_day: None,
        unavailable: vec![],
    }];
    let d = Date::new(2021, 11, 1).unwrap();
    let ev = |i: usize, host: usize| Event {
        id: format!("EV{i}"),
        kind: EventKind::Inspection,
        teacher: None,
        host,
        sending: None,
        subject: Subject::normalise("math"),
        window: (d, d),
        panel_size: 1,
    };
    let events = vec![ev(0, 1), ev(1, 2)];
    let rules = EvaluationRules {
        window: (
            MonthDay { month: 11, day: 1 },
            MonthDay { month: 12, day: 20 },
        ),
        holidays: vec![],
        panel_size: 1,
        min_same_subject: 1,
        recuse: vec![Recusal::HostSchool],
        max_per_evaluator_per_day: 4,
        max_per_school_per_day: 6,
        one_school_per_evaluator_day: true,
    };
    let data = Dataset {
        schools,
        evaluators,
        ..Dataset::default()
    };
    let s = solve(&events, &data, &rules);
    assert!(check(&events, &data, &rules, &s).is_empty());
    assert_eq!(s.placed.len(), 1);
    assert_eq!(s.unscheduled.len(), 1);
    assert_eq!(s.unscheduled[0].1.id(), "capacity_taken");
}
