//! The workspace database: one SQLite file (`rotaplan.db` in the workspace folder) in
//! WAL mode with `synchronous = FULL`, so a write that was answered is on disk and
//! survives a `kill -9` or a power cut. Every change runs in one transaction together
//! with its audit row. The schema is migrated by `PRAGMA user_version`: migration `i`
//! (0-based) brings a database from version `i` to `i + 1`; existing ones never change.

use super::auth::{Scope, User};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// The schema, one migration per entry; append only.
const MIGRATIONS: &[&str] = &[
    // 1: users, sessions, datasets with versioned files, plans with their files, audit.
    "CREATE TABLE users (
         id INTEGER PRIMARY KEY,
         name TEXT NOT NULL UNIQUE,
         scope TEXT NOT NULL,
         password_hash TEXT NOT NULL,
         created INTEGER NOT NULL
     );
     CREATE TABLE sessions (
         token_hash TEXT PRIMARY KEY,
         user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         csrf TEXT NOT NULL,
         expires INTEGER NOT NULL
     );
     CREATE TABLE datasets (
         id INTEGER PRIMARY KEY,
         name TEXT NOT NULL,
         owner TEXT NOT NULL,
         districts TEXT NOT NULL,
         counts TEXT NOT NULL,
         created INTEGER NOT NULL
     );
     CREATE TABLE dataset_files (
         dataset_id INTEGER NOT NULL REFERENCES datasets(id),
         role TEXT NOT NULL,
         version INTEGER NOT NULL,
         ext TEXT NOT NULL,
         upload_name TEXT NOT NULL,
         bytes BLOB NOT NULL,
         created INTEGER NOT NULL,
         PRIMARY KEY (dataset_id, role, version)
     );
     CREATE TABLE plans (
         id INTEGER PRIMARY KEY,
         dataset_id INTEGER NOT NULL REFERENCES datasets(id),
         owner TEXT NOT NULL,
         params TEXT NOT NULL,
         status TEXT NOT NULL,
         summary TEXT,
         error TEXT,
         created INTEGER NOT NULL,
         finished INTEGER
     );
     CREATE TABLE plan_files (
         plan_id INTEGER NOT NULL REFERENCES plans(id),
         name TEXT NOT NULL,
         bytes BLOB NOT NULL,
         PRIMARY KEY (plan_id, name)
     );
     CREATE TABLE audit (
         id INTEGER PRIMARY KEY,
         time INTEGER NOT NULL,
         user TEXT NOT NULL,
         action TEXT NOT NULL,
         detail TEXT NOT NULL
     );",
    // 2: the kind of work a plans row is: `plan`, or a view (`horizon`, `compare`,
    // `progress`) run by the same workers with its files stored the same way.
    "ALTER TABLE plans ADD COLUMN kind TEXT NOT NULL DEFAULT 'plan';",
    // 3: rule sets made on the rules page (a base rule file and `--set` values), by
    // name and version, visible to the scope that made them (city and admin: to all).
    "CREATE TABLE IF NOT EXISTS rule_sets (
         id INTEGER PRIMARY KEY,
         name TEXT NOT NULL,
         version INTEGER NOT NULL,
         scope TEXT NOT NULL,
         owner TEXT NOT NULL,
         base TEXT NOT NULL,
         text TEXT NOT NULL,
         overrides TEXT NOT NULL,
         created INTEGER NOT NULL,
         UNIQUE (scope, name, version)
     );",
    // 4: why work failed in Chinese, for the pages (`error` keeps the API's English).
    "ALTER TABLE plans ADD COLUMN error_zh TEXT;",
];

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

pub struct Db {
    conn: Mutex<Connection>,
}

/// A dataset as listed: who uploaded it, its districts (a district user sees it when
/// it has exactly their district), the counts of its rows and its current files.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DatasetRow {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub districts: Vec<String>,
    pub counts: serde_json::Value,
    pub created: i64,
    pub files: Vec<FileRow>,
}

/// One stored file of a dataset: the newest version of each role is the one in use.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileRow {
    pub role: String,
    pub version: i64,
    pub name: String,
    pub upload_name: String,
    pub size: i64,
    pub created: i64,
}

/// A file to store: its role (`teachers`, …), its extension (`csv` or `xlsx`, from its
/// content), the name it was uploaded under (shown, never used as a path), its bytes.
pub struct NewFile {
    pub role: String,
    pub ext: &'static str,
    pub upload_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanRow {
    pub id: i64,
    pub dataset: i64,
    pub owner: String,
    pub params: serde_json::Value,
    pub status: String,
    pub summary: Option<serde_json::Value>,
    pub error: Option<String>,
    /// `error` in Chinese, when the failure was recorded with its Chinese words.
    pub error_zh: Option<String>,
    pub created: i64,
    pub finished: Option<i64>,
    /// `plan`, `horizon`, `compare` or `progress` (see [`KINDS`]).
    pub kind: String,
}

/// The kinds of work the workers run: plans, and the views beside them.
pub const KINDS: [&str; 4] = ["plan", "horizon", "compare", "progress"];

#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub time: i64,
    pub user: String,
    pub action: String,
    pub detail: String,
}

fn audit(tx: &Transaction, user: &str, action: &str, detail: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit (time, user, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![now(), user, action, detail],
    )?;
    Ok(())
}

fn json_col(s: Option<String>) -> Option<serde_json::Value> {
    s.and_then(|s| serde_json::from_str(&s).ok())
}

impl Db {
    /// Opens (creating) `path`, sets WAL and full sync, and migrates the schema.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let done = usize::try_from(version).unwrap_or(0);
        for (i, m) in MIGRATIONS.iter().enumerate().skip(done) {
            let tx = conn.transaction()?;
            tx.execute_batch(m)?;
            tx.pragma_update(
                None,
                "user_version",
                i64::try_from(i + 1).unwrap_or(i64::MAX),
            )?;
            tx.commit()?;
        }
        Ok(Db {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock ends the process (main's hook), so a poisoned
        // lock cannot be observed with a half-done transaction: SQLite rolled it back.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one transaction, committed when it returns Ok.
    fn tx<T>(&self, f: impl FnOnce(&Transaction) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    }

    // ---- users ----

    pub fn user_count(&self) -> rusqlite::Result<i64> {
        self.lock()
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
    }

    /// Adds a user; false when the name is taken.
    pub fn add_user(
        &self,
        by: &str,
        name: &str,
        scope: &Scope,
        hash: &str,
    ) -> rusqlite::Result<bool> {
        self.tx(|tx| {
            let n = tx.execute(
                "INSERT OR IGNORE INTO users (name, scope, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
                params![name, scope.as_str(), hash, now()],
            )?;
            if n == 1 {
                audit(tx, by, "user add", &format!("{name} ({})", scope.as_str()))?;
            }
            Ok(n == 1)
        })
    }

    pub fn list_users(&self) -> rusqlite::Result<Vec<(String, String, i64)>> {
        let conn = self.lock();
        let mut st = conn.prepare("SELECT name, scope, created FROM users ORDER BY name")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    }

    /// Removes a user and their sessions; false when there is no such user.
    pub fn remove_user(&self, by: &str, name: &str) -> rusqlite::Result<bool> {
        self.tx(|tx| {
            let n = tx.execute("DELETE FROM users WHERE name = ?1", params![name])?;
            if n == 1 {
                audit(tx, by, "user remove", name)?;
            }
            Ok(n == 1)
        })
    }

    /// Sets a password and ends the user's sessions; false when there is no such user.
    pub fn set_password(&self, by: &str, name: &str, hash: &str) -> rusqlite::Result<bool> {
        self.tx(|tx| {
            let n = tx.execute(
                "UPDATE users SET password_hash = ?2 WHERE name = ?1",
                params![name, hash],
            )?;
            if n == 1 {
                tx.execute(
                    "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)",
                    params![name],
                )?;
                audit(tx, by, "user passwd", name)?;
            }
            Ok(n == 1)
        })
    }

    /// The user of that name and their password hash.
    pub fn user_by_name(&self, name: &str) -> rusqlite::Result<Option<(User, String)>> {
        self.lock()
            .query_row(
                "SELECT id, name, scope, password_hash FROM users WHERE name = ?1",
                params![name],
                user_and_text,
            )
            .optional()
    }

    // ---- sessions ----

    pub fn create_session(
        &self,
        user: &User,
        token_hash: &str,
        csrf: &str,
        expires: i64,
    ) -> rusqlite::Result<()> {
        self.tx(|tx| {
            tx.execute("DELETE FROM sessions WHERE expires < ?1", params![now()])?;
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, user.id, csrf, expires],
            )?;
            audit(tx, &user.name, "login", "")
        })
    }

    /// The user and CSRF token of a live session.
    pub fn session(&self, token_hash: &str) -> rusqlite::Result<Option<(User, String)>> {
        self.lock()
            .query_row(
                "SELECT u.id, u.name, u.scope, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires >= ?2",
                params![token_hash, now()],
                user_and_text,
            )
            .optional()
    }

    pub fn end_session(&self, user: &User, token_hash: &str) -> rusqlite::Result<()> {
        self.tx(|tx| {
            tx.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                params![token_hash],
            )?;
            audit(tx, &user.name, "logout", "")
        })
    }

    // ---- datasets ----

    pub fn insert_dataset(
        &self,
        user: &User,
        name: &str,
        districts: &[String],
        counts: &serde_json::Value,
        files: &[NewFile],
    ) -> rusqlite::Result<i64> {
        self.tx(|tx| {
            let t = now();
            tx.execute(
                "INSERT INTO datasets (name, owner, districts, counts, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    name,
                    user.name,
                    serde_json::to_string(districts).unwrap_or_default(),
                    counts.to_string(),
                    t
                ],
            )?;
            let id = tx.last_insert_rowid();
            for f in files {
                tx.execute(
                    "INSERT INTO dataset_files (dataset_id, role, version, ext, upload_name, bytes, created)
                     VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)",
                    params![id, f.role, f.ext, f.upload_name, f.bytes, t],
                )?;
            }
            let roles: Vec<&str> = files.iter().map(|f| f.role.as_str()).collect();
            audit(
                tx,
                &user.name,
                "dataset upload",
                &format!("dataset {id} \"{name}\": {}", roles.join(", ")),
            )?;
            Ok(id)
        })
    }

    /// Stores a new version of one file of a dataset (e.g. the pins).
    pub fn put_file(&self, user: &User, dataset: i64, file: &NewFile) -> rusqlite::Result<i64> {
        self.tx(|tx| {
            let version: i64 = tx.query_row(
                "SELECT coalesce(max(version), 0) + 1 FROM dataset_files WHERE dataset_id = ?1 AND role = ?2",
                params![dataset, file.role],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO dataset_files (dataset_id, role, version, ext, upload_name, bytes, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![dataset, file.role, version, file.ext, file.upload_name, file.bytes, now()],
            )?;
            audit(
                tx,
                &user.name,
                "dataset file",
                &format!("dataset {dataset}: {} version {version}", file.role),
            )?;
            Ok(version)
        })
    }

    fn files_of(conn: &Connection, id: i64) -> rusqlite::Result<Vec<FileRow>> {
        let mut st = conn.prepare(
            "SELECT role, version, ext, upload_name, length(bytes), created FROM dataset_files f
             WHERE dataset_id = ?1 AND version = (SELECT max(version) FROM dataset_files g
                 WHERE g.dataset_id = f.dataset_id AND g.role = f.role)
             ORDER BY role",
        )?;
        let rows = st.query_map(params![id], |r| {
            let role: String = r.get(0)?;
            let ext: String = r.get(2)?;
            Ok(FileRow {
                name: format!("{role}.{ext}"),
                role,
                version: r.get(1)?,
                upload_name: r.get(3)?,
                size: r.get(4)?,
                created: r.get(5)?,
            })
        })?;
        rows.collect()
    }

    fn dataset_of(conn: &Connection, r: &rusqlite::Row) -> rusqlite::Result<DatasetRow> {
        let id: i64 = r.get(0)?;
        let districts: String = r.get(3)?;
        Ok(DatasetRow {
            id,
            name: r.get(1)?,
            owner: r.get(2)?,
            districts: serde_json::from_str(&districts).unwrap_or_default(),
            counts: json_col(r.get(4)?).unwrap_or_default(),
            created: r.get(5)?,
            files: Self::files_of(conn, id)?,
        })
    }

    pub fn dataset(&self, id: i64) -> rusqlite::Result<Option<DatasetRow>> {
        let conn = self.lock();
        conn.query_row(
            "SELECT id, name, owner, districts, counts, created FROM datasets WHERE id = ?1",
            params![id],
            |r| Self::dataset_of(&conn, r),
        )
        .optional()
    }

    pub fn datasets(&self) -> rusqlite::Result<Vec<DatasetRow>> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT id, name, owner, districts, counts, created FROM datasets ORDER BY id DESC",
        )?;
        let rows = st.query_map([], |r| Self::dataset_of(&conn, r))?;
        rows.collect()
    }

    /// The newest version of each file of a dataset: (file name, bytes).
    pub fn current_files(&self, id: i64) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT role || '.' || ext, bytes FROM dataset_files f
             WHERE dataset_id = ?1 AND version = (SELECT max(version) FROM dataset_files g
                 WHERE g.dataset_id = f.dataset_id AND g.role = f.role)
             ORDER BY role",
        )?;
        let rows = st.query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    // ---- plans ----

    pub fn insert_plan(
        &self,
        user: &User,
        dataset: i64,
        params_json: &serde_json::Value,
    ) -> rusqlite::Result<i64> {
        self.insert_job(user, "plan", dataset, params_json)
    }

    /// Queues work of a kind from [`KINDS`] (a plan or a view).
    pub fn insert_job(
        &self,
        user: &User,
        kind: &str,
        dataset: i64,
        params_json: &serde_json::Value,
    ) -> rusqlite::Result<i64> {
        self.tx(|tx| {
            tx.execute(
                "INSERT INTO plans (dataset_id, owner, params, status, created, kind) VALUES (?1, ?2, ?3, 'queued', ?4, ?5)",
                params![dataset, user.name, params_json.to_string(), now(), kind],
            )?;
            let id = tx.last_insert_rowid();
            audit(tx, &user.name, &format!("{kind} submit"), &format!("{kind} {id} of dataset {dataset}"))?;
            Ok(id)
        })
    }

    fn plan_of(r: &rusqlite::Row) -> rusqlite::Result<PlanRow> {
        Ok(PlanRow {
            id: r.get(0)?,
            dataset: r.get(1)?,
            owner: r.get(2)?,
            params: json_col(r.get(3)?).unwrap_or_default(),
            status: r.get(4)?,
            summary: json_col(r.get(5)?),
            error: r.get(6)?,
            created: r.get(7)?,
            finished: r.get(8)?,
            kind: r.get(9)?,
            error_zh: r.get(10)?,
        })
    }

    const PLAN_COLS: &'static str =
        "id, dataset_id, owner, params, status, summary, error, created, finished, kind, error_zh";

    pub fn plan(&self, id: i64) -> rusqlite::Result<Option<PlanRow>> {
        self.lock()
            .query_row(
                &format!("SELECT {} FROM plans WHERE id = ?1", Self::PLAN_COLS),
                params![id],
                Self::plan_of,
            )
            .optional()
    }

    /// The plans of a dataset (or all), newest first.
    pub fn plans(&self, dataset: Option<i64>) -> rusqlite::Result<Vec<PlanRow>> {
        self.jobs("plan", dataset)
    }

    /// The work of one kind (see [`KINDS`]) on a dataset (or all), newest first.
    pub fn jobs(&self, kind: &str, dataset: Option<i64>) -> rusqlite::Result<Vec<PlanRow>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!(
            "SELECT {} FROM plans WHERE (?1 IS NULL OR dataset_id = ?1) AND kind = ?2 ORDER BY id DESC",
            Self::PLAN_COLS
        ))?;
        let rows = st.query_map(params![dataset, kind], Self::plan_of)?;
        rows.collect()
    }

    /// Marks a queued plan running; false when it is no longer queued (cancelled).
    pub fn start_plan(&self, id: i64) -> rusqlite::Result<bool> {
        let n = self.lock().execute(
            "UPDATE plans SET status = 'running' WHERE id = ?1 AND status = 'queued'",
            params![id],
        )?;
        Ok(n == 1)
    }

    /// Records how a plan ended, with its files when it is done.
    pub fn finish_plan(
        &self,
        id: i64,
        status: &str,
        summary: Option<&str>,
        error: Option<&str>,
        files: &[(String, Vec<u8>)],
    ) -> rusqlite::Result<()> {
        self.finish_in(id, status, summary, (error, None), files)
    }

    /// Records that a plan failed, why in English (the API's) and in Chinese.
    pub fn fail_plan(&self, id: i64, en: &str, zh: &str) -> rusqlite::Result<()> {
        self.finish_in(id, "failed", None, (Some(en), Some(zh)), &[])
    }

    fn finish_in(
        &self,
        id: i64,
        status: &str,
        summary: Option<&str>,
        (error, error_zh): (Option<&str>, Option<&str>),
        files: &[(String, Vec<u8>)],
    ) -> rusqlite::Result<()> {
        self.tx(|tx| {
            for (name, bytes) in files {
                tx.execute(
                    "INSERT INTO plan_files (plan_id, name, bytes) VALUES (?1, ?2, ?3)",
                    params![id, name, bytes],
                )?;
            }
            tx.execute(
                "UPDATE plans SET status = ?2, summary = ?3, error = ?4, finished = ?5, \
                 error_zh = ?6 WHERE id = ?1",
                params![id, status, summary, error, now(), error_zh],
            )?;
            let kind = kind_of(tx, id)?;
            audit(
                tx,
                "(server)",
                &format!("{kind} {status}"),
                &format!("{kind} {id}"),
            )
        })
    }

    /// Cancels a plan that is still queued; false when it is not queued.
    pub fn cancel_queued(&self, user: &User, id: i64) -> rusqlite::Result<bool> {
        self.tx(|tx| {
            let n = tx.execute(
                "UPDATE plans SET status = 'cancelled', finished = ?2 WHERE id = ?1 AND status = 'queued'",
                params![id, now()],
            )?;
            let kind = kind_of(tx, id)?;
            audit(tx, &user.name, &format!("{kind} cancel"), &format!("{kind} {id}"))?;
            Ok(n == 1)
        })
    }

    /// Records a cancel request for a running plan (the worker then ends it).
    pub fn audit_only(&self, user: &str, action: &str, detail: &str) -> rusqlite::Result<()> {
        self.tx(|tx| audit(tx, user, action, detail))
    }

    /// After a restart: plans that were running are failed (their worker is gone);
    /// returns the queued ones, oldest first, to run again.
    pub fn recover(&self) -> rusqlite::Result<Vec<i64>> {
        self.tx(|tx| {
            let n = tx.execute(
                "UPDATE plans SET status = 'failed', finished = ?1,
                     error = 'interrupted: the server stopped while this plan was running; run it again',
                     error_zh = '中断：计算期间服务器停止了运行；请重新计算'
                 WHERE status = 'running'",
                params![now()],
            )?;
            if n > 0 {
                audit(tx, "(server)", "plan failed", &format!("{n} plan(s) interrupted by a restart"))?;
            }
            let mut st = tx.prepare("SELECT id FROM plans WHERE status = 'queued' ORDER BY id")?;
            let ids = st.query_map([], |r| r.get(0))?;
            ids.collect()
        })
    }

    pub fn plan_file(&self, id: i64, name: &str) -> rusqlite::Result<Option<Vec<u8>>> {
        self.lock()
            .query_row(
                "SELECT bytes FROM plan_files WHERE plan_id = ?1 AND name = ?2",
                params![id, name],
                |r| r.get(0),
            )
            .optional()
    }

    pub fn plan_file_names(&self, id: i64) -> rusqlite::Result<Vec<(String, i64)>> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT name, length(bytes) FROM plan_files WHERE plan_id = ?1 ORDER BY name",
        )?;
        let rows = st.query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    // ---- audit ----

    pub fn audit_log(&self, limit: i64) -> rusqlite::Result<Vec<AuditRow>> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT id, time, user, action, detail FROM audit ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = st.query_map(params![limit], |r| {
            Ok(AuditRow {
                id: r.get(0)?,
                time: r.get(1)?,
                user: r.get(2)?,
                action: r.get(3)?,
                detail: r.get(4)?,
            })
        })?;
        rows.collect()
    }
}

/// The kind of a plans row (`plan` when there is no such row).
fn kind_of(tx: &Transaction, id: i64) -> rusqlite::Result<String> {
    Ok(tx
        .query_row("SELECT kind FROM plans WHERE id = ?1", params![id], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or_else(|| "plan".to_string()))
}

/// A stored rule set: the rule file it starts from (`base`, its name; `text`, its
/// TOML) and the `--set` values applied over it, in order.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleSetRow {
    pub id: i64,
    pub name: String,
    pub version: i64,
    /// `city` for sets made by city or admin users (everyone sees them), else the
    /// district of the user who made it.
    pub scope: String,
    pub owner: String,
    pub base: String,
    pub text: String,
    pub overrides: Vec<(String, String)>,
    pub created: i64,
}

/// A plan's dataset files: (role, version) of each file it reads.
pub type FileVersions = Vec<(String, i64)>;

impl Db {
    /// Stores a rule set as the next version of `name` in `scope`: (id, version).
    pub fn insert_rule_set(
        &self,
        user: &User,
        scope: &str,
        name: &str,
        base: &str,
        text: &str,
        overrides: &[(String, String)],
    ) -> rusqlite::Result<(i64, i64)> {
        self.tx(|tx| {
            let version: i64 = tx.query_row(
                "SELECT coalesce(max(version), 0) + 1 FROM rule_sets WHERE scope = ?1 AND name = ?2",
                params![scope, name],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO rule_sets (name, version, scope, owner, base, text, overrides, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    name,
                    version,
                    scope,
                    user.name,
                    base,
                    text,
                    serde_json::to_string(overrides).unwrap_or_default(),
                    now()
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit(
                tx,
                &user.name,
                "rules save",
                &format!("rule set {id} \"{name}\" version {version}"),
            )?;
            Ok((id, version))
        })
    }

    fn rule_set_of(r: &rusqlite::Row) -> rusqlite::Result<RuleSetRow> {
        let overrides: String = r.get(7)?;
        Ok(RuleSetRow {
            id: r.get(0)?,
            name: r.get(1)?,
            version: r.get(2)?,
            scope: r.get(3)?,
            owner: r.get(4)?,
            base: r.get(5)?,
            text: r.get(6)?,
            overrides: serde_json::from_str(&overrides).unwrap_or_default(),
            created: r.get(8)?,
        })
    }

    const RULE_SET_COLS: &'static str =
        "id, name, version, scope, owner, base, text, overrides, created";

    pub fn rule_set(&self, id: i64) -> rusqlite::Result<Option<RuleSetRow>> {
        self.lock()
            .query_row(
                &format!(
                    "SELECT {} FROM rule_sets WHERE id = ?1",
                    Self::RULE_SET_COLS
                ),
                params![id],
                Self::rule_set_of,
            )
            .optional()
    }

    /// Every rule set, every version, newest first.
    pub fn rule_sets(&self) -> rusqlite::Result<Vec<RuleSetRow>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!(
            "SELECT {} FROM rule_sets ORDER BY id DESC",
            Self::RULE_SET_COLS
        ))?;
        let rows = st.query_map([], Self::rule_set_of)?;
        rows.collect()
    }

    /// The version of each current file of a dataset.
    pub fn current_versions(&self, dataset: i64) -> rusqlite::Result<FileVersions> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT role, max(version) FROM dataset_files WHERE dataset_id = ?1 GROUP BY role
             ORDER BY role",
        )?;
        let rows = st.query_map(params![dataset], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// The files of a dataset at the given versions: (file name, bytes).
    pub fn files_at(
        &self,
        dataset: i64,
        versions: &[(String, i64)],
    ) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT role || '.' || ext, bytes FROM dataset_files
             WHERE dataset_id = ?1 AND role = ?2 AND version = ?3",
        )?;
        let mut out = Vec::new();
        for (role, version) in versions {
            let rows = st.query_map(params![dataset, role, version], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }
}

/// A row of (user id, name, scope, one more text column): the user and that text.
fn user_and_text(r: &rusqlite::Row<'_>) -> rusqlite::Result<(User, String)> {
    let scope: String = r.get(2)?;
    Ok((
        User {
            id: r.get(0)?,
            name: r.get(1)?,
            scope: Scope::parse(&scope),
        },
        r.get(3)?,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rotaplan.db");
        let db = Db::open(&path).unwrap();
        assert!(db.add_user("cli", "a", &Scope::Admin, "h").unwrap());
        assert!(!db.add_user("cli", "a", &Scope::City, "h").unwrap());
        drop(db);
        let db = Db::open(&path).unwrap();
        assert_eq!(db.user_count().unwrap(), 1);
        let v: i64 = db
            .lock()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        assert_eq!(db.audit_log(10).unwrap().len(), 1);
    }
}
