//! Loading a data folder into a [`Dataset`], reporting every problem at once.
//!
//! A clerk fixing a spreadsheet wants the whole list of problems, not one per run, so
//! every file is read to the end and every bad cell, duplicate and dangling reference
//! is collected before anything is returned. Row numbers are spreadsheet rows (header =
//! row 1, first data row = row 2), so an error can be found in Excel or WPS directly.
//!
//! Files may be CSV (UTF-8 with or without BOM, GBK/GB18030, UTF-16 with BOM) or a
//! spreadsheet (first sheet); headers may be English or Chinese, in any order.

mod cells;
mod checks;
mod columns;
mod decode;
mod error;
mod evaluators;
pub mod events;
mod itinerant;
mod ledger;
mod needs;
mod pins;
pub mod plan_file;
mod rows;
pub mod schedule_events;
mod schools;
mod table;
mod teachers;

#[cfg(test)]
mod tests;

pub use error::{InputError, InputErrorKind, InputErrors};

use crate::model::{Dataset, LedgerEntry};
use rows::{FileReport, Rows};
use std::path::{Path, PathBuf};
use table::{OpenError, Table};

/// Where to find each input file. An explicit path wins over `dir`.
#[derive(Debug, Clone, Default)]
pub struct DataSources {
    pub dir: Option<PathBuf>,
    pub schools: Option<PathBuf>,
    pub teachers: Option<PathBuf>,
    pub needs: Option<PathBuf>,
    pub ledger: Option<PathBuf>,
    pub evaluators: Option<PathBuf>,
    /// `itinerant_needs.csv` (optional): lessons schools lack, for itinerant teaching.
    pub itinerant_needs: Option<PathBuf>,
    /// `pins.csv` (optional): teachers pinned to stay, move, go to or avoid a school.
    pub pins: Option<PathBuf>,
    /// `wishes.csv` (optional): teachers' ranked host schools.
    pub wishes: Option<PathBuf>,
}

/// A loaded, validated data folder, and remarks worth showing (ignored columns, ledger
/// rows about teachers no longer on the roster, and the like).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub data: Dataset,
    pub notices: Vec<String>,
}

/// Where one file is to be read from, once the sources are resolved.
enum Found {
    File(PathBuf),
    /// A required file that is nowhere to be found: (name for messages, why).
    Missing(String, String),
    /// An optional file that is not there.
    Absent,
}

/// Picks the file for `name`: the explicit path, else `<dir>/<name>.csv`, else
/// `<dir>/<name>.xlsx`.
fn resolve(
    explicit: Option<&Path>,
    dir: Option<&Path>,
    name: &str,
    required: bool,
    notices: &mut Vec<String>,
) -> Found {
    if let Some(p) = explicit {
        return Found::File(p.to_path_buf());
    }
    let Some(dir) = dir else {
        return if required {
            Found::Missing(
                format!("{name}.csv"),
                format!("no data folder and no {name} file were given (use --data or --{name})"),
            )
        } else {
            Found::Absent
        };
    };
    let csv = dir.join(format!("{name}.csv"));
    let xlsx = dir.join(format!("{name}.xlsx"));
    match (csv.is_file(), xlsx.is_file()) {
        (true, both) => {
            if both {
                notices.push(format!(
                    "both {} and {} exist; using {}",
                    csv.display(),
                    xlsx.display(),
                    csv.display()
                ));
            }
            Found::File(csv)
        }
        (false, true) => Found::File(xlsx),
        (false, false) if required => {
            let why = if dir.is_dir() {
                format!("neither {} nor {} exists", csv.display(), xlsx.display())
            } else {
                format!("the data folder {} does not exist", dir.display())
            };
            Found::Missing(csv.display().to_string(), why)
        }
        (false, false) => Found::Absent,
    }
}

/// Opens and parses one file; a missing or unreadable file is reported and yields no
/// rows.
fn read<T>(
    found: &Found,
    parse: impl FnMut(&mut Table, &mut FileReport) -> Rows<T>,
) -> (FileReport, Rows<T>) {
    read_sheet(found, None, parse)
}

/// As [`read`], a workbook read from its sheet named `prefer` when it has one.
fn read_sheet<T>(
    found: &Found,
    prefer: Option<&str>,
    mut parse: impl FnMut(&mut Table, &mut FileReport) -> Rows<T>,
) -> (FileReport, Rows<T>) {
    match found {
        Found::Absent => (FileReport::new(String::new()), Rows::default()),
        Found::Missing(name, why) => {
            let mut report = FileReport::new(name.clone());
            report.complete = false;
            report.errors.push(InputError::file(
                name,
                InputErrorKind::MissingFile {
                    detail: why.clone(),
                },
            ));
            (report, Rows::default())
        }
        Found::File(path) => {
            let mut report = FileReport::new(path.display().to_string());
            let mut opened = Table::open_sheet(path, false, prefer);
            if let Ok(table) = &mut opened {
                name_sheet(&mut report, table);
                let rows = parse(table, &mut report);
                if !table.not_utf8() {
                    return (report, rows);
                }
                // Not UTF-8 after all: what was read is void; read it as GB18030.
                report = FileReport::new(path.display().to_string());
                opened = Table::open_sheet(path, true, prefer);
            }
            match opened {
                Ok(mut table) => {
                    let rows = parse(&mut table, &mut report);
                    (report, rows)
                }
                Err(e) => {
                    let kind = match e {
                        OpenError::NotFound => InputErrorKind::MissingFile {
                            detail: "no such file".to_string(),
                        },
                        e => InputErrorKind::Unreadable {
                            reason: e.to_string(),
                        },
                    };
                    report.complete = false;
                    report.errors.push(InputError::file(&report.file, kind));
                    (report, Rows::default())
                }
            }
        }
    }
}

/// For a workbook, names the sheet read in every message about the file
/// (`teachers.xlsx [sheet 名册]`), and says which hidden sheets were passed over.
fn name_sheet(report: &mut FileReport, table: &Table) {
    let Some(sheet) = &table.sheet else { return };
    let whole = std::mem::take(&mut report.file);
    report.file = format!("{whole} [sheet {}]", sheet.name);
    if !sheet.skipped.is_empty() {
        report.notices.push(format!(
            "{whole}: the first sheet(s) {} are hidden (or not worksheets) and were skipped; \
             reading the first visible sheet, {}",
            sheet
                .skipped
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", "),
            sheet.name
        ));
    }
}

/// Loads and validates a data folder. Every problem in every file is reported, in file
/// order (schools, teachers, needs, ledger, evaluators, itinerant needs, pins,
/// wishes) and by row within a file.
pub fn load(sources: &DataSources) -> Result<Loaded, InputErrors> {
    let mut notices = Vec::new();
    let dir = sources.dir.as_deref();
    let mut find = |explicit: &Option<PathBuf>, name, required| {
        resolve(explicit.as_deref(), dir, name, required, &mut notices)
    };
    let found = [
        find(&sources.schools, "schools", true),
        find(&sources.teachers, "teachers", true),
        find(&sources.needs, "needs", true),
        find(&sources.ledger, "ledger", false),
        find(&sources.evaluators, "evaluators", false),
        find(&sources.itinerant_needs, "itinerant_needs", false),
        find(&sources.pins, "pins", false),
        find(&sources.wishes, "wishes", false),
    ];
    let [f_schools, f_teachers, f_needs, f_ledger, f_evaluators, f_itinerant, f_pins, f_wishes] =
        &found;

    let (mut r_schools, schools) = read(f_schools, schools::parse);
    let mut dup_schools = Vec::new();
    let school_idx = checks::index(
        &schools,
        |s| s.id.as_str(),
        &r_schools.file,
        schools::ID,
        &mut dup_schools,
    );
    let known_schools = r_schools.complete.then_some(&school_idx);

    let mut spare = Vec::new();
    let (mut r_teachers, teachers) = read(f_teachers, |t, r| {
        // A GBK file is read twice: only the second reading's values count.
        spare.clear();
        teachers::parse(t, r, known_schools, &mut spare)
    });
    let mut dup_teachers = Vec::new();
    let teacher_idx = checks::index(
        &teachers,
        |t| t.id.as_str(),
        &r_teachers.file,
        teachers::ID,
        &mut dup_teachers,
    );
    let known_teachers = r_teachers.complete.then_some(&teacher_idx);

    let (r_needs, needs) = read(f_needs, |t, r| needs::parse(t, r, known_schools));
    let known = ledger::Known {
        teachers: known_teachers,
        schools: known_schools,
    };
    let (mut r_ledger, ledger) = read(f_ledger, |t, r| ledger::parse(t, r, known));
    let mut history = ledger::check_overlaps(&ledger, &r_ledger.file);
    if known_teachers.is_some() {
        history.extend(ledger::check_sending_schools(
            &ledger,
            &teachers.items,
            &r_ledger.file,
        ));
    }
    r_ledger.errors.append(&mut history);
    let (mut r_evaluators, evaluators) =
        read(f_evaluators, |t, r| evaluators::parse(t, r, known_schools));
    let (r_itinerant, itinerant_needs) =
        read(f_itinerant, |t, r| itinerant::parse(t, r, known_schools));
    let (mut r_pins, pin_rows) = read(f_pins, |t, r| {
        pins::parse_pins(t, r, known_teachers, known_schools)
    });
    let mut clashes = pins::check_pin_clashes(&pin_rows, &r_pins.file);
    r_pins.errors.append(&mut clashes);
    let (r_wishes, wish_rows) = read(f_wishes, |t, r| {
        pins::parse_wishes(t, r, known_teachers, known_schools)
    });
    let mut dup_evaluators = Vec::new();
    checks::index(
        &evaluators,
        |e| e.id.as_str(),
        &r_evaluators.file,
        evaluators::ID,
        &mut dup_evaluators,
    );
    drop((school_idx, teacher_idx));
    r_schools.errors.append(&mut dup_schools);
    r_teachers.errors.append(&mut dup_teachers);
    r_evaluators.errors.append(&mut dup_evaluators);

    let reports = [
        r_schools,
        r_teachers,
        r_needs,
        r_ledger,
        r_evaluators,
        r_itinerant,
        r_pins,
        r_wishes,
    ];
    let errors = collect(reports, &mut notices);
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    if matches!(f_ledger, Found::Absent) {
        notices.push("no ledger file: assuming no exchanges so far".to_string());
    }
    Ok(Loaded {
        data: Dataset {
            schools: schools.items,
            teachers: teachers.items,
            needs: needs.items,
            ledger: ledger.items,
            evaluators: evaluators.items,
            itinerant: crate::model::ItinerantData {
                needs: itinerant_needs.items,
                spare_periods: spare.into_iter().collect(),
            },
            steering: crate::model::steering::Steering {
                pins: pin_rows.items,
                wishes: wish_rows.items,
                previous: None,
            },
        },
        notices,
    })
}

/// Gathers notices, and errors sorted by file (in the order given) then row.
fn collect(
    reports: impl IntoIterator<Item = FileReport>,
    notices: &mut Vec<String>,
) -> Vec<InputError> {
    let mut errors = Vec::new();
    for mut r in reports {
        notices.append(&mut r.notices);
        // Stable: within a row, errors stay in column order.
        r.errors.sort_by_key(|e| e.row);
        errors.append(&mut r.errors);
    }
    errors
}

/// A ledger file on its own: format checks and repeated or overlapping exchanges, no
/// checks against other files.
pub fn load_ledger(path: &Path) -> Result<(Vec<LedgerEntry>, Vec<String>), InputErrors> {
    let found = Found::File(path.to_path_buf());
    let (mut report, rows) = read(&found, |t, r| ledger::parse(t, r, ledger::Known::default()));
    let mut history = ledger::check_overlaps(&rows, &report.file);
    report.errors.append(&mut history);
    let mut notices = Vec::new();
    let errors = collect([report], &mut notices);
    if errors.is_empty() {
        Ok((rows.items, notices))
    } else {
        Err(InputErrors(errors))
    }
}
