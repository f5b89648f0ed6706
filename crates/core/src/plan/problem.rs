//! The aggregated planning problem of one independent component.
//!
//! Teachers who differ only in who they are (same school, subject, backbone and
//! volunteer flags) are interchangeable for objectives (1) and (2), and receiving
//! schools that accept exactly the same sending schools for the same subject and
//! priority are interchangeable too. Merging them makes the model a small transport
//! problem plus a few integer side constraints; the exact aggregation is undone later
//! (`assign`), choosing individuals by the stated tie-breaks.

use super::facts::YearFacts;
use super::pairs::allowed;
use super::steer::YearSteer;
use crate::model::{Dataset, Id, Subject, Teacher};
use crate::rules::{BackboneLevel, Rules};
use std::collections::{BTreeMap, BTreeSet};

/// A sending school's teachers of one subject: counts by [backbone][volunteer].
///
/// Leaders under `[leaders]` are planned under their role (`principal`,
/// `vice_principal`) as the subject, so they meet leadership posts only.
#[derive(Debug, Clone)]
pub struct Supply {
    /// Position in `Component::senders`.
    pub sender: usize,
    pub subject: Subject,
    pub counts: [[u32; 2]; 2],
    /// Mandatory leaders (see [`Sender`]): all counted in the backbone class, whatever
    /// their level, so the backbone share of their own sender never falls short (the
    /// share does not apply to them); `assign` then ignores the backbone flag.
    pub mandatory_leaders: bool,
    /// A teacher with pins or wishes has a supply of their own (counts sum to 1):
    /// the teacher's index. `None`: an aggregated supply.
    pub teacher: Option<usize>,
    /// The teacher of this supply must move (a `move` or `to` pin).
    pub forced: bool,
    /// Host schools whose placement earns a steering level (own supplies only):
    /// (school index, mask of [`LEVEL_KEPT`] and [`wish_bit`] bits).
    pub targets: Vec<(usize, u8)>,
}

/// Mask bit of a target school that is the teacher's previous host (level (3)).
pub const LEVEL_KEPT: u8 = 1;

/// Mask bit of a target school that is the teacher's wish of rank `rank` (1–5,
/// level (4)).
pub const fn wish_bit(rank: u8) -> u8 {
    1 << rank
}

impl Supply {
    pub fn total(&self) -> u32 {
        self.counts.iter().flatten().sum()
    }
}

/// Receiving posts that accept the same senders, for one subject and priority.
#[derive(Debug, Clone)]
pub struct PostGroup {
    pub subject: Subject,
    pub priority: u32,
    pub capacity: u32,
    /// (school index, open posts) of the member schools, by school index.
    pub members: Vec<(usize, u32)>,
    /// Positions in `Component::senders` allowed to send here.
    pub senders: Vec<usize>,
}

/// A sending school with its quota and cap.
///
/// Under mandatory `[leaders]` rotation a school's eligible leaders form a second
/// sender of the same school with quota = cap = their number: Σ max(0, quota − sent)
/// is then exactly the number of them not moved (each adds 1 to shortfall), and they
/// stay out of the school's own quota, cap and backbone group. This is how the
/// existing exact search handles leaders without knowing about them.
#[derive(Debug, Clone)]
pub struct Sender {
    pub school: usize,
    pub quota: u32,
    pub cap: u32,
}

/// One independent sub-problem (a district, or a connected set of districts).
#[derive(Debug, Clone, Default)]
pub struct Component {
    pub senders: Vec<Sender>,
    pub supplies: Vec<Supply>,
    pub groups: Vec<PostGroup>,
    /// (supply index, group index): a teacher of the supply may fill a post of the group.
    pub arcs: Vec<(usize, usize)>,
    /// Groups of sender positions whose backbone share is counted together.
    pub backbone_groups: Vec<Vec<usize>>,
    /// `min_backbone_share` as num/den.
    pub backbone_share: (i64, i64),
    /// Per arc (parallel to `arcs`): the steering levels a teacher placed through it
    /// meets (bits as in [`Supply::targets`]; 0 for almost every arc). An arc carries
    /// a mask only from a teacher's own supply to a group of one school.
    pub arc_mask: Vec<u8>,
}

impl Component {
    /// The arc's steering mask (0 when the component has none).
    pub fn mask(&self, arc: usize) -> u8 {
        self.arc_mask.get(arc).copied().unwrap_or(0)
    }

    /// Whether some arc meets a steering level (a wish or a previous move).
    pub fn steered(&self) -> bool {
        self.arc_mask.iter().any(|&m| m != 0)
    }

    /// Per mask bit (0 = kept, r = wish rank r): how many supplies have an arc with
    /// that bit, which bounds how many teachers a plan can place at that level (each
    /// such supply is one teacher).
    pub fn level_teachers(&self) -> [u64; 6] {
        let mut out = [0u64; 6];
        // Per bit, the supply of the last arc counted (arcs are in supply order).
        let mut last: [Option<usize>; 6] = [None; 6];
        for (a, &(si, _)) in self.arcs.iter().enumerate() {
            let m = self.mask(a);
            for (bit, (n, l)) in out.iter_mut().zip(last.iter_mut()).enumerate() {
                if m & (1 << bit) != 0 && *l != Some(si) {
                    *l = Some(si);
                    *n += 1;
                }
            }
        }
        out
    }

    /// Each sender's backbone group (its position in `backbone_groups`), `None` for a
    /// sender in no group.
    pub fn backbone_group_of(&self) -> Vec<Option<usize>> {
        let mut group_of = vec![None; self.senders.len()];
        for (gi, members) in self.backbone_groups.iter().enumerate() {
            for &p in members {
                group_of[p] = Some(gi);
            }
        }
        group_of
    }

    /// Number of teachers who must move (supplies of `move`/`to` pins).
    pub fn forced(&self) -> u32 {
        self.supplies
            .iter()
            .filter(|s| s.forced)
            .map(Supply::total)
            .sum()
    }

    /// Σ priority × capacity: the largest possible value of objective (2).
    pub fn max_priority(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| u64::from(g.priority) * u64::from(g.capacity))
            .sum()
    }
}

/// Post groups are keyed by (allowed senders, subject, priority, the school when it
/// is one that pins name and so needs a group of its own).
type GroupKey = (Vec<usize>, Subject, u32, Option<usize>);

/// Minimal union–find over school indices (components of the allowed-pair graph).
struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.0[hi] = lo;
        }
    }
}

/// Splits the year's problem into independent components.
///
/// `eligible` lists, per teacher, whether they are eligible this year.
pub fn build_components(
    data: &Dataset,
    rules: &Rules,
    facts: &YearFacts,
    eligible: &[bool],
) -> Vec<Component> {
    build_steered(data, rules, facts, eligible, &YearSteer::default())
}

/// [`build_components`] with pins: each pinned teacher has a supply of their own
/// whose arcs keep their `to`/`not_to` pins, and every school such a pin names has
/// post groups of its own. Everyone else stays aggregated.
pub fn build_steered(
    data: &Dataset,
    rules: &Rules,
    facts: &YearFacts,
    eligible: &[bool],
    steer: &YearSteer,
) -> Vec<Component> {
    let n = data.schools.len();
    // Teachers with a supply of their own: (school, leader?, subject, teacher).
    let mut own: Vec<(usize, bool, Subject, Id<Teacher>)> = Vec::new();
    let mandatory = rules.mandatory_leaders();
    // Supplies per (school, leader sender?, subject planned under).
    let mut supply: BTreeMap<(usize, bool, Subject), [[u32; 2]; 2]> = BTreeMap::new();
    for (ti, (t, &ok)) in data.teacher_ids().zip(data.teachers.iter().zip(eligible)) {
        if !ok {
            continue;
        }
        let Some(&id) = facts.school_index.get(&t.school) else {
            continue;
        };
        // The solver's own school positions are plain indices from here on.
        let si = id.index();
        let leader = mandatory && rules.leader_role(t).is_some();
        if !leader && facts.schools[id].cap == 0 {
            continue;
        }
        let c = supply
            .entry((si, leader, rules.plan_subject(t)))
            .or_default();
        if steer.own.contains_key(&ti) {
            // The entry (possibly all zero) makes sure the sender exists.
            own.push((si, leader, rules.plan_subject(t), ti));
            continue;
        }
        c[usize::from(leader || t.is_backbone())][usize::from(t.volunteer)] += 1;
    }
    let sender_schools: BTreeSet<usize> = supply.keys().map(|(s, _, _)| *s).collect();
    let receiver_schools: BTreeSet<usize> =
        facts.open_posts.keys().map(|(r, _)| r.index()).collect();

    // Allowed senders of each receiving school. With `same_district` only the
    // district's own senders are candidates, which keeps national runs linear.
    let mut by_district: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &s in &sender_schools {
        by_district
            .entry(data.schools[s].district.as_str())
            .or_default()
            .push(s);
    }
    let all_senders: Vec<usize> = sender_schools.iter().copied().collect();
    let mut signature: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &r in &receiver_schools {
        let rs = &data.schools[r];
        let candidates: &[usize] = if rules.flow.same_district {
            by_district
                .get(rs.district.as_str())
                .map_or(&[], Vec::as_slice)
        } else {
            &all_senders
        };
        let sig: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&s| allowed(&data.schools[s], rs, rules))
            .collect();
        if !sig.is_empty() {
            signature.insert(r, sig);
        }
    }

    // Components: a receiver joins its senders; backbone levels join more.
    let mut uf = UnionFind((0..n).collect());
    for (&r, sig) in &signature {
        for &s in sig {
            uf.union(r, s);
        }
    }
    match rules.quota.backbone_share_level {
        BackboneLevel::School => {}
        BackboneLevel::District => {
            for list in by_district.values() {
                for w in list.windows(2) {
                    uf.union(w[0], w[1]);
                }
            }
        }
        BackboneLevel::Plan => {
            for w in all_senders.windows(2) {
                uf.union(w[0], w[1]);
            }
        }
    }

    let mut comps: BTreeMap<usize, Component> = BTreeMap::new();
    // (school, leader sender?) → (component root, position in its senders).
    let mut sender_pos: BTreeMap<(usize, bool), (usize, usize)> = BTreeMap::new();
    // Per component: the sender positions of mandatory leaders.
    let mut leader_senders: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut leader_counts: BTreeMap<usize, u32> = BTreeMap::new();
    for ((s, leader, _), counts) in &supply {
        if *leader {
            *leader_counts.entry(*s).or_default() += counts.iter().flatten().sum::<u32>();
        }
    }
    for (s, leader, _, _) in &own {
        if *leader {
            *leader_counts.entry(*s).or_default() += 1;
        }
    }
    for &s in &sender_schools {
        let root = uf.find(s);
        let c = comps.entry(root).or_default();
        let f = &facts.schools[Id::new(s)];
        if supply.keys().any(|k| k.0 == s && !k.1) {
            sender_pos.insert((s, false), (root, c.senders.len()));
            c.senders.push(Sender {
                school: s,
                quota: f.quota,
                cap: f.cap,
            });
        }
        if let Some(&k) = leader_counts.get(&s) {
            leader_senders
                .entry(root)
                .or_default()
                .push(c.senders.len());
            sender_pos.insert((s, true), (root, c.senders.len()));
            c.senders.push(Sender {
                school: s,
                quota: k,
                cap: k,
            });
        }
    }
    // Per component and sender position: (subject, supply index).
    let mut supplies_of: BTreeMap<(usize, usize), Vec<(Subject, usize)>> = BTreeMap::new();
    // Adds a supply of sending school `s` (of one pinned teacher, or aggregated) to its
    // sender's component, skipped when the sender has none.
    let mut push_supply = |(s, leader): (usize, bool),
                           subject: Subject,
                           counts: [[u32; 2]; 2],
                           teacher: Option<Id<Teacher>>| {
        let Some(&(root, pos)) = sender_pos.get(&(s, leader)) else {
            return;
        };
        let Some(c) = comps.get_mut(&root) else {
            return;
        };
        supplies_of
            .entry((root, pos))
            .or_default()
            .push((subject.clone(), c.supplies.len()));
        let pins = teacher.and_then(|ti| steer.own.get(&ti));
        c.supplies.push(Supply {
            sender: pos,
            subject,
            counts,
            mandatory_leaders: leader,
            // The pins' ids become the solver's positions here.
            teacher: teacher.map(Id::index),
            forced: pins.is_some_and(|o| o.forced),
            targets: pins.map_or_else(Vec::new, |o| {
                o.targets.iter().map(|&(r, m)| (r.index(), m)).collect()
            }),
        });
    };
    for ((s, leader, subject), counts) in supply {
        if counts.iter().flatten().sum::<u32>() > 0 {
            push_supply((s, leader), subject, counts, None);
        }
    }
    for (s, leader, subject, ti) in own {
        let t = data.teacher(ti);
        let mut counts = [[0; 2]; 2];
        counts[usize::from(leader || t.is_backbone())][usize::from(t.volunteer)] = 1;
        push_supply((s, leader), subject, counts, Some(ti));
    }
    // Post groups: (signature, subject, priority).
    let mut groups: BTreeMap<GroupKey, Vec<(usize, u32)>> = BTreeMap::new();
    for ((id, subject), slots) in &facts.open_posts {
        let r = id.index();
        let Some(sig) = signature.get(&r) else {
            continue;
        };
        for &(priority, open) in slots {
            let special = steer.special.contains(id).then_some(r);
            groups
                .entry((sig.clone(), subject.clone(), priority, special))
                .or_default()
                .push((r, open));
        }
    }
    for ((sig, subject, priority, _), members) in groups {
        let root = uf.find(sig[0]);
        let Some(c) = comps.get_mut(&root) else {
            continue;
        };
        let senders: Vec<usize> = sig
            .iter()
            .flat_map(|&s| [(s, false), (s, true)])
            .filter_map(|k| sender_pos.get(&k).map(|&(_, p)| p))
            .collect();
        let gi = c.groups.len();
        for &sp in &senders {
            for (tsubj, si) in supplies_of.get(&(root, sp)).map_or(&[][..], Vec::as_slice) {
                let pinned_ok = match c.supplies[*si].teacher {
                    Some(ti) => steer.admits(Id::new(ti), &members),
                    None => true,
                };
                if pinned_ok && rules.post_fits(tsubj, &subject) {
                    c.arcs.push((*si, gi));
                }
            }
        }
        c.groups.push(PostGroup {
            subject,
            priority,
            capacity: members.iter().map(|m| m.1).sum(),
            members,
            senders,
        });
    }
    for (root, c) in comps.iter_mut() {
        c.arcs.sort_unstable();
        // A target school is special (groups of its own), so a group holding it holds
        // nothing else.
        c.arc_mask = c
            .arcs
            .iter()
            .map(|&(si, gi)| match c.groups[gi].members.as_slice() {
                [(r, _)] => c.supplies[si]
                    .targets
                    .iter()
                    .filter(|t| t.0 == *r)
                    .fold(0, |m, t| m | t.1),
                _ => 0,
            })
            .collect();
        let leaders = leader_senders.get(root).map_or(&[][..], Vec::as_slice);
        c.backbone_groups = backbone_groups(data, rules, &c.senders, leaders);
        c.backbone_share = rules.quota.min_backbone_share.ratio();
    }
    comps
        .into_values()
        .filter(|c| !c.senders.is_empty())
        .collect()
}

/// Backbone groups of sender positions; `leaders` (mandatory leader senders) are
/// each a group of their own, outside every school's, district's or the plan's share.
fn backbone_groups(
    data: &Dataset,
    rules: &Rules,
    senders: &[Sender],
    leaders: &[usize],
) -> Vec<Vec<usize>> {
    let schools = (0..senders.len()).filter(|p| !leaders.contains(p));
    let mut out: Vec<Vec<usize>> = match rules.quota.backbone_share_level {
        BackboneLevel::School => schools.map(|p| vec![p]).collect(),
        BackboneLevel::District => {
            let mut m: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for p in schools {
                m.entry(data.schools[senders[p].school].district.as_str())
                    .or_default()
                    .push(p);
            }
            m.into_values().collect()
        }
        BackboneLevel::Plan => {
            let all: Vec<usize> = schools.collect();
            if all.is_empty() {
                Vec::new()
            } else {
                vec![all]
            }
        }
    };
    out.extend(leaders.iter().map(|&p| vec![p]));
    out
}
