//! Tables as CSV bytes: the one writer behind every CSV the commands produce, so that a
//! header is written even when a table has no rows.

/// CSV from a header and string rows (for tables whose header must exist when empty).
pub fn csv_table(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
