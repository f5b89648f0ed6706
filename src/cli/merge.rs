//! `rotaplan merge DIR… --out DIR`: shard folders of `plan --shard I/N` or
//! `horizon --shard I/N` into exactly the files one run writes.

use super::Exit;
use crate::horizon;
use crate::merge::{merge, Merged};
use crate::output::render_plan_summary;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The shard output folders, all N of them, in any order.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(a: &MergeArgs, quiet: bool) -> Exit {
    let (staged, merged) = match merge(&a.dirs) {
        Ok(s) => s,
        Err(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            eprintln!("nothing was written.");
            return Exit::Invalid;
        }
    };
    if let Err(e) = staged.commit(&a.out) {
        eprintln!("error: cannot write to {}: {e}", a.out.display());
        return Exit::Failure;
    }
    if !quiet {
        match &merged {
            Merged::Plan(s) => print!("{}", render_plan_summary(s)),
            Merged::Horizon(s) => print!("{}", horizon::render(s)),
        }
        println!(
            "merged {} shard folders into {}",
            a.dirs.len(),
            a.out.display()
        );
    }
    Exit::Done
}
