//! The figures of a plan year per school, per district and in total, derived from the
//! plan and cross-checked against the independent checker's figures.

use crate::model::{Dataset, Locality};
use crate::plan::YearPlan;
use crate::rules::{BackboneLevel, Rules};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One row of the output `schools.csv`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SchoolRow {
    pub school_id: String,
    pub district: String,
    pub locality: &'static str,
    pub weak: bool,
    pub staff: u32,
    pub eligible: u32,
    pub quota: u32,
    pub cap: u32,
    pub sent: u32,
    pub backbone_sent: u32,
    pub shortfall: u32,
    pub received: u32,
    pub posts: u32,
    pub posts_filled: u32,
}

/// Figures of one district (`by_district` in summary.json, the stdout table).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DistrictFigures {
    pub schools: u32,
    pub eligible: u32,
    pub quota: u32,
    pub sent: u32,
    pub backbone_sent: u32,
    /// Quota shortfall of its schools plus the backbone shortfall of backbone groups
    /// inside the district (a plan-level backbone group belongs to no district).
    pub shortfall: u32,
    pub posts: u32,
    pub posts_filled: u32,
    pub urban_to_rural: u32,
}

/// summary.json of `plan`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub year: i32,
    pub rules_name: String,
    pub eligible: u64,
    pub quota: u64,
    pub sent: u64,
    pub backbone_sent: u64,
    pub shortfall: u64,
    pub quota_shortfall: u64,
    pub backbone_shortfall: u64,
    pub filled_priority: u64,
    pub posts: u64,
    pub posts_filled: u64,
    pub optimal: bool,
    pub solve_seconds: f64,
    pub components: usize,
    pub backbone_share_level: String,
    pub by_district: BTreeMap<String, DistrictFigures>,
    /// Components not proven optimal within the time limit (empty when `optimal`).
    #[serde(default)]
    pub unproven: Vec<crate::plan::Unproven>,
}

/// Per-school rows and the summary; Err when the plan's own figures disagree with
/// the checker's (a bug: the caller must not write the plan).
pub fn summarize(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
) -> Result<(Vec<SchoolRow>, Summary), String> {
    let n = data.schools.len();
    let mut sent = vec![0u32; n];
    let mut bsent = vec![0u32; n];
    let mut received = vec![0u32; n];
    let mut filled = vec![0u32; n];
    let mut posts = vec![0u32; n];
    let mut u2r = vec![0u32; n];
    for m in &plan.moves {
        sent[m.from] += 1;
        if data.teachers[m.teacher].is_backbone() {
            bsent[m.from] += 1;
        }
        received[m.to] += 1;
        filled[m.to] += 1;
        if data.schools[m.from].locality == Locality::Urban
            && data.schools[m.to].locality == Locality::Rural
        {
            u2r[m.from] += 1;
        }
    }
    for ((r, _), slots) in &plan.facts.open_posts {
        posts[*r] += slots.iter().map(|s| s.1).sum::<u32>();
    }
    let q = &rules.quota;
    let backbone_gap = |s: u32, b: u32| q.min_backbone_share.ceil_mul(s).saturating_sub(b);
    let mut rows = Vec::with_capacity(n);
    let mut districts: BTreeMap<String, DistrictFigures> = BTreeMap::new();
    let mut quota_short = 0u64;
    for (i, s) in data.schools.iter().enumerate() {
        let f = &plan.facts.schools[i];
        let qs = f.quota.saturating_sub(sent[i]);
        quota_short += u64::from(qs);
        let school_bb = if q.backbone_share_level == BackboneLevel::School {
            backbone_gap(sent[i], bsent[i])
        } else {
            0
        };
        rows.push(SchoolRow {
            school_id: s.id.to_string(),
            district: s.district.clone(),
            locality: s.locality.as_str(),
            weak: s.weak,
            staff: f.staff,
            eligible: f.eligible,
            quota: f.quota,
            cap: f.cap,
            sent: sent[i],
            backbone_sent: bsent[i],
            shortfall: qs + school_bb,
            received: received[i],
            posts: posts[i],
            posts_filled: filled[i],
        });
        let d = districts.entry(s.district.clone()).or_default();
        d.schools += 1;
        d.eligible += f.eligible;
        d.quota += f.quota;
        d.sent += sent[i];
        d.backbone_sent += bsent[i];
        d.shortfall += qs + school_bb;
        d.posts += posts[i];
        d.posts_filled += filled[i];
        d.urban_to_rural += u2r[i];
    }
    let backbone_short: u64 = match q.backbone_share_level {
        BackboneLevel::School => rows
            .iter()
            .map(|r| u64::from(backbone_gap(r.sent, r.backbone_sent)))
            .sum(),
        BackboneLevel::District => districts
            .values_mut()
            .map(|d| {
                let g = backbone_gap(d.sent, d.backbone_sent);
                d.shortfall += g;
                u64::from(g)
            })
            .sum(),
        BackboneLevel::Plan => {
            let s: u32 = sent.iter().sum();
            let b: u32 = bsent.iter().sum();
            u64::from(backbone_gap(s, b))
        }
    };
    let summary = Summary {
        year: plan.year,
        rules_name: rules.plan.name.clone(),
        eligible: rows.iter().map(|r| u64::from(r.eligible)).sum(),
        quota: rows.iter().map(|r| u64::from(r.quota)).sum(),
        sent: plan.moves.len() as u64,
        backbone_sent: bsent.iter().map(|&b| u64::from(b)).sum(),
        shortfall: quota_short + backbone_short,
        quota_shortfall: quota_short,
        backbone_shortfall: backbone_short,
        filled_priority: plan.moves.iter().map(|m| u64::from(m.priority)).sum(),
        posts: posts.iter().map(|&p| u64::from(p)).sum(),
        posts_filled: plan.moves.len() as u64,
        optimal: plan.optimal,
        solve_seconds: (plan.solve_seconds * 1000.0).round() / 1000.0,
        components: plan.components,
        backbone_share_level: q.backbone_share_level.as_str().to_string(),
        by_district: districts,
        unproven: plan.unproven.clone(),
    };
    let c = &plan.check;
    let mine = (
        summary.eligible,
        summary.sent,
        summary.backbone_sent,
        summary.shortfall,
        summary.filled_priority,
        summary.posts,
    );
    let theirs = (
        c.eligible,
        c.sent,
        c.backbone_sent,
        c.shortfall,
        c.filled_priority,
        c.posts,
    );
    if mine != theirs {
        return Err(format!(
            "plan figures (eligible, sent, backbone, shortfall, priority, posts) = {mine:?} \
             but the independent check finds {theirs:?}"
        ));
    }
    Ok((rows, summary))
}
