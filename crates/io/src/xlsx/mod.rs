//! Excel workbooks (`plan.xlsx`, later `horizon.xlsx`, `schedule.xlsx`): one sheet per
//! table, Chinese headers, frozen header row, column widths, number formats and an
//! autofilter — what an HR officer expects to open and sort.
//!
//! Tables are given as the same string rows the CSV files are made from, plus a typed
//! [`Kind`] per column, so a workbook can never disagree with its CSV twin.

mod headers;
pub mod steering;

pub use headers::zh_header;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Kept as text (ids keep their leading zeros).
    Text,
    /// Whole numbers, format `0`.
    Integer,
    /// Decimals, format `0.00`.
    Decimal,
    /// `true`/`false` as Excel booleans.
    Bool,
}

/// One table: a sheet name, English column names (translated by [`zh_header`]),
/// column kinds and rows of cells as in the CSV.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: &'a [&'a str],
    pub kinds: Vec<Kind>,
    pub rows: &'a [Vec<String>],
}

#[derive(Debug, thiserror::Error)]
pub enum XlsxWriteError {
    #[error("cannot build the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot read a table back: {0}")]
    Csv(#[from] csv::Error),
    #[error("sheet {sheet}: {kinds} column kinds for {columns} columns (a bug)")]
    Kinds {
        sheet: String,
        kinds: usize,
        columns: usize,
    },
}

/// The workbook's bytes. Deterministic: the document date is fixed, so the same
/// tables give byte-identical files.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxWriteError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title("rotaplan"),
    );
    let head = Format::new()
        .set_bold()
        .set_background_color(0xDDE7F0)
        .set_align(FormatAlign::Center);
    let int = Format::new().set_num_format("0");
    let dec = Format::new().set_num_format("0.00");
    for s in sheets {
        if s.kinds.len() != s.header.len() {
            return Err(XlsxWriteError::Kinds {
                sheet: s.name.to_string(),
                kinds: s.kinds.len(),
                columns: s.header.len(),
            });
        }
        let ws = wb.add_worksheet();
        ws.set_name(s.name)?;
        let mut widths: Vec<usize> = Vec::with_capacity(s.header.len());
        for (c, h) in s.header.iter().enumerate() {
            let zh = zh_header(h);
            ws.write_string_with_format(0, col(c), zh, &head)?;
            widths.push(display_width(zh) + 4);
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(display_width(cell) + 2);
                }
                let kind = s.kinds.get(c).copied().unwrap_or(Kind::Text);
                write_cell(ws, r, col(c), cell, kind, &int, &dec)?;
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col(c), (*w).min(60) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        let last_row = u32::try_from(s.rows.len()).unwrap_or(u32::MAX);
        if !s.header.is_empty() {
            ws.autofilter(0, 0, last_row, col(s.header.len() - 1))?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// A table with owned cells, e.g. read back from the CSV bytes a command writes, so
/// the sheet is the CSV file cell for cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns from this index on are text whatever they hold (e.g. `moves.csv`'s
    /// per-variant receiving-school columns).
    pub text_from: Option<usize>,
}

impl Table {
    /// The table of a CSV file's bytes (first record is the header).
    pub fn from_csv(name: &str, bytes: &[u8]) -> Result<Table, csv::Error> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let header = r.headers()?.iter().map(str::to_string).collect();
        let rows = r
            .records()
            .map(|rec| rec.map(|x| x.iter().map(str::to_string).collect()))
            .collect::<Result<Vec<Vec<String>>, csv::Error>>()?;
        Ok(Table {
            name: name.to_string(),
            header,
            rows,
            text_from: None,
        })
    }

    /// Column kinds read off the cells: ids (`*_id`, schools, panels, variants) stay
    /// text; a column of `true`/`false` is boolean; whole numbers without a leading
    /// zero are integers; other numbers decimals; anything else text.
    pub fn kinds(&self) -> Vec<Kind> {
        (0..self.header.len())
            .map(|c| {
                let name = self.header[c].as_str();
                let cells: Vec<&str> = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c).map(String::as_str))
                    .filter(|x| !x.is_empty())
                    .collect();
                if self.text_from.is_some_and(|f| c >= f) {
                    Kind::Text
                } else {
                    column_kind(name, &cells)
                }
            })
            .collect()
    }
}

fn column_kind(name: &str, cells: &[&str]) -> Kind {
    let id_like = name.ends_with("_id")
        || name.ends_with("school")
        || name.starts_with("panel")
        || name == "variant";
    if id_like || cells.is_empty() {
        return Kind::Text;
    }
    if cells.iter().all(|x| *x == "true" || *x == "false") {
        return Kind::Bool;
    }
    let plain_int = |x: &&str| {
        let digits = x.strip_prefix('-').unwrap_or(x);
        !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
    };
    if cells.iter().all(plain_int) {
        return Kind::Integer;
    }
    let decimal = |x: &&str| {
        x.parse::<f64>().is_ok_and(f64::is_finite)
            && x.bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            && !x.strip_prefix('-').unwrap_or(x).starts_with("00")
    };
    if cells.iter().all(decimal) {
        return Kind::Decimal;
    }
    Kind::Text
}

/// [`workbook`] of owned tables, the column kinds inferred by [`Table::kinds`].
/// Per-district columns named `<district>:<column>` get the column's Chinese name.
pub fn tables_workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxWriteError> {
    let headers: Vec<Vec<String>> = tables
        .iter()
        .map(|t| {
            t.header
                .iter()
                .map(|h| match h.split_once(':') {
                    Some((d, c)) => format!("{d}:{}", zh_header(c)),
                    None => h.clone(),
                })
                .collect()
        })
        .collect();
    let refs: Vec<Vec<&str>> = headers
        .iter()
        .map(|h| h.iter().map(String::as_str).collect())
        .collect();
    let sheets: Vec<Sheet> = tables
        .iter()
        .zip(&refs)
        .map(|(t, h)| Sheet {
            name: &t.name,
            header: h,
            kinds: t.kinds(),
            rows: &t.rows,
        })
        .collect();
    workbook(&sheets)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Width in Excel character units: CJK characters take two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|ch| if (ch as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    cell: &str,
    kind: Kind,
    int: &Format,
    dec: &Format,
) -> Result<(), XlsxError> {
    if cell.is_empty() {
        return Ok(());
    }
    match kind {
        Kind::Integer | Kind::Decimal => match cell.parse::<f64>() {
            Ok(v) => {
                let f = if kind == Kind::Integer { int } else { dec };
                ws.write_number_with_format(r, c, v, f)?;
            }
            Err(_) => {
                ws.write_string(r, c, cell)?;
            }
        },
        Kind::Bool => match cell {
            "true" => {
                ws.write_boolean(r, c, true)?;
            }
            "false" => {
                ws.write_boolean(r, c, false)?;
            }
            _ => {
                ws.write_string(r, c, cell)?;
            }
        },
        Kind::Text => {
            ws.write_string(r, c, cell)?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    #[test]
    fn round_trips_through_calamine() {
        let rows = vec![
            vec![
                "007".to_string(),
                "3".to_string(),
                "1.50".to_string(),
                "true".to_string(),
            ],
            vec![
                "008".to_string(),
                "".to_string(),
                "2.25".to_string(),
                "false".to_string(),
            ],
        ];
        let sheet = Sheet {
            name: "学校",
            header: &["school_id", "sent", "distance_km", "weak"],
            kinds: vec![Kind::Text, Kind::Integer, Kind::Decimal, Kind::Bool],
            rows: &rows,
        };
        let bytes = workbook(&[sheet]).unwrap();
        let again = workbook(&[Sheet {
            name: "学校",
            header: &["school_id", "sent", "distance_km", "weak"],
            kinds: vec![Kind::Text, Kind::Integer, Kind::Decimal, Kind::Bool],
            rows: &rows,
        }])
        .unwrap();
        assert_eq!(bytes, again, "deterministic bytes");
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = x.worksheet_range("学校").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("学校编号".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::String("007".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(3.0)));
        assert_eq!(range.get((2, 2)), Some(&Data::Float(2.25)));
        assert_eq!(range.get((2, 3)), Some(&Data::Bool(false)));
    }

    #[test]
    fn kinds_are_read_off_the_cells() {
        let csv = "teacher_id,year,share,met,name,from_school\n0012,2021,0.125,true,张三,3\n0013,2022,1,false,李四,4\n";
        let t = Table::from_csv("x", csv.as_bytes()).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.kinds(),
            vec![
                Kind::Text,
                Kind::Integer,
                Kind::Decimal,
                Kind::Bool,
                Kind::Text,
                Kind::Text
            ]
        );
        assert_eq!(column_kind("n", &["007"]), Kind::Text, "leading zero kept");
        assert_eq!(column_kind("n", &["-3", "0"]), Kind::Integer);
        assert_eq!(column_kind("n", &["1e5"]), Kind::Text);
        let bytes = tables_workbook(&[Table {
            name: "区县".into(),
            header: vec!["东湖区:sent".into()],
            rows: vec![vec!["3".into()]],
            text_from: None,
        }])
        .unwrap();
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = x.worksheet_range("区县").unwrap();
        assert_eq!(
            range.get((0, 0)),
            Some(&Data::String("东湖区:派出人数".into()))
        );
        assert_eq!(range.get((1, 0)), Some(&Data::Float(3.0)));
    }

    #[test]
    fn kinds_must_match_columns() {
        let rows: Vec<Vec<String>> = vec![];
        let s = Sheet {
            name: "x",
            header: &["a", "b"],
            kinds: vec![Kind::Text],
            rows: &rows,
        };
        assert!(matches!(workbook(&[s]), Err(XlsxWriteError::Kinds { .. })));
    }
}
