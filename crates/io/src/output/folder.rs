//! The output folder: the one place every command that writes goes through.
//!
//! - **Checked before the work.** [`OutDir::prepare`] refuses, before any solve, an
//!   `--out` that is an existing file, whose parent folder cannot be made or written,
//!   that is, is inside, or contains an input (data folder, rules, plan, ledger, …;
//!   compared as canonical paths, symlinks resolved), or that holds something this
//!   command did not write (see *ownership*).
//! - **Ownership.** Every output folder holds [`OWNER_FILE`] (`.rotaplan.json`: the
//!   kind of output, the version, the files written). A folder may be replaced only by
//!   the same kind of output, and only when it holds nothing but the files its manifest
//!   lists; anything else (another command's output, a data folder, files added by
//!   hand) needs `--force`. An empty or missing folder is always fine.
//! - **Atomic.** Files are written into a staging folder beside `--out`
//!   (`.NAME.rotaplan-tmp-PID`, same parent, so same file system), the manifest last,
//!   and the finished folder is swapped into place. On Linux the swap is one
//!   `renameat2(RENAME_EXCHANGE)`: a run killed at any instant leaves the complete old
//!   folder or the complete new one. Where the exchange is not available, the swap is
//!   two renames (old aside to `.NAME.rotaplan-old-PID`, new in); killed between them,
//!   `--out` is briefly missing, and the next run into it (or beside it) puts the old
//!   folder back first. Staging folders of dead runs are removed by the next run.
//! - **Interrupted.** On SIGINT/SIGTERM/SIGHUP the staging folder is removed and the
//!   run says so; the swap itself is never interrupted halfway by the handler.

use super::Staged;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, Once};

/// The manifest every output folder holds.
pub const OWNER_FILE: &str = ".rotaplan.json";

const TMP_TAG: &str = "rotaplan-tmp-";
const OLD_TAG: &str = "rotaplan-old-";

/// Why an output folder was refused or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutError {
    #[error("--out {out} {relation} the input {input}; writing there could overwrite it\n  help: choose an output folder outside every input (data folder, rules, plan, ledger files)")]
    OverlapsInput {
        out: String,
        input: String,
        relation: &'static str,
    },
    #[error("--out {out} is an existing file, not a folder\n  help: give the path of a folder (new or empty), e.g. {out}.d")]
    IsFile { out: String },
    #[error("--out {out}: its parent folder {parent} cannot be made: {blocker} is a file\n  help: choose another --out")]
    NoParent {
        out: String,
        parent: String,
        blocker: String,
    },
    #[error(
        "--out {out}: cannot write in {parent}: {reason}\n  help: choose a folder you can write to"
    )]
    NotWritable {
        out: String,
        parent: String,
        reason: String,
    },
    #[error("--out {out} holds files rotaplan did not write: {listing}\n  help: choose a new or empty folder, or pass --force to replace the folder and everything in it")]
    Foreign { out: String, listing: String },
    #[error("--out {out} holds the output of `rotaplan {other}`, and this is `rotaplan {command}`\n  help: choose another folder, or pass --force to replace it")]
    OtherCommand {
        out: String,
        other: String,
        command: String,
    },
    #[error("cannot write {out}: {source}")]
    Io { out: String, source: io::Error },
}

impl OutError {
    /// True for a refusal known before any writing (exit 2); false for a failed write
    /// (exit 1).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, OutError::Io { .. })
    }
}

/// What `.rotaplan.json` holds. Nothing that varies between runs of the same
/// inputs, so the folder stays byte-identical.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Owner {
    /// The kind of output: `plan`, `horizon`, `compare`, `schedule`, `progress`,
    /// `gen` (`merge` writes `plan` or `horizon`, what one run writes).
    pub command: String,
    pub version: String,
    /// Every file written, relative, `/`-separated, sorted.
    pub files: Vec<String>,
}

/// A checked output folder, ready to receive a run's files.
#[derive(Debug, Clone)]
pub struct OutDir {
    /// As given, for messages.
    shown: String,
    /// Canonical parent (symlinks resolved) and the folder's name in it.
    parent: PathBuf,
    name: OsString,
    command: String,
    force: bool,
}

/// Run state seen by the signal handler. Several commits may run at once in one
/// process (the workspace server plans in a worker pool), so each staging folder is
/// registered by itself and an interrupt is a flag, not a state that one run's end
/// could overwrite.
struct State {
    /// Staging folders being written, with the `--out` each is for.
    staging: Vec<(PathBuf, String)>,
    /// The last `--out` written whole.
    done: Option<String>,
    /// Set by the signal handler: the process is exiting.
    interrupted: bool,
}

impl State {
    fn start(&mut self, dir: &Path, out: &str) {
        self.staging.push((dir.to_path_buf(), out.to_string()));
    }

    fn stop(&mut self, dir: &Path) {
        self.staging.retain(|(d, _)| d != dir);
    }
}

static STATE: Mutex<State> = Mutex::new(State {
    staging: Vec::new(),
    done: None,
    interrupted: false,
});
static HANDLER: Once = Once::new();

fn state() -> std::sync::MutexGuard<'static, State> {
    // A poisoned lock only means a thread panicked while holding it; the state
    // itself is always whole.
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Installs the SIGINT/SIGTERM/SIGHUP handler once: it removes the staging folder
/// (waiting for a swap in progress to finish), says what happened, and exits 1.
fn install_handler() {
    HANDLER.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            let mut s = state();
            s.interrupted = true;
            for (dir, out) in std::mem::take(&mut s.staging) {
                if remove_tree(&dir).is_ok() {
                    eprintln!(
                        "interrupted: removed the unfinished output {}; {out} is unchanged",
                        dir.display()
                    );
                } else {
                    eprintln!(
                        "interrupted: {out} is unchanged; could not remove {} (the next run removes it)",
                        dir.display()
                    );
                }
            }
            match &s.done {
                Some(out) => eprintln!("interrupted after {out} was written"),
                None => eprintln!("interrupted; nothing else was written"),
            }
            std::process::exit(1);
        });
    });
}

/// Removes a folder tree, retrying while another thread may still be adding to it.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut last = Ok(());
    for _ in 0..5 {
        match fs::remove_dir_all(dir) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => last = Err(e),
        }
    }
    last
}

/// `p` made absolute with symlinks resolved as far as it exists; the part that does
/// not exist yet is appended as written, with `.` and `..` applied.
pub fn canonical_lenient(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            // `out` is canonical up to here, so its parent is the real parent.
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => {
                out.push(n);
                if let Ok(real) = fs::canonicalize(&out) {
                    out = real;
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

fn pid_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc the owner cannot be checked: leave the folder alone.
        true
    }
}

/// Relative paths of every file under `dir` (not folders), `/`-separated, sorted.
fn files_under(dir: &Path) -> io::Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
        for e in fs::read_dir(dir)? {
            let e = e?;
            let p = e.path();
            if e.file_type()?.is_dir() {
                walk(root, &p, out)?;
            } else if let Ok(rel) = p.strip_prefix(root) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Reads a folder's manifest; `None` when it has none or it is not rotaplan's.
pub fn read_owner(dir: &Path) -> Option<Owner> {
    let bytes = fs::read(dir.join(OWNER_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn listing(names: &[String]) -> String {
    const SHOWN: usize = 6;
    let mut s = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

impl OutDir {
    /// Checks `out` for `command` against `inputs` (files or folders the run reads).
    /// Touches nothing when it refuses. When it accepts: restores a folder left aside
    /// by a run killed mid-swap, and removes staging folders of dead runs beside `out`.
    pub fn prepare(
        out: &Path,
        command: &str,
        inputs: &[PathBuf],
        force: bool,
    ) -> Result<OutDir, OutError> {
        let shown = out.display().to_string();
        let io_err = |source| OutError::Io {
            out: shown.clone(),
            source,
        };
        let abs = canonical_lenient(out).map_err(io_err)?;
        let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
            return Err(OutError::Foreign {
                out: shown,
                listing: "the root of the file system".into(),
            });
        };
        if abs.exists() && !abs.is_dir() {
            return Err(OutError::IsFile { out: shown });
        }
        // Missing parent folders are made when the output is written; the nearest
        // one that exists must be a folder we can write in.
        let mut existing = parent;
        while !existing.exists() {
            existing = existing.parent().unwrap_or(Path::new("/"));
        }
        if !existing.is_dir() {
            return Err(OutError::NoParent {
                out: shown,
                parent: parent.display().to_string(),
                blocker: existing.display().to_string(),
            });
        }
        for input in inputs {
            let Ok(inp) = canonical_lenient(input) else {
                continue;
            };
            let relation = if inp == abs {
                "is"
            } else if abs.starts_with(&inp) {
                "is inside"
            } else if inp.starts_with(&abs) {
                "contains"
            } else {
                continue;
            };
            return Err(OutError::OverlapsInput {
                out: shown,
                input: input.display().to_string(),
                relation,
            });
        }
        let dir = OutDir {
            shown,
            parent: parent.to_path_buf(),
            name: name.to_os_string(),
            command: command.to_string(),
            force,
        };
        dir.recover();
        dir.check_owner()?;
        install_handler();
        // Writable? Create and remove the staging folder itself, or a probe in the
        // nearest existing ancestor (the handler removes it if a signal comes in
        // between).
        let probe = if existing == dir.parent {
            dir.staging()
        } else {
            existing.join(format!(".rotaplan-probe-{}", std::process::id()))
        };
        state().start(&probe, &dir.shown);
        let probed = fs::create_dir(&probe).and_then(|()| fs::remove_dir(&probe));
        state().stop(&probe);
        probed.map_err(|e| OutError::NotWritable {
            out: dir.shown.clone(),
            parent: existing.display().to_string(),
            reason: e.to_string(),
        })?;
        dir.clean_stale();
        Ok(dir)
    }

    /// The folder's canonical path.
    pub fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    fn sibling(&self, tag: &str, pid: u32) -> PathBuf {
        let mut n = OsString::from(".");
        n.push(&self.name);
        n.push(format!(".{tag}{pid}"));
        self.parent.join(n)
    }

    fn staging(&self) -> PathBuf {
        self.sibling(TMP_TAG, std::process::id())
    }

    /// Siblings `.NAME.rotaplan-{tmp,old}-PID` of dead runs: (path, is_old).
    fn dead_siblings(&self) -> Vec<(PathBuf, bool)> {
        let mut prefix = OsString::from(".");
        prefix.push(&self.name);
        prefix.push(".");
        let prefix = prefix.to_string_lossy().into_owned();
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        let mut found: Vec<(PathBuf, bool)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                let rest = n.strip_prefix(&prefix)?;
                let (old, pid) = if let Some(p) = rest.strip_prefix(TMP_TAG) {
                    (false, p)
                } else {
                    (true, rest.strip_prefix(OLD_TAG)?)
                };
                let pid: u32 = pid.parse().ok()?;
                (!pid_alive(pid)).then(|| (e.path(), old))
            })
            .collect();
        found.sort();
        found
    }

    /// A run killed between the two renames of the fallback swap left `--out`
    /// missing and the old folder aside: put it back.
    fn recover(&self) {
        let path = self.path();
        if path.exists() {
            return;
        }
        if let Some((old, _)) = self.dead_siblings().into_iter().find(|(_, old)| *old) {
            if fs::rename(&old, &path).is_ok() {
                eprintln!(
                    "notice: restored {} from {} (left aside by an interrupted run)",
                    self.shown,
                    old.display()
                );
            }
        }
    }

    fn clean_stale(&self) {
        for (p, _) in self.dead_siblings() {
            if remove_tree(&p).is_ok() {
                eprintln!(
                    "notice: removed {} (left by an interrupted run)",
                    p.display()
                );
            }
        }
    }

    /// The folder may be replaced by this command's output.
    fn check_owner(&self) -> Result<(), OutError> {
        let path = self.path();
        if !path.is_dir() {
            return Ok(());
        }
        let io_err = |source| OutError::Io {
            out: self.shown.clone(),
            source,
        };
        let present = files_under(&path).map_err(io_err)?;
        let empty = fs::read_dir(&path).map_err(io_err)?.next().is_none();
        if empty || self.force {
            return Ok(());
        }
        let Some(owner) = read_owner(&path) else {
            let mut top: Vec<String> = fs::read_dir(&path)
                .map_err(io_err)?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            top.sort();
            return Err(OutError::Foreign {
                out: self.shown.clone(),
                listing: listing(&top),
            });
        };
        if owner.command != self.command {
            return Err(OutError::OtherCommand {
                out: self.shown.clone(),
                other: owner.command,
                command: self.command.clone(),
            });
        }
        let extra: Vec<String> = present
            .into_iter()
            .filter(|f| f != OWNER_FILE && owner.files.binary_search(f).is_err())
            .collect();
        if !extra.is_empty() {
            return Err(OutError::Foreign {
                out: self.shown.clone(),
                listing: listing(&extra),
            });
        }
        Ok(())
    }

    /// Writes `staged` as the folder's whole content, atomically.
    pub fn commit(&self, staged: &Staged) -> Result<(), OutError> {
        self.commit_with(|dir| staged.write_into(dir))
    }

    /// Runs `write` on a fresh staging folder, adds the manifest, and swaps the
    /// folder into place. On any error the staging folder is removed and `--out` is
    /// untouched.
    pub fn commit_with(&self, write: impl FnOnce(&Path) -> io::Result<()>) -> Result<(), OutError> {
        // Something may have appeared in --out while the run worked.
        self.check_owner()?;
        let staging = self.staging();
        let io_err = |source| OutError::Io {
            out: self.shown.clone(),
            source,
        };
        fs::create_dir_all(&self.parent).map_err(io_err)?;
        if staging.exists() {
            remove_tree(&staging).map_err(io_err)?;
        }
        fs::create_dir(&staging).map_err(io_err)?;
        state().start(&staging, &self.shown);
        let written = write(&staging).and_then(|()| self.write_owner(&staging));
        let mut s = state();
        if s.interrupted {
            // The signal handler has taken the staging folder away and is exiting.
            return Err(io_err(io::Error::other("interrupted")));
        }
        s.stop(&staging);
        if let Err(e) = written {
            let _ = remove_tree(&staging);
            return Err(io_err(e));
        }
        // The handler waits on this lock, so the swap is never cut halfway by it.
        let swapped = self.swap(&staging);
        match &swapped {
            Ok(()) => s.done = Some(self.shown.clone()),
            Err(_) => {
                let _ = remove_tree(&staging);
            }
        }
        swapped.map_err(io_err)
    }

    fn write_owner(&self, staging: &Path) -> io::Result<()> {
        let owner = Owner {
            command: self.command.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            files: files_under(staging)?,
        };
        let mut json = serde_json::to_vec_pretty(&owner).map_err(io::Error::other)?;
        json.push(b'\n');
        write_synced(&staging.join(OWNER_FILE), &json)?;
        sync_dir(staging)
    }

    /// Puts the finished `staging` folder in place of `--out`.
    fn swap(&self, staging: &Path) -> io::Result<()> {
        let path = self.path();
        if !path.exists() {
            fs::rename(staging, &path)?;
            return sync_dir(&self.parent);
        }
        if exchange(staging, &path)? {
            // `staging` now holds the old folder.
            sync_dir(&self.parent)?;
            return remove_tree(staging);
        }
        // Fallback: two renames. Between them `--out` is missing; `recover` puts the
        // old folder back if the run dies right there.
        let old = self.sibling(OLD_TAG, std::process::id());
        fs::rename(&path, &old)?;
        if let Err(e) = fs::rename(staging, &path) {
            let _ = fs::rename(&old, &path);
            return Err(e);
        }
        sync_dir(&self.parent)?;
        remove_tree(&old)
    }
}

/// Atomically exchanges two folders. `Ok(false)` when the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call;
    // renameat2 only reads them.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EXDEV) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    if cfg!(unix) {
        fs::File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(files: &[(&str, &str)]) -> Staged {
        let mut s = Staged::default();
        for (n, b) in files {
            s.add(*n, b.as_bytes().to_vec());
        }
        s
    }

    #[test]
    fn lenient_canonical_handles_missing_tails() {
        let t = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(t.path()).unwrap();
        let p = canonical_lenient(&t.path().join("a/b/../c")).unwrap();
        assert_eq!(p, base.join("a/c"));
    }

    #[test]
    fn refuses_overlap_files_and_foreign_folders() {
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("data");
        fs::create_dir(&data).unwrap();
        fs::write(data.join("schools.csv"), "x").unwrap();
        let inputs = vec![data.clone()];
        for out in [data.clone(), data.join("out"), t.path().to_path_buf()] {
            let e = OutDir::prepare(&out, "plan", &inputs, true).unwrap_err();
            assert!(matches!(e, OutError::OverlapsInput { .. }), "{e}");
        }
        let file = data.join("schools.csv");
        let e = OutDir::prepare(&file, "plan", &[], false).unwrap_err();
        assert!(matches!(e, OutError::IsFile { .. }), "{e}");
        let e = OutDir::prepare(&file.join("sub/out"), "plan", &[], false).unwrap_err();
        assert!(matches!(e, OutError::NoParent { .. }), "{e}");
        // Missing parents are made when the output is written, not before.
        let deep = t.path().join("new/deeper/out");
        let d = OutDir::prepare(&deep, "plan", &[], false).unwrap();
        assert!(!t.path().join("new").exists());
        d.commit(&Staged::default()).unwrap();
        assert!(deep.join(OWNER_FILE).is_file());
        let e = OutDir::prepare(&data, "gen", &[], false).unwrap_err();
        assert!(matches!(e, OutError::Foreign { .. }), "{e}");
        assert!(OutDir::prepare(&data, "gen", &[], true).is_ok());
        assert_eq!(fs::read(data.join("schools.csv")).unwrap(), b"x");
    }

    #[test]
    fn rerun_replaces_whole_folder_and_owner_is_checked() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let d = OutDir::prepare(&out, "plan", &[], false).unwrap();
        d.commit(&staged(&[("a.csv", "1"), ("2021/b.csv", "2")]))
            .unwrap();
        let owner = read_owner(&out).unwrap();
        assert_eq!(owner.files, vec!["2021/b.csv", "a.csv"]);
        let d = OutDir::prepare(&out, "plan", &[], false).unwrap();
        d.commit(&staged(&[("c.csv", "3")])).unwrap();
        assert_eq!(files_under(&out).unwrap(), vec![OWNER_FILE, "c.csv"]);
        // Another command's folder, or a file added by hand: refused without --force.
        let e = OutDir::prepare(&out, "schedule", &[], false).unwrap_err();
        assert!(matches!(e, OutError::OtherCommand { .. }), "{e}");
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = OutDir::prepare(&out, "plan", &[], false).unwrap_err();
        assert!(e.to_string().contains("notes.txt"), "{e}");
        // Nothing else is left beside the folder.
        let beside: Vec<_> = fs::read_dir(t.path()).unwrap().collect();
        assert_eq!(beside.len(), 1);
    }

    #[test]
    fn stale_staging_of_dead_runs_is_removed_and_old_folder_restored() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        // PIDs above the kernel's pid_max (2^22) never run.
        let dead = 4_194_304 + 7;
        let tmp = t.path().join(format!(".out.{TMP_TAG}{dead}"));
        let old = t.path().join(format!(".out.{OLD_TAG}{dead}"));
        fs::create_dir(&tmp).unwrap();
        fs::create_dir(&old).unwrap();
        fs::write(old.join("a.csv"), "old").unwrap();
        let owner = Owner {
            command: "plan".into(),
            version: "0".into(),
            files: vec!["a.csv".into()],
        };
        fs::write(old.join(OWNER_FILE), serde_json::to_vec(&owner).unwrap()).unwrap();
        OutDir::prepare(&out, "plan", &[], false).unwrap();
        assert!(!tmp.exists());
        assert!(!old.exists());
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"old");
    }

    #[test]
    fn concurrent_commits_in_one_process_do_not_disturb_each_other() {
        // The workspace server writes several plans' folders at once.
        let t = tempfile::tempdir().unwrap();
        std::thread::scope(|scope| {
            for k in 0..6 {
                let out = t.path().join(format!("out{k}"));
                scope.spawn(move || {
                    for round in 0..20 {
                        let d = OutDir::prepare(&out, "plan", &[], false).unwrap();
                        let body = format!("{k}/{round}");
                        d.commit(&staged(&[("a.csv", body.as_str())])).unwrap();
                        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), body);
                    }
                });
            }
        });
        assert_eq!(fs::read_dir(t.path()).unwrap().count(), 6);
    }

    #[test]
    fn failed_write_leaves_old_folder() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let d = OutDir::prepare(&out, "plan", &[], false).unwrap();
        d.commit(&staged(&[("a.csv", "1")])).unwrap();
        let e = d
            .commit_with(|_| Err(io::Error::other("disk full")))
            .unwrap_err();
        assert!(!e.is_refusal());
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"1");
        assert_eq!(fs::read_dir(t.path()).unwrap().count(), 1);
    }
}
