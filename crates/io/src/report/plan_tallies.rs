//! What the plan page and workbook take from the plan itself rather than from the
//! CSV tables: exchange flows between (district, locality) groups, posts by subject,
//! the pins in force with what each costs, and how teachers with wishes fared. Kept as
//! plain sums and rows so that `merge` can add the tallies of shard runs and render
//! exactly the page and workbook one run renders.

use crate::model::{Dataset, Id, Locality, School, Vocab};
use crate::plan::YearPlan;
use std::collections::{BTreeMap, HashSet};

/// One end of a flow: a district and a locality (English word, as in schools.csv).
pub type FlowEnd = (String, String);

/// Sums over the moves and open posts of a plan year.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanTallies {
    /// Exchanges by (from, to) group.
    pub flows: Vec<(FlowEnd, FlowEnd, u64)>,
    /// Subject → (open posts, posts filled).
    pub posts: BTreeMap<String, (u64, u64)>,
    /// The pins in force in the year with their cost (`pins_cost.csv`), by pin row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<PinRow>,
    /// Teachers with wishes and where they went.
    #[serde(default)]
    pub wishes: WishTally,
}

/// One pin in force and what it costs (see `pins_cost.csv`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PinRow {
    /// Row in the pins file (header = 1).
    pub row: u32,
    pub teacher_id: String,
    /// `stay`, `move`, `to` or `not_to`.
    pub action: String,
    /// The school of a `to`/`not_to` pin; empty otherwise.
    pub school_id: String,
    /// The year the pin names; `None`: every year.
    pub year: Option<i32>,
    pub note: String,
    /// Change in shortfall if this pin alone were dropped (≤ 0).
    pub shortfall_delta: i64,
    /// Change in filled priority if this pin alone were dropped.
    pub filled_priority_delta: i64,
}

/// How the teachers of the wishes file fared in the plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WishTally {
    /// Teachers (of the data) with at least one wish.
    pub teachers: u64,
    /// Of them, moved by the plan.
    pub moved: u64,
    /// Moved teachers placed at their rank-1 … rank-5 wish (`wishes_met`).
    pub by_rank: [u64; 5],
}

impl WishTally {
    /// Moved teachers placed at one of their wishes.
    pub fn placed(&self) -> u64 {
        self.by_rank.iter().sum()
    }

    fn add(&mut self, o: &WishTally) {
        self.teachers += o.teachers;
        self.moved += o.moved;
        for (a, b) in self.by_rank.iter_mut().zip(o.by_rank) {
            *a += b;
        }
    }
}

impl PlanTallies {
    pub fn new(data: &Dataset, plan: &YearPlan) -> PlanTallies {
        let end = |i: Id<School>| {
            let s = data.school(i);
            (s.district.clone(), s.locality.as_str().to_string())
        };
        let mut flows: BTreeMap<(FlowEnd, FlowEnd), u64> = BTreeMap::new();
        for mv in &plan.moves {
            *flows.entry((end(mv.from), end(mv.to))).or_default() += 1;
        }
        let mut posts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for ((_, subject), slots) in &plan.facts.open_posts {
            posts.entry(subject.to_string()).or_default().0 +=
                slots.iter().map(|(_, n)| u64::from(*n)).sum::<u64>();
        }
        for mv in &plan.moves {
            posts.entry(mv.subject.to_string()).or_default().1 += 1;
        }
        let pins = plan
            .pins
            .iter()
            .flat_map(|p| &p.costs)
            .map(|c| PinRow {
                row: c.row,
                teacher_id: c.teacher_id.clone(),
                action: c.action.to_string(),
                school_id: c.school_id.clone(),
                year: c.year,
                note: c.note.clone(),
                shortfall_delta: c.shortfall_delta,
                filled_priority_delta: c.filled_priority_delta,
            })
            .collect();
        PlanTallies {
            flows: flows.into_iter().map(|((a, b), n)| (a, b, n)).collect(),
            posts,
            pins,
            wishes: wish_tally(data, plan),
        }
    }

    /// Adds another part's tallies (shards plan disjoint districts).
    pub fn add(&mut self, other: &PlanTallies) {
        let mut flows: BTreeMap<(FlowEnd, FlowEnd), u64> =
            self.flows.drain(..).map(|(a, b, n)| ((a, b), n)).collect();
        for (a, b, n) in &other.flows {
            *flows.entry((a.clone(), b.clone())).or_default() += n;
        }
        self.flows = flows.into_iter().map(|((a, b), n)| (a, b, n)).collect();
        for (s, (open, filled)) in &other.posts {
            let e = self.posts.entry(s.clone()).or_default();
            e.0 += open;
            e.1 += filled;
        }
        // Shards hold disjoint teachers, so their pins are disjoint rows.
        self.pins.extend(other.pins.iter().cloned());
        self.pins.sort_by_key(|p| p.row);
        self.wishes.add(&other.wishes);
    }
}

/// Teachers with wishes, those moved, and those placed at each rank.
fn wish_tally(data: &Dataset, plan: &YearPlan) -> WishTally {
    let wishes = &data.steering.wishes;
    if wishes.is_empty() {
        return WishTally::default();
    }
    let known: HashSet<&str> = data.teachers.iter().map(|t| t.id.as_str()).collect();
    let with: HashSet<&str> = wishes
        .iter()
        .map(|w| w.teacher.as_str())
        .filter(|t| known.contains(t))
        .collect();
    let moved = plan
        .moves
        .iter()
        .filter(|m| with.contains(data.teachers[m.teacher].id.as_str()))
        .count() as u64;
    let by_rank = data.steering.wishes_met(
        plan.moves
            .iter()
            .map(|m| (&data.teachers[m.teacher].id, &data.schools[m.to].id)),
    );
    WishTally {
        teachers: with.len() as u64,
        moved,
        by_rank,
    }
}

/// The locality of a flow end, as the page names it.
pub fn locality_label(word: &str, zh: bool) -> String {
    match Locality::parse(word) {
        Some(l) if zh => l.zh().to_string(),
        Some(l) => l.as_str().to_string(),
        None => word.to_string(),
    }
}
