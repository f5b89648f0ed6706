//! `rotaplan merge DIR… --out DIR`: shard folders of `plan --shard I/N` or
//! `horizon --shard I/N` into exactly the files one run writes.

use super::common::{prepare_out, write_out};
use super::Exit;
use clap::Args;
use rotaplan_core::horizon;
use rotaplan_io::merge::{merge, MergeError, Merged, Shards};
use rotaplan_io::output::render_plan_summary;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The shard output folders, all N of them, in any order.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Output folder (new, empty, or an earlier output of the same kind).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace --out even when it holds files rotaplan did not write or another
    /// command's output.
    #[arg(long)]
    pub force: bool,
}

fn refused(problems: Vec<MergeError>) -> Exit {
    for p in problems {
        eprintln!("error: {p}");
    }
    eprintln!("nothing was written.");
    Exit::Invalid
}

pub fn run(a: &MergeArgs, quiet: bool) -> Exit {
    let shards = match Shards::read(&a.dirs) {
        Ok(s) => s,
        Err(problems) => return refused(problems),
    };
    let out = match prepare_out(&a.out, shards.command(), &a.dirs, a.force) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (staged, merged) = match merge(&shards) {
        Ok(s) => s,
        Err(problems) => return refused(problems),
    };
    if let Err(e) = write_out(&out, &staged) {
        return e;
    }
    if !quiet {
        match &merged {
            Merged::Plan(s) => print!("{}", render_plan_summary(s)),
            Merged::Horizon(s, takes) => print!("{}{takes}", horizon::render(s)),
        }
        println!(
            "merged {} shard folders into {}",
            a.dirs.len(),
            a.out.display()
        );
    }
    Exit::Done
}
