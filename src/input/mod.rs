//! Loading data folders (being written).
