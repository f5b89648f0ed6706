//! Random 2026–2030 horizons under the 2025 retirement-age reform, with birth months,
//! personal retirement ages and (sometimes) mandatory leader rotation: no teacher is
//! ever on the roster, nor planned, in or after their retirement year, and nobody is
//! planned within `exempt_years_before_retirement` of it. The retirement year is
//! worked out here from the reform's published table, not by rotaplan's function.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use rotaplan_core::horizon::{self, HorizonOptions};
use rotaplan_core::model::{
    Backbone, Dataset, Gender, Locality, Need, Role, School, Status, Subject, Teacher, TeacherId,
    Title,
};
use rotaplan_core::rules::{LeaderRules, Rules, Share};

/// (original age, first affected birth year, months per month of delay, cap).
const TABLE: [(i32, i32, i32, i32); 3] = [(60, 1965, 4, 36), (55, 1970, 4, 36), (50, 1975, 2, 60)];

fn retirement_year(t: &Teacher) -> i32 {
    let age = t
        .retirement_age
        .unwrap_or(if t.gender == Gender::M { 60 } else { 55 });
    let mut delay = 0;
    if let Some(&(_, first, step, cap)) = TABLE.iter().find(|g| g.0 == age) {
        let months_after = (t.birth_year - first) * 12 + i32::from(t.birth_month) - 1;
        if months_after >= 0 {
            delay = (months_after / step + 1).min(cap);
        }
    }
    // Months from January of birth_year + age.
    let m = i32::from(t.birth_month) - 1 + delay;
    t.birth_year + age + m / 12
}

type TeacherSpec = (bool, i32, u8, Option<i32>, usize, usize, i32);

fn build(
    teachers: Vec<TeacherSpec>,
    posts: Vec<(usize, u32)>,
    exempt: i32,
    leaders: u8,
) -> (Dataset, Rules) {
    let school = |i: usize, locality| School {
        locality,
        ..School::new(format!("S{i}"), format!("s{i}"), "D")
    };
    let schools = vec![
        school(0, Locality::Urban),
        school(1, Locality::Town),
        school(2, Locality::Rural),
    ];
    let subjects = ["math", "chinese", "principal"];
    let teachers = teachers
        .into_iter()
        .enumerate()
        .map(
            |(i, (male, birth, month, own_age, at, role, joined))| Teacher {
                id: TeacherId(format!("T{i}")),
                name: format!("t{i}"),
                gender: if male { Gender::M } else { Gender::F },
                birth_year: birth,
                school: schools[at % 2].id.clone(),
                subject: Subject::new(subjects[i % 2]),
                title: Title::Intermediate,
                backbone: Backbone::None,
                role: [
                    Role::Teacher,
                    Role::Teacher,
                    Role::Principal,
                    Role::VicePrincipal,
                ][role],
                joined_school_year: joined,
                status: Status::Active,
                volunteer: false,
                birth_month: month,
                retirement_age: own_age,
            },
        )
        .collect();
    let needs = posts
        .into_iter()
        .map(|(s, count)| Need {
            school: schools[2].id.clone(),
            subject: Subject::new(subjects[s]),
            count,
            priority: 1,
            year: None,
        })
        .collect();
    let mut rules = Rules::default();
    rules.plan.first_year = 2026;
    rules.plan.last_year = 2030;
    rules.eligibility.retirement_reform_2025 = true;
    rules.eligibility.exempt_years_before_retirement = exempt;
    rules.quota.min_share_of_eligible = Share::hundredths(100);
    rules.quota.max_outflow_share_of_staff = Share::hundredths(100);
    rules.quota.min_backbone_share = Share::hundredths(0);
    rules.term.years = 1;
    rules.eligibility.min_years_between_exchanges = 0;
    if leaders > 0 {
        rules.leaders = Some(LeaderRules {
            mandatory: leaders == 2,
            promote: true,
            ..LeaderRules::default()
        });
    }
    let data = Dataset {
        schools,
        teachers,
        needs,
        ..Dataset::default()
    };
    (data, rules)
}

fn instance() -> impl Strategy<Value = (Dataset, Rules)> {
    let teachers = prop::collection::vec(
        (
            any::<bool>(),
            1960i32..1980,
            1u8..13,
            prop::option::weighted(0.2, prop::sample::select(vec![50, 55, 58, 60])),
            0usize..2,
            0usize..4,
            2000i32..2020,
        ),
        3..14,
    );
    let posts = prop::collection::vec((0usize..3, 1u32..4), 1..4);
    (teachers, posts, 0i32..4, 0u8..3).prop_map(|(t, p, e, l)| build(t, p, e, l))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn nobody_is_planned_past_their_retirement_year(case in instance()) {
        let (data, rules) = case;
        let exempt = rules.eligibility.exempt_years_before_retirement;
        let mut problems = Vec::new();
        horizon::run(&data, &rules, 2026..=2030, &HorizonOptions::default(), |v| {
            let year = v.row.year;
            for t in &v.roster.teachers {
                if retirement_year(t) <= year {
                    problems.push(format!("{year}: {} retired in {} but on the roster", t.id.0, retirement_year(t)));
                }
            }
            for m in &v.plan.moves {
                let t = &v.roster.teachers[m.teacher];
                if retirement_year(t) - year <= exempt {
                    problems.push(format!("{year}: {} planned, retiring {}", t.id.0, retirement_year(t)));
                }
                let leader_post = matches!(m.subject.as_str(), "principal" | "vice_principal");
                let leader = rules.leaders.is_some() && t.role != Role::Teacher;
                if leader != leader_post {
                    problems.push(format!("{year}: {} ({:?}) fills a {} post", t.id.0, t.role, m.subject));
                }
            }
            Ok(())
        })
        .unwrap();
        prop_assert!(problems.is_empty(), "{:?}", problems);
    }
}

#[test]
fn the_table_agrees_with_the_published_checks() {
    let mut t = Teacher::new("x", "S0", "math", 1965, 2000);
    assert_eq!(retirement_year(&t), 2025);
    t.birth_month = 12;
    assert_eq!(retirement_year(&t), 2026);
    let rules = Rules {
        eligibility: rotaplan_core::rules::EligibilityRules {
            retirement_reform_2025: true,
            ..Rules::default().eligibility
        },
        ..Rules::default()
    };
    for y in 1960..1990 {
        for m in 1..=12 {
            for (g, own) in [(Gender::M, None), (Gender::F, None), (Gender::F, Some(50))] {
                t.birth_year = y;
                t.birth_month = m;
                t.gender = g;
                t.retirement_age = own;
                assert_eq!(
                    rules.retirement_year(&t),
                    retirement_year(&t),
                    "{y}-{m} {g:?} {own:?}"
                );
            }
        }
    }
}
