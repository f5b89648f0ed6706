//! Tests of the core's modules on the fixtures: they live here because loading a data
//! folder is this crate's job.

mod explain;
mod itinerant;
mod shortfall;
mod verify_tiny;
