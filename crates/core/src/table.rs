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

/// One line of a plain-text table, without its newline: each cell right-aligned to its
/// width, one space between cells (the layout of the year tables printed on screen).
pub fn aligned_row<D: std::fmt::Display>(widths: &[usize], cells: &[D]) -> String {
    let mut line = String::new();
    for (i, (w, cell)) in widths.iter().zip(cells).enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push_str(&format!("{cell:>w$}", w = *w));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_row_pads_each_cell_to_its_width() {
        assert_eq!(aligned_row(&[4, 3], &["year", "7"]), "year   7");
        assert_eq!(
            aligned_row(&[2, 5], &[&"long" as &dyn std::fmt::Display, &-12]),
            "long   -12"
        );
        assert_eq!(
            aligned_row(&[6, 9], &[&2021 as &dyn std::fmt::Display, &"x"]),
            format!("{:>6} {:>9}", 2021, "x")
        );
    }
}
