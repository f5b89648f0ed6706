//! Reading and validating rule files (`rules/*.toml`) and `--set` overrides.
//!
//! The file is parsed with `toml_edit`, which keeps the position of every key and value,
//! so each problem names its line. Nothing stops at the first problem: every unknown
//! key, wrong type and out-of-range value is collected and reported together.
//! `--set section.key=value` overrides are applied after the file, with the same
//! checks; their value is read as a TOML value, or as a bare string when it is not one
//! (`--set quota.backbone_share_level=district`).

//!
//! By job, one file each:
//! - `error.rs`: [`RuleError`] and its kinds;
//! - `raw.rs`: TOML text (or a `--set` value) → a value tree with lines;
//! - `builder.rs`: walking sections and keys, unknown-key suggestions, `--set`;
//! - `read.rs`: raw values → typed values (ranges, shares, vocabularies, dates);
//! - the key table itself, `rules/keys.rs`: every key once, with its default, doc
//!   line and reader;
//! - `exclude.rs` and `itinerant.rs`: the array-of-tables keys and their CEL
//!   conditions;
//! - `cross.rs`: checks between keys once everything is applied.

mod builder;
mod cross;
mod error;
mod exclude;
mod itinerant;
mod raw;
mod read;

pub(in crate::rules) use builder::*;
pub use error::{RuleError, RuleErrorKind, RuleErrors};
pub(in crate::rules) use exclude::*;
pub(in crate::rules) use raw::*;
pub(in crate::rules) use read::*;

use super::Rules;
use std::path::Path;

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
        .sort_by_key(|e| (e.file == "--set", e.line.is_none(), e.line));
    if b.errors.is_empty() {
        Ok(b.rules)
    } else {
        Err(RuleErrors(b.errors))
    }
}

#[cfg(test)]
mod tests;
