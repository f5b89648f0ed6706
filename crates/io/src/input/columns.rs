//! The columns of each input file and the matching of a header row against them.
//!
//! Clerks rename, reorder and translate headers; the loader accepts the English name or
//! the Chinese alias in any order and any case. Columns nobody asked for are fine (a
//! notice, never an error), but when one looks like a misspelt known column the notice
//! says so, since the real column will then be reported missing.

use super::error::{InputError, InputErrorKind};
use csv::StringRecord;

/// One column of an input file.
#[derive(Debug)]
pub(crate) struct Col {
    pub en: &'static str,
    pub zh: &'static str,
    pub required: bool,
    /// More headers meaning this column: those rotaplan's own outputs write (the
    /// Chinese sheet headers of `plan.xlsx`), so an output can be read back as input.
    pub more: &'static [&'static str],
    /// An id or a reference to one: invisible characters in it are errors.
    pub id: bool,
}

const fn req(en: &'static str, zh: &'static str) -> Col {
    Col {
        en,
        zh,
        required: true,
        more: &[],
        id: false,
    }
}

const fn opt(en: &'static str, zh: &'static str) -> Col {
    Col {
        en,
        zh,
        required: false,
        more: &[],
        id: false,
    }
}

impl Col {
    /// The same column, also headed as `more`.
    const fn or(self, more: &'static [&'static str]) -> Col {
        Col { more, ..self }
    }

    /// The same column, holding ids.
    const fn id(self) -> Col {
        Col { id: true, ..self }
    }
}

/// `plan.xlsx`'s headers of the id columns (see `xlsx::headers`).
const SCHOOL_ID_OUT: &[&str] = &["学校编号"];
const TEACHER_ID_OUT: &[&str] = &["教师编号"];

/// The columns of one file; each per-file parser indexes `cols` by its own constants.
#[derive(Debug)]
pub(crate) struct Spec {
    pub cols: &'static [Col],
}

pub(crate) const SCHOOLS: Spec = Spec {
    cols: &[
        req("school_id", "学校代码").or(SCHOOL_ID_OUT).id(),
        req("name", "学校名称"),
        req("district", "县区").or(&["区县"]),
        opt("township", "乡镇"),
        req("locality", "城乡类型").or(&["城乡类别"]),
        req("weak", "薄弱学校"),
        req("stage", "学段"),
        opt("lat", "纬度"),
        opt("lon", "经度"),
        opt("staff", "编制数").or(&["在编教师"]),
    ],
};

pub(crate) const TEACHERS: Spec = Spec {
    cols: &[
        req("teacher_id", "工号").or(TEACHER_ID_OUT).id(),
        req("name", "姓名"),
        req("gender", "性别"),
        req("birth_year", "出生年份"),
        req("school_id", "学校代码").or(SCHOOL_ID_OUT).id(),
        req("subject", "任教学科"),
        req("title", "职称"),
        req("backbone", "骨干级别"),
        req("role", "岗位"),
        req("joined_school_year", "到校年份"),
        req("status", "状态"),
        opt("volunteer", "自愿交流"),
        opt("birth_month", "出生月份"),
        opt("retirement_age", "退休年龄"),
        opt("spare_periods", "可走教课时"),
    ],
};

pub(crate) const NEEDS: Spec = Spec {
    cols: &[
        req("school_id", "学校代码").or(SCHOOL_ID_OUT).id(),
        req("subject", "学科"),
        req("count", "人数"),
        opt("priority", "优先级"),
        opt("year", "年度"),
    ],
};

pub(crate) const LEDGER: Spec = Spec {
    cols: &[
        req("teacher_id", "工号").or(TEACHER_ID_OUT).id(),
        req("from_school", "派出学校").id(),
        req("to_school", "接收学校").id(),
        req("subject", "学科"),
        req("form", "形式").or(&["交流形式"]),
        req("start_year", "开始年份"),
        req("end_year", "结束年份"),
        req("status", "状态"),
    ],
};

pub(crate) const EVALUATORS: Spec = Spec {
    cols: &[
        req("evaluator_id", "评委编号").or(&["评价人编号"]).id(),
        req("name", "姓名"),
        opt("school_id", "所在学校").or(SCHOOL_ID_OUT).id(),
        req("district", "县区").or(&["区县"]),
        req("subjects", "学科"),
        opt("max_per_day", "每日上限"),
        opt("unavailable", "不可用日期"),
    ],
};

/// A plan made elsewhere (`verify --plan`, `--previous`): the columns of `plan.csv`,
/// also under the Chinese headers `plan.xlsx` writes (see `xlsx::headers`). Only
/// teacher_id and to_school are required; the others, when absent or empty, take the
/// values rotaplan itself would write (see `input::plan_file`). name, backbone, the
/// districts and distance_km are known so that a plan read back raises no notice, and
/// are not used (the checker works them out from the data).
pub(crate) const PLAN: Spec = Spec {
    cols: &[
        req("teacher_id", "工号").or(TEACHER_ID_OUT).id(),
        req("to_school", "接收学校").id(),
        opt("from_school", "派出学校").id(),
        opt("subject", "学科").or(&["岗位学科"]),
        opt("form", "形式").or(&["交流形式"]),
        opt("start_year", "开始年份"),
        opt("end_year", "结束年份"),
        opt("name", "姓名"),
        opt("backbone", "骨干级别"),
        opt("from_district", "派出区县").or(&["派出县区"]),
        opt("to_district", "接收区县").or(&["接收县区"]),
        opt("distance_km", "距离(公里)").or(&["距离", "距离（公里）"]),
    ],
};

/// An events file for `schedule --events` (school inspections and the like).
pub(crate) const EVENTS: Spec = Spec {
    cols: &[
        req("event_id", "事件编号").id(),
        req("kind", "类型"),
        opt("teacher_id", "工号").or(TEACHER_ID_OUT).id(),
        req("school_id", "学校代码").or(SCHOOL_ID_OUT).id(),
        req("subject", "学科"),
        req("window_start", "开始日期"),
        req("window_end", "结束日期"),
        opt("panel_size", "评委人数"),
    ],
};

pub(crate) const PINS: Spec = Spec {
    cols: &[
        req("teacher_id", "工号").or(TEACHER_ID_OUT).id(),
        req("action", "动作"),
        opt("school_id", "学校代码").or(SCHOOL_ID_OUT).id(),
        opt("year", "年度"),
        opt("note", "备注"),
    ],
};

pub(crate) const WISHES: Spec = Spec {
    cols: &[
        req("teacher_id", "工号").or(TEACHER_ID_OUT).id(),
        req("rank", "志愿序号"),
        req("school_id", "志愿学校").or(SCHOOL_ID_OUT).id(),
    ],
};

/// Where each column of a spec sits in the file, and how to name it in messages.
#[derive(Debug, Clone)]
pub(crate) struct HeaderMap {
    /// Field index in the file, per spec column.
    pub index: Vec<Option<usize>>,
    /// Per spec column: the header as written, with the English name added when the
    /// header was the Chinese alias (`出生年份 (birth_year)`); the English name when absent.
    pub labels: Vec<String>,
    /// Number of cells in the header row.
    pub width: usize,
    /// Per spec column: whether it holds ids.
    pub ids: Vec<bool>,
}

impl HeaderMap {
    pub(crate) fn has(&self, col: usize) -> bool {
        matches!(self.index.get(col), Some(Some(_)))
    }

    pub(crate) fn label(&self, col: usize) -> &str {
        self.labels.get(col).map_or("", String::as_str)
    }

    pub(crate) fn is_id(&self, col: usize) -> bool {
        self.ids.get(col).copied().unwrap_or(false)
    }

    /// The label of the column at field `pos` of the file: the spec column's, else
    /// the spreadsheet letter.
    pub(crate) fn label_at(&self, pos: usize) -> String {
        match self.index.iter().position(|i| *i == Some(pos)) {
            Some(col) => self.label(col).to_string(),
            None => format!("{} (ignored)", column_letter(pos)),
        }
    }
}

/// A header cell as compared: without a stray BOM and surrounding (also full-width)
/// spaces.
fn clean(h: &str) -> &str {
    h.trim_start_matches('\u{feff}').trim()
}

fn matches(h: &str, c: &Col) -> bool {
    h.eq_ignore_ascii_case(c.en) || h == c.zh || c.more.contains(&h)
}

/// Matches a header row against `spec`. Missing required columns and duplicated columns
/// are errors; unknown columns become notices.
pub(crate) fn map_headers(
    spec: &Spec,
    header: &StringRecord,
    row: usize,
    file: &str,
    errors: &mut Vec<InputError>,
    notices: &mut Vec<String>,
) -> HeaderMap {
    let mut index: Vec<Option<usize>> = vec![None; spec.cols.len()];
    let mut labels: Vec<String> = spec.cols.iter().map(|c| c.en.to_string()).collect();
    let mut unknown: Vec<(usize, &str)> = Vec::new();
    for (pos, raw) in header.iter().enumerate() {
        let h = clean(raw);
        if h.is_empty() {
            continue;
        }
        let Some(ci) = spec.cols.iter().position(|c| matches(h, c)) else {
            unknown.push((pos, h));
            let mut n = format!(
                "{file}: column {} \"{h}\" is not used by rotaplan and was ignored",
                column_letter(pos)
            );
            if let Some(s) = suggest(h, spec) {
                n.push_str(&format!(" (did you mean {s}?)"));
            }
            notices.push(n);
            continue;
        };
        let col = spec.cols.get(ci);
        let label = match col {
            Some(c) if !h.eq_ignore_ascii_case(c.en) => format!("{h} ({})", c.en),
            _ => h.to_string(),
        };
        match index.get_mut(ci) {
            Some(slot @ None) => {
                *slot = Some(pos);
                if let Some(l) = labels.get_mut(ci) {
                    *l = label;
                }
            }
            Some(Some(first)) => {
                let first = format!(
                    "{} in column {}",
                    labels.get(ci).map_or("", String::as_str),
                    column_letter(*first)
                );
                errors.push(InputError::at(
                    file,
                    row,
                    Some(&format!("{label} in column {}", column_letter(pos))),
                    None,
                    InputErrorKind::DuplicateColumn { first },
                ));
            }
            None => {}
        }
    }
    let found = found_headers(header);
    // Headers that are known names read in the wrong encoding: the whole file is
    // misread, and one message says so instead of a missing column each.
    let garbled: Vec<(usize, &str, String)> = unknown
        .iter()
        .filter_map(|&(pos, h)| {
            let t = super::decode::misread(h)?;
            spec.cols
                .iter()
                .any(|c| matches(clean(&t), c))
                .then_some((pos, h, t))
        })
        .collect();
    if let Some((pos, h, t)) = garbled.first() {
        errors.push(InputError::at(
            file,
            row,
            None,
            None,
            InputErrorKind::WrongEncoding {
                count: garbled.len(),
                columns: "the header row".to_string(),
                example: format!(
                    "column {} \"{h}\" is \"{}\" read in the wrong encoding",
                    column_letter(*pos),
                    clean(t)
                ),
            },
        ));
        return HeaderMap {
            index,
            labels,
            width: header.len(),
            ids: spec.cols.iter().map(|c| c.id).collect(),
        };
    }
    for (i, c) in spec.cols.iter().enumerate() {
        if c.required && !matches!(index.get(i), Some(Some(_))) {
            let closest = unknown
                .iter()
                .filter_map(|&(pos, h)| closeness(h, c).map(|d| (d, pos, h)))
                .min_by_key(|(d, pos, _)| (*d, *pos))
                .map(|(_, pos, h)| {
                    format!(
                        "column {} \"{h}\" looks like it: rename it to {}",
                        column_letter(pos),
                        if h.is_ascii() { c.en } else { c.zh }
                    )
                });
            errors.push(InputError::at(
                file,
                row,
                None,
                None,
                InputErrorKind::MissingColumn {
                    english: c.en.to_string(),
                    chinese: c.zh.to_string(),
                    hint: closest.map(|h| format!("; {h}")).unwrap_or_default(),
                    found: found.clone(),
                },
            ));
        }
    }
    HeaderMap {
        index,
        labels,
        width: header.len(),
        ids: spec.cols.iter().map(|c| c.id).collect(),
    }
}

/// The header row as found, for a missing-column message: `A "工号（必填）", B "姓名"`.
fn found_headers(header: &StringRecord) -> String {
    let cells: Vec<String> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| !clean(h).is_empty())
        .map(|(pos, h)| {
            format!(
                "{} \"{}\"",
                column_letter(pos),
                super::error::shorten(clean(h))
            )
        })
        .collect();
    if cells.is_empty() {
        "no headers".to_string()
    } else {
        cells.join(", ")
    }
}

/// `expected` for an empty file: every required column in both languages.
pub(crate) fn describe(spec: &Spec) -> String {
    spec.cols
        .iter()
        .filter(|c| c.required)
        .map(|c| format!("{} ({})", c.en, c.zh))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub(crate) fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(char::from(b'A' + (i % 26) as u8));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.iter().rev().collect()
}

/// How close an unknown header is to column `c` (smaller is closer), or `None` when
/// it does not look like it. A header holding the name with a remark around it
/// (`工号（必填）`, `*teacher_id`) counts as close.
fn closeness(h: &str, c: &Col) -> Option<usize> {
    let lower = h.to_lowercase();
    let normalised: String = lower
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    let d_en = edit_distance(&normalised, c.en);
    let d_zh = edit_distance(h, c.zh);
    let en_close =
        d_en <= (c.en.chars().count() / 4).max(1) || (c.en.len() >= 4 && normalised.contains(c.en));
    let zh_close = d_zh <= (c.zh.chars().count() / 3).max(1)
        || (h.chars().count() >= 2 && (c.zh.contains(h) || h.contains(c.zh)));
    match (en_close, zh_close) {
        (true, true) => Some(d_en.min(d_zh)),
        (true, false) => Some(d_en),
        (false, true) => Some(d_zh),
        (false, false) => None,
    }
}

/// The known column an unknown header was probably meant to be.
fn suggest(h: &str, spec: &Spec) -> Option<String> {
    spec.cols
        .iter()
        .filter_map(|c| closeness(h, c).map(|d| (d, c)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("{} ({})", c.en, c.zh))
}

/// Levenshtein distance in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev
                .get(j)
                .map_or(usize::MAX, |p| p + usize::from(ca != *cb));
            let del = prev.get(j + 1).map_or(usize::MAX, |p| p + 1);
            let ins = cur.get(j).map_or(usize::MAX, |p| p + 1);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn map(header: &[&str]) -> (HeaderMap, Vec<InputError>, Vec<String>) {
        let (mut e, mut n) = (Vec::new(), Vec::new());
        let m = map_headers(
            &NEEDS,
            &StringRecord::from(header.to_vec()),
            1,
            "needs.csv",
            &mut e,
            &mut n,
        );
        (m, e, n)
    }

    #[test]
    fn english_or_chinese_any_order_and_case() {
        let (m, e, n) = map(&[" 人数 ", "School_ID", "\u{feff}学科"]);
        assert!(e.is_empty() && n.is_empty());
        assert_eq!(m.index, vec![Some(1), Some(2), Some(0), None, None]);
        assert_eq!(m.label(0), "School_ID");
        assert_eq!(m.label(2), "人数 (count)");
        assert_eq!(m.label(3), "priority");
    }

    const FOUND: &str = "A \"school_id\", B \"学校代码\", C \"subjet\", D \"备注\"";

    #[test]
    fn missing_column_names_the_closest_header_and_what_was_found() {
        let (_, e, _) = map(&["学校代码（必填）", "学科", "人数"]);
        assert_eq!(e.len(), 1, "{e:?}");
        let msg = e[0].to_string();
        assert!(
            msg.contains("missing required column school_id (学校代码)")
                && msg
                    .contains("column A \"学校代码（必填）\" looks like it: rename it to 学校代码")
                && msg
                    .contains("the header row has: A \"学校代码（必填）\", B \"学科\", C \"人数\""),
            "{msg}"
        );
        // rotaplan's own plan.xlsx headers are read as the columns they mean.
        let (m, e, _) = map(&["学校编号", "学科", "人数"]);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(m.index, vec![Some(0), Some(1), Some(2), None, None]);
    }

    #[test]
    fn missing_duplicate_and_unknown_columns() {
        let (_, e, n) = map(&["school_id", "学校代码", "subjet", "备注", ""]);
        let kinds: Vec<_> = e.iter().map(|x| x.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                InputErrorKind::DuplicateColumn {
                    first: "school_id in column A".into()
                },
                InputErrorKind::MissingColumn {
                    english: "subject".into(),
                    chinese: "学科".into(),
                    hint: "; column C \"subjet\" looks like it: rename it to subject".into(),
                    found: FOUND.into(),
                },
                InputErrorKind::MissingColumn {
                    english: "count".into(),
                    chinese: "人数".into(),
                    hint: String::new(),
                    found: FOUND.into(),
                },
            ]
        );
        assert_eq!(
            e[0].column.as_deref(),
            Some("学校代码 (school_id) in column B")
        );
        assert_eq!(n.len(), 2);
        assert!(n[0].contains("did you mean subject (学科)?"), "{}", n[0]);
        assert!(n[1].contains("\"备注\"") && !n[1].contains("did you mean"));
        assert!(e[1]
            .to_string()
            .contains("missing required column subject (学科)"));
    }

    #[test]
    fn suggestions_in_both_languages() {
        assert_eq!(
            suggest("Birth Year", &TEACHERS).as_deref(),
            Some("birth_year (出生年份)")
        );
        assert_eq!(
            suggest("出生年", &TEACHERS).as_deref(),
            Some("birth_year (出生年份)")
        );
        assert_eq!(
            suggest("学科", &TEACHERS).as_deref(),
            Some("subject (任教学科)")
        );
        assert_eq!(suggest("remarks", &TEACHERS), None);
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("出生年", "出生年份"), 1);
    }
}
