//! Typed positions in the dataset's tables: an `Id<Teacher>` is an index into
//! `Dataset::teachers`, an `Id<School>` one into `Dataset::schools`. Where a position
//! crosses modules (a move, a candidate list, an explanation, a figure) it is typed, so
//! a school's position can never be passed where a teacher's is meant. The solver's own
//! indices (supplies, groups, graph nodes) stay plain `usize` inside `plan`.

use super::{Dataset, School, Teacher};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Index;

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

    /// Each school's position in `schools` by its id, in the map the caller names
    /// (`HashMap<&str, usize>` or `BTreeMap<&str, usize>`).
    pub fn school_positions<'a, M: FromIterator<(&'a str, usize)>>(&'a self) -> M {
        self.schools
            .iter()
            .enumerate()
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
    }
}
