//! `--redact`: outputs without personal data, for sharing a plan for review.
//!
//! Teacher and evaluator ids become keyed pseudonyms (HMAC-SHA256 of the id under the
//! key in `--redact-key-file`, the first 16 hex digits) and names become empty. The
//! same key gives the same pseudonyms, so two redacted runs can be compared; without
//! the key a pseudonym cannot be traced back. Redaction is applied to a copy of the
//! data *after* solving (same teachers, same order), so a redacted run plans exactly
//! what an unredacted one plans and only the written files differ.

use crate::model::{Dataset, EvaluatorId, TeacherId};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::path::Path;

/// Shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    #[error("--redact-key-file {file}: {reason}\n  help: make a key once with `head -c 32 /dev/urandom | base64 > {file}` and keep it private; use the same key for runs you want to compare")]
    Key { file: String, reason: KeyError },
    #[error("--redact: two {what} ids ({a} and {b}) got the same pseudonym {pseudonym}\n  help: use another key (this is astronomically rare)")]
    Collision {
        what: &'static str,
        a: String,
        b: String,
        pseudonym: String,
    },
}

/// Why a key cannot be used (its help is [`RedactError::Key`]'s: how to make one).
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file cannot be read.
    #[error(transparent)]
    Unreadable(#[from] std::io::Error),
    /// Fewer than [`MIN_KEY_BYTES`] bytes.
    #[error("the key has {bytes} bytes; at least {MIN_KEY_BYTES} are needed")]
    TooShort { bytes: usize },
}

/// Makes pseudonyms under one key.
#[derive(Clone)]
pub struct Redactor {
    key: Vec<u8>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor(<key>)")
    }
}

impl Redactor {
    /// Reads the key: the file's bytes, trailing whitespace removed, at least
    /// [`MIN_KEY_BYTES`] of them.
    pub fn from_key_file(path: &Path) -> Result<Redactor, RedactError> {
        let err = |reason: KeyError| RedactError::Key {
            file: path.display().to_string(),
            reason,
        };
        let mut key = std::fs::read(path).map_err(|e| err(e.into()))?;
        while key.last().is_some_and(u8::is_ascii_whitespace) {
            key.pop();
        }
        Redactor::new(key).map_err(err)
    }

    pub fn new(key: Vec<u8>) -> Result<Redactor, KeyError> {
        if key.len() < MIN_KEY_BYTES {
            return Err(KeyError::TooShort { bytes: key.len() });
        }
        Ok(Redactor { key })
    }

    /// The pseudonym of `id` in `domain` (`teacher`, `evaluator`): 16 hex digits.
    pub fn pseudonym(&self, domain: &str, id: &str) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else {
            // INVARIANT: HMAC takes keys of any length; this branch never runs.
            return String::new();
        };
        mac.update(domain.as_bytes());
        mac.update(b"\0");
        mac.update(id.as_bytes());
        let bytes = mac.finalize().into_bytes();
        bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// A copy of `data` with teacher and evaluator ids replaced (also in the ledger)
    /// and names emptied. Same length and order, so indices into it stay valid.
    pub fn dataset(&self, data: &Dataset) -> Result<Dataset, RedactError> {
        let mut teachers = Pseudonyms::new(self, "teacher");
        let mut evaluators = Pseudonyms::new(self, "evaluator");
        let mut out = data.clone();
        for t in &mut out.teachers {
            t.id = TeacherId::new(teachers.of(t.id.as_str())?);
            t.name.clear();
        }
        for e in &mut out.ledger {
            e.teacher = TeacherId::new(teachers.of(e.teacher.as_str())?);
        }
        for e in &mut out.evaluators {
            e.id = EvaluatorId::new(evaluators.of(e.id.as_str())?);
            e.name.clear();
        }
        Ok(out)
    }

    /// The key, for a fingerprint of it (never written as is).
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The teacher pseudonym of `id`.
    pub fn teacher(&self, id: &TeacherId) -> TeacherId {
        TeacherId::new(self.pseudonym("teacher", id.as_str()))
    }
}

/// Pseudonyms of one domain, checked for collisions.
struct Pseudonyms<'a> {
    r: &'a Redactor,
    domain: &'static str,
    seen: HashMap<String, String>,
}

impl<'a> Pseudonyms<'a> {
    fn new(r: &'a Redactor, domain: &'static str) -> Self {
        Pseudonyms {
            r,
            domain,
            seen: HashMap::new(),
        }
    }

    fn of(&mut self, id: &str) -> Result<String, RedactError> {
        let p = self.r.pseudonym(self.domain, id);
        match self.seen.get(&p) {
            Some(other) if other != id => Err(RedactError::Collision {
                what: self.domain,
                a: other.clone(),
                b: id.to_string(),
                pseudonym: p,
            }),
            Some(_) => Ok(p),
            None => {
                self.seen.insert(p.clone(), id.to_string());
                Ok(p)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_keyed_stable_and_short() {
        let a = Redactor::new(b"0123456789abcdef".to_vec()).unwrap();
        let b = Redactor::new(b"0123456789abcdeX".to_vec()).unwrap();
        let p = a.pseudonym("teacher", "U1-01");
        assert_eq!(p.len(), 16);
        assert!(p.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(p, a.pseudonym("teacher", "U1-01"));
        assert_ne!(p, b.pseudonym("teacher", "U1-01"));
        assert_ne!(p, a.pseudonym("evaluator", "U1-01"));
        assert_eq!(
            Redactor::new(b"short".to_vec())
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err("the key has 5 bytes; at least 16 are needed".to_string())
        );
    }

    #[test]
    fn key_file_whitespace_is_trimmed() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("k");
        std::fs::write(&f, "0123456789abcdef\n").unwrap();
        let r = Redactor::from_key_file(&f).unwrap();
        let same = Redactor::new(b"0123456789abcdef".to_vec()).unwrap();
        assert_eq!(r.pseudonym("teacher", "x"), same.pseudonym("teacher", "x"));
        std::fs::write(&f, "short\n").unwrap();
        assert!(Redactor::from_key_file(&f).is_err());
    }
}
