//! rotaplan-cli: the command-line front end. Argument parsing and dispatch; each command
//! lives in its own file and returns an [`Exit`]; nothing here panics on user input.
//! The `serve` and `user` commands belong to the server crate, which hands them in as
//! [`Commands`] (so this crate does not depend on it).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

mod check;
mod common;
mod compare;
mod error;
mod explain;
mod gen;
mod horizon;
mod horizon_shard;
mod itinerant;
mod merge;
mod plan;
mod progress;
mod progress_cmd;
mod schedule;
pub mod serve;
pub mod user;
mod verify;

use clap::{Parser, Subcommand};
use std::ffi::OsString;

pub use common::{DataArgs, RuleArgs};
pub use error::{CommandLineError, FlagError, OutsidePeriod};
pub use serve::{plan_args_ok, plan_stages, run_plan, run_view, Watch};

/// Exit codes (README, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Done = 0,
    Failure = 1,
    Invalid = 2,
    Strict = 3,
    /// `verify`: the plan breaks a hard rule or a pin.
    Violations = 4,
}

#[derive(Parser, Debug)]
#[command(
    name = "rotaplan",
    version,
    about = "Teacher exchange rotation (交流轮岗) planning: eligibility, optimal plans, reasons"
)]
pub struct Cli {
    /// Silence progress and the stdout summary.
    #[arg(long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load and validate rules and data; print every problem; exit 0 or 2.
    Check(check::CheckArgs),
    /// Plan one year: eligibility, optimal plan, statistics.
    Plan(plan::PlanArgs),
    /// The whole plan period year by year, with returns and ageing; progress to the target.
    Horizon(horizon::HorizonArgs),
    /// The same data under several rule sets or values, side by side.
    Compare(compare::CompareArgs),
    /// Why a teacher is or is not eligible and placed; a school's quota, cap, who went.
    Explain(explain::ExplainArgs),
    /// Write a synthetic data folder.
    Gen(gen::GenArgs),
    /// Actual exchanges in a ledger against the target path, with a forecast.
    Progress(progress_cmd::ProgressArgs),
    /// Merge the output folders of `plan --shard I/N` or `horizon --shard I/N` into
    /// what one run writes.
    Merge(merge::MergeArgs),
    /// Schedule the evaluations of a plan's exchanged teachers (panels, dates).
    Schedule(schedule::ScheduleArgs),
    /// Itinerant teaching (走教): shortage-subject lessons across a township, by weekday.
    Itinerant(itinerant::ItinerantArgs),
    /// Check a plan made elsewhere (plan.csv/plan.xlsx, edited or not) against every
    /// hard rule; exit 0 valid, 4 rules broken, 2 malformed.
    Verify(verify::VerifyArgs),
    /// The web workspace for HR staff: upload data, plan, download (and a JSON API).
    Serve(serve::ServeArgs),
    /// The accounts of a workspace: add, list, remove, passwd.
    User(user::UserArgs),
}

/// The commands another crate carries out: `serve` and `user` (the server crate's).
#[derive(Debug, Clone, Copy)]
pub struct Commands {
    /// `rotaplan serve`.
    pub serve: fn(&serve::ServeArgs, bool) -> Exit,
    /// `rotaplan user …`.
    pub user: fn(&user::UserArgs, bool) -> Exit,
}

/// Runs the CLI on `args` (including the program name) and returns the exit code.
pub fn run<I, T>(args: I, commands: &Commands) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Invalid
            } else {
                Exit::Done
            };
            let _ = e.print();
            return code as i32;
        }
    };
    let exit = match cli.command {
        Command::Check(a) => check::run(&a, cli.quiet),
        Command::Plan(a) => plan::run(&a, cli.quiet),
        Command::Gen(a) => gen::run(&a, cli.quiet),
        Command::Merge(a) => merge::run(&a, cli.quiet),
        Command::Progress(a) => progress_cmd::run(&a, cli.quiet),
        Command::Schedule(a) => schedule::run(&a, cli.quiet),
        Command::Horizon(a) => horizon::run(&a, cli.quiet),
        Command::Compare(a) => compare::run(&a, cli.quiet),
        Command::Explain(a) => explain::run(&a, cli.quiet),
        Command::Itinerant(a) => itinerant::run(&a, cli.quiet),
        Command::Verify(a) => verify::run(&a, cli.quiet),
        Command::Serve(a) => (commands.serve)(&a, cli.quiet),
        Command::User(a) => (commands.user)(&a, cli.quiet),
    };
    exit as i32
}
