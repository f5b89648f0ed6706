//! The views beside plans: `horizon` (the whole plan period against the target, and
//! what it takes when the target is out of reach), `progress` (the ledger's actual
//! exchanges against the target path, with a forecast) and `compare` (several rule
//! sets or `--set` values side by side).
//!
//! Each runs as work of its kind in the plans table, taken by the same workers as
//! plans (at most the machine's cores, cancelable, failed after a restart), through
//! the same code as the command (`cli::run_view`: the command line a user would type,
//! in a private folder). Its files are stored as written, byte-identical to the
//! command's; the page shows the command's own report (its sections and charts, from
//! the stored report.html) inside the workspace.

use super::api::{self, blocking, db, visible_dataset, visible_job, ApiError};
use super::auth::{Session, User};
use super::db::{Db, PlanRow};
use super::jobs::{materialise, Failure, JobError, Outcome};
use super::pages::{self, Ctx};
use super::App;
use crate::cli::Watch;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use minijinja::{context, Value as JValue};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::Path as FsPath;
use std::sync::atomic::Ordering;

/// The views' templates (the pages' environment loads them beside its own).
pub const TEMPLATES: [(&str, &str); 4] = [
    ("running.html", include_str!("templates/running.html")),
    ("view.html", include_str!("templates/view.html")),
    ("views.html", include_str!("templates/views.html")),
    (
        "dataset_views.html",
        include_str!("templates/dataset_views.html"),
    ),
];

/// The kinds of view, as stored (`db::KINDS`), with the path segment of their routes.
pub const VIEWS: [(&str, &str); 3] = [
    ("horizon", "horizons"),
    ("compare", "compares"),
    ("progress", "progress"),
];

/// At most this many compare variants in one run (rule sets × values × methods).
pub const MAX_VARIANTS: usize = 24;

fn segment(kind: &str) -> &'static str {
    VIEWS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("horizons", |(_, s)| s)
}

/// One rule set of a view: a built-in file's name, or an uploaded text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RuleChoice {
    /// A built-in rule set's file name, or empty for `text`.
    pub name: String,
    pub text: String,
}

impl RuleChoice {
    /// A built-in name (with or without `.toml`), else the text of a rule file.
    pub fn of(given: &str) -> RuleChoice {
        let given = given.trim();
        match api::BUILTIN_RULES
            .iter()
            .find(|(n, _)| *n == given || n.trim_end_matches(".toml") == given)
        {
            Some((n, _)) => RuleChoice {
                name: (*n).to_string(),
                text: String::new(),
            },
            None => RuleChoice {
                name: String::new(),
                text: given.to_string(),
            },
        }
    }

    fn text(&self) -> &str {
        api::BUILTIN_RULES
            .iter()
            .find(|(n, _)| *n == self.name)
            .map_or(self.text.as_str(), |(_, t)| t)
    }

    /// The file name the rules are written under: the built-in's, or `rules.toml`
    /// (`rules-N.toml`, N from 1, among several).
    fn file_name(&self, i: usize, of: usize) -> String {
        if !self.name.is_empty() {
            self.name.clone()
        } else if of == 1 {
            "rules.toml".into()
        } else {
            format!("rules-{}.toml", i + 1)
        }
    }
}

/// What a view is asked to do, as stored with it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ViewParams {
    pub rules: Vec<RuleChoice>,
    /// `--set KEY=VALUE` (horizon, progress) or `--set KEY=V1,V2,…` (compare).
    pub set: Vec<(String, String)>,
    /// compare: `--year Y`, or the whole period (`--horizon`) when None.
    #[serde(default)]
    pub year: Option<i32>,
    /// progress: `--as-of Y`.
    #[serde(default)]
    pub as_of: Option<i32>,
    /// compare: also the hand method (`--seniority`).
    #[serde(default)]
    pub seniority: bool,
    /// The report's language: `zh` or `en`.
    pub lang: String,
}

/// The command line of a view (what the command-line user would type), with the
/// dataset in `data`, the rule files in `dir` and the output in `out`.
pub fn view_argv(
    kind: &str,
    p: &ViewParams,
    data: &FsPath,
    dir: &FsPath,
    out: &FsPath,
) -> Vec<String> {
    let path = |p: &FsPath| p.to_string_lossy().into_owned();
    let mut v: Vec<String> = vec![
        "rotaplan".into(),
        "--quiet".into(),
        kind.into(),
        "--data".into(),
        path(data),
    ];
    for (i, r) in p.rules.iter().enumerate() {
        v.push("--rules".into());
        v.push(path(&dir.join(r.file_name(i, p.rules.len()))));
    }
    for (k, val) in &p.set {
        v.push("--set".into());
        v.push(format!("{k}={val}"));
    }
    match kind {
        "compare" => {
            match p.year {
                Some(y) => v.extend(["--year".to_string(), y.to_string()]),
                None => v.push("--horizon".into()),
            }
            if p.seniority {
                v.push("--seniority".into());
            }
        }
        "progress" => {
            if let Some(y) = p.as_of {
                v.extend(["--as-of".to_string(), y.to_string()]);
            }
        }
        _ => {}
    }
    v.extend([
        "--lang".to_string(),
        p.lang.clone(),
        "--out".into(),
        path(out),
    ]);
    v
}

/// Runs a view in `dir` (the dataset under `data/`, the rules beside it, the output
/// in `out/`) and collects the files written, year folders as `Y/name`.
pub(super) fn in_folder(
    db: &Db,
    dir: &FsPath,
    row: &PlanRow,
    watch: &Watch,
) -> Result<Outcome, JobError> {
    let Ok(p) = serde_json::from_value::<ViewParams>(row.params.clone()) else {
        return Ok(Outcome::Failed(Failure::new(
            format!("the {}'s parameters are unreadable", row.kind),
            "无法读取这项测算的参数：请重新开始",
        )));
    };
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let data = dir.join("data");
    materialise(db, row.dataset, &data)?;
    for (i, r) in p.rules.iter().enumerate() {
        // INVARIANT: a built-in name from BUILTIN_RULES or a fixed `rules*.toml`.
        std::fs::write(dir.join(r.file_name(i, p.rules.len())), r.text())?;
    }
    let out = dir.join("out");
    let args = view_argv(&row.kind, &p, &data, dir, &out);
    match crate::cli::run_view(&args, watch) {
        Ok(0) => {}
        Ok(_) if watch.cancel.load(Ordering::Relaxed) => return Ok(Outcome::Cancelled),
        Ok(code) => {
            return Ok(Outcome::Failed(
                diagnose(&data, &row.kind, &p, watch).unwrap_or_else(|| {
                    Failure::new(
                        format!(
                            "the {} failed (exit {code}) and kept nothing: run it again; if it \
                             fails again, tell your administrator (the server's log has the \
                             details)",
                            row.kind
                        ),
                        format!(
                            "计算出错停止（退出码 {code}），没有保存任何结果：请重新计算；如果再次\
                             失败，请告诉管理员（详情见服务器日志）"
                        ),
                    )
                }),
            ))
        }
        Err(e) => {
            return Ok(Outcome::Failed(Failure::library(
                "无法运行计算：",
                e.to_string(),
            )))
        }
    }
    let mut files = Vec::new();
    collect(&out, "", &mut files)?;
    files.sort();
    Ok(Outcome::Done(files))
}

/// Why a view's command failed, in its own words: the steps it takes, run again on
/// the view's data folder — the data, the rule sets with their values, then the plans
/// (every year of the period, or the compared year) of each rule set, which refuse
/// pins that cannot hold by row and rule. `None` when all of that succeeds (the
/// failure was not the input's).
fn diagnose(data_dir: &FsPath, kind: &str, p: &ViewParams, watch: &Watch) -> Option<Failure> {
    let mut loaded = match api::load(data_dir) {
        Ok(l) => l,
        Err(errors) => return Some(super::why::data_failure(&errors)),
    };
    if let Err(e) = check_rules(kind, p) {
        return Some(Failure::library("规则有误：", e.message()));
    }
    loaded.data.group_by_district();
    let data = &loaded.data;
    let n = p.rules.len();
    // Compare's lists of values (`0.08,0.1`): the first value of each, as one variant.
    let set: Vec<String> = p
        .set
        .iter()
        .map(|(k, v)| format!("{k}={}", v.split(',').next().unwrap_or("").trim()))
        .collect();
    let opts = crate::horizon::HorizonOptions {
        plan: crate::plan::PlanOptions {
            cancel: Some(watch.cancel.clone()),
            ..crate::plan::PlanOptions::default()
        },
        stop_when_met: false,
    };
    for (i, r) in p.rules.iter().enumerate() {
        let rules = crate::rules::parse_rules(r.text(), &r.file_name(i, n), &set).ok()?;
        let failed = match p.year {
            Some(y) => crate::plan::plan_year(data, &rules, y, &data.ledger, &opts.plan)
                .err()
                .map(|e| format!("plan year {y}: {e}")),
            None => {
                let years = rules.plan.first_year..=rules.plan.last_year;
                crate::horizon::run(data, &rules, years, &opts, |_| Ok(()))
                    .err()
                    .map(|e| e.to_string())
            }
        };
        if watch.cancelled() {
            return None;
        }
        if let Some(e) = failed {
            let en = if n > 1 {
                format!("{}: {e}", r.file_name(i, n))
            } else {
                e
            };
            return Some(Failure::library(
                "计算程序拒绝了这项测算（原因如下，与命令行相同）：\n",
                en,
            ));
        }
    }
    None
}

/// The files under `dir` as (`prefix` + relative name, bytes), leaving out the
/// output folder's own bookkeeping (names starting with a dot).
fn collect(dir: &FsPath, prefix: &str, files: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let t = e.file_type()?;
        if t.is_dir() {
            collect(&e.path(), &format!("{prefix}{name}/"), files)?;
        } else if t.is_file() {
            files.push((format!("{prefix}{name}"), std::fs::read(e.path())?));
        }
    }
    Ok(())
}

// ---- requests ----

/// `set` as the API takes it: `{"key": value}`; for compare a value may list several
/// (`"0.08,0.1"` or `[0.08, 0.1]`).
fn set_pairs(set: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    let text = |v: &Value| match v {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    };
    set.iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(","),
                v => text(v),
            };
            (k.trim().to_string(), v)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn lang_of(v: Option<&str>) -> String {
    match v {
        Some("en") => "en".into(),
        _ => "zh".into(),
    }
}

/// A view request: the JSON body of `POST /api/horizons` (and compares, progress).
#[derive(Debug, Deserialize)]
pub struct ViewRequest {
    pub dataset: i64,
    /// horizon, progress: a built-in name or a rule file's text; compare: a list of
    /// them (one also accepted). Default: the first built-in rule set.
    #[serde(default)]
    pub rules: Option<Value>,
    #[serde(default)]
    pub set: serde_json::Map<String, Value>,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub horizon: bool,
    #[serde(default)]
    pub as_of: Option<i32>,
    #[serde(default)]
    pub seniority: bool,
    #[serde(default)]
    pub lang: Option<String>,
}

fn unprocessable(m: impl Into<String>) -> ApiError {
    ApiError::Unprocessable(m.into())
}

/// Checks a view request of `kind` (rules, values, the dataset's ledger) and turns it
/// into the parameters stored with it.
pub fn params_of(kind: &str, req: &ViewRequest) -> Result<ViewParams, ApiError> {
    let rules: Vec<RuleChoice> = match &req.rules {
        None | Some(Value::Null) => vec![RuleChoice::of(api::BUILTIN_RULES[0].0)],
        Some(Value::String(s)) => vec![RuleChoice::of(s)],
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(RuleChoice::of)
                    .ok_or_else(|| unprocessable("rules: give names or rule file texts"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(unprocessable("rules: give a name or a rule file's text")),
    };
    if rules.is_empty() {
        return Err(unprocessable("rules: choose at least one rule set"));
    }
    if kind != "compare" && rules.len() > 1 {
        return Err(unprocessable(format!("a {kind} takes one rule set")));
    }
    if kind == "compare" && req.year.is_some() == req.horizon {
        return Err(unprocessable(
            "compare: give a plan year, or ask for the whole period (horizon: true), not both",
        ));
    }
    let p = ViewParams {
        set: set_pairs(&req.set),
        year: if kind == "compare" { req.year } else { None },
        as_of: if kind == "progress" { req.as_of } else { None },
        seniority: kind == "compare" && req.seniority,
        lang: lang_of(req.lang.as_deref()),
        rules,
    };
    check_rules(kind, &p)?;
    Ok(p)
}

/// Parses every rule set with its values, as the command will: 422 with the
/// message of the first problem.
fn check_rules(kind: &str, p: &ViewParams) -> Result<(), ApiError> {
    let n = p.rules.len();
    if kind != "compare" {
        let overrides: Vec<String> = p.set.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for (i, r) in p.rules.iter().enumerate() {
            let rules = crate::rules::parse_rules(r.text(), &r.file_name(i, n), &overrides)
                .map_err(|e| unprocessable(e.to_string()))?;
            if let Some(y) = p.as_of {
                let (first, last) = (rules.plan.first_year, rules.plan.last_year);
                if !(first..=last).contains(&y) {
                    return Err(unprocessable(format!(
                        "as of {y} is outside the plan period of these rules ({first}–{last})"
                    )));
                }
            }
        }
        return Ok(());
    }
    let names: Vec<std::path::PathBuf> =
        (0..n).map(|i| p.rules[i].file_name(i, n).into()).collect();
    let sweeps: Vec<String> = p.set.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let methods = if p.seniority {
        vec![crate::plan::Method::Optimal, crate::plan::Method::Seniority]
    } else {
        vec![crate::plan::Method::Optimal]
    };
    let variants = crate::compare::expand(&names, &sweeps, &methods)
        .map_err(|e| unprocessable(e.to_string()))?;
    if variants.len() > MAX_VARIANTS {
        return Err(unprocessable(format!(
            "{} variants asked; the workspace compares at most {MAX_VARIANTS} at once: \
             fewer rule sets or values",
            variants.len()
        )));
    }
    for v in &variants {
        let i = names.iter().position(|n| *n == v.rules).unwrap_or(0);
        crate::rules::parse_rules(p.rules[i].text(), &names[i].to_string_lossy(), &v.sets)
            .map_err(|e| unprocessable(format!("variant `{}`: {e}", v.label())))?;
    }
    Ok(())
}

/// Checks and queues a view of `kind` for `user`: its id.
pub fn submit_view(app: &App, user: &User, kind: &str, req: ViewRequest) -> Result<i64, ApiError> {
    let dataset = visible_dataset(app, user, req.dataset)?;
    let p = params_of(kind, &req)?;
    if kind == "progress" && !dataset.files.iter().any(|f| f.role == "ledger") {
        return Err(unprocessable(
            "progress counts the exchanges in the dataset's ledger, and this dataset has \
             none: upload the data again with ledger.csv (or ledger.xlsx)",
        ));
    }
    let json = serde_json::to_value(&p).map_err(ApiError::internal)?;
    let id = db(app.db.insert_job(user, kind, dataset.id, &json))?;
    app.jobs.enqueue(id);
    Ok(id)
}

// ---- JSON routes ----

/// The views' routes, API and pages, for every kind.
pub fn routes() -> Router<App> {
    let mut r = Router::new()
        .route("/views", get(views_page))
        .route("/api/datasets/{id}/progress", get(dataset_progress));
    for (kind, seg) in VIEWS {
        let base = format!("/api/{seg}");
        r = r
            .route(
                &base,
                get(move |st: State<App>, s: Session| list(st, s, kind)).post(
                    move |st: State<App>, s: Session, h: HeaderMap, b: Json<ViewRequest>| {
                        submit(st, s, h, b, kind)
                    },
                ),
            )
            .route(
                &format!("{base}/{{id}}"),
                get(
                    move |st: State<App>, s: Session, p: Path<i64>, q: Query<api::LangQuery>| {
                        one(st, s, p, q.0, kind)
                    },
                )
                .delete(
                    move |st: State<App>, s: Session, h: HeaderMap, p: Path<i64>| {
                        cancel(st, s, h, p, kind)
                    },
                ),
            )
            .route(
                &format!("{base}/{{id}}/rerun"),
                post(
                    move |st: State<App>, s: Session, h: HeaderMap, p: Path<i64>| {
                        rerun(st, s, h, p, kind)
                    },
                ),
            )
            .route(
                &format!("{base}/{{id}}/files/{{*name}}"),
                get(move |st: State<App>, s: Session, p: Path<(i64, String)>| file(st, s, p, kind)),
            )
            .route(
                &format!("/{seg}"),
                post(
                    move |st: State<App>, c: Ctx, h: HeaderMap, f: Form<Vec<(String, String)>>| {
                        form_submit(st, c, h, f, kind)
                    },
                ),
            )
            .route(
                &format!("/{seg}/{{id}}"),
                get(move |st: State<App>, c: Ctx, p: Path<i64>| view_page(st, c, p, kind)),
            )
            .route(
                &format!("/{seg}/{{id}}/cancel"),
                post(
                    move |st: State<App>,
                          c: Ctx,
                          h: HeaderMap,
                          p: Path<i64>,
                          f: Form<pages::CsrfForm>| {
                        form_cancel(st, c, h, p, f, kind)
                    },
                ),
            );
    }
    r
}

async fn list(
    State(app): State<App>,
    s: Session,
    kind: &'static str,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(api::jobs_json(&app, &s.user, kind)?))
}

async fn submit(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    Json(req): Json<ViewRequest>,
    kind: &'static str,
) -> Result<Response, ApiError> {
    s.check_csrf(&headers, None)?;
    let id = blocking(move || submit_view(&app, &s.user, kind, req)).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response())
}

async fn one(
    State(app): State<App>,
    s: Session,
    Path(id): Path<i64>,
    lang: api::LangQuery,
    kind: &'static str,
) -> Result<Json<Value>, ApiError> {
    let (p, _) = visible_job(&app, &s.user, kind, id)?;
    Ok(Json(api::plan_json_in(&app, &p, lang.lang())?))
}

async fn cancel(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
    kind: &'static str,
) -> Result<Json<Value>, ApiError> {
    s.check_csrf(&headers, None)?;
    api::cancel_job(&app, &s.user, kind, id)?;
    let (p, _) = visible_job(&app, &s.user, kind, id)?;
    Ok(Json(api::plan_json(&app, &p)?))
}

async fn rerun(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
    kind: &'static str,
) -> Result<Response, ApiError> {
    s.check_csrf(&headers, None)?;
    let new = api::rerun_job(&app, &s.user, kind, id)?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": new }))).into_response())
}

async fn file(
    State(app): State<App>,
    s: Session,
    Path((id, name)): Path<(i64, String)>,
    kind: &'static str,
) -> Result<Response, ApiError> {
    visible_job(&app, &s.user, kind, id)?;
    let n = name.clone();
    let bytes = blocking(move || db(app.db.plan_file(id, &n)))
        .await?
        .ok_or(ApiError::NotFound)?;
    let short = name.rsplit('/').next().unwrap_or(&name).to_string();
    Ok(api::file_response(&short, bytes))
}

/// `GET /api/datasets/{id}/progress`: the dataset's newest progress run (404 when it
/// has none yet; start one with `POST /api/progress`).
async fn dataset_progress(
    State(app): State<App>,
    s: Session,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    visible_dataset(&app, &s.user, id)?;
    let newest = db(app.db.jobs("progress", Some(id)))?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound)?;
    Ok(Json(api::plan_json(&app, &newest)?))
}

// ---- pages ----

/// A view form's fields: `rules` (repeated for compare), `rules_text`, `set.KEY`,
/// `year`, `horizon`, `as_of`, `seniority`.
fn form_request(f: &[(String, String)], lang: &str) -> Result<ViewRequest, ApiError> {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let number = |k: &str, what: &str| {
        get(k)
            .map(|v| {
                v.parse::<i32>()
                    .map_err(|_| unprocessable(format!("give the {what} as a number, e.g. 2023")))
            })
            .transpose()
    };
    let mut rules: Vec<Value> = f
        .iter()
        .filter(|(k, v)| k == "rules" && !v.trim().is_empty())
        .map(|(_, v)| json!(v.trim()))
        .collect();
    if let Some(text) = get("rules_text") {
        rules.push(json!(text));
    }
    let set = f
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("set.")?.to_string(), json!(v.trim()))))
        .collect();
    Ok(ViewRequest {
        dataset: get("dataset")
            .and_then(|d| d.parse().ok())
            .ok_or(ApiError::NotFound)?,
        rules: (!rules.is_empty()).then_some(Value::Array(rules)),
        set,
        year: number("year", "plan year")?,
        horizon: get("horizon").is_some(),
        as_of: number("as_of", "year")?,
        seniority: get("seniority").is_some(),
        lang: Some(lang.to_string()),
    })
}

async fn form_submit(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
    kind: &'static str,
) -> Response {
    let Some(s) = ctx.session.clone() else {
        return ctx.error(ApiError::Unauthorized);
    };
    let csrf = f
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.as_str());
    if let Err(e) = s.check_csrf(&headers, csrf) {
        return ctx.error(e);
    }
    let dataset = f
        .iter()
        .find(|(k, _)| k == "dataset")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok());
    let req = form_request(&f, ctx.lang.code());
    let app2 = app.clone();
    let result = blocking(move || submit_view(&app2, &s.user, kind, req?)).await;
    match (result, dataset) {
        (Ok(id), _) => Redirect::to(&format!("/{}/{id}", segment(kind))).into_response(),
        (Err(e @ ApiError::Unprocessable(_)), Some(d)) => {
            let r = pages::dataset_page(
                &app,
                &ctx,
                d,
                e.status(),
                Some(Vec::new()),
                Some(ctx.message(&e)),
            );
            pages::page(&ctx, r)
        }
        (Err(e), _) => ctx.error(e),
    }
}

async fn form_cancel(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<pages::CsrfForm>,
    kind: &'static str,
) -> Response {
    let r = (|| {
        let s = ctx.session()?;
        s.check_csrf(&headers, Some(&f.csrf_token))?;
        api::cancel_job(&app, &s.user, kind, id)?;
        Ok(Redirect::to(&format!("/{}/{id}", segment(kind))).into_response())
    })();
    pages::page(&ctx, r)
}

/// A row of a views list: what the pages show of a view.
fn list_row(ctx: &Ctx, p: &PlanRow) -> Value {
    let rules: Vec<String> = serde_json::from_value::<ViewParams>(p.params.clone())
        .map(|v| {
            v.rules
                .iter()
                .enumerate()
                .map(|(i, r)| r.file_name(i, v.rules.len()))
                .collect()
        })
        .unwrap_or_default();
    let set: Vec<String> = p
        .params
        .get("set")
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|kv| Some(format!("{}={}", kv.get(0)?.as_str()?, kv.get(1)?.as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    json!({"id": p.id, "kind": p.kind, "kind_text": ctx.word(&format!("view_{}", p.kind)),
           "seg": segment(&p.kind),
           "dataset": p.dataset, "status": p.status,
           "status_text": ctx.word(&format!("st_{}", p.status)), "owner": p.owner,
           "rules": rules.join(", "), "set": set.join(" "), "time": super::i18n::local(p.created)})
}

/// The views of one dataset, newest first, for its page.
pub fn dataset_views(app: &App, ctx: &Ctx, dataset: i64) -> Result<Vec<Value>, ApiError> {
    let mut all = Vec::new();
    for (kind, _) in VIEWS {
        all.extend(db(app.db.jobs(kind, Some(dataset)))?);
    }
    all.sort_by_key(|p| std::cmp::Reverse(p.id));
    Ok(all.iter().map(|p| list_row(ctx, p)).collect())
}

async fn views_page(State(app): State<App>, ctx: Ctx) -> Response {
    let r = (|| {
        let s = ctx.session()?;
        let datasets: Vec<_> = db(app.db.datasets())?
            .into_iter()
            .filter(|d| s.user.sees(&d.districts))
            .collect();
        let mut rows = Vec::new();
        for (kind, _) in VIEWS {
            for p in db(app.db.jobs(kind, None))? {
                if let Some(d) = datasets.iter().find(|d| d.id == p.dataset) {
                    let mut v = list_row(&ctx, &p);
                    v["dataset_name"] = json!(d.name);
                    rows.push((p.id, v));
                }
            }
        }
        rows.sort_by_key(|r| std::cmp::Reverse(r.0));
        let rows: Vec<Value> = rows.into_iter().map(|(_, v)| v).collect();
        let datasets: Vec<Value> = datasets
            .iter()
            .map(|d| json!({"id": d.id, "name": d.name, "districts": d.districts}))
            .collect();
        Ok(ctx.render(
            StatusCode::OK,
            "views.html",
            ctx.word("views"),
            context! {
                rows => JValue::from_serialize(&rows),
                datasets => JValue::from_serialize(&datasets),
            },
        ))
    })();
    pages::page(&ctx, r)
}

fn view_page_body(app: &App, ctx: &Ctx, id: i64, kind: &str) -> Result<Response, ApiError> {
    let s = ctx.session()?;
    let (p, d) = visible_job(app, &s.user, kind, id)?;
    let j = api::plan_json(app, &p)?;
    let files: Vec<Value> = j["files"].as_array().cloned().unwrap_or_default();
    let (top, years): (Vec<Value>, Vec<Value>) = files
        .into_iter()
        .partition(|f| !f["name"].as_str().unwrap_or("").contains('/'));
    let report = if p.status == "done" {
        db(app.db.plan_file(id, "report.html"))?
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|doc| crate::report::page::sections_of(&doc).map(str::to_string))
    } else {
        None
    };
    let row = list_row(ctx, &p);
    Ok(ctx.render(
        StatusCode::OK,
        "view.html",
        &format!("{} #{}", ctx.word(&format!("view_{kind}")), p.id),
        context! {
            p => JValue::from_serialize(&p),
            d => JValue::from_serialize(&d),
            row => JValue::from_serialize(&row),
            seg => segment(kind),
            help => ctx.word(&format!("view_{kind}_help")),
            progress => j["progress"].as_f64().unwrap_or(0.0),
            stage => super::i18n::stage_text(j["stage"].as_str().unwrap_or(""), ctx.lang),
            files => JValue::from_serialize(&top),
            year_files => JValue::from_serialize(&years),
            report_css => report.as_ref().map(|_| crate::report::page::scoped_css(".report")),
            // The sections the report renderer wrote (its text escaped there).
            report => report.map(JValue::from_safe_string),
        },
    ))
}

async fn view_page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    kind: &'static str,
) -> Response {
    let r = view_page_body(&app, &ctx, id, kind);
    pages::page(&ctx, r)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn req(v: Value) -> ViewRequest {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn horizon_argv_is_the_command_line() {
        let p = params_of(
            "horizon",
            &req(json!({"dataset": 1, "rules": "horizon3-2021-2023",
                        "set": {"quota.min_share_of_eligible": 0.12}})),
        )
        .unwrap();
        let a = view_argv(
            "horizon",
            &p,
            FsPath::new("d"),
            FsPath::new("w"),
            FsPath::new("o"),
        );
        assert_eq!(
            a.join(" "),
            "rotaplan --quiet horizon --data d --rules w/horizon3-2021-2023.toml \
             --set quota.min_share_of_eligible=0.12 --lang zh --out o"
        );
    }

    #[test]
    fn compare_requests_are_checked() {
        let ok = params_of(
            "compare",
            &req(
                json!({"dataset": 1, "rules": ["nanchang-2021-2025.toml", "variant-cross-district"],
                        "set": {"quota.min_share_of_eligible": ["0.08", "0.1"]}, "year": 2021,
                        "lang": "en"}),
            ),
        )
        .unwrap();
        let a = view_argv(
            "compare",
            &ok,
            FsPath::new("d"),
            FsPath::new("w"),
            FsPath::new("o"),
        );
        assert_eq!(
            a.join(" "),
            "rotaplan --quiet compare --data d --rules w/nanchang-2021-2025.toml \
             --rules w/variant-cross-district.toml --set quota.min_share_of_eligible=0.08,0.1 \
             --year 2021 --lang en --out o"
        );
        let both = req(json!({"dataset": 1, "year": 2021, "horizon": true}));
        assert!(params_of("compare", &both).is_err());
        let bad_key = req(json!({"dataset": 1, "year": 2021, "set": {"quota.nope": "1,2"}}));
        let e = params_of("compare", &bad_key).unwrap_err();
        assert!(e.message().contains("quota.nope"), "{}", e.message());
        let many = req(json!({"dataset": 1, "horizon": true,
            "set": {"quota.min_share_of_eligible": "0.01,0.02,0.03,0.04,0.05",
                    "eligibility.min_years_at_school": "4,5,6,7,8,9"}}));
        assert!(params_of("compare", &many)
            .unwrap_err()
            .message()
            .contains("at most"));
        let two = req(json!({"dataset": 1, "rules": ["a", "b"]}));
        assert!(params_of("horizon", &two).is_err());
    }

    #[test]
    fn uploaded_rule_texts_are_checked_and_named() {
        let bad = req(json!({"dataset": 1, "rules": "[plan\nname = 1"}));
        assert!(params_of("horizon", &bad).is_err());
        let text = api::BUILTIN_RULES[4].1;
        let p = params_of(
            "progress",
            &req(json!({"dataset": 1, "rules": text, "as_of": 2022})),
        )
        .unwrap();
        assert_eq!(p.rules[0].name, "");
        let a = view_argv(
            "progress",
            &p,
            FsPath::new("d"),
            FsPath::new("w"),
            FsPath::new("o"),
        );
        assert!(a
            .join(" ")
            .contains("--rules w/rules.toml --as-of 2022 --lang zh"));
        let outside = req(json!({"dataset": 1, "rules": "horizon3-2021-2023", "as_of": 2030}));
        assert!(params_of("progress", &outside).is_err());
    }

    #[test]
    fn collects_year_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("2021")).unwrap();
        std::fs::write(dir.path().join("2021/plan.csv"), "a").unwrap();
        std::fs::write(dir.path().join("horizon.csv"), "b").unwrap();
        std::fs::write(dir.path().join(".rotaplan-output"), "c").unwrap();
        let mut files = Vec::new();
        collect(dir.path(), "", &mut files).unwrap();
        files.sort();
        assert_eq!(
            files,
            vec![
                ("2021/plan.csv".to_string(), b"a".to_vec()),
                ("horizon.csv".to_string(), b"b".to_vec())
            ]
        );
    }
}
