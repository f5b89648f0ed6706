//! Pins in the year's optimization: who has a supply of their own, which receiving
//! schools need post groups of their own, which pins cannot hold (refused before the
//! solve, or by the solve), and what each pin costs.
//!
//! How pins enter the exact search (`search.rs`, `problem.rs`):
//! - `stay`: the teacher is left out of the supplies (eligibility reason
//!   `pinned_stay`); the school's quota still counts them (a pin never changes a rule's
//!   figures; its cost shows in `pins_cost.csv`).
//! - `not_to X`, `to X`, `move`: the teacher gets a supply of their own, and every
//!   school named by a `to`/`not_to` pin gets post groups of its own, so a supply's arc
//!   to a group is exactly "this teacher may fill these posts". `to X` keeps the arcs to
//!   X's groups only; `not_to X` drops those.
//! - `move`/`to` must move: their supply earns a reward W0 per teacher moved, above
//!   every other level (W0 > the whole range of the folded cost of levels (1), (2) and
//!   the tie-breaks), so the optimum moves as many pinned teachers as any plan can, and
//!   among those plans it is the lexicographic optimum. When the proven optimum leaves
//!   a pinned teacher at home, no plan can hold every pin: the pins are refused.
//!
//! Static refusals (before any solve) are those a single pin or a count shows:
//! the teacher not eligible, the pair not allowed, no allowed open post, more
//! `move`/`to` pins at a school than its cap, more `to X` pins than X's open posts.
//! All of them are necessary conditions of any plan holding the pins, so a refusal is
//! never wrong. Everything else (posts taken by other pins, `not_to` pins leaving no
//! post) is found by the solve.

use super::facts::YearFacts;
use super::pairs::pair_blocks;
use crate::eligibility::Verdict;
use crate::model::steering::{Pin, PinAction};
use crate::model::{Dataset, Id, School, Teacher};
use crate::rules::Rules;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the pins ask of one teacher with a supply of their own.
#[derive(Debug, Clone, Default)]
pub struct OwnSteer {
    /// Must move (`move` or `to`).
    pub forced: bool,
    /// `to` this school.
    pub to: Option<Id<School>>,
    /// `not_to` these schools.
    pub not_to: Vec<Id<School>>,
    /// Host schools that meet a steering level: (school, mask of
    /// `problem::LEVEL_KEPT` / `problem::wish_bit(rank)`), by school.
    pub targets: Vec<(Id<School>, u8)>,
}

/// The pins in force in one year, by teacher and school. `plan/problem.rs` turns the
/// ids into the solver's positions.
#[derive(Debug, Clone, Default)]
pub struct YearSteer {
    /// Teachers with a supply of their own.
    pub own: BTreeMap<Id<Teacher>, OwnSteer>,
    /// Receiving schools named by a `to`/`not_to` pin.
    pub special: BTreeSet<Id<School>>,
    /// Teachers pinned to stay: (row, note).
    pub stays: BTreeMap<Id<Teacher>, (u32, String)>,
}

/// Each teacher's id in the dataset by their id in the data.
fn teacher_index(data: &Dataset) -> HashMap<&str, Id<Teacher>> {
    data.teacher_ids()
        .zip(&data.teachers)
        .map(|(i, t)| (t.id.as_str(), i))
        .collect()
}

impl YearSteer {
    /// Indexes `pins` (those in force in the year). Pins naming unknown teachers or
    /// schools (impossible after loading) are skipped.
    pub fn new(data: &Dataset, pins: &[&Pin]) -> YearSteer {
        let teachers = teacher_index(data);
        let schools: HashMap<&str, Id<School>> = data.school_positions();
        let mut out = YearSteer::default();
        for p in pins {
            let Some(&ti) = teachers.get(p.teacher.as_str()) else {
                continue;
            };
            let school = p.action.school().and_then(|s| schools.get(s.as_str()));
            match &p.action {
                PinAction::Stay => {
                    out.stays.entry(ti).or_insert((p.row, p.note.clone()));
                }
                PinAction::Move => out.own.entry(ti).or_default().forced = true,
                PinAction::To(_) => {
                    let Some(&r) = school else { continue };
                    let o = out.own.entry(ti).or_default();
                    o.forced = true;
                    o.to = Some(r);
                    out.special.insert(r);
                }
                PinAction::NotTo(_) => {
                    let Some(&r) = school else { continue };
                    out.own.entry(ti).or_default().not_to.push(r);
                    out.special.insert(r);
                }
            }
        }
        out
    }

    /// Gives every eligible teacher with wishes or a previous move a supply of their
    /// own whose arcs to those schools carry the levels (3) and (4), and makes those
    /// schools special (groups of their own). A wish or previous move never adds an
    /// arc: it only marks arcs the rules and pins allow. Of several wishes of one
    /// teacher for one school the best rank counts.
    pub fn add_targets(&mut self, data: &Dataset, eligible: &[bool]) {
        let teachers = teacher_index(data);
        let schools: HashMap<&str, Id<School>> = data.school_positions();
        let mut marks: BTreeMap<(Id<Teacher>, Id<School>), u8> = BTreeMap::new();
        let mut mark = |t: &str, s: &str, bit: u8| {
            if let (Some(&ti), Some(&r)) = (teachers.get(t), schools.get(s)) {
                if eligible.get(ti.index()).copied().unwrap_or(false) {
                    *marks.entry((ti, r)).or_default() |= bit;
                }
            }
        };
        let mut best: BTreeMap<(&str, &str), u8> = BTreeMap::new();
        for w in &data.steering.wishes {
            let e = best
                .entry((w.teacher.as_str(), w.school.as_str()))
                .or_insert(w.rank);
            *e = (*e).min(w.rank);
        }
        for ((t, s), rank) in best {
            if (1..=crate::model::steering::MAX_WISH_RANK).contains(&rank) {
                mark(t, s, super::problem::wish_bit(rank));
            }
        }
        for p in data.steering.previous.iter().flatten() {
            mark(
                p.teacher.as_str(),
                p.to.as_str(),
                super::problem::LEVEL_KEPT,
            );
        }
        for ((ti, r), m) in marks {
            self.own.entry(ti).or_default().targets.push((r, m));
            self.special.insert(r);
        }
    }

    /// Whether teacher `ti`'s pins let them fill a post of a group with these member
    /// schools (the solver's school positions, with their open posts). A school named
    /// by a pin has groups of its own, so a group either is that school alone or does
    /// not contain it.
    pub fn admits(&self, ti: Id<Teacher>, members: &[(usize, u32)]) -> bool {
        let Some(o) = self.own.get(&ti) else {
            return true;
        };
        let to_ok =
            o.to.is_none_or(|x| members.iter().all(|&(r, _)| r == x.index()));
        let not_to_ok = members
            .iter()
            .all(|&(r, _)| !o.not_to.contains(&Id::new(r)));
        to_ok && not_to_ok
    }
}

/// A pin that cannot hold: the pin's row, the rule it would break, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRefusal {
    pub row: u32,
    pub teacher: String,
    pub action: &'static str,
    /// `not_eligible`, `allowed_pair`, `no_open_post`, `cap`, `open_posts`.
    pub rule: &'static str,
    pub detail: String,
}

impl std::fmt::Display for PinRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pins row {}: teacher {} `{}` cannot hold (rule {}): {}",
            self.row, self.teacher, self.action, self.rule, self.detail
        )
    }
}

fn refusal(p: &Pin, rule: &'static str, detail: String) -> PinRefusal {
    PinRefusal {
        row: p.row,
        teacher: p.teacher.as_str().to_string(),
        action: p.action.as_str(),
        rule,
        detail,
    }
}

/// The refusal of `to`/`move` pin `p` of a teacher of school `from` naming a school of
/// another district, when the plan sees only the teacher's district (`--shard`, which
/// requires `flow.same_district`): the refusal one whole run gives it.
pub fn other_district_refusal(p: &Pin, from: &str) -> PinRefusal {
    let x = p.action.school().map_or("", |s| s.as_str());
    refusal(
        p,
        "allowed_pair",
        format!(
            "{from} may not send to {x}: {}",
            block_text(&super::pairs::PairBlock::District)
        ),
    )
}

/// The refusals a pin or a count of pins shows before any solve. `verdicts` are the
/// rules' own (before `stay` pins).
pub fn static_refusals(
    data: &Dataset,
    rules: &Rules,
    facts: &YearFacts,
    verdicts: &[Verdict],
    pins: &[&Pin],
) -> Vec<PinRefusal> {
    let teachers = teacher_index(data);
    let mut out = Vec::new();
    // Forced pins per sending school (leaders under mandatory rotation excepted: they
    // have a sender of their own whose cap is their number).
    // (Several pins of one teacher count once: by teacher.)
    let mut forced_at: BTreeMap<Id<School>, BTreeMap<Id<Teacher>, &Pin>> = BTreeMap::new();
    let mut to_at: BTreeMap<Id<School>, BTreeMap<Id<Teacher>, &Pin>> = BTreeMap::new();
    for p in pins {
        if !p.action.forces_move() {
            continue;
        }
        let Some(&ti) = teachers.get(p.teacher.as_str()) else {
            continue;
        };
        let t = data.teacher(ti);
        // INVARIANT: `verdicts` has one row per teacher (`eligibility::assess`).
        let verdict = &verdicts[ti.index()];
        if !verdict.eligible() {
            let ids: Vec<&str> = verdict.reasons.iter().map(|r| r.id()).collect();
            out.push(refusal(
                p,
                "not_eligible",
                format!(
                    "the teacher is not eligible in {} ({}); a pin cannot move them",
                    facts.year,
                    ids.join(", ")
                ),
            ));
            continue;
        }
        let Some(&s) = facts.school_index.get(&t.school) else {
            continue;
        };
        let subject = rules.plan_subject(t);
        let open_at = |r: Id<School>| -> u32 {
            facts
                .open_posts
                .range((r, crate::model::Subject::new(""))..)
                .take_while(|((x, _), _)| *x == r)
                .filter(|((_, ps), _)| rules.post_fits(&subject, ps))
                .map(|(_, slots)| slots.iter().map(|x| x.1).sum::<u32>())
                .sum()
        };
        let from = &data.schools[s];
        match &p.action {
            PinAction::To(x) => {
                let Some(&r) = facts.school_index.get(x) else {
                    continue;
                };
                let blocks = pair_blocks(from, &data.schools[r], rules);
                if !blocks.is_empty() {
                    let why: Vec<String> = blocks.iter().map(block_text).collect();
                    out.push(refusal(
                        p,
                        "allowed_pair",
                        format!("{} may not send to {x}: {}", from.id, why.join("; ")),
                    ));
                    continue;
                }
                if open_at(r) == 0 {
                    out.push(refusal(
                        p,
                        "no_open_post",
                        format!("{x} has no open post of {subject} this year"),
                    ));
                    continue;
                }
                to_at.entry(r).or_default().entry(ti).or_insert(p);
            }
            PinAction::Move => {
                let any = facts.open_posts.iter().any(|((r, ps), slots)| {
                    rules.post_fits(&subject, ps)
                        && slots.iter().any(|x| x.1 > 0)
                        && pair_blocks(from, &data.schools[*r], rules).is_empty()
                });
                if !any {
                    out.push(refusal(
                        p,
                        "no_open_post",
                        format!(
                            "no school {} may send to has an open post of {subject}",
                            from.id
                        ),
                    ));
                    continue;
                }
            }
            PinAction::Stay | PinAction::NotTo(_) => continue,
        }
        let leader = rules.mandatory_leaders() && rules.leader_role(t).is_some();
        if !leader {
            forced_at.entry(s).or_default().entry(ti).or_insert(p);
        }
    }
    for (s, list) in forced_at {
        let cap = facts.schools[s].cap as usize;
        let mut by_row: Vec<&Pin> = list.values().copied().collect();
        by_row.sort_by_key(|p| p.row);
        for p in by_row.iter().skip(cap) {
            out.push(refusal(
                p,
                "cap",
                format!(
                    "{} pins at {} must move teachers, more than the school may send this \
                     year (cap {cap})",
                    list.len(),
                    data.schools[s].id
                ),
            ));
        }
    }
    for (r, list) in to_at {
        let open: u32 = facts
            .open_posts
            .range((r, crate::model::Subject::new(""))..)
            .take_while(|((x, _), _)| *x == r)
            .filter(|((_, ps), _)| {
                list.keys()
                    .any(|&ti| rules.post_fits(&rules.plan_subject(data.teacher(ti)), ps))
            })
            .map(|(_, slots)| slots.iter().map(|x| x.1).sum::<u32>())
            .sum();
        let mut by_row: Vec<&Pin> = list.values().copied().collect();
        by_row.sort_by_key(|p| p.row);
        for p in by_row.iter().skip(open as usize) {
            out.push(refusal(
                p,
                "open_posts",
                format!(
                    "{} pins send teachers to {}, which has {open} open post(s) they fit",
                    list.len(),
                    data.schools[r].id
                ),
            ));
        }
    }
    out.sort_by_key(|r| r.row);
    out
}

/// A pair rule's key and what it found, for a refusal.
fn block_text(b: &super::pairs::PairBlock) -> String {
    use super::pairs::PairBlock::*;
    match b {
        SameSchool => "it is the teacher's own school".to_string(),
        Stage { from, to } => format!("flow.stage_match ({from} to {to})"),
        Direction { from, to } => format!("flow.directions ({from} to {to})"),
        District => "flow.same_district (another district)".to_string(),
        Distance { km, max } => format!("flow.max_distance_km ({km:.1} km > {max})"),
    }
}

/// The refusals of forced pins the proven optimum could not honour.
pub fn unplaced_refusals(
    data: &Dataset,
    pins: &[&Pin],
    moved: &BTreeSet<Id<Teacher>>,
) -> Vec<PinRefusal> {
    let teachers = teacher_index(data);
    let forced: Vec<&&Pin> = pins.iter().filter(|p| p.action.forces_move()).collect();
    forced
        .iter()
        .filter(|p| {
            teachers
                .get(p.teacher.as_str())
                .is_some_and(|ti| !moved.contains(ti))
        })
        .map(|p| {
            let others: Vec<String> = forced
                .iter()
                .filter(|q| q.row != p.row)
                .map(|q| q.row.to_string())
                .collect();
            let detail = if others.is_empty() {
                "no plan moves this teacher: every allowed open post is out of reach under the \
                 other pins and the sending caps"
                    .to_string()
            } else {
                format!(
                    "no plan moves every teacher pinned to move: while the pins on rows {} hold, \
                     no allowed open post within the sending cap is left for this one",
                    others.join(", ")
                )
            };
            refusal(p, "no_open_post", detail)
        })
        .collect()
}
