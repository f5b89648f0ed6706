//! Who may be exchanged in a plan year, and why not.
//!
//! Every failing rule is kept (not just the first) as a [`Reason`] with the values it
//! looked at, so `eligibility.csv`, `explain` and the report all render the same data.

mod reason;

pub use crate::rules::EligibilityRule;
pub use reason::Reason;

use crate::model::{Dataset, LedgerEntry, School, SchoolId, Teacher};
use crate::rules::{EvalError, ExclusionContext, Rules};
use std::collections::HashMap;

/// The eligibility verdict of one teacher in one plan year.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub reasons: Vec<Reason>,
}

impl Verdict {
    pub fn eligible(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// A custom exclusion whose expression failed at run time (e.g. compared a number with
/// a string); a rule error, reported with the teacher it failed on.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusionFailure {
    pub exclusion: String,
    /// Line of the exclusion's `when` in the rule file, when known.
    pub line: Option<usize>,
    pub teacher: String,
    /// Why the expression gave no true or false (its words are the message); boxed to
    /// keep the errors that carry it small.
    pub message: Box<EvalError>,
}

impl ExclusionFailure {
    /// ` (line 12)`, or nothing when the line is not known.
    pub fn at_line(&self) -> String {
        self.line
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default()
    }
}

/// Assesses every teacher of `data` for plan year `year`. `ledger` is the ledger in
/// force (the data's own, or in `horizon` that plus the exchanges planned so far).
/// Returns one verdict per teacher, in roster order.
pub fn assess(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
) -> Result<Vec<Verdict>, ExclusionFailure> {
    let schools: HashMap<&SchoolId, &School> = data.schools.iter().map(|s| (&s.id, s)).collect();
    let mut by_teacher: HashMap<&str, Vec<&LedgerEntry>> = HashMap::new();
    for e in ledger {
        by_teacher.entry(e.teacher.as_str()).or_default().push(e);
    }
    let mut out = Vec::with_capacity(data.teachers.len());
    for t in &data.teachers {
        let Some(school) = schools.get(&t.school) else {
            // The loader rejects unknown schools; a teacher without one cannot move.
            out.push(Verdict {
                reasons: vec![Reason::SendingLocality { locality: None }],
            });
            continue;
        };
        let history = by_teacher
            .get(t.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        out.push(assess_one(t, school, history, rules, year)?);
    }
    Ok(out)
}

/// The verdict for one teacher, given the ledger entries of that teacher.
pub fn assess_one(
    t: &Teacher,
    school: &School,
    history: &[&LedgerEntry],
    rules: &Rules,
    year: i32,
) -> Result<Verdict, ExclusionFailure> {
    let e = &rules.eligibility;
    let mut reasons = Vec::new();
    if !e.statuses.contains(&t.status) {
        reasons.push(Reason::Status { status: t.status });
    }
    if !e.roles.contains(&t.role) {
        reasons.push(Reason::Role { role: t.role });
    }
    let years_at_school = year - t.joined_school_year;
    let min_years = rules.min_years_at_school(t);
    if years_at_school < min_years {
        reasons.push(Reason::MinYearsAtSchool {
            years: years_at_school,
            min: min_years,
        });
    }
    let age = year - t.birth_year;
    // The retirement year decides; the age at retirement is derived from it so the
    // explanation reads in years of age.
    let retirement_year = rules.retirement_year(t);
    let retirement_age = retirement_year - t.birth_year;
    let years_left = retirement_year - year;
    if years_left <= e.exempt_years_before_retirement {
        reasons.push(Reason::NearRetirement {
            age,
            retirement_age,
            years_left,
            exempt: e.exempt_years_before_retirement,
        });
    }
    if !e.sending_localities.contains(&school.locality) {
        reasons.push(Reason::SendingLocality {
            locality: Some(school.locality),
        });
    }
    if school.weak && !e.weak_schools_send {
        reasons.push(Reason::WeakSchool);
    }
    // The ledger: excluded by (A) a planned or active exchange whose term covers the
    // year, or (B) a non-cancelled one whose end_year >= year (on exchange now, or
    // already planned; this holds even with min_years_between_exchanges = 0) or whose
    // end_year > year − min_years_between_exchanges (back too recently). Reported as
    // on_exchange when it has not ended before the year, else as
    // min_years_between_exchanges.
    let mut on: Option<&LedgerEntry> = None;
    let mut recent: Option<&LedgerEntry> = None;
    for x in history {
        use crate::model::LedgerStatus::{Active, Cancelled, Planned};
        let a = matches!(x.status, Planned | Active) && x.start_year <= year && year <= x.end_year;
        let b = x.status != Cancelled
            && (x.end_year >= year || x.end_year > year - e.min_years_between_exchanges);
        if a || (b && x.end_year >= year) {
            if on.is_none_or(|o| (x.start_year, x.end_year) < (o.start_year, o.end_year)) {
                on = Some(x);
            }
        } else if b && recent.is_none_or(|r| x.end_year > r.end_year) {
            recent = Some(x);
        }
    }
    if let Some(x) = on {
        reasons.push(Reason::OnExchange {
            to_school: x.to_school.clone(),
            start_year: x.start_year,
            end_year: x.end_year,
            status: x.status,
        });
    }
    if let Some(x) = recent {
        reasons.push(Reason::MinYearsBetweenExchanges {
            end_year: x.end_year,
            years_since: year - x.end_year,
            min: e.min_years_between_exchanges,
        });
    }
    if !e.exclude.is_empty() {
        let ctx = ExclusionContext {
            teacher: t,
            school,
            year,
            retirement_age,
        };
        for ex in &e.exclude {
            match ex.when.eval(&ctx) {
                Ok(true) => reasons.push(Reason::Custom { id: ex.id.clone() }),
                Ok(false) => {}
                Err(message) => {
                    return Err(ExclusionFailure {
                        exclusion: ex.id.clone(),
                        line: ex.line,
                        teacher: t.id.to_string(),
                        message: Box::new(message),
                    })
                }
            }
        }
    }
    Ok(Verdict { reasons })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Form, LedgerStatus, Subject};

    fn teacher() -> Teacher {
        Teacher {
            name: "t".into(),
            ..Teacher::new("T1", "S1", "math", 1980, 2000)
        }
    }

    fn school() -> School {
        School::new("S1", "s", "D")
    }

    fn entry(start_year: i32, end_year: i32, status: LedgerStatus) -> LedgerEntry {
        LedgerEntry {
            teacher: "T1".into(),
            from_school: "S1".into(),
            to_school: "S2".into(),
            subject: Subject("math".into()),
            form: Form::Transfer,
            start_year,
            end_year,
            status,
        }
    }

    fn ids(rules: &Rules, e: &LedgerEntry, year: i32) -> Vec<String> {
        let v = assess_one(&teacher(), &school(), &[e], rules, year).expect("no exclusions");
        v.reasons.iter().map(|r| r.id().to_string()).collect()
    }

    /// A non-cancelled exchange whose end_year ≥ Y excludes its teacher, whatever its
    /// status and whatever `min_years_between_exchanges`, 0 included.
    #[test]
    fn ledger_term_covering_year_excludes_even_with_zero_gap() {
        let mut rules = Rules::default();
        rules.eligibility.min_years_between_exchanges = 0;
        for status in [
            LedgerStatus::Planned,
            LedgerStatus::Active,
            LedgerStatus::Completed,
        ] {
            assert_eq!(
                ids(&rules, &entry(2020, 2022, status), 2022),
                ["on_exchange"]
            );
            assert_eq!(
                ids(&rules, &entry(2023, 2025, status), 2022),
                ["on_exchange"]
            );
            assert!(ids(&rules, &entry(2019, 2021, status), 2022).is_empty());
        }
        assert!(ids(&rules, &entry(2020, 2022, LedgerStatus::Cancelled), 2022).is_empty());
        rules.eligibility.min_years_between_exchanges = 2;
        let done = entry(2019, 2021, LedgerStatus::Completed);
        assert_eq!(ids(&rules, &done, 2022), ["min_years_between_exchanges"]);
        assert!(ids(&rules, &done, 2023).is_empty());
    }
}
