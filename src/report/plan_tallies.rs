//! The two things the plan page counts from the plan itself rather than from the
//! CSV tables: exchange flows between (district, locality) groups and posts by
//! subject. Kept as plain sums so that `merge` can add the tallies of shard runs and
//! render exactly the page one run renders.

use crate::model::{Dataset, Locality, Vocab};
use crate::plan::YearPlan;
use std::collections::BTreeMap;

/// One end of a flow: a district and a locality (English word, as in schools.csv).
pub type FlowEnd = (String, String);

/// Sums over the moves and open posts of a plan year.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanTallies {
    /// Exchanges by (from, to) group.
    pub flows: Vec<(FlowEnd, FlowEnd, u64)>,
    /// Subject → (open posts, posts filled).
    pub posts: BTreeMap<String, (u64, u64)>,
}

impl PlanTallies {
    pub fn new(data: &Dataset, plan: &YearPlan) -> PlanTallies {
        let end = |i: usize| {
            let s = &data.schools[i];
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
        PlanTallies {
            flows: flows.into_iter().map(|((a, b), n)| (a, b, n)).collect(),
            posts,
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
