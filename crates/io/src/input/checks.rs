//! Checks across rows and files: unique ids, and references to schools and teachers.
//!
//! Ids are indexed by borrowing the strings already held by the parsed rows, so
//! checking ten million teachers costs one hash table of pointers, not a second copy of
//! every id.

use super::error::{InputError, InputErrorKind};
use super::rows::Rows;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-rotate hash (as in rustc's FxHash): ids are short strings from our own
/// files, so the DoS resistance of the default SipHash buys nothing and costs a tenth
/// of the load time at ten million rows.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    /// The multiply only carries entropy upwards, and ids often differ only in their
    /// last characters; a final avalanche (MurmurHash3's) spreads it to the low bits
    /// the table indexes by.
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

type IdMap<'a> = HashMap<&'a str, u32, BuildHasherDefault<IdHasher>>;

/// The ids of one file (accepted and rejected rows alike), with their first row.
#[derive(Debug, Default)]
pub(crate) struct IdIndex<'a> {
    first: IdMap<'a>,
}

impl IdIndex<'_> {
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.first.contains_key(id)
    }
}

/// Indexes the ids of `rows` in row order, reporting every repeat of an id as a
/// duplicate of its first row, under column `col` of `file`.
pub(crate) fn index<'a, T>(
    rows: &'a Rows<T>,
    id_of: impl Fn(&'a T) -> &'a str,
    file: &str,
    col: usize,
    errors: &mut Vec<InputError>,
) -> IdIndex<'a> {
    let mut first =
        IdMap::with_capacity_and_hasher(rows.items.len() + rows.stray.len(), Default::default());
    let accepted = rows.items.iter().map(id_of).zip(rows.rows.iter().copied());
    let rejected = rows.stray.iter().map(|(id, row)| (id.as_str(), *row));
    for (id, row) in merge_by_row(accepted, rejected) {
        if let Some(&first_row) = first.get(id) {
            errors.push(InputError::at(
                file,
                row as usize,
                Some(rows.label(col)),
                Some(id),
                InputErrorKind::Duplicate {
                    first_row: first_row as usize,
                },
            ));
        } else {
            first.insert(id, row);
        }
    }
    IdIndex { first }
}

/// Merges two row-ordered sequences into one, in row order.
fn merge_by_row<'a>(
    a: impl Iterator<Item = (&'a str, u32)>,
    b: impl Iterator<Item = (&'a str, u32)>,
) -> impl Iterator<Item = (&'a str, u32)> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y.1 < x.1 => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

/// The school id in column `col`, reported when `schools` (schools.csv read whole)
/// does not have it.
pub(crate) fn school_cell(
    r: &mut super::cells::RowCtx<'_>,
    col: usize,
    schools: Option<&IdIndex<'_>>,
) -> Option<crate::model::SchoolId> {
    match r.text(col) {
        Some(id) if schools.is_some_and(|s| !s.contains(id)) => {
            r.error(col, Some(id), unknown_school());
            None
        }
        other => other.map(crate::model::SchoolId::from),
    }
}

/// The error for a reference to a school that `schools.csv` does not have.
pub(crate) fn unknown_school() -> InputErrorKind {
    InputErrorKind::UnknownReference {
        what: "school: this school_id is not in schools.csv".to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_name_their_first_row_in_row_order() {
        let rows = Rows {
            items: vec!["A", "B", "A"],
            rows: vec![2, 4, 7],
            stray: vec![("B".to_string(), 3), ("C".to_string(), 5)],
            map: None,
        };
        let mut errors = Vec::new();
        let idx = index(&rows, |s| *s, "f.csv", 0, &mut errors);
        assert!(idx.contains("C") && idx.contains("A") && !idx.contains("D"));
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.row, e.value.clone(), e.kind.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Some(4),
                    Some("B".to_string()),
                    InputErrorKind::Duplicate { first_row: 3 }
                ),
                (
                    Some(7),
                    Some("A".to_string()),
                    InputErrorKind::Duplicate { first_row: 2 }
                ),
            ]
        );
    }
}
