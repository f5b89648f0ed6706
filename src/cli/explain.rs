//! `rotaplan explain --teacher ID --year Y` / `explain --school ID --year Y`.
//! Both flags repeat, so one run (one plan) explains many teachers and schools.

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
    /// Teacher id (工号) or exact name (姓名); repeat for several.
    #[arg(long, alias = "工号", value_name = "ID")]
    pub teacher: Vec<String>,
    /// School id (学校代码) or exact name (学校名称); repeat for several.
    #[arg(long, alias = "学校代码", value_name = "ID")]
    pub school: Vec<String>,
    /// Plan year Y.
    #[arg(long, alias = "年份")]
    pub year: i32,
    /// The plan to explain: optimal or seniority.
    #[arg(long, value_enum, default_value_t = Method::Optimal)]
    pub method: Method,
    #[arg(long, default_value_t = 120.0, value_name = "SECONDS")]
    pub time_limit: f64,
}

/// Index of the first item whose id is `key`, else of the first named `key`.
fn find<T>(
    items: &[T],
    key: &str,
    id: impl Fn(&T) -> &str,
    name: impl Fn(&T) -> &str,
) -> Option<usize> {
    items
        .iter()
        .position(|x| id(x) == key)
        .or_else(|| items.iter().position(|x| name(x) == key))
}

pub fn run(a: &ExplainArgs, _quiet: bool) -> Exit {
    if a.teacher.is_empty() && a.school.is_empty() {
        eprintln!("explain: give --teacher ID (工号) or --school ID (学校代码)");
        return Exit::Invalid;
    }
    let (rules, loaded) = match load_all(&a.rules, &a.data) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let data = &loaded.data;
    let mut missing = Vec::new();
    let mut teachers = Vec::new();
    for key in a.teacher.iter().map(|k| k.trim()) {
        match find(&data.teachers, key, |t| t.id.as_str(), |t| t.name.as_str()) {
            Some(t) => teachers.push(t),
            None => missing.push(format!(
                "explain: no teacher with id or name `{key}` in teachers.csv"
            )),
        }
    }
    let mut schools = Vec::new();
    for key in a.school.iter().map(|k| k.trim()) {
        match find(&data.schools, key, |s| s.id.as_str(), |s| s.name.as_str()) {
            Some(s) => schools.push(s),
            None => missing.push(format!(
                "explain: no school with id or name `{key}` in schools.csv"
            )),
        }
    }
    if !missing.is_empty() {
        eprintln!("{}", missing.join("\n"));
        return Exit::Invalid;
    }
    let opts = PlanOptions {
        time_limit: a.time_limit,
        method: a.method,
        progress: None,
    };
    let plan = match plan_year(data, &rules, a.year, &data.ledger, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    };
    // Itinerant teaching (走教), when the data has needs: the plan's movers take no
    // part. Its explanation is a block of its own after each teacher's or school's.
    let moved: std::collections::BTreeSet<_> = plan
        .moves
        .iter()
        .map(|m| data.teachers[m.teacher].id.clone())
        .collect();
    let itinerant = if data.itinerant.has_needs() {
        match super::itinerant::plan_or_exit(data, &rules, a.year, &moved) {
            Ok(p) => Some(p),
            Err(e) => return e,
        }
    } else {
        None
    };
    let mut blocks = Vec::new();
    for t in teachers {
        let x = explain_teacher(data, &rules, &plan, t);
        blocks.push(render_teacher(data, &rules, a.year, &x));
        if let Some(p) = &itinerant {
            let teacher = &data.teachers[t];
            let it = crate::itinerant::explain::explain_teacher(
                data, &rules, a.year, &moved, p, teacher,
            );
            blocks.push(crate::itinerant::explain::render_teacher(
                &it,
                &teacher.id,
                a.year,
            ));
        }
    }
    for s in schools {
        blocks.push(render_school(data, a.year, &explain_school(&plan, s)));
        if let Some(p) = &itinerant {
            let school = &data.schools[s];
            let it = crate::itinerant::explain::explain_school(p, school);
            blocks.push(crate::itinerant::explain::render_school(
                &it, &school.id, a.year,
            ));
        }
    }
    print!("{}", blocks.join("\n"));
    Exit::Done
}
