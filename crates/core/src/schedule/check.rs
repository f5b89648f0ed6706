//! An independent checker of every hard rule of a schedule. It shares no code with the
//! solver on purpose: it reads the rules straight from the data and the rule set, so a
//! solver bug cannot hide behind a shared helper. The command runs it on every schedule
//! before writing; tests run it on random instances.

use super::{Event, EventKind, Schedule};
use crate::model::{Dataset, Date, Evaluator, Id, School};
use crate::rules::{EvaluationRules, Recusal};
use std::collections::BTreeMap;
use std::fmt;

/// One broken hard rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    UnknownEvent {
        event: usize,
    },
    PlacedTwice {
        event: String,
    },
    Missing {
        event: String,
    },
    OutsideWindow {
        event: String,
        date: Date,
    },
    NotWorkday {
        event: String,
        date: Date,
    },
    Holiday {
        event: String,
        date: Date,
    },
    PanelSize {
        event: String,
        size: usize,
        wanted: u32,
    },
    UnknownEvaluator {
        event: String,
    },
    DuplicateMember {
        event: String,
        evaluator: String,
    },
    Unavailable {
        event: String,
        evaluator: String,
        date: Date,
    },
    TooFewSubject {
        event: String,
        have: usize,
        wanted: u32,
    },
    Recused {
        event: String,
        evaluator: String,
        why: &'static str,
    },
    EvaluatorOverloaded {
        evaluator: String,
        date: Date,
        load: u32,
        cap: u32,
    },
    TwoSchoolsOneDay {
        evaluator: String,
        date: Date,
    },
    SchoolOverloaded {
        school: String,
        date: Date,
        load: u32,
        cap: u32,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// An evaluator's load on one day: the evaluations sat and their host schools' ids.
type DayLoad<'a> = (u32, Vec<&'a str>);

/// Every hard rule broken by `schedule`; empty when it is valid. Also checks that each
/// event is either placed once or listed as unscheduled, never both or neither.
pub fn check(
    events: &[Event],
    data: &Dataset,
    rules: &EvaluationRules,
    schedule: &Schedule,
) -> Vec<Violation> {
    let mut v = Vec::new();
    let mut seen = vec![0u32; events.len()];
    let mut ev_load: BTreeMap<(Id<Evaluator>, Date), DayLoad<'_>> = BTreeMap::new();
    let mut school_load: BTreeMap<(Id<School>, Date), u32> = BTreeMap::new();
    for p in &schedule.placed {
        let Some(ev) = events.get(p.event.index()) else {
            v.push(Violation::UnknownEvent {
                event: p.event.index(),
            });
            continue;
        };
        // In range: `seen` has one row per event and `events.get` found this one.
        seen[p.event.index()] += 1;
        let id = ev.id.clone();
        let d = p.date;
        if d < ev.window.0 || d > ev.window.1 {
            v.push(Violation::OutsideWindow {
                event: id.clone(),
                date: d,
            });
        }
        if d.weekday() > 4 {
            v.push(Violation::NotWorkday {
                event: id.clone(),
                date: d,
            });
        }
        if rules.holidays.contains(&d) {
            v.push(Violation::Holiday {
                event: id.clone(),
                date: d,
            });
        }
        if p.panel.len() != ev.panel_size as usize {
            v.push(Violation::PanelSize {
                event: id.clone(),
                size: p.panel.len(),
                wanted: ev.panel_size,
            });
        }
        let Some(host) = data.try_school(ev.host) else {
            v.push(Violation::UnknownEvent {
                event: p.event.index(),
            });
            continue;
        };
        let sending = ev.sending.and_then(|s| data.try_school(s)).map(|s| &s.id);
        let mut subject = 0;
        for (k, &m) in p.panel.iter().enumerate() {
            let Some(e) = data.try_evaluator(m) else {
                v.push(Violation::UnknownEvaluator { event: id.clone() });
                continue;
            };
            let name = e.id.to_string();
            if p.panel[..k].contains(&m) {
                v.push(Violation::DuplicateMember {
                    event: id.clone(),
                    evaluator: name.clone(),
                });
            }
            if e.unavailable.contains(&d) {
                v.push(Violation::Unavailable {
                    event: id.clone(),
                    evaluator: name.clone(),
                    date: d,
                });
            }
            if e.subjects.contains(&ev.subject) {
                subject += 1;
            }
            let from_host = e.school.as_ref() == Some(&host.id);
            if from_host
                && (rules.recuse.contains(&Recusal::HostSchool) || ev.kind == EventKind::Inspection)
            {
                v.push(Violation::Recused {
                    event: id.clone(),
                    evaluator: name.clone(),
                    why: "host_school",
                });
            }
            if rules.recuse.contains(&Recusal::SendingSchool)
                && sending.is_some()
                && e.school.as_ref() == sending
            {
                v.push(Violation::Recused {
                    event: id.clone(),
                    evaluator: name.clone(),
                    why: "sending_school",
                });
            }
            if rules.recuse.contains(&Recusal::HostDistrict) && e.district == host.district {
                v.push(Violation::Recused {
                    event: id.clone(),
                    evaluator: name.clone(),
                    why: "host_district",
                });
            }
            let slot = ev_load.entry((m, d)).or_insert((0, Vec::new()));
            slot.0 += 1;
            slot.1.push(host.id.as_str());
        }
        if subject < rules.min_same_subject as usize {
            v.push(Violation::TooFewSubject {
                event: id,
                have: subject,
                wanted: rules.min_same_subject,
            });
        }
        *school_load.entry((ev.host, d)).or_insert(0) += 1;
    }
    for ((m, d), (load, schools)) in &ev_load {
        let Some(e) = data.try_evaluator(*m) else {
            continue;
        };
        let cap = e.max_per_day.unwrap_or(rules.max_per_evaluator_per_day);
        if *load > cap {
            v.push(Violation::EvaluatorOverloaded {
                evaluator: e.id.to_string(),
                date: *d,
                load: *load,
                cap,
            });
        }
        if rules.one_school_per_evaluator_day && schools.iter().any(|s| *s != schools[0]) {
            v.push(Violation::TwoSchoolsOneDay {
                evaluator: e.id.to_string(),
                date: *d,
            });
        }
    }
    for ((s, d), load) in &school_load {
        if *load > rules.max_per_school_per_day {
            v.push(Violation::SchoolOverloaded {
                school: data
                    .schools
                    .get(s.index())
                    .map_or(String::new(), |x| x.id.to_string()),
                date: *d,
                load: *load,
                cap: rules.max_per_school_per_day,
            });
        }
    }
    for (i, _) in &schedule.unscheduled {
        if let Some(n) = seen.get_mut(i.index()) {
            *n += 1;
        }
    }
    for (i, n) in seen.iter().enumerate() {
        match n {
            1 => {}
            0 => v.push(Violation::Missing {
                event: events[i].id.clone(),
            }),
            _ => v.push(Violation::PlacedTwice {
                event: events[i].id.clone(),
            }),
        }
    }
    v
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Evaluator, EvaluatorId, School, SchoolId, Subject};
    use crate::schedule::Placement;

    fn school(i: usize, district: &str) -> School {
        School::new(format!("S{i}"), format!("S{i}"), district)
    }

    fn evaluator(i: usize, school: Option<usize>, district: &str, subject: &str) -> Evaluator {
        Evaluator {
            id: EvaluatorId(format!("E{i}")),
            name: format!("E{i}"),
            school: school.map(|s| SchoolId(format!("S{s}"))),
            district: district.into(),
            subjects: vec![Subject::normalise(subject)],
            max_per_day: None,
            unavailable: vec![],
        }
    }

    /// A panel of the evaluators at these positions.
    fn members(positions: &[usize]) -> Vec<Id<Evaluator>> {
        positions.iter().map(|&m| Id::new(m)).collect()
    }

    fn day(d: u32) -> Date {
        Date::new(2021, 11, d).unwrap()
    }

    /// Two evaluations, four evaluators, and a valid schedule to break one rule at a
    /// time.
    fn world() -> (Vec<Event>, Dataset, EvaluationRules, Schedule) {
        let event = |id: &str, host, sending, subject: &str| Event {
            id: id.into(),
            kind: EventKind::Evaluation,
            teacher: None,
            host: Id::new(host),
            sending: Some(Id::new(sending)),
            subject: Subject::normalise(subject),
            window: (day(1), day(5)),
            panel_size: 2,
        };
        let events = vec![event("EV0", 2, 1, "math"), event("EV1", 1, 2, "chinese")];
        let mut e1 = evaluator(1, None, "B", "chinese");
        e1.unavailable = vec![day(2)];
        let mut e2 = evaluator(2, None, "A", "math");
        e2.max_per_day = Some(1);
        let data = Dataset {
            schools: vec![school(0, "A"), school(1, "A"), school(2, "B")],
            evaluators: vec![
                evaluator(0, Some(0), "A", "math"),
                e1,
                e2,
                evaluator(3, Some(1), "A", "math"),
            ],
            ..Dataset::default()
        };
        let rules = EvaluationRules {
            holidays: vec![day(3)],
            panel_size: 2,
            min_same_subject: 1,
            recuse: vec![Recusal::SendingSchool, Recusal::HostSchool],
            max_per_evaluator_per_day: 4,
            max_per_school_per_day: 1,
            one_school_per_evaluator_day: true,
            ..crate::rules::Rules::default().evaluation
        };
        let place = |event, d, panel: &[usize]| Placement {
            event: Id::new(event),
            date: day(d),
            panel: members(panel),
        };
        let sched = Schedule {
            placed: vec![place(0, 1, &[0, 1]), place(1, 4, &[0, 1])],
            ..Schedule::default()
        };
        (events, data, rules, sched)
    }

    /// The violations after `edit`.
    fn broken(
        edit: impl Fn(&mut Vec<Event>, &mut EvaluationRules, &mut Schedule),
    ) -> Vec<Violation> {
        let (mut events, data, mut rules, mut sched) = world();
        edit(&mut events, &mut rules, &mut sched);
        check(&events, &data, &rules, &sched)
    }

    #[test]
    fn the_base_schedule_is_valid() {
        let (events, data, rules, sched) = world();
        assert_eq!(check(&events, &data, &rules, &sched), vec![]);
    }

    #[test]
    fn each_kind_of_violation_is_caught() {
        let has = |v: &[Violation], f: fn(&Violation) -> bool| v.iter().any(f);
        let v = broken(|_, _, s| s.placed[0].date = day(8));
        assert!(
            has(&v, |x| matches!(x, Violation::OutsideWindow { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[0].date = day(6));
        assert!(
            has(&v, |x| matches!(x, Violation::NotWorkday { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[0].date = day(3));
        assert!(has(&v, |x| matches!(x, Violation::Holiday { .. })), "{v:?}");
        let v = broken(|_, _, s| s.placed[0].panel = members(&[0]));
        assert!(
            has(&v, |x| matches!(x, Violation::PanelSize { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[0].panel = members(&[0, 99]));
        assert!(
            has(&v, |x| matches!(x, Violation::UnknownEvaluator { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[0].panel = members(&[0, 0]));
        assert!(
            has(&v, |x| matches!(x, Violation::DuplicateMember { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[1].date = day(2));
        assert!(
            has(&v, |x| matches!(x, Violation::Unavailable { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[1].panel = members(&[0, 2]));
        assert!(
            has(&v, |x| matches!(x, Violation::TooFewSubject { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[0].panel = members(&[1, 3]));
        assert!(
            has(&v, |x| matches!(
                x,
                Violation::Recused {
                    why: "sending_school",
                    ..
                }
            )),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[1].panel = members(&[1, 3]));
        assert!(
            has(&v, |x| matches!(
                x,
                Violation::Recused {
                    why: "host_school",
                    ..
                }
            )),
            "{v:?}"
        );
        let v = broken(|_, r, _| r.recuse.push(Recusal::HostDistrict));
        assert!(
            has(&v, |x| matches!(
                x,
                Violation::Recused {
                    why: "host_district",
                    ..
                }
            )),
            "{v:?}"
        );
        // E2 may take one a day; both evaluations on one day at two schools.
        let v = broken(|_, _, s| {
            s.placed[0].panel = members(&[1, 2]);
            s.placed[1].panel = members(&[1, 2]);
            s.placed[1].date = day(1);
        });
        assert!(
            has(&v, |x| matches!(x, Violation::EvaluatorOverloaded { .. })),
            "{v:?}"
        );
        assert!(
            has(&v, |x| matches!(x, Violation::TwoSchoolsOneDay { .. })),
            "{v:?}"
        );
        // A second evaluation at S2 on the same day: one a day there.
        let v = broken(|e, _, s| {
            let mut twin = e[0].clone();
            twin.id = "EV2".into();
            e.push(twin);
            s.placed.push(Placement {
                event: Id::new(2),
                date: day(1),
                panel: members(&[0, 1]),
            });
        });
        assert!(
            has(&v, |x| matches!(x, Violation::SchoolOverloaded { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| {
            s.placed.pop();
        });
        assert!(has(&v, |x| matches!(x, Violation::Missing { .. })), "{v:?}");
        let v = broken(|_, _, s| s.placed.push(s.placed[0].clone()));
        assert!(
            has(&v, |x| matches!(x, Violation::PlacedTwice { .. })),
            "{v:?}"
        );
        let v = broken(|_, _, s| s.placed[0].event = Id::new(9));
        assert!(
            has(&v, |x| matches!(x, Violation::UnknownEvent { .. })),
            "{v:?}"
        );
    }
}
