//! Progress bars for long work (generating districts, planning, horizon years and the
//! target search, compare variants, scheduling): drawn on stderr only when it is a
//! terminal and `--quiet` is off, so piped output and logs never contain them. A bar
//! dropped early (an error) clears itself so the error message stands alone.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use rotaplan_core::progress::ProgressSink;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

fn visible(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A bar of `len` steps labelled `what`; hidden when `quiet` or stderr is not a tty.
pub fn bar(len: u64, what: &str, quiet: bool) -> ProgressBar {
    if !visible(quiet) {
        return ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
    }
    let pb = ProgressBar::new(len).with_finish(ProgressFinish::AndClear);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

/// A bar over named stages (e.g. loading, solving, writing): the message names the
/// stage under way and the elapsed time is redrawn every 200 ms, so a long single
/// stage (solving a city) still shows life. Advance with [`next_stage`].
pub fn stages(names: &[&str], quiet: bool) -> ProgressBar {
    let len = names.len() as u64;
    let first = names.first().copied().unwrap_or("").to_string();
    if !visible(quiet) {
        let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        pb.set_message(first);
        return pb;
    }
    let pb = ProgressBar::new(len).with_finish(ProgressFinish::AndClear);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({pos}/{len}) {elapsed}") {
        pb.set_style(style);
    }
    pb.set_message(first);
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

/// Marks the current stage done and names the next.
pub fn next_stage(pb: &ProgressBar, name: &str) {
    pb.inc(1);
    pb.set_message(name.to_string());
}

/// A spinner for work of unknown length (`what`, a count of finished steps and the
/// elapsed time, redrawn every 200 ms); hidden like [`bar`].
pub fn counter(what: &str, quiet: bool) -> ProgressBar {
    if !visible(quiet) {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner().with_finish(ProgressFinish::AndClear);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos} {elapsed}") {
        pb.set_style(style);
    }
    pb.set_message(what.to_string());
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

/// A terminal bar as the core's progress callback.
#[derive(Debug, Clone)]
pub struct Bar(pub ProgressBar);

impl ProgressSink for Bar {
    fn start(&self, len: u64) {
        self.0.set_length(len);
        self.0.set_position(0);
    }
    fn inc(&self, n: u64) {
        self.0.inc(n);
    }
}

/// `pb` as the callback a plan's options take.
pub fn sink(pb: &ProgressBar) -> Arc<dyn ProgressSink> {
    Arc::new(Bar(pb.clone()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    #[test]
    fn quiet_bars_are_hidden() {
        let pb = super::bar(3, "x", true);
        assert!(pb.is_hidden());
        pb.inc(1);
        assert_eq!(pb.position(), 1);
        let c = super::counter("y", true);
        assert!(c.is_hidden());
        let s = super::stages(&["load", "solve"], true);
        assert!(s.is_hidden());
        super::next_stage(&s, "solve");
        assert_eq!(s.position(), 1);
        assert_eq!(s.length(), Some(2));
    }
}
