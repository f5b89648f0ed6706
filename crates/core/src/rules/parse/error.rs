//! The errors of a rule set: one [`RuleError`] per problem, each with its file, line,
//! key, value as written and a help text; [`RuleErrors`] holds all of them.

use std::fmt;

/// What kind of problem a [`RuleError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleErrorKind {
    /// The file could not be read.
    Io,
    /// Not valid TOML.
    Syntax,
    /// A table or key the rules do not define.
    UnknownKey,
    /// A value of the wrong TOML type (a string where a number is expected, …).
    WrongType,
    /// A number outside its allowed range, or two values that contradict each other.
    OutOfRange,
    /// A value of the right type that is not allowed (an unknown locality, a bad date).
    BadValue,
    /// A required key is missing (`id` or `when` of an exclusion).
    Missing,
    /// A custom exclusion's expression does not compile.
    BadExpression,
    /// Something the rules do not support (`--set eligibility.exclude=…`).
    Unsupported,
}

/// One problem in a rule file or a `--set` override.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    /// The file (as given), or `--set` for an override.
    pub file: String,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// Dotted key, e.g. `quota.min_share_of_eligible`; empty for a syntax error.
    pub key: String,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    pub message: String,
    pub help: Option<String>,
    pub kind: RuleErrorKind,
}

impl fmt::Display for RuleError {
    /// `rules/x.toml:12: quota.min_share_of_eligible = 1.5: a share must be between 0
    /// and 1`, then `\n  help: …` when there is help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if !self.key.is_empty() {
            write!(f, "{}", self.key)?;
            if let Some(v) = &self.value {
                write!(f, " = {v}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleError {}

/// Every problem found in a rule set, in file order, then the overrides'.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl RuleErrors {
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, RuleError> {
        self.0.iter()
    }
}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}
