//! `itinerant.csv` and `itinerant_uncovered.csv` from the shards: both are ordered by
//! school (home school, uncovered school), so by district, and each district's block
//! comes from the shard that planned it.

use super::tables::{merge_by_district, Table};
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
) -> Result<Option<[Table; 2]>, Vec<String>> {
    let present: Vec<bool> = dirs
        .iter()
        .map(|d| d.join(format!("{prefix}{}", FILES[0].0)).is_file())
        .collect();
    if present.iter().all(|p| !p) {
        return Ok(None);
    }
    if let Some(i) = present.iter().position(|p| !p) {
        return Err(vec![format!(
            "{}: no {} although other shards have one: rerun this shard",
            dirs[i].join(prefix).display(),
            FILES[0].0
        )]);
    }
    let (Some(sc), Some(dc)) = (schools.column("school_id"), schools.column("district")) else {
        return Err(vec![format!(
            "{prefix}schools.csv: no school_id or district column"
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
                .ok_or_else(|| format!("school {school} is in no shard's schools.csv"))
        })?;
        staged.add(file, table.csv().map_err(|e| vec![e])?);
        merged.push(table);
    }
    let [lessons, uncovered]: [Table; 2] = merged
        .try_into()
        .map_err(|_| vec!["the itinerant files did not merge (a bug)".to_string()])?;
    Ok(Some([lessons, uncovered]))
}
