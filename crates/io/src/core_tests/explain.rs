//! Every teacher of fixtures/tiny gets a specific reason that agrees with the plan.

use crate::eligibility::Reason;
use crate::model::*;
use crate::plan::YearPlan;
use crate::plan::{plan_year, Method, PlanOptions};
use crate::rules::Rules;
use rotaplan_core::explain::*;

fn tiny(method: Method) -> (Dataset, Rules, YearPlan) {
    let data = super::fixture("tiny");
    let rules = super::rules_file("nanchang-2021-2025.toml");
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
        for t in data.teacher_ids() {
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
                    panic!("tiny plans are optimal (or the hand method): {t:?}")
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
        Id::new(
            data.teachers
                .iter()
                .position(|t| t.id.as_str() == id)
                .unwrap(),
        )
    };
    let ex = |id: &str| explain_teacher(&data, &rules, &plan, idx(id));
    // U1-12: 5 years at school.
    assert!(matches!(
        ex("U1-12").reasons.as_slice(),
        [Reason::MinYearsAtSchool { years: 5, min: 6 }]
    ));
    // X1 is alone in its district: nowhere to send.
    let x1 = Id::new(
        data.teachers
            .iter()
            .position(|t| t.school.as_str() == "X1")
            .unwrap(),
    );
    let e = explain_teacher(&data, &rules, &plan, x1);
    if e.reasons.is_empty() {
        assert!(matches!(e.placement, Placement::NoAllowedPost { .. }));
    }
    // T1-01 goes to R1 (README).
    assert!(matches!(ex("T1-01").placement, Placement::Placed { .. }));
    let school = explain_school(
        &plan,
        plan.facts.school_id(&data.teachers[x1].school).unwrap(),
    );
    assert_eq!(school.went.len(), 0);
}

/// ASCII words of three letters or more that are not the data's own (ids, names,
/// subjects) and not a rule key (`snake_case`) or the few kept terms: English left
/// over in a Chinese explanation.
fn english_left(data: &Dataset, s: &str) -> Vec<String> {
    const KEPT: &[&str] = &["pins", "ceil", "max_outflow_share_of_staff"];
    let own = |w: &str| {
        data.teachers
            .iter()
            .any(|t| t.id.as_str().contains(w) || t.name.contains(w))
            || data.schools.iter().any(|s| s.id.as_str().contains(w))
    };
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.len() >= 3 && !w.contains('_') && w.chars().all(|c| c.is_ascii_alphabetic()))
        .filter(|w| !KEPT.contains(w) && !own(w))
        .map(str::to_string)
        .collect()
}

/// Every variant of every explanation part renders in Chinese, without English words;
/// the table names each variant, and the renderer's matches have no catch-all, so a
/// new variant is added here once it compiles.
#[test]
fn every_variant_renders_in_chinese() {
    use crate::model::{LedgerStatus, Locality, Role, SchoolId, Status};
    use crate::plan::{Change, ChangeKind, ChangeReason};
    let (data, rules, plan) = tiny(Method::Optimal);
    let subject = Subject::normalise("数学");
    let placements = vec![
        Placement::NotEligible,
        Placement::Placed {
            to: Id::new(1),
            subject: subject.clone(),
            priority: 2,
            km: Some(3.5),
            best_priority: 3,
            alternatives: 4,
        },
        Placement::NoAllowedPost { blocked: 2 },
        Placement::CapReached {
            cap: 1,
            quota: 1,
            went: vec![Id::new(0)],
        },
        Placement::CapReached {
            cap: 2,
            quota: 1,
            went: vec![Id::new(0), Id::new(1)],
        },
        Placement::PostsTaken {
            posts: vec![
                (Id::new(1), subject.clone(), 1),
                (Id::new(1), subject.clone(), 2),
            ],
            by: vec![Id::new(1)],
        },
        Placement::BackboneShare {
            sent: 3,
            backbone_sent: 0,
            quota_gain: 0,
            backbone_loss: 1,
        },
        Placement::NotProven { optimal: false },
        Placement::NotProven { optimal: true },
    ];
    let reasons = vec![
        Reason::Status {
            status: Status::Leave,
        },
        Reason::Role {
            role: Role::Principal,
        },
        Reason::MinYearsAtSchool { years: 2, min: 6 },
        Reason::NearRetirement {
            age: 58,
            retirement_age: 60,
            years_left: 2,
            exempt: 5,
        },
        Reason::SendingLocality {
            locality: Some(Locality::Rural),
        },
        Reason::SendingLocality { locality: None },
        Reason::WeakSchool,
        Reason::OnExchange {
            to_school: SchoolId::from("U2"),
            start_year: 2020,
            end_year: 2022,
            status: LedgerStatus::Active,
        },
        Reason::MinYearsBetweenExchanges {
            end_year: 2019,
            years_since: 2,
            min: 3,
        },
        Reason::Custom {
            id: "my_rule".into(),
        },
        Reason::PinnedStay {
            row: 2,
            note: String::new(),
        },
        Reason::PinnedStay {
            row: 3,
            note: "病假".into(),
        },
    ];
    let outcomes = [
        WishOutcome::Met,
        WishOutcome::NotEligible,
        WishOutcome::NotAllowed,
        WishOutcome::NoOpenPost {
            subject: subject.clone(),
        },
        WishOutcome::Filled {
            subject: subject.clone(),
            by: vec![Id::new(1)],
        },
        WishOutcome::Outranked,
    ];
    let mut seen = std::collections::BTreeSet::new();
    for p in &placements {
        seen.insert(match p {
            Placement::NotEligible => "p0",
            Placement::Placed { .. } => "p1",
            Placement::NoAllowedPost { .. } => "p2",
            Placement::CapReached { .. } => "p3",
            Placement::PostsTaken { .. } => "p4",
            Placement::BackboneShare { .. } => "p5",
            Placement::NotProven { .. } => "p6",
        });
        let s = placement_text_zh(&data, &rules, 2021, p);
        assert!(
            english_left(&data, &s).is_empty(),
            "{p:?}: {s} {:?}",
            english_left(&data, &s)
        );
    }
    for r in &reasons {
        seen.insert(match r {
            Reason::Status { .. } => "r0",
            Reason::Role { .. } => "r1",
            Reason::MinYearsAtSchool { .. } => "r2",
            Reason::NearRetirement { .. } => "r3",
            Reason::SendingLocality { .. } => "r4",
            Reason::WeakSchool => "r5",
            Reason::OnExchange { .. } => "r6",
            Reason::MinYearsBetweenExchanges { .. } => "r7",
            Reason::Custom { .. } => "r8",
            Reason::PinnedStay { .. } => "r9",
        });
        let s = reason_text_zh(r);
        assert!(english_left(&data, &s).is_empty(), "{r:?}: {s}");
    }
    for (i, o) in outcomes.iter().enumerate() {
        seen.insert(match o {
            WishOutcome::Met => "w0",
            WishOutcome::NotEligible => "w1",
            WishOutcome::NotAllowed => "w2",
            WishOutcome::NoOpenPost { .. } => "w3",
            WishOutcome::Filled { .. } => "w4",
            WishOutcome::Outranked => "w5",
        });
        let w = WishNote {
            rank: (i + 1) as u8,
            school: Some(Id::new(1)),
            outcome: o.clone(),
        };
        let s = wish_text_zh(&data, 2021, &w);
        assert!(english_left(&data, &s).is_empty(), "{o:?}: {s}");
    }
    assert_eq!(seen.len(), 7 + 10 + 6, "a sample of every variant");
    // Whole explanations: every tiny teacher, and one with pins, wishes, a previous
    // move of each kind and the school's leaders.
    for t in data.teacher_ids() {
        let x = explain_teacher(&data, &rules, &plan, t);
        let s = render_teacher_zh(&data, &rules, 2021, &x);
        assert!(english_left(&data, &s).is_empty(), "{s}");
    }
    let mut x = explain_teacher(&data, &rules, &plan, Id::new(0));
    x.reasons = reasons.clone();
    x.wishes = outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| WishNote {
            rank: (i + 2) as u8,
            school: None,
            outcome: o.clone(),
        })
        .collect();
    x.pins = [
        crate::model::steering::PinAction::Stay,
        crate::model::steering::PinAction::Move,
        crate::model::steering::PinAction::To(SchoolId::from("U2")),
        crate::model::steering::PinAction::NotTo(SchoolId::from("U2")),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, action)| crate::model::steering::Pin {
        row: i as u32 + 2,
        teacher: data.teachers[0].id.clone(),
        action,
        year: None,
        note: if i == 0 {
            String::new()
        } else {
            "备注".into()
        },
    })
    .collect();
    x.leaders = vec![LeaderLine {
        teacher: Id::new(1),
        role: Role::VicePrincipal,
        eligible: true,
        moved: None,
    }];
    for (kind, reason) in [
        (ChangeKind::Kept, ChangeReason::None),
        (ChangeKind::Added, ChangeReason::None),
        (
            ChangeKind::Dropped,
            ChangeReason::Rule {
                rule: "min_years_at_school".into(),
                detail: "x".into(),
            },
        ),
        (ChangeKind::Changed, ChangeReason::Reoptimised),
    ] {
        x.previous = Some(Change {
            teacher: data.teachers[0].id.clone(),
            index: Some(Id::new(0)),
            previous_to: Some(SchoolId::from("U2")),
            to: Some(SchoolId::from("U2")),
            kind,
            reason,
        });
        let s = render_teacher_zh(&data, &rules, 2021, &x);
        assert!(english_left(&data, &s).is_empty(), "{s}");
        assert!(s.contains("上一方案"), "{s}");
    }
}
