//! `rotaplan user add|list|remove|passwd`: the accounts of a workspace.

use crate::auth::{hash_password, Scope};
use crate::db::Db;
use rotaplan_cli::user::{UserAction, UserArgs};
use rotaplan_cli::Exit;
use std::io::BufRead;
use std::path::Path;

/// Shortest password accepted.
const MIN_PASSWORD: usize = 8;

fn open(ws: &Path) -> Result<Db, Exit> {
    if let Err(e) = std::fs::create_dir_all(ws) {
        eprintln!("error: cannot create the workspace {}: {e}", ws.display());
        return Err(Exit::Failure);
    }
    Db::open(&ws.join(crate::DB_FILE)).map_err(|e| {
        eprintln!(
            "error: cannot open the workspace database in {}: {e}",
            ws.display()
        );
        Exit::Failure
    })
}

fn read_password() -> Result<String, Exit> {
    let mut line = String::new();
    if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
        eprintln!("error: cannot read the password from standard input: {e}");
        return Err(Exit::Invalid);
    }
    let pw = line.trim_end_matches(['\r', '\n']).to_string();
    if pw.chars().count() < MIN_PASSWORD {
        eprintln!("error: the password must have at least {MIN_PASSWORD} characters");
        return Err(Exit::Invalid);
    }
    hash_password(&pw).map_err(|e| {
        eprintln!("error: cannot hash the password: {e}");
        Exit::Failure
    })
}

fn valid_scope(scope: &str) -> bool {
    !scope.trim().is_empty() && scope.trim() == scope
}

/// `rotaplan user …`: adds, lists, removes a workspace's users or sets a password.
pub fn user_command(a: &UserArgs, quiet: bool) -> Exit {
    let done = |r: rusqlite::Result<bool>, ok: &str, missing: String| match r {
        Ok(true) => {
            if !quiet {
                println!("{ok}");
            }
            Exit::Done
        }
        Ok(false) => {
            eprintln!("error: {missing}");
            Exit::Invalid
        }
        Err(e) => {
            eprintln!("error: the workspace database: {e}");
            Exit::Failure
        }
    };
    match &a.action {
        UserAction::Add {
            ws, name, scope, ..
        } => {
            if name.trim().is_empty() || !valid_scope(scope) {
                eprintln!("error: --name and --scope must not be empty or padded with spaces");
                return Exit::Invalid;
            }
            let (db, hash) = match open(&ws.workspace).and_then(|db| Ok((db, read_password()?))) {
                Ok(x) => x,
                Err(e) => return e,
            };
            let scope = Scope::parse(scope);
            done(
                db.add_user("(command line)", name, &scope, &hash),
                &format!("added user {name} ({})", scope.as_str()),
                format!(
                    "user {name} exists already; use `rotaplan user passwd` to change the password"
                ),
            )
        }
        UserAction::List { ws } => {
            let db = match open(&ws.workspace) {
                Ok(d) => d,
                Err(e) => return e,
            };
            match db.list_users() {
                Ok(users) => {
                    for (name, scope, _) in users {
                        println!("{name}\t{scope}");
                    }
                    Exit::Done
                }
                Err(e) => {
                    eprintln!("error: the workspace database: {e}");
                    Exit::Failure
                }
            }
        }
        UserAction::Remove { ws, name } => {
            let db = match open(&ws.workspace) {
                Ok(d) => d,
                Err(e) => return e,
            };
            done(
                db.remove_user("(command line)", name),
                &format!("removed user {name}"),
                format!("no user {name}"),
            )
        }
        UserAction::Passwd { ws, name, .. } => {
            let (db, hash) = match open(&ws.workspace).and_then(|db| Ok((db, read_password()?))) {
                Ok(x) => x,
                Err(e) => return e,
            };
            done(
                db.set_password("(command line)", name, &hash),
                &format!("password of {name} changed"),
                format!("no user {name}"),
            )
        }
    }
}
