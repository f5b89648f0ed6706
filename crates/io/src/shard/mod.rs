//! Shards: a stable split of the country by district, so that a batch engine (a Slurm
//! array, a Kubernetes indexed Job) can plan counties on many machines and `merge`
//! can put the pieces back together exactly.

pub mod horizon;
pub mod manifest;

pub use manifest::{
    lang_name, Fingerprint, HorizonShard, ShardManifest, ShardReport, TakesShard, MANIFEST,
};

use crate::model::{Dataset, LedgerEntry};
use crate::rules::{BackboneLevel, Rules};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Why `--shard` cannot be used as given; each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is not `I/N` with 1 ≤ I ≤ N.
    #[error("--shard {given:?}: expected I/N with 1 ≤ I ≤ N, e.g. 1/4")]
    BadShard { given: String },
    /// The rules allow exchanges across districts, so districts cannot be planned apart.
    #[error(
        "--shard needs flow.same_district = true: with cross-district exchanges the \
         districts are not independent"
    )]
    CrossDistrict,
    /// A backbone share over the whole plan ties every district to the others.
    #[error(
        "--shard cannot split a plan-level backbone share (quota.backbone_share_level = \
         \"plan\"); use school or district"
    )]
    PlanLevelBackbone,
}

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` with 1 ≤ I ≤ N.
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError::BadShard {
            given: s.to_string(),
        };
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

    /// Districts can only be planned apart when the rules keep them independent:
    /// no exchange across districts, no backbone share over the whole plan. (The
    /// horizon carries state per teacher and per school only, so the same holds
    /// for every year of it.)
    pub fn check_rules(rules: &Rules) -> Result<(), ShardError> {
        if !rules.flow.same_district {
            return Err(ShardError::CrossDistrict);
        }
        if rules.quota.backbone_share_level == BackboneLevel::Plan {
            return Err(ShardError::PlanLevelBackbone);
        }
        Ok(())
    }

    /// Keeps only this shard's districts: their schools, teachers, posts, evaluators,
    /// the pins and wishes of their teachers, and the ledger rows that touch them or
    /// that this shard counts (see [`Cut::foreign`]).
    pub fn filter(&self, data: &mut Dataset) -> Cut {
        let owner = LedgerOwner::new(data);
        // A previous move belongs to its teacher's district; one naming no teacher of
        // the data to its host school's district, else to shard 1 (so every previous
        // row lands in exactly one shard's changes.csv).
        let previous_mine: Option<Vec<bool>> = data.steering.previous.as_ref().map(|prev| {
            let school_district: HashMap<&str, &str> = data
                .schools
                .iter()
                .map(|s| (s.id.as_str(), s.district.as_str()))
                .collect();
            let teacher_school: HashMap<&str, &str> = data
                .teachers
                .iter()
                .map(|t| (t.id.as_str(), t.school.as_str()))
                .collect();
            prev.iter()
                .map(|p| {
                    let school = teacher_school
                        .get(p.teacher.as_str())
                        .copied()
                        .unwrap_or(p.to.as_str());
                    let district = school_district.get(school);
                    match district {
                        Some(d) => self.owns(d),
                        None => self.index == 1,
                    }
                })
                .collect()
        });
        // Pins naming a school of a district this shard does not plan: a `to` such
        // school cannot hold under flow.same_district (refused, as one run refuses it);
        // a `not_to` one always holds and is dropped.
        let foreign_pins = self.foreign_pins(data);
        let mine: Vec<bool> = data
            .ledger
            .iter()
            .map(|e| self.owns(owner.district(e)))
            .collect();
        data.schools.retain(|s| self.owns(&s.district));
        let schools: BTreeSet<_> = data.schools.iter().map(|s| s.id.clone()).collect();
        data.teachers.retain(|t| schools.contains(&t.school));
        data.needs.retain(|n| schools.contains(&n.school));
        let teachers: BTreeSet<_> = data.teachers.iter().map(|t| t.id.clone()).collect();
        let mut foreign = Vec::new();
        let mut kept = Vec::new();
        for (e, mine) in std::mem::take(&mut data.ledger).into_iter().zip(mine) {
            let touches = teachers.contains(&e.teacher)
                || schools.contains(&e.from_school)
                || schools.contains(&e.to_school);
            if touches && !mine {
                foreign.push(e.clone());
            }
            if touches || mine {
                kept.push(e);
            }
        }
        data.ledger = kept;
        // A pin or a wish belongs to its teacher's district, so to one shard.
        data.steering.pins.retain(|p| {
            teachers.contains(&p.teacher) && p.action.school().is_none_or(|x| schools.contains(x))
        });
        if let (Some(prev), Some(mine)) = (data.steering.previous.as_mut(), previous_mine) {
            let mut keep = mine.into_iter();
            prev.retain(|_| keep.next().unwrap_or(false));
        }
        data.steering
            .wishes
            .retain(|w| teachers.contains(&w.teacher));
        data.evaluators.retain(|e| self.owns(&e.district));
        let districts: BTreeSet<String> = data.schools.iter().map(|s| s.district.clone()).collect();
        Cut {
            districts: districts.into_iter().collect(),
            foreign,
            foreign_pins,
        }
    }

    /// This shard's teachers' pins that name a school of another shard's district:
    /// (pin, the teacher's school, the pin's school).
    fn foreign_pins(&self, data: &Dataset) -> Vec<ForeignPin> {
        let district: HashMap<&str, &str> = data
            .schools
            .iter()
            .map(|s| (s.id.as_str(), s.district.as_str()))
            .collect();
        let school_of: HashMap<&str, &str> = data
            .teachers
            .iter()
            .map(|t| (t.id.as_str(), t.school.as_str()))
            .collect();
        data.steering
            .pins
            .iter()
            .filter_map(|p| {
                let from = *school_of.get(p.teacher.as_str())?;
                if !self.owns(district.get(from)?) {
                    return None;
                }
                let to = p.action.school()?;
                let d = district.get(to.as_str())?;
                (!self.owns(d)).then(|| ForeignPin {
                    pin: p.clone(),
                    from: from.to_string(),
                })
            })
            .collect()
    }
}

/// A pin of this shard's teacher naming a school of a district another shard plans.
#[derive(Debug, Clone)]
pub struct ForeignPin {
    pub pin: crate::model::steering::Pin,
    /// The teacher's school.
    pub from: String,
}

/// What a shard keeps of the country.
#[derive(Debug, Clone, Default)]
pub struct Cut {
    /// The districts planned, in order.
    pub districts: Vec<String>,
    /// Ledger rows kept because they touch this shard (a teacher away, a post held)
    /// but counted by another shard: a past exchange between two districts of
    /// different shards. Their person-times are taken out of this shard's horizon
    /// rows so that the merged rows count each ledger row once.
    pub foreign: Vec<LedgerEntry>,
    /// Pins naming another shard's school (taken out of the data; see
    /// [`Cut::pin_refusals`]).
    pub foreign_pins: Vec<ForeignPin>,
}

impl Cut {
    /// The refusals of the foreign pins in force in `year`: a `to` pin to another
    /// district cannot hold under `flow.same_district` (which `--shard` requires), the
    /// same refusal one run gives; a `not_to` one holds and is not refused.
    pub fn pin_refusals(&self, year: i32) -> Vec<crate::plan::PinRefusal> {
        self.foreign_pins
            .iter()
            .filter(|f| f.pin.in_force(year) && f.pin.action.forces_move())
            .map(|f| crate::plan::other_district_refusal(&f.pin, &f.from))
            .collect()
    }
}

/// Which district counts a ledger row: its sending school's, else its receiving
/// school's, else its teacher's school's, else "" (a row naming nobody in the data,
/// which one run still counts). Exactly one shard owns each.
struct LedgerOwner<'a> {
    school_district: HashMap<&'a str, &'a str>,
    teacher_district: HashMap<&'a str, &'a str>,
}

impl<'a> LedgerOwner<'a> {
    fn new(data: &'a Dataset) -> LedgerOwner<'a> {
        let school_district: HashMap<&str, &str> = data
            .schools
            .iter()
            .map(|s| (s.id.as_str(), s.district.as_str()))
            .collect();
        // Only the teachers a ledger row falls back on, not the whole country.
        let wanted: HashSet<&str> = data
            .ledger
            .iter()
            .filter(|e| {
                !school_district.contains_key(e.from_school.as_str())
                    && !school_district.contains_key(e.to_school.as_str())
            })
            .map(|e| e.teacher.as_str())
            .collect();
        let teacher_district = data
            .teachers
            .iter()
            .filter(|t| wanted.contains(t.id.as_str()))
            .filter_map(|t| Some((t.id.as_str(), *school_district.get(t.school.as_str())?)))
            .collect();
        LedgerOwner {
            school_district,
            teacher_district,
        }
    }

    fn district(&self, e: &LedgerEntry) -> &str {
        let s = |id: &str| self.school_district.get(id).copied();
        s(e.from_school.as_str())
            .or_else(|| s(e.to_school.as_str()))
            .or_else(|| self.teacher_district.get(e.teacher.as_str()).copied())
            .unwrap_or("")
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
        assert_eq!(
            Shard::parse("5/4").map_err(|e| e.to_string()),
            Err("--shard \"5/4\": expected I/N with 1 ≤ I ≤ N, e.g. 1/4".to_string())
        );
        assert_eq!(
            ShardError::CrossDistrict.to_string(),
            "--shard needs flow.same_district = true: with cross-district exchanges the \
             districts are not independent"
        );
        for d in ["东湖区", "南昌县", "第0001县", ""] {
            let owners = (1..=4)
                .filter(|&i| Shard { index: i, count: 4 }.owns(d))
                .count();
            assert_eq!(owners, 1, "{d}");
        }
    }
}
