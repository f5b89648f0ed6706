//! Rule sets made in the workspace: a built-in rule file (or a saved set, or an
//! uploaded TOML file) with the common values changed in a form. A rule set is stored
//! as its base rule file and the `--set` values over it, so it is checked by the same
//! code as `rotaplan plan --rules FILE --set KEY=VALUE` and a plan made with it is
//! byte-identical to that command's. Saving a name again makes its next version.
//!
//! The form offers the single-valued keys (numbers, words, yes/no) of the sections HR
//! staff change ([`FORM_SECTIONS`]), taken from the rules' key table; each is labelled
//! with the comment the default rule file (`rules/nanchang-2021-2025.toml`, which
//! writes every key with its default) gives it, in Chinese and English.

use super::api::{ApiError, FieldError, BUILTIN_RULES};
use super::auth::{Scope, Session, User};
use super::db::RuleSetRow;
use super::i18n::{self, Lang};
use super::jobs::PlanParams;
use super::pages::{page, Ctx};
use super::App;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use minijinja::{context, Value};
use serde::Deserialize;
use serde_json::json;

/// The templates of the rules page.
pub const TEMPLATES: [(&str, &str); 1] = [("rules.html", include_str!("templates/rules.html"))];

/// The sections whose single-valued keys the form offers.
pub const FORM_SECTIONS: [&str; 6] = ["plan", "eligibility", "quota", "flow", "matching", "term"];

/// The rule file with every key at its default (and a comment saying what it is).
fn defaults() -> &'static str {
    BUILTIN_RULES[0].1
}

/// One field of the form.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyField {
    /// `section.key`.
    pub key: String,
    pub label: String,
    /// The value the rule set has, as `--set` takes it (a word without quotes).
    pub value: String,
    pub boolean: bool,
}

/// A key's value as `--set` takes it, when it is a single value (not a list or table).
fn scalar(text: &str, v: &toml_edit::Value) -> Option<String> {
    use toml_edit::Value as V;
    match v {
        V::String(s) => Some(s.value().clone()),
        V::Integer(_) | V::Float(_) | V::Boolean(_) => v
            .span()
            .and_then(|r| text.get(r))
            .map(|s| s.trim().to_string()),
        _ => None,
    }
}

/// The value of `section.key` in a parsed rule file, with the comment after it.
fn lookup<'a>(
    text: &'a str,
    doc: &toml_edit::Document<&'a str>,
    section: &str,
    key: &str,
) -> Option<(String, Option<&'a str>)> {
    let v = doc.get(section)?.as_table()?.get(key)?.as_value()?;
    let value = scalar(text, v)?;
    let comment = v
        .decor()
        .suffix()
        .and_then(|r| r.span())
        .and_then(|r| text.get(r))
        .map(|c| c.trim().trim_start_matches('#').trim())
        .filter(|c| !c.is_empty());
    Some((value, comment))
}

/// The Chinese or English half of a bilingual comment `中文 / English`.
fn half(comment: &str, lang: Lang) -> String {
    match comment.rsplit_once('/') {
        Some((zh, en)) => match lang {
            Lang::Zh => zh.trim().to_string(),
            Lang::En => en.trim().to_string(),
        },
        None => comment.to_string(),
    }
}

/// The form's fields for a rule set: the base file's values, then `overrides`.
pub fn form_fields(base_text: &str, overrides: &[(String, String)], lang: Lang) -> Vec<KeyField> {
    let defaults_doc = toml_edit::Document::parse(defaults()).ok();
    let base_doc = toml_edit::Document::parse(base_text).ok();
    let mut out = Vec::new();
    for section in crate::rules::sections() {
        if !FORM_SECTIONS.contains(&section) {
            continue;
        }
        for key in crate::rules::keys_of(section) {
            let from_base = base_doc
                .as_ref()
                .and_then(|d| lookup(base_text, d, section, key));
            let from_defaults = defaults_doc
                .as_ref()
                .and_then(|d| lookup(defaults(), d, section, key));
            let Some((value, _)) = from_base.clone().or_else(|| from_defaults.clone()) else {
                continue; // a list or a table: edit it in a TOML file
            };
            let dotted = format!("{section}.{key}");
            let value = overrides
                .iter()
                .rev()
                .find(|(k, _)| *k == dotted)
                .map_or(value, |(_, v)| v.clone());
            let comment = from_defaults
                .and_then(|(_, c)| c)
                .or(from_base.and_then(|(_, c)| c));
            out.push(KeyField {
                label: comment.map_or_else(|| dotted.clone(), |c| half(c, lang)),
                boolean: matches!(value.as_str(), "true" | "false"),
                key: dotted,
                value,
            });
        }
    }
    out
}

/// Every problem of a rule set, as rows of the errors table: the file (or `--set`),
/// the line, the key, the value, the message with its help.
pub fn rule_errors(e: &crate::rules::RuleErrors) -> Vec<FieldError> {
    e.iter()
        .map(|e| FieldError {
            file: e.file.clone(),
            row: e.line,
            column: (!e.key.is_empty()).then(|| e.key.clone()),
            value: e.value.clone(),
            message: match &e.help {
                Some(h) => format!("{} (help: {h})", e.message),
                None => e.message.clone(),
            },
            // The parser's own words stay as written, after what kind of problem it is.
            zh: Some(match &e.help {
                Some(h) => format!(
                    "{}：{}（提示：{h}）",
                    super::i18n::rule_error_zh(e.kind),
                    e.message
                ),
                None => format!("{}：{}", super::i18n::rule_error_zh(e.kind), e.message),
            }),
        })
        .collect()
}

/// Where rule sets made by `user` are kept: `city` for city and admin users (whom
/// everyone may use), else their district.
fn scope_of(user: &User) -> String {
    match &user.scope {
        Scope::Admin | Scope::City => "city".into(),
        Scope::District(d) => d.clone(),
    }
}

fn sees(user: &User, r: &RuleSetRow) -> bool {
    match &user.scope {
        Scope::Admin | Scope::City => true,
        Scope::District(d) => r.scope == "city" || &r.scope == d,
    }
}

/// The rule sets `user` may use, newest first.
pub fn visible(app: &App, user: &User) -> Result<Vec<RuleSetRow>, ApiError> {
    Ok(app
        .db
        .rule_sets()
        .map_err(ApiError::internal)?
        .into_iter()
        .filter(|r| sees(user, r))
        .collect())
}

/// A stored rule set `user` may see; 404 otherwise.
pub fn visible_one(app: &App, user: &User, id: i64) -> Result<RuleSetRow, ApiError> {
    match app.db.rule_set(id).map_err(ApiError::internal)? {
        Some(r) if sees(user, &r) => Ok(r),
        _ => Err(ApiError::NotFound),
    }
}

/// The built-in rule sets' names, for messages.
fn builtin_names() -> String {
    BUILTIN_RULES
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `s` is meant as a rule set's name rather than the text of a rule file.
fn is_name(s: &str) -> bool {
    !s.is_empty() && !s.contains(['\n', '=', '[', '"'])
}

/// Checks a new rule set's name.
fn check_name(name: &str) -> Result<(), ApiError> {
    let bad = |m: &str, zh: &str| {
        Err(ApiError::Invalid(vec![FieldError {
            column: Some("name".into()),
            value: Some(name.to_string()),
            ..FieldError::general("rules", m).with_zh(zh)
        }]))
    };
    if name.is_empty() {
        return bad(
            "give the rule set a name, e.g. 2022 东湖区",
            "请给规则起个名称，如“2022 东湖区”",
        );
    }
    if name.chars().count() > 100 || !is_name(name) || name.starts_with("ruleset:") {
        return bad(
            "a name is at most 100 characters, without = [ \" or line breaks",
            "名称最多 100 个字符，不能含 = [ \" 或换行",
        );
    }
    if BUILTIN_RULES
        .iter()
        .any(|(n, _)| *n == name || n.trim_end_matches(".toml") == name)
    {
        return bad(
            "that is the name of a built-in rule set: choose another",
            "这是内置规则的名称：请换一个",
        );
    }
    Ok(())
}

/// The base a rule set starts from: its name, TOML text, `--set` values so far.
type Base = (String, String, Vec<(String, String)>);

fn base_of(app: &App, user: &User, base: &str) -> Result<Base, ApiError> {
    if let Some(id) = base.strip_prefix("ruleset:") {
        let id = id.parse::<i64>().map_err(|_| ApiError::NotFound)?;
        let r = visible_one(app, user, id)?;
        return Ok((r.base, r.text, r.overrides));
    }
    match BUILTIN_RULES
        .iter()
        .find(|(n, _)| *n == base || n.trim_end_matches(".toml") == base)
    {
        Some((n, t)) => Ok(((*n).to_string(), (*t).to_string(), Vec::new())),
        None => Err(ApiError::Invalid(vec![FieldError {
            column: Some("base".into()),
            value: Some(base.to_string()),
            ..FieldError::general(
                "rules",
                format!("no such rule set: choose one of {}", builtin_names()),
            )
            .with_zh(format!("没有这个规则：请从这些中选择：{}", builtin_names()))
        }])),
    }
}

/// What a rule set is made of, as asked for.
pub enum NewRuleSet {
    /// A base (built-in name or `ruleset:ID`) and values to set over it.
    Form {
        base: String,
        set: Vec<(String, String)>,
    },
    /// The text of a rule file, uploaded under `file`.
    Toml { file: String, text: String },
}

/// Checks and stores a rule set for `user`: (id, version), or every problem.
pub fn save(app: &App, user: &User, name: &str, what: NewRuleSet) -> Result<(i64, i64), ApiError> {
    check_name(name)?;
    let (base, text, overrides) = match what {
        NewRuleSet::Form { base, set } => {
            let (base_name, text, mut overrides) = base_of(app, user, &base)?;
            for (k, v) in set {
                let (k, v) = (k.trim().to_string(), v.trim().to_string());
                if v.is_empty() {
                    continue;
                }
                overrides.retain(|(o, _)| *o != k);
                overrides.push((k, v));
            }
            // Values equal to the base file's are not overrides.
            let plain = form_fields(&text, &[], Lang::En);
            overrides.retain(|(k, v)| !plain.iter().any(|f| f.key == *k && f.value == *v));
            (base_name, text, overrides)
        }
        NewRuleSet::Toml { file, text } => (file, text, Vec::new()),
    };
    let set: Vec<String> = overrides.iter().map(|(k, v)| format!("{k}={v}")).collect();
    crate::rules::parse_rules(&text, &base, &set)
        .map_err(|e| ApiError::Invalid(rule_errors(&e)))?;
    app.db
        .insert_rule_set(user, &scope_of(user), name, &base, &text, &overrides)
        .map_err(ApiError::internal)
}

/// A plan's rules given as a saved rule set (`ruleset:ID`, or a name: its newest
/// version the user may see) become that set's file and values, before the plan's own
/// values. Anything else is left as it is (a built-in name, or the text of a file).
pub fn resolve_stored(app: &App, user: &User, mut p: PlanParams) -> Result<PlanParams, ApiError> {
    if !p.rules_name.is_empty() {
        return Ok(p);
    }
    let asked = p.rules_text.trim().to_string();
    let found = if let Some(id) = asked.strip_prefix("ruleset:") {
        let id = id.parse::<i64>().map_err(|_| ApiError::NotFound)?;
        visible_one(app, user, id)?
    } else if is_name(&asked) {
        match visible(app, user)?.into_iter().find(|r| r.name == asked) {
            Some(r) => r,
            None => {
                return Err(ApiError::Unprocessable(format!(
                    "no rule set named `{asked}`: give a built-in one ({}), a saved one, or \
                     the text of a rule file",
                    builtin_names()
                )))
            }
        }
    } else {
        return Ok(p);
    };
    // A built-in base is written under its own name, exactly as the command reads it.
    match BUILTIN_RULES
        .iter()
        .find(|(n, t)| *n == found.base && *t == found.text)
    {
        Some((n, _)) => {
            p.rules_name = (*n).to_string();
            p.rules_text = String::new();
        }
        None => p.rules_text = found.text.clone(),
    }
    let mut set = found.overrides.clone();
    set.extend(std::mem::take(&mut p.set));
    p.set = set;
    p.rule_set = Some(format!("{} v{}", found.name, found.version));
    Ok(p)
}

// ---- API ----

pub async fn api_list(
    State(app): State<App>,
    s: Session,
) -> Result<Json<serde_json::Value>, ApiError> {
    let saved = visible(&app, &s.user)?;
    Ok(Json(json!({
        "builtin": BUILTIN_RULES.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "saved": saved,
    })))
}

pub async fn api_get(
    State(app): State<App>,
    s: Session,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(json!(visible_one(&app, &s.user, id)?)))
}

#[derive(Deserialize)]
pub struct RuleSetRequest {
    pub name: String,
    /// A built-in rule set's name or `ruleset:ID`, with `set`.
    #[serde(default)]
    pub base: Option<String>,
    #[serde(default)]
    pub set: serde_json::Map<String, serde_json::Value>,
    /// Or the text of a rule file.
    #[serde(default)]
    pub text: Option<String>,
}

pub async fn api_save(
    State(app): State<App>,
    s: Session,
    headers: HeaderMap,
    Json(req): Json<RuleSetRequest>,
) -> Result<Response, ApiError> {
    s.check_csrf(&headers, None)?;
    let what = match req.text {
        Some(text) => NewRuleSet::Toml {
            file: "rules.toml".into(),
            text,
        },
        None => NewRuleSet::Form {
            base: req.base.unwrap_or_else(|| BUILTIN_RULES[0].0.to_string()),
            set: super::api::set_pairs(req.set),
        },
    };
    let name = req.name.trim().to_string();
    let (id, version) = tokio::task::block_in_place(|| save(&app, &s.user, &name, what))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "name": name, "version": version})),
    )
        .into_response())
}

// ---- the page ----

#[derive(Deserialize)]
pub struct RulesQuery {
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    saved: Option<i64>,
}

fn rules_page(
    app: &App,
    ctx: &Ctx,
    status: StatusCode,
    base: &str,
    errors: Option<Vec<FieldError>>,
    saved: Option<i64>,
) -> Result<Response, ApiError> {
    let s = ctx.session()?;
    let list = visible(app, &s.user)?;
    let (base_name, text, overrides) = base_of(app, &s.user, base)?;
    let fields = form_fields(&text, &overrides, ctx.lang);
    let rows: Vec<serde_json::Value> = list
        .iter()
        .map(|r| {
            json!({"id": r.id, "name": r.name, "version": r.version, "owner": r.owner,
                   "base": r.base, "time": i18n::local(r.created),
                   "overrides": r.overrides.iter().map(|(k, v)| format!("{k} = {v}"))
                       .collect::<Vec<_>>()})
        })
        .collect();
    let saved = saved.and_then(|id| list.iter().find(|r| r.id == id));
    let name = list
        .iter()
        .find(|r| Some(r.id) == base.strip_prefix("ruleset:").and_then(|i| i.parse().ok()))
        .map(|r| r.name.clone())
        .unwrap_or_default();
    Ok(ctx.render(
        status,
        "rules.html",
        ctx.word("rules_page"),
        context! {
            builtin => BUILTIN_RULES.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            saved_sets => Value::from_serialize(&rows),
            base => base,
            base_name => base_name,
            name => name,
            overrides => Value::from_serialize(&overrides),
            fields => Value::from_serialize(&fields),
            errors => ctx.shown(errors).map(Value::from_serialize),
            saved => saved.map(|r| format!("{} v{}", r.name, r.version)),
        },
    ))
}

pub async fn page_get(State(app): State<App>, ctx: Ctx, Query(q): Query<RulesQuery>) -> Response {
    let base = q.base.unwrap_or_else(|| BUILTIN_RULES[0].0.to_string());
    let r = rules_page(&app, &ctx, StatusCode::OK, &base, None, q.saved);
    page(&ctx, r)
}

/// The form: `name`, `base`, `set.KEY` fields, or a `toml` file (which wins).
pub async fn page_post(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    mut mp: Multipart,
) -> Response {
    let Some(s) = ctx.session.clone() else {
        return ctx.error(ApiError::Unauthorized);
    };
    let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
    let mut toml_name = String::new();
    let mut total = 0usize;
    loop {
        match mp.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or("").to_string();
                if name == "toml" {
                    toml_name = f.file_name().unwrap_or("").chars().take(100).collect();
                }
                match f.bytes().await {
                    Ok(b) => {
                        total = total.saturating_add(b.len());
                        if total > app.max_upload {
                            return ctx.error(ApiError::TooLarge);
                        }
                        fields.push((name, b.to_vec()));
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
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, b)| String::from_utf8_lossy(b).trim().to_string())
    };
    if let Err(e) = s.check_csrf(&headers, text("csrf_token").as_deref()) {
        return ctx.error(e);
    }
    let base = text("base").unwrap_or_else(|| BUILTIN_RULES[0].0.to_string());
    let name = text("name").unwrap_or_default();
    let upload = fields
        .iter()
        .find(|(n, b)| n == "toml" && !b.is_empty())
        .map(|(_, b)| b.clone());
    let what = match upload {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(t) => NewRuleSet::Toml {
                // Shown in messages only; a fixed name when the browser sent none.
                file: if toml_name.is_empty() {
                    "rules.toml".into()
                } else {
                    toml_name
                },
                text: t,
            },
            Err(_) => {
                let e = FieldError::general(
                    "rules",
                    "the rule file is not UTF-8 text: save it as UTF-8 (TOML always is)",
                )
                .with_zh("规则文件不是 UTF-8 文本：请另存为 UTF-8 编码");
                let r = rules_page(
                    &app,
                    &ctx,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &base,
                    Some(vec![e]),
                    None,
                );
                return page(&ctx, r);
            }
        },
        None => NewRuleSet::Form {
            base: base.clone(),
            set: fields
                .iter()
                .filter_map(|(k, v)| {
                    Some((
                        k.strip_prefix("set.")?.to_string(),
                        String::from_utf8_lossy(v).into_owned(),
                    ))
                })
                .collect(),
        },
    };
    let app2 = app.clone();
    let user = s.user.clone();
    let result = tokio::task::spawn_blocking(move || save(&app2, &user, &name, what))
        .await
        .map_err(ApiError::internal)
        .and_then(|r| r);
    match result {
        Ok((id, _)) => {
            Redirect::to(&format!("/rules?base=ruleset:{id}&saved={id}")).into_response()
        }
        Err(ApiError::Invalid(errors)) => {
            let r = rules_page(
                &app,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &base,
                Some(errors),
                None,
            );
            page(&ctx, r)
        }
        Err(e) => ctx.error(e),
    }
}

/// The saved rule sets for the plan form: (value, label).
pub fn plan_choices(app: &App, user: &User) -> Vec<(String, String)> {
    visible(app, user)
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                format!("ruleset:{}", r.id),
                format!("{} v{}", r.name, r.version),
            )
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_form_offers_single_values_with_their_comments() {
        let f = form_fields(defaults(), &[], Lang::Zh);
        let get = |k: &str| f.iter().find(|x| x.key == k).unwrap();
        let share = get("quota.min_share_of_eligible");
        assert_eq!(share.value, "0.10");
        assert!(share.label.contains("交流人数不低于"), "{}", share.label);
        assert_eq!(get("flow.same_district").value, "true");
        assert!(get("flow.same_district").boolean);
        assert_eq!(get("quota.backbone_share_level").value, "school");
        assert_eq!(get("term.years").value, "3");
        // Lists, tables and the evaluation section are left to TOML files.
        assert!(!f.iter().any(|x| x.key == "flow.directions"));
        assert!(!f.iter().any(|x| x.key.starts_with("evaluation.")));
        // Every field is a key of the key table.
        for x in &f {
            let (s, k) = x.key.split_once('.').unwrap();
            assert!(crate::rules::keys_of(s).contains(&k), "{s}.{k}");
        }
        let en = form_fields(defaults(), &[("term.years".into(), "2".into())], Lang::En);
        let years = en.iter().find(|x| x.key == "term.years").unwrap();
        assert_eq!(years.value, "2");
        assert_eq!(years.label, "term length");
    }

    #[test]
    fn names_and_texts_are_told_apart() {
        assert!(is_name("2022 东湖区"));
        assert!(!is_name("[quota]\nmin_share_of_eligible = 0.2"));
        assert!(check_name("nanchang-2021-2025").is_err());
        assert!(check_name("").is_err());
        assert!(check_name("东湖区 2022").is_ok());
    }
}
