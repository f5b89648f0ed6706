//! The events to schedule: one evaluation per exchange of a plan whose term covers the
//! year (read from a `plan.csv` as `plan` writes it), plus extra events of the same
//! shape from an events file (school inspections and the like).
//!
//! Bad rows never stop at the first problem: every one is reported with file, row,
//! column and value, like the data loader does.

use super::calendar::window_in_year;
use super::{Event, EventKind};
use crate::model::{Dataset, Date, SchoolId, Subject, TeacherId};
use crate::rules::Rules;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

/// One problem in a plan or events file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInputError {
    pub file: String,
    /// Spreadsheet row (header = 1); 0 for the whole file.
    pub row: usize,
    pub column: String,
    pub value: String,
    pub problem: String,
}

impl fmt::Display for EventInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.row == 0 {
            write!(f, "{}: {}", self.file, self.problem)
        } else {
            write!(
                f,
                "{}: row {}, column {}, value \"{}\": {}",
                self.file, self.row, self.column, self.value, self.problem
            )
        }
    }
}

/// A CSV file read as text (UTF-8 with or without BOM, else GB18030), with its header
/// matched against English names and Chinese aliases.
struct Sheet {
    file: String,
    /// Column name (English) → position in the record.
    index: BTreeMap<&'static str, usize>,
    records: Vec<(usize, csv::StringRecord)>,
}

impl Sheet {
    fn open(
        path: &Path,
        cols: &[(&'static str, &'static str, bool)],
        errors: &mut Vec<EventInputError>,
    ) -> Option<Sheet> {
        let file = path.display().to_string();
        let whole = |problem: String| EventInputError {
            file: file.clone(),
            row: 0,
            column: String::new(),
            value: String::new(),
            problem,
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                errors.push(whole(format!("cannot read the file: {e}")));
                return None;
            }
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
        };
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = Vec::new();
        for (i, rec) in rd.records().enumerate() {
            match rec {
                Ok(r) => records.push((i + 1, r)),
                Err(e) => {
                    errors.push(whole(format!("cannot read the file: {e}")));
                    return None;
                }
            }
        }
        let Some((_, header)) = records.first().cloned() else {
            errors.push(whole(
                "the file is empty: expected a header row".to_string(),
            ));
            return None;
        };
        records.remove(0);
        let mut index = BTreeMap::new();
        for (pos, h) in header.iter().enumerate() {
            let h = h.trim().to_lowercase();
            if let Some((en, _, _)) = cols.iter().find(|(en, zh, _)| h == *en || h == *zh) {
                index.entry(*en).or_insert(pos);
            }
        }
        let mut ok = true;
        for (en, zh, required) in cols {
            if *required && !index.contains_key(en) {
                errors.push(whole(format!("missing required column {en} ({zh})")));
                ok = false;
            }
        }
        ok.then_some(Sheet {
            file,
            index,
            records,
        })
    }

    fn cell<'r>(&self, rec: &'r csv::StringRecord, col: &str) -> Option<&'r str> {
        let c = rec.get(*self.index.get(col)?)?.trim();
        (!c.is_empty()).then_some(c)
    }

    fn err(
        &self,
        row: usize,
        col: &str,
        value: Option<&str>,
        problem: impl Into<String>,
    ) -> EventInputError {
        EventInputError {
            file: self.file.clone(),
            row,
            column: col.to_string(),
            value: value.unwrap_or("").to_string(),
            problem: problem.into(),
        }
    }
}

const PLAN_COLS: [(&str, &str, bool); 5] = [
    ("teacher_id", "工号", true),
    ("subject", "学科", true),
    ("from_school", "派出学校", true),
    ("to_school", "接收学校", true),
    ("start_year", "开始年份", true),
];

fn school_index(data: &Dataset) -> BTreeMap<&str, usize> {
    data.schools
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect()
}

/// The exchanges of a plan file, for the years they cover. `end_year` may be missing
/// (then the term is `rules.term.years` long).
struct PlanRow {
    row: usize,
    teacher: TeacherId,
    subject: Subject,
    from: usize,
    to: usize,
    start: i32,
    end: i32,
}

fn read_plan(
    path: &Path,
    data: &Dataset,
    rules: &Rules,
    errors: &mut Vec<EventInputError>,
) -> Vec<PlanRow> {
    let mut cols = PLAN_COLS.to_vec();
    cols.push(("end_year", "结束年份", false));
    let Some(sheet) = Sheet::open(path, &cols, errors) else {
        return Vec::new();
    };
    let schools = school_index(data);
    let mut out = Vec::new();
    for (row, rec) in &sheet.records {
        let row = *row;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut bad = false;
        let mut need = |col: &str| {
            let v = sheet.cell(rec, col);
            if v.is_none() {
                errors.push(sheet.err(row, col, None, "a value is required here"));
                bad = true;
            }
            v
        };
        let (t, s, f, to, st) = (
            need("teacher_id"),
            need("subject"),
            need("from_school"),
            need("to_school"),
            need("start_year"),
        );
        let mut school = |col: &str, v: Option<&str>| -> Option<usize> {
            let v = v?;
            let i = schools.get(v).copied();
            if i.is_none() {
                errors.push(sheet.err(row, col, Some(v), "no such school in schools.csv"));
            }
            i
        };
        let (from, to) = (school("from_school", f), school("to_school", to));
        let mut year = |col: &str, v: Option<&str>| -> Option<i32> {
            let v = v?;
            let y = v.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y));
            if y.is_none() {
                errors.push(sheet.err(row, col, Some(v), "expected a year such as 2021"));
            }
            y
        };
        let start = year("start_year", st);
        let end = match sheet.cell(rec, "end_year") {
            Some(v) => year("end_year", Some(v)),
            None => start.map(|s| s + rules.term.years - 1),
        };
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errors.push(sheet.err(
                    row,
                    "end_year",
                    sheet.cell(rec, "end_year"),
                    format!("the term ends before it starts ({s})"),
                ));
                continue;
            }
        }
        if let (false, Some(t), Some(s), Some(from), Some(to), Some(start), Some(end)) =
            (bad, t, s, from, to, start, end)
        {
            out.push(PlanRow {
                row,
                teacher: TeacherId::from(t),
                subject: Subject::normalise(s),
                from,
                to,
                start,
                end,
            });
        }
    }
    let mut seen = BTreeMap::new();
    for p in &out {
        if let Some(first) = seen.insert(p.teacher.clone(), p.row) {
            errors.push(sheet.err(
                p.row,
                "teacher_id",
                Some(p.teacher.as_str()),
                format!("this teacher is already in the plan on row {first}"),
            ));
        }
    }
    out
}

/// The year to schedule and the plan's evaluations: one per exchange whose term covers
/// the year (default year: the earliest `start_year` in the file).
pub fn plan_events(
    path: &Path,
    data: &Dataset,
    rules: &Rules,
    year: Option<i32>,
) -> Result<(i32, Vec<Event>), Vec<EventInputError>> {
    let mut errors = Vec::new();
    let rows = read_plan(path, data, rules, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let year = match year.or_else(|| rows.iter().map(|r| r.start).min()) {
        Some(y) => y,
        None => {
            return Err(vec![EventInputError {
                file: path.display().to_string(),
                row: 0,
                column: String::new(),
                value: String::new(),
                problem: "the plan has no exchanges; give --year to schedule extra events only"
                    .to_string(),
            }])
        }
    };
    let window = rule_window(rules, year, path)?;
    let events = rows
        .into_iter()
        .filter(|r| r.start <= year && year <= r.end)
        .map(|r| Event {
            id: format!("EV{year}-{}", r.teacher),
            kind: EventKind::Evaluation,
            teacher: Some(r.teacher),
            host: r.to,
            sending: Some(r.from),
            subject: r.subject,
            window,
            panel_size: rules.evaluation.panel_size,
        })
        .collect();
    Ok((year, events))
}

fn rule_window(
    rules: &Rules,
    year: i32,
    path: &Path,
) -> Result<(Date, Date), Vec<EventInputError>> {
    window_in_year(rules.evaluation.window, year).ok_or_else(|| {
        vec![EventInputError {
            file: path.display().to_string(),
            row: 0,
            column: String::new(),
            value: String::new(),
            problem: format!(
                "the evaluation window {}..{} has no day in {year}",
                rules.evaluation.window.0, rules.evaluation.window.1
            ),
        }]
    })
}

const EVENT_COLS: [(&str, &str, bool); 8] = [
    ("event_id", "事件编号", true),
    ("kind", "类型", true),
    ("teacher_id", "工号", false),
    ("school_id", "学校代码", true),
    ("subject", "学科", true),
    ("window_start", "开始日期", true),
    ("window_end", "结束日期", true),
    ("panel_size", "评委人数", false),
];

/// Extra events from an events file. An event with a teacher recuses that teacher's own
/// school (from teachers.csv); an inspection recuses the inspected school through the
/// host-school recusal rules.
pub fn extra_events(
    path: &Path,
    data: &Dataset,
    rules: &Rules,
    taken: &BTreeSet<String>,
) -> Result<Vec<Event>, Vec<EventInputError>> {
    let mut errors = Vec::new();
    let Some(sheet) = Sheet::open(path, &EVENT_COLS, &mut errors) else {
        return Err(errors);
    };
    let schools = school_index(data);
    let teachers: BTreeMap<&str, &SchoolId> = data
        .teachers
        .iter()
        .map(|t| (t.id.as_str(), &t.school))
        .collect();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (row, rec) in &sheet.records {
        let row = *row;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut ok = true;
        let mut req = |col: &str| {
            let v = sheet.cell(rec, col);
            if v.is_none() {
                errors.push(sheet.err(row, col, None, "a value is required here"));
                ok = false;
            }
            v
        };
        let (id, kind, school, subject, ws, we) = (
            req("event_id"),
            req("kind"),
            req("school_id"),
            req("subject"),
            req("window_start"),
            req("window_end"),
        );
        if let Some(id) = id {
            if taken.contains(id) {
                errors.push(sheet.err(
                    row,
                    "event_id",
                    Some(id),
                    "this id is already used by an evaluation of the plan",
                ));
                ok = false;
            } else if let Some(first) = ids.insert(id.to_string(), row) {
                errors.push(sheet.err(
                    row,
                    "event_id",
                    Some(id),
                    format!("duplicate: already used on row {first}"),
                ));
                ok = false;
            }
        }
        let kind = kind.and_then(|k| {
            let v = EventKind::parse(k);
            if v.is_none() {
                errors.push(sheet.err(
                    row,
                    "kind",
                    Some(k),
                    "expected evaluation (考核) or inspection (督查)",
                ));
                ok = false;
            }
            v
        });
        let host = school.and_then(|s| {
            let v = schools.get(s).copied();
            if v.is_none() {
                errors.push(sheet.err(row, "school_id", Some(s), "no such school in schools.csv"));
                ok = false;
            }
            v
        });
        let teacher = sheet.cell(rec, "teacher_id");
        let sending = match teacher {
            Some(t) => match teachers.get(t).and_then(|s| schools.get(s.as_str())) {
                Some(&i) => Some(i),
                None => {
                    errors.push(sheet.err(
                        row,
                        "teacher_id",
                        Some(t),
                        "no such teacher in teachers.csv",
                    ));
                    ok = false;
                    None
                }
            },
            None => None,
        };
        if kind == Some(EventKind::Evaluation) && teacher.is_none() {
            errors.push(sheet.err(
                row,
                "teacher_id",
                None,
                "an evaluation needs the teacher assessed",
            ));
            ok = false;
        }
        let mut date = |col: &str, v: Option<&str>| {
            let v = v?;
            let d = Date::parse(v);
            if d.is_none() {
                errors.push(sheet.err(row, col, Some(v), "expected a date such as 2021-11-03"));
                ok = false;
            }
            d
        };
        let (start, end) = (date("window_start", ws), date("window_end", we));
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errors.push(sheet.err(
                    row,
                    "window_end",
                    we,
                    format!("the window ends before it starts ({s})"),
                ));
                ok = false;
            }
        }
        let panel_size = match sheet.cell(rec, "panel_size") {
            None => Some(rules.evaluation.panel_size),
            Some(v) => {
                let p = v
                    .parse::<u32>()
                    .ok()
                    .filter(|p| *p >= rules.evaluation.min_same_subject.max(1) && *p <= 50);
                if p.is_none() {
                    errors.push(sheet.err(
                        row,
                        "panel_size",
                        Some(v),
                        format!(
                            "expected a whole number from {} (min_same_subject) to 50",
                            rules.evaluation.min_same_subject.max(1)
                        ),
                    ));
                    ok = false;
                }
                p
            }
        };
        if let (true, Some(id), Some(kind), Some(host), Some(subject), Some(s), Some(e), Some(p)) =
            (ok, id, kind, host, subject, start, end, panel_size)
        {
            out.push(Event {
                id: id.to_string(),
                kind,
                teacher: teacher.map(TeacherId::from),
                host,
                sending,
                subject: Subject::normalise(subject),
                window: (s, e),
                panel_size: p,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
