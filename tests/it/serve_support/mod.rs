//! Shared by the tests of `rotaplan serve`: the binary started on an ephemeral loopback
//! port, a logged-in HTTP client, the fixtures as upload parts.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_rotaplan");
pub const PASSWORD: &str = "correct horse";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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

pub struct Server {
    pub child: Child,
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

/// A logged-in (or not) client of one server.
pub struct Client {
    pub agent: ureq::Agent,
    pub base: String,
    pub cookie: String,
    pub csrf: String,
}

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
        .limit(100 << 20)
        .read_to_vec()
        .unwrap();
    (Reply { status, body }, cookies)
}

impl Client {
    pub fn new(server: &Server) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Client {
            agent,
            base: server.base.clone(),
            cookie: String::new(),
            csrf: String::new(),
        }
    }

    pub fn login(server: &Server, name: &str) -> Client {
        let mut c = Client::new(server);
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

    /// Polls a plan until it is no longer queued or running.
    pub fn wait_plan(&self, id: i64) -> Value {
        self.wait(&format!("/api/plans/{id}"))
    }

    /// Polls work (`/api/plans/ID`, `/api/horizons/ID`, …) until it is no longer
    /// queued or running.
    pub fn wait(&self, path: &str) -> Value {
        let t = Instant::now();
        loop {
            let p = self.get(path).json();
            let s = p["status"].as_str().unwrap().to_string();
            if s != "queued" && s != "running" {
                return p;
            }
            assert!(t.elapsed() < Duration::from_secs(120), "{path} never ended");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub fn fixture(dir: &str) -> Vec<(&'static str, Vec<u8>)> {
    let d = root().join("fixtures").join(dir);
    [
        "schools",
        "teachers",
        "needs",
        "ledger",
        "evaluators",
        "itinerant_needs",
    ]
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
