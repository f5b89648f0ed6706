//! Reading and validating rule files (`rules/*.toml`) and `--set` overrides.
//!
//! The file is parsed with `toml_edit`, which keeps the position of every key and value,
//! so each problem names its line. Nothing stops at the first problem: every unknown
//! key, wrong type and out-of-range value is collected and reported together.
//! `--set section.key=value` overrides are applied after the file, with the same
//! checks; their value is read as a TOML value, or as a bare string when it is not one
//! (`--set quota.backbone_share_level=district`).

use super::suggest::closest;
use super::{BackboneLevel, CustomExclusion, Expr, LeaderRules, Recusal, Rules, Share, StageMatch};
use crate::model::{Date, Form, Locality, MonthDay, Role, Status, Subject, Vocab};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// What kind of problem a [`RuleError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleErrorKind {
    /// The file could not be read.
    Io,
    /// Not valid TOML.
    Syntax,
    /// A table or key the rules do not define.
    UnknownKey,
    /// A value of the wrong TOML type (a string where a number is expected, …).
    WrongType,
    /// A number outside its allowed range, or two values that contradict each other.
    OutOfRange,
    /// A value of the right type that is not allowed (an unknown locality, a bad date).
    BadValue,
    /// A required key is missing (`id` or `when` of an exclusion).
    Missing,
    /// A custom exclusion's expression does not compile.
    BadExpression,
    /// Something the rules do not support (`--set eligibility.exclude=…`).
    Unsupported,
}

/// One problem in a rule file or a `--set` override.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    /// The file (as given), or `--set` for an override.
    pub file: String,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// Dotted key, e.g. `quota.min_share_of_eligible`; empty for a syntax error.
    pub key: String,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    pub message: String,
    pub help: Option<String>,
    pub kind: RuleErrorKind,
}

impl fmt::Display for RuleError {
    /// `rules/x.toml:12: quota.min_share_of_eligible = 1.5: a share must be between 0
    /// and 1`, then `\n  help: …` when there is help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if !self.key.is_empty() {
            write!(f, "{}", self.key)?;
            if let Some(v) = &self.value {
                write!(f, " = {v}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleError {}

/// Every problem found in a rule set, in file order, then the overrides'.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl RuleErrors {
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, RuleError> {
        self.0.iter()
    }
}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

/// Every section and its keys, in the documented order (docs/rules.md).
pub(crate) const SECTIONS: &[(&str, &[&str])] = &[
    (
        "plan",
        &[
            "name",
            "first_year",
            "last_year",
            "target_exchanges",
            "count_forms",
        ],
    ),
    (
        "eligibility",
        &[
            "min_years_at_school",
            "retirement_age_male",
            "retirement_age_female",
            "retirement_reform_2025",
            "exempt_years_before_retirement",
            "statuses",
            "roles",
            "sending_localities",
            "weak_schools_send",
            "min_years_between_exchanges",
            "exclude",
        ],
    ),
    (
        "quota",
        &[
            "min_share_of_eligible",
            "min_backbone_share",
            "backbone_share_level",
            "max_outflow_share_of_staff",
            "fill_beyond_quota",
        ],
    ),
    (
        "flow",
        &[
            "directions",
            "to_weak_from_any_non_weak",
            "same_district",
            "max_distance_km",
            "stage_match",
        ],
    ),
    ("matching", &["subject", "substitutes"]),
    ("term", &["years", "form"]),
    (
        "evaluation",
        &[
            "window",
            "holidays",
            "panel_size",
            "min_same_subject",
            "recuse",
            "max_per_evaluator_per_day",
            "max_per_school_per_day",
            "one_school_per_evaluator_day",
        ],
    ),
    (
        "leaders",
        &["roles", "min_years_at_school", "mandatory", "promote"],
    ),
    ("itinerant", &["program"]),
];

const EXCLUDE_KEYS: &[&str] = &["id", "when"];

const EXPRESSION_HELP_WHO: &str = "`when` is a CEL condition, true for the teachers who may \
     take part, e.g. \"backbone != 'none'\" (text values in single quotes)";

const EXPRESSION_HELP: &str = "`when` is a CEL condition, true for the teachers to exclude, \
     e.g. \"status == 'maternity' && age < 40\" (text values in single quotes)";

/// Ids of the built-in eligibility rules (as in `eligibility.csv`); a custom exclusion
/// may not reuse one.
pub(crate) const BUILTIN_RULE_IDS: &[&str] = &[
    "status",
    "role",
    "min_years_at_school",
    "near_retirement",
    "sending_locality",
    "weak_school",
    "on_exchange",
    "min_years_between_exchanges",
];

/// Reads a rule set from TOML text. `file` names it in messages and becomes
/// [`Rules::source`]; `overrides` are `--set` strings (`section.key=value`), applied
/// after the file. Every key is optional and defaults to [`Rules::default`]. All
/// problems are returned together.
pub fn parse_rules(text: &str, file: &str, overrides: &[String]) -> Result<Rules, RuleErrors> {
    parse_named(text, file, file, overrides)
}

/// Reads a rule file. Messages name the path as given; [`Rules::source`] is the file
/// name (`nanchang-2021-2025.toml`), as `compare` shows it.
pub fn load_rules(path: &Path, overrides: &[String]) -> Result<Rules, RuleErrors> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        RuleErrors(vec![RuleError {
            file: shown.clone(),
            line: None,
            key: String::new(),
            value: None,
            message: format!("cannot read the rule file: {e}"),
            help: None,
            kind: RuleErrorKind::Io,
        }])
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(RuleErrors(vec![RuleError {
                file: shown,
                line: Some(line),
                key: String::new(),
                value: None,
                message: "the rule file is not UTF-8 text".into(),
                help: Some("save it as UTF-8 (rule files are TOML, which is always UTF-8)".into()),
                kind: RuleErrorKind::Syntax,
            }]));
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| shown.clone());
    parse_named(&text, &shown, &name, overrides)
}

fn parse_named(
    text: &str,
    shown: &str,
    source: &str,
    overrides: &[String],
) -> Result<Rules, RuleErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut b = Builder::new(source);
    b.file(text, shown);
    for o in overrides {
        b.apply_override(o);
    }
    b.cross_checks();
    // File problems in line order, then the overrides' in the order given.
    b.errors
        .sort_by_key(|e| (e.file == "--set", e.line.unwrap_or(usize::MAX)));
    if b.errors.is_empty() {
        Ok(b.rules)
    } else {
        Err(RuleErrors(b.errors))
    }
}

// ---------------------------------------------------------------------------------
// A simplified value tree with positions, built from the TOML document or an override.

#[derive(Debug, Clone)]
enum V {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime(toml_edit::Datetime),
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

#[derive(Debug, Clone)]
struct Node {
    v: V,
    line: Option<usize>,
    /// The value as written, shortened, for messages.
    raw: String,
    /// From `--set` and not valid TOML: a bare string.
    bare: bool,
}

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    line: Option<usize>,
    node: Node,
}

impl V {
    fn type_name(&self) -> &'static str {
        match self {
            V::Str(_) => "a string",
            V::Int(_) => "an integer",
            V::Float(_) => "a float",
            V::Bool(_) => "a boolean",
            V::Datetime(_) => "a date-time",
            V::Array(_) => "an array",
            V::Table(_) => "a table",
        }
    }
}

/// Byte offset → 1-based line.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }
    fn line_of(&self, span: Option<std::ops::Range<usize>>) -> Option<usize> {
        span.map(|s| self.line(s.start))
    }
    /// 1-based column (in characters) of a byte offset.
    fn column(&self, offset: usize) -> usize {
        let start = self
            .starts
            .get(self.line(offset).saturating_sub(1))
            .copied()
            .unwrap_or(0);
        self.text
            .get(start..offset.min(self.text.len()))
            .map_or(1, |t| t.chars().count() + 1)
    }
    fn raw(&self, span: Option<std::ops::Range<usize>>) -> Option<String> {
        let s = span?;
        self.text.get(s).map(shorten)
    }
}

fn shorten(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 {
        let mut t: String = one.chars().take(57).collect();
        t.push('…');
        t
    } else {
        one
    }
}

fn node_of_value(v: &toml_edit::Value, lines: Option<&Lines<'_>>) -> Node {
    use toml_edit::Value as T;
    let line = lines.and_then(|l| l.line_of(v.span()));
    let raw = lines.and_then(|l| l.raw(v.span()));
    let v = match v {
        T::String(s) => V::Str(s.value().clone()),
        T::Integer(i) => V::Int(*i.value()),
        T::Float(x) => V::Float(*x.value()),
        T::Boolean(b) => V::Bool(*b.value()),
        T::Datetime(d) => V::Datetime(*d.value()),
        T::Array(a) => V::Array(a.iter().map(|x| node_of_value(x, lines)).collect()),
        T::InlineTable(t) => V::Table(
            t.iter()
                .map(|(k, x)| Entry {
                    key: k.to_string(),
                    line: lines
                        .and_then(|l| l.line_of(t.key(k).and_then(|k| k.span())))
                        .or_else(|| lines.and_then(|l| l.line_of(x.span()))),
                    node: node_of_value(x, lines),
                })
                .collect(),
        ),
    };
    let raw = raw.unwrap_or_else(|| shorten(&render(&v)));
    Node {
        v,
        line,
        raw,
        bare: false,
    }
}

/// A value written back as TOML, for messages about override values.
fn render(v: &V) -> String {
    match v {
        V::Str(s) => format!("{s:?}"),
        V::Int(i) => i.to_string(),
        V::Float(x) => x.to_string(),
        V::Bool(b) => b.to_string(),
        V::Datetime(d) => d.to_string(),
        V::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|n| render(&n.v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Table(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|e| format!("{} = {}", e.key, render(&e.node.v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn node_of_table(t: &toml_edit::Table, lines: &Lines<'_>) -> Node {
    let entries = t
        .iter()
        .filter_map(|(k, item)| {
            let key_line = lines.line_of(t.key(k).and_then(|k| k.span()));
            let mut node = node_of_item(item, lines)?;
            if node.line.is_none() {
                node.line = key_line;
            }
            Some(Entry {
                key: k.to_string(),
                line: key_line.or(node.line),
                node,
            })
        })
        .collect();
    Node {
        v: V::Table(entries),
        line: lines.line_of(t.span()),
        raw: String::new(),
        bare: false,
    }
}

fn node_of_item(item: &toml_edit::Item, lines: &Lines<'_>) -> Option<Node> {
    use toml_edit::Item as I;
    match item {
        I::None => None,
        I::Value(v) => Some(node_of_value(v, Some(lines))),
        I::Table(t) => Some(node_of_table(t, lines)),
        I::ArrayOfTables(a) => Some(Node {
            v: V::Array(a.iter().map(|t| node_of_table(t, lines)).collect()),
            line: lines.line_of(a.span()),
            raw: String::new(),
            bare: false,
        }),
    }
}

// ---------------------------------------------------------------------------------
// Typed reading of nodes. A problem carries the node it is about (for the line and
// the value as written).

struct Problem {
    kind: RuleErrorKind,
    line: Option<usize>,
    value: Option<String>,
    message: String,
    help: Option<String>,
}

type R<T> = Result<T, Vec<Problem>>;

fn problem(
    n: &Node,
    kind: RuleErrorKind,
    message: impl Into<String>,
    help: Option<String>,
) -> Vec<Problem> {
    vec![Problem {
        kind,
        line: n.line,
        value: (!n.raw.is_empty()).then(|| n.raw.clone()),
        message: message.into(),
        help,
    }]
}

fn wrong_type(n: &Node, expected: &str, example: &str) -> Vec<Problem> {
    problem(
        n,
        RuleErrorKind::WrongType,
        format!("expected {expected}, found {}", n.v.type_name()),
        Some(format!("for example: {example}")),
    )
}

fn get_bool(n: &Node) -> R<bool> {
    match &n.v {
        V::Bool(b) => Ok(*b),
        V::Str(s) if n.bare => {
            crate::model::parse_bool(s).ok_or_else(|| wrong_type(n, "a boolean", "true or false"))
        }
        _ => Err(wrong_type(n, "a boolean", "true or false")),
    }
}

fn get_int(n: &Node, lo: i64, hi: i64, example: &str) -> R<i64> {
    match &n.v {
        V::Int(i) if (lo..=hi).contains(i) => Ok(*i),
        V::Int(_) => Err(problem(
            n,
            RuleErrorKind::OutOfRange,
            format!("must be between {lo} and {hi}"),
            None,
        )),
        V::Float(x) if x.fract() == 0.0 && x.is_finite() => Err(problem(
            n,
            RuleErrorKind::WrongType,
            "expected an integer, found a float",
            Some(format!("write it without a decimal point: {x:.0}")),
        )),
        _ => Err(wrong_type(n, "an integer", example)),
    }
}

fn get_i32(n: &Node, lo: i32, hi: i32, example: &str) -> R<i32> {
    // In range, so the conversion cannot fail.
    get_int(n, i64::from(lo), i64::from(hi), example).map(|i| i32::try_from(i).unwrap_or(lo))
}

fn get_u32(n: &Node, lo: u32, hi: u32, example: &str) -> R<u32> {
    get_int(n, i64::from(lo), i64::from(hi), example).map(|i| u32::try_from(i).unwrap_or(lo))
}

fn get_number(n: &Node) -> R<f64> {
    match &n.v {
        V::Float(x) => Ok(*x),
        V::Int(i) => Ok(*i as f64),
        _ => Err(wrong_type(n, "a number", "60")),
    }
}

fn get_share(n: &Node) -> R<Share> {
    let out_of_range = |shown: String| {
        let help = match shown.parse::<f64>() {
            Ok(x) if x > 1.0 && x <= 100.0 => Some(format!(
                "a share is a fraction: {x}% is written {}",
                Decimal::from_str(&shown)
                    .map(|d| (d / Decimal::from(100)).normalize().to_string())
                    .unwrap_or_else(|_| format!("{}", x / 100.0))
            )),
            _ => Some("write a decimal such as 0.10 (for 10%)".into()),
        };
        problem(
            n,
            RuleErrorKind::OutOfRange,
            "a share must be between 0 and 1",
            help,
        )
    };
    match &n.v {
        V::Float(x) if !x.is_finite() => Err(out_of_range(n.raw.clone())),
        V::Float(x) => {
            // The decimal as written (`0.10`, `1_0e-2`), so no digit is lost to binary
            // floating point; the float's shortest form when the text is unavailable.
            let written = decimal_as_written(&n.raw).filter(|d| {
                use rust_decimal::prelude::ToPrimitive;
                d.to_f64().is_some_and(|f| (f - x).abs() <= 1e-12)
            });
            match written {
                Some(d) => Share::from_decimal(d),
                None => Share::from_f64(*x),
            }
            .ok_or_else(|| out_of_range(format!("{x}")))
        }
        V::Int(i) => {
            Share::from_decimal(Decimal::from(*i)).ok_or_else(|| out_of_range(i.to_string()))
        }
        _ => Err(wrong_type(n, "a share between 0 and 1", "0.10")),
    }
}

fn decimal_as_written(raw: &str) -> Option<Decimal> {
    let t: String = raw.trim().chars().filter(|&c| c != '_').collect();
    let t = t.strip_prefix('+').unwrap_or(&t);
    if t.contains(['e', 'E']) {
        Decimal::from_scientific(t).ok()
    } else {
        Decimal::from_str(t).ok()
    }
}

fn get_str<'n>(n: &'n Node, example: &str) -> R<&'n str> {
    match &n.v {
        V::Str(s) => Ok(s),
        _ if n.bare => Ok(&n.raw),
        _ => Err(wrong_type(n, "a string", example)),
    }
}

/// A value of a closed vocabulary, as its English word or Chinese alias.
fn get_vocab<T: Vocab>(n: &Node, what: &str) -> R<T> {
    let example = T::TABLE
        .first()
        .map(|(_, en, _)| format!("\"{en}\""))
        .unwrap_or_default();
    let s = get_str(n, &example)?;
    T::parse(s).ok_or_else(|| {
        let mut message = format!("unknown {what} `{s}`");
        if let Some(c) = closest(s, T::TABLE.iter().map(|(_, en, _)| *en)) {
            message.push_str(&format!(" (did you mean `{c}`?)"));
        }
        problem(
            n,
            RuleErrorKind::BadValue,
            message,
            Some(format!("expected one of: {}", T::expected())),
        )
    })
}

/// A list; in an override a single bare string is a one-element list.
fn get_list<T>(n: &Node, example: &str, mut each: impl FnMut(&Node) -> R<T>) -> R<Vec<T>> {
    match &n.v {
        V::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut problems = Vec::new();
            for it in items {
                match each(it) {
                    Ok(v) => out.push(v),
                    Err(p) => problems.extend(p),
                }
            }
            if problems.is_empty() {
                Ok(out)
            } else {
                Err(problems)
            }
        }
        V::Str(_) if n.bare => each(n).map(|v| vec![v]),
        _ => Err(wrong_type(n, "an array", example)),
    }
}

fn dedup<T: PartialEq>(v: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

fn non_empty<T>(n: &Node, v: Vec<T>, what: &str) -> R<Vec<T>> {
    if v.is_empty() {
        Err(problem(
            n,
            RuleErrorKind::OutOfRange,
            format!("the list is empty: {what}"),
            None,
        ))
    } else {
        Ok(v)
    }
}

fn get_vocab_list<T: Vocab + PartialEq>(n: &Node, what: &str, example: &str) -> R<Vec<T>> {
    get_list(n, example, |x| get_vocab::<T>(x, what)).map(dedup)
}

fn get_date(n: &Node) -> R<Date> {
    let bad = || {
        problem(
            n,
            RuleErrorKind::BadValue,
            "not a date",
            Some("write an ISO date: \"2021-10-01\"".into()),
        )
    };
    match &n.v {
        V::Datetime(d) => match (d.date, d.time, d.offset) {
            (Some(date), None, None) => Date::new(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(bad),
            _ => Err(bad()),
        },
        V::Str(s) => Date::parse(s).ok_or_else(bad),
        _ => Err(wrong_type(n, "a date", "\"2021-10-01\"")),
    }
}

fn get_month_day(n: &Node) -> R<MonthDay> {
    let s = get_str(n, "\"11-01\"")?;
    MonthDay::parse(s).ok_or_else(|| {
        problem(
            n,
            RuleErrorKind::BadValue,
            format!("`{s}` is not a month-day"),
            Some("write MM-DD, e.g. \"11-01\" for 1 November".into()),
        )
    })
}

// The rule enums that are not input vocabularies accept Chinese aliases too.
impl Vocab for BackboneLevel {
    const TABLE: &'static [(Self, &'static str, &'static str)] = &[
        (BackboneLevel::School, "school", "学校"),
        (BackboneLevel::District, "district", "县区"),
        (BackboneLevel::Plan, "plan", "全市"),
    ];
}

impl Vocab for StageMatch {
    const TABLE: &'static [(Self, &'static str, &'static str)] = &[
        (StageMatch::Same, "same", "相同"),
        (StageMatch::Compatible, "compatible", "兼容"),
    ];
}

impl Vocab for Recusal {
    const TABLE: &'static [(Self, &'static str, &'static str)] = &[
        (Recusal::SendingSchool, "sending_school", "派出学校"),
        (Recusal::HostSchool, "host_school", "接收学校"),
        (Recusal::HostDistrict, "host_district", "接收县区"),
    ];
}

/// `matching.subject`: only exact matching is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SubjectMatch {
    Exact,
}

impl Vocab for SubjectMatch {
    const TABLE: &'static [(Self, &'static str, &'static str)] =
        &[(SubjectMatch::Exact, "exact", "相同学科")];
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

// ---------------------------------------------------------------------------------

/// Where a key was last set, for messages about two keys that contradict each other.
#[derive(Clone)]
struct SetAt {
    file: String,
    line: Option<usize>,
    value: String,
}

struct Builder {
    rules: Rules,
    errors: Vec<RuleError>,
    set_at: HashMap<String, SetAt>,
    /// The file (or `--set`) being applied.
    file: String,
}

impl Builder {
    fn new(source: &str) -> Self {
        Builder {
            rules: Rules {
                source: source.to_string(),
                ..Rules::default()
            },
            errors: Vec::new(),
            set_at: HashMap::new(),
            file: String::new(),
        }
    }

    fn error(
        &mut self,
        kind: RuleErrorKind,
        line: Option<usize>,
        key: &str,
        value: Option<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.errors.push(RuleError {
            file: self.file.clone(),
            line,
            key: key.to_string(),
            value,
            message: message.into(),
            help,
            kind,
        });
    }

    fn problems(&mut self, key: &str, problems: Vec<Problem>) {
        for p in problems {
            self.error(p.kind, p.line, key, p.value, p.message, p.help);
        }
    }

    fn file(&mut self, text: &str, shown: &str) {
        self.file = shown.to_string();
        let lines = Lines::new(text);
        let doc = match toml_edit::Document::parse(text) {
            Ok(d) => d,
            Err(e) => {
                let span = e.span();
                let line = lines.line_of(span.clone());
                let at = span
                    .as_ref()
                    .map(|s| format!(" at column {}", lines.column(s.start)))
                    .unwrap_or_default();
                let message = e.message().trim().to_string();
                let (message, help) = match span.and_then(|s| text.get(s)) {
                    Some(key) if message.starts_with("duplicate key") => (
                        format!("duplicate key `{}`", key.trim()),
                        Some(
                            "a key may be set once per table: delete one of the two, or \
                             move it into another [section]"
                                .to_string(),
                        ),
                    ),
                    _ => (message, None),
                };
                self.error(
                    RuleErrorKind::Syntax,
                    line,
                    "",
                    None,
                    format!("not valid TOML{at}: {message}"),
                    help,
                );
                return;
            }
        };
        let root = node_of_table(doc.as_table(), &lines);
        let V::Table(sections) = root.v else {
            return;
        };
        for s in sections {
            self.section(&s);
        }
    }

    fn section(&mut self, s: &Entry) {
        let Some(&(name, keys)) = SECTIONS.iter().find(|(n, _)| *n == s.key) else {
            self.unknown_section(s);
            return;
        };
        let V::Table(entries) = &s.node.v else {
            self.error(
                RuleErrorKind::WrongType,
                s.line,
                name,
                Some(s.node.raw.clone()).filter(|r| !r.is_empty()),
                format!("expected a table, found {}", s.node.v.type_name()),
                Some(format!("write the keys under a `[{name}]` header")),
            );
            return;
        };
        if name == "leaders" {
            // The table itself turns leader rotation on, with its defaults.
            self.rules.leaders.get_or_insert_with(LeaderRules::default);
        }
        for e in entries {
            if keys.contains(&e.key.as_str()) {
                self.key(name, &e.key, e.line, &e.node);
            } else {
                self.unknown_key(name, &e.key, e.line);
            }
        }
    }

    fn unknown_section(&mut self, s: &Entry) {
        // A key at the top level that belongs in a section, e.g. `name = …`.
        let home: Vec<String> = SECTIONS
            .iter()
            .filter(|(_, keys)| keys.contains(&s.key.as_str()))
            .map(|(n, _)| format!("`[{n}]`"))
            .collect();
        let is_table = matches!(s.node.v, V::Table(_));
        let help = if !home.is_empty() && !is_table {
            Some(format!("`{}` belongs under {}", s.key, home.join(" or ")))
        } else if let Some(c) = closest(&s.key, SECTIONS.iter().map(|(n, _)| *n)) {
            Some(format!("did you mean `[{c}]`?"))
        } else {
            Some(format!(
                "the sections are: {}",
                SECTIONS
                    .iter()
                    .map(|(n, _)| format!("[{n}]"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
        };
        let what = if is_table { "section" } else { "top-level key" };
        self.error(
            RuleErrorKind::UnknownKey,
            s.line,
            &s.key,
            None,
            format!("unknown {what} `{}`", s.key),
            help,
        );
    }

    fn unknown_key(&mut self, section: &str, key: &str, line: Option<usize>) {
        let keys = SECTIONS
            .iter()
            .find(|(n, _)| *n == section)
            .map(|(_, k)| *k)
            .unwrap_or(&[]);
        let help = if let Some(c) = closest(key, keys.iter().copied()) {
            Some(format!("did you mean `{c}`?"))
        } else if let Some((other, _)) = SECTIONS.iter().find(|(_, k)| k.contains(&key)) {
            Some(format!("`{key}` belongs in `[{other}]`"))
        } else {
            Some(format!("the keys of [{section}] are: {}", keys.join(", ")))
        };
        self.error(
            RuleErrorKind::UnknownKey,
            line,
            &format!("{section}.{key}"),
            None,
            format!("unknown key `{key}` in [{section}]"),
            help,
        );
    }

    /// Reads one known key and stores its value.
    fn key(&mut self, section: &str, key: &str, key_line: Option<usize>, n: &Node) {
        let path = format!("{section}.{key}");
        let result = self.set(&path, n);
        match result {
            Ok(()) => {
                self.set_at.insert(
                    path,
                    SetAt {
                        file: self.file.clone(),
                        line: n.line.or(key_line),
                        value: n.raw.clone(),
                    },
                );
            }
            Err(problems) => self.problems(&path, problems),
        }
    }

    fn set(&mut self, path: &str, n: &Node) -> R<()> {
        let r = &mut self.rules;
        match path {
            "plan.name" => {
                let s = get_str(n, "\"Nanchang 2021-2025 teacher exchange\"")?.trim();
                if s.is_empty() {
                    return Err(problem(
                        n,
                        RuleErrorKind::BadValue,
                        "the name is empty",
                        None,
                    ));
                }
                r.plan.name = s.to_string();
            }
            "plan.first_year" => r.plan.first_year = get_i32(n, 1900, 2200, "2021")?,
            "plan.last_year" => r.plan.last_year = get_i32(n, 1900, 2200, "2025")?,
            "plan.target_exchanges" => {
                r.plan.target_exchanges = get_u32(n, 0, 100_000_000, "5000")?;
            }
            "plan.count_forms" => {
                let v = get_vocab_list::<Form>(n, "form", "[\"transfer\", \"support\"]")?;
                r.plan.count_forms = non_empty(n, v, "no exchange would count")?;
            }
            "eligibility.min_years_at_school" => {
                r.eligibility.min_years_at_school = get_i32(n, 0, 60, "6")?;
            }
            "eligibility.retirement_age_male" => {
                r.eligibility.retirement_age_male = get_i32(n, 40, 80, "60")?;
            }
            "eligibility.retirement_age_female" => {
                r.eligibility.retirement_age_female = get_i32(n, 40, 80, "55")?;
            }
            "eligibility.retirement_reform_2025" => {
                r.eligibility.retirement_reform_2025 = get_bool(n)?;
            }
            "eligibility.exempt_years_before_retirement" => {
                r.eligibility.exempt_years_before_retirement = get_i32(n, 0, 40, "3")?;
            }
            "eligibility.statuses" => {
                let v = get_vocab_list::<Status>(n, "status", "[\"active\"]")?;
                r.eligibility.statuses = non_empty(n, v, "no teacher would be eligible")?;
            }
            "eligibility.roles" => {
                let v = get_vocab_list::<Role>(n, "role", "[\"teacher\"]")?;
                r.eligibility.roles = non_empty(n, v, "no teacher would be eligible")?;
            }
            "eligibility.sending_localities" => {
                let v = get_vocab_list::<Locality>(n, "locality", "[\"urban\", \"town\"]")?;
                r.eligibility.sending_localities =
                    non_empty(n, v, "no school would send teachers")?;
            }
            "eligibility.weak_schools_send" => r.eligibility.weak_schools_send = get_bool(n)?,
            "eligibility.min_years_between_exchanges" => {
                r.eligibility.min_years_between_exchanges = get_i32(n, 0, 60, "6")?;
            }
            "eligibility.exclude" => {
                if self.file == "--set" {
                    return Err(problem(
                        n,
                        RuleErrorKind::Unsupported,
                        "custom exclusions cannot be set with --set",
                        Some("write an [[eligibility.exclude]] table in the rule file".into()),
                    ));
                }
                let ex = self.exclusions(n);
                self.rules.eligibility.exclude = ex;
            }
            "leaders.roles" => {
                let v = get_vocab_list::<Role>(n, "role", "[\"principal\", \"vice_principal\"]")?;
                if v.contains(&Role::Teacher) {
                    return Err(problem(
                        n,
                        RuleErrorKind::BadValue,
                        "`teacher` is not a leader role",
                        Some("leader roles are \"principal\" and \"vice_principal\"".into()),
                    ));
                }
                let v = non_empty(n, v, "no leader would rotate")?;
                r.leaders.get_or_insert_with(LeaderRules::default).roles = v;
            }
            "leaders.min_years_at_school" => {
                let v = get_i32(n, 0, 60, "6")?;
                r.leaders
                    .get_or_insert_with(LeaderRules::default)
                    .min_years_at_school = v;
            }
            "leaders.mandatory" => {
                let v = get_bool(n)?;
                r.leaders.get_or_insert_with(LeaderRules::default).mandatory = v;
            }
            "leaders.promote" => {
                let v = get_bool(n)?;
                r.leaders.get_or_insert_with(LeaderRules::default).promote = v;
            }
            "itinerant.program" => {
                if self.file == "--set" {
                    return Err(problem(
                        n,
                        RuleErrorKind::Unsupported,
                        "itinerant programs cannot be set with --set",
                        Some("write [[itinerant.program]] tables in the rule file".into()),
                    ));
                }
                let programs = self.programs(n);
                self.rules.itinerant.programs = programs;
            }
            "quota.min_share_of_eligible" => r.quota.min_share_of_eligible = get_share(n)?,
            "quota.min_backbone_share" => r.quota.min_backbone_share = get_share(n)?,
            "quota.backbone_share_level" => {
                r.quota.backbone_share_level = get_vocab(n, "backbone share level")?;
            }
            "quota.max_outflow_share_of_staff" => {
                r.quota.max_outflow_share_of_staff = get_share(n)?;
            }
            "quota.fill_beyond_quota" => r.quota.fill_beyond_quota = get_bool(n)?,
            "flow.directions" => {
                let v = get_list(n, "[[\"urban\", \"rural\"]]", |p| {
                    let pair = get_list(p, "[\"urban\", \"rural\"]", |x| {
                        get_vocab::<Locality>(x, "locality")
                    })?;
                    match pair[..] {
                        [a, b] => Ok((a, b)),
                        _ => Err(problem(
                            p,
                            RuleErrorKind::BadValue,
                            format!(
                                "a direction is a pair [from, to], not {} values",
                                pair.len()
                            ),
                            Some("for example: [\"urban\", \"rural\"]".into()),
                        )),
                    }
                })?;
                r.flow.directions = dedup(v);
            }
            "flow.to_weak_from_any_non_weak" => r.flow.to_weak_from_any_non_weak = get_bool(n)?,
            "flow.same_district" => r.flow.same_district = get_bool(n)?,
            "flow.max_distance_km" => {
                let x = get_number(n)?;
                if !(x.is_finite() && x > 0.0) {
                    return Err(problem(
                        n,
                        RuleErrorKind::OutOfRange,
                        "the distance must be a number of km greater than 0",
                        Some("for no practical limit use a large number such as 10000".into()),
                    ));
                }
                r.flow.max_distance_km = x;
            }
            "flow.stage_match" => r.flow.stage_match = get_vocab(n, "stage match")?,
            "matching.subject" => {
                let SubjectMatch::Exact = get_vocab::<SubjectMatch>(n, "subject matching")?;
                r.matching.subject_exact = true;
            }
            "matching.substitutes" => {
                let V::Table(entries) = &n.v else {
                    return Err(wrong_type(
                        n,
                        "a table",
                        "{ science = [\"physics\", \"chemistry\", \"biology\"] }",
                    ));
                };
                let mut map: BTreeMap<Subject, Vec<Subject>> = BTreeMap::new();
                let mut problems = Vec::new();
                for e in entries {
                    let post = Subject::normalise(&e.key);
                    let subs = get_list(&e.node, "[\"physics\", \"chemistry\"]", |x| {
                        let s = get_str(x, "\"physics\"")?;
                        let subject = Subject::normalise(s);
                        if subject.as_str().is_empty() {
                            Err(problem(
                                x,
                                RuleErrorKind::BadValue,
                                "the subject is empty",
                                None,
                            ))
                        } else {
                            Ok(subject)
                        }
                    });
                    if post.as_str().is_empty() {
                        problems.extend(problem(
                            &e.node,
                            RuleErrorKind::BadValue,
                            "the post subject (the key) is empty",
                            None,
                        ));
                    }
                    match subs {
                        Ok(s) => {
                            let list = map.entry(post).or_default();
                            for x in s {
                                if !list.contains(&x) {
                                    list.push(x);
                                }
                            }
                        }
                        Err(p) => problems.extend(p),
                    }
                }
                if !problems.is_empty() {
                    return Err(problems);
                }
                r.matching.substitutes = map;
            }
            "term.years" => r.term.years = get_i32(n, 1, 20, "3")?,
            "term.form" => r.term.form = get_vocab(n, "form")?,
            "evaluation.window" => {
                let v = get_list(n, "[\"11-01\", \"12-20\"]", get_month_day)?;
                let [start, end] = v[..] else {
                    return Err(problem(
                        n,
                        RuleErrorKind::BadValue,
                        format!("the window is [start, end], not {} dates", v.len()),
                        Some("for example: [\"11-01\", \"12-20\"]".into()),
                    ));
                };
                if start > end {
                    return Err(problem(
                        n,
                        RuleErrorKind::OutOfRange,
                        format!("the window starts ({start}) after it ends ({end})"),
                        Some("the window lies inside one calendar year: start <= end".into()),
                    ));
                }
                r.evaluation.window = (start, end);
            }
            "evaluation.holidays" => {
                let mut v = get_list(n, "[\"2021-10-01\"]", get_date)?;
                v.sort();
                v.dedup();
                r.evaluation.holidays = v;
            }
            "evaluation.panel_size" => r.evaluation.panel_size = get_u32(n, 1, 50, "3")?,
            "evaluation.min_same_subject" => {
                r.evaluation.min_same_subject = get_u32(n, 0, 50, "1")?;
            }
            "evaluation.recuse" => {
                let mut v = get_vocab_list::<Recusal>(
                    n,
                    "recusal",
                    "[\"sending_school\", \"host_school\"]",
                )?;
                v.sort();
                r.evaluation.recuse = v;
            }
            "evaluation.max_per_evaluator_per_day" => {
                r.evaluation.max_per_evaluator_per_day = get_u32(n, 1, 100, "4")?;
            }
            "evaluation.max_per_school_per_day" => {
                r.evaluation.max_per_school_per_day = get_u32(n, 1, 1000, "6")?;
            }
            "evaluation.one_school_per_evaluator_day" => {
                r.evaluation.one_school_per_evaluator_day = get_bool(n)?;
            }
            _ => {
                // Every key of SECTIONS is handled above; keep the two in step.
                return Err(problem(
                    n,
                    RuleErrorKind::UnknownKey,
                    format!("`{path}` is not supported"),
                    None,
                ));
            }
        }
        Ok(())
    }

    /// `[[eligibility.exclude]]`: reports its own problems, returns the good ones.
    fn exclusions(&mut self, n: &Node) -> Vec<CustomExclusion> {
        const KEY: &str = "eligibility.exclude";
        let V::Array(items) = &n.v else {
            self.problems(
                KEY,
                wrong_type(
                    n,
                    "an array of tables",
                    "[[eligibility.exclude]] id = \"new_mother\" when = \"status == 'maternity'\"",
                ),
            );
            return Vec::new();
        };
        let mut out: Vec<CustomExclusion> = Vec::new();
        let mut seen: HashMap<String, Option<usize>> = HashMap::new();
        for item in items {
            let V::Table(entries) = &item.v else {
                self.problems(
                    KEY,
                    wrong_type(
                        item,
                        "a table",
                        "{ id = \"new_mother\", when = \"status == 'maternity'\" }",
                    ),
                );
                continue;
            };
            let mut id: Option<String> = None;
            let mut when: Option<Expr> = None;
            let mut when_line = item.line;
            let mut ok = true;
            for e in entries {
                let path = format!("{KEY}.{}", e.key);
                match e.key.as_str() {
                    "id" => match get_str(&e.node, "\"new_mother\"") {
                        Ok(s) => {
                            let s = s.trim().to_string();
                            if !is_identifier(&s) {
                                ok = false;
                                self.problems(
                                    &path,
                                    problem(
                                        &e.node,
                                        RuleErrorKind::BadValue,
                                        "an exclusion id must be a simple identifier",
                                        Some("use letters, digits and `_`, starting with a letter: new_mother".into()),
                                    ),
                                );
                            } else if BUILTIN_RULE_IDS.contains(&s.as_str()) {
                                ok = false;
                                self.problems(
                                    &path,
                                    problem(
                                        &e.node,
                                        RuleErrorKind::BadValue,
                                        format!("`{s}` is the id of a built-in eligibility rule"),
                                        Some("choose another id; reasons in eligibility.csv must say which rule excluded a teacher".into()),
                                    ),
                                );
                            } else if let Some(first) = seen.get(&s) {
                                ok = false;
                                let at = first.map(|l| format!(" (line {l})")).unwrap_or_default();
                                self.problems(
                                    &path,
                                    problem(
                                        &e.node,
                                        RuleErrorKind::BadValue,
                                        format!("duplicate exclusion id `{s}`, already used{at}"),
                                        Some(
                                            "each [[eligibility.exclude]] needs its own id".into(),
                                        ),
                                    ),
                                );
                            } else {
                                seen.insert(s.clone(), e.node.line);
                                id = Some(s);
                            }
                        }
                        Err(p) => {
                            ok = false;
                            self.problems(&path, p);
                        }
                    },
                    "when" => match get_str(&e.node, "\"status == 'maternity'\"") {
                        Ok(src) => match Expr::parse(src) {
                            Ok(x) => {
                                when = Some(x);
                                when_line = e.node.line.or(e.line).or(item.line);
                            }
                            Err(msg) => {
                                ok = false;
                                self.problems(
                                    &path,
                                    problem(
                                        &e.node,
                                        RuleErrorKind::BadExpression,
                                        msg,
                                        Some(EXPRESSION_HELP.into()),
                                    ),
                                );
                            }
                        },
                        Err(p) => {
                            ok = false;
                            self.problems(&path, p);
                        }
                    },
                    other => {
                        ok = false;
                        let help = closest(other, EXCLUDE_KEYS.iter().copied())
                            .map(|c| format!("did you mean `{c}`?"))
                            .or_else(|| Some("an exclusion has only `id` and `when`".into()));
                        self.error(
                            RuleErrorKind::UnknownKey,
                            e.line,
                            &path,
                            None,
                            format!("unknown key `{other}` in [[eligibility.exclude]]"),
                            help,
                        );
                    }
                }
            }
            for (k, present) in [("id", id.is_some()), ("when", when.is_some())] {
                let given = entries.iter().any(|e| e.key == k);
                if !present && !given {
                    ok = false;
                    self.error(
                        RuleErrorKind::Missing,
                        item.line,
                        &format!("{KEY}.{k}"),
                        None,
                        format!("an [[eligibility.exclude]] needs `{k}`"),
                        Some("id = \"new_mother\" and when = \"status == 'maternity'\"".into()),
                    );
                }
            }
            if let (true, Some(id), Some(when)) = (ok, id, when) {
                out.push(CustomExclusion {
                    id,
                    when,
                    line: when_line,
                });
            }
        }
        out
    }

    fn apply_override(&mut self, o: &str) {
        self.file = "--set".into();
        let Some((key, value)) = o.split_once('=') else {
            self.error(
                RuleErrorKind::BadValue,
                None,
                o.trim(),
                None,
                "expected section.key=value",
                Some("for example: --set quota.min_share_of_eligible=0.08".into()),
            );
            return;
        };
        let key = key.trim();
        let value = value.trim();
        let Some((section, name)) = key.split_once('.') else {
            let help = SECTIONS
                .iter()
                .find(|(_, keys)| keys.contains(&key))
                .map(|(s, _)| format!("did you mean `{s}.{key}`?"))
                .or_else(|| Some("for example: --set quota.min_share_of_eligible=0.08".into()));
            self.error(
                RuleErrorKind::UnknownKey,
                None,
                key,
                Some(value.to_string()),
                "expected section.key=value",
                help,
            );
            return;
        };
        let node = match toml_edit::Value::from_str(value) {
            Ok(v) => {
                let mut n = node_of_value(&v, None);
                n.raw = shorten(value);
                n
            }
            Err(_) => Node {
                v: V::Str(value.to_string()),
                line: None,
                raw: shorten(value),
                bare: true,
            },
        };
        let Some(&(section, keys)) = SECTIONS.iter().find(|(n, _)| *n == section) else {
            let help = closest(section, SECTIONS.iter().map(|(n, _)| *n))
                .map(|c| format!("did you mean `{c}.{name}`?"))
                .or_else(|| {
                    Some(format!(
                        "the sections are: {}",
                        SECTIONS
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                });
            self.error(
                RuleErrorKind::UnknownKey,
                None,
                key,
                Some(node.raw),
                format!("unknown section `{section}`"),
                help,
            );
            return;
        };
        if !keys.contains(&name) {
            let help = if let Some(c) = closest(name, keys.iter().copied()) {
                Some(format!("did you mean `{section}.{c}`?"))
            } else if let Some((other, _)) = SECTIONS.iter().find(|(_, k)| k.contains(&name)) {
                Some(format!("did you mean `{other}.{name}`?"))
            } else {
                Some(format!("the keys of [{section}] are: {}", keys.join(", ")))
            };
            self.error(
                RuleErrorKind::UnknownKey,
                None,
                key,
                Some(node.raw),
                format!("unknown key `{name}` in [{section}]"),
                help,
            );
            return;
        }
        self.key(section, name, None, &node);
    }

    /// Checks between keys, once the file and the overrides are applied.
    fn cross_checks(&mut self) {
        let r = &self.rules;
        let mut found = Vec::new();
        if r.plan.first_year > r.plan.last_year {
            found.push((
                self.blame(&["plan.last_year", "plan.first_year"]),
                format!(
                    "last_year ({}) is before first_year ({})",
                    r.plan.last_year, r.plan.first_year
                ),
                Some("the plan runs from first_year to last_year inclusive".to_string()),
            ));
        } else if r.plan.last_year - r.plan.first_year >= 100 {
            found.push((
                self.blame(&["plan.last_year", "plan.first_year"]),
                format!(
                    "a plan of {} years is not sensible",
                    r.plan.last_year - r.plan.first_year + 1
                ),
                None,
            ));
        }
        if r.evaluation.min_same_subject > r.evaluation.panel_size {
            found.push((
                self.blame(&["evaluation.min_same_subject", "evaluation.panel_size"]),
                format!(
                    "min_same_subject ({}) is larger than panel_size ({})",
                    r.evaluation.min_same_subject, r.evaluation.panel_size
                ),
                Some("at most panel_size members can share the teacher's subject".to_string()),
            ));
        }
        for ((key, at), message, help) in found {
            let file = at
                .as_ref()
                .map_or_else(|| self.file.clone(), |a| a.file.clone());
            self.errors.push(RuleError {
                file,
                line: at.as_ref().and_then(|a| a.line),
                key,
                value: at.map(|a| a.value).filter(|v| !v.is_empty()),
                message,
                help,
                kind: RuleErrorKind::OutOfRange,
            });
        }
    }

    /// Of several keys, the one set last (an override before the file), to blame for
    /// a contradiction; the first key when none was set.
    fn blame(&self, keys: &[&str]) -> (String, Option<SetAt>) {
        let mut best: Option<(&str, &SetAt)> = None;
        for k in keys {
            if let Some(at) = self.set_at.get(*k) {
                let later = match best {
                    None => true,
                    Some((_, b)) => {
                        (at.file == "--set" && b.file != "--set")
                            || (at.file == b.file && at.line > b.line)
                    }
                };
                if later {
                    best = Some((k, at));
                }
            }
        }
        match best {
            Some((k, at)) => (k.to_string(), Some(at.clone())),
            None => (
                keys.first().map(|k| k.to_string()).unwrap_or_default(),
                None,
            ),
        }
    }
}

mod itinerant;

#[cfg(test)]
mod tests;
