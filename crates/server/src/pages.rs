//! The server-rendered pages: the same data and checks as the API (they call the same
//! functions in [`super::api`]), in Chinese unless `?lang=en` (remembered in a cookie).
//! Forms carry the session's CSRF token in the hidden field `csrf_token`.

use super::api::{self, ApiError, FieldError, PlanRequest, Upload};
use super::auth::{self, Session};
use super::i18n::{self, Lang};
use super::App;
use axum::extract::{ConnectInfo, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::{context, Environment, Value};
use serde_json::json;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

/// The templates, compiled into the binary.
pub const TEMPLATES: [(&str, &str); 8] = [
    ("base.html", include_str!("templates/base.html")),
    ("login.html", include_str!("templates/login.html")),
    ("message.html", include_str!("templates/message.html")),
    ("errors.html", include_str!("templates/errors.html")),
    ("datasets.html", include_str!("templates/datasets.html")),
    ("dataset.html", include_str!("templates/dataset.html")),
    ("plan.html", include_str!("templates/plan.html")),
    ("audit.html", include_str!("templates/audit.html")),
];

/// The `--set` keys the plan form offers, with their label's word key.
const COMMON_SETS: [(&str, &str); 5] = [
    ("eligibility.min_years_at_school", "set_min_years"),
    ("quota.min_share_of_eligible", "set_share"),
    ("quota.min_backbone_share", "set_backbone"),
    ("quota.max_outflow_share_of_staff", "set_cap"),
    ("flow.max_distance_km", "set_distance"),
];

/// Every template: the pages' and those of the forms in [`super::rulesets`] and
/// [`super::why`].
pub fn all_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    TEMPLATES
        .into_iter()
        .chain(super::rulesets::TEMPLATES)
        .chain(super::why::TEMPLATES)
        .chain(super::views::TEMPLATES)
}

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut e = Environment::new();
        e.add_filter("urlencode", super::why::urlencode);
        for (name, src) in all_templates() {
            if let Err(err) = e.add_template(name, src) {
                // INVARIANT: the templates are checked by the unit test below.
                eprintln!("rotaplan serve: template {name}: {err}");
            }
        }
        e
    })
}

/// What every page needs: the language (and whether to remember it) and the session.
pub struct Ctx {
    pub lang: Lang,
    set_lang: bool,
    pub session: Option<Session>,
}

impl FromRequestParts<App> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let asked = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::parse(v));
        let lang = asked
            .or_else(|| auth::cookie(&parts.headers, auth::LANG_COOKIE).and_then(Lang::parse))
            .unwrap_or(Lang::Zh);
        let session = match Session::from_request_parts(parts, app).await {
            Ok(s) => Some(s),
            Err(ApiError::Unauthorized) => None,
            Err(e) => return Err(e),
        };
        Ok(Ctx {
            lang,
            set_lang: asked.is_some(),
            session,
        })
    }
}

impl Ctx {
    pub(super) fn word(&self, key: &str) -> &'static str {
        i18n::words(self.lang).get(key).copied().unwrap_or("")
    }

    /// Renders `name` with the common values and `vars`, with `status`.
    pub(super) fn render(
        &self,
        status: StatusCode,
        name: &str,
        title: &str,
        vars: Value,
    ) -> Response {
        let (user, scope, csrf, is_admin) = match &self.session {
            Some(s) => (
                Some(s.user.name.clone()),
                s.user.scope.as_str().to_string(),
                s.csrf.clone(),
                s.user.is_admin(),
            ),
            None => (None, String::new(), String::new(), false),
        };
        let common = context! {
            t => i18n::words(self.lang),
            lang => self.lang.code(),
            title => title,
            user => user,
            scope => scope,
            csrf => csrf,
            is_admin => is_admin,
        };
        let html = env()
            .get_template(name)
            .and_then(|t| t.render(context! { ..vars, ..common }));
        let mut r = match html {
            Ok(h) => (status, Html(h)).into_response(),
            Err(e) => ApiError::internal(e).into_response(),
        };
        if self.set_lang {
            let c = format!(
                "{}={}; SameSite=Strict; Path=/; Max-Age=31536000",
                auth::LANG_COOKIE,
                self.lang.code()
            );
            if let Ok(v) = HeaderValue::from_str(&c) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        r
    }

    /// The login page (401 when a page needed a session).
    fn login_page(&self, status: StatusCode, error: Option<String>) -> Response {
        self.render(
            status,
            "login.html",
            self.word("login"),
            context! { error => error },
        )
    }

    /// An error as a page: 401 is the login page, 422 lists the problems.
    pub(super) fn error(&self, e: ApiError) -> Response {
        let message = self.message(&e);
        match e {
            ApiError::Unauthorized => self.login_page(StatusCode::UNAUTHORIZED, None),
            e => self.render(
                e.status(),
                "message.html",
                self.word("error"),
                context! { message => message },
            ),
        }
    }

    /// What went wrong, in the page's language: the fixed errors by their words, a
    /// request's own message through [`i18n::phrase_zh`].
    pub(super) fn message(&self, e: &ApiError) -> String {
        let fixed = match e {
            ApiError::NotFound => "not_found",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::TooLarge => "too_large",
            ApiError::Internal(_) => "internal",
            ApiError::Throttled(s) => return format!("{}{s}", self.word("throttled")),
            ApiError::Invalid(v) => return format!("{}{}", self.word("problems_n"), v.len()),
            _ if self.lang == Lang::En => return e.message(),
            _ => return i18n::phrase_zh(&e.message()),
        };
        self.word(fixed).to_string()
    }

    /// Problems in a table, in the page's language.
    pub(super) fn shown(&self, errors: Option<Vec<FieldError>>) -> Option<Vec<FieldError>> {
        errors.map(|v| v.into_iter().map(|e| e.shown_in(self.lang)).collect())
    }

    pub(super) fn session(&self) -> Result<&Session, ApiError> {
        self.session.as_ref().ok_or(ApiError::Unauthorized)
    }
}

/// A handler body's result: a page, or an error shown as a page.
pub(super) fn page(ctx: &Ctx, r: Result<Response, ApiError>) -> Response {
    r.unwrap_or_else(|e| ctx.error(e))
}

pub(super) fn status_text(ctx: &Ctx, status: &str) -> &'static str {
    ctx.word(&format!("st_{status}"))
}

pub async fn home(ctx: Ctx) -> Response {
    match ctx.session {
        Some(_) => Redirect::to("/datasets").into_response(),
        None => ctx.login_page(StatusCode::UNAUTHORIZED, None),
    }
}

pub async fn login_form(ctx: Ctx) -> Response {
    ctx.login_page(StatusCode::OK, None)
}

pub async fn login(
    State(app): State<App>,
    ctx: Ctx,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(f): Form<api::LoginRequest>,
) -> Response {
    match api::do_login(&app, peer, f.name, f.password).await {
        Ok((token, _)) => {
            let mut r = Redirect::to("/datasets").into_response();
            if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&token)) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(ApiError::Unauthorized) => ctx.login_page(
            StatusCode::UNAUTHORIZED,
            Some(ctx.word("login_failed").to_string()),
        ),
        Err(ApiError::Throttled(s)) => ctx.login_page(
            StatusCode::TOO_MANY_REQUESTS,
            Some(format!("{}{s}", ctx.word("throttled"))),
        ),
        Err(e) => ctx.error(e),
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub(super) csrf_token: String,
}

pub async fn logout(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let r = (|| {
        let s = ctx.session()?;
        s.check_csrf(&headers, Some(&f.csrf_token))?;
        app.db
            .end_session(&s.user, &s.token_hash)
            .map_err(ApiError::internal)?;
        let mut r = Redirect::to("/login").into_response();
        if let Ok(v) = HeaderValue::from_str(&auth::clear_session_cookie()) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
        Ok(r)
    })();
    page(&ctx, r)
}

fn datasets_page(
    app: &App,
    ctx: &Ctx,
    status: StatusCode,
    errors: Option<Vec<FieldError>>,
    general: Option<String>,
) -> Result<Response, ApiError> {
    let s = ctx.session()?;
    let list: Vec<serde_json::Value> = app
        .db
        .datasets()
        .map_err(ApiError::internal)?
        .into_iter()
        .filter(|d| s.user.sees(&d.districts))
        .map(|d| {
            let mut v = json!(d);
            v["time"] = json!(i18n::local(d.created));
            v
        })
        .collect();
    let roles: Vec<serde_json::Value> = api::ROLES
        .iter()
        .map(|r| {
            json!({"role": r, "label": ctx.word(&format!("role_{r}")),
                   "required": matches!(*r, "schools" | "teachers" | "needs")})
        })
        .collect();
    let has_errors = errors.is_some() || general.is_some();
    let errors = ctx.shown(errors);
    Ok(ctx.render(
        status,
        "datasets.html",
        ctx.word("datasets"),
        context! {
            datasets => Value::from_serialize(&list),
            roles => Value::from_serialize(&roles),
            errors => has_errors.then(|| Value::from_serialize(errors.unwrap_or_default())),
            general => general,
        },
    ))
}

pub async fn datasets(State(app): State<App>, ctx: Ctx) -> Response {
    let r = datasets_page(&app, &ctx, StatusCode::OK, None, None);
    page(&ctx, r)
}

pub async fn upload(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let Some(s) = ctx.session.clone() else {
        return ctx.error(ApiError::Unauthorized);
    };
    let result = async {
        let up: Upload = api::read_upload(mp, app.max_upload).await?;
        s.check_csrf(&headers, up.csrf.as_deref())?;
        let app2 = app.clone();
        tokio::task::spawn_blocking(move || api::store_upload(&app2, &s.user, up))
            .await
            .map_err(ApiError::internal)?
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/datasets/{id}")).into_response(),
        Err(ApiError::Invalid(errors)) => {
            let r = datasets_page(
                &app,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(errors),
                None,
            );
            page(&ctx, r)
        }
        Err(e @ (ApiError::TooLarge | ApiError::BadRequest(_) | ApiError::Unprocessable(_))) => {
            let r = datasets_page(&app, &ctx, e.status(), None, Some(ctx.message(&e)));
            page(&ctx, r)
        }
        Err(e) => ctx.error(e),
    }
}

/// A CSV file's rows (header first), for showing pins and the plan table.
pub(super) fn csv_table(bytes: &[u8]) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = rdr.headers().ok()?.iter().map(str::to_string).collect();
    let rows = rdr
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    Some((header, rows))
}

pub(super) fn dataset_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    status: StatusCode,
    errors: Option<Vec<FieldError>>,
    general: Option<String>,
) -> Result<Response, ApiError> {
    let s = ctx.session()?;
    let d = api::visible_dataset(app, &s.user, id)?;
    let plans: Vec<serde_json::Value> = app
        .db
        .plans(Some(id))
        .map_err(ApiError::internal)?
        .iter()
        .map(|p| {
            let rules = p
                .params
                .get("rules_name")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            json!({"id": p.id, "year": p.params.get("year"), "status": p.status,
                   "status_text": status_text(ctx, &p.status), "owner": p.owner,
                   "rules": if rules.is_empty() { "rules.toml" } else { rules },
                   "time": i18n::local(p.created)})
        })
        .collect();
    let pins = app
        .db
        .current_files(id)
        .map_err(ApiError::internal)?
        .into_iter()
        .find(|(n, _)| n == "pins.csv")
        .and_then(|(_, b)| csv_table(&b))
        .map(|(header, rows)| json!({"header": header, "rows": rows}));
    let sets: Vec<serde_json::Value> = COMMON_SETS
        .iter()
        .map(|(k, w)| json!({"key": k, "label": ctx.word(w)}))
        .collect();
    let rules: Vec<&str> = api::BUILTIN_RULES.iter().map(|(n, _)| *n).collect();
    let has_errors = errors.is_some() || general.is_some();
    let errors = ctx.shown(errors);
    let year = plans
        .first()
        .and_then(|p| p["year"].as_i64())
        .unwrap_or(2021);
    let views = super::views::dataset_views(app, ctx, id)?;
    let has_ledger = d.files.iter().any(|f| f.role == "ledger");
    Ok(ctx.render(
        status,
        "dataset.html",
        &d.name,
        context! {
            d => Value::from_serialize(&d),
            time => i18n::local(d.created),
            plans => Value::from_serialize(&plans),
            pins => Value::from_serialize(&pins),
            sets => Value::from_serialize(&sets),
            rules => rules,
            saved_rules => super::rulesets::plan_choices(app, &s.user),
            year => year,
            views => Value::from_serialize(&views),
            has_ledger => has_ledger,
            errors => has_errors.then(|| Value::from_serialize(errors.unwrap_or_default())),
            general => general,
        },
    ))
}

pub async fn dataset(State(app): State<App>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    let r = dataset_page(&app, &ctx, id, StatusCode::OK, None, None);
    page(&ctx, r)
}

/// The pins form: a whole pins.csv, or one pin from a plan row (appended).
pub async fn pins(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> Response {
    let Some(s) = ctx.session.clone() else {
        return ctx.error(ApiError::Unauthorized);
    };
    let mut fields: HashMap<String, Vec<u8>> = HashMap::new();
    loop {
        match mp.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or("").to_string();
                match f.bytes().await {
                    Ok(b) => {
                        fields.insert(name, b.to_vec());
                    }
                    Err(_) => return ctx.error(ApiError::TooLarge),
                }
            }
            Ok(None) => break,
            Err(e) => return ctx.error(ApiError::BadRequest(e.body_text())),
        }
    }
    let text = |k: &str| {
        fields
            .get(k)
            .map(|b| String::from_utf8_lossy(b).trim().to_string())
    };
    if let Err(e) = s.check_csrf(&headers, text("csrf_token").as_deref()) {
        return ctx.error(e);
    }
    let back = text("plan").and_then(|p| p.parse::<i64>().ok());
    let app2 = app.clone();
    let user = s.user.clone();
    let file = fields.get("pins").filter(|b| !b.is_empty()).cloned();
    let one = (text("teacher_id"), text("action"), text("school_id"));
    let result = tokio::task::spawn_blocking(move || {
        let bytes = match file {
            Some(b) => b,
            None => {
                let (Some(teacher), Some(action)) = (one.0, one.1) else {
                    return Err(ApiError::BadRequest("choose a pins.csv file".into()));
                };
                let school = if action == "stay" {
                    String::new()
                } else {
                    one.2.unwrap_or_default()
                };
                let current = app2
                    .db
                    .current_files(id)
                    .map_err(ApiError::internal)?
                    .into_iter()
                    .find(|(n, _)| n == "pins.csv")
                    .map(|(_, b)| b);
                let mut b =
                    current.unwrap_or_else(|| b"teacher_id,action,school_id,year,note\n".to_vec());
                if !b.ends_with(b"\n") {
                    b.push(b'\n');
                }
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record([teacher.as_str(), action.as_str(), school.as_str(), "", ""])
                    .map_err(ApiError::internal)?;
                b.extend(w.into_inner().map_err(ApiError::internal)?);
                b
            }
        };
        api::store_pins(&app2, &user, id, bytes)
    })
    .await
    .map_err(ApiError::internal)
    .and_then(|r| r);
    match (result, back) {
        (Ok(_), Some(plan)) => Redirect::to(&format!("/plans/{plan}?pinned=1")).into_response(),
        (Ok(_), None) => Redirect::to(&format!("/datasets/{id}")).into_response(),
        (Err(ApiError::Invalid(errors)), _) => {
            let r = dataset_page(
                &app,
                &ctx,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(errors),
                None,
            );
            page(&ctx, r)
        }
        (Err(e), _) => ctx.error(e),
    }
}

/// The plan form's fields: `set.KEY` fields become `--set KEY=VALUE`.
pub async fn submit(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let Some(s) = ctx.session.clone() else {
        return ctx.error(ApiError::Unauthorized);
    };
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    if let Err(e) = s.check_csrf(&headers, get("csrf_token").as_deref()) {
        return ctx.error(e);
    }
    let Some(dataset) = get("dataset").and_then(|d| d.parse::<i64>().ok()) else {
        return ctx.error(ApiError::NotFound);
    };
    let rules = match get("rules_text").filter(|t| !t.is_empty()) {
        Some(text) => Some(text),
        None => get("rules"),
    };
    let set = f
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("set.")?.to_string(), json!(v.trim()))))
        .collect();
    let year = get("year").and_then(|y| y.parse::<i32>().ok());
    let req = year.map(|year| PlanRequest {
        dataset,
        rules,
        year,
        set,
        previous: get("previous").and_then(|p| p.parse().ok()),
    });
    let app2 = app.clone();
    let user = s.user.clone();
    let result = tokio::task::spawn_blocking(move || match req {
        Some(req) => api::submit_plan(&app2, &user, req),
        None => Err(ApiError::Unprocessable(
            "give the plan year as a number, e.g. 2021".into(),
        )),
    })
    .await
    .map_err(ApiError::internal)
    .and_then(|r| r);
    match result {
        Ok(id) => Redirect::to(&format!("/plans/{id}")).into_response(),
        Err(e @ ApiError::Unprocessable(_)) => {
            let r = dataset_page(
                &app,
                &ctx,
                dataset,
                e.status(),
                Some(Vec::new()),
                Some(ctx.message(&e)),
            );
            page(&ctx, r)
        }
        Err(e) => ctx.error(e),
    }
}

#[derive(serde::Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    pinned: Option<String>,
}

/// A summary or plan column as the page shows it: the workbook's Chinese header on a
/// Chinese page (the name itself where there is none), the words of the name in English.
fn column_label(ctx: &Ctx, name: &str) -> String {
    match ctx.lang {
        Lang::Zh => crate::xlsx::zh_header(name).to_string(),
        Lang::En => name.replace('_', " "),
    }
}

/// A summary value as a person reads it: yes or no, a dash for nothing.
fn shown(ctx: &Ctx, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".to_string(),
        serde_json::Value::Bool(b) => ctx.word(if *b { "yes" } else { "no" }).to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn plan_page(app: &App, ctx: &Ctx, id: i64, pinned: bool) -> Result<Response, ApiError> {
    let s = ctx.session()?;
    let (p, d) = api::visible_plan(app, &s.user, id)?;
    let j = api::plan_json(app, &p)?;
    let summary = p.summary.clone().unwrap_or_default();
    let figures: Vec<(String, String)> = summary
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(_, v)| !v.is_object() && !v.is_array())
                .map(|(k, v)| (column_label(ctx, k), shown(ctx, v)))
                .collect()
        })
        .unwrap_or_default();
    let district_keys: Vec<String> = summary
        .get("by_district")
        .and_then(|v| v.as_object())
        .and_then(|o| o.values().next())
        .and_then(|v| v.as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    // (district, its figures in district_keys' order, as shown).
    let districts: Vec<(String, Vec<String>)> = summary
        .get("by_district")
        .and_then(|v| v.as_object())
        .map(|o| {
            o.iter()
                .map(|(name, row)| {
                    let cells = district_keys
                        .iter()
                        .map(|k| shown(ctx, row.get(k).unwrap_or(&serde_json::Value::Null)))
                        .collect();
                    (name.clone(), cells)
                })
                .collect()
        })
        .unwrap_or_default();
    let district_labels: Vec<String> = district_keys.iter().map(|k| column_label(ctx, k)).collect();
    let table = if p.status == "done" {
        app.db
            .plan_file(id, "plan.csv")
            .map_err(ApiError::internal)?
            .and_then(|b| csv_table(&b))
            .map(|(header, rows)| {
                let col = |n: &str| header.iter().position(|h| h == n).unwrap_or(0);
                let labels: Vec<String> = header.iter().map(|h| column_label(ctx, h)).collect();
                json!({"district_col": col("from_district"), "to_col": col("to_school"),
                       "header": labels, "rows": rows})
            })
    } else {
        None
    };
    let rules = p
        .params
        .get("rules_name")
        .and_then(|v| v.as_str())
        .filter(|r| !r.is_empty())
        .unwrap_or("rules.toml")
        .to_string();
    // A saved rule set: its name and version first.
    let rules = match p.params.get("rule_set").and_then(|v| v.as_str()) {
        Some(set) => format!("{set} ({rules})"),
        None => rules,
    };
    Ok(ctx.render(
        StatusCode::OK,
        "plan.html",
        &format!("{} #{}", ctx.word("plan"), p.id),
        context! {
            p => Value::from_serialize(&p),
            d => Value::from_serialize(&d),
            status_text => status_text(ctx, &p.status),
            progress => j["progress"].as_f64().unwrap_or(0.0),
            stage => i18n::stage_text(j["stage"].as_str().unwrap_or(""), ctx.lang),
            files => Value::from_serialize(&j["files"]),
            figures => Value::from_serialize(&figures),
            districts => Value::from_serialize(&districts),
            district_keys => district_labels,
            table => Value::from_serialize(&table),
            rules => rules,
            flash => pinned.then(|| ctx.word("rerun_help")),
            extras => Value::from_serialize(super::why::plan_extras(app, p.id, &p.status, ctx.lang)?),
        },
    ))
}

pub async fn plan(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> Response {
    let r = plan_page(&app, &ctx, id, q.pinned.is_some());
    page(&ctx, r)
}

pub async fn cancel(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    plan_action(&ctx, &headers, &f, |s| {
        api::cancel_plan(&app, &s.user, id).map(|()| id)
    })
}

pub async fn rerun(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    plan_action(&ctx, &headers, &f, |s| api::rerun_plan(&app, &s.user, id))
}

/// A form's action on a plan (cancel, rerun): the session's CSRF token checked, then
/// `act`, then a redirect to the plan it returns.
fn plan_action(
    ctx: &Ctx,
    headers: &HeaderMap,
    f: &CsrfForm,
    act: impl FnOnce(&Session) -> Result<i64, ApiError>,
) -> Response {
    let r = ctx.session().and_then(|s| {
        s.check_csrf(headers, Some(&f.csrf_token))?;
        let id = act(s)?;
        Ok(Redirect::to(&format!("/plans/{id}")).into_response())
    });
    page(ctx, r)
}

pub async fn audit(State(app): State<App>, ctx: Ctx) -> Response {
    let r = (|| {
        let s = ctx.session()?;
        if !s.user.is_admin() {
            return Err(ApiError::Forbidden("the audit log is for admin users"));
        }
        let rows: Vec<serde_json::Value> = app
            .db
            .audit_log(1000)
            .map_err(ApiError::internal)?
            .into_iter()
            .map(|a| {
                let (action, detail) = match ctx.lang {
                    Lang::Zh => i18n::audit_zh(&a.action, &a.detail),
                    Lang::En => (a.action, a.detail),
                };
                json!({"id": a.id, "time": i18n::local(a.time), "user": a.user,
                       "action": action, "detail": detail})
            })
            .collect();
        Ok(ctx.render(
            StatusCode::OK,
            "audit.html",
            ctx.word("audit"),
            context! { rows => Value::from_serialize(&rows) },
        ))
    })();
    page(&ctx, r)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn templates_compile() {
        let mut e = Environment::new();
        for (name, src) in all_templates() {
            e.add_template(name, src).unwrap();
        }
        let t = e.get_template("login.html").unwrap();
        let html = t
            .render(context! { t => i18n::words(Lang::Zh), error => "<b>x</b>" })
            .unwrap();
        assert!(html.contains("登录"));
        assert!(
            html.contains("&lt;b&gt;x") && !html.contains("<b>x"),
            "values are escaped"
        );
    }
}
