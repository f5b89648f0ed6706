//! Writing results. Files are rendered to memory first and then committed to the
//! output folder together (each written to a temporary name, then renamed), so a run
//! that fails leaves no partial file.

mod console;
mod plan_files;

pub use console::render_plan_summary;
pub use plan_files::{plan_files, plan_files_lang, plan_workbook, SCHOOLS_HEADER, XLSX_MAX_ROWS};

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Files to write, by name relative to the output folder (may contain `/`).
#[derive(Debug, Default)]
pub struct Staged {
    pub files: Vec<(String, Vec<u8>)>,
}

impl Staged {
    pub fn add(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.push((name.into(), bytes));
    }

    /// Writes every file into `dir`: all to temporary names first, then all renamed.
    /// On any error the temporaries are removed and no final file is touched.
    pub fn commit(&self, dir: &Path) -> std::io::Result<()> {
        let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
        let result = (|| {
            for (name, bytes) in &self.files {
                let path = dir.join(name);
                let parent = path.parent().unwrap_or(dir).to_path_buf();
                fs::create_dir_all(&parent)?;
                let file_name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let tmp = parent.join(format!(".{file_name}.tmp-{}", std::process::id()));
                let mut f = fs::File::create(&tmp)?;
                temps.push((tmp.clone(), path));
                f.write_all(bytes)?;
                f.sync_all()?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            for (tmp, _) in &temps {
                let _ = fs::remove_file(tmp);
            }
            return Err(e);
        }
        for (tmp, path) in &temps {
            fs::rename(tmp, path)?;
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

/// CSV from a header and string rows (for tables whose header must exist when empty).
pub fn csv_table(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
