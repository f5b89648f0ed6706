//! Random instances: whatever the solver places breaks no hard rule (by the independent
//! checker), every event is accounted for, and the lower bound never exceeds a schedule
//! that places every placeable event. Also: the checker does catch broken schedules.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use rotaplan_core::model::{
    Dataset, Date, Evaluator, EvaluatorId, Id, MonthDay, School, SchoolId, Subject,
};
use rotaplan_core::rules::{EvaluationRules, Recusal};
use rotaplan_core::schedule::bound::lower_bound;
use rotaplan_core::schedule::check::check;
use rotaplan_core::schedule::{scarce_probe, solve, Event, EventKind};
use std::collections::BTreeMap;

const SUBJECTS: [&str; 4] = ["math", "chinese", "english", "pe"];

#[derive(Debug, Clone)]
struct Instance {
    data: Dataset,
    rules: EvaluationRules,
    events: Vec<Event>,
}

fn school(i: usize, districts: usize) -> School {
    School::new(
        format!("S{i}"),
        format!("学校{i}"),
        format!("D{}", i % districts),
    )
}

/// Day `k` of the instances' calendar: Monday 2021-11-01 is day 0.
fn day(k: i64) -> Date {
    Date::from_ordinal(Date::new(2021, 11, 1).unwrap().ordinal() + k)
}

/// Evaluator `i` (E`i`, 评委`i`), of school S`school` if any, in `district`, judging
/// the `subjects` (indices into [`SUBJECTS`]), away on the days `unavailable`.
fn make_evaluator(
    i: usize,
    school: Option<usize>,
    district: String,
    subjects: impl Iterator<Item = usize>,
    max_per_day: Option<u32>,
    unavailable: Vec<i64>,
) -> Evaluator {
    Evaluator {
        id: EvaluatorId(format!("E{i:02}")),
        name: format!("评委{i}"),
        school: school.map(|s| SchoolId(format!("S{s}"))),
        district,
        subjects: subjects.map(|k| Subject::normalise(SUBJECTS[k])).collect(),
        max_per_day,
        unavailable: unavailable.into_iter().map(day).collect(),
    }
}

/// Event `i` (EV`i`) at school `host`, of the teacher sent from `sending` (an
/// evaluation) or of none, in `SUBJECTS[subject]`, its window from day `start` to
/// `start + len`.
fn make_event(
    i: usize,
    kind: EventKind,
    (host, sending): (usize, Option<usize>),
    subject: usize,
    (start, len): (i64, i64),
    panel_size: u32,
) -> Event {
    Event {
        id: format!("EV{i}"),
        kind,
        teacher: None,
        host: Id::new(host),
        sending: sending.map(Id::new),
        subject: Subject::normalise(SUBJECTS[subject]),
        window: (day(start), day(start + len)),
        panel_size,
    }
}

/// The per-day limits of an instance: (per evaluator, per school, one school per
/// evaluator-day).
type Limits = (u32, u32, bool);

/// `schools`, `evaluators` and `events` under rules with the window 11-01 to 12-20.
fn assemble(
    (schools, evaluators, events): (Vec<School>, Vec<Evaluator>, Vec<Event>),
    holidays: Vec<i64>,
    (panel_size, min_same_subject): (u32, u32),
    recuse: Vec<Recusal>,
    (cap, per_school, one_school): Limits,
) -> Instance {
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
            panel_size,
            min_same_subject,
            recuse,
            max_per_evaluator_per_day: cap,
            max_per_school_per_day: per_school,
            one_school_per_evaluator_day: one_school,
        },
        events,
    }
}

fn instance() -> impl Strategy<Value = Instance> {
    sized(6, 9, 14, 8)
}

/// Random instances with fewer than `schools` schools, `evaluators` evaluators and
/// `events` events, windows of up to `len` calendar days from Monday 2021-11-01.
fn sized(
    schools: usize,
    evaluators: usize,
    events: usize,
    len: i64,
) -> impl Strategy<Value = Instance> {
    (
        2usize..schools,
        1usize..3,
        1u32..4,
        any::<bool>(),
        1u32..5,
        1u32..4,
        any::<u64>(),
    )
        .prop_flat_map(
            move |(n_schools, districts, panel, one_school, cap, per_school, seed)| {
                let evaluators = prop::collection::vec(
                    (
                        prop::option::of(0..n_schools),
                        0..districts,
                        prop::collection::vec(0..SUBJECTS.len(), 1..3),
                        prop::option::of(1u32..4),
                        prop::collection::vec(0i64..10, 0..3),
                    ),
                    0..evaluators,
                );
                let events = prop::collection::vec(
                    (
                        0..n_schools,
                        prop::option::of(0..n_schools),
                        0..SUBJECTS.len(),
                        0i64..6,
                        0i64..len,
                        1u32..4,
                    ),
                    0..events,
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
                let schools: Vec<School> = (0..n).map(|i| school(i, districts)).collect();
                let evaluators = evs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (s, d, subj, max, unav))| {
                        let district = s.map_or(format!("D{d}"), |s| schools[s].district.clone());
                        make_evaluator(i, s, district, subj.into_iter(), max, unav)
                    })
                    .collect();
                let events = events
                    .into_iter()
                    .enumerate()
                    .map(|(i, (host, sending, subj, start, len, p))| {
                        let kind = if sending.is_some() {
                            EventKind::Evaluation
                        } else {
                            EventKind::Inspection
                        };
                        let p = if i % 3 == 0 { p.max(min_same) } else { panel };
                        make_event(i, kind, (host, sending), subj, (start, len), p)
                    })
                    .collect();
                assemble(
                    (schools, evaluators, events),
                    holidays,
                    (panel, min_same),
                    recuse,
                    (cap, per_school, one_school),
                )
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
            .filter(|&i| !s.unscheduled.iter().any(|(j, r)| j.index() == i && r.is_intrinsic()))
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
            broken.placed[0].panel.push(p.panel.first().copied().unwrap_or(Id::new(0)));
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

/// Tiny but busy instances for exhaustive search: 2–3 schools in one or two
/// districts, 3–5 evaluators of two subjects (some of both), 1–5 events with panels of
/// 1–2, windows of up to three days from Monday 2021-11-01.
fn tiny() -> impl Strategy<Value = Instance> {
    let evaluator = (
        prop::option::of(0usize..3),
        0usize..2,
        1usize..4,
        prop::option::of(1u32..3),
        prop::collection::vec(0i64..3, 0..2),
    );
    let event = (
        0usize..3,
        prop::option::of(0usize..3),
        0usize..2,
        0i64..2,
        0i64..3,
        1u32..3,
    );
    (
        2usize..4,
        1usize..3,
        prop::collection::vec(evaluator, 3..6),
        prop::collection::vec(event, 1..6),
        0u32..2,
        prop::sample::subsequence(vec![Recusal::SendingSchool, Recusal::HostSchool], 0..=2),
        (1u32..4, 1u32..4, any::<bool>()),
    )
        .prop_map(
            |(n, districts, evs, events, min_same, recuse, (cap, per_school, one))| {
                let schools: Vec<School> = (0..n).map(|i| school(i, districts)).collect();
                let evaluators = evs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (s, d, subj, max, unav))| {
                        let district = format!("D{}", s.unwrap_or(d) % districts);
                        // 1: first subject, 2: second, 3: both.
                        let subjects = (0..2).filter(move |k| subj >> k & 1 == 1);
                        make_evaluator(i, s.filter(|&s| s < n), district, subjects, max, unav)
                    })
                    .collect();
                let events = events
                    .into_iter()
                    .enumerate()
                    .map(|(i, (host, sending, subj, start, len, p))| {
                        let sending = sending.map(|s| s % n).filter(|&s| s != host % n);
                        let (at, window) = ((host % n, sending), (start, len));
                        make_event(i, EventKind::Evaluation, at, subj, window, p.max(min_same))
                    })
                    .collect();
                assemble(
                    (schools, evaluators, events),
                    vec![],
                    (2, min_same),
                    recuse,
                    (cap, per_school, one),
                )
            },
        )
}

/// The lexicographic optimum (most events placed, then fewest evaluator-days) by
/// exhaustive search, written from the rules alone: every event is skipped or given
/// every (usable day, panel) in turn.
fn brute_force(inst: &Instance) -> (usize, usize) {
    struct Search<'a> {
        inst: &'a Instance,
        options: Vec<Vec<(Date, Vec<usize>)>>,
        /// (evaluator, date) → (host, evaluations).
        seat: BTreeMap<(usize, Date), (Id<School>, u32)>,
        school: BTreeMap<(Id<School>, Date), u32>,
        best: (usize, usize),
    }
    impl Search<'_> {
        fn go(&mut self, i: usize, placed: usize) {
            let days = self.seat.len();
            if placed + (self.options.len() - i) < self.best.0
                || (placed + (self.options.len() - i) == self.best.0 && days >= self.best.1)
            {
                return;
            }
            if i == self.options.len() {
                if (placed, std::cmp::Reverse(days)) > (self.best.0, std::cmp::Reverse(self.best.1))
                {
                    self.best = (placed, days);
                }
                return;
            }
            let rules = &self.inst.rules;
            let host = self.inst.events[i].host;
            for k in 0..self.options[i].len() {
                let (d, panel) = self.options[i][k].clone();
                let at = self.school.get(&(host, d)).copied().unwrap_or(0);
                if at + 1 > rules.max_per_school_per_day {
                    continue;
                }
                let fits = panel.iter().all(|&m| {
                    let ev = &self.inst.data.evaluators[m];
                    let cap = ev.max_per_day.unwrap_or(rules.max_per_evaluator_per_day);
                    match self.seat.get(&(m, d)) {
                        None => cap >= 1,
                        Some(&(h, n)) => {
                            n < cap && (h == host || !rules.one_school_per_evaluator_day)
                        }
                    }
                });
                if !fits {
                    continue;
                }
                for &m in &panel {
                    self.seat.entry((m, d)).or_insert((host, 0)).1 += 1;
                }
                *self.school.entry((host, d)).or_insert(0) += 1;
                self.go(i + 1, placed + 1);
                for &m in &panel {
                    let e = self.seat.get_mut(&(m, d)).unwrap();
                    e.1 -= 1;
                    if e.1 == 0 {
                        self.seat.remove(&(m, d));
                    }
                }
                *self.school.get_mut(&(host, d)).unwrap() -= 1;
            }
            self.go(i + 1, placed);
        }
    }
    let (data, rules) = (&inst.data, &inst.rules);
    let options = inst
        .events
        .iter()
        .map(|ev| {
            let host = &data.schools[ev.host];
            let sending = ev.sending.map(|s| &data.schools[s].id);
            let ok: Vec<usize> = (0..data.evaluators.len())
                .filter(|&m| {
                    let e = &data.evaluators[m];
                    let home = e.school.as_ref();
                    !((rules.recuse.contains(&Recusal::HostSchool)
                        || ev.kind == EventKind::Inspection)
                        && home == Some(&host.id))
                        && !(rules.recuse.contains(&Recusal::SendingSchool)
                            && sending.is_some()
                            && home == sending)
                        && !(rules.recuse.contains(&Recusal::HostDistrict)
                            && e.district == host.district)
                })
                .collect();
            let mut out = Vec::new();
            let (a, b) = (ev.window.0.ordinal(), ev.window.1.ordinal());
            for d in (a..=b).map(Date::from_ordinal) {
                if d.weekday() > 4 || rules.holidays.contains(&d) {
                    continue;
                }
                // Every panel of the right size among `ok`, as bit sets.
                for bits in 0u32..(1 << ok.len()) {
                    if bits.count_ones() != ev.panel_size {
                        continue;
                    }
                    let panel: Vec<usize> = (0..ok.len())
                        .filter(|j| bits >> j & 1 == 1)
                        .map(|j| ok[j])
                        .collect();
                    let same = panel
                        .iter()
                        .filter(|&&m| data.evaluators[m].subjects.contains(&ev.subject))
                        .count();
                    let free = panel
                        .iter()
                        .all(|&m| !data.evaluators[m].unavailable.contains(&d));
                    if free && same >= rules.min_same_subject as usize {
                        out.push((d, panel));
                    }
                }
            }
            out
        })
        .collect();
    let mut s = Search {
        inst,
        options,
        seat: BTreeMap::new(),
        school: BTreeMap::new(),
        best: (0, 0),
    };
    s.go(0, 0);
    s.best
}

/// The solver against exhaustive search on one instance, with and without one school
/// per evaluator-day: the same evaluations placed and evaluator-days as the optimum,
/// both proven, the bounds equal to them, every hard rule kept.
fn equals_brute_force(inst: &Instance) -> Result<(), TestCaseError> {
    for one in [true, false] {
        let mut inst = inst.clone();
        inst.rules.one_school_per_evaluator_day = one;
        let s = solve(&inst.events, &inst.data, &inst.rules);
        let v = check(&inst.events, &inst.data, &inst.rules, &s);
        prop_assert!(v.is_empty(), "one school {one}: {v:?}");
        let best = brute_force(&inst);
        let got = (s.placed.len(), s.evaluator_days());
        prop_assert_eq!(got, best, "one school {}: method {:?}", one, s.method);
        prop_assert!(s.proven, "one school {one}: not proven");
        prop_assert_eq!((s.scheduled_bound, s.lower_bound), best);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Tiny instances: evaluations scheduled and evaluator-days equal the optimum of
    /// exhaustive search.
    #[test]
    fn optimum_equals_brute_force(inst in tiny()) {
        equals_brute_force(&inst)?;
    }

    /// The short-window case: every evaluation has one day, so evaluators and the
    /// schools' daily limits run out and objective (1) binds.
    #[test]
    fn short_windows_equal_brute_force(inst in tiny()) {
        let mut inst = inst;
        for ev in &mut inst.events {
            ev.window.1 = ev.window.0;
        }
        equals_brute_force(&inst)?;
    }
}

/// Scarce evaluators: at most three evaluators for up to five evaluations, windows of
/// one or two days.
fn scarce() -> impl Strategy<Value = Instance> {
    (tiny(), any::<bool>()).prop_map(|(mut inst, two_days)| {
        inst.data.evaluators.truncate(3);
        for ev in &mut inst.events {
            ev.window.1 = Date::from_ordinal(ev.window.0.ordinal() + i64::from(two_days));
        }
        inst
    })
}

/// The parts the scarce case rests on, against exhaustive search, with and without one
/// school a day: the most-placed greedy keeps every hard rule and places no more than
/// the optimum; the flow bound on evaluations placed is at least the optimum; the bound
/// on evaluator-days at the optimum's count is at most the optimum's evaluator-days.
/// (The solver itself must equal the optimum, as on the other tiny instances.)
fn scarce_parts_hold(inst: &Instance) -> Result<(), TestCaseError> {
    for one in [true, false] {
        let mut inst = inst.clone();
        inst.rules.one_school_per_evaluator_day = one;
        let (most, fewest) = brute_force(&inst);
        let p = scarce_probe(&inst.events, &inst.data, &inst.rules, most);
        let v = check(&inst.events, &inst.data, &inst.rules, &p.greedy);
        prop_assert!(v.is_empty(), "one school {one}: {v:?}");
        prop_assert!(p.greedy.placed.len() <= most, "one school {one}");
        prop_assert!(
            p.most_placed >= most,
            "one school {one}: flow {}",
            p.most_placed
        );
        prop_assert!(
            p.fewest_days <= fewest,
            "one school {one}: {}",
            p.fewest_days
        );
    }
    equals_brute_force(inst)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn scarce_bounds_hold_and_optimum_equals_brute_force(inst in scarce()) {
        scarce_parts_hold(&inst)?;
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
        host: Id::new(host),
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

/// A sitting of a finished schedule: its date, host (None: a date of several hosts),
/// placements and crew.
struct BruteSitting {
    date: Date,
    host: Option<Id<School>>,
    events: Vec<usize>,
    /// (allowed, subject, cap) of each slot of the crew's make-up.
    slots: Vec<(u64, u64, u32)>,
}

/// An evaluator's (allowed, subject, cap) relative to a sitting's events, from the
/// rules alone.
fn brute_kind(inst: &Instance, m: usize, events: &[usize]) -> (u64, u64, u32) {
    let (data, rules) = (&inst.data, &inst.rules);
    let e = &data.evaluators[m];
    let (mut allowed, mut subject) = (0u64, 0u64);
    for (i, &ev) in events.iter().enumerate() {
        let event = &inst.events[ev];
        let host = &data.schools[event.host];
        let home = e.school.as_ref();
        let recused = ((rules.recuse.contains(&Recusal::HostSchool)
            || event.kind == EventKind::Inspection)
            && home == Some(&host.id))
            || (rules.recuse.contains(&Recusal::SendingSchool)
                && event
                    .sending
                    .is_some_and(|s| home == Some(&data.schools[s].id)))
            || (rules.recuse.contains(&Recusal::HostDistrict) && e.district == host.district);
        if !recused {
            allowed |= 1 << i;
        }
        if e.subjects.contains(&event.subject) {
            subject |= 1 << i;
        }
    }
    let cap = e.max_per_day.unwrap_or(rules.max_per_evaluator_per_day);
    (allowed, subject, cap.min(events.len() as u32))
}

/// The least (sum of squared days, metres) over every choice of evaluators for the
/// crews of `s`, keeping its sittings, dates and crew make-ups (a slot takes anyone who
/// may do all its kind may: sit on the same evaluations, count for the same subjects,
/// take as many a day), one sitting a day per evaluator; by exhaustive search.
fn brute_tie_breaks(inst: &Instance, s: &rotaplan_core::schedule::Schedule) -> (usize, u64) {
    let one = inst.rules.one_school_per_evaluator_day;
    let mut groups: BTreeMap<(Date, Option<Id<School>>), Vec<usize>> = BTreeMap::new();
    for (i, p) in s.placed.iter().enumerate() {
        let h = one.then(|| inst.events[p.event].host);
        groups.entry((p.date, h)).or_default().push(i);
    }
    let sittings: Vec<BruteSitting> = groups
        .into_iter()
        .map(|((date, _), items)| {
            let events: Vec<usize> = items.iter().map(|&i| s.placed[i].event.index()).collect();
            let mut crew: Vec<usize> = items
                .iter()
                .flat_map(|&i| s.placed[i].panel.iter().map(|m| m.index()))
                .collect();
            crew.sort_unstable();
            crew.dedup();
            let hosts: std::collections::BTreeSet<Id<School>> =
                events.iter().map(|&e| inst.events[e].host).collect();
            BruteSitting {
                date,
                host: (hosts.len() == 1).then(|| *hosts.iter().next().unwrap()),
                slots: {
                    // Equal kinds side by side (they take evaluators in order).
                    let mut k: Vec<_> =
                        crew.iter().map(|&m| brute_kind(inst, m, &events)).collect();
                    k.sort_unstable();
                    k
                },
                events,
            }
        })
        .collect();
    let homes: Vec<Option<Id<School>>> = inst
        .data
        .evaluators
        .iter()
        .map(|e| {
            e.school
                .as_ref()
                .and_then(|id| inst.data.schools.iter().position(|s| &s.id == id))
                .map(Id::new)
        })
        .collect();
    // Every (sitting, slot) in turn; `taken` holds the (evaluator, date) pairs in use.
    struct Search<'a> {
        inst: &'a Instance,
        sittings: &'a [BruteSitting],
        homes: &'a [Option<Id<School>>],
        taken: std::collections::BTreeSet<(usize, Date)>,
        days: Vec<usize>,
        metres: u64,
        best: (usize, u64),
    }
    impl Search<'_> {
        fn go(&mut self, si: usize, slot: usize, from: usize) {
            if si == self.sittings.len() {
                let sq: usize = self.days.iter().map(|d| d * d).sum();
                self.best = self.best.min((sq, self.metres));
                return;
            }
            let sittings = self.sittings;
            let s = &sittings[si];
            if slot == s.slots.len() {
                self.go(si + 1, 0, 0);
                return;
            }
            let want = s.slots[slot];
            // Slots of one kind take evaluators in increasing order (no repeats).
            let start = if slot > 0 && s.slots[slot - 1] == want {
                from
            } else {
                0
            };
            for m in start..self.inst.data.evaluators.len() {
                let e = &self.inst.data.evaluators[m];
                if self.taken.contains(&(m, s.date)) || e.unavailable.contains(&s.date) {
                    continue;
                }
                let k = brute_kind(self.inst, m, &s.events);
                if k.0 & want.0 != want.0 || k.1 & want.1 != want.1 || k.2 < want.2 {
                    continue;
                }
                let trip = s.host.map_or(0, |h| {
                    rotaplan_core::schedule::exact::trip_metres(&self.inst.data, self.homes[m], h)
                });
                self.taken.insert((m, s.date));
                self.days[m] += 1;
                self.metres += trip;
                self.go(si, slot + 1, m + 1);
                self.metres -= trip;
                self.days[m] -= 1;
                self.taken.remove(&(m, s.date));
            }
        }
    }
    let mut search = Search {
        inst,
        sittings: &sittings,
        homes: &homes,
        taken: std::collections::BTreeSet::new(),
        days: vec![0; inst.data.evaluators.len()],
        metres: 0,
        best: (usize::MAX, u64::MAX),
    };
    search.go(0, 0, 0);
    search.best
}

/// Gives the schools of a tiny instance coordinates a few kilometres apart, so travel
/// differs between evaluators.
fn with_coordinates(mut inst: Instance) -> Instance {
    for (i, s) in inst.data.schools.iter_mut().enumerate() {
        s.coord = Some((28.6 + 0.01 * (i * i) as f64, 115.9 + 0.013 * i as f64));
    }
    inst
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(80))]

    /// Objectives (3) even load, then travel: the schedule's crews are the best choice
    /// of evaluators for its sittings, dates and crew make-ups, by exhaustive search.
    #[test]
    fn tie_breaks_equal_brute_force(inst in tiny()) {
        let inst = with_coordinates(inst);
        for one in [true, false] {
            let mut inst = inst.clone();
            inst.rules.one_school_per_evaluator_day = one;
            let s = solve(&inst.events, &inst.data, &inst.rules);
            prop_assert!(check(&inst.events, &inst.data, &inst.rules, &s).is_empty());
            prop_assert_eq!(s.balance, rotaplan_core::schedule::balance::Balance::Optimal);
            let days = s.days_per_evaluator(inst.data.evaluators.len());
            let sq: usize = days.iter().map(|d| d * d).sum();
            let best = brute_tie_breaks(&inst, &s);
            if one {
                prop_assert_eq!((sq, s.travel_metres(&inst.events, &inst.data)), best);
            } else {
                // Travel of a date at several schools depends on the panels dealt.
                prop_assert_eq!(sq, best.0);
            }
        }
    }
}
