//! Custom exclusion expressions: `[[eligibility.exclude]] when = "…"`, written in CEL
//! (Common Expression Language) and evaluated with the `cel` crate.
//!
//! An expression sees one teacher, their school and the plan year through the
//! variables of [`EXPR_FIELDS`] (declared in `rules/fields.rs`); it must give a bool (true = excluded). It is compiled
//! once when the rules are read; naming a variable that does not exist, calling a
//! function that does not exist or giving something other than a bool is an error then,
//! not when the plan runs.
//!
//! Evaluation binds no variables: a resolver reads them straight from the teacher and
//! the school on demand, so evaluating an expression costs about as much as the
//! operators it runs (no map of variables is built per teacher).

use crate::model::{School, Teacher};
use cel::common::ast::{operators, EntryExpr, Expr as Ast, IdedExpr, LiteralValue};
use cel::common::types::{CelBool, CelInt, CelString};
use cel::common::value::CowVal;
use cel::context::VariableResolver;
use cel::{Context, Env, ExecutionError, Value};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::fields::{BadValue, EXPR_FIELDS};

/// Type names CEL lets an expression use as identifiers (`type(age) == int`).
const CEL_TYPE_NAMES: &[&str] = &[
    "int",
    "uint",
    "double",
    "bool",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
];

/// Longest expression accepted, in characters: a `when` is a condition, not a program.
const MAX_SOURCE_CHARS: usize = 4000;

/// The values an expression sees for one teacher in one plan year.
#[derive(Debug, Clone, Copy)]
pub struct ExclusionContext<'a> {
    pub teacher: &'a Teacher,
    pub school: &'a School,
    pub year: i32,
    /// The retirement age of the teacher's gender under the rules in force.
    pub retirement_age: i32,
}

/// A compiled exclusion expression. Cheap to clone (the program is shared) and safe to
/// evaluate from many threads at once.
#[derive(Clone)]
pub struct Expr {
    /// The expression as written.
    pub source: String,
    /// The compiled expression, its text values normalised.
    program: Arc<IdedExpr>,
    variables: Vec<String>,
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Expr").field(&self.source).finish()
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

// Evaluated in parallel (rayon): keep these true.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Expr>();
    send_sync::<ExclusionContext<'static>>();
};

/// The standard CEL environment, built once.
fn env() -> &'static Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| Arc::new(Env::stdlib()))
}

/// Why an expression does not compile. Each is reported against the rule file's
/// `when`, with [`ExprError::help`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExprError {
    /// Nothing but spaces.
    #[error("the expression is empty")]
    Empty,
    /// Longer than a condition should be.
    #[error("the expression is longer than {max} characters")]
    TooLong { max: usize },
    /// Not CEL: `not a valid CEL expression: at column 10: …`.
    #[error("{0}")]
    Syntax(String),
    /// Names variables that are not fields (`names`: each in backticks); `hint` is a
    /// suggestion or the list of fields.
    #[error("unknown field{} {names}{hint}", if *.several { "s" } else { "" })]
    UnknownFields {
        names: String,
        several: bool,
        hint: String,
    },
    /// Compares an enumerated field with a value it never takes (one message each).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    BadValues(Vec<BadValue>),
    /// Fails on any teacher: an unknown function, operands of the wrong type, or a
    /// result that is not a bool.
    #[error("{0}")]
    Fails(EvalError),
}

impl ExprError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            ExprError::Empty | ExprError::Syntax(_) => {
                "write a CEL condition such as \"status == 'maternity' && age < 40\""
            }
            ExprError::TooLong { .. } => "split the condition into several exclusions",
            ExprError::UnknownFields { .. } => {
                "use the fields of the README's table; text values go in single quotes"
            }
            ExprError::BadValues(_) => "write one of the values the field takes",
            ExprError::Fails(_) => "the condition must give true or false for every teacher",
        }
    }
}

impl Expr {
    /// Compiles an expression. Errors: it does not parse; it names a variable that is
    /// not one of [`EXPR_FIELDS`]; it calls an unknown function, applies an operator
    /// to the wrong types or does not give a bool (found by trying it on two sample
    /// teachers).
    pub fn parse(source: &str) -> Result<Expr, ExprError> {
        if source.trim().is_empty() {
            return Err(ExprError::Empty);
        }
        if source.chars().count() > MAX_SOURCE_CHARS {
            return Err(ExprError::TooLong {
                max: MAX_SOURCE_CHARS,
            });
        }
        let compiled = env()
            .compile(source)
            .map_err(|e| ExprError::Syntax(syntax_message(&e)))?;
        let mut program = compiled.expression().clone();
        drop(compiled);
        let mut used = BTreeSet::new();
        let mut bound = Vec::new();
        free_variables(&program, &mut bound, &mut used);
        let unknown: Vec<&String> = used
            .iter()
            .filter(|v| !EXPR_FIELDS.contains(&v.as_str()) && !CEL_TYPE_NAMES.contains(&v.as_str()))
            .collect();
        if let Some(first) = unknown.first() {
            let names = unknown
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let hint = if let Some(s) = super::suggest::closest(first, EXPR_FIELDS.iter().copied())
            {
                format!(" (did you mean `{s}`?)")
            } else if first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && unknown.len() == 1
            {
                format!(
                    " (a text value needs quotes: '{first}'); fields are: {}",
                    EXPR_FIELDS.join(", ")
                )
            } else {
                format!("; fields are: {}", EXPR_FIELDS.join(", "))
            };
            return Err(ExprError::UnknownFields {
                names,
                several: unknown.len() > 1,
                hint,
            });
        }
        let mut bad_values = Vec::new();
        normalise_values(&mut program, &mut Vec::new(), &mut bad_values);
        if !bad_values.is_empty() {
            return Err(ExprError::BadValues(bad_values));
        }
        let variables = used
            .into_iter()
            .filter(|v| EXPR_FIELDS.contains(&v.as_str()))
            .collect();
        let expr = Expr {
            source: source.to_string(),
            program: Arc::new(program),
            variables,
        };
        expr.trial()?;
        Ok(expr)
    }

    /// Whether the expression is true for this teacher (true = excluded). Errors: the
    /// expression fails at run time (e.g. division by zero) or does not give a bool.
    pub fn eval(&self, ctx: &ExclusionContext<'_>) -> Result<bool, EvalError> {
        match self.run(ctx) {
            Ok(v) => as_bool(&v),
            Err(e) => Err(EvalError::of(&e)),
        }
    }

    /// The fields of [`EXPR_FIELDS`] the expression names, sorted.
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    fn run(&self, ctx: &ExclusionContext<'_>) -> Result<Value, ExecutionError> {
        let resolver = Fields(ctx);
        let mut context = Context::with_env(Arc::clone(env()));
        context.set_variable_resolver(&resolver);
        Value::resolve(&self.program, &context)
    }

    /// Runs the expression on two sample teachers, so that errors that do not depend
    /// on the values (unknown functions, wrong operand types, a non-bool result) are
    /// reported when the rules are read.
    fn trial(&self) -> Result<(), ExprError> {
        for (teacher, school) in samples() {
            let ctx = ExclusionContext {
                teacher: &teacher,
                school: &school,
                year: 2021,
                retirement_age: 60,
            };
            match self.run(&ctx) {
                Ok(v) => {
                    as_bool(&v).map_err(ExprError::Fails)?;
                }
                Err(
                    e @ (ExecutionError::UndeclaredReference(_)
                    | ExecutionError::NoSuchOverload(_)
                    | ExecutionError::NotSupportedAsMethod { .. }
                    | ExecutionError::InvalidArgumentCount { .. }),
                ) => return Err(ExprError::Fails(EvalError::of(&e))),
                // Value-dependent failures (division by zero, a bad index, …) are not
                // the expression's fault on made-up values.
                Err(_) => {}
            }
        }
        Ok(())
    }
}

/// Why an expression gave no true or false for one teacher: a run-time failure, in
/// words without the interpreter's internal value dumps (`Division by zero of Int(1)`
/// is [`EvalError::DivisionByZero`], `division by zero`), or a value that is not a bool.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The expression gives a value of another type (`ty`, as CEL names it).
    #[error("the expression gives a value of type {ty}, not a bool (true = excluded)")]
    NotBool { ty: String },
    #[error("division by zero")]
    DivisionByZero,
    #[error("remainder (%) by zero")]
    RemainderByZero,
    /// Whole-number overflow of the operator `op`.
    #[error("the result of `{op}` is too large for a whole number")]
    Overflow { op: String },
    #[error("a list index is out of range")]
    IndexOutOfRange,
    /// A comparison of two values of different types (`a`, `b`: their CEL types).
    #[error("a {a} value cannot be compared with a {b} value")]
    NotComparable { a: String, b: String },
    /// The operator `op` between operands of these types.
    #[error("`{op}` cannot be applied to a {a} and a {b}")]
    Operator { op: String, a: String, b: String },
    #[error("this value cannot be indexed so")]
    BadIndex,
    #[error("a map repeats a key")]
    DuplicateKey,
    #[error("no such key `{0}`")]
    NoSuchKey(String),
    /// A function of the expression failed.
    #[error("{function}(): {message}")]
    Function { function: String, message: String },
    /// Another failure whose message would show the interpreter's values.
    #[error("the expression cannot be evaluated for this teacher")]
    Opaque,
    /// Another failure, in the interpreter's words (they show no values).
    #[error("{0}")]
    Other(String),
}

impl EvalError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        "fix the expression so that it gives true or false for every teacher"
    }

    fn of(e: &ExecutionError) -> EvalError {
        match e {
            ExecutionError::DivisionByZero(_) => EvalError::DivisionByZero,
            ExecutionError::RemainderByZero(_) => EvalError::RemainderByZero,
            ExecutionError::Overflow(op, _, _) => EvalError::Overflow { op: op.to_string() },
            ExecutionError::IndexOutOfBounds(_) => EvalError::IndexOutOfRange,
            ExecutionError::ValuesNotComparable(a, b) => EvalError::NotComparable {
                a: a.type_of().to_string(),
                b: b.type_of().to_string(),
            },
            ExecutionError::UnsupportedBinaryOperator(op, a, b) => EvalError::Operator {
                op: op.to_string(),
                a: a.type_of().to_string(),
                b: b.type_of().to_string(),
            },
            ExecutionError::UnsupportedIndex(_, _) => EvalError::BadIndex,
            ExecutionError::DuplicateKey(_) => EvalError::DuplicateKey,
            ExecutionError::NoSuchKey(k) => EvalError::NoSuchKey(k.to_string()),
            ExecutionError::FunctionError { function, message } => EvalError::Function {
                function: function.clone(),
                message: message.clone(),
            },
            other => {
                // Other messages carry no value dumps; keep them.
                let m = other.to_string();
                if m.contains("Int(") || m.contains("String(") || m.contains("Value") {
                    EvalError::Opaque
                } else {
                    EvalError::Other(m)
                }
            }
        }
    }
}

/// How a text value compared with `field` is normalised: `None` for a field whose
/// values are free text (names, ids, districts).
fn normalise_value(field: &str, lit: &str) -> Option<Result<String, BadValue>> {
    super::fields::field(field)?
        .normalise
        .map(|f| f(field, lit))
}

/// The field an operand names, when it is a free variable.
fn field_of<'e>(e: &'e IdedExpr, bound: &[String]) -> Option<&'e str> {
    match &e.expr {
        Ast::Ident(name) if !bound.iter().any(|b| b == name) => Some(name),
        _ => None,
    }
}

/// Rewrites a text literal compared with `field` into its English word.
fn normalise_literal(e: &mut IdedExpr, field: &str, errors: &mut Vec<BadValue>) {
    if let Ast::Literal(LiteralValue::String(lit)) = &mut e.expr {
        match normalise_value(field, lit.inner()) {
            Some(Ok(word)) => *lit = CelString::from(word),
            Some(Err(msg)) => errors.push(msg),
            None => {}
        }
    }
}

/// Normalises every text value compared with an enumerated field or `subject`:
/// `field == 'v'`, `'v' == field`, `!=` likewise, and `field in ['v', …]`.
fn normalise_values(e: &mut IdedExpr, bound: &mut Vec<String>, errors: &mut Vec<BadValue>) {
    match &mut e.expr {
        Ast::Unspecified | Ast::Literal(_) | Ast::Ident(_) => {}
        Ast::Call(call) => {
            let is_cmp =
                call.func_name == operators::EQUALS || call.func_name == operators::NOT_EQUALS;
            if let (true, [a, b]) = (is_cmp, call.args.as_mut_slice()) {
                if let Some(f) = field_of(a, bound).map(str::to_string) {
                    normalise_literal(b, &f, errors);
                } else if let Some(f) = field_of(b, bound).map(str::to_string) {
                    normalise_literal(a, &f, errors);
                }
            }
            if let (true, [a, list]) = (call.func_name == operators::IN, call.args.as_mut_slice()) {
                if let (Some(f), Ast::List(l)) =
                    (field_of(a, bound).map(str::to_string), &mut list.expr)
                {
                    for x in &mut l.elements {
                        normalise_literal(x, &f, errors);
                    }
                }
            }
            if let Some(t) = &mut call.target {
                normalise_values(t, bound, errors);
            }
            for a in &mut call.args {
                normalise_values(a, bound, errors);
            }
        }
        Ast::Comprehension(c) => {
            normalise_values(&mut c.iter_range, bound, errors);
            normalise_values(&mut c.accu_init, bound, errors);
            let depth = bound.len();
            bound.push(c.iter_var.clone());
            if let Some(v2) = &c.iter_var2 {
                bound.push(v2.clone());
            }
            bound.push(c.accu_var.clone());
            normalise_values(&mut c.loop_cond, bound, errors);
            normalise_values(&mut c.loop_step, bound, errors);
            normalise_values(&mut c.result, bound, errors);
            bound.truncate(depth);
        }
        Ast::List(l) => {
            for x in &mut l.elements {
                normalise_values(x, bound, errors);
            }
        }
        Ast::Map(m) => {
            for entry in &mut m.entries {
                match &mut entry.expr {
                    EntryExpr::StructField(f) => normalise_values(&mut f.value, bound, errors),
                    EntryExpr::MapEntry(m) => {
                        normalise_values(&mut m.key, bound, errors);
                        normalise_values(&mut m.value, bound, errors);
                    }
                }
            }
        }
        Ast::Struct(st) => {
            for entry in &mut st.entries {
                if let EntryExpr::StructField(f) = &mut entry.expr {
                    normalise_values(&mut f.value, bound, errors);
                }
            }
        }
        Ast::Select(sel) => normalise_values(&mut sel.operand, bound, errors),
    }
}

fn as_bool(v: &Value) -> Result<bool, EvalError> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(EvalError::NotBool {
            ty: other.type_of().to_string(),
        }),
    }
}

/// The first parse error, short: `not a valid CEL expression: at column 10: mismatched
/// input '<EOF>'` (the parser's list of expected tokens left out).
fn syntax_message(e: &cel::ParseErrors) -> String {
    let Some(first) = e.errors.first() else {
        return "not a valid CEL expression".into();
    };
    let msg = first.msg.trim();
    let msg = msg.strip_prefix("Syntax error: ").unwrap_or(msg);
    // A nested error is shown as its Debug form: keep its message only.
    let msg = match msg.split_once("msg: \"") {
        Some((_, inner)) => inner.split('"').next().unwrap_or(inner),
        None => msg,
    };
    let msg = match msg.find(" expecting ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    let at = if first.pos.0 > 1 {
        format!("at line {} column {}: ", first.pos.0, first.pos.1)
    } else if first.pos.1 > 0 {
        format!("at column {}: ", first.pos.1)
    } else {
        String::new()
    };
    format!("not a valid CEL expression: {at}{msg}")
}

/// The identifiers an expression reads that are not bound by a comprehension
/// (`list.exists(x, …)` binds `x`).
fn free_variables(e: &IdedExpr, bound: &mut Vec<String>, out: &mut BTreeSet<String>) {
    match &e.expr {
        Ast::Unspecified | Ast::Literal(_) => {}
        Ast::Ident(name) => {
            if !name.starts_with('@') && !bound.iter().any(|b| b == name) {
                out.insert(name.clone());
            }
        }
        Ast::Call(call) => {
            if let Some(t) = &call.target {
                free_variables(t, bound, out);
            }
            for a in &call.args {
                free_variables(a, bound, out);
            }
        }
        Ast::Comprehension(c) => {
            free_variables(&c.iter_range, bound, out);
            free_variables(&c.accu_init, bound, out);
            let depth = bound.len();
            bound.push(c.iter_var.clone());
            if let Some(v2) = &c.iter_var2 {
                bound.push(v2.clone());
            }
            bound.push(c.accu_var.clone());
            free_variables(&c.loop_cond, bound, out);
            free_variables(&c.loop_step, bound, out);
            free_variables(&c.result, bound, out);
            bound.truncate(depth);
        }
        Ast::List(l) => {
            for x in &l.elements {
                free_variables(x, bound, out);
            }
        }
        Ast::Map(m) => {
            for entry in &m.entries {
                entry_variables(&entry.expr, bound, out);
            }
        }
        Ast::Struct(s) => {
            for entry in &s.entries {
                entry_variables(&entry.expr, bound, out);
            }
        }
        Ast::Select(s) => free_variables(&s.operand, bound, out),
    }
}

fn entry_variables(e: &EntryExpr, bound: &mut Vec<String>, out: &mut BTreeSet<String>) {
    match e {
        EntryExpr::StructField(f) => free_variables(&f.value, bound, out),
        EntryExpr::MapEntry(m) => {
            free_variables(&m.key, bound, out);
            free_variables(&m.value, bound, out);
        }
    }
}

/// Reads the variables of [`EXPR_FIELDS`] from a teacher and school on demand.
struct Fields<'a>(&'a ExclusionContext<'a>);

impl VariableResolver for Fields<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        use super::fields::FieldValue;
        Some(match (super::fields::field(variable)?.read)(self.0) {
            FieldValue::Str(v) => CowVal::owned(CelString::from(v)),
            FieldValue::Int(v) => CowVal::owned(CelInt::from(v)),
            FieldValue::Bool(v) => CowVal::owned(CelBool::from(v)),
        })
    }
}

/// Two made-up teachers with opposite values, for [`Expr::trial`].
fn samples() -> [(Teacher, School); 2] {
    use crate::model::{Backbone, Gender, Locality, Role, SchoolId, Stage, Status, Subject};
    use crate::model::{TeacherId, Title};
    let teacher = |female: bool| Teacher {
        id: TeacherId::new(if female { "T2" } else { "T1" }),
        name: if female { "王芳" } else { "" }.into(),
        gender: if female { Gender::F } else { Gender::M },
        birth_year: if female { 1970 } else { 1990 },
        school: SchoolId::new("S1"),
        subject: Subject::normalise(if female { "math" } else { "" }),
        title: if female { Title::Senior } else { Title::None },
        backbone: if female {
            Backbone::City
        } else {
            Backbone::None
        },
        role: if female {
            Role::Principal
        } else {
            Role::Teacher
        },
        joined_school_year: 2010,
        status: if female {
            Status::Maternity
        } else {
            Status::Active
        },
        volunteer: female,
        birth_month: 1,
        retirement_age: None,
    };
    let school = |weak: bool| School {
        id: SchoolId::new("S1"),
        name: "".into(),
        district: if weak { "东湖区" } else { "" }.into(),
        township: weak.then(|| "town".to_string()),
        locality: if weak {
            Locality::Rural
        } else {
            Locality::Urban
        },
        weak,
        stage: if weak {
            Stage::NineYear
        } else {
            Stage::Primary
        },
        coord: None,
        staff: weak.then_some(40),
    };
    [
        (teacher(false), school(false)),
        (teacher(true), school(true)),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::{Backbone, Gender, Status, Title};

    fn teacher() -> Teacher {
        Teacher {
            name: "李娜".into(),
            gender: Gender::F,
            title: Title::Intermediate,
            backbone: Backbone::County,
            status: Status::Maternity,
            ..Teacher::new("T001", "S01", "math", 1990, 2012)
        }
    }

    fn school() -> School {
        School::new("S01", "南昌市第一小学", "东湖区")
    }

    /// The context the tests evaluate in: `t` at `s` in 2023, retiring at 55.
    fn context<'a>(t: &'a Teacher, s: &'a School) -> ExclusionContext<'a> {
        ExclusionContext {
            teacher: t,
            school: s,
            year: 2023,
            retirement_age: 55,
        }
    }

    fn eval(src: &str) -> Result<bool, EvalError> {
        let (t, s) = (teacher(), school());
        let ctx = context(&t, &s);
        let x = Expr::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        x.eval(&ctx)
    }

    #[test]
    fn evaluates_every_field() {
        let cases = [
            "teacher_id == 'T001'",
            "name == '李娜'",
            "gender == 'F'",
            "birth_year == 1990",
            "age == 33",
            "school_id == 'S01'",
            "subject == 'math'",
            "title == 'intermediate'",
            "backbone == 'county'",
            "is_backbone",
            "role == 'teacher'",
            "joined_school_year == 2012",
            "years_at_school == 11",
            "status == 'maternity'",
            "!volunteer",
            "retirement_age == 55",
            "years_to_retirement == 22",
            "year == 2023",
            "school_name.startsWith('南昌')",
            "district == '东湖区'",
            "township == ''",
            "locality == 'urban'",
            "!weak",
            "stage == 'primary'",
            "staff == -1",
        ];
        assert_eq!(cases.len(), EXPR_FIELDS.len());
        for (case, field) in cases.iter().zip(EXPR_FIELDS) {
            assert!(case.contains(field), "{case} should test {field}");
            assert_eq!(eval(case), Ok(true), "{case}");
        }
        assert_eq!(eval("status == 'active'"), Ok(false));
        assert_eq!(
            eval("subject in ['music', 'art'] || (age < 35 && gender == 'F')"),
            Ok(true)
        );
        assert_eq!(
            eval("['东湖区', '西湖区'].exists(d, d == district)"),
            Ok(true)
        );
        assert_eq!(eval("[1, 2].all(x, x < age)"), Ok(true));
    }

    #[test]
    fn rejects_bad_expressions() {
        let e = Expr::parse("status == ").unwrap_err().to_string();
        assert!(e.contains("not a valid CEL expression"), "{e}");
        let e = Expr::parse("stauts == 'maternity'")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown field `stauts`") && e.contains("`status`"),
            "{e}"
        );
        let e = Expr::parse("status == maternity").unwrap_err().to_string();
        assert!(
            e.contains("unknown field `maternity`") && e.contains("quotes"),
            "{e}"
        );
        let e = Expr::parse("age + 1").unwrap_err().to_string();
        assert!(e.contains("not a bool"), "{e}");
        let e = Expr::parse("nosuchfn(age)").unwrap_err().to_string();
        assert!(e.contains("nosuchfn"), "{e}");
        let e = Expr::parse("age > 'forty'").unwrap_err().to_string();
        assert!(e.contains("overload"), "{e}");
        assert!(Expr::parse("").is_err());
        assert!(Expr::parse(&"(".repeat(5000)).is_err());
        let e = Expr::parse(&format!("{}1{}", "[".repeat(300), "]".repeat(300)))
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("Recursion limit of 96 exceeded"), "{e}");
        assert!(Expr::parse(&format!("{}true{}", "(".repeat(500), ")".repeat(500))).is_err());
    }

    #[test]
    fn chinese_and_any_case_values_match_like_the_english_word() {
        for (zh, en) in [
            ("subject == '数学'", "subject == 'math'"),
            ("status == '产假'", "status == 'maternity'"),
            ("'城区' == locality", "'urban' == locality"),
            ("status != '在岗'", "status != 'active'"),
            (
                "backbone in ['县级', '市级']",
                "backbone in ['county', 'city']",
            ),
            ("gender == '女' && title == 'Intermediate'", "gender == 'F'"),
            ("stage == '小学' && role == '教师'", "stage == 'primary'"),
            ("subject == 'Math'", "subject == 'math'"),
        ] {
            assert_eq!(eval(zh), Ok(true), "{zh}");
            assert_eq!(eval(zh), eval(en), "{zh} vs {en}");
        }
        assert_eq!(eval("locality == '乡村'"), Ok(false));
        // Free-text fields are compared as written.
        assert_eq!(eval("district == '东湖区'"), Ok(true));
        assert_eq!(eval("name == '无'"), Ok(false));
        // A comprehension variable is not the field.
        assert_eq!(eval("['产假'].exists(status, status == '产假')"), Ok(true));
        let e = Expr::parse("status == 'vacation'").unwrap_err().to_string();
        assert!(
            e.contains("'vacation' is not a value of `status`") && e.contains("maternity (产假)"),
            "{e}"
        );
        let e = Expr::parse("locality in ['urban', '城市']")
            .unwrap_err()
            .to_string();
        assert!(e.contains("'城市'") && e.contains("urban (城区)"), "{e}");
    }

    #[test]
    fn runtime_messages_name_no_internal_types() {
        let x = Expr::parse("100 / (staff + 1) > 1").unwrap();
        let (t, s) = (teacher(), school());
        let ctx = context(&t, &s);
        let e = x.eval(&ctx).unwrap_err();
        assert_eq!(e, EvalError::DivisionByZero);
        assert_eq!(e.to_string(), "division by zero");
        let y = Expr::parse("[1, 2][staff + 5] == 1").unwrap();
        let e = y.eval(&ctx).unwrap_err().to_string();
        assert!(!e.contains("Int(") && !e.contains("List("), "{e}");
    }

    #[test]
    fn runtime_errors_are_errors() {
        // Value-dependent: fine on the samples (staff 40 / -1), fails on staff 0.
        let x = Expr::parse("100 / (staff + 1) > 1").unwrap();
        let (t, s) = (teacher(), school());
        let ctx = context(&t, &s);
        assert!(x
            .eval(&ctx)
            .unwrap_err()
            .to_string()
            .to_lowercase()
            .contains("division"));
        assert_eq!(x.variables(), ["staff".to_string()]);
    }

    #[test]
    fn shared_across_threads() {
        let x = Expr::parse("status == 'maternity' && age < 40").unwrap();
        let (t, s) = (teacher(), school());
        std::thread::scope(|sc| {
            for _ in 0..4 {
                let x = x.clone();
                let (t, s) = (&t, &s);
                sc.spawn(move || {
                    assert_eq!(x.eval(&context(t, s)), Ok(true));
                });
            }
        });
    }
}
