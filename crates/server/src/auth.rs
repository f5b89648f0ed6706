//! Accounts and sessions: argon2 password hashes, random session tokens (only their
//! SHA-256 is stored), a CSRF token per session, login throttling, and the scope rule
//! (a district user sees only what lies wholly in their district).

use super::api::ApiError;
use super::App;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Cookie names.
pub const SESSION_COOKIE: &str = "rotaplan_session";
pub const LANG_COOKIE: &str = "rotaplan_lang";
/// A session lasts this long after login.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// What a user may see: everything (`admin`, who also reads the audit log, or
/// `city`), or one district's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Admin,
    City,
    District(String),
}

impl Scope {
    pub fn parse(s: &str) -> Scope {
        match s {
            "admin" => Scope::Admin,
            "city" => Scope::City,
            d => Scope::District(d.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Scope::Admin => "admin",
            Scope::City => "city",
            Scope::District(d) => d,
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
}

impl User {
    /// Whether this user may see data whose schools lie in `districts`: a district
    /// user only when all of them are in their own district.
    pub fn sees(&self, districts: &[String]) -> bool {
        match &self.scope {
            Scope::Admin | Scope::City => true,
            Scope::District(d) => !districts.is_empty() && districts.iter().all(|x| x == d),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.scope == Scope::Admin
    }
}

/// Why a password could not be hashed or a token made: the system gave no random
/// bytes, or argon2 refused (in their own words).
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The operating system's random source failed.
    #[error("{0}")]
    Random(getrandom::Error),
    /// argon2 could not encode the salt or hash the password.
    #[error("{0}")]
    Hash(argon2::password_hash::Error),
}

impl SecretError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            SecretError::Random(_) => {
                "the server needs the system's random source (/dev/urandom or getrandom); \
                 check the machine or the container"
            }
            SecretError::Hash(_) => "try again; if it fails again, report it",
        }
    }
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, SecretError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(SecretError::Random)?;
    let salt = SaltString::encode_b64(&salt).map_err(SecretError::Hash)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(SecretError::Hash)
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// 32 random bytes as hex.
pub fn random_token() -> Result<String, SecretError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(SecretError::Random)?;
    Ok(hex(&b))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The value of cookie `name` in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}"
    )
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// A logged-in request: the user, the session's CSRF token and the token's hash.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
}

impl Session {
    /// A change must carry the session's CSRF token, in the header `X-CSRF-Token` or
    /// (forms) in the field `csrf_token`; otherwise 403.
    pub fn check_csrf(&self, headers: &HeaderMap, field: Option<&str>) -> Result<(), ApiError> {
        let given = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .or(field);
        match given {
            Some(t) if constant_eq(t.as_bytes(), self.csrf.as_bytes()) => Ok(()),
            _ => Err(ApiError::Forbidden("missing or wrong CSRF token")),
        }
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<App> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(ApiError::Unauthorized)?;
        let hash = token_hash(token);
        match app.db.session(&hash) {
            Ok(Some((user, csrf))) => Ok(Session {
                user,
                csrf,
                token_hash: hash,
            }),
            Ok(None) => Err(ApiError::Unauthorized),
            Err(e) => Err(ApiError::internal(e)),
        }
    }
}

/// Failed logins per key (a user name, a client address) in a sliding window: after
/// [`Throttle::MAX_FAILURES`] the key is refused until the window has passed.
#[derive(Default)]
pub struct Throttle {
    failures: HashMap<String, Vec<Instant>>,
}

impl Throttle {
    pub const MAX_FAILURES: usize = 5;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// Seconds to wait before another try for any of `keys`, or None.
    pub fn blocked(&mut self, keys: &[String]) -> Option<u64> {
        let now = Instant::now();
        let mut wait = None;
        for k in keys {
            if let Some(v) = self.failures.get_mut(k) {
                v.retain(|t| now.duration_since(*t) < Self::WINDOW);
                if v.len() >= Self::MAX_FAILURES {
                    let oldest = v.first().copied().unwrap_or(now);
                    let left = Self::WINDOW.saturating_sub(now.duration_since(oldest));
                    wait = Some(wait.unwrap_or(0).max(left.as_secs() + 1));
                }
            }
        }
        wait
    }

    pub fn fail(&mut self, keys: &[String]) {
        for k in keys {
            self.failures
                .entry(k.clone())
                .or_default()
                .push(Instant::now());
        }
    }

    pub fn succeed(&mut self, keys: &[String]) {
        for k in keys {
            self.failures.remove(k);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_scopes() {
        let h = hash_password("s3cret").unwrap();
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("s3cre", &h));
        assert!(!verify_password("s3cret", "not a hash"));
        let u = User {
            id: 1,
            name: "q".into(),
            scope: Scope::parse("青山湖区"),
        };
        assert!(u.sees(&["青山湖区".into()]));
        assert!(!u.sees(&["青山湖区".into(), "东湖区".into()]));
        assert!(!u.sees(&[]));
        assert_eq!(Scope::parse("city"), Scope::City);
    }

    #[test]
    fn throttle_blocks_after_failures() {
        let mut t = Throttle::default();
        let k = vec!["user:a".to_string()];
        for _ in 0..Throttle::MAX_FAILURES {
            assert!(t.blocked(&k).is_none());
            t.fail(&k);
        }
        assert!(t.blocked(&k).is_some());
        t.succeed(&k);
        assert!(t.blocked(&k).is_none());
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; rotaplan_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
