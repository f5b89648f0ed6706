//! `[[itinerant.program]]` tables: read and validated like every other key, each
//! problem with its line and a way to fix it.

use super::{
    get_list, get_number, get_str, get_u32, get_vocab, get_vocab_list, is_identifier, non_empty,
    problem, wrong_type, Builder, Node, RuleErrorKind, EXPRESSION_HELP_WHO, V,
};
use crate::model::Subject;
use crate::rules::suggest::closest;
use crate::rules::{Expr, ItinerantProgram, ItinerantScope, Weekday};
use std::collections::HashMap;

const KEY: &str = "itinerant.program";

/// The keys of one program table.
pub(super) const PROGRAM_KEYS: &[&str] = &[
    "id",
    "scope",
    "subjects",
    "max_km",
    "max_schools_per_teacher",
    "max_periods_per_day",
    "days",
    "when",
];

const EXAMPLE: &str = "[[itinerant.program]] id = \"township\" scope = \"township\" \
                       subjects = [\"music\", \"art\"]";

impl Builder {
    /// `[[itinerant.program]]`: reports its own problems, returns the good programs in
    /// file order.
    pub(in crate::rules) fn programs(&mut self, n: &Node) -> Vec<ItinerantProgram> {
        let V::Array(items) = &n.v else {
            self.problems(KEY, wrong_type(n, "an array of tables", EXAMPLE));
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen: HashMap<String, Option<usize>> = HashMap::new();
        for item in items {
            let V::Table(entries) = &item.v else {
                self.problems(KEY, wrong_type(item, "a table", EXAMPLE));
                continue;
            };
            let mut p = ItinerantProgram::township_default();
            let mut id: Option<String> = None;
            let mut ok = true;
            for e in entries {
                let path = format!("{KEY}.{}", e.key);
                let result = match e.key.as_str() {
                    "id" => program_id(&e.node, &seen).map(|s| {
                        seen.insert(s.clone(), e.node.line);
                        id = Some(s);
                    }),
                    "scope" => get_vocab::<ItinerantScope>(&e.node, "scope").map(|s| p.scope = s),
                    "subjects" => subjects(&e.node).map(|s| p.subjects = s),
                    "max_km" => max_km(&e.node).map(|km| p.max_km = km),
                    "max_schools_per_teacher" => {
                        get_u32(&e.node, 1, 100, "3").map(|v| p.max_schools_per_teacher = v)
                    }
                    "max_periods_per_day" => {
                        get_u32(&e.node, 1, 20, "4").map(|v| p.max_periods_per_day = v)
                    }
                    "days" => get_vocab_list::<Weekday>(&e.node, "weekday", "[\"tue\", \"thu\"]")
                        .and_then(|d| non_empty(&e.node, d, "the program would use no day"))
                        .map(|mut d| {
                            d.sort();
                            p.days = d;
                        }),
                    "when" => get_str(&e.node, "\"backbone != 'none'\"").and_then(|src| {
                        Expr::parse(src).map(|x| p.when = Some(x)).map_err(|err| {
                            problem(
                                &e.node,
                                RuleErrorKind::BadExpression,
                                err.to_string(),
                                Some(EXPRESSION_HELP_WHO.into()),
                            )
                        })
                    }),
                    other => {
                        ok = false;
                        let help = closest(other, PROGRAM_KEYS.iter().copied())
                            .map(|c| format!("did you mean `{c}`?"))
                            .or_else(|| {
                                Some(format!(
                                    "the keys of a program are: {}",
                                    PROGRAM_KEYS.join(", ")
                                ))
                            });
                        self.error(
                            RuleErrorKind::UnknownKey,
                            e.line,
                            &path,
                            None,
                            format!("unknown key `{other}` in [[itinerant.program]]"),
                            help,
                        );
                        Ok(())
                    }
                };
                if let Err(problems) = result {
                    ok = false;
                    self.problems(&path, problems);
                }
            }
            if id.is_none() && !entries.iter().any(|e| e.key == "id") {
                ok = false;
                self.error(
                    RuleErrorKind::Missing,
                    item.line,
                    &format!("{KEY}.id"),
                    None,
                    "an [[itinerant.program]] needs `id`",
                    Some("id = \"township\" (it names the program in itinerant.csv)".into()),
                );
            }
            if let (true, Some(id)) = (ok, id) {
                p.id = id;
                out.push(p);
            }
        }
        out
    }
}

fn program_id(
    n: &Node,
    seen: &HashMap<String, Option<usize>>,
) -> Result<String, Vec<super::Problem>> {
    let s = get_str(n, "\"township\"")?.trim().to_string();
    if !is_identifier(&s) {
        return Err(problem(
            n,
            RuleErrorKind::BadValue,
            "a program id must be a simple identifier",
            Some("use letters, digits and `_`, starting with a letter: township".into()),
        ));
    }
    if let Some(first) = seen.get(&s) {
        let at = first.map(|l| format!(" (line {l})")).unwrap_or_default();
        return Err(problem(
            n,
            RuleErrorKind::BadValue,
            format!("duplicate program id `{s}`, already used{at}"),
            Some("each [[itinerant.program]] needs its own id".into()),
        ));
    }
    Ok(s)
}

fn subjects(n: &Node) -> Result<Vec<Subject>, Vec<super::Problem>> {
    let v = get_list(n, "[\"music\", \"art\"]", |x| {
        let s = get_str(x, "\"music\"")?.trim();
        if s.is_empty() {
            Err(problem(
                x,
                RuleErrorKind::BadValue,
                "an empty subject",
                None,
            ))
        } else {
            Ok(Subject::normalise(s))
        }
    })?;
    let mut out: Vec<Subject> = Vec::with_capacity(v.len());
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    non_empty(n, out, "the program would cover no subject")
}

fn max_km(n: &Node) -> Result<f64, Vec<super::Problem>> {
    let km = get_number(n)?;
    if km.is_finite() && km > 0.0 && km <= 20_000.0 {
        Ok(km)
    } else {
        Err(problem(
            n,
            RuleErrorKind::OutOfRange,
            "max_km must be a distance in km above 0 (and at most 20000)",
            Some("for example: max_km = 15".into()),
        ))
    }
}
