//! `rotaplan user add|list|remove|passwd`: the accounts of a workspace (`serve`). The
//! arguments; the command itself is the server crate's (it owns the database).

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct UserArgs {
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Args, Debug, Clone)]
pub struct Workspace {
    /// Workspace folder (as given to `rotaplan serve`).
    #[arg(long, value_name = "DIR", default_value = "rotaplan-workspace")]
    pub workspace: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum UserAction {
    /// Add a user; the password is read from the first line of standard input.
    Add {
        #[command(flatten)]
        ws: Workspace,
        /// Login name.
        #[arg(long)]
        name: String,
        /// `admin` (everything and the audit log), `city` (every district), or a
        /// district's name as in schools.csv (that district only).
        #[arg(long)]
        scope: String,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the users and their scopes.
    List {
        #[command(flatten)]
        ws: Workspace,
    },
    /// Remove a user (their sessions end).
    Remove {
        #[command(flatten)]
        ws: Workspace,
        #[arg(long)]
        name: String,
    },
    /// Set a user's password from standard input (their sessions end).
    Passwd {
        #[command(flatten)]
        ws: Workspace,
        #[arg(long)]
        name: String,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}
