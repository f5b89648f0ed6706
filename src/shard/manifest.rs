//! `shard.json`: what a shard run writes next to its files so that `merge` can
//! rebuild exactly the files of one run. Only shard folders have it; `merge` does not
//! write it.

use super::Shard;
use crate::horizon::{Period, YearRow};
use crate::model::Dataset;
use crate::plan::YearPlan;
use crate::report::district_years::DistrictYear;
use crate::report::{Lang, PlanTallies};
use crate::rules::Rules;
use crate::shortfall::ShortfallReason;
use crate::stats::SchoolRow;
use clap::ValueEnum;
use std::collections::BTreeMap;

pub const MANIFEST: &str = "shard.json";

/// A shard folder's `shard.json` (and, in a horizon shard, each `Y/shard.json`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ShardManifest {
    pub shard: Shard,
    pub districts: Vec<String>,
    /// For a plan year: what report.html needs beyond the CSV tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ShardReport>,
    /// For a horizon shard (top folder): its year rows and probe horizons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<HorizonShard>,
}

/// The plan page's inputs that the tables do not hold: typed shortfall reasons with
/// their values, flows and posts by subject, the backbone target and the language.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ShardReport {
    /// `zh` or `en`.
    pub lang: String,
    /// quota.min_backbone_share, as an exact decimal.
    pub backbone_target: String,
    pub tallies: PlanTallies,
    /// Shortfall reasons by school id.
    pub reasons: BTreeMap<String, Vec<ShortfallReason>>,
}

impl ShardReport {
    pub fn new(
        data: &Dataset,
        rules: &Rules,
        plan: &YearPlan,
        rows: &[SchoolRow],
        reasons: &BTreeMap<usize, Vec<ShortfallReason>>,
        lang: Lang,
    ) -> ShardReport {
        ShardReport {
            lang: lang_id(lang),
            backbone_target: rules.quota.min_backbone_share.to_string(),
            tallies: PlanTallies::new(data, plan),
            reasons: reasons
                .iter()
                .filter_map(|(i, v)| Some((rows.get(*i)?.school_id.clone(), v.clone())))
                .collect(),
        }
    }

    pub fn lang(&self) -> Option<Lang> {
        Lang::from_str(&self.lang, true).ok()
    }
}

fn lang_id(l: Lang) -> String {
    l.to_possible_value()
        .map_or_else(|| "zh".to_string(), |v| v.get_name().to_string())
}

/// A horizon shard's own figures. Every row counts only this shard's districts (a
/// ledger row between two shards' districts is counted by one of them), so `merge`
/// adds them up.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HorizonShard {
    pub period: Period,
    /// Grid points per round of the target search (one per core on the shard's
    /// machine); every shard and the search `merge` replays must use the same.
    pub probes_per_round: u32,
    /// The rows of the horizon at the rules' own share.
    pub base: Vec<YearRow>,
    /// Full horizons (never stopped early) at other grid points, by grid index.
    pub probes: BTreeMap<u32, Vec<YearRow>>,
    /// Person-times per district and year of the base horizon, for the horizon page.
    #[serde(default)]
    pub districts: Vec<DistrictYear>,
    /// Language of the horizon's report.html (`zh` or `en`).
    #[serde(default)]
    pub lang: String,
}

impl HorizonShard {
    pub fn lang(&self) -> Option<Lang> {
        Lang::from_str(&self.lang, true).ok()
    }
}

/// The name a language is written as in a manifest.
pub fn lang_name(l: Lang) -> String {
    lang_id(l)
}
