//! Steering a plan: pins (`pins.csv`) that fix what happens to one teacher, and
//! wishes (`wishes.csv`) that rank the schools a teacher would like to go to.
//!
//! A pin is an order from HR staff and binds the optimizer: `stay` keeps a teacher at
//! home, `move` sends them somewhere allowed, `to X` sends them to school X, `not_to X`
//! keeps them away from X. A pin with a year applies to that plan year only; without
//! one it applies to every year. A wish never binds: it only ranks the plans that are
//! equally good on the levels above it.

use super::{SchoolId, TeacherId};

/// What a pin asks for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PinAction {
    /// 留任: not moved.
    Stay,
    /// 必须交流: moved, to some allowed open post.
    Move,
    /// 指定学校: moved to this school.
    To(SchoolId),
    /// 不去: never moved to this school.
    NotTo(SchoolId),
}

impl PinAction {
    /// The action's word in `pins.csv` and in outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            PinAction::Stay => "stay",
            PinAction::Move => "move",
            PinAction::To(_) => "to",
            PinAction::NotTo(_) => "not_to",
        }
    }

    /// The school named by a `to` or `not_to` pin.
    pub fn school(&self) -> Option<&SchoolId> {
        match self {
            PinAction::To(s) | PinAction::NotTo(s) => Some(s),
            PinAction::Stay | PinAction::Move => None,
        }
    }

    /// Whether the pin forces a move (`move`, `to`).
    pub fn forces_move(&self) -> bool {
        matches!(self, PinAction::Move | PinAction::To(_))
    }
}

/// One row of `pins.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The spreadsheet row (header = 1), to name the pin in messages and outputs.
    pub row: u32,
    pub teacher: TeacherId,
    pub action: PinAction,
    /// The plan year it applies to; `None`: every year.
    pub year: Option<i32>,
    pub note: String,
}

impl Pin {
    /// Whether the pin applies in plan year `year`.
    pub fn in_force(&self, year: i32) -> bool {
        self.year.is_none_or(|y| y == year)
    }
}

/// One row of `wishes.csv`: the teacher's `rank`-th choice of host school (1 = first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wish {
    pub teacher: TeacherId,
    pub rank: u8,
    pub school: SchoolId,
}

/// Highest wish rank.
pub const MAX_WISH_RANK: u8 = 5;

/// One move of an earlier plan (`--previous`): the teacher and the host school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousMove {
    /// The row of the previous plan file (header = 1).
    pub row: u32,
    pub teacher: TeacherId,
    pub to: SchoolId,
}

/// The pins and wishes of a data folder, in file order, and the previous plan's
/// moves when one is given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Steering {
    pub pins: Vec<Pin>,
    pub wishes: Vec<Wish>,
    /// The moves of `--previous`, in file order; `None` without it.
    pub previous: Option<Vec<PreviousMove>>,
}

impl Steering {
    /// The pins that apply in plan year `year`, in file order.
    pub fn pins_for(&self, year: i32) -> Vec<&Pin> {
        self.pins.iter().filter(|p| p.in_force(year)).collect()
    }

    /// Moved teachers placed at their rank-1 … rank-5 wish, given the plan's moves
    /// as (teacher, host school).
    pub fn wishes_met<'a>(
        &self,
        moves: impl Iterator<Item = (&'a TeacherId, &'a SchoolId)>,
    ) -> [u64; 5] {
        let mut out = [0u64; 5];
        if self.wishes.is_empty() {
            return out;
        }
        let rank: std::collections::HashMap<(&TeacherId, &SchoolId), u8> = self
            .wishes
            .iter()
            .map(|w| ((&w.teacher, &w.school), w.rank))
            .collect();
        for key in moves {
            if let Some(&k) = rank.get(&key) {
                if (1..=MAX_WISH_RANK).contains(&k) {
                    out[usize::from(k - 1)] += 1;
                }
            }
        }
        out
    }

    /// Previous moves kept by a plan of these (teacher, host school) moves; `None`
    /// without a previous plan.
    pub fn kept<'a>(
        &self,
        moves: impl Iterator<Item = (&'a TeacherId, &'a SchoolId)>,
    ) -> Option<u64> {
        let prev = self.previous.as_ref()?;
        let set: std::collections::HashSet<(&TeacherId, &SchoolId)> =
            prev.iter().map(|p| (&p.teacher, &p.to)).collect();
        Some(moves.filter(|k| set.contains(k)).count() as u64)
    }

    /// Whether there is nothing to steer by.
    pub fn is_empty(&self) -> bool {
        self.pins.is_empty() && self.wishes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(row: u32, action: PinAction, year: Option<i32>) -> Pin {
        Pin {
            row,
            teacher: TeacherId::from("T1"),
            action,
            year,
            note: String::new(),
        }
    }

    #[test]
    fn pins_in_force_follow_their_year() {
        let s = Steering {
            pins: vec![
                pin(2, PinAction::Stay, None),
                pin(3, PinAction::Move, Some(2022)),
                pin(4, PinAction::NotTo(SchoolId::from("S9")), Some(2023)),
            ],
            wishes: Vec::new(),
            previous: None,
        };
        let rows = |y| s.pins_for(y).iter().map(|p| p.row).collect::<Vec<_>>();
        assert_eq!(rows(2022), vec![2, 3]);
        assert_eq!(rows(2023), vec![2, 4]);
        assert_eq!(rows(2021), vec![2]);
        assert!(PinAction::To(SchoolId::from("S1")).forces_move());
        assert!(!PinAction::NotTo(SchoolId::from("S1")).forces_move());
        assert_eq!(PinAction::NotTo(SchoolId::from("S1")).as_str(), "not_to");
    }
}
