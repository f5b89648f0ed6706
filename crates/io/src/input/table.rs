//! One input file as a sequence of non-blank rows of text cells, whatever it was
//! written as: CSV (any supported encoding, comma- or tab-separated) or a spreadsheet
//! (first sheet). Both give the same `csv::StringRecord`, reused from row to row, so the
//! column parsers never care where a cell came from and no row allocates.
//!
//! The format is decided by content, not by file name: a workbook saved as `.csv` by
//! mistake (or a CSV named `.xlsx`) still loads.

use super::decode::{decode, read_up_to, TextEncoding};
use calamine::{Data, Ods, Range, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};
use csv::StringRecord;
use std::cell::Cell;
use std::fmt::{self, Write as _};
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

/// Why a file could not be opened. Reported as a missing file or, in these words, as
/// an unreadable one (`InputErrorKind::Unreadable`, whose help is the loader's).
#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenError {
    /// No file at the path.
    #[error("no such file")]
    NotFound,
    /// Reading the file failed (permissions, a device error, text that cannot be decoded).
    #[error(transparent)]
    Io(#[from] io::Error),
    /// A workbook from which no worksheet can be read.
    #[error("not a readable spreadsheet ({0})")]
    Spreadsheet(#[from] SheetError),
    /// A workbook so broken that the spreadsheet reader gave up on it.
    #[error("not a readable spreadsheet (the workbook is damaged)")]
    Damaged,
}

/// Why a workbook gives no worksheet to read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SheetError {
    /// The spreadsheet reader's own words.
    #[error("{0}")]
    Reader(String),
    /// A workbook without a single sheet.
    #[error("the workbook has no sheet")]
    NoSheet,
    /// Every worksheet is hidden (their names).
    #[error("the workbook has no visible worksheet (hidden: {}); unhide the sheet to read", .0.join(", "))]
    Hidden(Vec<String>),
}

/// What the next call to [`Table::next`] found.
pub(crate) enum Next<'a> {
    /// A row with at least one non-empty cell, with its spreadsheet row number.
    Row(usize, &'a StringRecord),
    /// A row that could not be read; reading goes on unless the file itself failed.
    Bad {
        row: usize,
        reason: String,
    },
    End,
}

enum Source {
    Csv(csv::Reader<Tail<BufReader<Box<dyn Read>>>>),
    Sheet {
        range: Range<Data>,
        next: usize,
        first_row: usize,
    },
}

pub(crate) struct Table {
    source: Source,
    record: StringRecord,
    /// Spreadsheet row of the last row returned.
    last_row: usize,
    /// Whether lines end in `\n` (or `\r\n`), so that line numbers give row numbers.
    /// Files with bare-CR line endings are numbered by counting records.
    by_line: bool,
    /// Line breaks inside quoted cells so far: they count as lines, not as rows.
    inner_newlines: u64,
    failed: bool,
    /// Read as UTF-8 without a BOM, but it is not: read it again as GB18030.
    not_utf8: bool,
    lossy: Rc<Cell<bool>>,
    encoding: Option<TextEncoding>,
    cell: String,
    /// For a workbook: the sheet read, and the hidden sheets skipped before it.
    pub(crate) sheet: Option<SheetChoice>,
}

/// Which sheet of a workbook is read: the first visible worksheet. A hidden first
/// sheet is often an old copy left in the workbook; reading it would plan from stale
/// data without a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SheetChoice {
    pub name: String,
    /// Hidden (or chart/macro) sheets before it, skipped.
    pub skipped: Vec<String>,
}

impl Table {
    /// Opens `path`; `not_utf8` as for [`decode`]: set it when a first reading
    /// reported [`Table::not_utf8`]. A workbook is read from its visible worksheet
    /// named `prefer` when it has one (the plan sheet of rotaplan's own `plan.xlsx`,
    /// wherever the user moved it), else from the first visible worksheet.
    pub(crate) fn open_sheet(
        path: &Path,
        not_utf8: bool,
        prefer: Option<&str>,
    ) -> Result<Table, OpenError> {
        let file = std::fs::File::open(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenError::NotFound,
            _ => OpenError::Io(e),
        })?;
        Table::from_reader_sheet(file, not_utf8, prefer)
    }

    /// Reads from in-memory bytes (tests).
    #[cfg(test)]
    pub(crate) fn from_reader<R: Read + Seek + 'static>(
        r: R,
        not_utf8: bool,
    ) -> Result<Table, OpenError> {
        Table::from_reader_sheet(r, not_utf8, None)
    }

    /// Reads from any seekable source, a workbook from its sheet `prefer` if it has one.
    fn from_reader_sheet<R: Read + Seek + 'static>(
        mut r: R,
        not_utf8: bool,
        prefer: Option<&str>,
    ) -> Result<Table, OpenError> {
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut r, &mut magic)?;
        r.seek(SeekFrom::Start(0))?;
        match magic.get(..n).unwrap_or(&[]) {
            [0x50, 0x4B, 0x03, 0x04] | [0xD0, 0xCF, 0x11, 0xE0] => {
                let mut bytes = Vec::new();
                r.read_to_end(&mut bytes)?;
                let (range, choice) = first_sheet(&bytes, prefer)?;
                drop(bytes);
                let first_row = range.start().map_or(0, |(row, _)| row as usize);
                let source = Source::Sheet {
                    range,
                    next: 0,
                    first_row,
                };
                let mut t = Table::with_source(source, None, Rc::new(Cell::new(false)));
                t.sheet = Some(choice);
                Ok(t)
            }
            _ => Table::from_text(r, not_utf8),
        }
    }

    fn from_text<R: Read + Seek + 'static>(r: R, not_utf8: bool) -> Result<Table, OpenError> {
        let d = decode(r, not_utf8)?;
        let mut buffered = BufReader::with_capacity(64 * 1024, d.reader);
        let head = buffered.fill_buf()?;
        let first_line = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
        // Excel's "Unicode text" export is tab-separated; a header line with tabs and
        // no commas can only mean that.
        let delimiter = if !first_line.contains(&b',') && first_line.contains(&b'\t') {
            b'\t'
        } else {
            b','
        };
        let by_line = head.contains(&b'\n');
        let mut builder = csv::ReaderBuilder::new();
        builder
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter);
        if by_line {
            // Only `\n` ends a record, so each record consumes its own line end and the
            // reader's line count right after it is the record's last line + 1. A `\r`
            // before it stays in the last cell, and cells are trimmed.
            builder.terminator(csv::Terminator::Any(b'\n'));
        }
        let reader = builder.from_reader(Tail {
            inner: buffered,
            total: 0,
            last: 0,
            eof: false,
        });
        let mut t = Table::with_source(Source::Csv(reader), Some(d.encoding), d.lossy);
        t.by_line = by_line;
        Ok(t)
    }

    fn with_source(source: Source, encoding: Option<TextEncoding>, lossy: Rc<Cell<bool>>) -> Table {
        Table {
            source,
            record: StringRecord::new(),
            last_row: 0,
            by_line: false,
            inner_newlines: 0,
            failed: false,
            not_utf8: false,
            lossy,
            encoding,
            cell: String::new(),
            sheet: None,
        }
    }

    /// Whether some bytes were not valid in the file's encoding (shown as U+FFFD).
    pub(crate) fn lossy(&self) -> bool {
        self.lossy.get()
    }

    /// Whether reading stopped because the file, taken for UTF-8, is not: everything
    /// read from it is void, and it must be opened again with `not_utf8`.
    pub(crate) fn not_utf8(&self) -> bool {
        self.not_utf8
    }

    /// The next row with at least one non-empty cell.
    pub(crate) fn next(&mut self) -> Next<'_> {
        loop {
            if self.failed {
                return Next::End;
            }
            let row = match &mut self.source {
                Source::Csv(reader) => match reader.read_record(&mut self.record) {
                    Ok(false) => return Next::End,
                    Ok(true) => {
                        let start = self.record.position().map_or(0, csv::Position::line);
                        let inner = newlines(&self.record);
                        let end = self.by_line.then(|| {
                            let pos = reader.position();
                            let tail = reader.get_ref();
                            let unterminated =
                                tail.eof && pos.byte() == tail.total && tail.last != b'\n';
                            let own_break = u64::from(!unterminated);
                            pos.line().saturating_sub(inner + own_break)
                        });
                        let row = spreadsheet_row(start, end, self.inner_newlines, self.last_row);
                        self.inner_newlines += inner;
                        row
                    }
                    Err(e)
                        if matches!(e.kind(), csv::ErrorKind::Utf8 { .. })
                            && self.encoding == Some(TextEncoding::Utf8) =>
                    {
                        self.not_utf8 = true;
                        self.failed = true;
                        return Next::End;
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, csv::Position::line);
                        let row = spreadsheet_row(line, None, self.inner_newlines, self.last_row);
                        self.last_row = row;
                        let reason = match e.kind() {
                            csv::ErrorKind::Utf8 { .. } => {
                                "the row is not valid text in the file's encoding".to_string()
                            }
                            _ => {
                                self.failed = true;
                                e.to_string()
                            }
                        };
                        return Next::Bad { row, reason };
                    }
                },
                Source::Sheet {
                    range,
                    next,
                    first_row,
                } => {
                    let Some(cells) = range.rows().nth(*next) else {
                        return Next::End;
                    };
                    let row = *first_row + *next + 1;
                    *next += 1;
                    self.record.clear();
                    for c in cells {
                        self.cell.clear();
                        render(c, &mut self.cell);
                        self.record.push_field(&self.cell);
                    }
                    row
                }
            };
            self.last_row = row;
            if !is_blank(&self.record) {
                return Next::Row(row, &self.record);
            }
        }
    }
}

/// The row a spreadsheet program shows for a CSV record: blank lines count (Excel shows
/// them as empty rows), line breaks inside quoted cells do not. `read_from` is the line
/// where reading began (before any skipped blank lines), `from_end` the record's first
/// line as counted back from its end when line endings allow, `inner` the line breaks
/// inside cells of earlier records. Never goes backwards.
fn spreadsheet_row(read_from: u64, from_end: Option<u64>, inner: u64, last_row: usize) -> usize {
    let line = read_from.max(from_end.unwrap_or(0)).saturating_sub(inner);
    usize::try_from(line)
        .unwrap_or(usize::MAX)
        .max(last_row.saturating_add(1))
}

/// Counts what the CSV reader has taken from the text, so that a last line without a
/// line break can be told from one with it.
struct Tail<R> {
    inner: R,
    total: u64,
    last: u8,
    eof: bool,
}

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        match n.checked_sub(1).and_then(|i| buf.get(i)) {
            Some(&b) => {
                self.total += n as u64;
                self.last = b;
            }
            None => self.eof = true,
        }
        Ok(n)
    }
}

/// Whether every cell is empty or whitespace. Most rows have a printable ASCII
/// character somewhere, which settles it without trimming each cell.
fn is_blank(record: &StringRecord) -> bool {
    if record.as_slice().bytes().any(|b| b.is_ascii_graphic()) {
        return false;
    }
    record.iter().all(|c| c.trim().is_empty())
}

fn newlines(record: &StringRecord) -> u64 {
    record.as_slice().bytes().filter(|b| *b == b'\n').count() as u64
}

/// The first visible worksheet of a workbook. Third-party parsing of arbitrary bytes is
/// guarded so a malformed workbook is an error message, never a crash.
fn first_sheet(
    bytes: &[u8],
    prefer: Option<&str>,
) -> Result<(Range<Data>, SheetChoice), OpenError> {
    let attempt = std::panic::catch_unwind(|| {
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return range_of::<Xls<_>>(bytes, prefer);
        }
        let xlsx = range_of::<Xlsx<_>>(bytes, prefer);
        if xlsx.is_ok() {
            return xlsx;
        }
        range_of::<Xlsb<_>>(bytes, prefer)
            .or_else(|_| range_of::<Ods<_>>(bytes, prefer))
            .or(xlsx)
    });
    match attempt {
        Ok(Ok(range)) => Ok(range),
        Ok(Err(e)) => Err(OpenError::Spreadsheet(e)),
        Err(_) => Err(OpenError::Damaged),
    }
}

fn range_of<'a, W>(
    bytes: &'a [u8],
    prefer: Option<&str>,
) -> Result<(Range<Data>, SheetChoice), SheetError>
where
    W: Reader<Cursor<&'a [u8]>>,
    W::Error: fmt::Display,
{
    let reader = |e: W::Error| SheetError::Reader(e.to_string());
    let mut book = W::new(Cursor::new(bytes)).map_err(reader)?;
    let mut skipped = Vec::new();
    let mut chosen = None;
    let preferred = book.sheets_metadata().iter().find(|s| {
        Some(s.name.as_str()) == prefer
            && s.visible == SheetVisible::Visible
            && s.typ == SheetType::WorkSheet
    });
    if let Some(sheet) = preferred {
        let name = sheet.name.clone();
        let range = book.worksheet_range(&name).map_err(reader)?;
        return Ok((range, SheetChoice { name, skipped }));
    }
    for sheet in book.sheets_metadata() {
        if sheet.visible == SheetVisible::Visible && sheet.typ == SheetType::WorkSheet {
            chosen = Some(sheet.name.clone());
            break;
        }
        skipped.push(sheet.name.clone());
    }
    let Some(name) = chosen else {
        return Err(if skipped.is_empty() {
            SheetError::NoSheet
        } else {
            SheetError::Hidden(skipped)
        });
    };
    let range = book.worksheet_range(&name).map_err(reader)?;
    Ok((range, SheetChoice { name, skipped }))
}

/// A spreadsheet cell as the text a CSV export would hold: whole numbers without a
/// decimal point (Excel stores 1980 as 1980.0), dates as ISO dates.
fn render(cell: &Data, out: &mut String) {
    let _ = match cell {
        Data::Empty => Ok(()),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            out.push_str(s);
            Ok(())
        }
        Data::Int(i) => write!(out, "{i}"),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => write!(out, "{}", *f as i64),
        Data::Float(f) => write!(out, "{f}"),
        Data::Bool(b) => write!(out, "{b}"),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                write!(out, "{y:04}-{m:02}-{day:02}")
            } else {
                write!(out, "{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
            }
        }
        Data::DateTime(d) => write!(out, "{}", d.as_f64()),
        Data::Error(e) => write!(out, "{e}"),
    };
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn rows_of(bytes: &[u8]) -> Vec<(usize, Vec<String>)> {
    let mut t = Table::from_reader(Cursor::new(bytes.to_vec()), false).unwrap();
    let mut out = Vec::new();
    loop {
        match t.next() {
            Next::Row(r, rec) => {
                out.push((r, rec.iter().map(str::to_string).collect()));
                continue;
            }
            Next::Bad { row, reason } => panic!("row {row}: {reason}"),
            Next::End => {}
        }
        if !t.not_utf8() {
            return out;
        }
        t = Table::from_reader(Cursor::new(bytes.to_vec()), true).unwrap();
        out.clear();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cells(rows: &[(usize, Vec<String>)]) -> Vec<(usize, String)> {
        rows.iter().map(|(r, c)| (*r, c.join("|"))).collect()
    }

    #[test]
    fn rows_are_numbered_like_a_spreadsheet() {
        let text = "a,b\n1,2\n\n,\n3,\"x\ny\"\n4,5\r\n6,7";
        let rows = rows_of(text.as_bytes());
        assert_eq!(
            cells(&rows),
            vec![
                (1, "a|b".to_string()),
                (2, "1|2".to_string()),
                // row 3 blank, row 4 only empty cells
                (5, "3|x\ny".to_string()),
                (6, "4|5\r".to_string()),
                (7, "6|7".to_string()),
            ]
        );
    }

    #[test]
    fn gbk_is_read_again_as_gb18030() {
        let text = "工号,姓名\nT1,王芳\n\nT2,李强\n";
        let gbk = encoding_rs::GBK.encode(text).0.into_owned();
        let rows = rows_of(&gbk);
        assert_eq!(
            cells(&rows),
            vec![
                (1, "工号|姓名".to_string()),
                (2, "T1|王芳".to_string()),
                (4, "T2|李强".to_string())
            ]
        );
    }

    #[test]
    fn rows_are_numbered_with_any_line_ending() {
        for nl in ["\n", "\r\n"] {
            let text = ["a,b", "1,2", "", "\"x", "y\",3", "", "", "4,5", ""].join(nl);
            let rows: Vec<usize> = rows_of(text.as_bytes()).iter().map(|r| r.0).collect();
            assert_eq!(rows, vec![1, 2, 4, 7], "{nl:?}");
            let unterminated = ["a", "1", "", "3"].join(nl);
            let rows: Vec<usize> = rows_of(unterminated.as_bytes())
                .iter()
                .map(|r| r.0)
                .collect();
            assert_eq!(rows, vec![1, 2, 4], "{nl:?}");
        }
        let cells = rows_of(b"a,\"b\"\r\n1,\"2\"\r\n");
        assert_eq!(
            cells[1].1,
            vec!["1", "2\r"],
            "trimmed later by the row parsers"
        );
    }

    #[test]
    fn tab_separated_unicode_text() {
        let text = "\u{feff}工号\t姓名\nT1\t王芳\n";
        let bytes: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let rows = rows_of(&bytes);
        assert_eq!(
            cells(&rows),
            vec![(1, "工号|姓名".to_string()), (2, "T1|王芳".to_string())]
        );
    }

    #[test]
    fn short_rows_and_carriage_returns() {
        let rows = rows_of(b"a,b,c\r1\r2,3\r");
        assert_eq!(
            cells(&rows),
            vec![(1, "a|b|c".into()), (2, "1".into()), (3, "2|3".into())]
        );
    }

    #[test]
    fn renders_spreadsheet_cells_as_csv_text() {
        let mut s = String::new();
        for (cell, want) in [
            (Data::Float(1980.0), "1980"),
            (Data::Float(28.68), "28.68"),
            (Data::Int(-3), "-3"),
            (Data::Bool(true), "true"),
            (Data::String("城区".into()), "城区"),
            (Data::Empty, ""),
        ] {
            s.clear();
            render(&cell, &mut s);
            assert_eq!(s, want);
        }
        let d = calamine::ExcelDateTime::new(44503.0, calamine::ExcelDateTimeType::DateTime, false);
        s.clear();
        render(&Data::DateTime(d), &mut s);
        assert_eq!(s, "2021-11-03");
    }

    #[test]
    fn damaged_workbooks_are_errors() {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend_from_slice(&[0u8; 100]);
        let err = Table::from_reader(Cursor::new(bytes), false).err().unwrap();
        assert!(err.to_string().contains("spreadsheet"), "{err}");
    }

    /// The words of an unreadable workbook, as they were when these were strings.
    #[test]
    fn sheet_errors_keep_their_words() {
        let hidden = OpenError::from(SheetError::Hidden(vec!["a".into(), "b".into()]));
        assert_eq!(
            hidden.to_string(),
            "not a readable spreadsheet (the workbook has no visible worksheet (hidden: a, b); \
             unhide the sheet to read)"
        );
        assert_eq!(
            OpenError::from(SheetError::NoSheet).to_string(),
            "not a readable spreadsheet (the workbook has no sheet)"
        );
        assert_eq!(
            OpenError::Damaged.to_string(),
            "not a readable spreadsheet (the workbook is damaged)"
        );
    }
}
