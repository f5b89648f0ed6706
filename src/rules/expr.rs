//! Custom exclusion expressions (placeholder until the CEL-backed version lands).

/// Fields an exclusion expression may name.
pub const EXPR_FIELDS: &[&str] = &[];

#[derive(Debug, Clone)]
pub struct Expr {
    pub source: String,
}

/// The values an expression sees for one teacher in one plan year.
pub struct ExclusionContext<'a> {
    pub teacher: &'a crate::model::Teacher,
    pub school: &'a crate::model::School,
    pub year: i32,
}

impl Expr {
    pub fn parse(source: &str) -> Result<Expr, String> {
        Ok(Expr { source: source.to_string() })
    }
    pub fn eval(&self, _ctx: &ExclusionContext<'_>) -> Result<bool, String> {
        Err("not implemented".into())
    }
}
