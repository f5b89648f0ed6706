//! The shortfall reasons on fixtures/period (moved from the core: they need the loader).

use crate::model::*;
use crate::plan::YearPlan;
use crate::plan::{plan_year, PlanOptions};
use crate::rules::Rules;
use crate::rules::Share;
use crate::shortfall::*;

/// fixtures/period in 2026 with quota(U) = ceil(0.3 × 3) = 1: the plan moves
/// UA (math) and the mandatory leader UP (principal post).
fn period_2026() -> (Dataset, Rules, YearPlan) {
    let data = super::fixture("period");
    let mut rules = super::rules_file("period-2026-2028.toml");
    rules.quota.min_share_of_eligible = Share::parse("0.3").unwrap();
    let plan = plan_year(&data, &rules, 2026, &data.ledger, &PlanOptions::default()).unwrap();
    (data, rules, plan)
}

fn moved(data: &Dataset, plan: &YearPlan, id: &str) -> bool {
    plan.moves
        .iter()
        .any(|m| data.teachers[m.teacher].id.as_str() == id)
}

#[test]
fn mandatory_leaders_stay_outside_their_schools_quota() {
    let (data, rules, plan) = period_2026();
    let u = plan.facts.school_index[&crate::model::SchoolId::new("U")];
    assert_eq!(plan.facts.schools[u].quota, 1);
    assert_eq!(plan.facts.schools[u].leaders, 1);
    assert!(moved(&data, &plan, "UA") && moved(&data, &plan, "UP"));
    // UA meets the quota: no shortfall at U.
    assert!(!shortfall_reasons(&data, &rules, &plan).contains_key(&u));

    // Only the leader moved: the leader does not count for the quota, so U is
    // one short and says why (a leader counted as sent would hide it).
    let mut only_leader = plan.clone();
    only_leader
        .moves
        .retain(|m| data.teachers[m.teacher].id.as_str() != "UA");
    let reasons = shortfall_reasons(&data, &rules, &only_leader);
    let at_u = reasons.get(&u).expect("U is short of its quota");
    assert_eq!(at_u.len(), 1, "{at_u:?}");
    assert!(!matches!(at_u[0], ShortfallReason::CapBelowQuota { .. }));
    // The leader's post is no subject post U's teachers could have taken.
    if let ShortfallReason::NoAllowedPost { subjects } = &at_u[0] {
        assert!(subjects.iter().all(|s| s.as_str() != "principal"));
    }

    // The leader not moved: the shortfall gains exactly 1 (the leader's), and no
    // reason is charged to U's quota, which UA met.
    let mut no_leader = plan.clone();
    no_leader
        .moves
        .retain(|m| data.teachers[m.teacher].id.as_str() != "UP");
    let ledger = &data.ledger;
    let full = rotaplan_core::verify::check(&data, &rules, 2026, ledger, &plan.moves).figures;
    let without =
        rotaplan_core::verify::check(&data, &rules, 2026, ledger, &no_leader.moves).figures;
    assert_eq!(full.leader_shortfall, 0);
    assert_eq!(without.leader_shortfall, 1);
    assert_eq!(without.shortfall, full.shortfall + 1);
    assert!(!shortfall_reasons(&data, &rules, &no_leader).contains_key(&u));
}
