//! Reading typed values out of one row, reporting each bad cell where it is.
//!
//! Every accessor records its own error and returns `None` (or `Err(Bad)` for optional
//! values), so a row parser reads all its cells, reports all their problems at once,
//! and builds its model value only when none failed.

use super::columns::{edit_distance, HeaderMap};
use super::decode::misread;
use super::error::{InputError, InputErrorKind};
use crate::model::{parse_bool, Date, Subject, Vocab};
use csv::StringRecord;
use std::borrow::Cow;

/// An optional cell held something, but not a valid value (already reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bad;

pub(crate) const YEARS: (i64, i64) = (1900, 2100);

pub(crate) struct RowCtx<'a> {
    pub row: usize,
    pub file: &'a str,
    rec: &'a StringRecord,
    map: &'a HeaderMap,
    errors: &'a mut Vec<InputError>,
    notices: &'a mut Vec<String>,
}

impl<'a> RowCtx<'a> {
    pub(crate) fn new(
        row: usize,
        file: &'a str,
        rec: &'a StringRecord,
        map: &'a HeaderMap,
        errors: &'a mut Vec<InputError>,
        notices: &'a mut Vec<String>,
    ) -> Self {
        RowCtx {
            row,
            file,
            rec,
            map,
            errors,
            notices,
        }
    }

    /// The trimmed cell, `None` when empty or when the column is not in the file.
    pub(crate) fn cell(&self, col: usize) -> Option<&'a str> {
        let pos = (*self.map.index.get(col)?)?;
        let c = self.rec.get(pos)?.trim();
        (!c.is_empty()).then_some(c)
    }

    pub(crate) fn label(&self, col: usize) -> &'a str {
        self.map.label(col)
    }

    pub(crate) fn error(&mut self, col: usize, value: Option<&str>, kind: InputErrorKind) {
        let label = self.map.label(col);
        self.errors.push(InputError::at(
            self.file,
            self.row,
            Some(label),
            value,
            kind,
        ));
    }

    fn bad(&mut self, col: usize, value: &str, expected: impl Into<String>) {
        self.error(
            col,
            Some(value),
            InputErrorKind::BadValue {
                expected: expected.into(),
            },
        );
    }

    pub(crate) fn notice(&mut self, text: String) {
        self.notices.push(text);
    }

    /// A required cell. A missing column was reported once with the header; here it
    /// only makes the row unusable. An id holding an invisible character is refused.
    pub(crate) fn text(&mut self, col: usize) -> Option<&'a str> {
        let c = self.cell(col);
        if c.is_none() && self.map.has(col) {
            self.error(col, None, InputErrorKind::Empty);
        }
        if let (Some(v), true) = (c, self.map.is_id(col)) {
            if let Some((position, ch)) = invisible(v) {
                let kind = InputErrorKind::InvisibleCharacter {
                    code: format!("U+{:04X}", u32::from(ch)),
                    name: invisible_name(ch),
                    position,
                };
                self.error(
                    col,
                    Some(&v.replace(ch, &format!("<U+{:04X}>", u32::from(ch)))),
                    kind,
                );
                return None;
            }
        }
        c
    }

    pub(crate) fn string(&mut self, col: usize) -> Option<String> {
        self.text(col).map(str::to_string)
    }

    pub(crate) fn subject(&mut self, col: usize) -> Option<Subject> {
        self.text(col).map(Subject::normalise)
    }

    pub(crate) fn vocab<V: Vocab>(&mut self, col: usize) -> Option<V> {
        let raw = self.text(col)?;
        let v = V::parse(raw);
        if v.is_none() && self.misread(col, raw, |t| V::parse(t).is_some()) {
            return None;
        }
        if v.is_none() {
            let mut expected = format!("one of {}", V::expected());
            if let Some(s) = closest_word::<V>(raw) {
                expected.push_str(&format!("; did you mean {s}?"));
            }
            self.bad(col, raw, expected);
        }
        v
    }

    pub(crate) fn flag(&mut self, col: usize) -> Option<bool> {
        let raw = self.text(col)?;
        self.parse_flag(col, raw)
    }

    /// An optional boolean; empty means `default`.
    pub(crate) fn opt_flag(&mut self, col: usize, default: bool) -> Result<bool, Bad> {
        match self.cell(col) {
            None => Ok(default),
            Some(raw) => self.parse_flag(col, raw).ok_or(Bad),
        }
    }

    /// Whether a bad value is a garbled one (replacement characters, or a valid value
    /// read in the wrong encoding); if so it is reported as such.
    fn misread(&mut self, col: usize, raw: &str, valid: impl Fn(&str) -> bool) -> bool {
        let was = misread(raw).filter(|t| valid(t));
        if was.is_none() && !raw.contains('\u{FFFD}') {
            return false;
        }
        self.error(col, Some(raw), InputErrorKind::Misread { was });
        true
    }

    fn parse_flag(&mut self, col: usize, raw: &str) -> Option<bool> {
        let b = parse_bool(raw);
        if b.is_none() && self.misread(col, raw, |t| parse_bool(t).is_some()) {
            return None;
        }
        if b.is_none() {
            self.bad(col, raw, "true/false, 1/0, 是/否 or Y/N");
        }
        b
    }

    pub(crate) fn year(&mut self, col: usize) -> Option<i32> {
        let raw = self.text(col)?;
        match parse_whole(raw) {
            None => {
                self.bad(col, raw, "a whole year such as 1980");
                None
            }
            Some(y) if y < YEARS.0 || y > YEARS.1 => {
                self.bad(
                    col,
                    raw,
                    format!("a year between {} and {}", YEARS.0, YEARS.1),
                );
                None
            }
            Some(y) => i32::try_from(y).ok(),
        }
    }

    /// An optional whole number in `lo..=hi`; `what` describes it in the message
    /// ("a month from 1 to 12").
    pub(crate) fn opt_between(
        &mut self,
        col: usize,
        lo: i64,
        hi: i64,
        what: &str,
    ) -> Result<Option<i32>, Bad> {
        let Some(raw) = self.cell(col) else {
            return Ok(None);
        };
        match parse_whole(raw).filter(|v| (lo..=hi).contains(v)) {
            Some(v) => i32::try_from(v).map(Some).map_err(|_| Bad),
            None => {
                self.bad(col, raw, what);
                Err(Bad)
            }
        }
    }

    /// Whether a term from `start` (column `start_col`) to `end` (`end_col`) does not
    /// end before it starts; if it does, that is reported at the end year.
    pub(crate) fn term_in_order(
        &mut self,
        (start_col, start): (usize, Option<i32>),
        (end_col, end): (usize, Option<i32>),
    ) -> bool {
        match (start, end) {
            (Some(s), Some(e)) if e < s => {
                let detail = format!(
                    "the term ends ({} {e}) before it starts ({} {s})",
                    self.label(end_col),
                    self.label(start_col)
                );
                let raw = self.cell(end_col);
                self.error(end_col, raw, InputErrorKind::Inconsistent { detail });
                false
            }
            _ => true,
        }
    }

    /// An optional year (empty: `None`).
    pub(crate) fn opt_year(&mut self, col: usize) -> Result<Option<i32>, Bad> {
        match self.cell(col) {
            None => Ok(None),
            Some(_) => self.year(col).map(Some).ok_or(Bad),
        }
    }

    /// A required whole number in `min..=u32::MAX`.
    pub(crate) fn count(&mut self, col: usize, min: u32) -> Option<u32> {
        let raw = self.text(col)?;
        self.parse_count(col, raw, min)
    }

    /// An optional whole number in `min..=u32::MAX`.
    pub(crate) fn opt_count(&mut self, col: usize, min: u32) -> Result<Option<u32>, Bad> {
        match self.cell(col) {
            None => Ok(None),
            Some(raw) => self.parse_count(col, raw, min).map(Some).ok_or(Bad),
        }
    }

    fn parse_count(&mut self, col: usize, raw: &str, min: u32) -> Option<u32> {
        let v = parse_whole(raw)
            .filter(|v| *v >= i64::from(min))
            .and_then(|v| u32::try_from(v).ok());
        if v.is_none() {
            self.bad(
                col,
                raw,
                format!("a whole number of at least {min}, such as {}", min.max(3)),
            );
        }
        v
    }

    /// Optional decimal degrees within ±`limit`.
    pub(crate) fn opt_degrees(&mut self, col: usize, limit: f64) -> Result<Option<f64>, Bad> {
        let Some(raw) = self.cell(col) else {
            return Ok(None);
        };
        match ascii_digits(raw).parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() <= limit => Ok(Some(v)),
            _ => {
                self.bad(
                    col,
                    raw,
                    format!("decimal degrees between -{limit} and {limit}, such as 28.68"),
                );
                Err(Bad)
            }
        }
    }

    /// The non-empty items of a `;`-separated list (full-width `；` too).
    pub(crate) fn list(&self, col: usize) -> impl Iterator<Item = &'a str> {
        self.cell(col)
            .unwrap_or("")
            .split([';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// A required list of subjects, normalised, without repeats.
    pub(crate) fn subjects(&mut self, col: usize) -> Option<Vec<Subject>> {
        let mut out: Vec<Subject> = Vec::new();
        for s in self.list(col) {
            let s = Subject::normalise(s);
            if !out.contains(&s) {
                out.push(s);
            }
        }
        if out.is_empty() {
            let raw = self.text(col)?;
            self.bad(col, raw, "subjects separated by ;, such as math;physics");
            return None;
        }
        Some(out)
    }

    /// An optional list of dates.
    pub(crate) fn dates(&mut self, col: usize) -> Result<Vec<Date>, Bad> {
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for s in self.list(col) {
            match parse_date(s) {
                Some(d) => out.push(d),
                None => bad.push(s),
            }
        }
        if bad.is_empty() {
            out.sort_unstable();
            out.dedup();
            return Ok(out);
        }
        let raw = self.cell(col).unwrap_or("");
        let shown = bad.iter().map(|b| format!("\"{b}\"")).collect::<Vec<_>>();
        self.bad(
            col,
            raw,
            format!(
                "dates such as 2021-11-03 separated by ; ({} {} not a date)",
                shown.join(", "),
                if bad.len() == 1 { "is" } else { "are" }
            ),
        );
        Err(Bad)
    }
}

/// The first character of `s` that does not show (1-based position): control
/// characters (NUL, tab, line breaks inside the value), zero-width and direction
/// marks, a byte-order mark inside the text, soft hyphens and no-break spaces.
pub(crate) fn invisible(s: &str) -> Option<(usize, char)> {
    s.chars()
        .enumerate()
        .find(|(_, c)| {
            c.is_control()
                || matches!(
                    c,
                    '\u{00A0}'
                        | '\u{00AD}'
                        | '\u{034F}'
                        | '\u{061C}'
                        | '\u{115F}'
                        | '\u{1160}'
                        | '\u{180E}'
                        | '\u{2000}'..='\u{200F}'
                        | '\u{2028}'..='\u{202F}'
                        | '\u{205F}'..='\u{206F}'
                        | '\u{3000}'
                        | '\u{3164}'
                        | '\u{FEFF}'
                        | '\u{FFA0}'
                        | '\u{FFF9}'..='\u{FFFB}'
                )
        })
        .map(|(i, c)| (i + 1, c))
}

/// A plain name for an invisible character.
pub(crate) fn invisible_name(c: char) -> &'static str {
    match c {
        '\0' => "NUL",
        '\t' => "tab",
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => "line break",
        '\u{00A0}' | '\u{202F}' => "no-break space",
        '\u{00AD}' => "soft hyphen",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "byte-order mark / zero-width no-break space",
        '\u{3000}' => "ideographic (full-width) space",
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            "text direction mark"
        }
        c if c.is_control() => "control character",
        _ => "invisible space or format character",
    }
}

/// A whole number, also when written with a zero decimal part as Excel exports
/// (`1980.0`), or in full-width digits as some Chinese input methods type them.
pub(crate) fn parse_whole(raw: &str) -> Option<i64> {
    let s = ascii_digits(raw.trim());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if !frac.bytes().all(|b| b == b'0') {
        return None;
    }
    let digits = int.strip_prefix(['+', '-']).unwrap_or(int);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int.parse().ok()
}

fn ascii_digits(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                '－' => '-',
                '＋' => '+',
                _ => c,
            })
            .collect(),
    )
}

/// ISO dates, and also `2021/11/3` and `2021-11-3`, which is what Excel makes of ISO
/// dates once a clerk has opened and saved the CSV.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().split(['-', '/', '.']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) {
        return None;
    }
    if !(1..=2).contains(&d.len()) {
        return None;
    }
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The English word of `V` a misspelt value was probably meant to be.
fn closest_word<V: Vocab>(raw: &str) -> Option<&'static str> {
    let lower = raw.trim().to_lowercase();
    V::TABLE
        .iter()
        .map(|(_, en, _)| (edit_distance(&lower, &en.to_lowercase()), *en))
        .filter(|(d, en)| *d <= 2 && *d < en.len().saturating_sub(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, en)| en)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::input::columns::{map_headers, EVALUATORS, SCHOOLS};
    use crate::model::{Locality, Stage};

    fn with_row<T>(
        header: &[&str],
        row: &[&str],
        f: impl FnOnce(&mut RowCtx) -> T,
    ) -> (T, Vec<InputError>) {
        let (mut e, mut n) = (Vec::new(), Vec::new());
        let spec = if header.contains(&"evaluator_id") {
            &EVALUATORS
        } else {
            &SCHOOLS
        };
        let m = map_headers(
            spec,
            &StringRecord::from(header.to_vec()),
            1,
            "f.csv",
            &mut e,
            &mut n,
        );
        e.clear();
        let rec = StringRecord::from(row.to_vec());
        let mut ctx = RowCtx::new(2, "f.csv", &rec, &m, &mut e, &mut n);
        let t = f(&mut ctx);
        (t, e)
    }

    #[test]
    fn invisible_characters_are_found_and_named() {
        assert_eq!(invisible("U1-01"), None);
        assert_eq!(invisible("王芳"), None);
        assert_eq!(invisible("U1\u{200B}-01"), Some((3, '\u{200B}')));
        assert_eq!(invisible("U1\u{FEFF}"), Some((3, '\u{FEFF}')));
        assert_eq!(invisible("\0U1"), Some((1, '\0')));
        assert_eq!(invisible_name('\u{200B}'), "zero-width space");
        assert_eq!(invisible_name('\u{1F}'), "control character");
        let h = ["school_id", "name"];
        let (v, e) = with_row(&h, &["U\u{200B}1", "x\u{200B}"], |r| {
            (r.text(0).map(str::to_string), r.text(1).map(str::to_string))
        });
        assert_eq!(v.0, None);
        assert_eq!(v.1.as_deref(), Some("x\u{200B}"), "names are not ids");
        let msg = e[0].to_string();
        assert!(
            msg.contains("U+200B (zero-width space), at character 2")
                && msg.contains("value \"U<U+200B>1\""),
            "{msg}"
        );
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(parse_whole("1980"), Some(1980));
        assert_eq!(parse_whole(" 1980.0 "), Some(1980));
        assert_eq!(parse_whole("1980.00"), Some(1980));
        assert_eq!(parse_whole("１９８０"), Some(1980));
        assert_eq!(parse_whole("-3"), Some(-3));
        assert_eq!(parse_whole("1980.5"), None);
        assert_eq!(parse_whole("19x2"), None);
        assert_eq!(parse_whole(".0"), None);
        assert_eq!(parse_whole("+"), None);
        assert_eq!(parse_whole("1e3"), None);
        assert_eq!(parse_whole("99999999999999999999"), None);
    }

    #[test]
    fn dates_iso_and_excel_resaved() {
        assert_eq!(parse_date("2021-11-03"), Date::new(2021, 11, 3));
        assert_eq!(parse_date("2021/11/3"), Date::new(2021, 11, 3));
        assert_eq!(parse_date("2021-2-29"), None);
        assert_eq!(parse_date("21-11-03"), None);
        assert_eq!(parse_date("2021-11-03-01"), None);
        assert_eq!(parse_date("2021-+1-03"), None);
    }

    #[test]
    fn vocab_errors_name_the_choices_and_a_guess() {
        let h = ["school_id", "locality", "stage"];
        let (v, e) = with_row(&h, &["U1", "Rual", "小学"], |r| {
            (r.vocab::<Locality>(4), r.vocab::<Stage>(6))
        });
        assert_eq!(v, (None, Some(Stage::Primary)));
        assert_eq!(e.len(), 1);
        let msg = e[0].to_string();
        assert!(
            msg.contains("row 2, column locality, value \"Rual\": expected one of urban (城区)"),
            "{msg}"
        );
        assert!(msg.ends_with("did you mean rural?"), "{msg}");
    }

    #[test]
    fn empty_required_and_optional_cells() {
        let h = ["school_id", "name", "weak", "staff", "lat"];
        let ((id, name, weak, staff, lat), e) = with_row(&h, &["U1", "  ", "是", "", ""], |r| {
            (
                r.text(0).map(str::to_string),
                r.text(1).map(str::to_string),
                r.flag(5),
                r.opt_count(9, 0),
                r.opt_degrees(7, 90.0),
            )
        });
        assert_eq!((id.as_deref(), name, weak), (Some("U1"), None, Some(true)));
        assert_eq!((staff, lat), (Ok(None), Ok(None)));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].kind, InputErrorKind::Empty);
        assert_eq!(e[0].column.as_deref(), Some("name"));
    }

    #[test]
    fn numbers_out_of_range() {
        let h = ["school_id", "staff", "lat", "lon"];
        let (v, e) = with_row(&h, &["U1", "-1", "91", "115.9"], |r| {
            (
                r.opt_count(9, 0),
                r.opt_degrees(7, 90.0),
                r.opt_degrees(8, 180.0),
            )
        });
        assert_eq!(v, (Err(Bad), Err(Bad), Ok(Some(115.9))));
        assert_eq!(e.len(), 2);
        assert!(e[0].to_string().contains("a whole number of at least 0"));
        assert!(e[1].to_string().contains("between -90 and 90"));
    }

    #[test]
    fn lists_of_subjects_and_dates() {
        let h = ["evaluator_id", "subjects", "unavailable"];
        let (v, e) = with_row(
            &h,
            &["E1", "数学；Math; physics;", "2021-11-03;2021/11/4"],
            |r| (r.subjects(4), r.dates(6)),
        );
        assert!(e.is_empty(), "{e:?}");
        let (s, d) = v;
        let s: Vec<_> = s.unwrap().into_iter().map(|s| s.0).collect();
        assert_eq!(s, vec!["math", "physics"]);
        assert_eq!(d.unwrap().len(), 2);
        let (v, e) = with_row(&h, &["E1", ";", "2021-11-03;tomorrow"], |r| {
            (r.subjects(4), r.dates(6))
        });
        assert_eq!(v.0, None);
        assert_eq!(v.1, Err(Bad));
        assert_eq!(e.len(), 2);
        assert!(e[1].to_string().contains("\"tomorrow\" is not a date"));
    }
}
