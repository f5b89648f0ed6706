//! `rotaplan explain --teacher ID --year Y` / `explain --school ID --year Y`.
//! Both flags repeat, so one run (one plan) explains many teachers and schools.

use super::common::{check_period, load_all, PlanInputs};
use super::Exit;
use clap::Args;
use rotaplan_core::explain::{explain_school, explain_teacher, render_school, render_teacher};
use rotaplan_core::model::Id;
use rotaplan_core::plan::{plan_year, Method, PlanOptions};

#[derive(Args, Debug)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub inputs: PlanInputs,
    /// Teacher id (工号) or exact name (姓名); repeat for several.
    #[arg(long, alias = "工号", value_name = "ID")]
    pub teacher: Vec<String>,
    /// School id (学校代码) or exact name (学校名称); repeat for several.
    #[arg(long, alias = "学校代码", value_name = "ID")]
    pub school: Vec<String>,
    /// Plan year Y, inside the rules' plan period.
    #[arg(long, alias = "年份", value_parser = super::common::parse_year)]
    pub year: i32,
    /// Accept a --year outside the rules' plan period.
    #[arg(long)]
    pub any_year: bool,
    /// The plan to explain: optimal or seniority.
    #[arg(long, value_parser = crate::common::method_parser(), default_value_t = Method::Optimal)]
    pub method: Method,
    #[arg(long, default_value_t = 120.0, value_name = "SECONDS", value_parser = super::common::parse_seconds)]
    pub time_limit: f64,
}

/// What a `--teacher` or `--school` key found.
enum Found {
    One(usize),
    None,
    /// Several items have that name (and none has it as id): their indexes.
    Many(Vec<usize>),
}

/// The item whose id is `key`, else the one named `key`: ids are unique, names need
/// not be, and explaining one of two namesakes would explain the wrong person.
fn find<T>(items: &[T], key: &str, id: impl Fn(&T) -> &str, name: impl Fn(&T) -> &str) -> Found {
    if let Some(i) = items.iter().position(|x| id(x) == key) {
        return Found::One(i);
    }
    let named: Vec<usize> = (0..items.len())
        .filter(|&i| items.get(i).is_some_and(|x| name(x) == key))
        .collect();
    match named.as_slice() {
        [] => Found::None,
        [i] => Found::One(*i),
        _ => Found::Many(named),
    }
}

/// The refusal for a name shared by several items, listing them with their ids.
fn ambiguous(what: &str, key: &str, file: &str, ids: Vec<String>) -> String {
    format!(
        "explain: {} {what}s in {file} are named `{key}`: {}; give the id instead \
         (--{what} ID)",
        ids.len(),
        ids.join(", ")
    )
}

pub fn run(a: &ExplainArgs, _quiet: bool) -> Exit {
    if a.teacher.is_empty() && a.school.is_empty() {
        eprintln!("explain: give --teacher ID (工号) or --school ID (学校代码)");
        return Exit::Invalid;
    }
    let (rules, mut loaded) = match load_all(&a.inputs.rules, &a.inputs.data) {
        Ok(x) => x,
        Err(e) => return e,
    };
    if let Err(e) = a.inputs.previous.load_into(&mut loaded.data) {
        return e;
    }
    let data = &loaded.data;
    let mut missing = Vec::new();
    if let Err(e) = check_period(&rules, a.year, a.any_year) {
        missing.push(format!("explain: {e}"));
    }
    let mut teachers = Vec::new();
    for key in a.teacher.iter().map(|k| k.trim()) {
        match find(&data.teachers, key, |t| t.id.as_str(), |t| t.name.as_str()) {
            Found::One(t) => teachers.push(Id::new(t)),
            Found::None => missing.push(format!(
                "explain: no teacher with id or name `{key}` in teachers.csv"
            )),
            Found::Many(found) => {
                let ids = found
                    .iter()
                    .filter_map(|&i| data.teachers.get(i))
                    .map(|t| format!("{} (school {}, {})", t.id, t.school, t.subject.as_str()))
                    .collect();
                missing.push(ambiguous("teacher", key, "teachers.csv", ids));
            }
        }
    }
    let mut schools = Vec::new();
    for key in a.school.iter().map(|k| k.trim()) {
        match find(&data.schools, key, |s| s.id.as_str(), |s| s.name.as_str()) {
            Found::One(s) => schools.push(Id::new(s)),
            Found::None => missing.push(format!(
                "explain: no school with id or name `{key}` in schools.csv"
            )),
            Found::Many(found) => {
                let ids = found
                    .iter()
                    .filter_map(|&i| data.schools.get(i))
                    .map(|s| format!("{} ({})", s.id, s.district))
                    .collect();
                missing.push(ambiguous("school", key, "schools.csv", ids));
            }
        }
    }
    if !missing.is_empty() {
        eprintln!("{}\nnothing was explained.", missing.join("\n"));
        return Exit::Invalid;
    }
    let opts = PlanOptions {
        time_limit: a.time_limit,
        method: a.method,
        progress: None,
        cancel: None,
        ..PlanOptions::default()
    };
    let plan = match plan_year(data, &rules, a.year, &data.ledger, &opts) {
        Ok(p) => p,
        Err(e @ rotaplan_core::plan::PlanError::Pins(_)) => {
            eprintln!("error: {e}");
            return Exit::Invalid;
        }
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
            let it = rotaplan_core::itinerant::explain::explain_teacher(
                data, &rules, a.year, &moved, p, teacher,
            );
            blocks.push(rotaplan_core::itinerant::explain::render_teacher(
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
            let it = rotaplan_core::itinerant::explain::explain_school(p, school);
            blocks.push(rotaplan_core::itinerant::explain::render_school(
                &it, &school.id, a.year,
            ));
        }
    }
    print!("{}", blocks.join("\n"));
    Exit::Done
}
