//! An events file (`schedule --events F`): extra events to schedule, such as school
//! inspections (督查考核). Read like every data file (CSV in UTF-8, GBK/GB18030 or
//! UTF-16, or a workbook's first visible sheet; English headers or Chinese aliases in
//! any order), with every malformed cell of every row reported at once (file, sheet,
//! row, column, value, what to write instead).
//!
//! The reader checks each row on its own and ids against each other; whether a school
//! or teacher exists is for the caller (`input::schedule_events`), which knows the data.

use super::cells::{parse_date, RowCtx};
use super::columns::EVENTS;
use super::error::{InputError, InputErrorKind};
use super::rows::{drive, Rows};
use super::{collect, read_sheet, Found};
use crate::model::{Date, SchoolId, Subject, TeacherId};
use crate::schedule::EventKind;
use std::collections::BTreeMap;
use std::path::Path;

/// The columns, indexing [`EVENTS`] and [`EventsFile::labels`].
pub const EVENT_ID: usize = 0;
pub const KIND: usize = 1;
pub const TEACHER: usize = 2;
pub const SCHOOL: usize = 3;
pub const SUBJECT: usize = 4;
pub const WINDOW_START: usize = 5;
pub const WINDOW_END: usize = 6;
pub const PANEL_SIZE: usize = 7;

/// One well-formed row of an events file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Spreadsheet row (header = row 1).
    pub row: usize,
    pub event_id: String,
    pub kind: EventKind,
    pub teacher_id: Option<TeacherId>,
    pub school_id: SchoolId,
    pub subject: Subject,
    pub window: (Date, Date),
    /// Empty: the rules' `panel_size`.
    pub panel_size: Option<u32>,
}

/// An events file as read.
#[derive(Debug, Clone)]
pub struct EventsFile {
    /// The file as named in messages (with the sheet read, for a workbook).
    pub file: String,
    pub rows: Vec<EventRow>,
    /// Each column as headed in the file (by the constants above), for messages.
    pub labels: Vec<String>,
    pub notices: Vec<String>,
}

impl EventsFile {
    /// An error at `row`, in column `col` as the file heads it.
    pub(crate) fn error(
        &self,
        row: usize,
        col: usize,
        value: Option<&str>,
        kind: InputErrorKind,
    ) -> InputError {
        let label = self.labels.get(col).map(String::as_str);
        InputError::at(&self.file, row, label, value, kind)
    }
}

/// Reads an events file: its well-formed rows, and every malformed cell and repeated
/// `event_id` of the others (for a caller that checks the rows against the data and
/// reports everything together).
pub fn read_events(path: &Path) -> (EventsFile, Vec<InputError>) {
    let found = Found::File(path.to_path_buf());
    let (report, rows) = read_sheet(&found, None, parse);
    let file = report.file.clone();
    let labels = (0..EVENTS.cols.len())
        .map(|c| rows.label(c).to_string())
        .collect();
    let mut notices = Vec::new();
    let errors = collect([report], &mut notices);
    let f = EventsFile {
        file,
        rows: rows.items,
        labels,
        notices,
    };
    (f, errors)
}

fn parse(table: &mut super::table::Table, report: &mut super::rows::FileReport) -> Rows<EventRow> {
    let mut out = Rows::default();
    let mut first_row: BTreeMap<String, usize> = BTreeMap::new();
    let map = drive(table, &EVENTS, report, |r| {
        let id = r.text(EVENT_ID);
        let mut ok = true;
        if let Some(id) = id {
            if let Some(&first) = first_row.get(id) {
                r.error(
                    EVENT_ID,
                    Some(id),
                    InputErrorKind::Duplicate { first_row: first },
                );
                ok = false;
            } else {
                first_row.insert(id.to_string(), r.row);
            }
        }
        let kind = r.text(KIND).and_then(|k| {
            let v = EventKind::parse(k);
            if v.is_none() {
                r.error(
                    KIND,
                    Some(k),
                    InputErrorKind::BadValue {
                        expected: "evaluation (考核) or inspection (督查)".into(),
                    },
                );
            }
            v
        });
        let teacher = match r.cell(TEACHER) {
            Some(_) => r.text(TEACHER).map(|t| Some(TeacherId::from(t))).ok_or(()),
            None => Ok(None),
        };
        if kind == Some(EventKind::Evaluation) && matches!(teacher, Ok(None)) {
            r.error(
                TEACHER,
                None,
                InputErrorKind::Inconsistent {
                    detail: "an evaluation needs the teacher assessed: fill in teacher_id, \
                             or make the event an inspection"
                        .into(),
                },
            );
            ok = false;
        }
        let school = r.text(SCHOOL).map(SchoolId::from);
        let subject = r.subject(SUBJECT);
        let (start, end) = (date(r, WINDOW_START), date(r, WINDOW_END));
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                let raw = r.cell(WINDOW_END);
                r.error(
                    WINDOW_END,
                    raw,
                    InputErrorKind::Inconsistent {
                        detail: format!("the window ends before it starts ({s})"),
                    },
                );
                ok = false;
            }
        }
        let panel_size = r.opt_count(PANEL_SIZE, 1);
        match (
            ok, id, kind, teacher, school, subject, start, end, panel_size,
        ) {
            (
                true,
                Some(id),
                Some(kind),
                Ok(teacher_id),
                Some(school_id),
                Some(subject),
                Some(s),
                Some(e),
                Ok(panel_size),
            ) => out.accept(
                EventRow {
                    row: r.row,
                    event_id: id.to_string(),
                    kind,
                    teacher_id,
                    school_id,
                    subject,
                    window: (s, e),
                    panel_size,
                },
                r.row,
            ),
            _ => out.reject(None, r.row),
        }
    });
    out.map = map;
    out
}

/// A required date cell.
fn date(r: &mut RowCtx<'_>, col: usize) -> Option<Date> {
    let raw = r.text(col)?;
    let d = parse_date(raw);
    if d.is_none() {
        r.error(
            col,
            Some(raw),
            InputErrorKind::BadValue {
                expected: "a date such as 2021-11-03".into(),
            },
        );
    }
    d
}
