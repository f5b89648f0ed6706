//! The JSON API (`/api/…`) and the work it shares with the pages: logging in,
//! validating and storing an upload, submitting, cancelling and reading plans.

use super::auth::{self, Session, User};
use super::db::{DatasetRow, NewFile, PlanRow};
use super::i18n::Lang;
use super::jobs::{self, PlanParams};
use super::App;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path as FsPath;

/// The files of a dataset, by role: the part names of an upload and the fixed file
/// names (`<role>.csv` or `<role>.xlsx`) under which the loader reads them.
pub const ROLES: [&str; 8] = [
    "schools",
    "teachers",
    "needs",
    "ledger",
    "evaluators",
    "pins",
    "wishes",
    "itinerant_needs",
];

/// The built-in rule sets: the files in `rules/`, compiled in.
pub const BUILTIN_RULES: [(&str, &str); 6] = [
    (
        "nanchang-2021-2025.toml",
        include_str!("../../../rules/nanchang-2021-2025.toml"),
    ),
    (
        "nanchang-2026-2030.toml",
        include_str!("../../../rules/nanchang-2026-2030.toml"),
    ),
    (
        "jiangxi-5yr-exemption.toml",
        include_str!("../../../rules/jiangxi-5yr-exemption.toml"),
    ),
    (
        "variant-cross-district.toml",
        include_str!("../../../rules/variant-cross-district.toml"),
    ),
    (
        "horizon3-2021-2023.toml",
        include_str!("../../../rules/horizon3-2021-2023.toml"),
    ),
    (
        "period-2026-2028.toml",
        include_str!("../../../rules/period-2026-2028.toml"),
    ),
];

/// One problem of an upload, as the loader reports it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub file: String,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    /// The message and fix in English (the API's).
    pub message: String,
    /// The same in Chinese, for the pages (see [`FieldError::shown_in`]); `None` where
    /// the words are not the server's own (a rule file's parser).
    #[serde(skip)]
    pub zh: Option<String>,
}

impl FieldError {
    pub fn general(file: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            file: file.to_string(),
            row: None,
            column: None,
            value: None,
            message: message.into(),
            zh: None,
        }
    }

    /// With the Chinese words of the message.
    pub fn with_zh(mut self, zh: impl Into<String>) -> FieldError {
        self.zh = Some(zh.into());
        self
    }

    /// An input problem of the loader, in both languages; the file by its name only.
    pub fn of_input(e: crate::input::InputError) -> FieldError {
        FieldError {
            // The loader names the file by its path in the private folder: keep the
            // file name only (`teachers.csv`).
            file: FsPath::new(&e.file)
                .file_name()
                .map_or(e.file.clone(), |f| f.to_string_lossy().into_owned()),
            row: e.row,
            column: e.column,
            value: e.value,
            message: e.kind.to_string(),
            zh: Some(super::i18n::input_error_zh(&e.kind)),
        }
    }

    /// The problem as a page in `lang` shows it: the message in that language, and a
    /// column named by the loader (`出生年份 in column C`) in its words too.
    pub fn shown_in(mut self, lang: super::i18n::Lang) -> FieldError {
        if lang == super::i18n::Lang::Zh {
            if let Some(zh) = self.zh.take() {
                self.message = zh;
            }
            self.column = self.column.map(|c| super::i18n::phrase_zh(&c));
        }
        self
    }
}

#[derive(Debug)]
pub enum ApiError {
    Unauthorized,
    Forbidden(&'static str),
    NotFound,
    /// 422 with every problem found.
    Invalid(Vec<FieldError>),
    /// 422 for a request that is well-formed but cannot be done (a message).
    Unprocessable(String),
    BadRequest(String),
    TooLarge,
    Throttled(u64),
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        eprintln!("rotaplan serve: internal error: {e}");
        ApiError::Internal("internal error; the server's log has the details".into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Invalid(_) | ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What went wrong, in English (the pages translate the fixed ones).
    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthorized => "log in first".into(),
            ApiError::Forbidden(m) => (*m).into(),
            ApiError::NotFound => "not found".into(),
            ApiError::Invalid(e) => format!("{} problem(s) in the files", e.len()),
            ApiError::Unprocessable(m) | ApiError::BadRequest(m) | ApiError::Internal(m) => {
                m.clone()
            }
            ApiError::TooLarge => "the upload is larger than the server accepts".into(),
            ApiError::Throttled(s) => format!("too many failed logins; try again in {s} s"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut r = match &self {
            ApiError::Invalid(errors) => {
                (status, Json(json!({ "errors": errors }))).into_response()
            }
            _ => (status, Json(json!({ "error": self.message() }))).into_response(),
        };
        if let ApiError::Throttled(s) = self {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        r
    }
}

pub(super) fn db<T>(r: rusqlite::Result<T>) -> Result<T, ApiError> {
    r.map_err(ApiError::internal)
}

/// Runs blocking work (argon2, loading spreadsheets, SQLite blobs) off the async
/// threads.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

// ---- login ----

#[derive(Deserialize)]
pub struct LoginRequest {
    pub name: String,
    pub password: String,
}

/// Checks a login (throttled by name and client address); the new session's token and
/// CSRF token.
pub async fn do_login(
    app: &App,
    peer: SocketAddr,
    name: String,
    password: String,
) -> Result<(String, String), ApiError> {
    let keys = vec![format!("name:{name}"), format!("addr:{}", peer.ip())];
    {
        let mut t = app.throttle.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(wait) = t.blocked(&keys) {
            return Err(ApiError::Throttled(wait));
        }
    }
    let app2 = app.clone();
    let user = blocking(move || {
        let found = db(app2.db.user_by_name(&name))?;
        Ok(match found {
            Some((user, hash)) if auth::verify_password(&password, &hash) => Some(user),
            Some(_) => None,
            None => {
                // Same work for an unknown name, so timing does not tell names apart.
                let _ = auth::verify_password(&password, dummy_hash());
                None
            }
        })
    })
    .await?;
    let mut t = app.throttle.lock().unwrap_or_else(|e| e.into_inner());
    let Some(user) = user else {
        t.fail(&keys);
        return Err(ApiError::Unauthorized);
    };
    t.succeed(&keys[..1]);
    drop(t);
    let token = auth::random_token().map_err(ApiError::internal)?;
    let csrf = auth::random_token().map_err(ApiError::internal)?;
    let expires = super::db::now() + auth::SESSION_SECONDS;
    db(app
        .db
        .create_session(&user, &auth::token_hash(&token), &csrf, expires))?;
    Ok((token, csrf))
}

/// An argon2 hash of a random password, for unknown names.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        auth::random_token()
            .and_then(|t| auth::hash_password(&t))
            .unwrap_or_default()
    })
}

pub async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let (token, csrf) = do_login(&app, peer, req.name, req.password).await?;
    let mut r = Json(json!({ "csrf_token": csrf })).into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&token)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

pub async fn logout(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    s.check_csrf(&headers, None)?;
    db(app.db.end_session(&s.user, &s.token_hash))?;
    let mut r = Json(json!({})).into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::clear_session_cookie()) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

pub async fn rules_list(_s: Session) -> Json<Value> {
    Json(json!(BUILTIN_RULES
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()))
}

// ---- datasets ----

/// What a multipart upload holds: the dataset's label, its files, and the CSRF form
/// field (pages).
#[derive(Default)]
pub struct Upload {
    pub name: String,
    pub files: Vec<NewFile>,
    pub csrf: Option<String>,
}

/// `xlsx` for a zip container (a workbook), `csv` otherwise: the extension comes
/// from the content, never from the name the browser sent.
pub fn sniff(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"PK\x03\x04") {
        "xlsx"
    } else {
        "csv"
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge
    } else {
        ApiError::BadRequest(e.body_text())
    }
}

/// Reads every part; an unknown part name is 422, an empty file part is skipped. More
/// than `limit` bytes of files is 413, answered after reading the rest of the request
/// (up to the transport limit), so that the client reads the answer, not a reset.
pub async fn read_upload(mut mp: Multipart, limit: usize) -> Result<Upload, ApiError> {
    let mut up = Upload::default();
    let mut unknown = Vec::new();
    let mut total = 0usize;
    // Zipped data folders: (name when uploaded, bytes), unpacked at the end.
    let mut zips: Vec<(String, Vec<u8>)> = Vec::new();
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        let part = field.name().unwrap_or("").to_string();
        let upload_name = field.file_name().unwrap_or("").chars().take(200).collect();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            total = total.saturating_add(chunk.len());
            if total <= limit {
                bytes.extend_from_slice(&chunk);
            }
        }
        if total > limit {
            continue;
        }
        match part.as_str() {
            "csrf_token" => up.csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "name" => {
                up.name = String::from_utf8_lossy(&bytes)
                    .trim()
                    .chars()
                    .take(200)
                    .collect()
            }
            p if p == "zip" || (!ROLES.contains(&p) && super::zipup::is_data_zip(&bytes)) => {
                if !bytes.is_empty() {
                    zips.push((upload_name, bytes));
                }
            }
            p => match ROLES.iter().find(|r| **r == p) {
                Some(role) if !bytes.is_empty() => {
                    if up.files.iter().any(|f| f.role == *role) {
                        unknown.push(
                            FieldError::general(role, "this file was sent twice")
                                .with_zh("这类文件发送了两次：每类只发一个"),
                        );
                    }
                    up.files.push(NewFile {
                        role: (*role).to_string(),
                        ext: sniff(&bytes),
                        upload_name,
                        bytes,
                    });
                }
                Some(_) => {}
                None => unknown.push(
                    FieldError::general(
                        &part,
                        format!(
                            "unknown part `{part}`; the parts are {} (or zip, a zipped data \
                             folder)",
                            ROLES.join(", ")
                        ),
                    )
                    .with_zh(format!(
                        "未知的上传项“{part}”；可上传的是 {}（或 zip：整个数据文件夹的压缩包）",
                        ROLES.join("、")
                    )),
                ),
            },
        }
    }
    if total > limit {
        return Err(ApiError::TooLarge);
    }
    for (name, bytes) in zips {
        let name = if name.is_empty() {
            "data.zip".to_string()
        } else {
            name
        };
        // The files inside count, uncompressed, against the same limit.
        let used: usize = up.files.iter().map(|f| f.bytes.len()).sum();
        let budget = limit.saturating_sub(used);
        // Inflating is CPU work: off the async threads' duty while it runs.
        let unpacked = tokio::task::block_in_place(|| super::zipup::unpack(&bytes, &name, budget));
        match unpacked {
            Ok(u) => {
                unknown.extend(u.errors);
                for f in u.files {
                    if let Some(first) = up.files.iter().find(|g| g.role == f.role) {
                        unknown.push(FieldError {
                            value: Some(f.upload_name.clone()),
                            ..FieldError::general(
                                &name,
                                format!(
                                    "a second {} file (the first is {}): send each kind once",
                                    f.role, first.upload_name
                                ),
                            )
                            .with_zh(format!(
                                "第二个 {} 文件（第一个是 {}）：每类文件只发一个",
                                f.role, first.upload_name
                            ))
                        });
                    } else {
                        up.files.push(f);
                    }
                }
            }
            Err(ApiError::Invalid(mut e)) => unknown.append(&mut e),
            Err(e) => return Err(e),
        }
    }
    if !unknown.is_empty() {
        return Err(ApiError::Invalid(unknown));
    }
    Ok(up)
}

/// A private folder under `<workspace>/work/` removed when dropped.
pub(super) struct WorkDir(pub(super) std::path::PathBuf);

impl WorkDir {
    pub(super) fn new(app: &App, what: &str) -> Result<WorkDir, ApiError> {
        let token = auth::random_token().map_err(ApiError::internal)?;
        let dir = app
            .workspace
            .join("work")
            .join(format!("{what}-{}", &token[..16]));
        std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Loads the files of `dir` with the same loader as `rotaplan check`.
pub(super) fn load(dir: &FsPath) -> Result<crate::input::Loaded, Vec<FieldError>> {
    let sources = crate::cli::DataArgs {
        data: Some(dir.to_path_buf()),
        ..Default::default()
    }
    .sources();
    crate::input::load(&sources)
        .map_err(|errs| errs.0.into_iter().map(FieldError::of_input).collect())
}

/// Validates a whole dataset (its files written under their fixed names) for `user`:
/// loader errors, schools outside a district user's district, bad pins.
fn validate(
    user: &User,
    dir: &FsPath,
    files: &[NewFile],
) -> Result<(Vec<String>, Value), ApiError> {
    for f in files {
        // INVARIANT: role from ROLES, ext from sniff(): a fixed name, no request path.
        std::fs::write(dir.join(format!("{}.{}", f.role, f.ext)), &f.bytes)
            .map_err(ApiError::internal)?;
    }
    let loaded = load(dir).map_err(ApiError::Invalid)?;
    let d = &loaded.data;
    let mut errors = Vec::new();
    let schools_file = files
        .iter()
        .find(|f| f.role == "schools")
        .map_or("schools.csv".to_string(), |f| format!("schools.{}", f.ext));
    if let auth::Scope::District(mine) = &user.scope {
        for s in d.schools.iter().filter(|s| &s.district != mine) {
            errors.push(FieldError {
                file: schools_file.clone(),
                row: None,
                column: Some("district".into()),
                value: Some(s.district.clone()),
                message: format!(
                    "school {} is in district {}, outside your district {mine}: upload only \
                     your district's schools",
                    s.id, s.district
                ),
                zh: Some(format!(
                    "学校 {} 属于 {}，不在您负责的 {mine}：只能上传本区县的学校",
                    s.id, s.district
                )),
            });
        }
    }
    if let Some(p) = files.iter().find(|f| f.role == "pins" && f.ext == "csv") {
        errors.extend(check_pins(&p.bytes, d));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let mut districts: Vec<String> = d.schools.iter().map(|s| s.district.clone()).collect();
    districts.sort();
    districts.dedup();
    let counts = json!({
        "schools": d.schools.len(),
        "teachers": d.teachers.len(),
        "needs": d.needs.len(),
        "ledger": d.ledger.len(),
        "evaluators": d.evaluators.len(),
        "itinerant_needs": d.itinerant.needs.len(),
    });
    Ok((districts, counts))
}

/// Validates and stores an upload: the new dataset's id, or every problem.
pub fn store_upload(app: &App, user: &User, up: Upload) -> Result<i64, ApiError> {
    let work = WorkDir::new(app, "upload")?;
    let (districts, counts) = validate(user, &work.0, &up.files)?;
    let name = if up.name.is_empty() {
        format!(
            "{} {}",
            districts.join("、"),
            super::i18n::date(super::db::now())
        )
    } else {
        up.name
    };
    db(app
        .db
        .insert_dataset(user, &name, &districts, &counts, &up.files))
}

/// The pins actions, English and Chinese.
const PIN_ACTIONS: [(&str, &str); 4] = [
    ("stay", "留任"),
    ("move", "必须交流"),
    ("to", "指定学校"),
    ("not_to", "不去"),
];

/// Checks a pins.csv against the dataset: columns, actions, known teachers and
/// schools (the planner checks that each pin can hold).
pub fn check_pins(bytes: &[u8], d: &crate::model::Dataset) -> Vec<FieldError> {
    let file = "pins.csv";
    let text =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return vec![
                FieldError::general(file, format!("cannot read the file: {e}")).with_zh(format!(
                    "无法读取这个文件（{e}）：请另存为 UTF-8 编码的 CSV"
                )),
            ]
        }
    };
    let col = |en: &str, zh: &str| headers.iter().position(|h| h == en || h == zh);
    let (Some(tc), Some(ac)) = (col("teacher_id", "工号"), col("action", "动作")) else {
        return vec![FieldError::general(
            file,
            format!(
                "the header row needs the columns teacher_id (工号) and action (动作); it has: {}",
                headers.join(", ")
            ),
        )
        .with_zh(format!(
            "表头必须有“工号”（teacher_id）和“动作”（action）两列；现有的是：{}",
            headers.join("、")
        ))];
    };
    let sc = col("school_id", "学校代码");
    let mut errors = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 2;
        let Ok(rec) = rec else {
            errors.push(FieldError {
                row: Some(row),
                ..FieldError::general(file, "cannot read this row")
                    .with_zh("无法读取这一行：请检查引号和逗号")
            });
            continue;
        };
        let cell = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
        let err = |column: &str, value: String, message: String, zh: String| FieldError {
            file: file.into(),
            row: Some(row),
            column: Some(column.into()),
            value: Some(value),
            message,
            zh: Some(zh),
        };
        let (teacher, action, school) = (cell(Some(tc)), cell(Some(ac)), cell(sc));
        if !d.teachers.iter().any(|t| t.id.as_str() == teacher) {
            errors.push(err(
                "teacher_id",
                teacher,
                "no such teacher in teachers".into(),
                "教师文件中没有这个工号：请改正工号或删除这一行".into(),
            ));
        }
        let Some((act, _)) = PIN_ACTIONS
            .iter()
            .find(|(en, zh)| action == *en || action == *zh)
        else {
            errors.push(err(
                "action",
                action,
                "expected stay (留任), move (必须交流), to (指定学校) or not_to (不去)".into(),
                "应填 留任（stay）、必须交流（move）、指定学校（to）或 不去（not_to）".into(),
            ));
            continue;
        };
        let needs_school = matches!(*act, "to" | "not_to");
        if needs_school && !d.schools.iter().any(|s| s.id.as_str() == school) {
            errors.push(err(
                "school_id",
                school,
                format!("`{act}` needs the id of a school in schools"),
                format!("“{act}”要填写学校文件中某所学校的代码"),
            ));
        } else if !needs_school && !school.is_empty() {
            errors.push(err(
                "school_id",
                school,
                format!("`{act}` takes no school: leave it empty"),
                format!("“{act}”不填学校：请留空"),
            ));
        }
    }
    errors
}

/// The dataset if `user` may see it; 404 otherwise (also when it does not exist).
pub fn visible_dataset(app: &App, user: &User, id: i64) -> Result<DatasetRow, ApiError> {
    match db(app.db.dataset(id))? {
        Some(d) if user.sees(&d.districts) => Ok(d),
        _ => Err(ApiError::NotFound),
    }
}

/// The plan and its dataset if `user` may see them; 404 otherwise.
pub fn visible_plan(app: &App, user: &User, id: i64) -> Result<(PlanRow, DatasetRow), ApiError> {
    visible_job(app, user, "plan", id)
}

/// Work of `kind` (a plan or a view, see `db::KINDS`) and its dataset if `user` may see
/// them; 404 otherwise, also for an id of another kind.
pub fn visible_job(
    app: &App,
    user: &User,
    kind: &str,
    id: i64,
) -> Result<(PlanRow, DatasetRow), ApiError> {
    let plan = db(app.db.plan(id))?
        .filter(|p| p.kind == kind)
        .ok_or(ApiError::NotFound)?;
    let d = visible_dataset(app, user, plan.dataset)?;
    Ok((plan, d))
}

pub async fn datasets(State(app): State<App>, s: Session) -> Result<Json<Value>, ApiError> {
    let all = db(app.db.datasets())?;
    let mine: Vec<_> = all
        .into_iter()
        .filter(|d| s.user.sees(&d.districts))
        .collect();
    Ok(Json(json!(mine)))
}

pub async fn upload(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Response, ApiError> {
    let up = read_upload(mp, app.max_upload).await?;
    s.check_csrf(&headers, up.csrf.as_deref())?;
    let id = blocking(move || store_upload(&app, &s.user, up)).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub async fn dataset(
    State(app): State<App>,
    s: Session,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let d = visible_dataset(&app, &s.user, id)?;
    let plans: Vec<Value> = db(app.db.plans(Some(id)))?
        .iter()
        .map(|p| json!({"id": p.id, "status": p.status, "year": p.params.get("year")}))
        .collect();
    let mut v = json!(d);
    v["plans"] = json!(plans);
    Ok(Json(v))
}

pub async fn dataset_file(
    State(app): State<App>,
    s: Session,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    visible_dataset(&app, &s.user, id)?;
    let files = blocking(move || db(app.db.current_files(id))).await?;
    let (name, bytes) = files
        .into_iter()
        .find(|(n, _)| *n == name)
        .ok_or(ApiError::NotFound)?;
    Ok(file_response(&name, bytes))
}

/// Replaces the pins of a dataset (a new version of its pins.csv) after checking them
/// against its data; shared by the API and the page.
pub fn store_pins(app: &App, user: &User, id: i64, bytes: Vec<u8>) -> Result<i64, ApiError> {
    visible_dataset(app, user, id)?;
    let work = WorkDir::new(app, "pins")?;
    jobs::materialise(&app.db, id, &work.0).map_err(ApiError::internal)?;
    let file = NewFile {
        role: "pins".into(),
        ext: "csv",
        upload_name: "pins.csv".into(),
        bytes,
    };
    // Stale pins of another format must not shadow the new file.
    let _ = std::fs::remove_file(work.0.join("pins.xlsx"));
    std::fs::write(work.0.join("pins.csv"), &file.bytes).map_err(ApiError::internal)?;
    let loaded = load(&work.0).map_err(ApiError::Invalid)?;
    let errors = check_pins(&file.bytes, &loaded.data);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    db(app.db.put_file(user, id, &file))
}

pub async fn put_pins(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    s.check_csrf(&headers, None)?;
    if body.len() > app.max_upload {
        return Err(ApiError::TooLarge);
    }
    if sniff(&body) != "csv" {
        return Err(ApiError::Invalid(vec![FieldError::general(
            "pins.csv",
            "send pins.csv as CSV text",
        )
        .with_zh("请以 CSV 文本上传 pins.csv")]));
    }
    let version = blocking(move || store_pins(&app, &s.user, id, body.to_vec())).await?;
    Ok(Json(json!({ "version": version })))
}

// ---- plans ----

#[derive(Deserialize)]
pub struct PlanRequest {
    pub dataset: i64,
    /// A built-in rule set's file name, or the text of a rule file.
    #[serde(default)]
    pub rules: Option<String>,
    pub year: i32,
    #[serde(default)]
    pub set: serde_json::Map<String, Value>,
    #[serde(default)]
    pub previous: Option<i64>,
}

/// The rule text of a plan: the built-in file's, or the uploaded text.
pub fn rules_text(p: &PlanParams) -> Option<&'static str> {
    if p.rules_name.is_empty() {
        return None;
    }
    BUILTIN_RULES
        .iter()
        .find(|(n, _)| *n == p.rules_name)
        .map(|(_, t)| *t)
}

/// The file name the rules are written under for the planner.
pub fn rules_file_name(p: &PlanParams) -> &str {
    if rules_text(p).is_some() {
        &p.rules_name
    } else {
        "rules.toml"
    }
}

/// `{"section.key": value}` as `--set` pairs: a string as it is, any other value as
/// JSON writes it (`0.12`, `true`).
pub fn set_pairs(set: serde_json::Map<String, Value>) -> Vec<(String, String)> {
    set.into_iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v)
        })
        .collect()
}

/// Checks a plan request for `user` and queues it.
pub fn submit_plan(app: &App, user: &User, req: PlanRequest) -> Result<i64, ApiError> {
    let dataset = visible_dataset(app, user, req.dataset)?;
    let rules = req.rules.unwrap_or_else(|| BUILTIN_RULES[0].0.to_string());
    let builtin = BUILTIN_RULES
        .iter()
        .find(|(n, _)| *n == rules || n.trim_end_matches(".toml") == rules);
    let set: Vec<(String, String)> = set_pairs(req.set)
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
    let params = PlanParams {
        rules_name: builtin.map(|(n, _)| (*n).to_string()).unwrap_or_default(),
        rules_text: if builtin.is_some() {
            String::new()
        } else {
            rules
        },
        year: req.year,
        set,
        previous: req.previous,
        files: db(app.db.current_versions(dataset.id))?,
        rule_set: None,
    };
    let params = super::rulesets::resolve_stored(app, user, params)?;
    let text = rules_text(&params).unwrap_or(&params.rules_text);
    let overrides: Vec<String> = params.set.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let parsed = crate::rules::parse_rules(text, rules_file_name(&params), &overrides)
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let (first, last) = (parsed.plan.first_year, parsed.plan.last_year);
    if !(first..=last).contains(&params.year) {
        return Err(ApiError::Unprocessable(format!(
            "year {} is outside the plan period of these rules ({first}–{last})",
            params.year
        )));
    }
    if let Some(prev) = params.previous {
        let (p, _) = visible_plan(app, user, prev)?;
        if p.status != "done" {
            return Err(ApiError::Unprocessable(format!(
                "the previous plan {prev} has not finished"
            )));
        }
        if !jobs::previous_supported() {
            return Err(ApiError::Unprocessable(
                "re-planning against a previous plan is not supported by this version".into(),
            ));
        }
    }
    let json = serde_json::to_value(&params).map_err(ApiError::internal)?;
    let id = db(app.db.insert_plan(user, dataset.id, &json))?;
    app.jobs.enqueue(id);
    Ok(id)
}

pub async fn submit(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    Json(req): Json<PlanRequest>,
) -> Result<Response, ApiError> {
    s.check_csrf(&headers, None)?;
    let id = blocking(move || submit_plan(&app, &s.user, req)).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response())
}

/// A plan as the API shows it: status, progress (0 to 1), stage, summary, files.
pub fn plan_json(app: &App, p: &PlanRow) -> Result<Value, ApiError> {
    let live = app.jobs.progress(p.id);
    let (progress, stage) = match (p.status.as_str(), live) {
        ("done", _) => (1.0, "done".to_string()),
        ("running", Some(l)) => (l.fraction, l.stage),
        (s, _) => (0.0, s.to_string()),
    };
    let files: Vec<Value> = db(app.db.plan_file_names(p.id))?
        .into_iter()
        .map(|(n, size)| json!({"name": n, "size": size}))
        .collect();
    Ok(json!({
        "id": p.id,
        "dataset": p.dataset,
        "owner": p.owner,
        "status": p.status,
        "progress": progress,
        "stage_text": super::i18n::stage_text(&stage, Lang::En),
        "stage": stage,
        "summary": p.summary,
        "error": p.error,
        "params": p.params,
        "files": files,
        "created": p.created,
        "finished": p.finished,
    }))
}

pub async fn plans(State(app): State<App>, s: Session) -> Result<Json<Value>, ApiError> {
    Ok(Json(jobs_json(&app, &s.user, "plan")?))
}

/// The work of `kind` (plans or a view) on the datasets `user` may see, as the API
/// shows it, newest first.
pub fn jobs_json(app: &App, user: &User, kind: &str) -> Result<Value, ApiError> {
    let visible: Vec<i64> = db(app.db.datasets())?
        .into_iter()
        .filter(|d| user.sees(&d.districts))
        .map(|d| d.id)
        .collect();
    let mut out = Vec::new();
    for p in db(app.db.jobs(kind, None))? {
        if visible.contains(&p.dataset) {
            out.push(plan_json(app, &p)?);
        }
    }
    Ok(json!(out))
}

/// `?lang=zh` or `?lang=en` of an API request (the human words it adds to the
/// machine-readable ids); English by default.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

impl LangQuery {
    pub fn lang(&self) -> Lang {
        self.lang
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or(Lang::En)
    }
}

/// [`plan_json`] with the words of the stage in `lang`.
pub fn plan_json_in(app: &App, p: &PlanRow, lang: Lang) -> Result<Value, ApiError> {
    let mut j = plan_json(app, p)?;
    let text = super::i18n::stage_text(j["stage"].as_str().unwrap_or(""), lang);
    j["stage_text"] = json!(text);
    Ok(j)
}

pub async fn plan(
    State(app): State<App>,
    s: Session,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Result<Json<Value>, ApiError> {
    let (p, _) = visible_plan(&app, &s.user, id)?;
    Ok(Json(plan_json_in(&app, &p, q.lang())?))
}

/// Cancels a queued or running plan; a finished one is left as it is (422).
pub fn cancel_plan(app: &App, user: &User, id: i64) -> Result<(), ApiError> {
    cancel_job(app, user, "plan", id)
}

/// Cancels queued or running work of `kind`; finished work is left as it is (422).
pub fn cancel_job(app: &App, user: &User, kind: &str, id: i64) -> Result<(), ApiError> {
    let (p, _) = visible_job(app, user, kind, id)?;
    let action = format!("{kind} cancel");
    let detail = format!("{kind} {id}");
    match p.status.as_str() {
        "queued" => {
            if !db(app.db.cancel_queued(user, id))? && app.jobs.cancel_running(id) {
                db(app.db.audit_only(&user.name, &action, &detail))?;
            }
            Ok(())
        }
        "running" => {
            if !app.jobs.cancel_running(id) {
                return Err(ApiError::Unprocessable(format!(
                    "{kind} {id} has just finished: only queued or running work can be cancelled"
                )));
            }
            db(app.db.audit_only(&user.name, &action, &detail))?;
            Ok(())
        }
        s => Err(ApiError::Unprocessable(format!(
            "{kind} {id} is {s}: only queued or running work can be cancelled"
        ))),
    }
}

pub async fn cancel(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    s.check_csrf(&headers, None)?;
    cancel_plan(&app, &s.user, id)?;
    let (p, _) = visible_plan(&app, &s.user, id)?;
    Ok(Json(plan_json(&app, &p)?))
}

/// Runs a plan again with the same dataset and parameters (e.g. after a failure, or
/// with new pins): the new plan's id.
pub fn rerun_plan(app: &App, user: &User, id: i64) -> Result<i64, ApiError> {
    rerun_job(app, user, "plan", id)
}

/// Runs work of `kind` again with the same dataset and parameters: the new id. A plan
/// reads the dataset's current files (e.g. new pins), not those of its first run.
pub fn rerun_job(app: &App, user: &User, kind: &str, id: i64) -> Result<i64, ApiError> {
    let (p, _) = visible_job(app, user, kind, id)?;
    let mut params = p.params.clone();
    if kind == "plan" {
        params["files"] = json!(db(app.db.current_versions(p.dataset))?);
    }
    let new = db(app.db.insert_job(user, kind, p.dataset, &params))?;
    app.jobs.enqueue(new);
    Ok(new)
}

pub async fn rerun(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    s.check_csrf(&headers, None)?;
    let new = rerun_plan(&app, &s.user, id)?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": new }))).into_response())
}

/// A stored file as a download: its type from its (stored, fixed) name; sandboxed so
/// that a report opened from here runs no script with the workspace's cookies.
pub fn file_response(name: &str, bytes: Vec<u8>) -> Response {
    let ctype = match name.rsplit('.').next() {
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("ics") => "text/calendar; charset=utf-8",
        _ => "application/octet-stream",
    };
    let disposition = if name.ends_with(".html") {
        "inline".to_string()
    } else {
        format!(
            "attachment; filename=\"{}\"",
            name.replace(['"', '\\'], "_")
        )
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    for (k, v) in [
        (header::CONTENT_TYPE, ctype.to_string()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CONTENT_SECURITY_POLICY, "sandbox".to_string()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    r
}

pub async fn plan_file(
    State(app): State<App>,
    s: Session,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    visible_plan(&app, &s.user, id)?;
    let n = name.clone();
    let bytes = blocking(move || db(app.db.plan_file(id, &n)))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(file_response(&name, bytes))
}

pub async fn audit(State(app): State<App>, s: Session) -> Result<Json<Value>, ApiError> {
    if !s.user.is_admin() {
        return Err(ApiError::Forbidden("the audit log is for admin users"));
    }
    let rows = db(app.db.audit_log(10_000))?;
    let out: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"id": r.id, "time": super::i18n::timestamp(r.time), "user": r.user,
                   "action": r.action, "detail": r.detail})
        })
        .collect();
    Ok(Json(json!(out)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_are_the_rules_folder() {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut built: Vec<String> = BUILTIN_RULES.iter().map(|(n, _)| n.to_string()).collect();
        built.sort();
        assert_eq!(on_disk, built, "add the new rules/ file to BUILTIN_RULES");
    }

    #[test]
    fn sniffs_workbooks() {
        assert_eq!(sniff(b"PK\x03\x04rest"), "xlsx");
        assert_eq!(sniff("工号,动作\n".as_bytes()), "csv");
    }
}
