//! `--previous`: what the new plan does with each move of an earlier plan (kept,
//! dropped, changed) and which moves it adds, with a reason for every dropped or
//! changed move.
//!
//! A previous move is *kept* when the new plan moves the same teacher to the same host
//! school (objective level (3) maximises their number). The reason of a dropped or
//! changed move is the first rule the previous move breaks against this year's data,
//! found by the independent checker (`verify::check_rows` on the previous moves
//! alone, their year, term and form ignored; then the pins in force): a hard-rule id
//! (`not_eligible`, `pair_distance`, `post_overfilled`, …) or a pin's (`pin_stay`,
//! `pin_not_to`, …). A previous move that breaks no rule was given up for a better
//! plan on levels (1) and (2), or lost to another kept move: `reoptimised`.

use crate::model::steering::PreviousMove;
use crate::model::Move;
use crate::model::PlanRow;
use crate::model::{Dataset, Id, LedgerEntry, SchoolId, Teacher, TeacherId};
use crate::rules::Rules;
use crate::verify;
use std::collections::{BTreeMap, HashMap};

/// What happened to one teacher's previous move, or a move the new plan adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Same teacher, same host school.
    Kept,
    /// Moved now, not in the previous plan.
    Added,
    /// In the previous plan, not moved now.
    Dropped,
    /// Moved now to another host school.
    Changed,
}

impl ChangeKind {
    /// The word of `changes.csv` `change`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Kept => "kept",
            ChangeKind::Added => "added",
            ChangeKind::Dropped => "dropped",
            ChangeKind::Changed => "changed",
        }
    }

    pub const ALL: [ChangeKind; 4] = [
        ChangeKind::Kept,
        ChangeKind::Added,
        ChangeKind::Dropped,
        ChangeKind::Changed,
    ];
}

/// Why a previous move was dropped or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeReason {
    /// Kept or added: no reason is given.
    None,
    /// The previous move breaks this rule now: the checker's rule id and its sentence.
    Rule { rule: String, detail: String },
    /// The previous move still holds every rule; the optimum gave it up.
    Reoptimised,
}

impl ChangeReason {
    /// The word of `changes.csv` `reason`.
    pub fn as_str(&self) -> &str {
        match self {
            ChangeReason::None => "",
            ChangeReason::Rule { rule, .. } => rule,
            ChangeReason::Reoptimised => "reoptimised",
        }
    }
}

/// One row of `changes.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub teacher: TeacherId,
    /// The teacher in the data (`None`: not on this year's roster).
    pub index: Option<Id<Teacher>>,
    /// The host school of the previous plan (empty for `added`).
    pub previous_to: Option<SchoolId>,
    /// The host school of the new plan (empty for `dropped`).
    pub to: Option<SchoolId>,
    pub kind: ChangeKind,
    pub reason: ChangeReason,
}

/// The changes from `previous` to the plan `moves` of `year`, sorted by teacher id.
/// A teacher listed twice in the previous plan counts once: by the row the new plan
/// keeps, if it keeps one, else by the first row (so that the `kept` rows are the
/// previous moves kept, as `summary.json` `kept` and objective level (3) count them).
pub fn changes(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
    previous: &[PreviousMove],
    moves: &[Move],
) -> Vec<Change> {
    let now: HashMap<&str, &SchoolId> = moves
        .iter()
        .map(|m| (data.teachers[m.teacher].id.as_str(), &data.schools[m.to].id))
        .collect();
    let broken = broken_rules(data, rules, year, ledger, previous);
    let index: HashMap<&str, usize> = data
        .teachers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut out: BTreeMap<&str, Change> = BTreeMap::new();
    // Each teacher's row (index in `previous`): the first one the new plan keeps, else
    // the first one.
    let keeps = |p: &PreviousMove| now.get(p.teacher.as_str()) == Some(&&p.to);
    let mut row_of: HashMap<&str, usize> = HashMap::new();
    for (i, p) in previous.iter().enumerate() {
        let e = row_of.entry(p.teacher.as_str()).or_insert(i);
        if keeps(p) && !keeps(&previous[*e]) {
            *e = i;
        }
    }
    for (i, p) in previous.iter().enumerate() {
        if row_of.get(p.teacher.as_str()) != Some(&i) {
            continue;
        }
        let to = now.get(p.teacher.as_str()).copied();
        let kind = match to {
            Some(r) if *r == p.to => ChangeKind::Kept,
            Some(_) => ChangeKind::Changed,
            None => ChangeKind::Dropped,
        };
        let reason = match kind {
            ChangeKind::Kept | ChangeKind::Added => ChangeReason::None,
            _ => broken
                .get(&p.row)
                .cloned()
                .unwrap_or(ChangeReason::Reoptimised),
        };
        out.insert(
            p.teacher.as_str(),
            Change {
                teacher: p.teacher.clone(),
                index: index.get(p.teacher.as_str()).map(|&i| Id::new(i)),
                previous_to: Some(p.to.clone()),
                to: to.cloned(),
                kind,
                reason,
            },
        );
    }
    for m in moves {
        let t = &data.teachers[m.teacher].id;
        out.entry(t.as_str()).or_insert_with(|| Change {
            teacher: t.clone(),
            index: Some(m.teacher),
            previous_to: None,
            to: Some(data.schools[m.to].id.clone()),
            kind: ChangeKind::Added,
            reason: ChangeReason::None,
        });
    }
    out.into_values().collect()
}

/// The first rule each previous move (by its row) breaks against this year's data.
fn broken_rules(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
    previous: &[PreviousMove],
) -> HashMap<u32, ChangeReason> {
    // The moves alone: their year, term and form belong to the earlier plan.
    let rows: Vec<PlanRow> = previous
        .iter()
        .map(|p| PlanRow {
            plan_row: p.row as usize,
            teacher_id: p.teacher.clone(),
            to_school: p.to.clone(),
            from_school: None,
            subject: None,
            form: None,
            start_year: None,
            end_year: None,
        })
        .collect();
    let checked = verify::check_rows(data, rules, year, ledger, &rows);
    let placed: Vec<(&str, &str)> = previous
        .iter()
        .map(|p| (p.teacher.as_str(), p.to.as_str()))
        .collect();
    let pins = verify::pins::check_pins(&data.steering.pins, year, &placed)
        .into_iter()
        .map(|p| verify::Violation::from_pin(p, &rows));
    // The teacher's own rules first (pins, then the row's rules in the order they are
    // checked); a post or cap overfilled by the previous plan as a whole only when
    // nothing about the teacher changed.
    let mut out: HashMap<u32, (u8, ChangeReason)> = HashMap::new();
    for v in pins.chain(checked.violations) {
        let Some(row) = v.plan_row.and_then(|r| u32::try_from(r).ok()) else {
            continue;
        };
        let rank = u8::from(matches!(v.rule(), "post_overfilled" | "school_cap"));
        let reason = ChangeReason::Rule {
            rule: v.rule().to_string(),
            detail: v.detail(),
        };
        match out.get(&row) {
            Some((r, _)) if *r <= rank => {}
            _ => {
                out.insert(row, (rank, reason));
            }
        }
    }
    out.into_iter().map(|(row, (_, r))| (row, r)).collect()
}

/// Counts by kind, in [`ChangeKind::ALL`] order.
pub fn counts(changes: &[Change]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for c in changes {
        out[ChangeKind::ALL
            .iter()
            .position(|k| *k == c.kind)
            .unwrap_or(0)] += 1;
    }
    out
}

impl Change {
    /// The row of changes.csv: teacher_id, previous_to_school, to_school, change,
    /// reason; the teacher's id as `shown` writes it (a pseudonym when redacting: the
    /// same teachers in the same order as the data planned).
    pub fn cells(&self, shown: &Dataset) -> Vec<String> {
        let id = self
            .index
            .and_then(|i| shown.teachers.get(i.index()))
            .map_or_else(|| self.teacher.to_string(), |t| t.id.to_string());
        vec![
            id,
            self.previous_to
                .as_ref()
                .map_or(String::new(), ToString::to_string),
            self.to.as_ref().map_or(String::new(), ToString::to_string),
            self.kind.as_str().to_string(),
            self.reason.as_str().to_string(),
        ]
    }
}
