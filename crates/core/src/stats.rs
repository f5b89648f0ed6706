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

/// The headline counts of a plan: summary.json's top-level figures, and the core of
/// `compare`'s figures. Each is a count, so the totals of several plans (a horizon's
/// years, a country's shards) are their sums ([`Totals::add`]).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Totals {
    pub eligible: u64,
    pub quota: u64,
    pub sent: u64,
    pub backbone_sent: u64,
    /// Quota shortfall plus backbone shortfall (plus mandatory leaders not moved).
    pub shortfall: u64,
    pub quota_shortfall: u64,
    pub backbone_shortfall: u64,
    pub filled_priority: u64,
    pub posts: u64,
    pub posts_filled: u64,
}

/// `a.f += b.f` for each field `f` named.
macro_rules! add_fields {
    ($a:expr, $b:expr; $($f:ident),+) => {
        $($a.$f += $b.$f;)+
    };
}
pub(crate) use add_fields;

impl Totals {
    /// Adds `o` (another plan's totals) to these.
    pub fn add(&mut self, o: &Totals) {
        add_fields!(self, o; eligible, quota, sent, backbone_sent, shortfall, quota_shortfall,
            backbone_shortfall, filled_priority, posts, posts_filled);
    }
}

impl DistrictFigures {
    /// Adds `o` (the same district in another plan) to these figures.
    pub fn add(&mut self, o: &DistrictFigures) {
        add_fields!(self, o; schools, eligible, quota, sent, backbone_sent, shortfall, posts,
            posts_filled, urban_to_rural);
    }
}

/// summary.json of `plan`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub year: i32,
    pub rules_name: String,
    /// Written in place, as top-level fields (`eligible`, `quota`, …).
    #[serde(flatten)]
    pub totals: Totals,
    pub optimal: bool,
    pub solve_seconds: f64,
    pub components: usize,
    pub backbone_share_level: String,
    pub by_district: BTreeMap<String, DistrictFigures>,
    /// Leadership rotation figures, only with a `[leaders]` table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaders: Option<Box<LeaderFigures>>,
    /// Itinerant teaching (走教) figures, when the data has itinerant needs; absent
    /// otherwise, so plans without them are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub itinerant: Option<Box<crate::itinerant::ItinerantFigures>>,
    /// Components not proven optimal within the time limit (empty when `optimal`).
    #[serde(default)]
    pub unproven: Vec<crate::plan::Unproven>,
    /// Pins in force this year and what they cost (count 0 without pins).
    #[serde(default)]
    pub pins: PinSummary,
    /// Moved teachers placed at their rank-1 … rank-5 wish (zeros without wishes).
    #[serde(default)]
    pub wishes_met: [u64; 5],
    /// Moves of the previous plan kept (with `--previous`), else null.
    #[serde(default)]
    pub kept: Option<u64>,
}

/// `pins` in summary.json: the pins in force, and levels (1) and (2) of the best
/// plan without any of them (equal to the plan's own without pins).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PinSummary {
    pub count: u64,
    pub shortfall_without_pins: u64,
    pub filled_priority_without_pins: u64,
    /// Whether every solve behind these figures reached its proven optimum.
    #[serde(default)]
    pub exact: bool,
}

/// `leaders` in summary.json: eligible leaders, those moved (to leadership posts),
/// the shortfall they add under mandatory rotation, and the leadership posts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LeaderFigures {
    pub eligible: u64,
    pub moved: u64,
    pub mandatory: bool,
    pub shortfall: u64,
    pub posts: u64,
    pub posts_filled: u64,
}

/// The plan's own figures (eligible, sent, backbone, shortfall, priority, posts)
/// disagree with the independent checker's: a bug, so the plan must not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "plan figures (eligible, sent, backbone, shortfall, priority, posts) = {mine:?} \
     but the independent check finds {theirs:?}"
)]
pub struct FiguresMismatch {
    pub mine: (u64, u64, u64, u64, u64, u64),
    pub theirs: (u64, u64, u64, u64, u64, u64),
}

/// Per-school rows and the summary; Err when the plan's own figures disagree with
/// the checker's (a bug: the caller must not write the plan).
pub fn summarize(
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
) -> Result<(Vec<SchoolRow>, Summary), FiguresMismatch> {
    let n = data.schools.len();
    let mut sent = vec![0u32; n];
    let mut bsent = vec![0u32; n];
    let mut received = vec![0u32; n];
    let mut filled = vec![0u32; n];
    let mut posts = vec![0u32; n];
    let mut u2r = vec![0u32; n];
    let mandatory = rules.mandatory_leaders();
    // Mandatory leaders moved, and their backbone count: outside their school's figures.
    let mut leaders_moved = vec![0u32; n];
    let mut leaders_bb = 0u64;
    let mut lead = LeaderFigures {
        mandatory,
        ..LeaderFigures::default()
    };
    for m in &plan.moves {
        let t = &data.teachers[m.teacher];
        if crate::model::Role::leader_post(&m.subject).is_some() && rules.leaders.is_some() {
            lead.moved += 1;
        }
        if mandatory && rules.leader_role(t).is_some() {
            leaders_moved[m.from.index()] += 1;
            leaders_bb += u64::from(t.is_backbone());
        } else {
            sent[m.from.index()] += 1;
            if t.is_backbone() {
                bsent[m.from.index()] += 1;
            }
        }
        received[m.to.index()] += 1;
        filled[m.to.index()] += 1;
        if data.schools[m.from].locality == Locality::Urban
            && data.schools[m.to].locality == Locality::Rural
        {
            u2r[m.from.index()] += 1;
        }
    }
    for ((r, subject), slots) in &plan.facts.open_posts {
        let open = slots.iter().map(|s| s.1).sum::<u32>();
        posts[r.index()] += open;
        if crate::model::Role::leader_post(subject).is_some() {
            lead.posts += u64::from(open);
        }
    }
    lead.posts_filled = lead.moved;
    lead.eligible = data
        .teachers
        .iter()
        .zip(&plan.verdicts)
        .filter(|(t, v)| v.eligible() && rules.leader_role(t).is_some())
        .count() as u64;
    let mandatory_eligible: u64 = plan
        .facts
        .schools
        .iter()
        .map(|f| u64::from(f.leaders))
        .sum();
    let q = &rules.quota;
    let backbone_gap = |s: u32, b: u32| q.min_backbone_share.ceil_mul(s).saturating_sub(b);
    let mut rows = Vec::with_capacity(n);
    let mut districts: BTreeMap<String, DistrictFigures> = BTreeMap::new();
    let mut quota_short = 0u64;
    for (i, (s, f)) in data.schools.iter().zip(&plan.facts.schools).enumerate() {
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
        // Mandatory leaders: counted in the district's figures, not the school's row.
        let leaders_short = f.leaders.saturating_sub(leaders_moved[i]);
        lead.shortfall += u64::from(leaders_short);
        d.schools += 1;
        d.eligible += f.eligible + f.leaders;
        d.quota += f.quota;
        d.sent += sent[i] + leaders_moved[i];
        d.backbone_sent += bsent[i];
        d.shortfall += qs + school_bb + leaders_short;
        d.posts += posts[i];
        d.posts_filled += filled[i];
        d.urban_to_rural += u2r[i];
    }
    let backbone_short: u64 = match q.backbone_share_level {
        BackboneLevel::School => rows
            .iter()
            .map(|r| u64::from(backbone_gap(r.sent, r.backbone_sent)))
            .sum(),
        BackboneLevel::District => {
            // The schools' own sent (mandatory leaders are outside the share).
            let mut own: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
            for r in &rows {
                let x = own.entry(r.district.as_str()).or_default();
                x.0 += r.sent;
                x.1 += r.backbone_sent;
            }
            let mut total = 0u64;
            for (name, (s, b)) in own {
                let g = backbone_gap(s, b);
                if let Some(d) = districts.get_mut(name) {
                    d.shortfall += g;
                }
                total += u64::from(g);
            }
            total
        }
        BackboneLevel::Plan => {
            let s: u32 = sent.iter().sum();
            let b: u32 = bsent.iter().sum();
            u64::from(backbone_gap(s, b))
        }
    };
    let total_shortfall = quota_short + backbone_short + lead.shortfall;
    let summary = Summary {
        year: plan.year,
        rules_name: rules.plan.name.clone(),
        totals: Totals {
            eligible: rows.iter().map(|r| u64::from(r.eligible)).sum::<u64>() + mandatory_eligible,
            quota: rows.iter().map(|r| u64::from(r.quota)).sum(),
            sent: plan.moves.len() as u64,
            backbone_sent: bsent.iter().map(|&b| u64::from(b)).sum::<u64>() + leaders_bb,
            shortfall: quota_short + backbone_short + lead.shortfall,
            quota_shortfall: quota_short,
            backbone_shortfall: backbone_short,
            filled_priority: plan.moves.iter().map(|m| u64::from(m.priority)).sum(),
            posts: posts.iter().map(|&p| u64::from(p)).sum(),
            posts_filled: plan.moves.len() as u64,
        },
        optimal: plan.optimal,
        solve_seconds: (plan.solve_seconds * 1000.0).round() / 1000.0,
        components: plan.components,
        backbone_share_level: q.backbone_share_level.as_str().to_string(),
        by_district: districts,
        leaders: rules.leaders.is_some().then(|| Box::new(lead)),
        itinerant: None,
        unproven: plan.unproven.clone(),
        pins: match &plan.pins {
            Some(p) => PinSummary {
                count: p.count as u64,
                shortfall_without_pins: p.shortfall_without_pins,
                filled_priority_without_pins: p.filled_priority_without_pins,
                exact: p.exact,
            },
            None => PinSummary {
                count: 0,
                shortfall_without_pins: total_shortfall,
                filled_priority_without_pins: plan
                    .moves
                    .iter()
                    .map(|m| u64::from(m.priority))
                    .sum(),
                exact: plan.optimal,
            },
        },
        wishes_met: data.steering.wishes_met(
            plan.moves
                .iter()
                .map(|m| (&data.teachers[m.teacher].id, &data.schools[m.to].id)),
        ),
        kept: data.steering.kept(
            plan.moves
                .iter()
                .map(|m| (&data.teachers[m.teacher].id, &data.schools[m.to].id)),
        ),
    };
    let c = &plan.check;
    let t = &summary.totals;
    let mine = (
        t.eligible,
        t.sent,
        t.backbone_sent,
        t.shortfall,
        t.filled_priority,
        t.posts,
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
        return Err(FiguresMismatch { mine, theirs });
    }
    Ok((rows, summary))
}
