//! Shards: a stable split of the country by district, so that a batch engine (a Slurm
//! array, a Kubernetes indexed Job) can plan counties on many machines and `merge`
//! can put the pieces back together exactly.

use crate::model::Dataset;
use crate::rules::{BackboneLevel, Rules};
use std::collections::BTreeSet;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` with 1 ≤ I ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s:?}: expected I/N with 1 ≤ I ≤ N, e.g. 1/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether this shard plans `district`. FNV-1a of the name: stable across runs,
    /// machines and data changes elsewhere in the country.
    pub fn owns(&self, district: &str) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in district.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h % u64::from(self.count) == u64::from(self.index - 1)
    }

    /// Districts can only be planned apart when the rules keep them independent.
    pub fn check_rules(rules: &Rules) -> Result<(), String> {
        if !rules.flow.same_district {
            return Err(
                "--shard needs flow.same_district = true: with cross-district \
                        exchanges the districts are not independent"
                    .into(),
            );
        }
        if rules.quota.backbone_share_level == BackboneLevel::Plan {
            return Err("--shard cannot split a plan-level backbone share \
                        (quota.backbone_share_level = \"plan\"); use school or district"
                .into());
        }
        Ok(())
    }

    /// Keeps only this shard's districts: their schools, teachers, posts, evaluators,
    /// and the ledger rows that touch them. Returns the districts kept.
    pub fn filter(&self, data: &mut Dataset) -> Vec<String> {
        data.schools.retain(|s| self.owns(&s.district));
        let schools: BTreeSet<_> = data.schools.iter().map(|s| s.id.clone()).collect();
        data.teachers.retain(|t| schools.contains(&t.school));
        data.needs.retain(|n| schools.contains(&n.school));
        let teachers: BTreeSet<_> = data.teachers.iter().map(|t| t.id.clone()).collect();
        data.ledger.retain(|e| {
            teachers.contains(&e.teacher)
                || schools.contains(&e.from_school)
                || schools.contains(&e.to_school)
        });
        data.evaluators.retain(|e| self.owns(&e.district));
        let districts: BTreeSet<String> = data.schools.iter().map(|s| s.district.clone()).collect();
        districts.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_partitions() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x", "1/", "/3", "1/2/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        for d in ["东湖区", "南昌县", "第0001县", ""] {
            let owners = (1..=4)
                .filter(|&i| Shard { index: i, count: 4 }.owns(d))
                .count();
            assert_eq!(owners, 1, "{d}");
        }
    }
}
