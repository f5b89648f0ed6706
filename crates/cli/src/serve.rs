//! `rotaplan serve`'s arguments (the server itself is the server crate's), and the
//! bridge through which its workers run `plan` exactly as the command does.

use super::{Cli, Command};
use crate::error::CommandLineError;
use clap::{Args, Parser};
use indicatif::ProgressBar;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Workspace folder: the database (rotaplan.db) and the plans' work folders.
    #[arg(long, value_name = "DIR", default_value = "rotaplan-workspace")]
    pub workspace: PathBuf,
    /// Address to listen on. Anything but a loopback address needs at least one user
    /// (`rotaplan user add`).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Largest upload accepted, in MiB (a larger one is refused with 413).
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub max_upload_mib: usize,
    /// Plans run at once (default: the machine's cores; never more).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
}

/// A hidden bar over `plan`'s stages, which the server reads to show progress.
pub fn plan_stages() -> ProgressBar {
    crate::progress::stages(&super::plan::STAGES, true)
}

/// Parses a `rotaplan plan …` command line; None when it is not one.
fn parse_plan(args: &[String]) -> Result<super::plan::PlanArgs, CommandLineError> {
    match Cli::try_parse_from(args)? {
        Cli {
            command: Command::Plan(p),
            ..
        } => Ok(p),
        _ => Err(CommandLineError::NotPlan),
    }
}

/// Whether `rotaplan` accepts this `plan` command line.
pub fn plan_args_ok(args: &[String]) -> bool {
    parse_plan(args).is_ok()
}

/// Runs `rotaplan plan` with these arguments in this process (quietly), reporting its
/// stages on `bar` and stopping when `cancel` is set: the exit code, or why the
/// command line was refused.
pub fn run_plan(
    args: &[String],
    bar: ProgressBar,
    cancel: Arc<AtomicBool>,
) -> Result<i32, CommandLineError> {
    let a = parse_plan(args)?;
    Ok(super::plan::execute(&a, true, bar, Some(cancel)) as i32)
}

/// How a server worker follows a command it runs: a hidden bar whose message names the
/// stage and whose position counts the steps done, and a flag that stops the command
/// before it writes anything.
#[derive(Clone)]
pub struct Watch {
    pub bar: ProgressBar,
    pub cancel: Arc<AtomicBool>,
}

impl Watch {
    /// Names the stage under way.
    pub fn stage(&self, name: &str) {
        self.bar.set_message(name.to_string());
    }

    /// Starts a stage of `len` steps named `name`; the bar to count them on.
    pub fn counting(&self, len: u64, name: &str) -> ProgressBar {
        self.bar.set_length(len.max(1));
        self.bar.set_position(0);
        self.stage(name);
        self.bar.clone()
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The commands the workspace runs besides `plan`, as their command lines parse.
fn parse_view(args: &[String]) -> Result<Command, CommandLineError> {
    match Cli::try_parse_from(args)? {
        Cli {
            command: c @ (Command::Horizon(_) | Command::Compare(_) | Command::Progress(_)),
            ..
        } => Ok(c),
        _ => Err(CommandLineError::NotView),
    }
}

/// Runs `rotaplan horizon`, `compare` or `progress` with these arguments in this
/// process (quietly), followed by `watch`: the exit code, or why the command line was
/// refused.
pub fn run_view(args: &[String], watch: &Watch) -> Result<i32, CommandLineError> {
    let code = match parse_view(args)? {
        Command::Horizon(a) => super::horizon::execute(&a, true, Some(watch)),
        Command::Compare(a) => super::compare::execute(&a, true, Some(watch)),
        Command::Progress(a) => super::progress_cmd::execute(&a, true, Some(watch)),
        _ => return Err(CommandLineError::NotView),
    };
    Ok(code as i32)
}
