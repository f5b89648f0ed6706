//! The plan workers: at most as many threads as the machine has cores take plans off a
//! queue and run them through the same code as `rotaplan plan` (no subprocess), in a
//! private folder under `<workspace>/work/`: the dataset's current files under fixed
//! names, the rules as `rules.toml`, the output folder. The files written are then
//! stored with the plan in one transaction and the folder removed.
//!
//! Cancel: a queued plan is marked cancelled and never starts; a running one has its
//! flag set, which the planner checks between stages and components.

use super::db::Db;
use indicatif::ProgressBar;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// What a running plan shares with the request handlers.
struct Running {
    cancel: Arc<AtomicBool>,
    bar: ProgressBar,
}

#[derive(Default)]
pub struct Jobs {
    queue: Mutex<VecDeque<i64>>,
    ready: Condvar,
    running: Mutex<HashMap<i64, Running>>,
}

/// How far a plan is: the stage under way and the share of the work done (0 to 1).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Progress {
    pub stage: String,
    pub fraction: f64,
}

/// What a plan is asked to do, as stored with it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PlanParams {
    /// A built-in rule set's file name, or empty for `rules_text`.
    pub rules_name: String,
    pub rules_text: String,
    pub year: i32,
    pub set: Vec<(String, String)>,
    pub previous: Option<i64>,
    /// The dataset's files the plan reads, (role, version), fixed when it is
    /// submitted; empty (plans stored before versions were recorded): the current ones.
    #[serde(default)]
    pub files: super::db::FileVersions,
    /// The stored rule set the rules come from ("name v2"), when one was chosen.
    #[serde(default)]
    pub rule_set: Option<String>,
}

impl Jobs {
    pub fn enqueue(&self, id: i64) {
        lock(&self.queue).push_back(id);
        self.ready.notify_one();
    }

    /// Sets the cancel flag of a running plan; false when it is not running here.
    pub fn cancel_running(&self, id: i64) -> bool {
        match lock(&self.running).get(&id) {
            Some(r) => {
                r.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    pub fn progress(&self, id: i64) -> Option<Progress> {
        let running = lock(&self.running);
        let r = running.get(&id)?;
        let (pos, len) = (r.bar.position(), r.bar.length().unwrap_or(1).max(1));
        let stage = r.bar.message();
        // Loading is the first tenth, solving the components up to nine tenths.
        let fraction = if stage.starts_with("loading") {
            0.0
        } else if stage.starts_with("planning") {
            0.1 + 0.8 * (pos.min(len) as f64 / len as f64)
        } else {
            0.9
        };
        Some(Progress { stage, fraction })
    }

    fn next(&self) -> i64 {
        let mut q = lock(&self.queue);
        loop {
            if let Some(id) = q.pop_front() {
                return id;
            }
            q = self.ready.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts `n` workers.
pub fn start(app: super::App, n: usize) {
    for _ in 0..n {
        let app = app.clone();
        std::thread::spawn(move || loop {
            let id = app.jobs.next();
            if let Err(e) = run_one(&app, id) {
                eprintln!("rotaplan serve: plan {id}: {e}");
                let _ = app.db.fail_plan(
                    id,
                    &e.to_string(),
                    &format!("服务器出错（{e}）：请重新计算；如果再次失败，请告诉管理员"),
                );
            }
        });
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("work folder: {0}")]
    Io(#[from] std::io::Error),
}

fn run_one(app: &super::App, id: i64) -> Result<(), JobError> {
    let cancel = Arc::new(AtomicBool::new(false));
    let bar = crate::cli::plan_stages();
    lock(&app.jobs.running).insert(
        id,
        Running {
            cancel: cancel.clone(),
            bar: bar.clone(),
        },
    );
    let result = run_registered(app, id, bar, &cancel);
    lock(&app.jobs.running).remove(&id);
    result
}

fn run_registered(
    app: &super::App,
    id: i64,
    bar: ProgressBar,
    cancel: &Arc<AtomicBool>,
) -> Result<(), JobError> {
    if !app.db.start_plan(id)? {
        return Ok(()); // cancelled while queued
    }
    let Some(plan) = app.db.plan(id)? else {
        return Ok(());
    };
    if plan.kind != "plan" {
        // A view (horizon, compare, progress): same folder, cancel and storage rules.
        let dir = app
            .workspace
            .join("work")
            .join(format!("{}-{id}", plan.kind));
        let watch = crate::cli::Watch {
            bar,
            cancel: cancel.clone(),
        };
        let outcome = super::views::in_folder(&app.db, &dir, &plan, &watch);
        let _ = std::fs::remove_dir_all(&dir);
        return finish(app, id, outcome?, cancel);
    }
    let params: Option<PlanParams> = serde_json::from_value(plan.params.clone()).ok();
    let Some(params) = params else {
        app.db.fail_plan(
            id,
            "the plan's parameters are unreadable",
            "无法读取这个方案的参数：请重新制定方案",
        )?;
        return Ok(());
    };
    let dir = app.workspace.join("work").join(format!("plan-{id}"));
    let outcome = in_folder(&app.db, &dir, plan.dataset, &params, bar, cancel);
    let _ = std::fs::remove_dir_all(&dir);
    finish(app, id, outcome?, cancel)
}

/// Stores how a run ended: its files and summary when done.
fn finish(
    app: &super::App,
    id: i64,
    outcome: Outcome,
    cancel: &Arc<AtomicBool>,
) -> Result<(), JobError> {
    // A cancel that was acknowledged wins, even when the plan finished meanwhile.
    let outcome = match outcome {
        Outcome::Done(_) if cancel.load(Ordering::Relaxed) => Outcome::Cancelled,
        o => o,
    };
    match outcome {
        Outcome::Done(files) => {
            let summary = files
                .iter()
                .find(|(n, _)| n == "summary.json")
                .and_then(|(_, b)| std::str::from_utf8(b).ok().map(str::to_string));
            app.db
                .finish_plan(id, "done", summary.as_deref(), None, &files)?;
        }
        Outcome::Cancelled => app.db.finish_plan(id, "cancelled", None, None, &[])?,
        Outcome::Failed(f) => app.db.fail_plan(id, &f.en, &f.zh)?,
    }
    Ok(())
}

pub(super) enum Outcome {
    Done(Vec<(String, Vec<u8>)>),
    Cancelled,
    Failed(Failure),
}

/// Why work failed, in English (the API's `error`) and in Chinese (the pages').
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub en: String,
    pub zh: String,
}

impl Failure {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Failure {
        Failure {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// A message that is the library's or the command's own (English): in Chinese
    /// after a Chinese lead-in saying what it is.
    pub fn library(lead_zh: &str, en: String) -> Failure {
        let zh = format!("{lead_zh}{}", super::i18n::phrase_zh(&en));
        Failure { en, zh }
    }
}

/// Writes the dataset's current files under their fixed names into `dir/data`.
pub fn materialise(db: &Db, dataset: i64, data: &Path) -> Result<(), JobError> {
    std::fs::create_dir_all(data)?;
    for (name, bytes) in db.current_files(dataset)? {
        // INVARIANT: `name` is `<role>.<ext>` with a role from `api::ROLES` and an
        // extension chosen from the content (api::sniff), never a name from a request.
        std::fs::write(data.join(name), bytes)?;
    }
    Ok(())
}

/// Writes the files a plan reads (see [`PlanParams::files`]) into `data`.
pub fn materialise_plan(
    db: &Db,
    dataset: i64,
    p: &PlanParams,
    data: &Path,
) -> Result<(), JobError> {
    if p.files.is_empty() {
        return materialise(db, dataset, data);
    }
    std::fs::create_dir_all(data)?;
    for (name, bytes) in db.files_at(dataset, &p.files)? {
        // INVARIANT: as in `materialise`, a stored fixed name.
        std::fs::write(data.join(name), bytes)?;
    }
    Ok(())
}

fn in_folder(
    db: &Db,
    dir: &Path,
    dataset: i64,
    p: &PlanParams,
    bar: ProgressBar,
    cancel: &Arc<AtomicBool>,
) -> Result<Outcome, JobError> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let data = dir.join("data");
    materialise_plan(db, dataset, p, &data)?;
    let rules = dir.join(super::api::rules_file_name(p));
    std::fs::write(&rules, super::api::rules_text(p).unwrap_or(&p.rules_text))?;
    let previous = match p.previous {
        None => None,
        Some(prev) => match db.plan_file(prev, "plan.csv")? {
            Some(bytes) => {
                let f = dir.join("previous.csv");
                std::fs::write(&f, bytes)?;
                Some(f)
            }
            None => {
                return Ok(Outcome::Failed(Failure::new(
                    format!("the previous plan {prev} has no plan.csv (it did not finish)"),
                    format!("参照的上一方案 #{prev} 没有 plan.csv（它没有完成）"),
                )))
            }
        },
    };
    let out = dir.join("out");
    let args = plan_argv(&data, &rules, &out, p, previous.as_deref());
    match crate::cli::run_plan(&args, bar, cancel.clone()) {
        Ok(0) => {}
        Ok(_) if cancel.load(Ordering::Relaxed) => return Ok(Outcome::Cancelled),
        // Refused input (pins that cannot hold, …): the reason in the library's words.
        Ok(2) => {
            return Ok(Outcome::Failed(
                super::why::diagnose(&data, p).unwrap_or_else(|| {
                    Failure::new(
                        "the planner refused this plan's data or rules; check the data page \
                         and the rules, then run it again",
                        "计算程序拒绝了这个方案的数据或规则：请检查数据页面和规则，然后重新计算",
                    )
                }),
            ))
        }
        Ok(code) => {
            return Ok(Outcome::Failed(Failure::new(
                format!(
                    "the planner stopped with an error (exit {code}) and kept nothing: run the \
                     plan again; if it fails again, tell your administrator (the server's log \
                     has the details)"
                ),
                format!(
                "计算程序出错停止（退出码 {code}），没有保存任何结果：请重新计算；如果再次失败，\
                     请告诉管理员（详情见服务器日志）"
            ),
            )))
        }
        Err(e) => {
            return Ok(Outcome::Failed(Failure::library(
                "无法运行计算：",
                e.to_string(),
            )))
        }
    }
    let mut files = Vec::new();
    for e in std::fs::read_dir(&out)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        // The folder marker is bookkeeping of the output folder, not an output.
        if name.starts_with('.') || !e.file_type()?.is_file() {
            continue;
        }
        files.push((name, std::fs::read(e.path())?));
    }
    files.sort();
    Ok(Outcome::Done(files))
}

/// The `rotaplan plan` command line of a plan (what the CLI user would type).
pub fn plan_argv(
    data: &Path,
    rules: &Path,
    out: &Path,
    p: &PlanParams,
    previous: Option<&Path>,
) -> Vec<String> {
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let mut v = vec![
        "rotaplan".to_string(),
        "--quiet".into(),
        "plan".into(),
        "--data".into(),
        path(data),
        "--rules".into(),
        path(rules),
        "--year".into(),
        p.year.to_string(),
        "--out".into(),
        path(out),
    ];
    for (k, val) in &p.set {
        v.push("--set".into());
        v.push(format!("{k}={val}"));
    }
    if let Some(prev) = previous {
        v.push("--previous".into());
        v.push(path(prev));
    }
    v
}

/// Whether `rotaplan plan` takes `--previous` (it does once plans can be steered by
/// an earlier plan); until then a plan with a previous one is refused at submission.
pub fn previous_supported() -> bool {
    let p = PlanParams {
        rules_name: String::new(),
        rules_text: String::new(),
        year: 2021,
        set: Vec::new(),
        previous: None,
        files: Vec::new(),
        rule_set: None,
    };
    let x = PathBuf::from("x");
    crate::cli::plan_args_ok(&plan_argv(&x, &x, &x, &p, Some(&x)))
}
