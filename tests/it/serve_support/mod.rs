//! What the tests of `rotaplan serve` (API, views, browser, load) and the server bench
//! share: a real `rotaplan serve` on an ephemeral loopback port, its users, a logged-in
//! HTTP client, the fixtures as upload parts or Excel workbooks, and the command-line
//! `plan` to compare with.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_rotaplan");
pub const PASSWORD: &str = "a long test password";
pub const NANCHANG_RULES: &str = "nanchang-2021-2025.toml";
/// The data files of a fixture folder, in upload-form order.
pub const ROLES: [&str; 6] = [
    "schools",
    "teachers",
    "needs",
    "ledger",
    "evaluators",
    "itinerant_needs",
];

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// `rotaplan user add` with [`PASSWORD`] on standard input.
pub fn add_user(ws: &Path, name: &str, scope: &str) {
    let mut c = Command::new(BIN)
        .args(["--quiet", "user", "add", "--workspace"])
        .arg(ws)
        .args(["--name", name, "--scope", scope, "--password-stdin"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(c.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(c.wait().unwrap().success());
}

/// `rotaplan serve --bind 127.0.0.1:0`; stopped when dropped.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`, from the first line the server prints.
    pub base: String,
}

impl Server {
    pub fn start(ws: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["--quiet", "serve", "--workspace"])
            .arg(ws)
            .args(["--bind", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Server { child, base }
    }

    pub fn kill9(&mut self) {
        let _ = Command::new("kill")
            .args(["-9", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A logged-in (or not) client of one server: the session's cookie and CSRF token over
/// one keep-alive agent.
#[derive(Clone)]
pub struct Client {
    pub agent: ureq::Agent,
    pub base: String,
    pub cookie: String,
    pub csrf: String,
}

/// A reply's status and body.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn read(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (Reply, Vec<String>) {
    let mut r = r.unwrap();
    let cookies = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let status = r.status().as_u16();
    let body = r
        .body_mut()
        .with_config()
        .limit(200 << 20)
        .read_to_vec()
        .unwrap();
    (Reply { status, body }, cookies)
}

impl Client {
    pub fn new(server: &Server) -> Client {
        Client::at(&server.base)
    }

    /// A client of the server at `base`, not logged in.
    pub fn at(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(300)))
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
            cookie: String::new(),
            csrf: String::new(),
        }
    }

    pub fn login(server: &Server, name: &str) -> Client {
        Client::login_at(&server.base, name)
    }

    /// Logs `name` in (with [`PASSWORD`]) at `base`, `http://127.0.0.1:PORT`.
    pub fn login_at(base: &str, name: &str) -> Client {
        let mut c = Client::at(base);
        let (r, cookies) = read(
            c.agent
                .post(format!("{}/api/login", c.base))
                .header("content-type", "application/json")
                .send(
                    json!({"name": name, "password": PASSWORD})
                        .to_string()
                        .as_bytes(),
                ),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        c.csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
        let set = cookies
            .iter()
            .find(|c| c.starts_with("rotaplan_session="))
            .unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        c.cookie = set.split(';').next().unwrap().to_string();
        c
    }

    pub fn get(&self, path: &str) -> Reply {
        read(
            self.agent
                .get(format!("{}{path}", self.base))
                .header("cookie", &self.cookie)
                .call(),
        )
        .0
    }

    pub fn send(&self, method: &str, path: &str, ctype: &str, body: &[u8], csrf: bool) -> Reply {
        let url = format!("{}{path}", self.base);
        let req = match method {
            "POST" => self.agent.post(url),
            "PUT" => self.agent.put(url),
            _ => unreachable!(),
        };
        let mut req = req
            .header("cookie", &self.cookie)
            .header("content-type", ctype);
        if csrf {
            req = req.header("x-csrf-token", &self.csrf);
        }
        read(req.send(body)).0
    }

    /// `PUT /api/datasets/{dataset}/pins` with the CSV text `pins`.
    pub fn put_pins(&self, dataset: i64, pins: &str, csrf: bool) -> Reply {
        let path = format!("/api/datasets/{dataset}/pins");
        self.send("PUT", &path, "text/csv", pins.as_bytes(), csrf)
    }

    pub fn delete(&self, path: &str, csrf: bool) -> Reply {
        let mut req = self
            .agent
            .delete(format!("{}{path}", self.base))
            .header("cookie", &self.cookie);
        if csrf {
            req = req.header("x-csrf-token", &self.csrf);
        }
        read(req.call()).0
    }

    pub fn post_json(&self, path: &str, v: Value) -> Reply {
        self.send(
            "POST",
            path,
            "application/json",
            v.to_string().as_bytes(),
            true,
        )
    }

    /// POST /api/datasets with one part per (role, bytes).
    pub fn upload(&self, parts: &[(&str, Vec<u8>)], csrf: bool) -> Reply {
        let names: Vec<String> = parts
            .iter()
            .map(|(r, _)| format!("../../{r}.csv"))
            .collect();
        let parts: Vec<(&str, &str, &[u8])> = parts
            .iter()
            .zip(&names)
            .map(|((role, bytes), name)| (*role, name.as_str(), bytes.as_slice()))
            .collect();
        let (ctype, body) = multipart(&parts);
        self.send("POST", "/api/datasets", &ctype, &body, csrf)
    }

    /// POST with the CSRF token.
    pub fn post(&self, path: &str, ctype: &str, body: &[u8]) -> Reply {
        self.send("POST", path, ctype, body, true)
    }

    /// POST /api/datasets, one part per (role, file name, bytes); the new dataset's id.
    pub fn upload_files(&self, parts: &[(String, String, Vec<u8>)]) -> i64 {
        let parts: Vec<(&str, &str, &[u8])> = parts
            .iter()
            .map(|(role, file, bytes)| (role.as_str(), file.as_str(), bytes.as_slice()))
            .collect();
        let (ctype, body) = multipart(&parts);
        let r = self.post("/api/datasets", &ctype, &body);
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["id"].as_i64().unwrap()
    }

    /// POST /api/plans for `dataset` with the Nanchang rules; the plan's id.
    pub fn submit(&self, dataset: i64, year: i32) -> i64 {
        let r = self.post_json(
            "/api/plans",
            json!({"dataset": dataset, "rules": NANCHANG_RULES, "year": year,
                   "set": {}, "previous": null}),
        );
        assert_eq!(r.status, 202, "{}", r.text());
        r.json()["id"].as_i64().unwrap()
    }

    /// Polls a plan until it is no longer queued or running; its status object.
    pub fn wait_plan(&self, id: i64) -> Value {
        self.wait(&format!("/api/plans/{id}"))
    }

    /// [`Client::wait_plan`], polling every `poll`.
    pub fn wait_plan_every(&self, id: i64, poll: Duration) -> Value {
        self.wait_every(&format!("/api/plans/{id}"), poll)
    }

    /// Polls work (`/api/plans/ID`, `/api/horizons/ID`, …) until it is no longer
    /// queued or running.
    pub fn wait(&self, path: &str) -> Value {
        self.wait_every(path, Duration::from_millis(20))
    }

    fn wait_every(&self, path: &str, poll: Duration) -> Value {
        let t = Instant::now();
        loop {
            let p = self.get(path).json();
            let s = p["status"].as_str().unwrap().to_string();
            if s != "queued" && s != "running" {
                return p;
            }
            assert!(t.elapsed() < Duration::from_secs(600), "{path} never ended");
            std::thread::sleep(poll);
        }
    }

    /// A file of plan `id`, which must be there.
    pub fn plan_file(&self, id: i64, name: &str) -> Vec<u8> {
        let r = self.get(&format!("/api/plans/{id}/files/{name}"));
        assert_eq!(r.status, 200, "plan {id} {name}");
        r.body
    }
}

/// The data files of fixture `dir` as upload parts (role, bytes).
pub fn fixture_parts(dir: &str) -> Vec<(&'static str, Vec<u8>)> {
    let d = fixture(dir);
    ROLES
        .into_iter()
        .filter_map(|r| Some((r, std::fs::read(d.join(format!("{r}.csv"))).ok()?)))
        .collect()
}

pub fn without_solve_seconds(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .lines()
        .filter(|l| !l.trim_start().starts_with("\"solve_seconds\""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A multipart body of (part, file name, bytes): its content type and bytes.
pub fn multipart(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----rotaplan-forms-boundary-41c9";
    let mut body = Vec::new();
    for (part, file, bytes) in parts {
        if file.is_empty() {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"\r\n\r\n"
            )
            .unwrap();
        } else {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .unwrap();
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A CSV file as a one-sheet workbook, as a clerk's Excel export would hold it: cells
/// that read as plain numbers (no leading zero) are numbers, the rest text.
pub fn csv_to_xlsx(csv_path: &Path, xlsx_path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(csv_path)
        .unwrap();
    for (r, rec) in rdr.records().enumerate() {
        for (c, cell) in rec.unwrap().iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match plain_number(cell) {
                Some(n) if r > 0 => ws.write_number(r, c, n).unwrap(),
                _ => ws.write_string(r, c, cell).unwrap(),
            };
        }
    }
    wb.save(xlsx_path).unwrap();
}

fn plain_number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let int = digits.split('.').next()?;
    let plain = !int.is_empty()
        && digits.len() <= 15
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && !digits.ends_with('.')
        && (int == "0" || !int.starts_with('0'));
    if plain {
        s.parse().ok()
    } else {
        None
    }
}

/// The data files of fixture `name` converted to `dir/ROLE.xlsx`; the paths written.
pub fn fixture_as_xlsx(name: &str, dir: &Path) -> Vec<(String, PathBuf)> {
    std::fs::create_dir_all(dir).unwrap();
    ROLES
        .iter()
        .filter(|r| fixture(name).join(format!("{r}.csv")).exists())
        .map(|r| {
            let out = dir.join(format!("{r}.xlsx"));
            csv_to_xlsx(&fixture(name).join(format!("{r}.csv")), &out);
            (r.to_string(), out)
        })
        .collect()
}

/// `rotaplan plan --data DATA --rules rules/nanchang-2021-2025.toml --year YEAR --out OUT`.
pub fn cli_plan(data: &Path, year: i32, out: &Path) {
    let o = Command::new(BIN)
        .args(["--quiet", "plan", "--data"])
        .arg(data)
        .arg("--rules")
        .arg(root().join("rules").join(NANCHANG_RULES))
        .args(["--year", &year.to_string(), "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "plan: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}
