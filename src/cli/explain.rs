//! `rotaplan explain --teacher ID --year Y` / `explain --school ID --year Y`.

use super::common::{load_all, DataArgs, RuleArgs};
use super::Exit;
use crate::explain::{explain_school, explain_teacher, render_school, render_teacher};
use crate::plan::{plan_year, Method, PlanOptions};
use clap::Args;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Teacher id (工号) or exact name (姓名).
    #[arg(long, alias = "工号", value_name = "ID", conflicts_with = "school")]
    pub teacher: Option<String>,
    /// School id (学校代码) or exact name (学校名称).
    #[arg(long, alias = "学校代码", value_name = "ID")]
    pub school: Option<String>,
    /// Plan year Y.
    #[arg(long, alias = "年份")]
    pub year: i32,
    /// The plan to explain: optimal or seniority.
    #[arg(long, value_enum, default_value_t = Method::Optimal)]
    pub method: Method,
    #[arg(long, default_value_t = 120.0, value_name = "SECONDS")]
    pub time_limit: f64,
}

pub fn run(a: &ExplainArgs, _quiet: bool) -> Exit {
    if a.teacher.is_none() && a.school.is_none() {
        eprintln!("explain: give --teacher ID (工号) or --school ID (学校代码)");
        return Exit::Invalid;
    }
    let (rules, loaded) = match load_all(&a.rules, &a.data) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let data = &loaded.data;
    let opts = PlanOptions {
        time_limit: a.time_limit,
        method: a.method,
    };
    let plan = match plan_year(data, &rules, a.year, &data.ledger, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    };
    if let Some(key) = &a.teacher {
        let key = key.trim();
        let found = data
            .teachers
            .iter()
            .position(|t| t.id.as_str() == key)
            .or_else(|| data.teachers.iter().position(|t| t.name == key));
        let Some(t) = found else {
            eprintln!("explain: no teacher with id or name `{key}` in teachers.csv");
            return Exit::Invalid;
        };
        print!(
            "{}",
            render_teacher(
                data,
                &rules,
                a.year,
                &explain_teacher(data, &rules, &plan, t)
            )
        );
    }
    if let Some(key) = &a.school {
        let key = key.trim();
        let found = data
            .schools
            .iter()
            .position(|s| s.id.as_str() == key)
            .or_else(|| data.schools.iter().position(|s| s.name == key));
        let Some(s) = found else {
            eprintln!("explain: no school with id or name `{key}` in schools.csv");
            return Exit::Invalid;
        };
        print!("{}", render_school(data, a.year, &explain_school(&plan, s)));
    }
    Exit::Done
}
