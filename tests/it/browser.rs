//! The web workspace in headless Chromium, driven through WebDriver (chromedriver) the
//! way an HR clerk uses it: log in on the login page, upload a workbook with mistakes
//! (every one listed, nothing stored), upload fixtures/nanchang as Excel workbooks,
//! plan 2021 and watch it finish, lock one move and keep one teacher at home from the
//! plan table, plan again, download plan.xlsx — which must be byte for byte the
//! `plan` command's for the same workbooks and pins.
//!
//! A screenshot of every page visited is written to `target/browser-shots/`; the
//! ones in docs/zh/img/ (shown by the guide) are copies of such a run.
//!
//! Heavy (city-scale data twice through the planner): `#[ignore]`d, run in release by
//! .ci/run: `cargo test --release --test it -- --ignored browser::`. Needs `chromium` and
//! `chromedriver` (Debian: chromium, chromium-driver).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::serve_support;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use serve_support::{add_user, cli_plan, fixture_as_xlsx, root, Server, PASSWORD};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A program on PATH (or at the `env` variable's path).
fn program(env: &str, name: &str) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// chromedriver on a free loopback port; stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(exe: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Chromium's own words (file pickers) in Chinese, as on a clerk's machine.
        let child = Command::new(exe)
            .arg(format!("--port={port}"))
            .env("LANGUAGE", "zh_CN:zh")
            .env("LANG", "zh_CN.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let t = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(t.elapsed() < Duration::from_secs(30), "chromedriver silent");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The page's path (without query).
async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_string()
}

/// Waits until the page's path satisfies `ok`; the path.
async fn wait_path(c: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let t = Instant::now();
    loop {
        let p = path(c).await;
        if ok(&p) {
            return p;
        }
        assert!(
            t.elapsed() < Duration::from_secs(300),
            "never reached {what}: at {p}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs a script; `null` while the page is between two loads.
async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap_or(Value::Null)
}

/// Waits until the plan page shows a finished plan (the page reloads itself when the
/// status changes); the status.
async fn wait_finished(c: &Client) -> String {
    let t = Instant::now();
    loop {
        let s = js(
            c,
            "var s = document.getElementById('status'); return s ? s.className : '';",
        )
        .await;
        let s = s.as_str().unwrap_or("").to_string();
        if let Some(st) = s.strip_prefix("status-") {
            if st != "queued" && st != "running" {
                return st.to_string();
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(600),
            "plan never finished"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A screenshot of the page, as tall as its content (at most 2,000 px).
async fn shot(c: &Client, dir: &Path, name: &str) {
    let h = js(
        c,
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight);",
    )
    .await
    .as_u64()
    .unwrap_or(900)
    .clamp(500, 2000);
    // The window is a little taller than the page it shows.
    c.set_window_size(1280, h as u32 + 120).await.unwrap();
    let png = c.screenshot().await.unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 5_000,
        "{name}: an empty screenshot"
    );
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Clicks `css`, which loads a new page, and waits until the new page has loaded.
async fn click_to_new_page(c: &Client, css: &str) {
    js(c, "window.rotaplanOldPage = true; return 0;").await;
    click(c, css).await;
    let t = Instant::now();
    loop {
        let fresh = js(
            c,
            "return window.rotaplanOldPage === undefined && document.readyState === 'complete';",
        )
        .await;
        if fresh == Value::Bool(true) {
            return;
        }
        assert!(t.elapsed() < Duration::from_secs(300), "{css}: no new page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let e = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.ok();
    e.send_keys(text).await.unwrap();
}

/// A teacher's row in a plan table read back from plan.csv: (teacher_id, to_school).
fn plan_moves(plan_csv: &Path) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(plan_csv).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (t, s) = (col("teacher_id"), col("to_school"));
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[t].to_string(), x[s].to_string())
        })
        .collect()
}

/// Where two workbooks differ, sheet by sheet and cell by cell (for the failure
/// message when their bytes differ).
fn workbook_difference(a: &Path, b: &Path) -> String {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut wa: Xlsx<_> = open_workbook(a).unwrap();
    let mut wb: Xlsx<_> = open_workbook(b).unwrap();
    if wa.sheet_names() != wb.sheet_names() {
        return format!("sheets {:?} vs {:?}", wa.sheet_names(), wb.sheet_names());
    }
    for name in wa.sheet_names() {
        let (ra, rb) = (
            wa.worksheet_range(&name).unwrap(),
            wb.worksheet_range(&name).unwrap(),
        );
        if ra.get_size() != rb.get_size() {
            return format!("sheet {name}: {:?} vs {:?}", ra.get_size(), rb.get_size());
        }
        for (i, (x, y)) in ra.rows().zip(rb.rows()).enumerate() {
            if x != y {
                return format!("sheet {name} row {}: {x:?} vs {y:?}", i + 1);
            }
        }
    }
    "the same cells (bytes differ elsewhere)".into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "city-scale, in release: cargo test --release --test it -- --ignored browser::"]
async fn hr_clerk_from_excel_workbooks_to_plan_xlsx() {
    let (Some(chromium), Some(driver)) = (
        program("ROTAPLAN_CHROMIUM", "chromium"),
        program("ROTAPLAN_CHROMEDRIVER", "chromedriver"),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs chromium and chromedriver (apt-get install chromium chromium-driver)"
        );
        eprintln!("chromium or chromedriver not installed: browser test skipped");
        return;
    };
    let shots = root().join("target").join("browser-shots");
    std::fs::create_dir_all(&shots).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("workspace");
    add_user(&ws, "renshike", "city");
    let server = Server::start(&ws, &[]);
    let base = server.base.clone();

    // The clerk's workbooks: fixtures/nanchang as .xlsx, and a copy of the roster with
    // two mistakes (a birth year that is not a number, a school that does not exist).
    let books = tmp.path().join("xlsx");
    let files = fixture_as_xlsx("nanchang", &books);
    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let roster = std::fs::read_to_string(root().join("fixtures/nanchang/teachers.csv")).unwrap();
    let mut lines: Vec<String> = roster.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[10].split(',').map(str::to_string).collect();
    cells[3] = "19x0".into();
    lines[10] = cells.join(",");
    let mut cells: Vec<String> = lines[20].split(',').map(str::to_string).collect();
    cells[4] = "999999999".into();
    lines[20] = cells.join(",");
    std::fs::write(bad.join("teachers.csv"), lines.join("\n") + "\n").unwrap();
    serve_support::csv_to_xlsx(&bad.join("teachers.csv"), &bad.join("teachers.xlsx"));
    let book = |role: &str| {
        files
            .iter()
            .find(|(r, _)| r == role)
            .map(|(_, p)| p.display().to_string())
            .unwrap()
    };

    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let _driver = Driver::start(&driver);
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--hide-scrollbars",
                     "--force-device-scale-factor=1", "--window-size=1280,900",
                     "--lang=zh-CN"],
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
            },
        },
    });
    let c = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&_driver.url)
        .await
        .expect("a Chromium session from chromedriver");

    // Log in.
    c.goto(&format!("{base}/login")).await.unwrap();
    shot(&c, &shots, "01-login").await;
    type_into(&c, "#name", "renshike").await;
    type_into(&c, "#password", PASSWORD).await;
    click(&c, "#login").await;
    wait_path(&c, "/datasets", |p| p == "/datasets").await;
    shot(&c, &shots, "02-datasets").await;

    // An upload with mistakes: every one listed by file, row and column; nothing kept.
    c.find(Locator::Css("#f-schools"))
        .await
        .unwrap()
        .send_keys(&book("schools"))
        .await
        .unwrap();
    c.find(Locator::Css("#f-teachers"))
        .await
        .unwrap()
        .send_keys(&bad.join("teachers.xlsx").display().to_string())
        .await
        .unwrap();
    c.find(Locator::Css("#f-needs"))
        .await
        .unwrap()
        .send_keys(&book("needs"))
        .await
        .unwrap();
    click_to_new_page(&c, "#upload-button").await;
    let errors = c
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("#errors"))
        .await
        .expect("the upload's problems listed");
    let text = errors.text().await.unwrap();
    assert!(
        text.contains("19x0") && text.contains("999999999") && text.contains("teachers"),
        "both mistakes listed with their file: {text}"
    );
    assert!(
        c.find(Locator::Css("#datasets")).await.is_err(),
        "nothing stored after a refused upload"
    );
    shot(&c, &shots, "03-upload-errors").await;

    // The real upload.
    type_into(&c, "#name", "南昌市 2021 年").await;
    for (role, p) in &files {
        c.find(Locator::Css(&format!("#f-{role}")))
            .await
            .unwrap()
            .send_keys(&p.display().to_string())
            .await
            .unwrap();
    }
    click(&c, "#upload-button").await;
    let ds = wait_path(&c, "the dataset page", |p| {
        p.strip_prefix("/datasets/")
            .is_some_and(|id| id.parse::<i64>().is_ok())
    })
    .await;
    let dataset: i64 = ds.trim_start_matches("/datasets/").parse().unwrap();
    let counts = c
        .find(Locator::Css("#counts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        counts.contains("46885"),
        "the roster's rows counted: {counts}"
    );
    shot(&c, &shots, "04-dataset").await;

    // Plan 2021 under the Nanchang rules.
    c.find(Locator::Css("#rules"))
        .await
        .unwrap()
        .select_by_value(serve_support::NANCHANG_RULES)
        .await
        .unwrap();
    type_into(&c, "#year", "2021").await;
    click(&c, "#start").await;
    let first = wait_path(&c, "the plan page", |p| p.starts_with("/plans/")).await;
    // The running page once its progress bar has moved (if the plan is that slow).
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(60) {
        let v = js(
            &c,
            "var p = document.getElementById('progress'); return p ? p.value : -1;",
        )
        .await;
        if v.as_f64().is_none_or(|v| !(0.0..0.3).contains(&v)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    shot(&c, &shots, "05-plan-running").await;
    assert_eq!(wait_finished(&c).await, "done");
    shot(&c, &shots, "06-plan-done").await;

    // Lock the first row's move, keep the second row's teacher at home.
    let rows = js(
        &c,
        "return Array.from(document.querySelectorAll('#plan-table tbody tr')).slice(0, 2)
           .map(function (tr) { return [tr.querySelector('input[name=teacher_id]').value,
                                       tr.querySelector('input[name=school_id]').value]; });",
    )
    .await;
    let pick = |i: usize, j: usize| rows[i][j].as_str().unwrap().to_string();
    let (locked, locked_to, kept) = (pick(0, 0), pick(0, 1), pick(1, 0));
    assert_ne!(locked, kept);
    click_to_new_page(&c, "#plan-table tbody tr:nth-child(1) button[value=to]").await;
    assert_eq!(path(&c).await, first);
    c.find(Locator::Css(".flash"))
        .await
        .expect("the lock acknowledged");
    let second = js(
        &c,
        "return document.querySelector('#plan-table tbody tr:nth-child(2) input[name=teacher_id]').value;",
    )
    .await;
    assert_eq!(second.as_str(), Some(kept.as_str()));
    click_to_new_page(&c, "#plan-table tbody tr:nth-child(2) button[value=stay]").await;
    c.find(Locator::Css(".flash"))
        .await
        .expect("the exclusion acknowledged");

    // Plan again with the pins.
    click(&c, "#rerun").await;
    let again = wait_path(&c, "the new plan's page", |p| {
        p.starts_with("/plans/") && p != first
    })
    .await;
    assert_eq!(wait_finished(&c).await, "done", "{again}");
    shot(&c, &shots, "07-replan-done").await;

    // Download plan.xlsx as the clerk does: the link on the page.
    click(&c, "#downloads a[href$='/plan.xlsx']").await;
    let got = downloads.join("plan.xlsx");
    let t = Instant::now();
    while !got.exists()
        || std::fs::read_dir(&downloads).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".crdownload")
        })
    {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "plan.xlsx never downloaded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.close().await.unwrap();

    // The command line on the same workbooks and the same pins.
    let data = tmp.path().join("cli-data");
    std::fs::create_dir_all(&data).unwrap();
    for (role, p) in &files {
        std::fs::copy(p, data.join(format!("{role}.xlsx"))).unwrap();
    }
    std::fs::write(
        data.join("pins.csv"),
        format!(
            "teacher_id,action,school_id,year,note\n{locked},to,{locked_to},,\n{kept},stay,,,\n"
        ),
    )
    .unwrap();
    let out = tmp.path().join("cli-out");
    cli_plan(&data, 2021, &out);
    let moves = plan_moves(&out.join("plan.csv"));
    assert!(
        moves.contains(&(locked.clone(), locked_to.clone())),
        "{locked} locked to {locked_to}"
    );
    assert!(moves.iter().all(|(t, _)| *t != kept), "{kept} kept at home");
    let cli = std::fs::read(out.join("plan.xlsx")).unwrap();
    let served = std::fs::read(&got).unwrap();
    assert!(
        cli == served,
        "the downloaded plan.xlsx differs from the command's: {}",
        workbook_difference(&got, &out.join("plan.xlsx"))
    );
    // The server kept the pins as the dataset's current pins.csv, the same rows.
    let pins = serve_support::Client::login_at(&base, "renshike")
        .get(&format!("/api/datasets/{dataset}/files/pins.csv"))
        .body;
    assert_eq!(
        String::from_utf8_lossy(&pins),
        std::fs::read_to_string(data.join("pins.csv")).unwrap()
    );
    drop(server);
}
