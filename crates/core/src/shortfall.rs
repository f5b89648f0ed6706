//! Why a school fell short of its quota or backbone share, as data.
//!
//! Computed after the plan from the year's facts and the moves, so each shortfall in
//! `schools.csv`, `explain` and the report carries the rule and values that bound.

use crate::model::{Dataset, Id, IdVec, School, Subject};
use crate::plan::{allowed, YearPlan};
use crate::rules::{BackboneLevel, Rules};
use std::collections::{BTreeMap, BTreeSet};

/// Serialized only into a shard's shard.json, so `merge` can render the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "id", rename_all = "snake_case")]
pub enum ShortfallReason {
    /// The outflow cap (max_outflow_share_of_staff) is below the quota.
    CapBelowQuota { cap: u32, quota: u32 },
    /// No receiving school it may send to has an open post of its eligible teachers'
    /// subjects.
    NoAllowedPost { subjects: Vec<Subject> },
    /// Allowed posts existed, but all were filled, by this or other schools' teachers
    /// whose moves counted for more (their quotas, backbone shares or priorities).
    PostsTaken { allowed_posts: u32 },
    /// Sending more would have left an equal backbone shortfall: the teachers who
    /// could go are not backbone teachers.
    BackboneTradeoff { eligible_backbone: u32 },
    /// Too few eligible backbone teachers with an allowed open post.
    NoBackboneCandidate { eligible_backbone: u32 },
}

impl ShortfallReason {
    pub fn id(&self) -> &'static str {
        match self {
            ShortfallReason::CapBelowQuota { .. } => "cap_below_quota",
            ShortfallReason::NoAllowedPost { .. } => "no_allowed_post",
            ShortfallReason::PostsTaken { .. } => "posts_taken",
            ShortfallReason::BackboneTradeoff { .. } => "backbone_tradeoff",
            ShortfallReason::NoBackboneCandidate { .. } => "no_backbone_candidate",
        }
    }
}

/// Reasons per school, for schools with a shortfall.
pub fn shortfall_reasons(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
) -> BTreeMap<Id<School>, Vec<ShortfallReason>> {
    let facts = &plan.facts;
    let n = data.schools.len();
    let mut sent: IdVec<School, u32> = IdVec::from_vec(vec![0; n]);
    let mut bsent: IdVec<School, u32> = IdVec::from_vec(vec![0; n]);
    let mut filled: BTreeMap<(Id<School>, Subject), u32> = BTreeMap::new();
    // Mandatory leaders are outside their school's quota, cap and backbone share.
    let outside =
        |t: &crate::model::Teacher| rules.mandatory_leaders() && rules.leader_role(t).is_some();
    for m in &plan.moves {
        *filled.entry((m.to, m.subject.clone())).or_default() += 1;
        let t = &data.teachers[m.teacher];
        if outside(t) {
            continue;
        }
        sent[m.from] += 1;
        if t.is_backbone() {
            bsent[m.from] += 1;
        }
    }
    // Eligible subjects per school, split by backbone.
    let mut subjects: BTreeMap<Id<School>, [BTreeSet<Subject>; 2]> = BTreeMap::new();
    for (t, v) in data.teachers.iter().zip(&plan.verdicts) {
        if v.eligible() && !outside(t) {
            if let Some(&si) = facts.school_index.get(&t.school) {
                subjects.entry(si).or_default()[usize::from(t.is_backbone())]
                    .insert(rules.plan_subject(t));
            }
        }
    }
    // Only a district's own posts are candidates under `same_district`: this keeps
    // national runs linear.
    type Candidate<'a> = (&'a (Id<School>, Subject), &'a crate::plan::PostSlots);
    let mut by_district: BTreeMap<&str, Vec<Candidate>> = BTreeMap::new();
    for (key, slots) in &facts.open_posts {
        let district = if rules.flow.same_district {
            data.schools[key.0].district.as_str()
        } else {
            ""
        };
        by_district.entry(district).or_default().push((key, slots));
    }
    let reachable = |si: Id<School>, subj: &BTreeSet<Subject>| -> (u32, u32) {
        // (allowed open posts, of which still unfilled)
        let mut total = 0;
        let mut left = 0;
        let district = if rules.flow.same_district {
            data.schools[si].district.as_str()
        } else {
            ""
        };
        let candidates = by_district.get(district).map_or(&[][..], Vec::as_slice);
        for &((r, ps), slots) in candidates {
            if !subj.iter().any(|ts| rules.post_fits(ts, ps))
                || !allowed(&data.schools[si], &data.schools[*r], rules)
            {
                continue;
            }
            let open: u32 = slots.iter().map(|s| s.1).sum();
            total += open;
            left += open.saturating_sub(filled.get(&(*r, ps.clone())).copied().unwrap_or(0));
        }
        (total, left)
    };
    let mut out = BTreeMap::new();
    for (si, f) in facts.schools.iter_enumerated() {
        let mut reasons = Vec::new();
        let empty: [BTreeSet<Subject>; 2] = Default::default();
        let subj = subjects.get(&si).unwrap_or(&empty);
        let all: BTreeSet<Subject> = subj[0].union(&subj[1]).cloned().collect();
        if sent[si] < f.quota {
            let (total, left) = reachable(si, &all);
            if f.cap < f.quota && sent[si] == f.cap {
                reasons.push(ShortfallReason::CapBelowQuota {
                    cap: f.cap,
                    quota: f.quota,
                });
            } else if total == 0 {
                reasons.push(ShortfallReason::NoAllowedPost {
                    subjects: all.iter().cloned().collect(),
                });
            } else if left == 0 {
                reasons.push(ShortfallReason::PostsTaken {
                    allowed_posts: total,
                });
            } else {
                reasons.push(ShortfallReason::BackboneTradeoff {
                    eligible_backbone: f.eligible_backbone,
                });
            }
        }
        if rules.quota.backbone_share_level == BackboneLevel::School
            && rules.quota.min_backbone_share.ceil_mul(sent[si]) > bsent[si]
        {
            let (total, left) = reachable(si, &subj[1]);
            reasons.push(if total == 0 || f.eligible_backbone <= bsent[si] {
                ShortfallReason::NoBackboneCandidate {
                    eligible_backbone: f.eligible_backbone,
                }
            } else if left == 0 {
                ShortfallReason::PostsTaken {
                    allowed_posts: total,
                }
            } else {
                ShortfallReason::BackboneTradeoff {
                    eligible_backbone: f.eligible_backbone,
                }
            });
        }
        if !reasons.is_empty() {
            out.insert(si, reasons);
        }
    }
    out
}
