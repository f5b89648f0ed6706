//! The commands the server crate owns: `rotaplan serve` and `rotaplan user`.

use rotaplan_cli::serve::ServeArgs;
use rotaplan_cli::Exit;

pub use crate::users::user_command;

/// `rotaplan serve`: runs the workspace until interrupted.
pub fn serve_command(a: &ServeArgs, quiet: bool) -> Exit {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cfg = crate::Config {
        workspace: a.workspace.clone(),
        bind: a.bind,
        max_upload: a.max_upload_mib.saturating_mul(1024 * 1024),
        workers: a.workers.unwrap_or(cores).clamp(1, cores),
        quiet,
    };
    match crate::run(cfg) {
        Ok(()) => Exit::Done,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_refusal() {
                Exit::Invalid
            } else {
                Exit::Failure
            }
        }
    }
}

/// The commands this crate hands to the command line's dispatcher.
pub const COMMANDS: rotaplan_cli::Commands = rotaplan_cli::Commands {
    serve: serve_command,
    user: user_command,
};
