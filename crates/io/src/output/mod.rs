//! Writing results. Files are rendered to memory first ([`Staged`]) and then written
//! into the output folder through [`OutDir`], which checks the folder before the run,
//! writes into a staging folder and swaps it into place (see `folder`), so a run that
//! fails or is killed leaves the old folder or the new one, never a mix.

mod console;
mod error;
pub mod folder;
mod plan_files;
pub mod redact;

pub use console::render_plan_summary;
pub use error::RenderError;
pub use folder::{OutDir, OutError, OWNER_FILE};
pub use plan_files::{
    itinerant_workbook, plan_files, plan_workbook, ItinerantSheets, PLAN_HEADER, PLAN_SHEET,
    SCHOOLS_HEADER, XLSX_MAX_ROWS,
};

use std::fs;
use std::path::Path;

/// Files to write, by name relative to the output folder (may contain `/`).
#[derive(Debug, Default)]
pub struct Staged {
    pub files: Vec<(String, Vec<u8>)>,
}

impl Staged {
    pub fn add(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.push((name.into(), bytes));
    }

    /// Writes every file into `dir` (a fresh staging folder; see [`OutDir`]).
    pub fn write_into(&self, dir: &Path) -> std::io::Result<()> {
        for (name, bytes) in &self.files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            folder::write_synced(&path, bytes)?;
        }
        Ok(())
    }
}

/// Serialises rows as CSV with a header, UTF-8 without BOM.
pub fn csv_bytes<S: serde::Serialize>(rows: &[S]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

pub use rotaplan_core::table::csv_table;

/// Adds `itinerant.csv` and `itinerant_uncovered.csv` under `prefix` (`""` or `"2021/"`).
pub fn write_itinerant_files(
    staged: &mut Staged,
    prefix: &str,
    data: &crate::model::Dataset,
    plan: &crate::itinerant::ItinerantPlan,
) -> Result<(), csv::Error> {
    staged.add(
        format!("{prefix}itinerant.csv"),
        csv_table(
            crate::itinerant::ITINERANT_HEADER,
            &crate::itinerant::lesson_rows(data, plan),
        )?,
    );
    staged.add(
        format!("{prefix}itinerant_uncovered.csv"),
        csv_table(
            crate::itinerant::UNCOVERED_HEADER,
            &crate::itinerant::uncovered_rows(plan),
        )?,
    );
    Ok(())
}
