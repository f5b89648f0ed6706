//! `[[eligibility.exclude]]`: custom exclusions, each an id and a CEL condition
//! compiled here (`Expr::parse`), with every problem located.

use super::{get_str, is_identifier, problem, wrong_type, Builder, Node, RuleErrorKind, V};
use crate::rules::suggest::closest;
use crate::rules::EligibilityRule;
use crate::rules::{CustomExclusion, Expr};
use std::collections::HashMap;

pub(in crate::rules) const EXCLUDE_KEYS: &[&str] = &["id", "when"];

pub(in crate::rules) const EXPRESSION_HELP_WHO: &str =
    "`when` is a CEL condition, true for the teachers who may \
     take part, e.g. \"backbone != 'none'\" (text values in single quotes)";

pub(in crate::rules) const EXPRESSION_HELP: &str =
    "`when` is a CEL condition, true for the teachers to exclude, \
     e.g. \"status == 'maternity' && age < 40\" (text values in single quotes)";

impl Builder {
    /// `[[eligibility.exclude]]`: reports its own problems, returns the good ones.
    pub(in crate::rules) fn exclusions(&mut self, n: &Node) -> Vec<CustomExclusion> {
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
                            match id_problem(&s, &seen) {
                                Some((message, help)) => {
                                    ok = false;
                                    self.problems(
                                        &path,
                                        problem(
                                            &e.node,
                                            RuleErrorKind::BadValue,
                                            message,
                                            Some(help.to_string()),
                                        ),
                                    );
                                }
                                None => {
                                    seen.insert(s.clone(), e.node.line);
                                    id = Some(s);
                                }
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
                            Err(err) => {
                                ok = false;
                                self.problems(
                                    &path,
                                    problem(
                                        &e.node,
                                        RuleErrorKind::BadExpression,
                                        err.to_string(),
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
}

/// What is wrong with exclusion id `s` (message, help), given the ids already `seen`
/// (with their lines); `None` for a good id.
fn id_problem(s: &str, seen: &HashMap<String, Option<usize>>) -> Option<(String, &'static str)> {
    if !is_identifier(s) {
        Some((
            "an exclusion id must be a simple identifier".to_string(),
            "use letters, digits and `_`, starting with a letter: new_mother",
        ))
    } else if EligibilityRule::IDS.contains(&s) {
        Some((
            format!("`{s}` is the id of a built-in eligibility rule"),
            "choose another id; reasons in eligibility.csv must say which rule excluded a teacher",
        ))
    } else if let Some(first) = seen.get(s) {
        let at = first.map(|l| format!(" (line {l})")).unwrap_or_default();
        Some((
            format!("duplicate exclusion id `{s}`, already used{at}"),
            "each [[eligibility.exclude]] needs its own id",
        ))
    } else {
        None
    }
}
