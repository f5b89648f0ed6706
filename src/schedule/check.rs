//! An independent checker of every hard rule of a schedule. It shares no code with the
//! solver on purpose: it reads the rules straight from the data and the rules as documented, so a
//! solver bug cannot hide behind a shared helper. The command runs it on every schedule
//! before writing; tests run it on random instances.

use super::{Event, EventKind, Schedule};
use crate::model::{Dataset, Date};
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
    let mut ev_load: BTreeMap<(usize, Date), (u32, Vec<&str>)> = BTreeMap::new();
    let mut school_load: BTreeMap<(usize, Date), u32> = BTreeMap::new();
    for p in &schedule.placed {
        let Some(ev) = events.get(p.event) else {
            v.push(Violation::UnknownEvent { event: p.event });
            continue;
        };
        seen[p.event] += 1;
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
        let Some(host) = data.schools.get(ev.host) else {
            v.push(Violation::UnknownEvent { event: p.event });
            continue;
        };
        let sending = ev.sending.and_then(|s| data.schools.get(s)).map(|s| &s.id);
        let mut subject = 0;
        for (k, &m) in p.panel.iter().enumerate() {
            let Some(e) = data.evaluators.get(m) else {
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
        let Some(e) = data.evaluators.get(*m) else {
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
                    .get(*s)
                    .map_or(String::new(), |x| x.id.to_string()),
                date: *d,
                load: *load,
                cap: rules.max_per_school_per_day,
            });
        }
    }
    for (i, _) in &schedule.unscheduled {
        if let Some(n) = seen.get_mut(*i) {
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
