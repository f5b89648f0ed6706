//! `itinerant.csv` and `itinerant_uncovered.csv` from the shards: both are ordered by
//! school (home school, uncovered school), so by district, and each district's block
//! comes from the shard that planned it.

use super::tables::{merge_by_district, Table};
use super::{FileProblem, MergeError};
use crate::output::Staged;
use std::collections::BTreeMap;
use std::path::Path;

/// Each file with the column naming the school whose district orders its rows.
const FILES: [(&str, &str); 2] = [
    ("itinerant.csv", "home_school"),
    ("itinerant_uncovered.csv", "school_id"),
];

/// Merges the itinerant files when the shards wrote them (all or none must have);
/// returns the merged itinerant.csv and itinerant_uncovered.csv.
pub fn merge_itinerant(
    dirs: &[&Path],
    prefix: &str,
    schools: &Table,
    staged: &mut Staged,
) -> Result<Option<[Table; 2]>, Vec<MergeError>> {
    let present: Vec<bool> = dirs
        .iter()
        .map(|d| d.join(format!("{prefix}{}", FILES[0].0)).is_file())
        .collect();
    if present.iter().all(|p| !p) {
        return Ok(None);
    }
    if let Some(i) = present.iter().position(|p| !p) {
        return Err(vec![MergeError::at(
            dirs[i].join(prefix).display(),
            FileProblem::Lacks(FILES[0].0),
        )]);
    }
    let (Some(sc), Some(dc)) = (schools.column("school_id"), schools.column("district")) else {
        return Err(vec![MergeError::at(
            format!("{prefix}schools.csv"),
            FileProblem::NoSchoolColumns,
        )]);
    };
    let district: BTreeMap<&str, &str> = schools
        .rows
        .iter()
        .map(|r| (r.get(sc).unwrap_or_default(), r.get(dc).unwrap_or_default()))
        .collect();
    let mut merged: Vec<Table> = Vec::new();
    for (name, column) in FILES {
        let file = format!("{prefix}{name}");
        let table = merge_by_district(dirs, &file, column, |_, _, school| {
            district
                .get(school)
                .map(|d| d.to_string())
                .ok_or_else(|| FileProblem::UnknownSchool(school.to_string()))
        })?;
        staged.add(file, table.csv().map_err(|e| vec![e.into()])?);
        merged.push(table);
    }
    let [lessons, uncovered]: [Table; 2] = merged
        .try_into()
        .map_err(|_| vec![MergeError::Bug("the itinerant files did not merge (a bug)")])?;
    Ok(Some([lessons, uncovered]))
}
