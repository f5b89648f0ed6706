//! Every teacher of fixtures/tiny gets a specific reason that agrees with the plan.

use crate::eligibility::Reason;
use crate::input::{load, DataSources};
use crate::model::*;
use crate::plan::YearPlan;
use crate::plan::{plan_year, Method, PlanOptions};
use crate::rules::load_rules;
use crate::rules::Rules;
use rotaplan_core::explain::*;
use std::path::PathBuf;

fn tiny(method: Method) -> (Dataset, Rules, YearPlan) {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let data = load(&DataSources {
        dir: Some(root.join("fixtures/tiny")),
        ..Default::default()
    })
    .unwrap()
    .data;
    let rules = load_rules(&root.join("rules/nanchang-2021-2025.toml"), &[]).unwrap();
    let opts = PlanOptions {
        method,
        ..Default::default()
    };
    let plan = plan_year(&data, &rules, 2021, &data.ledger, &opts).unwrap();
    (data, rules, plan)
}

#[test]
fn every_tiny_teacher_has_a_reason_matching_the_plan() {
    for method in [Method::Optimal, Method::Seniority] {
        let (data, rules, plan) = tiny(method);
        for t in 0..data.teachers.len() {
            let x = explain_teacher(&data, &rules, &plan, t);
            let moved = plan.moves.iter().find(|m| m.teacher == t);
            match &x.placement {
                Placement::NotEligible => assert!(!x.reasons.is_empty()),
                Placement::Placed { to, .. } => assert_eq!(moved.map(|m| m.to), Some(*to)),
                Placement::NoAllowedPost { .. } => assert!(moved.is_none()),
                Placement::CapReached { cap, went, .. } => {
                    assert!(moved.is_none());
                    assert_eq!(went.len() as u32, *cap);
                    assert!(went
                        .iter()
                        .all(|w| data.teachers[*w].school == data.teachers[t].school));
                }
                Placement::PostsTaken { by, .. } => {
                    assert!(moved.is_none());
                    assert!(!by.is_empty());
                }
                Placement::BackboneShare {
                    quota_gain,
                    backbone_loss,
                    ..
                } => {
                    assert!(moved.is_none());
                    assert!(!data.teachers[t].is_backbone());
                    assert!(backbone_loss > quota_gain);
                }
                Placement::NotProven { .. } => {
                    panic!("tiny plans are optimal (or the hand method): {t}")
                }
            }
            let text = render_teacher(&data, &rules, 2021, &x);
            assert!(text.contains("outcome"));
        }
    }
}

#[test]
fn tiny_specific_reasons() {
    let (data, rules, plan) = tiny(Method::Optimal);
    let idx = |id: &str| {
        data.teachers
            .iter()
            .position(|t| t.id.as_str() == id)
            .unwrap()
    };
    let ex = |id: &str| explain_teacher(&data, &rules, &plan, idx(id));
    // U1-12: 5 years at school.
    assert!(matches!(
        ex("U1-12").reasons.as_slice(),
        [Reason::MinYearsAtSchool { years: 5, min: 6 }]
    ));
    // X1 is alone in its district: nowhere to send.
    let x1 = data
        .teachers
        .iter()
        .position(|t| t.school.as_str() == "X1")
        .unwrap();
    let e = explain_teacher(&data, &rules, &plan, x1);
    if e.reasons.is_empty() {
        assert!(matches!(e.placement, Placement::NoAllowedPost { .. }));
    }
    // T1-01 goes to R1 (README).
    assert!(matches!(ex("T1-01").placement, Placement::Placed { .. }));
    let school = explain_school(&plan, plan.facts.school_index[&data.teachers[x1].school]);
    assert_eq!(school.went.len(), 0);
}
