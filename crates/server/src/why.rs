//! The plan page's further views: *why* for one teacher (the library's `explain` on the
//! plan's own files, rules and year), the plain-words reason a plan failed, re-planning
//! with a finished plan as the previous one, and the table of changes against it.

use super::api::{self, ApiError, PlanRequest, WorkDir};
use super::auth::{Session, User};
use super::i18n::{self, Lang};
use super::jobs::{self, Failure, PlanParams};
use super::pages::{csv_table, page, Ctx};
use super::App;
use crate::explain::{explain_teacher, render_teacher, render_teacher_zh, Placement};
use crate::model::{Dataset, Id, School, TeacherId};
use crate::plan::{plan_year, PlanOptions};
use crate::rules::Rules;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;
use std::path::Path as FsPath;

/// The template of the *why* page.
pub const TEMPLATES: [(&str, &str); 1] = [("why.html", include_str!("templates/why.html"))];

/// The kinds of `changes.csv`'s `change` column, in the order the page counts them.
pub const CHANGE_KINDS: [&str; 4] = ["kept", "added", "dropped", "changed"];

/// The `urlencode` filter of the templates: a query value (a teacher id) with every
/// byte but `A–Z a–z 0–9 - _ . ~` percent-encoded.
pub fn urlencode(s: String) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a teacher is or is not moved in a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Why {
    pub teacher_id: String,
    pub name: String,
    pub school: String,
    pub year: i32,
    pub eligible: bool,
    /// The eligibility rules that exclude the teacher (ids as in eligibility.csv),
    /// each with its name in the asked language.
    pub reasons: Vec<(String, String)>,
    /// `not_eligible`, `placed`, `no_allowed_post`, `cap_reached`, `posts_taken`,
    /// `backbone_share` or `not_proven`.
    pub outcome: &'static str,
    /// The receiving school when moved.
    pub moved_to: Option<String>,
    /// The outcome in one sentence, in the asked language.
    pub headline: String,
    /// What `rotaplan explain --teacher ID --year Y` prints for the same files (in
    /// Chinese: the same explanation in Chinese words).
    pub text: String,
}

/// A teacher looked up by id or exact name.
pub enum Lookup {
    One(Box<Why>),
    /// Several teachers have that name: (id, name, school) of each.
    Many(Vec<(String, String, String)>),
}

fn word(lang: Lang, key: &str) -> &'static str {
    i18n::words(lang).get(key).copied().unwrap_or("")
}

/// An eligibility rule's name (a custom exclusion: its id).
fn reason_name(lang: Lang, id: &str) -> String {
    match i18n::words(lang).get(format!("why_r_{id}").as_str()) {
        Some(w) => (*w).to_string(),
        None => format!("{} `{id}`", word(lang, "why_r_custom")),
    }
}

fn school_label(data: &Dataset, s: Id<School>) -> String {
    data.schools
        .get(s.index())
        .map_or_else(String::new, |s| format!("{} {}", s.id, s.name))
}

/// The outcome's kind and sentence.
fn outcome(
    lang: Lang,
    data: &Dataset,
    p: &Placement,
    reasons: &[(String, String)],
) -> (&'static str, String) {
    let w = |k| word(lang, k);
    match p {
        Placement::NotEligible => {
            let names: Vec<&str> = reasons.iter().map(|(_, n)| n.as_str()).collect();
            (
                "not_eligible",
                format!("{}{}", w("why_not_eligible"), names.join("; ")),
            )
        }
        Placement::Placed { to, subject, .. } => (
            "placed",
            format!(
                "{}{} ({})",
                w("why_placed"),
                school_label(data, *to),
                if lang == Lang::Zh {
                    subject.zh()
                } else {
                    subject.as_str()
                }
            ),
        ),
        Placement::NoAllowedPost { .. } => ("no_allowed_post", w("why_no_allowed_post").into()),
        Placement::CapReached { cap, quota, .. } => (
            "cap_reached",
            format!("{}{cap} / {quota}", w("why_cap_reached")),
        ),
        Placement::PostsTaken { .. } => ("posts_taken", w("why_posts_taken").into()),
        Placement::BackboneShare { .. } => ("backbone_share", w("why_backbone_share").into()),
        Placement::NotProven { .. } => ("not_proven", w("why_not_proven").into()),
    }
}

/// The rules a plan ran with, parsed as the command parses them.
fn plan_rules(p: &PlanParams) -> Result<Rules, crate::rules::RuleErrors> {
    let text = api::rules_text(p).unwrap_or(&p.rules_text);
    let set: Vec<String> = p.set.iter().map(|(k, v)| format!("{k}={v}")).collect();
    crate::rules::parse_rules(text, api::rules_file_name(p), &set)
}

/// The item whose id is `key`, else those named `key` (as `rotaplan explain` finds them).
fn find_teacher(data: &Dataset, key: &str) -> Vec<usize> {
    if let Some(i) = data.teachers.iter().position(|t| t.id.as_str() == key) {
        return vec![i];
    }
    (0..data.teachers.len())
        .filter(|&i| data.teachers[i].name == key)
        .collect()
}

/// Explains teacher `key` (id or exact name) in plan `id` for `user`: 404 when the plan
/// or the teacher is not theirs to see (a district user's plans hold only their
/// district's teachers), 422 while the plan has not finished.
pub fn explain(app: &App, user: &User, id: i64, key: &str, lang: Lang) -> Result<Lookup, ApiError> {
    let (p, _) = api::visible_plan(app, user, id)?;
    if p.status != "done" {
        return Err(ApiError::Unprocessable(format!(
            "plan {id} is {}: only a finished plan can be explained",
            p.status
        )));
    }
    let params: PlanParams =
        serde_json::from_value(p.params.clone()).map_err(ApiError::internal)?;
    let work = WorkDir::new(app, "why")?;
    jobs::materialise_plan(&app.db, p.dataset, &params, &work.0).map_err(ApiError::internal)?;
    let mut loaded = api::load(&work.0).map_err(ApiError::Invalid)?;
    drop(work);
    loaded.data.group_by_district();
    let data = &loaded.data;
    let found = find_teacher(data, key.trim());
    let t = match found.as_slice() {
        [] => return Err(ApiError::NotFound),
        [t] => Id::new(*t),
        many => {
            return Ok(Lookup::Many(
                many.iter()
                    .map(|&i| {
                        let t = &data.teachers[i];
                        (
                            t.id.as_str().to_string(),
                            t.name.clone(),
                            t.school.as_str().to_string(),
                        )
                    })
                    .collect(),
            ))
        }
    };
    let rules = plan_rules(&params).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let year = params.year;
    let plan = plan_year(data, &rules, year, &data.ledger, &PlanOptions::default())
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let x = explain_teacher(data, &rules, &plan, t);
    let teacher = &data.teachers[t];
    let mut text = match lang {
        Lang::Zh => render_teacher_zh(data, &rules, year, &x),
        Lang::En => render_teacher(data, &rules, year, &x),
    };
    // Itinerant teaching (走教), when the data has needs, as `explain` adds it.
    if data.itinerant.has_needs() {
        let moved: BTreeSet<TeacherId> = plan
            .moves
            .iter()
            .map(|m| data.teachers[m.teacher].id.clone())
            .collect();
        let ctx = crate::itinerant::Context {
            data,
            rules: &rules,
            year,
            moved: &moved,
        };
        if let Ok(ip) = crate::itinerant::plan(&ctx) {
            let it = crate::itinerant::explain::explain_teacher(
                data, &rules, year, &moved, &ip, teacher,
            );
            text.push('\n');
            text.push_str(&match lang {
                Lang::Zh => crate::itinerant::explain::render_teacher_zh(&it, &teacher.id, year),
                Lang::En => crate::itinerant::explain::render_teacher(&it, &teacher.id, year),
            });
        }
    }
    let reasons: Vec<(String, String)> = x
        .reasons
        .iter()
        .map(|r| (r.id().to_string(), reason_name(lang, r.id())))
        .collect();
    let (kind, headline) = outcome(lang, data, &x.placement, &reasons);
    let moved_to = plan
        .moves
        .iter()
        .find(|m| m.teacher == t)
        .map(|m| school_label(data, m.to));
    Ok(Lookup::One(Box::new(Why {
        teacher_id: teacher.id.as_str().to_string(),
        name: teacher.name.clone(),
        school: teacher.school.as_str().to_string(),
        year,
        eligible: x.reasons.is_empty(),
        reasons,
        outcome: kind,
        moved_to,
        headline,
        text,
    })))
}

#[derive(Deserialize)]
pub struct WhyQuery {
    #[serde(default)]
    teacher: String,
    #[serde(default)]
    lang: Option<String>,
}

/// `GET /api/plans/{id}/explain?teacher=ID` (`&lang=zh` for the sentences in Chinese).
pub async fn api_explain(
    State(app): State<App>,
    s: Session,
    Path(id): Path<i64>,
    Query(q): Query<WhyQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or(Lang::En);
    let user = s.user.clone();
    let found = tokio::task::spawn_blocking(move || explain(&app, &user, id, &q.teacher, lang))
        .await
        .map_err(ApiError::internal)??;
    match found {
        Lookup::One(w) => Ok(Json(json!(w))),
        Lookup::Many(list) => Err(ApiError::Unprocessable(format!(
            "{} teachers are named `{}`: give the id (工号) of one of {}",
            list.len(),
            list.first().map_or("", |(_, n, _)| n.as_str()),
            list.iter()
                .map(|(id, _, school)| format!("{id} ({school})"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The *why* page: the search box, and the explanation of the teacher asked for.
pub async fn page_why(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<WhyQuery>,
) -> Response {
    let Some(s) = ctx.session.clone() else {
        return ctx.error(ApiError::Unauthorized);
    };
    // The plan first: another district's plan is 404 whoever is asked for.
    if let Err(e) = api::visible_plan(&app, &s.user, id) {
        return ctx.error(e);
    }
    let key = q.teacher.trim().to_string();
    let (status, found) = if key.is_empty() {
        (StatusCode::OK, None)
    } else {
        let (app2, user, k, lang) = (app.clone(), s.user.clone(), key.clone(), ctx.lang);
        let r = tokio::task::spawn_blocking(move || explain(&app2, &user, id, &k, lang))
            .await
            .map_err(ApiError::internal)
            .and_then(|r| r);
        match r {
            Ok(found) => (StatusCode::OK, Some(found)),
            Err(ApiError::NotFound) => (StatusCode::NOT_FOUND, None),
            Err(e) => return ctx.error(e),
        }
    };
    let (why, many) = match found {
        Some(Lookup::One(w)) => (Some(w), None),
        Some(Lookup::Many(m)) => (None, Some(m)),
        None => (None, None),
    };
    let title = format!("{} #{id} · {}", ctx.word("plan"), ctx.word("why"));
    ctx.render(
        status,
        "why.html",
        &title,
        context! {
            plan_id => id,
            key => key,
            why => why.map(|w| Value::from_serialize(&*w)),
            many => many.map(|m| Value::from_serialize(&m)),
            not_found => status == StatusCode::NOT_FOUND,
        },
    )
}

/// The data's problems as the reason work failed: every one, by file, row and column,
/// in both languages.
pub fn data_failure(errors: &[api::FieldError]) -> Failure {
    let lines = |zh: bool| -> Vec<String> {
        errors
            .iter()
            .map(|e| {
                let mut at = e.file.clone();
                match (zh, e.row, &e.column) {
                    (false, r, c) => {
                        if let Some(r) = r {
                            at.push_str(&format!(" row {r}"));
                        }
                        if let Some(c) = c {
                            at.push_str(&format!(" column {c}"));
                        }
                    }
                    (true, r, c) => {
                        if let Some(r) = r {
                            at.push_str(&format!(" 第 {r} 行"));
                        }
                        if let Some(c) = c {
                            at.push_str(&format!(" {} 列", i18n::phrase_zh(c)));
                        }
                    }
                }
                let message = if zh {
                    e.zh.as_deref().unwrap_or(&e.message)
                } else {
                    &e.message
                };
                if zh {
                    format!("  {at}：{message}")
                } else {
                    format!("  {at}: {message}")
                }
            })
            .collect()
    };
    Failure::new(
        format!(
            "{} problem(s) in the data:\n{}",
            errors.len(),
            lines(false).join("\n")
        ),
        format!(
            "数据中有 {} 个问题：\n{}",
            errors.len(),
            lines(true).join("\n")
        ),
    )
}

/// Why `rotaplan plan` refused a plan's input (exit 2), in its own words: the steps the
/// command takes, run again on the plan's folder (data, rules, year, then the plan,
/// which refuses pins that cannot hold by row and rule).
pub fn diagnose(data_dir: &FsPath, p: &PlanParams) -> Option<Failure> {
    let mut loaded = match api::load(data_dir) {
        Ok(l) => l,
        Err(errors) => return Some(data_failure(&errors)),
    };
    let rules = match plan_rules(p) {
        Ok(r) => r,
        Err(e) => return Some(Failure::library("规则有误：\n", e.to_string())),
    };
    let (first, last) = (rules.plan.first_year, rules.plan.last_year);
    if !(first..=last).contains(&p.year) {
        return Some(Failure::new(
            format!(
                "year {} is outside the plan period of these rules ({first}–{last})",
                p.year
            ),
            format!(
                "年度 {} 不在这套规则的规划期内（{first}–{last}）：请选择规划期内的年度或另一套规则",
                p.year
            ),
        ));
    }
    loaded.data.group_by_district();
    let data = &loaded.data;
    plan_year(data, &rules, p.year, &data.ledger, &PlanOptions::default())
        .err()
        .map(|e| {
            Failure::library(
                "计算程序拒绝了这个方案（原因如下，与命令行相同）：\n",
                e.to_string(),
            )
        })
}

/// The changes table of a plan made with a previous one (its `changes.csv`): header,
/// rows, the column of the kind, and the count of each kind.
pub fn changes(bytes: &[u8]) -> Option<serde_json::Value> {
    let (header, rows) = csv_table(bytes)?;
    let kind_col = header.iter().position(|h| h == "change")?;
    let teacher_col = header.iter().position(|h| h == "teacher_id").unwrap_or(0);
    let reason_col = header.iter().position(|h| h == "reason");
    let mut counts: Vec<(String, usize)> =
        CHANGE_KINDS.iter().map(|k| ((*k).to_string(), 0)).collect();
    for r in &rows {
        let kind = r.get(kind_col).map_or("", String::as_str);
        match counts.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind.to_string(), 1)),
        }
    }
    Some(json!({"header": header, "rows": rows, "kind_col": kind_col,
                "teacher_col": teacher_col, "reason_col": reason_col, "counts": counts}))
}

/// What the plan page adds for these views: the changes table (when the plan has
/// `changes.csv`) and whether it offers re-planning with this plan as the previous one.
pub fn plan_extras(
    app: &App,
    id: i64,
    status: &str,
    lang: Lang,
) -> Result<serde_json::Value, ApiError> {
    let mut changes = if status == "done" {
        app.db
            .plan_file(id, "changes.csv")
            .map_err(ApiError::internal)?
            .and_then(|b| changes(&b))
    } else {
        None
    };
    // The columns as the page names them: the workbook's Chinese headers on a Chinese page.
    if let Some(c) = changes.as_mut() {
        let labels: Vec<String> = c["header"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h.as_str())
            .map(|h| match lang {
                Lang::Zh => crate::xlsx::zh_header(h).to_string(),
                Lang::En => h.replace('_', " "),
            })
            .collect();
        c["labels"] = json!(labels);
    }
    Ok(json!({
        "changes": changes,
        "replan": status == "done" && jobs::previous_supported(),
    }))
}

/// A new plan of the same dataset, rules, values and year that keeps as much of plan
/// `id` as it can (`previous`), with the dataset's current files.
pub fn replan_request(app: &App, user: &User, id: i64) -> Result<PlanRequest, ApiError> {
    let (p, _) = api::visible_plan(app, user, id)?;
    let params: PlanParams =
        serde_json::from_value(p.params.clone()).map_err(ApiError::internal)?;
    let rules = if params.rules_name.is_empty() {
        params.rules_text
    } else {
        params.rules_name
    };
    Ok(PlanRequest {
        dataset: p.dataset,
        rules: Some(rules),
        year: params.year,
        set: params
            .set
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect(),
        previous: Some(id),
    })
}

pub async fn replan(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<super::pages::CsrfForm>,
) -> Response {
    let Some(s) = ctx.session.clone() else {
        return ctx.error(ApiError::Unauthorized);
    };
    if let Err(e) = s.check_csrf(&headers, Some(&f.csrf_token)) {
        return ctx.error(e);
    }
    let user = s.user.clone();
    let app2 = app.clone();
    let r = tokio::task::spawn_blocking(move || {
        let req = replan_request(&app2, &user, id)?;
        api::submit_plan(&app2, &user, req)
    })
    .await
    .map_err(ApiError::internal)
    .and_then(|r| r)
    .map(|new| Redirect::to(&format!("/plans/{new}")).into_response());
    page(&ctx, r)
}
