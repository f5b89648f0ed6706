//! Checks a plan against the pins, on nothing but ids: which teacher goes to which
//! school. It shares nothing with the solver's model (no supplies, no groups, no
//! indices), so a plan the solver got wrong is caught here.

use crate::model::steering::{Pin, PinAction};
use std::collections::HashMap;
use std::fmt;

/// A pin the plan does not keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinViolation {
    /// `pin_stay`, `pin_move`, `pin_to` or `pin_not_to`.
    pub rule: &'static str,
    /// The pin's row in the pins file.
    pub row: u32,
    pub teacher: String,
    pub detail: String,
}

impl fmt::Display for PinViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (pins row {}): teacher {}: {}",
            self.rule, self.row, self.teacher, self.detail
        )
    }
}

/// Every pin in force in `year` that the plan `moves` ((teacher id, host school id)
/// per move) breaks, in pin row order.
pub fn check_pins(pins: &[Pin], year: i32, moves: &[(&str, &str)]) -> Vec<PinViolation> {
    let host: HashMap<&str, &str> = moves.iter().copied().collect();
    let mut out = Vec::new();
    for p in pins.iter().filter(|p| p.in_force(year)) {
        let t = p.teacher.as_str();
        let to = host.get(t).copied();
        let broken = match (&p.action, to) {
            (PinAction::Stay, Some(r)) => {
                Some(("pin_stay", format!("pinned to stay, moved to {r}")))
            }
            (PinAction::Move, None) => Some(("pin_move", "pinned to move, not moved".to_string())),
            (PinAction::To(x), None) => Some(("pin_to", format!("pinned to {x}, not moved"))),
            (PinAction::To(x), Some(r)) if r != x.as_str() => {
                Some(("pin_to", format!("pinned to {x}, moved to {r}")))
            }
            (PinAction::NotTo(x), Some(r)) if r == x.as_str() => Some((
                "pin_not_to",
                format!("pinned not to go to {x}, moved there"),
            )),
            _ => None,
        };
        if let Some((rule, detail)) = broken {
            out.push(PinViolation {
                rule,
                row: p.row,
                teacher: t.to_string(),
                detail,
            });
        }
    }
    out.sort_by_key(|v| v.row);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SchoolId, TeacherId};

    fn pin(row: u32, teacher: &str, action: PinAction) -> Pin {
        Pin {
            row,
            teacher: TeacherId::from(teacher),
            action,
            year: None,
            note: String::new(),
        }
    }

    #[test]
    fn each_kind_of_broken_pin_is_found_and_kept_pins_are_not() {
        let s = |x: &str| SchoolId::from(x);
        let pins = vec![
            pin(2, "A", PinAction::Stay),
            pin(3, "B", PinAction::Move),
            pin(4, "C", PinAction::To(s("R1"))),
            pin(5, "D", PinAction::To(s("R1"))),
            pin(6, "E", PinAction::NotTo(s("R2"))),
            pin(7, "F", PinAction::NotTo(s("R2"))),
            pin(8, "G", PinAction::Stay),
            pin(9, "H", PinAction::Move),
            pin(10, "I", PinAction::To(s("R1"))),
        ];
        let moves = [
            ("A", "R1"),
            ("D", "R2"),
            ("E", "R2"),
            ("F", "R1"),
            ("H", "R3"),
            ("I", "R1"),
        ];
        let v = check_pins(&pins, 2021, &moves);
        let got: Vec<(&str, u32)> = v.iter().map(|x| (x.rule, x.row)).collect();
        assert_eq!(
            got,
            vec![
                ("pin_stay", 2),
                ("pin_move", 3),
                ("pin_to", 4),
                ("pin_to", 5),
                ("pin_not_to", 6)
            ]
        );
        // A pin of another year is not in force.
        let mut later = pin(11, "A", PinAction::Stay);
        later.year = Some(2022);
        assert!(check_pins(&[later], 2021, &moves).is_empty());
    }
}
