//! Progress of long work (the components of a plan, the districts generated), as a
//! callback: the core counts steps and never draws anything. The command line draws
//! these counts as terminal bars; the web workspace reads them for its progress bars.

/// Receives the count of steps of one piece of work.
pub trait ProgressSink: Send + Sync + std::fmt::Debug {
    /// The work has `len` steps, none done yet.
    fn start(&self, len: u64);
    /// `n` more steps are done.
    fn inc(&self, n: u64);
}

/// Draws nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn start(&self, _len: u64) {}
    fn inc(&self, _n: u64) {}
}
