//! The commands the report tests run on fixtures/tiny (shared by report_pages.rs and
//! report_outputs.rs): each writes its outputs, report.html included, to `out`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::cli_support::write_file;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const RULES: &str = "rules/nanchang-2021-2025.toml";

pub fn run(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--quiet")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    crate::cli_support::succeeded(args, o);
}

pub fn horizon(out: &Path, lang: &str) {
    run(
        &[
            "horizon",
            "--data",
            "fixtures/tiny",
            "--rules",
            RULES,
            "--lang",
            lang,
        ],
        out,
    );
}

/// A ledger of exchanges made in 2021–2022 (forms of all kinds, one cancelled).
pub fn ledger(dir: &Path) -> PathBuf {
    write_file(
        dir,
        "actual.csv",
        "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
         U1-01,U1,R1,math,transfer,2021,2023,active\n\
         U1-02,U1,R1,math,itinerant,2021,2021,completed\n\
         U1-04,U1,T1,chinese,support,2022,2022,completed\n\
         U1-05,U1,R1,chinese,transfer,2022,2024,cancelled\n",
    )
}

pub fn progress(out: &Path, ledger: &Path, lang: &str) {
    run(
        &[
            "progress",
            "--data",
            "fixtures/tiny",
            "--rules",
            RULES,
            "--ledger",
            ledger.to_str().unwrap(),
            "--as-of",
            "2022",
            "--lang",
            lang,
        ],
        out,
    );
}

pub fn compare(out: &Path, lang: &str) {
    run(
        &[
            "compare",
            "--data",
            "fixtures/tiny",
            "--rules",
            RULES,
            "--rules",
            "rules/variant-cross-district.toml",
            "--year",
            "2021",
            "--seniority",
            "--lang",
            lang,
        ],
        out,
    );
}

pub fn schedule(out: &Path, lang: &str) {
    let plan = out.join("plan");
    run(
        &[
            "plan",
            "--data",
            "fixtures/tiny",
            "--rules",
            RULES,
            "--year",
            "2021",
        ],
        &plan,
    );
    let plan_csv = plan.join("plan.csv");
    run(
        &[
            "schedule",
            "--data",
            "fixtures/tiny",
            "--rules",
            RULES,
            "--plan",
            plan_csv.to_str().unwrap(),
            "--lang",
            lang,
        ],
        &out.join("schedule"),
    );
}
