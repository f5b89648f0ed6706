//! Why solving a year's components failed, one variant per kind of failure. Each is
//! reported as `the solver failed: …` ([`super::PlanError::Solver`]); the variants a
//! user can act on say what to do in their words.

/// A component (or the year) the solvers could not give a plan for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolverError {
    /// The MILP found no plan within its node budget (a deterministic work budget).
    #[error("solver failed: no plan within its node budget")]
    NoPlanWithinBudget,
    /// The MILP backend stopped with an error of its own (e.g. an infeasible model).
    #[error("solver failed: {0}")]
    Backend(::microlp::Error),
    /// The MILP's rounded flows do not add up for one supply: the answer is reported,
    /// never turned into a plan.
    #[error("the solver returned unbalanced flows ({classes} ≠ {arcs}) for supply {supply}")]
    Unbalanced {
        /// The supply's position in its component.
        supply: usize,
        /// The supply's flow summed over its classes.
        classes: u32,
        /// The supply's flow summed over its arcs.
        arcs: u32,
    },
    /// The lexicographic MILP left its loop over the three levels without returning
    /// (cannot happen: the third level always returns).
    #[error("unreachable: three levels always return")]
    LevelsExhausted,
    /// A steered component's costs do not fit exact 128-bit integers, so neither
    /// solver takes it.
    #[error(
        "the pins, wishes and previous moves of one component are too many for exact \
         128-bit costs"
    )]
    SteeringTooLarge,
    /// `move`, `to` or `not_to` pins under `--method seniority`.
    #[error(
        "the seniority method does not take `move`, `to` or `not_to` pins; plan with \
         --method optimal"
    )]
    SeniorityPins,
    /// The search stopped at its work budget before it placed every teacher pinned to
    /// move (`rows`: the pins file's rows).
    #[error(
        "the search stopped (time limit) before it placed every teacher pinned to move \
         (pins rows {}); raise --time-limit",
        rows.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    PinsUnplaced { rows: Vec<u32> },
    /// The run's cancel flag was set before this component was solved.
    #[error("the plan was cancelled")]
    Cancelled,
}

#[cfg(test)]
mod tests {
    use super::SolverError;

    /// The words a user reads, as they were when these errors were strings.
    #[test]
    fn messages_keep_their_words() {
        assert_eq!(
            SolverError::PinsUnplaced { rows: vec![3, 7] }.to_string(),
            "the search stopped (time limit) before it placed every teacher pinned to move \
             (pins rows 3, 7); raise --time-limit"
        );
        assert_eq!(
            SolverError::SeniorityPins.to_string(),
            "the seniority method does not take `move`, `to` or `not_to` pins; plan with \
             --method optimal"
        );
        assert_eq!(
            SolverError::Unbalanced {
                supply: 4,
                classes: 2,
                arcs: 3
            }
            .to_string(),
            "the solver returned unbalanced flows (2 ≠ 3) for supply 4"
        );
        assert_eq!(
            SolverError::NoPlanWithinBudget.to_string(),
            "solver failed: no plan within its node budget"
        );
    }
}
