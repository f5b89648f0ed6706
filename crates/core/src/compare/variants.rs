//! The variants of a `compare` run: every rule file × every `--set` value (a cross
//! product when several keys are swept) × every method.

use crate::plan::Method;
use std::path::PathBuf;

/// One variant to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rule file, as given.
    pub rules: PathBuf,
    /// `section.key=value` overrides, in the order the keys were given.
    pub sets: Vec<String>,
    pub method: Method,
}

impl Variant {
    /// The label of compare.csv's `variant` column: the rule file's name, then the `--set` values
    /// (and `method=seniority` for the baseline).
    pub fn label(&self) -> String {
        let mut s = self
            .rules
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| self.rules.display().to_string());
        for o in &self.sets {
            s.push(' ');
            s.push_str(o);
        }
        if self.method != Method::Optimal {
            s.push_str(" method=");
            s.push_str(self.method.as_str());
        }
        s
    }
}

/// A `--set KEY=V1,V2,…` sweep that cannot be split; each message says what to write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SweepError {
    /// No `=` between the key and its values.
    #[error("--set `{0}`: expected section.key=value[,value…]")]
    NoEquals(String),
    #[error("--set `{0}`: the key is empty")]
    EmptyKey(String),
    #[error("--set `{0}`: unbalanced brackets or quotes")]
    Unbalanced(String),
    /// Two commas in a row, or one at either end.
    #[error("--set `{0}`: an empty value")]
    EmptyValue(String),
}

/// Splits `KEY=V1,V2,…` into the key and its values. Commas inside brackets or quotes
/// belong to the value (`flow.directions=[["urban","rural"]],[["town","rural"]]`).
pub fn split_sweep(arg: &str) -> Result<(String, Vec<String>), SweepError> {
    let Some((key, values)) = arg.split_once('=') else {
        return Err(SweepError::NoEquals(arg.to_string()));
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(SweepError::EmptyKey(arg.to_string()));
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in values.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(std::mem::take(&mut cur).trim().to_string());
                    continue;
                }
                _ => {}
            },
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    if depth != 0 || quote.is_some() {
        return Err(SweepError::Unbalanced(arg.to_string()));
    }
    if out.iter().any(String::is_empty) {
        return Err(SweepError::EmptyValue(arg.to_string()));
    }
    Ok((key, out))
}

/// Every variant, rule files outermost, then the sweeps in the order given, then
/// methods.
pub fn expand(
    rules: &[PathBuf],
    sweeps: &[String],
    methods: &[Method],
) -> Result<Vec<Variant>, SweepError> {
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for arg in sweeps {
        let (key, values) = split_sweep(arg)?;
        let mut next = Vec::with_capacity(combos.len() * values.len());
        for c in &combos {
            for v in &values {
                let mut c = c.clone();
                c.push(format!("{key}={v}"));
                next.push(c);
            }
        }
        combos = next;
    }
    let mut out = Vec::new();
    for r in rules {
        for c in &combos {
            for &m in methods {
                out.push(Variant {
                    rules: r.clone(),
                    sets: c.clone(),
                    method: m,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_depth_zero_only() {
        let (k, v) =
            split_sweep(r#"flow.directions=[["urban","rural"]],[["town","rural"],["a","b"]]"#)
                .unwrap();
        assert_eq!(k, "flow.directions");
        assert_eq!(
            v,
            vec![r#"[["urban","rural"]]"#, r#"[["town","rural"],["a","b"]]"#]
        );
        let (_, v) = split_sweep("plan.name='a,b',\"c\"").unwrap();
        assert_eq!(v, vec!["'a,b'", "\"c\""]);
        let (_, v) = split_sweep("quota.min_share_of_eligible=0.08, 0.1").unwrap();
        assert_eq!(v, vec!["0.08", "0.1"]);
        assert!(split_sweep("x.y=[1,2").is_err());
        assert!(split_sweep("novalue").is_err());
        assert!(split_sweep("x.y=1,,2").is_err());
    }

    #[test]
    fn cross_product_in_order() {
        let v = expand(
            &[PathBuf::from("r/a.toml"), PathBuf::from("b.toml")],
            &["q.x=1,2".into(), "f.y=true,false".into()],
            &[Method::Optimal, Method::Seniority],
        )
        .unwrap();
        assert_eq!(v.len(), 16);
        assert_eq!(v[0].label(), "a.toml q.x=1 f.y=true");
        assert_eq!(v[1].label(), "a.toml q.x=1 f.y=true method=seniority");
        assert_eq!(v[2].label(), "a.toml q.x=1 f.y=false");
        assert_eq!(v[15].label(), "b.toml q.x=2 f.y=false method=seniority");
    }
}
