//! `rotaplan verify --plan F --year Y`: checks a plan made elsewhere (by hand, in
//! Excel, by an older version) against every hard rule, and sets its figures beside
//! the optimum's; with `--previous P`, how many of its moves P has too (`kept`). Exit 0
//! valid, 4 when a rule is broken (the files are written all the same), 2 when a file
//! is malformed (nothing written).

use super::common::{check_period, prepare_out, write_out, PlanFileInputs};
use super::Exit;
use clap::Args;
use rotaplan_core::plan::{plan_year, PlanError, PlanOptions};
use rotaplan_core::verify::{check_rows, Checked, Violation};
use rotaplan_io::input::plan_file::{load_plan, PlanFile};
use rotaplan_io::output::{csv_table, Staged};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct VerifyArgs {
    // The rules, the data and the plan to check (`--plan`).
    #[command(flatten)]
    pub inputs: PlanFileInputs,
    /// An earlier plan (plan.csv or plan.xlsx, edited or not): verify.json `kept`
    /// counts the moves of --plan that it has too (same teacher, same host school).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Plan year Y the plan is for.
    #[arg(long, value_parser = super::common::parse_year)]
    pub year: i32,
    /// Accept a --year outside the rules' plan period ([plan] first_year..last_year).
    #[arg(long)]
    pub any_year: bool,
    /// Output folder for violations.csv and verify.json.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace --out even when it holds files rotaplan did not write or another
    /// command's output.
    #[arg(long)]
    pub force: bool,
    /// Seconds the solver may spend on one component of the optimum the plan is
    /// compared with.
    #[arg(long, default_value_t = 120.0, value_name = "SECONDS", value_parser = super::common::parse_seconds)]
    pub time_limit: f64,
}

/// violations.csv's columns (pin_row: the row in pins.csv, for a pin's violation).
pub const VIOLATIONS_HEADER: [&str; 5] = ["plan_row", "teacher_id", "rule", "detail", "pin_row"];

/// verify.json.
#[derive(Debug, Serialize)]
struct VerifyJson<'a> {
    year: i32,
    rules_name: &'a str,
    plan: &'a str,
    /// Moves in the plan file (rows read).
    moves: usize,
    valid: bool,
    violations: usize,
    /// Violations per rule id.
    by_rule: BTreeMap<&'a str, usize>,
    shortfall: u64,
    filled_priority: u64,
    sent: u64,
    posts_filled: u64,
    /// Moves of the plan that the `--previous` plan has too (same teacher, same host
    /// school); null without `--previous`.
    kept: Option<u64>,
    /// Moved teachers placed at their wish of rank 1..5 (no wishes file: zeros).
    wishes_met: [u64; 5],
    optimal_shortfall: u64,
    optimal_filled_priority: u64,
    /// Whether the optimum above is proven (false: the solver's time limit ran out).
    optimal_proven: bool,
}

/// The rows of violations.csv.
fn violation_rows(violations: &[Violation]) -> Vec<Vec<String>> {
    violations
        .iter()
        .map(|v| {
            let pin_row = match &v.broken {
                rotaplan_core::verify::Broken::Pin { pin_row, .. } => pin_row.to_string(),
                _ => String::new(),
            };
            vec![
                v.plan_row.map_or(String::new(), |r| r.to_string()),
                v.teacher.to_string(),
                v.rule().to_string(),
                v.detail(),
                pin_row,
            ]
        })
        .collect()
}

pub fn run(a: &VerifyArgs, quiet: bool) -> Exit {
    let inputs = a.inputs.paths(a.previous.clone());
    let out = match prepare_out(&a.out, "verify", &inputs, a.force) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let stages = crate::progress::stages(
        &["loading data", "checking", "solving the optimum", "writing"],
        quiet,
    );
    // Both the plan file and the data are read before giving up, so that one run
    // lists every problem in either.
    let plan = load_plan(&a.inputs.plan);
    match &plan {
        Err(e) => eprintln!("{e}"),
        Ok(p) => {
            for n in &p.notices {
                eprintln!("notice: {n}");
            }
        }
    }
    let previous = a.previous.as_deref().map(load_plan);
    if let Some(p) = &previous {
        match p {
            Err(e) => eprintln!("{e}"),
            Ok(p) => {
                for n in &p.notices {
                    eprintln!("notice: {n}");
                }
            }
        }
    }
    let (rules, loaded) = match a.inputs.load() {
        Ok(x) => x,
        Err(e) => return e,
    };
    let (plan, previous): (PlanFile, Option<PlanFile>) = match (plan, previous.transpose()) {
        (Ok(p), Ok(q)) => (p, q),
        _ => {
            eprintln!("nothing was written.");
            return Exit::Invalid;
        }
    };
    if let Err(e) = check_period(&rules, a.year, a.any_year) {
        eprintln!("error: {e}\nnothing was written.");
        return Exit::Invalid;
    }
    let data = &loaded.data;
    crate::progress::next_stage(&stages, "checking");
    let mut checked: Checked = check_rows(data, &rules, a.year, &data.ledger, &plan.rows);
    // Pins (pins.csv) are checked by their own checker, on the plan's ids alone; its
    // findings follow the rows' violations, in pin row order.
    let placed: Vec<(&str, &str)> = plan
        .rows
        .iter()
        .map(|r| (r.teacher_id.as_str(), r.to_school.as_str()))
        .collect();
    let broken = rotaplan_core::verify::pins::check_pins(&data.steering.pins, a.year, &placed);
    checked.violations.extend(
        broken
            .into_iter()
            .map(|p| Violation::from_pin(p, &plan.rows)),
    );
    crate::progress::next_stage(&stages, "solving the optimum: components solved");
    let opts = PlanOptions {
        time_limit: a.time_limit,
        progress: Some(crate::progress::sink(&stages)),
        ..PlanOptions::default()
    };
    let optimum = match plan_year(data, &rules, a.year, &data.ledger, &opts) {
        Ok(p) => p,
        Err(e @ PlanError::Exclusion(_)) => {
            eprintln!("{}: {e}\nnothing was written.", rules.source);
            return Exit::Invalid;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    };
    stages.set_position(2);
    stages.set_length(4);
    crate::progress::next_stage(&stages, "writing");
    let f = &checked.figures;
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &checked.violations {
        *by_rule.entry(v.rule()).or_default() += 1;
    }
    let json = VerifyJson {
        year: a.year,
        rules_name: &rules.plan.name,
        plan: &plan.file,
        moves: plan.rows.len(),
        valid: checked.violations.is_empty(),
        violations: checked.violations.len(),
        by_rule,
        shortfall: f.shortfall,
        filled_priority: f.filled_priority,
        sent: f.sent,
        posts_filled: f.posts_filled,
        kept: previous.as_ref().map(|p| kept(&plan, p)),
        wishes_met: data
            .steering
            .wishes_met(plan.rows.iter().map(|r| (&r.teacher_id, &r.to_school))),
        optimal_shortfall: optimum.check.shortfall,
        optimal_filled_priority: optimum.check.filled_priority,
        optimal_proven: optimum.optimal,
    };
    let mut staged = Staged::default();
    match csv_table(&VIOLATIONS_HEADER, &violation_rows(&checked.violations)) {
        Ok(b) => staged.add("violations.csv", b),
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    }
    match serde_json::to_vec_pretty(&json) {
        Ok(mut b) => {
            b.push(b'\n');
            staged.add("verify.json", b);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    }
    if let Err(e) = write_out(&out, &staged) {
        return e;
    }
    stages.finish_and_clear();
    if !quiet {
        print!("{}", render(&json, &checked.violations));
        println!("wrote {}", a.out.display());
    }
    if checked.violations.is_empty() {
        Exit::Done
    } else {
        Exit::Violations
    }
}

/// Moves of `plan` (distinct teacher and host school) that `previous` has too.
fn kept(plan: &PlanFile, previous: &PlanFile) -> u64 {
    let before: std::collections::HashSet<(&str, &str)> = previous
        .rows
        .iter()
        .map(|r| (r.teacher_id.as_str(), r.to_school.as_str()))
        .collect();
    let now: std::collections::HashSet<(&str, &str)> = plan
        .rows
        .iter()
        .map(|r| (r.teacher_id.as_str(), r.to_school.as_str()))
        .collect();
    now.intersection(&before).count() as u64
}

/// Violations shown on the terminal; all of them are in violations.csv.
const SHOWN: usize = 20;

fn render(j: &VerifyJson<'_>, violations: &[Violation]) -> String {
    let mut s = format!("plan {} for {}: {} move(s)\n", j.plan, j.year, j.moves);
    if j.valid {
        s.push_str("valid: every hard rule holds\n");
    } else {
        s.push_str(&format!("NOT valid: {} broken rule(s)\n", j.violations));
        for v in violations.iter().take(SHOWN) {
            s.push_str(&format!("  {v}\n"));
        }
        if violations.len() > SHOWN {
            s.push_str(&format!(
                "  … and {} more in violations.csv\n",
                violations.len() - SHOWN
            ));
        }
    }
    if let Some(k) = j.kept {
        s.push_str(&format!("kept {k} move(s) of the previous plan\n"));
    }
    let proven = if j.optimal_proven { "" } else { ", not proven" };
    s.push_str(&format!(
        "shortfall {} (optimum {}{proven}), filled priority {} (optimum {})\n",
        j.shortfall, j.optimal_shortfall, j.filled_priority, j.optimal_filled_priority
    ));
    s
}
