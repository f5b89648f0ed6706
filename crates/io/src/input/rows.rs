//! The loop shared by every file: find the header, match it, hand each data row to the
//! file's own parser, and keep what that parser accepted or rejected.

use super::cells::RowCtx;
use super::columns::{describe, map_headers, HeaderMap, Spec};
use super::error::{InputError, InputErrorKind};
use super::table::{Next, Table};

/// The findings about one file.
#[derive(Debug, Default)]
pub(crate) struct FileReport {
    /// The file as given or resolved, for messages.
    pub file: String,
    pub errors: Vec<InputError>,
    pub notices: Vec<String>,
    /// Whether every row was read and the key column is present. Only then is a missing
    /// id in this file evidence of a bad reference elsewhere; otherwise other files are
    /// not checked against it, to avoid a cascade of errors from one root cause.
    pub complete: bool,
}

impl FileReport {
    pub(crate) fn new(file: String) -> FileReport {
        FileReport {
            file,
            complete: true,
            ..FileReport::default()
        }
    }

    /// Row `row` could not be read (`reason`): an error, and the file is incomplete.
    fn unreadable(&mut self, row: usize, reason: String) {
        self.errors.push(InputError::at(
            &self.file,
            row,
            None,
            None,
            InputErrorKind::Unreadable { reason },
        ));
        self.complete = false;
    }
}

/// The accepted rows of one file.
#[derive(Debug)]
pub(crate) struct Rows<T> {
    pub items: Vec<T>,
    /// Spreadsheet row of each item.
    pub rows: Vec<u32>,
    /// Ids of rejected rows, with their rows: the id still exists, so neither a
    /// duplicate of it nor a reference to it should go unnoticed or be misreported.
    pub stray: Vec<(String, u32)>,
    pub map: Option<HeaderMap>,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            items: Vec::new(),
            rows: Vec::new(),
            stray: Vec::new(),
            map: None,
        }
    }
}

impl<T> Rows<T> {
    pub(crate) fn accept(&mut self, item: T, row: usize) {
        self.items.push(item);
        self.rows.push(row32(row));
    }

    pub(crate) fn reject(&mut self, id: Option<String>, row: usize) {
        if let Some(id) = id {
            self.stray.push((id, row32(row)));
        }
    }

    /// The label of column `col` as headed in the file.
    pub(crate) fn label(&self, col: usize) -> &str {
        self.map.as_ref().map_or("", |m| m.label(col))
    }
}

fn row32(row: usize) -> u32 {
    u32::try_from(row).unwrap_or(u32::MAX)
}

/// Title rows a spreadsheet may have above its header ("2021年教师名册") are skipped,
/// up to this many.
const MAX_TITLE_ROWS: usize = 3;

/// Finds and matches the header row. A first row that names no known column at all,
/// followed by one that does, is a title above the header: skipped with a notice.
fn header(table: &mut Table, spec: &Spec, report: &mut FileReport) -> Option<HeaderMap> {
    let file = report.file.clone();
    // The first row's findings, reported if no later row turns out to be the header.
    let mut first: Option<(Vec<InputError>, Vec<String>)> = None;
    let mut titles: Vec<(usize, String)> = Vec::new();
    loop {
        let (row, rec) = match table.next() {
            Next::Row(row, rec) => (row, rec),
            Next::Bad { row, reason } => {
                report.unreadable(row, reason);
                return None;
            }
            Next::End => {
                report.complete = false;
                match first {
                    Some((mut errors, mut notices)) => {
                        report.errors.append(&mut errors);
                        report.notices.append(&mut notices);
                    }
                    None => report.errors.push(InputError::file(
                        &file,
                        InputErrorKind::NoHeader {
                            expected: describe(spec),
                        },
                    )),
                }
                return None;
            }
        };
        let (mut errors, mut notices) = (Vec::new(), Vec::new());
        let map = map_headers(spec, rec, row, &file, &mut errors, &mut notices);
        let nothing_known = map.index.iter().all(Option::is_none);
        if nothing_known && titles.len() < MAX_TITLE_ROWS {
            let text: Vec<&str> = rec
                .iter()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            titles.push((row, text.join(" ")));
            if first.is_none() {
                first = Some((errors, notices));
            }
            continue;
        }
        if nothing_known {
            if let Some((mut errors, mut notices)) = first {
                report.errors.append(&mut errors);
                report.notices.append(&mut notices);
            }
            report.complete = false;
            return None;
        }
        for (title_row, text) in titles {
            report.notices.push(format!(
                "{file}: row {title_row} (\"{}\") is above the header row {row} and was skipped",
                super::error::shorten(&text)
            ));
        }
        report.errors.append(&mut errors);
        report.notices.append(&mut notices);
        return Some(map);
    }
}

/// Reads the header and every data row of `table`, calling `each` once per data row.
/// Returns the header map, or `None` when there is no usable header.
pub(crate) fn drive(
    table: &mut Table,
    spec: &Spec,
    report: &mut FileReport,
    mut each: impl FnMut(&mut RowCtx<'_>),
) -> Option<HeaderMap> {
    let file = report.file.clone();
    let map = header(table, spec, report)?;
    let mut wide = (0usize, 0usize);
    loop {
        match table.next() {
            Next::Row(row, rec) => {
                if rec.iter().skip(map.width).any(|c| !c.trim().is_empty()) {
                    if wide.0 == 0 {
                        wide.1 = row;
                    }
                    wide.0 += 1;
                }
                too_long(&file, row, rec, &map, &mut report.errors);
                let mut ctx = RowCtx::new(
                    row,
                    &file,
                    rec,
                    &map,
                    &mut report.errors,
                    &mut report.notices,
                );
                each(&mut ctx);
            }
            Next::Bad { row, reason } => report.unreadable(row, reason),
            Next::End => break,
        }
    }
    one_encoding_error(&file, &mut report.errors);
    if wide.0 > 0 {
        report.notices.push(format!(
            "{file}: {} row(s) have more cells than the header row (first: row {}); the \
             extra cells were ignored (an unquoted comma in a value?)",
            wide.0, wide.1
        ));
    }
    if table.lossy() {
        report.notices.push(format!(
            "{file}: some bytes are not valid text in the file's encoding and were \
             replaced by \u{FFFD}; save the file as UTF-8 to be sure names read correctly"
        ));
    }
    Some(map)
}

/// Most characters a workbook cell holds (Excel's and WPS's limit): a longer value
/// could be planned with but not written to `plan.xlsx`, so it is refused when the
/// data are loaded, before any solving.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;

/// Reports every cell of `rec` longer than [`MAX_CELL_CHARS`].
fn too_long(
    file: &str,
    row: usize,
    rec: &csv::StringRecord,
    map: &HeaderMap,
    errors: &mut Vec<InputError>,
) {
    // A cell of at most MAX_CELL_CHARS bytes cannot have more characters.
    if rec.as_slice().len() <= MAX_CELL_CHARS {
        return;
    }
    for (pos, cell) in rec.iter().enumerate() {
        if cell.len() <= MAX_CELL_CHARS {
            continue;
        }
        let chars = cell.trim().chars().count();
        if chars > MAX_CELL_CHARS {
            errors.push(InputError::at(
                file,
                row,
                Some(&map.label_at(pos)),
                Some(cell.trim()),
                InputErrorKind::TooLong { chars },
            ));
        }
    }
}

/// Replaces the per-row [`InputErrorKind::Misread`] errors of a file by one
/// [`InputErrorKind::WrongEncoding`]: a file read in the wrong encoding garbles every
/// row, and hundreds of identical lines would hide the one fix.
fn one_encoding_error(file: &str, errors: &mut Vec<InputError>) {
    let is_misread = |e: &InputError| matches!(e.kind, InputErrorKind::Misread { .. });
    let count = errors.iter().filter(|e| is_misread(e)).count();
    if count == 0 {
        return;
    }
    let mut columns: Vec<String> = Vec::new();
    let mut example = String::new();
    for e in errors.iter().filter(|e| is_misread(e)) {
        let col = e.column.clone().unwrap_or_default();
        if example.is_empty() {
            let row = e.row.map(|r| format!("row {r}, ")).unwrap_or_default();
            let value = e.value.clone().unwrap_or_default();
            example = match &e.kind {
                InputErrorKind::Misread { was: Some(w) } => {
                    format!("{row}{col}: \"{value}\" is \"{w}\" read in the wrong encoding")
                }
                _ => format!("{row}{col}: \"{value}\""),
            };
        }
        if !columns.contains(&col) {
            columns.push(col);
        }
    }
    errors.retain(|e| !is_misread(e));
    errors.push(InputError::file(
        file,
        InputErrorKind::WrongEncoding {
            count,
            columns: format!("column(s) {}", columns.join(", ")),
            example,
        },
    ));
}
