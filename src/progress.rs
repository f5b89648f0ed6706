//! Progress bars for long work (generating districts, solving many components,
//! loading big files): drawn on stderr only when it is a terminal and `--quiet` is
//! off, so piped output and logs never contain them.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar of `len` steps labelled `what`; hidden when `quiet` or stderr is not a tty.
pub fn bar(len: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
    }
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    #[test]
    fn quiet_bar_is_hidden() {
        let pb = super::bar(3, "x", true);
        assert!(pb.is_hidden());
        pb.inc(1);
        assert_eq!(pb.position(), 1);
    }
}
