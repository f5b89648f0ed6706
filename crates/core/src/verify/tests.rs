//! The checker rejects each kind of violation: every test injects one into a valid plan.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::model::PlanRow;
use crate::model::{Dataset, Id};
use crate::model::{Gender, Locality, Need, School, Teacher};
use crate::rules::LeaderRules;

fn school(id: &str, locality: Locality) -> School {
    School {
        locality,
        staff: Some(20),
        ..School::new(id, id, "D")
    }
}

fn teacher(id: &str, role: Role, joined: i32) -> Teacher {
    Teacher {
        name: id.into(),
        gender: Gender::F,
        role,
        ..Teacher::new(id, "U", "math", 1980, joined)
    }
}

/// U sends P (principal), V (vice-principal), T (teacher, math) and N (a principal
/// of three years); R posts a principal, a vice-principal and a math post.
pub(crate) fn data() -> Dataset {
    let need = |subject: &str| Need {
        school: "R".into(),
        subject: Subject::new(subject),
        count: 1,
        priority: 1,
        year: None,
    };
    Dataset {
        schools: vec![school("U", Locality::Urban), school("R", Locality::Rural)],
        teachers: vec![
            teacher("P", Role::Principal, 2010),
            teacher("V", Role::VicePrincipal, 2010),
            teacher("T", Role::Teacher, 2010),
            teacher("N", Role::Principal, 2018),
        ],
        needs: vec![need("principal"), need("vice_principal"), need("math")],
        ..Dataset::default()
    }
}

fn rules(promote: bool) -> Rules {
    let mut r = Rules::default();
    r.quota.min_backbone_share = crate::rules::Share::hundredths(0);
    r.leaders = Some(LeaderRules {
        mandatory: true,
        promote,
        ..LeaderRules::default()
    });
    r
}

pub(crate) fn mv(teacher: usize, subject: &str) -> Move {
    Move {
        teacher: Id::new(teacher),
        from: Id::new(0),
        to: Id::new(1),
        subject: Subject::new(subject),
        priority: 1,
    }
}

fn violations(r: &Rules, moves: &[Move]) -> Vec<String> {
    check(&data(), r, 2021, &[], moves).violations
}

#[test]
fn leaders_fill_leadership_posts_only() {
    let r = rules(false);
    assert!(violations(
        &r,
        &[mv(0, "principal"), mv(1, "vice_principal"), mv(2, "math")]
    )
    .is_empty());
    // A leader on a subject post, a teacher on a leadership post.
    assert_eq!(violations(&r, &[mv(0, "math")]).len(), 1);
    assert_eq!(violations(&r, &[mv(2, "principal")]).len(), 1);
    // A vice-principal on a principal post only with promote.
    assert_eq!(violations(&r, &[mv(1, "principal")]).len(), 1);
    assert!(violations(&rules(true), &[mv(1, "principal")]).is_empty());
    // Three years at the school: not eligible as a leader (six required).
    let v = violations(&r, &[mv(3, "principal")]);
    assert!(v.iter().any(|x| x.contains("not eligible")), "{v:?}");
    // Without [leaders], leaders are teachers of their subject.
    assert!(violations(&Rules::default(), &[mv(0, "math")]).is_empty());
}

#[test]
fn mandatory_leaders_add_their_own_shortfall() {
    let r = rules(false);
    let f = check(&data(), &r, 2021, &[], &[mv(2, "math")]).figures;
    // P and V are eligible and stay: 2; T meets the school's quota of 1 alone
    // (leaders are outside it).
    assert_eq!(
        (f.leaders_eligible, f.leaders_moved, f.leader_shortfall),
        (2, 0, 2)
    );
    assert_eq!((f.quota_shortfall, f.shortfall), (0, 2));
    let f = check(&data(), &r, 2021, &[], &[mv(0, "principal"), mv(2, "math")]).figures;
    assert_eq!((f.leader_shortfall, f.shortfall, f.sent), (1, 1, 2));
}

#[test]
fn retirement_year_under_the_reform() {
    let mut r = Rules::default();
    r.eligibility.retirement_reform_2025 = true;
    let mut t = teacher("X", Role::Teacher, 2000);
    t.gender = Gender::M;
    t.birth_year = 1965;
    t.birth_month = 12;
    assert_eq!(retirement_year(&r, &t), 2026);
    t.birth_month = 1;
    assert_eq!(retirement_year(&r, &t), 2025);
    t.gender = Gender::F;
    t.birth_year = 1971;
    t.birth_month = 4;
    assert_eq!(retirement_year(&r, &t), 2026);
    t.retirement_age = Some(50);
    t.birth_year = 1995;
    t.birth_month = 12;
    assert_eq!(retirement_year(&r, &t), 2050);
}

/// The rules ids a check of `moves` found, with their plan rows.
fn rules_of(r: &Rules, moves: &[Move]) -> Vec<(Option<usize>, String)> {
    let rows: Vec<PlanRow> = moves
        .iter()
        .enumerate()
        .map(|(i, m)| PlanRow {
            plan_row: i + 2,
            teacher_id: data().teachers[m.teacher].id.clone(),
            to_school: "R".into(),
            from_school: Some("U".into()),
            subject: Some(m.subject.clone()),
            form: None,
            start_year: None,
            end_year: None,
        })
        .collect();
    check_rows(&data(), r, 2021, &[], &rows)
        .violations
        .iter()
        .map(|v| (v.plan_row, v.rule().to_string()))
        .collect()
}

#[test]
fn leader_variants_are_named() {
    let r = rules(false);
    assert_eq!(
        rules_of(&r, &[mv(1, "vice_principal"), mv(0, "math")]),
        vec![(Some(3), "leader_subject_post".to_string())]
    );
    assert_eq!(
        rules_of(&r, &[mv(2, "principal")]),
        vec![(Some(2), "leader_post_role".to_string())]
    );
    assert_eq!(
        rules_of(&r, &[mv(1, "principal")]),
        vec![(Some(2), "leader_post_role".to_string())]
    );
}

#[test]
fn a_failing_exclusion_is_a_violation_of_its_own() {
    let mut r = Rules::default();
    r.eligibility.exclude.push(crate::rules::CustomExclusion {
        id: "odd".into(),
        when: crate::rules::Expr::parse("100 / (staff - 20) > 1").unwrap(),
        line: None,
    });
    let c = check_rows(&data(), &r, 2021, &[], &[]);
    assert_eq!(c.violations.len(), 3, "{:?}", c.violations);
    assert!(c
        .violations
        .iter()
        .all(|v| v.rule() == "exclusion_failed" && v.plan_row.is_none()));
    assert!(c.violations[0].detail().contains("division by zero"));
}

#[test]
fn a_pin_finding_sits_at_its_teachers_row() {
    let rows = vec![PlanRow {
        plan_row: 7,
        teacher_id: "T".into(),
        to_school: "R".into(),
        from_school: None,
        subject: None,
        form: None,
        start_year: None,
        end_year: None,
    }];
    let pin = |t: &str| PinViolation {
        rule: "pin_not_to",
        row: 3,
        teacher: t.into(),
        detail: "the teacher is pinned not to go to R".into(),
    };
    let v = Violation::from_pin(pin("T"), &rows);
    assert_eq!((v.plan_row, v.rule()), (Some(7), "pin_not_to"));
    assert!(v.detail().starts_with("pins.csv row 3: "));
    assert_eq!(Violation::from_pin(pin("P"), &rows).plan_row, None);
}
