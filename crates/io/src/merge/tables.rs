//! The CSV tables of a plan year, merged district block by district block.

use super::{FileProblem, MergeError};
use crate::output::RenderError;
use csv::StringRecord;
use std::collections::BTreeMap;
use std::path::Path;

/// A merged table: its header and its rows in one run's order.
pub struct Table {
    pub header: StringRecord,
    pub rows: Vec<StringRecord>,
}

impl Table {
    pub fn csv(&self) -> Result<Vec<u8>, RenderError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.header)?;
        for r in &self.rows {
            w.write_record(r)?;
        }
        Ok(w.into_inner()?)
    }

    /// The rows as strings, for the workbook.
    pub fn cells(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(str::to_string).collect())
            .collect()
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|c| c == name)
    }
}

/// plan.csv, schools.csv and eligibility.csv of one plan year.
pub struct Tables {
    pub plan: Table,
    pub schools: Table,
    pub eligibility: Table,
}

/// Each table with the column that names its rows' district (eligibility.csv: the
/// school, whose district schools.csv gives; so schools.csv is read first).
const TABLES: [(&str, &str); 3] = [
    ("plan.csv", "from_district"),
    ("schools.csv", "district"),
    ("eligibility.csv", "school_id"),
];

/// One shard's CSV with its header checked against the shards read before: the
/// reader, the header and the index of `column`. Errors name the file.
pub(super) fn open_shard_csv(
    path: &Path,
    header: &Option<StringRecord>,
    column: &str,
) -> Result<(csv::Reader<std::fs::File>, StringRecord, usize), Vec<MergeError>> {
    let at = |e: FileProblem| vec![MergeError::at(path.display(), e)];
    let mut r = csv::Reader::from_path(path).map_err(|e| at(e.into()))?;
    let h = r.headers().map_err(|e| at(e.into()))?.clone();
    if header.as_ref().is_some_and(|x| *x != h) {
        return Err(at(FileProblem::OtherColumns));
    }
    let Some(col) = h.iter().position(|c| c == column) else {
        return Err(at(FileProblem::NoColumn(column.to_string())));
    };
    Ok((r, h, col))
}

/// `file` of every shard folder as one table: its rows in district blocks (districts
/// in order, each block's rows in shard order). `district_of` names a row's district
/// from the shard's header, the row and its `column` cell, or says why it cannot
/// (the error names the file).
pub(super) fn merge_by_district(
    dirs: &[&Path],
    file: &str,
    column: &str,
    mut district_of: impl FnMut(&StringRecord, &StringRecord, &str) -> Result<String, FileProblem>,
) -> Result<Table, Vec<MergeError>> {
    let mut header: Option<StringRecord> = None;
    let mut blocks: BTreeMap<String, Vec<StringRecord>> = BTreeMap::new();
    for dir in dirs {
        let path = dir.join(file);
        let at = |e: FileProblem| vec![MergeError::at(path.display(), e)];
        let (mut r, h, col) = open_shard_csv(&path, &header, column)?;
        for rec in r.records() {
            let rec = rec.map_err(|e| at(e.into()))?;
            let district = district_of(&h, &rec, rec.get(col).unwrap_or_default()).map_err(at)?;
            blocks.entry(district).or_default().push(rec);
        }
        header = Some(h);
    }
    Ok(Table {
        header: header.unwrap_or_default(),
        rows: blocks.into_values().flatten().collect(),
    })
}

/// Reads `{dir}/{prefix}{table}` of every shard folder (in shard order).
pub fn merge_tables(dirs: &[&Path], prefix: &str) -> Result<Tables, Vec<MergeError>> {
    let mut school_district: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (name, column) in TABLES {
        let file = format!("{prefix}{name}");
        let table = merge_by_district(dirs, &file, column, |h, rec, key| {
            let cell = |name: &str| {
                let c = h.iter().position(|c| c == name)?;
                Some(rec.get(c).unwrap_or_default().to_string())
            };
            if name == "schools.csv" {
                if let (Some(d), Some(s)) = (cell("district"), cell("school_id")) {
                    school_district.insert(s, d);
                }
            }
            Ok(if name == "eligibility.csv" {
                school_district.get(key).cloned().unwrap_or_default()
            } else {
                key.to_string()
            })
        })?;
        out.push(table);
    }
    let mut it = out.into_iter();
    match (it.next(), it.next(), it.next()) {
        (Some(plan), Some(schools), Some(eligibility)) => Ok(Tables {
            plan,
            schools,
            eligibility,
        }),
        _ => Err(vec![MergeError::Bug("internal: three tables expected")]),
    }
}

/// `{prefix}pins_cost.csv` of the shards that wrote one (a shard writes it when its
/// teachers have pins), its rows in pin row order as one run writes them: a pin
/// belongs to its teacher's shard, so the shards' rows are disjoint. `None` when no
/// shard wrote it.
pub fn merge_pin_costs(dirs: &[&Path], prefix: &str) -> Result<Option<Table>, Vec<MergeError>> {
    let mut header: Option<StringRecord> = None;
    let mut rows: Vec<(u64, StringRecord)> = Vec::new();
    for dir in dirs {
        let path = dir.join(format!("{prefix}pins_cost.csv"));
        if !path.exists() {
            continue;
        }
        let at = |e: FileProblem| vec![MergeError::at(path.display(), e)];
        let (mut r, h, col) = open_shard_csv(&path, &header, "row")?;
        for rec in r.records() {
            let rec = rec.map_err(|e| at(e.into()))?;
            let row: u64 = rec
                .get(col)
                .unwrap_or_default()
                .parse()
                .map_err(|_| at(FileProblem::NotARow(rec.get(col).map(str::to_string))))?;
            rows.push((row, rec));
        }
        header = Some(h);
    }
    let Some(header) = header else {
        return Ok(None);
    };
    rows.sort_by_key(|r| r.0);
    Ok(Some(Table {
        header,
        rows: rows.into_iter().map(|r| r.1).collect(),
    }))
}

/// changes.csv of every shard that wrote one (planned with `--previous`), its rows by
/// teacher id as one run writes them: a previous move belongs to one shard (its
/// teacher's), and so does a teacher's new move. `None` when no shard wrote it.
pub fn merge_changes(dirs: &[&Path], prefix: &str) -> Result<Option<Table>, Vec<MergeError>> {
    let mut header: Option<StringRecord> = None;
    let mut rows: Vec<StringRecord> = Vec::new();
    for dir in dirs {
        let path = dir.join(format!("{prefix}changes.csv"));
        if !path.exists() {
            continue;
        }
        let (mut r, h, _) = open_shard_csv(&path, &header, "teacher_id")?;
        for rec in r.records() {
            rows.push(rec.map_err(|e| vec![MergeError::at(path.display(), e)])?);
        }
        header = Some(h);
    }
    let Some(header) = header else {
        return Ok(None);
    };
    rows.sort_by(|a, b| a.get(0).cmp(&b.get(0)));
    Ok(Some(Table { header, rows }))
}
