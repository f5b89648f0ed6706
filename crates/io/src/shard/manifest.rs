//! `shard.json`: what a shard run writes next to its files so that `merge` can
//! rebuild exactly the files of one run. Only shard folders have it; `merge` does not
//! write it.

use super::Shard;
use crate::horizon::{Period, YearRow};
use crate::model::{Dataset, Id, School};
use crate::plan::YearPlan;
use crate::report::district_years::DistrictYear;
use crate::report::itinerant_page::ItinerantGrid;
use crate::report::{Lang, PlanTallies};
use crate::rules::Rules;
use crate::shortfall::ShortfallReason;
use crate::stats::SchoolRow;
use std::collections::BTreeMap;

pub const MANIFEST: &str = "shard.json";

/// A shard folder's `shard.json` (and, in a horizon shard, each `Y/shard.json`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ShardManifest {
    pub shard: Shard,
    /// What the shard was run on; `merge` refuses shards whose fingerprints differ.
    /// Absent in folders of older versions, which `merge` refuses too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<Fingerprint>,
    pub districts: Vec<String>,
    /// For a plan year: what report.html needs beyond the CSV tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ShardReport>,
    /// For a horizon shard (top folder): its year rows and probe horizons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<HorizonShard>,
}

/// What a shard run depends on, so that `merge` only combines shards of one run: the
/// command and its year(s), a SHA-256 of each data file's bytes, of the effective
/// rules (file and `--set` applied) and of the `--redact` key (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    /// `plan 2021` or `horizon 2021-2025`.
    pub command: String,
    /// SHA-256 (hex) of each data file's bytes, by role (`schools`, `teachers`, …).
    pub data: BTreeMap<String, String>,
    /// SHA-256 (hex) of the effective rules.
    pub rules: String,
    /// SHA-256 (hex) of the `--redact` key, when redacting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redact: Option<String>,
}

impl Fingerprint {
    /// Computes the fingerprint of a shard run.
    pub fn new(
        command: String,
        files: &[(&str, std::path::PathBuf)],
        rules: &Rules,
        redact_key: Option<&[u8]>,
    ) -> std::io::Result<Fingerprint> {
        let mut data = BTreeMap::new();
        for (role, path) in files {
            data.insert(role.to_string(), sha256_hex(&std::fs::read(path)?));
        }
        // The effective rules, not where they came from: two copies of one file, or
        // a file and the same values by --set, are the same rules.
        let mut r = rules.clone();
        r.source.clear();
        Ok(Fingerprint {
            command,
            data,
            rules: sha256_hex(format!("{r:?}").as_bytes()),
            redact: redact_key
                .map(|k| sha256_hex(&[b"rotaplan redact key\0".as_slice(), k].concat())),
        })
    }

    /// The first difference from `other`, in words, or `None` when they match.
    pub fn difference(&self, other: &Fingerprint) -> Option<String> {
        if self.command != other.command {
            return Some(format!(
                "different commands: `{}` and `{}`",
                self.command, other.command
            ));
        }
        let roles: std::collections::BTreeSet<&String> =
            self.data.keys().chain(other.data.keys()).collect();
        for role in roles {
            match (self.data.get(role), other.data.get(role)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(_), Some(_)) => {
                    return Some(format!("different data: the {role} files differ"))
                }
                _ => {
                    return Some(format!(
                        "different data: only one was run with a {role} file"
                    ))
                }
            }
        }
        if self.rules != other.rules {
            return Some("different rules (the rule file or --set values differ)".into());
        }
        if self.redact != other.redact {
            return Some("different --redact keys (or only one is redacted)".into());
        }
        None
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    /// The itinerant weekday grid of the shard's townships, when it planned itinerant
    /// teaching (the township of each school is not in the output tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub itinerant: Option<ItinerantGrid>,
}

impl ShardReport {
    pub fn new(
        data: &Dataset,
        rules: &Rules,
        plan: &YearPlan,
        rows: &[SchoolRow],
        reasons: &BTreeMap<Id<School>, Vec<ShortfallReason>>,
        lang: Lang,
    ) -> ShardReport {
        ShardReport {
            lang: lang_id(lang),
            backbone_target: rules.quota.min_backbone_share.to_string(),
            tallies: PlanTallies::new(data, plan),
            reasons: reasons
                .iter()
                .filter_map(|(i, v)| Some((rows.get(i.index())?.school_id.clone(), v.clone())))
                .collect(),
            itinerant: None,
        }
    }

    /// With the grid of `plan` (teacher ids those of `data`), when there is one.
    pub fn with_itinerant(
        mut self,
        data: &Dataset,
        rules: &Rules,
        plan: Option<&crate::itinerant::ItinerantPlan>,
    ) -> ShardReport {
        self.itinerant = plan.map(|p| ItinerantGrid::new(data, rules, p));
        self
    }

    pub fn lang(&self) -> Option<Lang> {
        self.lang.parse::<Lang>().ok()
    }
}

fn lang_id(l: Lang) -> String {
    l.name().to_string()
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
    /// What `merge` needs to answer "what it takes" when the country misses the
    /// target (a shard cannot know whether it does, so it always runs them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub takes: Option<TakesShard>,
}

/// A horizon shard's part of "what it takes": its more-posts tally and full
/// horizons (never stopped early, uncounted like the probes) at every shorter term
/// and at the largest distance of the distance grid.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TakesShard {
    /// The rules' own `term.years` and `max_distance_km`.
    pub term_years: i32,
    pub max_distance_km: f64,
    pub more_posts: crate::horizon::MorePostsTally,
    /// By term length (years).
    pub terms: BTreeMap<i32, Vec<YearRow>>,
    /// By max_distance_km (km).
    pub distances: BTreeMap<u32, Vec<YearRow>>,
}

impl HorizonShard {
    pub fn lang(&self) -> Option<Lang> {
        self.lang.parse::<Lang>().ok()
    }
}

/// The name a language is written as in a manifest.
pub fn lang_name(l: Lang) -> String {
    lang_id(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp() -> Fingerprint {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("teachers.csv");
        std::fs::write(&f, "teacher_id\nT1\n").unwrap();
        Fingerprint::new(
            "plan 2021".into(),
            &[("teachers", f)],
            &Rules::default(),
            None,
        )
        .unwrap()
    }

    #[test]
    fn differences_are_named() {
        let a = fp();
        assert_eq!(a.difference(&fp()), None);
        let mut b = a.clone();
        b.command = "plan 2022".into();
        assert!(a.difference(&b).unwrap().contains("different commands"));
        let mut b = a.clone();
        b.data.insert("teachers".into(), "0".into());
        assert!(a.difference(&b).unwrap().contains("teachers files differ"));
        let mut b = a.clone();
        b.data.insert("ledger".into(), "0".into());
        assert!(a.difference(&b).unwrap().contains("ledger"));
        let mut r = Rules::default();
        r.quota.min_share_of_eligible = crate::rules::Share::parse("0.3").unwrap();
        r.source = "elsewhere.toml".into();
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("t.csv");
        std::fs::write(&f, "teacher_id\nT1\n").unwrap();
        let b = Fingerprint::new("plan 2021".into(), &[("teachers", f.clone())], &r, None).unwrap();
        assert!(a.difference(&b).unwrap().contains("different rules"));
        // Where the rules came from does not matter, only what they say.
        let same = Rules {
            source: "copy.toml".into(),
            ..Rules::default()
        };
        let b =
            Fingerprint::new("plan 2021".into(), &[("teachers", f.clone())], &same, None).unwrap();
        assert_eq!(a.difference(&b), None);
        let b =
            Fingerprint::new("plan 2021".into(), &[("teachers", f)], &same, Some(b"k")).unwrap();
        assert!(a.difference(&b).unwrap().contains("--redact"));
    }
}
