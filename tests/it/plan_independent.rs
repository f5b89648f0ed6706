//! Cross-check against an independent formulation: a per-teacher MILP (one binary per
//! teacher and post, no aggregation, no decomposition, levels folded into one weighted
//! objective) must reach the same lexicographic optimum (shortfall, then priority) as the planner,
//! on random multi-district instances of a few hundred teachers.
//!
//! `RP_INDEPENDENT_TEACHERS=5000 cargo test --release --test it -- --ignored plan_independent::`
//! runs the same check at ~5,000 teachers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::plan_support;

use plan_support::{instance, per_class_optimum, per_teacher_optimum, rules_for};
use rotaplan_core::model::*;
use rotaplan_core::plan::{plan_year, PlanOptions};
use rotaplan_core::rules::{BackboneLevel, Rules};

fn compare(seed: u64, teachers: usize) {
    let d = instance(seed, teachers);
    let rules = rules_for(seed);
    let plan = plan_year(&d, &rules, 2021, &d.ledger, &PlanOptions::default()).unwrap();
    assert!(plan.optimal, "seed {seed}");
    // Needs in this generator have one priority per (school, subject), so the
    // per-teacher model's priority is exact.
    let want = per_teacher_optimum(&d, &rules, 2021);
    // The aggregated reference the robustness harness uses agrees with it.
    assert_eq!(per_class_optimum(&d, &rules, 2021), want, "seed {seed}");
    assert_eq!(
        (plan.check.shortfall, plan.check.filled_priority),
        want,
        "seed {seed}"
    );
    assert!(plan.check.sent > 0, "seed {seed}: a degenerate instance");
}

#[test]
fn agrees_with_per_teacher_model_on_random_instances() {
    for seed in 1..=12 {
        compare(seed, 200 + 30 * seed as usize);
    }
}

/// The per-teacher model solved district by district (exact when districts cannot
/// exchange and the backbone share is not counted over the whole plan): how the
/// reference scales to thousands of teachers.
fn per_district_optimum(d: &Dataset, rules: &Rules, year: i32) -> (u64, u64) {
    let mut districts: Vec<String> = d.schools.iter().map(|s| s.district.clone()).collect();
    districts.sort();
    districts.dedup();
    let mut total = (0, 0);
    for name in districts {
        let mut part = d.clone();
        part.schools.retain(|s| s.district == name);
        let ids: std::collections::BTreeSet<_> =
            part.schools.iter().map(|s| s.id.clone()).collect();
        part.teachers.retain(|t| ids.contains(&t.school));
        part.needs.retain(|n| ids.contains(&n.school));
        part.ledger.retain(|e| ids.contains(&e.from_school));
        let (a, b) = per_teacher_optimum(&part, rules, year);
        total.0 += a;
        total.1 += b;
    }
    total
}

/// Three instances of 5,000 teachers (`RP_INDEPENDENT_TEACHERS` to change the size).
#[test]
fn agrees_with_per_teacher_model_at_scale() {
    let n: usize = std::env::var("RP_INDEPENDENT_TEACHERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    for seed in 100..103 {
        let d = instance(seed, n);
        let mut rules = rules_for(seed);
        assert!(rules.flow.same_district);
        if rules.quota.backbone_share_level == BackboneLevel::Plan {
            rules.quota.backbone_share_level = BackboneLevel::District;
        }
        let plan = plan_year(&d, &rules, 2021, &d.ledger, &PlanOptions::default()).unwrap();
        assert!(plan.optimal, "seed {seed}");
        assert_eq!(
            (plan.check.shortfall, plan.check.filled_priority),
            per_district_optimum(&d, &rules, 2021),
            "seed {seed}"
        );
        eprintln!(
            "seed {seed}: {} teachers, {} sent, shortfall {}, priority {}: agree",
            d.teachers.len(),
            plan.check.sent,
            plan.check.shortfall,
            plan.check.filled_priority
        );
    }
}
