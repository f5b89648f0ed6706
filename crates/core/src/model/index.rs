//! Typed positions in the dataset's tables: an `Id<Teacher>` is an index into
//! `Dataset::teachers`, an `Id<School>` one into `Dataset::schools`, an
//! `Id<Evaluator>` one into `Dataset::evaluators` (a schedule's panels). Where a position
//! crosses modules (a move, a candidate list, an explanation, a figure) it is typed, so
//! a school's position can never be passed where a teacher's is meant; a table with one
//! row per school (the year facts) is an [`IdVec`]. The solver's own indices (supplies,
//! groups, graph nodes, the components' school positions) stay plain `usize` inside
//! `plan`.

use super::{Dataset, Evaluator, School, Teacher};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// The position of a `T` in its dataset table (as PubGrub's arena ids). The phantom
/// `fn() -> T` keeps the id `Copy`, `Send` and `Sync` whatever `T` is.
pub struct Id<T> {
    raw: usize,
    of: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// The id of the row at `index` of its table.
    pub const fn new(index: usize) -> Self {
        Id {
            raw: index,
            of: PhantomData,
        }
    }

    /// The row's index in its table.
    pub const fn index(self) -> usize {
        self.raw
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Id<T> {}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl<T> Eq for Id<T> {}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.raw.cmp(&other.raw)
    }
}

impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = std::any::type_name::<T>();
        let short = name.rsplit("::").next().unwrap_or(name);
        write!(f, "{short}#{}", self.raw)
    }
}

/// A table indexed by its own ids: `data.teachers[id]` for an `Id<Teacher>`.
impl<T> Index<Id<T>> for [T] {
    type Output = T;

    fn index(&self, id: Id<T>) -> &T {
        &self[id.raw]
    }
}

impl<T> Index<Id<T>> for Vec<T> {
    type Output = T;

    fn index(&self, id: Id<T>) -> &T {
        &self[id.raw]
    }
}

/// A table of one `V` per row of the `K` table (`facts.schools[id]` for an
/// `Id<School>`): indexed by `Id<K>` only, so a plain position or another table's id
/// cannot reach it.
#[derive(Clone, PartialEq)]
pub struct IdVec<K, V> {
    rows: Vec<V>,
    of: PhantomData<fn() -> K>,
}

impl<K, V> IdVec<K, V> {
    /// The table whose row `i` is `rows[i]`.
    pub fn from_vec(rows: Vec<V>) -> Self {
        IdVec {
            rows,
            of: PhantomData,
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row of `id`, if the table has one.
    pub fn get(&self, id: Id<K>) -> Option<&V> {
        self.rows.get(id.raw)
    }

    /// The rows in order.
    pub fn iter(&self) -> std::slice::Iter<'_, V> {
        self.rows.iter()
    }

    /// The rows in order with their ids.
    pub fn iter_enumerated(&self) -> impl Iterator<Item = (Id<K>, &V)> {
        self.rows.iter().enumerate().map(|(i, v)| (Id::new(i), v))
    }
}

impl<K, V> FromIterator<V> for IdVec<K, V> {
    fn from_iter<I: IntoIterator<Item = V>>(rows: I) -> Self {
        IdVec::from_vec(rows.into_iter().collect())
    }
}

impl<K, V> Default for IdVec<K, V> {
    fn default() -> Self {
        IdVec::from_vec(Vec::new())
    }
}

impl<K, V: fmt::Debug> fmt::Debug for IdVec<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.rows.fmt(f)
    }
}

impl<K, V> Index<Id<K>> for IdVec<K, V> {
    type Output = V;

    fn index(&self, id: Id<K>) -> &V {
        &self.rows[id.raw]
    }
}

impl<K, V> IndexMut<Id<K>> for IdVec<K, V> {
    fn index_mut(&mut self, id: Id<K>) -> &mut V {
        &mut self.rows[id.raw]
    }
}

impl<'a, K, V> IntoIterator for &'a IdVec<K, V> {
    type Item = &'a V;
    type IntoIter = std::slice::Iter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

impl Dataset {
    /// The teacher at `id`.
    ///
    /// # Panics
    /// When `id` is not a position in this dataset's `teachers` (an id from another
    /// dataset: a bug, as an out-of-range slice index is).
    pub fn teacher(&self, id: Id<Teacher>) -> &Teacher {
        &self.teachers[id]
    }

    /// The school at `id`.
    ///
    /// # Panics
    /// When `id` is not a position in this dataset's `schools`.
    pub fn school(&self, id: Id<School>) -> &School {
        &self.schools[id]
    }

    /// The school at `id`, or `None` for an id that is not a position in `schools`
    /// (where a checker must not panic on a bad plan or event).
    pub fn try_school(&self, id: Id<School>) -> Option<&School> {
        self.schools.get(id.raw)
    }

    /// The evaluator at `id`, or `None` for an id that is not a position in
    /// `evaluators` (where a checker or a writer must not panic on a bad schedule).
    pub fn try_evaluator(&self, id: Id<Evaluator>) -> Option<&Evaluator> {
        self.evaluators.get(id.raw)
    }

    /// Each school's `Id<School>` by its id in the data, in the map the caller names
    /// (`HashMap<&str, Id<School>>` or `BTreeMap<&str, Id<School>>`).
    pub fn school_positions<'a, M: FromIterator<(&'a str, Id<School>)>>(&'a self) -> M {
        self.school_ids()
            .zip(&self.schools)
            .map(|(i, s)| (s.id.as_str(), i))
            .collect()
    }

    /// The id of every teacher, in table order.
    pub fn teacher_ids(&self) -> impl Iterator<Item = Id<Teacher>> {
        (0..self.teachers.len()).map(Id::new)
    }

    /// The id of every school, in table order.
    pub fn school_ids(&self) -> impl Iterator<Item = Id<School>> {
        (0..self.schools.len()).map(Id::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_by_position_and_debug_name_their_table() {
        let (a, b) = (Id::<Teacher>::new(3), Id::<Teacher>::new(5));
        assert!(a < b);
        assert_eq!(a, Id::new(3));
        assert_eq!(b.index(), 5);
        let table: Vec<&str> = "a b c d".split(' ').collect();
        assert_eq!(table[Id::<&str>::new(3)], "d");
        assert_eq!(table[..][Id::<&str>::new(0)], "a");
        assert_eq!(format!("{:?}", Id::<School>::new(2)), "School#2");
        let mut per: IdVec<School, u32> = IdVec::from_vec(vec![7, 8]);
        per[Id::new(1)] += 1;
        assert_eq!(per[Id::new(1)], 9);
        let rows: Vec<_> = per.iter_enumerated().collect();
        assert_eq!(rows, [(Id::new(0), &7), (Id::new(1), &9)]);
    }
}
