//! Checks between keys (first_year ≤ last_year, min_same_subject ≤ panel_size), once
//! the file and every override are applied; the key set last is blamed.

use super::{Builder, RuleError, RuleErrorKind, SetAt};

impl Builder {
    /// Checks between keys, once the file and the overrides are applied.
    pub(in crate::rules) fn cross_checks(&mut self) {
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
    pub(in crate::rules) fn blame(&self, keys: &[&str]) -> (String, Option<SetAt>) {
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
