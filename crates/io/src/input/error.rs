//! Input problems, worded for the person who fixes the spreadsheet: each one names the
//! file, the spreadsheet row, the column as it is headed in that file and the offending
//! value, so it can be found and fixed without knowing anything about rotaplan.

use std::fmt;

/// What is wrong with one file, row or cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputErrorKind {
    /// A required file could not be found.
    #[error("required file is missing: {detail}")]
    MissingFile { detail: String },
    /// The file exists but could not be read (I/O, a broken spreadsheet, bad CSV).
    #[error("cannot read the file: {reason}")]
    Unreadable { reason: String },
    /// The file has no header row at all.
    #[error("the file is empty: expected a header row with the columns {expected}")]
    NoHeader { expected: String },
    /// A required column is not in the header row.
    #[error("missing required column {english} ({chinese}){hint}; the header row has: {found}")]
    MissingColumn {
        english: String,
        chinese: String,
        /// `; column C "工号（必填）" looks like it: rename it to 工号`, or empty.
        hint: String,
        /// The headers found, with their column letters.
        found: String,
    },
    /// Two header cells name the same column (perhaps once in English, once in Chinese).
    #[error("this column appears twice in the header (first as {first})")]
    DuplicateColumn { first: String },
    /// A required value is empty.
    #[error("a value is required here but the cell is empty")]
    Empty,
    /// The value is not of the expected form or out of range.
    #[error("expected {expected}")]
    BadValue { expected: String },
    /// An id that must be unique was already used.
    #[error("duplicate: this id was already used on row {first_row}")]
    Duplicate { first_row: usize },
    /// A reference to a row of another file that does not exist.
    #[error("no such {what}")]
    UnknownReference { what: String },
    /// Values of one row contradict each other.
    #[error("{detail}")]
    Inconsistent { detail: String },
    /// An id holding a character that does not show: it would never match the same
    /// id typed elsewhere.
    #[error(
        "the id contains an invisible character, {code} ({name}), at character {position}; \
         delete it (it usually comes from copying from a web page or a chat message)"
    )]
    InvisibleCharacter {
        code: String,
        name: &'static str,
        position: usize,
    },
    /// A value longer than a spreadsheet cell can hold.
    #[error(
        "the value is {chars} characters long; a workbook cell holds at most 32,767, so \
         the plan could not be written to plan.xlsx: shorten it"
    )]
    TooLong { chars: usize },
    /// One row's value that is a known word read in the wrong encoding; collected
    /// into one [`InputErrorKind::WrongEncoding`] per file.
    #[error("the value looks garbled{}", match was { Some(w) => format!(" (it reads as \"{w}\" in another encoding)"), None => String::new() })]
    Misread { was: Option<String> },
    /// Many values of a file are known words read in the wrong encoding: one message
    /// for the file, not one per row.
    #[error(
        "the file's text encoding looks wrong: {count} value(s) in {columns} are garbled \
         ({example}); save the file as UTF-8 (Excel: Save As → \"CSV UTF-8\") or as GBK, \
         and load it again"
    )]
    WrongEncoding {
        count: usize,
        columns: String,
        example: String,
    },
    /// A ledger exchange from a school to that same school.
    #[error(
        "the exchange goes from school {school} to itself; to_school must be the receiving \
         school, another school than from_school"
    )]
    SelfExchange { school: String },
    /// A ledger row repeating an earlier one (same teacher, schools, subject, form and
    /// term), which would count one exchange twice.
    #[error(
        "this exchange repeats row {first_row} (same teacher, schools, subject, form and \
         term); delete one of the two rows"
    )]
    DuplicateExchange { first_row: usize },
    /// Two non-cancelled ledger exchanges of one teacher whose terms overlap.
    #[error(
        "teacher {teacher} is already on the exchange of row {first_row} ({first_term}) \
         during this term ({term}); a teacher is on one exchange at a time: correct a year, \
         or set the status of the one that did not happen to cancelled"
    )]
    OverlappingExchange {
        teacher: String,
        first_row: usize,
        first_term: String,
        term: String,
    },
    /// A ledger exchange whose sending school is not the teacher's school at the time.
    #[error(
        "teacher {teacher} is at school {roster_school} in teachers.csv ({why}), so an \
         exchange {term} leaves from {roster_school}; correct from_school, or the teacher's \
         school_id or joined_school_year"
    )]
    WrongSendingSchool {
        teacher: String,
        roster_school: String,
        term: String,
        why: String,
    },
}

/// One problem in the input data.
///
/// `row` uses spreadsheet numbering: the header is row 1 and the first data row is
/// row 2, exactly as Excel or WPS shows the file (blank lines count as rows, a quoted
/// cell spanning several lines does not add rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file as given or resolved, e.g. `data/teachers.csv`.
    pub file: String,
    pub row: Option<usize>,
    /// The column as headed in the file, followed by its English name in parentheses
    /// when the header was a Chinese alias, e.g. `出生年份 (birth_year)`.
    pub column: Option<String>,
    pub value: Option<String>,
    pub kind: InputErrorKind,
}

/// Values are echoed back for orientation, not for completeness: a runaway cell (a
/// whole file pasted into one field) must not swamp the report.
const MAX_VALUE_CHARS: usize = 80;

pub(crate) fn shorten(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        None => value.to_string(),
        Some((cut, _)) => format!("{}…", value.get(..cut).unwrap_or(value)),
    }
}

impl InputError {
    /// A problem with the file as a whole.
    pub(crate) fn file(file: &str, kind: InputErrorKind) -> InputError {
        InputError {
            file: file.to_string(),
            row: None,
            column: None,
            value: None,
            kind,
        }
    }

    /// A problem at one row, optionally at one cell.
    pub(crate) fn at(
        file: &str,
        row: usize,
        column: Option<&str>,
        value: Option<&str>,
        kind: InputErrorKind,
    ) -> InputError {
        InputError {
            file: file.to_string(),
            row: Some(row),
            column: column.map(str::to_string),
            value: value.map(shorten),
            kind,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        let mut sep = "";
        if let Some(row) = self.row {
            write!(f, "row {row}")?;
            sep = ", ";
        }
        if let Some(col) = &self.column {
            write!(f, "{sep}column {col}")?;
            sep = ", ";
        }
        if let Some(v) = &self.value {
            write!(f, "{sep}value \"{v}\"")?;
            sep = ", ";
        }
        if !sep.is_empty() {
            f.write_str(": ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for InputError {}

/// Every problem found in a data folder, in file order (schools, teachers, needs,
/// ledger, evaluators) and by row within a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_the_brief() {
        let e = InputError::at(
            "teachers.csv",
            7,
            Some("birth_year"),
            Some("19x2"),
            InputErrorKind::BadValue {
                expected: "a whole year such as 1980".into(),
            },
        );
        assert_eq!(
            e.to_string(),
            "teachers.csv: row 7, column birth_year, value \"19x2\": expected a whole year such as 1980"
        );
        let f = InputError::file(
            "d/schools.csv",
            InputErrorKind::MissingFile {
                detail: "no such file".into(),
            },
        );
        assert_eq!(
            f.to_string(),
            "d/schools.csv: required file is missing: no such file"
        );
        let both = InputErrors(vec![e, f]);
        assert_eq!(both.to_string().lines().count(), 2);
    }

    #[test]
    fn long_values_are_cut() {
        let long = "字".repeat(500);
        let s = shorten(&long);
        assert_eq!(s.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(shorten("abc"), "abc");
    }
}
