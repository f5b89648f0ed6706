//! Cross-check against an independent formulation: a per-teacher MILP (one binary per
//! teacher and post, no aggregation, no decomposition, levels folded into one weighted
//! objective) must reach the same lexicographic optimum (shortfall, then priority) as the planner,
//! on random multi-district instances of a few hundred teachers.
//!
//! `RP_INDEPENDENT_TEACHERS=5000 cargo test --release --test it -- --ignored plan_independent::`
//! runs the same check at ~5,000 teachers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::plan_support;

use plan_support::{per_class_optimum, per_teacher_optimum, Rng};
use rotaplan_core::model::*;
use rotaplan_core::plan::{plan_year, PlanOptions};
use rotaplan_core::rules::{BackboneLevel, Rules, Share};

const SUBJECTS: [&str; 4] = ["math", "chinese", "english", "music"];

fn instance(seed: u64, teachers: usize) -> Dataset {
    let mut g = Rng::new(seed);
    let mut d = Dataset::default();
    let districts = 1 + teachers / 300;
    let schools_per = 6 + g.next(4) as usize;
    for di in 0..districts {
        for si in 0..schools_per {
            let locality = match si % 3 {
                0 => Locality::Urban,
                1 => Locality::Town,
                _ => Locality::Rural,
            };
            d.schools.push(School {
                id: SchoolId::new(format!("D{di}S{si}")),
                name: String::new(),
                district: format!("D{di}"),
                township: None,
                locality,
                weak: g.next(6) == 0,
                stage: if g.next(5) == 0 {
                    Stage::Junior
                } else {
                    Stage::Primary
                },
                coord: Some((
                    28.0 + di as f64 + g.next(40) as f64 / 100.0,
                    115.0 + g.next(40) as f64 / 100.0,
                )),
                staff: None,
            });
        }
    }
    let n = d.schools.len() as u64;
    for i in 0..teachers {
        let s = &d.schools[g.next(n) as usize];
        d.teachers.push(Teacher {
            id: TeacherId::new(format!("T{i:05}")),
            name: String::new(),
            gender: if g.next(3) == 0 { Gender::M } else { Gender::F },
            birth_year: 1968 + g.next(30) as i32,
            school: s.id.clone(),
            subject: Subject::new(SUBJECTS[g.next(4) as usize]),
            title: Title::Intermediate,
            backbone: if g.next(5) == 0 {
                Backbone::County
            } else {
                Backbone::None
            },
            role: Role::Teacher,
            joined_school_year: 2000 + g.next(21) as i32,
            status: Status::Active,
            volunteer: g.next(10) == 0,
            birth_month: 1,
            retirement_age: None,
        });
    }
    for s in d.schools.clone() {
        if s.locality == Locality::Urban && !s.weak {
            continue;
        }
        for subj in SUBJECTS {
            if g.next(2) == 0 {
                d.needs.push(Need {
                    school: s.id.clone(),
                    subject: Subject::new(subj),
                    count: g.next(4) as u32,
                    priority: 1 + g.next(3) as u32,
                    year: None,
                });
            }
        }
    }
    d
}

fn rules_for(seed: u64) -> Rules {
    let mut r = Rules::default();
    let mut g = Rng(seed | 1);
    r.quota.min_share_of_eligible =
        Share::parse(["0.1", "0.2", "0.3"][g.next(3) as usize]).unwrap();
    r.quota.min_backbone_share = Share::parse(["0.2", "0.5"][g.next(2) as usize]).unwrap();
    r.quota.backbone_share_level = [
        BackboneLevel::School,
        BackboneLevel::District,
        BackboneLevel::Plan,
    ][g.next(3) as usize];
    r.quota.fill_beyond_quota = g.next(2) == 0;
    r
}

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
