//! rotaplan-server, `rotaplan serve`: the web workspace for HR staff and its JSON API, in one process.
//!
//! - [`db`]: the embedded SQLite database (users, sessions, datasets and their
//!   uploaded files by version, plans and their files, the audit log).
//! - [`auth`]: passwords (argon2), sessions, CSRF tokens, scopes, login throttling.
//! - [`api`]: the JSON routes under `/api/` and the work they share with the pages.
//! - [`pages`]: the server-rendered pages (Chinese by default, English switch).
//! - [`jobs`]: the plan workers, which run `plan` through the library.
//! - [`views`]: horizon, progress and compare, run by the same workers, with their
//!   routes and pages.

pub mod api;
pub mod auth;
pub mod command;
pub mod db;
pub mod i18n;
pub mod jobs;
pub mod pages;
pub mod rulesets;
pub mod users;
pub mod views;
pub mod why;
pub mod zipup;

// The core's, the files' and the command line's modules, at this crate's root so that
// paths read the same in every crate (`crate::model::Dataset`); not re-exported.
pub(crate) use rotaplan_cli as cli;
pub(crate) use rotaplan_core::{compare, explain, horizon, itinerant, model, plan, rules};
pub(crate) use rotaplan_io::{input, report, xlsx};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;
use std::net::SocketAddr;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The database file inside the workspace folder.
pub const DB_FILE: &str = "rotaplan.db";

pub struct Config {
    pub workspace: PathBuf,
    pub bind: SocketAddr,
    /// Largest request body, in bytes (uploads); larger is 413.
    pub max_upload: usize,
    pub workers: usize,
    pub quiet: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "refusing to listen on {0}, which other machines can reach, while the workspace has \
         no user: add one first with `rotaplan user add --workspace DIR --name NAME --scope \
         admin --password-stdin`, or listen on 127.0.0.1"
    )]
    NoUser(SocketAddr),
    #[error("cannot listen on {addr}: {source} (is another server using this port? try --bind 127.0.0.1:8081)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the workspace {dir}: {source}")]
    Workspace {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("the workspace database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

impl ServeError {
    /// A refusal of what was asked (exit 2), not a failure while serving (exit 1).
    pub fn is_refusal(&self) -> bool {
        matches!(self, ServeError::NoUser(_) | ServeError::Bind { .. })
    }
}

pub struct Inner {
    pub db: db::Db,
    pub jobs: jobs::Jobs,
    pub throttle: Mutex<auth::Throttle>,
    pub workspace: PathBuf,
    pub max_upload: usize,
}

/// The state every handler shares.
#[derive(Clone)]
pub struct App(Arc<Inner>);

impl Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Every route: the JSON API under `/api/`, the pages elsewhere.
pub fn router(app: App) -> Router {
    // The transport limit is above the upload limit, so that an upload somewhat too
    // large is read to its end and answered 413 (api::read_upload).
    let max = app.max_upload.saturating_mul(2).saturating_add(1 << 20);
    Router::new()
        .route("/api/login", post(api::login))
        .route("/api/logout", post(api::logout))
        .route("/api/rules", get(api::rules_list))
        .route("/api/datasets", get(api::datasets).post(api::upload))
        .route("/api/datasets/{id}", get(api::dataset))
        .route("/api/datasets/{id}/pins", put(api::put_pins))
        .route("/api/datasets/{id}/files/{name}", get(api::dataset_file))
        .route("/api/plans", get(api::plans).post(api::submit))
        .route("/api/plans/{id}", get(api::plan).delete(api::cancel))
        .route("/api/plans/{id}/rerun", post(api::rerun))
        .route("/api/plans/{id}/files/{name}", get(api::plan_file))
        .route("/api/audit", get(api::audit))
        .route(
            "/api/rulesets",
            get(rulesets::api_list).post(rulesets::api_save),
        )
        .route("/api/rulesets/{id}", get(rulesets::api_get))
        .route("/api/plans/{id}/explain", get(why::api_explain))
        .route("/rules", get(rulesets::page_get).post(rulesets::page_post))
        .route("/plans/{id}/why", get(why::page_why))
        .route("/plans/{id}/replan", post(why::replan))
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/datasets", get(pages::datasets).post(pages::upload))
        .route("/datasets/{id}", get(pages::dataset))
        .route("/datasets/{id}/pins", post(pages::pins))
        .route("/plans", post(pages::submit))
        .route("/plans/{id}", get(pages::plan))
        .route("/plans/{id}/cancel", post(pages::cancel))
        .route("/plans/{id}/rerun", post(pages::rerun))
        .route("/audit", get(pages::audit))
        .merge(views::routes())
        .layer(DefaultBodyLimit::max(max))
        .with_state(app)
}

/// Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Opens the workspace, recovers plans a previous process left, starts the workers,
/// and serves until Ctrl-C / SIGTERM. Prints `listening on http://ADDR` first.
pub fn run(cfg: Config) -> Result<(), ServeError> {
    std::fs::create_dir_all(&cfg.workspace).map_err(|source| ServeError::Workspace {
        dir: cfg.workspace.clone(),
        source,
    })?;
    let db = db::Db::open(&cfg.workspace.join(DB_FILE))?;
    if !cfg.bind.ip().is_loopback() && db.user_count()? == 0 {
        return Err(ServeError::NoUser(cfg.bind));
    }
    // Work folders of plans a killed process left behind.
    let work = cfg.workspace.join("work");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    let queued = db.recover()?;
    let app = App(Arc::new(Inner {
        db,
        jobs: jobs::Jobs::default(),
        throttle: Mutex::new(auth::Throttle::default()),
        workspace: cfg.workspace.clone(),
        max_upload: cfg.max_upload,
    }));
    for id in queued {
        app.jobs.enqueue(id);
    }
    jobs::start(app.clone(), cfg.workers);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cfg.workers.max(2))
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(cfg.bind)
            .await
            .map_err(|source| ServeError::Bind {
                addr: cfg.bind,
                source,
            })?;
        let addr = listener.local_addr()?;
        // The first line tells scripts (and tests) the port actually bound.
        println!("listening on http://{addr}");
        if !cfg.quiet {
            println!("workspace: {}", cfg.workspace.display());
        }
        let svc = router(app).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, svc)
            .with_graceful_shutdown(stop_signal())
            .await?;
        Ok(())
    })
}
