//! Random small instances through `rotaplan_core::horizon::run`: the carry-forward keeps the
//! invariants of docs/rules.md, "The horizon, exactly", each checked here from the ledger and
//! the data alone, not from the planner's own facts:
//! (a) the cumulative never decreases and is the count of counted exchanges by start
//!     year; (b) no teacher is away twice at once; (c) a teacher whose exchange covers
//!     Y is neither eligible nor moved in Y; (d) posts filled never exceed the posts
//!     left open by the exchanges occupying them.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use rotaplan_core::horizon::{self, HorizonOptions};
use rotaplan_core::model::{
    Backbone, Dataset, Form, Gender, LedgerEntry, LedgerStatus, Locality, Need, Role, School,
    SchoolId, Stage, Status, Subject, Teacher, TeacherId, Title,
};
use rotaplan_core::plan::PlanOptions;
use rotaplan_core::rules::{BackboneLevel, Rules, Share};
use std::collections::BTreeMap;

const SUBJECTS: [&str; 3] = ["math", "chinese", "english"];
const FIRST: i32 = 2021;
const LOCALITIES: [Locality; 3] = [Locality::Urban, Locality::Town, Locality::Rural];
const STAGES: [Stage; 3] = [Stage::Primary, Stage::Junior, Stage::NineYear];
const FORMS: [Form; 3] = [Form::Transfer, Form::Itinerant, Form::Support];
const STATUSES: [LedgerStatus; 4] = [
    LedgerStatus::Planned,
    LedgerStatus::Active,
    LedgerStatus::Completed,
    LedgerStatus::Cancelled,
];

type SchoolSpec = (usize, bool, usize, usize, Option<u32>);
type TeacherSpec = (usize, bool, i32, usize, bool, i32, bool, bool);
type NeedSpec = (usize, usize, u32, u32);
type LedgerSpec = Option<(usize, usize, usize, usize, i32, i32)>;
type RuleSpec = (
    (i32, i32, i32, i32, i32),
    (u32, u32, usize, u32, bool, u32, bool, usize),
);

fn build(
    schools: Vec<SchoolSpec>,
    teachers: Vec<TeacherSpec>,
    needs: Vec<NeedSpec>,
    ledger: Vec<LedgerSpec>,
    r: RuleSpec,
) -> (Dataset, Rules) {
    let (
        (years, term, between, at_school, exempt),
        (share, backbone, level, outflow, fill, forms, same, tf),
    ) = r;
    let mut rules = Rules::default();
    rules.plan.first_year = FIRST;
    rules.plan.last_year = FIRST + years - 1;
    rules.plan.target_exchanges = 12;
    rules.plan.count_forms = FORMS
        .iter()
        .enumerate()
        .filter(|(i, _)| forms & (1 << i) != 0)
        .map(|(_, f)| *f)
        .collect();
    rules.term.years = term;
    rules.term.form = FORMS[tf];
    rules.eligibility.min_years_between_exchanges = between;
    rules.eligibility.min_years_at_school = at_school;
    rules.eligibility.exempt_years_before_retirement = exempt;
    rules.quota.min_share_of_eligible = Share::hundredths(share);
    rules.quota.min_backbone_share = Share::hundredths(backbone);
    rules.quota.backbone_share_level = [
        BackboneLevel::School,
        BackboneLevel::District,
        BackboneLevel::Plan,
    ][level];
    rules.quota.max_outflow_share_of_staff = Share::hundredths(outflow);
    rules.quota.fill_beyond_quota = fill;
    rules.flow.same_district = same;

    let n = schools.len();
    let schools: Vec<School> = schools
        .into_iter()
        .enumerate()
        .map(|(i, (loc, weak, stage, district, staff))| School {
            id: SchoolId(format!("S{i}")),
            name: format!("学校{i}"),
            district: format!("D{district}"),
            township: None,
            locality: LOCALITIES[loc],
            weak,
            stage: STAGES[stage],
            coord: None,
            staff,
        })
        .collect();
    let teachers: Vec<Teacher> = teachers
        .into_iter()
        .enumerate()
        .map(
            |(i, (school, male, birth, subject, backbone, joined, away, volunteer))| Teacher {
                id: TeacherId(format!("T{i}")),
                name: format!("教师{i}"),
                gender: if male { Gender::M } else { Gender::F },
                birth_year: birth,
                school: schools[school % n].id.clone(),
                subject: Subject(SUBJECTS[subject].into()),
                title: Title::Intermediate,
                backbone: if backbone {
                    Backbone::County
                } else {
                    Backbone::None
                },
                role: Role::Teacher,
                joined_school_year: joined,
                status: if away { Status::Leave } else { Status::Active },
                volunteer,
                birth_month: 1,
                retirement_age: None,
            },
        )
        .collect();
    let needs = needs
        .into_iter()
        .map(|(school, subject, count, priority)| Need {
            school: schools[school % n].id.clone(),
            subject: Subject(SUBJECTS[subject].into()),
            count,
            priority,
            year: None,
        })
        .collect();
    // At most one ledger row per teacher, from the teacher's own school. A `completed`
    // row whose term still covers a year of the period is kept as generated: any
    // non-cancelled exchange whose end_year >= Y keeps its teacher away in Y, even with
    // min_years_between_exchanges = 0, so (c) holds for such data too.
    let ledger = teachers
        .iter()
        .zip(ledger)
        .filter_map(|(t, spec)| {
            let (to, subject, form, status, start, len) = spec?;
            let end = start + len;
            let status = STATUSES[status];
            Some(LedgerEntry {
                teacher: t.id.clone(),
                from_school: t.school.clone(),
                to_school: schools[to % n].id.clone(),
                subject: Subject(SUBJECTS[subject].into()),
                form: FORMS[form],
                start_year: start,
                end_year: end,
                status,
            })
        })
        .collect();
    let mut data = Dataset {
        schools,
        teachers,
        needs,
        ledger,
        evaluators: Vec::new(),
        itinerant: Default::default(),
        steering: Default::default(),
    };
    data.group_by_district();
    (data, rules)
}

fn instance() -> impl Strategy<Value = (Dataset, Rules)> {
    let schools = prop::collection::vec(
        (
            0usize..3,
            prop::bool::weighted(0.2),
            prop::sample::select(vec![0usize, 0, 0, 1, 2]),
            prop::sample::select(vec![0usize, 0, 0, 1]),
            prop::option::of(1u32..20),
        ),
        2..5,
    );
    let teachers = prop::collection::vec(
        (
            0usize..5,
            any::<bool>(),
            1962i32..1998,
            0usize..3,
            any::<bool>(),
            2005i32..2021,
            prop::bool::weighted(0.1),
            any::<bool>(),
        ),
        4..20,
    );
    let needs = prop::collection::vec((0usize..5, 0usize..3, 0u32..4, 1u32..4), 3..12);
    let ledger = prop::collection::vec(
        prop::option::weighted(
            0.35,
            (
                0usize..5,
                0usize..3,
                0usize..3,
                0usize..4,
                2016i32..2025,
                0i32..3,
            ),
        ),
        16,
    );
    let rules = (
        (2i32..5, 1i32..4, 0i32..4, 0i32..7, 0i32..4),
        (
            prop::sample::select(vec![5u32, 10, 25, 50, 100, 100]),
            prop::sample::select(vec![0u32, 20, 50]),
            0usize..3,
            prop::sample::select(vec![10u32, 15, 50]),
            any::<bool>(),
            0u32..8,
            prop::bool::weighted(0.8),
            0usize..3,
        ),
    );
    (schools, teachers, needs, ledger, rules).prop_map(|(s, t, n, l, r)| build(s, t, n, l, r))
}

/// Open posts of (school, subject) in `year`, from needs.csv and the ledger in force.
fn open_posts(
    data: &Dataset,
    ledger: &[LedgerEntry],
    year: i32,
) -> BTreeMap<(String, String), i64> {
    let mut open: BTreeMap<(String, String), i64> = BTreeMap::new();
    for n in &data.needs {
        *open
            .entry((n.school.0.clone(), n.subject.0.clone()))
            .or_default() += i64::from(n.count);
    }
    for e in ledger {
        if e.status != LedgerStatus::Cancelled && e.start_year <= year && year <= e.end_year {
            if let Some(c) = open.get_mut(&(e.to_school.0.clone(), e.subject.0.clone())) {
                *c -= 1;
            }
        }
    }
    open.into_iter().map(|(k, c)| (k, c.max(0))).collect()
}

/// Checks (c) and (d) for one year.
/// `ledger` is the test's own record: the data's ledger plus the moves of earlier years
/// (not the run's `v.ledger`), so a carry-forward that forgot a move is caught.
fn check_year(
    v: &horizon::YearView<'_>,
    rules: &Rules,
    ledger: &[LedgerEntry],
) -> Result<(), String> {
    let year = v.row.year;
    let moved: BTreeMap<usize, &rotaplan_core::plan::Move> = v
        .plan
        .moves
        .iter()
        .map(|m| (m.teacher.index(), m))
        .collect();
    if moved.len() != v.plan.moves.len() {
        return Err(format!("{year}: a teacher moves twice"));
    }
    for (i, t) in v.roster.teachers.iter().enumerate() {
        if year - t.birth_year >= rules.retirement_age(t.gender) {
            return Err(format!(
                "{year}: {} is past retirement but on the roster",
                t.id.0
            ));
        }
        let away = ledger.iter().any(|e| {
            e.teacher == t.id
                && e.status != LedgerStatus::Cancelled
                && e.start_year <= year
                && year <= e.end_year
        });
        if away && v.plan.verdicts[i].eligible() {
            return Err(format!("{year}: {} is on exchange yet eligible", t.id.0));
        }
        if moved.contains_key(&i) && !v.plan.verdicts[i].eligible() {
            return Err(format!("{year}: {} moved while not eligible", t.id.0));
        }
        if away && moved.contains_key(&i) {
            return Err(format!("{year}: {} is on exchange yet moved", t.id.0));
        }
    }
    let open = open_posts(v.roster, ledger, year);
    let mut filled: BTreeMap<(String, String), i64> = BTreeMap::new();
    for m in &v.plan.moves {
        let key = (v.roster.schools[m.to].id.0.clone(), m.subject.0.clone());
        *filled.entry(key).or_default() += 1;
    }
    for (key, n) in filled {
        let o = open.get(&key).copied().unwrap_or(0);
        if n > o {
            return Err(format!("{year}: {n} posts filled at {key:?}, {o} open"));
        }
    }
    let total_open: i64 = open.values().sum();
    if v.row.posts_filled as i64 > total_open {
        return Err(format!(
            "{year}: posts_filled {} > open {total_open}",
            v.row.posts_filled
        ));
    }
    Ok(())
}

fn overlapping(ledger: &[LedgerEntry]) -> Option<String> {
    let mut by_teacher: BTreeMap<&str, Vec<&LedgerEntry>> = BTreeMap::new();
    for e in ledger
        .iter()
        .filter(|e| e.status != LedgerStatus::Cancelled)
    {
        by_teacher.entry(e.teacher.0.as_str()).or_default().push(e);
    }
    for (t, list) in by_teacher {
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                if a.start_year <= b.end_year && b.start_year <= a.end_year {
                    return Some(format!(
                        "{t} away twice: {}–{} and {}–{}",
                        a.start_year, a.end_year, b.start_year, b.end_year
                    ));
                }
            }
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn horizon_keeps_its_invariants((data, rules) in instance()) {
        let opts = HorizonOptions {
            plan: PlanOptions { time_limit: 10.0, ..PlanOptions::default() },
            stop_when_met: false,
        };
        let years = rules.plan.first_year..=rules.plan.last_year;
        let mut mine = data.ledger.clone();
        let h = horizon::run(&data, &rules, years.clone(), &opts, |v| {
            check_year(v, &rules, &mine)?;
            mine.extend(v.plan.moves.iter().map(|m| LedgerEntry {
                teacher: v.roster.teachers[m.teacher].id.clone(),
                from_school: v.roster.schools[m.from].id.clone(),
                to_school: v.roster.schools[m.to].id.clone(),
                subject: m.subject.clone(),
                form: rules.term.form,
                start_year: v.row.year,
                end_year: v.row.year + rules.term.years - 1,
                status: LedgerStatus::Planned,
            }));
            Ok(())
        });
        let h = match h {
            Ok(h) => h,
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        prop_assert_eq!(h.rows.len(), years.clone().count());
        // (a) never decreases, and is the recount of counted exchanges by start year.
        for w in h.rows.windows(2) {
            prop_assert!(w[1].cumulative >= w[0].cumulative, "{:?}", h.rows);
        }
        for r in &h.rows {
            let recount = mine
                .iter()
                .filter(|e| {
                    e.status != LedgerStatus::Cancelled
                        && rules.plan.count_forms.contains(&e.form)
                        && (FIRST..=r.year).contains(&e.start_year)
                })
                .count() as u64;
            prop_assert_eq!(r.cumulative, recount, "year {}", r.year);
        }
        // (b) no teacher away twice at once, ledger and planned together.
        prop_assert_eq!(&mine, &h.ledger);
        if let Some(msg) = overlapping(&mine) {
            return Err(TestCaseError::fail(msg));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// The target search's first round run beside the base horizon, on the guess that
    /// the rules' own share meets the target, gives the search it would give without:
    /// targets on both sides of the base horizon's cumulative (a right and a wrong
    /// guess), shares on and off the grid.
    #[test]
    fn early_round_never_changes_the_search(
        (data, mut rules) in instance(),
        target in 0u32..40,
        off_grid in any::<bool>(),
    ) {
        rules.plan.target_exchanges = target;
        if off_grid {
            rules.quota.min_share_of_eligible = Share::parse("0.123").unwrap();
        }
        let opts = HorizonOptions {
            plan: PlanOptions { time_limit: 10.0, ..PlanOptions::default() },
            stop_when_met: false,
        };
        let years = rules.plan.first_year..=rules.plan.last_year;
        let base = horizon::run(&data, &rules, years, &opts, |_| Ok(()));
        let base = match base {
            Ok(h) => h,
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        let plain = horizon::search_observed(&data, &rules, &base, &opts, &|_| {});
        let early = horizon::early_round(&data, &rules, &opts);
        let ahead = horizon::search_ahead(&data, &rules, &base, &opts, early, &|_| {});
        let json = |s: &Result<horizon::TargetSearch, horizon::HorizonError>| match s {
            Ok(s) => serde_json::to_string(s).unwrap(),
            Err(e) => e.to_string(),
        };
        prop_assert_eq!(json(&plain), json(&ahead));
    }
}
