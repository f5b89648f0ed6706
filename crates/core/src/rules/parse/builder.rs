//! Applying a rule file and `--set` overrides key by key: sections and keys are looked
//! up in the key table (`rules/keys.rs`), unknown ones get a suggestion, known ones are
//! read by their table entry. Every problem is collected with its file and line.

use super::{
    node_of_table, value_node, Entry, Lines, Node, Problem, RuleError, RuleErrorKind, RuleErrors, V,
};
use crate::rules::keys::{self, Key, KeyDefault};
use crate::rules::suggest::closest;
use crate::rules::{LeaderRules, Rules};
use std::collections::HashMap;

/// Where a key was last set, for messages about two keys that contradict each other.
#[derive(Clone)]
pub(in crate::rules) struct SetAt {
    pub(in crate::rules) file: String,
    pub(in crate::rules) line: Option<usize>,
    pub(in crate::rules) value: String,
}

pub(in crate::rules) struct Builder {
    pub(in crate::rules) rules: Rules,
    pub(in crate::rules) errors: Vec<RuleError>,
    pub(in crate::rules) set_at: HashMap<String, SetAt>,
    /// The file (or `--set`) being applied.
    pub(in crate::rules) file: String,
}

impl Builder {
    pub(in crate::rules) fn new(source: &str) -> Self {
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

    pub(in crate::rules) fn error(
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

    pub(in crate::rules) fn problems(&mut self, key: &str, problems: Vec<Problem>) {
        for p in problems {
            self.error(p.kind, p.line, key, p.value, p.message, p.help);
        }
    }

    pub(in crate::rules) fn file(&mut self, text: &str, shown: &str) {
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

    pub(in crate::rules) fn section(&mut self, s: &Entry) {
        let Some(name) = keys::sections().into_iter().find(|n| *n == s.key) else {
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
            match keys::find(name, &e.key) {
                Some(k) => self.key(k, e.line, &e.node),
                None => self.unknown_key(name, &e.key, e.line),
            }
        }
    }

    pub(in crate::rules) fn unknown_section(&mut self, s: &Entry) {
        // A key at the top level that belongs in a section, e.g. `name = …`.
        let sections = keys::sections();
        let home: Vec<String> = sections
            .iter()
            .filter(|n| keys::find(n, &s.key).is_some())
            .map(|n| format!("`[{n}]`"))
            .collect();
        let is_table = matches!(s.node.v, V::Table(_));
        let help = if !home.is_empty() && !is_table {
            Some(format!("`{}` belongs under {}", s.key, home.join(" or ")))
        } else if let Some(c) = closest(&s.key, sections.iter().copied()) {
            Some(format!("did you mean `[{c}]`?"))
        } else {
            Some(format!(
                "the sections are: {}",
                sections
                    .iter()
                    .map(|n| format!("[{n}]"))
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

    pub(in crate::rules) fn unknown_key(&mut self, section: &str, key: &str, line: Option<usize>) {
        let keys = keys::keys_of(section);
        let help = if let Some(c) = closest(key, keys.iter().copied()) {
            Some(format!("did you mean `{c}`?"))
        } else if let Some(other) = keys::section_of(key) {
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

    /// Reads one known key by its table entry and stores its value.
    pub(in crate::rules) fn key(&mut self, k: &Key, key_line: Option<usize>, n: &Node) {
        let path = k.path();
        match (k.read)(self, n, k) {
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

    /// Reads every key's TOML default into `blank` (see `rules/keys.rs`).
    pub(in crate::rules) fn defaults(blank: Rules) -> (Rules, RuleErrors) {
        let mut b = Builder {
            rules: blank,
            errors: Vec::new(),
            set_at: HashMap::new(),
            file: "defaults".into(),
        };
        for k in keys::KEYS {
            if let KeyDefault::Toml(text) = k.default {
                let n = value_node(text);
                if let Err(problems) = (k.read)(&mut b, &n, k) {
                    b.problems(&k.path(), problems);
                }
            }
        }
        (b.rules, RuleErrors(b.errors))
    }

    pub(in crate::rules) fn apply_override(&mut self, o: &str) {
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
            let help = keys::section_of(key)
                .map(|s| format!("did you mean `{s}.{key}`?"))
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
        let node = value_node(value);
        let sections = keys::sections();
        if !sections.contains(&section) {
            let help = closest(section, sections.iter().copied())
                .map(|c| format!("did you mean `{c}.{name}`?"))
                .or_else(|| Some(format!("the sections are: {}", sections.join(", "))));
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
        let Some(k) = keys::find(section, name) else {
            let keys = keys::keys_of(section);
            let help = if let Some(c) = closest(name, keys.iter().copied()) {
                Some(format!("did you mean `{section}.{c}`?"))
            } else if let Some(other) = keys::section_of(name) {
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
        };
        self.key(k, None, &node);
    }
}
