//! Raw values → typed values: one reader per value type (integer in a range, share,
//! vocabulary word, date, list, …), each returning every problem it finds with the line
//! and the value as written. The key table (`rules/keys.rs`) calls these.

use super::{Node, RuleErrorKind, V};
use crate::model::{Date, MonthDay, Vocab};
use crate::rules::suggest::closest;
use crate::rules::{BackboneLevel, Recusal, Share, StageMatch};
use rust_decimal::Decimal;
use std::str::FromStr;

// the value as written).

pub(in crate::rules) struct Problem {
    pub(in crate::rules) kind: RuleErrorKind,
    pub(in crate::rules) line: Option<usize>,
    pub(in crate::rules) value: Option<String>,
    pub(in crate::rules) message: String,
    pub(in crate::rules) help: Option<String>,
}

pub(in crate::rules) type R<T> = Result<T, Vec<Problem>>;

pub(in crate::rules) fn problem(
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

pub(in crate::rules) fn wrong_type(n: &Node, expected: &str, example: &str) -> Vec<Problem> {
    problem(
        n,
        RuleErrorKind::WrongType,
        format!("expected {expected}, found {}", n.v.type_name()),
        Some(format!("for example: {example}")),
    )
}

pub(in crate::rules) fn get_bool(n: &Node) -> R<bool> {
    match &n.v {
        V::Bool(b) => Ok(*b),
        V::Str(s) if n.bare => {
            crate::model::parse_bool(s).ok_or_else(|| wrong_type(n, "a boolean", "true or false"))
        }
        _ => Err(wrong_type(n, "a boolean", "true or false")),
    }
}

pub(in crate::rules) fn get_int(n: &Node, lo: i64, hi: i64, example: &str) -> R<i64> {
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

pub(in crate::rules) fn get_i32(n: &Node, lo: i32, hi: i32, example: &str) -> R<i32> {
    // In range, so the conversion cannot fail.
    get_int(n, i64::from(lo), i64::from(hi), example).map(|i| i32::try_from(i).unwrap_or(lo))
}

pub(in crate::rules) fn get_u32(n: &Node, lo: u32, hi: u32, example: &str) -> R<u32> {
    get_int(n, i64::from(lo), i64::from(hi), example).map(|i| u32::try_from(i).unwrap_or(lo))
}

pub(in crate::rules) fn get_number(n: &Node) -> R<f64> {
    match &n.v {
        V::Float(x) => Ok(*x),
        V::Int(i) => Ok(*i as f64),
        _ => Err(wrong_type(n, "a number", "60")),
    }
}

pub(in crate::rules) fn get_share(n: &Node) -> R<Share> {
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

pub(in crate::rules) fn decimal_as_written(raw: &str) -> Option<Decimal> {
    let t: String = raw.trim().chars().filter(|&c| c != '_').collect();
    let t = t.strip_prefix('+').unwrap_or(&t);
    if t.contains(['e', 'E']) {
        Decimal::from_scientific(t).ok()
    } else {
        Decimal::from_str(t).ok()
    }
}

pub(in crate::rules) fn get_str<'n>(n: &'n Node, example: &str) -> R<&'n str> {
    match &n.v {
        V::Str(s) => Ok(s),
        _ if n.bare => Ok(&n.raw),
        _ => Err(wrong_type(n, "a string", example)),
    }
}

/// A value of a closed vocabulary, as its English word or Chinese alias.
pub(in crate::rules) fn get_vocab<T: Vocab>(n: &Node, what: &str) -> R<T> {
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
pub(in crate::rules) fn get_list<T>(
    n: &Node,
    example: &str,
    mut each: impl FnMut(&Node) -> R<T>,
) -> R<Vec<T>> {
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

pub(in crate::rules) fn dedup<T: PartialEq>(v: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

pub(in crate::rules) fn non_empty<T>(n: &Node, v: Vec<T>, what: &str) -> R<Vec<T>> {
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

pub(in crate::rules) fn get_vocab_list<T: Vocab + PartialEq>(
    n: &Node,
    what: &str,
    example: &str,
) -> R<Vec<T>> {
    get_list(n, example, |x| get_vocab::<T>(x, what)).map(dedup)
}

pub(in crate::rules) fn get_date(n: &Node) -> R<Date> {
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

pub(in crate::rules) fn get_month_day(n: &Node) -> R<MonthDay> {
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
pub(in crate::rules) enum SubjectMatch {
    Exact,
}

impl Vocab for SubjectMatch {
    const TABLE: &'static [(Self, &'static str, &'static str)] =
        &[(SubjectMatch::Exact, "exact", "相同学科")];
}

pub(in crate::rules) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
