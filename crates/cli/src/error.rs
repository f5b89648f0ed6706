//! The command line's own errors: flag values that do not parse, a year outside the
//! plan period, a command line the server's workers cannot run. Each message is the
//! sentence the user reads after `error: ` (clap adds its own lead for flag values)
//! and says what to write instead.

use crate::common::FLAG_YEARS;

/// What `--time-limit` takes (the help of [`FlagError::NotSeconds`] and
/// [`FlagError::SecondsOutOfRange`]).
const SECONDS_HELP: &str =
    "expected a number of seconds greater than 0, such as 120 (at most 604800, a week)";

/// A flag value that does not parse; `value` is as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    /// `--time-limit` that is not a number.
    #[error("`{value}` is not a number; {SECONDS_HELP}")]
    NotSeconds { value: String },
    /// `--time-limit` that is 0 or less, infinite or over a week.
    #[error("`{value}` is out of range; {SECONDS_HELP}")]
    SecondsOutOfRange { value: String },
    /// `--year` that is not a whole number.
    #[error("`{value}` is not a whole year; {}", year_help())]
    NotAYear { value: String },
    /// `--year` outside [`FLAG_YEARS`].
    #[error("`{value}` is out of range; {}", year_help())]
    YearOutOfRange { value: String },
    /// `gen --years` that is not `FIRST-LAST` within 1900–2100 and 50 years.
    #[error("expected a year range such as 2026-2030, got `{value}`")]
    YearRange { value: String },
    /// A `--probe-shares` value off the 0.005 grid or outside (0, 1].
    #[error("--probe-shares {value:?}: expected a share on the 0.005 grid in (0, 1], e.g. 0.35")]
    ProbeShare { value: String },
}

/// What `--year` takes.
fn year_help() -> String {
    let (lo, hi) = FLAG_YEARS;
    format!("expected a whole year between {lo} and {hi}, such as 2021")
}

/// A plan year given on the command line outside the rules' plan period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--year {year} is outside the plan period of {rule_set} ({first}–{last}, [plan] first_year \
     and last_year); give a year in the period, or add --any-year to plan that year anyway"
)]
pub struct OutsidePeriod {
    pub year: i32,
    /// The rule set, as the rules name their source.
    pub rule_set: String,
    pub first: i32,
    pub last: i32,
}

/// A command line the server's workers were given that they do not run.
#[derive(Debug, thiserror::Error)]
pub enum CommandLineError {
    /// A command line that parses, but not as `rotaplan plan`.
    #[error("not a plan command")]
    NotPlan,
    /// A command line that parses, but not as `horizon`, `compare` or `progress`.
    #[error("not a horizon, compare or progress command")]
    NotView,
    /// A command line clap refuses, in clap's words (which end with its help).
    #[error("{0}")]
    Refused(#[from] clap::Error),
}

impl CommandLineError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            CommandLineError::NotPlan | CommandLineError::NotView => {
                "the server builds these command lines itself; report it"
            }
            CommandLineError::Refused(_) => "correct the plan's settings and run it again",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words a user reads, as they were when these errors were strings.
    #[test]
    fn messages_keep_their_words() {
        assert_eq!(
            FlagError::NotSeconds {
                value: "abc".into()
            }
            .to_string(),
            "`abc` is not a number; expected a number of seconds greater than 0, such as 120 \
             (at most 604800, a week)"
        );
        assert_eq!(
            FlagError::YearOutOfRange {
                value: "2101".into()
            }
            .to_string(),
            "`2101` is out of range; expected a whole year between 1900 and 2100, such as 2021"
        );
        assert_eq!(
            FlagError::YearRange { value: "x".into() }.to_string(),
            "expected a year range such as 2026-2030, got `x`"
        );
        assert_eq!(
            OutsidePeriod {
                year: 2040,
                rule_set: "rules.toml".into(),
                first: 2021,
                last: 2025
            }
            .to_string(),
            "--year 2040 is outside the plan period of rules.toml (2021–2025, [plan] first_year \
             and last_year); give a year in the period, or add --any-year to plan that year \
             anyway"
        );
        assert_eq!(CommandLineError::NotPlan.to_string(), "not a plan command");
    }
}
