//! The independent checker of an itinerant plan.
//!
//! It reads the lesson rows as written and the raw data, and checks every hard rule
//! directly: it shares no structure with the optimiser (no units, components, host
//! groups or MILP variables), and computes distances with its own formula.

use super::{Context, ItinerantPlan};
use crate::model::{School, SchoolId, Subject, Teacher, TeacherId};
use crate::rules::{ExclusionContext, ItinerantProgram, ItinerantScope, Weekday};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// The hard rule a lesson (or the plan's figures) breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ViolationKind {
    UnknownProgram,
    UnknownTeacher,
    UnknownSchool,
    /// `home_school` is not the teacher's school.
    WrongHome,
    ZeroPeriods,
    /// Status not in `[eligibility] statuses`.
    Status,
    /// On an exchange in the year (ledger, or moved by the year's plan).
    OnExchange,
    /// The program's `when` is not true for the teacher.
    NotInProgram,
    /// The lesson's subject is not one of the program's subjects.
    SubjectNotInProgram,
    /// The teacher's subject does not fit the lesson's subject.
    SubjectMismatch,
    /// A school hosting its own teacher.
    OwnSchool,
    /// Host and home not in one township (or district).
    Scope,
    /// Farther than `max_km`.
    TooFar,
    /// `distance_km` differs from the schools' distance.
    WrongDistance,
    /// A weekday the program does not use.
    Day,
    /// Two hosts on one weekday.
    TwoHostsOneDay,
    /// More than `max_periods_per_day` at one host on one day.
    PeriodsPerDay,
    /// More than `max_schools_per_teacher` hosts.
    TooManySchools,
    /// More lessons than `spare_periods`.
    Spare,
    /// More lessons to a (school, subject) than it needs.
    Need,
    /// The summary's figures or the uncovered list disagree with the lessons.
    Figures,
}

impl ViolationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::UnknownProgram => "unknown_program",
            ViolationKind::UnknownTeacher => "unknown_teacher",
            ViolationKind::UnknownSchool => "unknown_school",
            ViolationKind::WrongHome => "wrong_home_school",
            ViolationKind::ZeroPeriods => "zero_periods",
            ViolationKind::Status => "status",
            ViolationKind::OnExchange => "on_exchange",
            ViolationKind::NotInProgram => "program_when",
            ViolationKind::SubjectNotInProgram => "subject_not_in_program",
            ViolationKind::SubjectMismatch => "subject",
            ViolationKind::OwnSchool => "own_school",
            ViolationKind::Scope => "scope",
            ViolationKind::TooFar => "max_km",
            ViolationKind::WrongDistance => "distance",
            ViolationKind::Day => "day",
            ViolationKind::TwoHostsOneDay => "one_host_per_day",
            ViolationKind::PeriodsPerDay => "max_periods_per_day",
            ViolationKind::TooManySchools => "max_schools_per_teacher",
            ViolationKind::Spare => "spare_periods",
            ViolationKind::Need => "need_periods",
            ViolationKind::Figures => "figures",
        }
    }
}

/// One broken rule: the kind, the lesson row (0-based) when it is about one, and what
/// was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub kind: ViolationKind,
    pub lesson: Option<usize>,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lesson {
            Some(i) => write!(
                f,
                "lesson {}: {}: {}",
                i + 1,
                self.kind.as_str(),
                self.detail
            ),
            None => write!(f, "{}: {}", self.kind.as_str(), self.detail),
        }
    }
}

/// Checks every hard rule and the figures of `plan`. Empty when all hold.
pub fn check(ctx: &Context<'_>, plan: &ItinerantPlan) -> Vec<Violation> {
    let data = ctx.data;
    let rules = ctx.rules;
    let schools: HashMap<&SchoolId, &School> = data.schools.iter().map(|s| (&s.id, s)).collect();
    let teachers: HashMap<&TeacherId, &Teacher> =
        data.teachers.iter().map(|t| (&t.id, t)).collect();
    let programs: HashMap<&str, &ItinerantProgram> = rules
        .itinerant
        .programs
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut out = Vec::new();
    let mut bad = |kind, lesson: Option<usize>, detail: String| {
        out.push(Violation {
            kind,
            lesson,
            detail,
        });
    };
    let mut host_of_day: BTreeMap<(&TeacherId, Weekday), (&SchoolId, usize)> = BTreeMap::new();
    let mut per_day: BTreeMap<(&str, &TeacherId, &SchoolId, Weekday), u32> = BTreeMap::new();
    let mut hosts: BTreeMap<(&str, &TeacherId), BTreeSet<&SchoolId>> = BTreeMap::new();
    let mut given: BTreeMap<&TeacherId, u64> = BTreeMap::new();
    let mut received: BTreeMap<(&SchoolId, &Subject), u64> = BTreeMap::new();
    for (i, l) in plan.lessons.iter().enumerate() {
        let at = Some(i);
        let Some(p) = programs.get(l.program.as_str()) else {
            bad(
                ViolationKind::UnknownProgram,
                at,
                format!("program `{}`", l.program),
            );
            continue;
        };
        let Some(t) = teachers.get(&l.teacher) else {
            bad(
                ViolationKind::UnknownTeacher,
                at,
                format!("teacher {}", l.teacher),
            );
            continue;
        };
        let (Some(home), Some(host)) = (schools.get(&l.home), schools.get(&l.host)) else {
            bad(
                ViolationKind::UnknownSchool,
                at,
                format!("{} or {}", l.home, l.host),
            );
            continue;
        };
        if t.school != l.home {
            bad(
                ViolationKind::WrongHome,
                at,
                format!("{} teaches at {}, not {}", t.id, t.school, l.home),
            );
        }
        if l.periods == 0 {
            bad(ViolationKind::ZeroPeriods, at, "0 periods".into());
        }
        if !rules.eligibility.statuses.contains(&t.status) {
            bad(
                ViolationKind::Status,
                at,
                format!("{} has status {:?}", t.id, t.status),
            );
        }
        let away = ctx.moved.contains(&t.id)
            || data.ledger.iter().any(|e| {
                e.teacher == t.id
                    && e.status != crate::model::LedgerStatus::Cancelled
                    && e.start_year <= ctx.year
                    && ctx.year <= e.end_year
            });
        if away {
            bad(
                ViolationKind::OnExchange,
                at,
                format!("{} is on an exchange in {}", t.id, ctx.year),
            );
        }
        if let Some(w) = &p.when {
            let ok = w
                .eval(&ExclusionContext {
                    teacher: t,
                    school: home,
                    year: ctx.year,
                    retirement_age: rules.retirement_age(t.gender),
                })
                .unwrap_or(false);
            if !ok {
                bad(
                    ViolationKind::NotInProgram,
                    at,
                    format!("`{}` is not true for {}", w.source, t.id),
                );
            }
        }
        if !p.subjects.contains(&l.subject) {
            bad(
                ViolationKind::SubjectNotInProgram,
                at,
                format!("{} is not a subject of `{}`", l.subject, p.id),
            );
        }
        let fits = t.subject == l.subject
            || rules
                .matching
                .substitutes
                .get(&l.subject)
                .is_some_and(|v| v.contains(&t.subject));
        if !fits {
            bad(
                ViolationKind::SubjectMismatch,
                at,
                format!("{} teaches {}, not {}", t.id, t.subject, l.subject),
            );
        }
        if home.id == host.id {
            bad(
                ViolationKind::OwnSchool,
                at,
                format!("{} at {}", t.id, host.id),
            );
        }
        let same_unit = home.district == host.district
            && match p.scope {
                ItinerantScope::District => true,
                ItinerantScope::Township => {
                    home.township.is_some() && home.township == host.township
                }
            };
        if !same_unit {
            bad(
                ViolationKind::Scope,
                at,
                format!(
                    "{} and {} are not in one {}",
                    home.id,
                    host.id,
                    p.scope.as_str()
                ),
            );
        }
        let km = match (home.coord, host.coord) {
            (Some(a), Some(b)) => crate::model::great_circle_km(a, b),
            _ => 0.0,
        };
        if km > p.max_km + 1e-9 {
            bad(
                ViolationKind::TooFar,
                at,
                format!("{km:.3} km > max_km {}", p.max_km),
            );
        }
        if (km * 1000.0 - l.distance_m as f64).abs() > 1.0 {
            bad(
                ViolationKind::WrongDistance,
                at,
                format!(
                    "{} m given, {:.0} m between the schools",
                    l.distance_m,
                    km * 1000.0
                ),
            );
        }
        if !p.days.contains(&l.weekday) {
            bad(
                ViolationKind::Day,
                at,
                format!("{} is not a day of `{}`", l.weekday.as_str(), p.id),
            );
        }
        match host_of_day.get(&(&l.teacher, l.weekday)) {
            Some(&(h, first)) if h != &l.host => bad(
                ViolationKind::TwoHostsOneDay,
                at,
                format!(
                    "{} at {} and {} on {} (lesson {})",
                    l.teacher,
                    h,
                    l.host,
                    l.weekday.as_str(),
                    first + 1
                ),
            ),
            Some(_) => {}
            None => {
                host_of_day.insert((&l.teacher, l.weekday), (&l.host, i));
            }
        }
        let d = per_day
            .entry((l.program.as_str(), &l.teacher, &l.host, l.weekday))
            .or_default();
        *d += l.periods;
        if *d > p.max_periods_per_day {
            bad(
                ViolationKind::PeriodsPerDay,
                at,
                format!(
                    "{} periods at {} on {} > {}",
                    d,
                    l.host,
                    l.weekday.as_str(),
                    p.max_periods_per_day
                ),
            );
        }
        let hs = hosts.entry((l.program.as_str(), &l.teacher)).or_default();
        hs.insert(&l.host);
        if hs.len() > p.max_schools_per_teacher as usize {
            bad(
                ViolationKind::TooManySchools,
                at,
                format!("{} hosts > {}", hs.len(), p.max_schools_per_teacher),
            );
        }
        let g = given.entry(&l.teacher).or_default();
        *g += u64::from(l.periods);
        let spare = u64::from(data.itinerant.spare(&l.teacher));
        if *g > spare {
            bad(
                ViolationKind::Spare,
                at,
                format!("{} periods > spare_periods {spare}", g),
            );
        }
        *received.entry((&l.host, &l.subject)).or_default() += u64::from(l.periods);
    }
    let mut needed: BTreeMap<(&SchoolId, &Subject), u64> = BTreeMap::new();
    // Needs at schools outside the data (another shard's districts) are not this
    // plan's; loading rejects any other unknown school.
    for n in data
        .itinerant
        .needs
        .iter()
        .filter(|n| schools.contains_key(&n.school))
    {
        *needed.entry((&n.school, &n.subject)).or_default() += u64::from(n.periods);
    }
    for (&(school, subject), &got) in &received {
        let want = needed.get(&(school, subject)).copied().unwrap_or(0);
        if got > want {
            bad(
                ViolationKind::Need,
                None,
                format!("{school} {subject}: {got} periods given, {want} needed"),
            );
        }
    }
    let covered: u64 = plan.lessons.iter().map(|l| u64::from(l.periods)).sum();
    let people = plan
        .lessons
        .iter()
        .map(|l| &l.teacher)
        .collect::<BTreeSet<_>>()
        .len();
    let total: u64 = needed.values().sum();
    if plan.periods_covered != covered
        || plan.periods_needed != total
        || plan.teachers as usize != people
    {
        bad(
            ViolationKind::Figures,
            None,
            format!(
                "figures say {} covered of {} by {} teachers; lessons give {covered} of {total} by {people}",
                plan.periods_covered, plan.periods_needed, plan.teachers
            ),
        );
    }
    let mut listed: BTreeMap<(&SchoolId, &Subject), u64> = BTreeMap::new();
    for u in &plan.uncovered {
        *listed.entry((&u.school, &u.subject)).or_default() += u64::from(u.periods);
    }
    for (&(school, subject), &want) in &needed {
        let got = received.get(&(school, subject)).copied().unwrap_or(0);
        let short = want.saturating_sub(got);
        let says = listed.get(&(school, subject)).copied().unwrap_or(0);
        if short != says {
            bad(
                ViolationKind::Figures,
                None,
                format!("{school} {subject}: {short} periods uncovered, {says} listed"),
            );
        }
    }
    out
}
