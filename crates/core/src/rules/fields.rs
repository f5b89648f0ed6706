//! The variables of an exclusion or `when` expression (CEL), declared once: name, type,
//! meaning, how it is read from a teacher and school, and how a text value compared
//! with it is normalised. The expression compiler (`expr.rs`), its resolver, its error
//! messages and the README's field table (checked by a test below) all come from
//! [`FIELDS`].

use super::expr::ExclusionContext;
use crate::model::{Backbone, Gender, Locality, Role, Stage, Status, Subject, Title, Vocab};

/// A field's value for one teacher in one plan year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FieldValue<'a> {
    Str(&'a str),
    Int(i64),
    Bool(bool),
}

/// Normalises a text value compared with a field: the field's name and the text as
/// written → the English word, or the values the field takes.
type Normalise = fn(&str, &str) -> Result<String, BadValue>;

/// A text value compared with an enumerated field that never takes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{value}' is not a value of `{field}`, so the comparison would never be true; write \
     one of {expected}"
)]
pub struct BadValue {
    pub field: String,
    /// The value as written.
    pub value: String,
    /// The field's values, each as `english (中文)`.
    pub expected: String,
}

/// One variable an expression may name.
pub struct Field {
    pub name: &'static str,
    /// `string`, `int` or `bool`.
    pub ty: &'static str,
    /// The meaning column of the README's field table, word for word.
    pub doc: &'static str,
    pub(crate) read: for<'a> fn(&'a ExclusionContext<'a>) -> FieldValue<'a>,
    /// For an enumerated field or `subject`: how a text value compared with it is read
    /// (the Chinese alias or the English word in any case). `None` for free text.
    pub(crate) normalise: Option<Normalise>,
}

use FieldValue::{Bool, Int, Str};

fn age(c: &ExclusionContext<'_>) -> i64 {
    i64::from(c.year) - i64::from(c.teacher.birth_year)
}

/// The English word of `V` for a text value written in an expression (the English
/// word in any case, or the Chinese alias), or the values it takes.
fn vocab_word<V: Vocab>(field: &str, lit: &str) -> Result<String, BadValue> {
    let t = lit.trim();
    V::TABLE
        .iter()
        .find(|(_, en, zh)| t.eq_ignore_ascii_case(en) || t == *zh)
        .map(|(_, en, _)| (*en).to_string())
        .ok_or_else(|| BadValue {
            field: field.to_string(),
            value: lit.to_string(),
            expected: V::expected(),
        })
}

fn subject_word(_field: &str, lit: &str) -> Result<String, BadValue> {
    Ok(Subject::normalise(lit).as_str().to_string())
}

/// Every field, in the documented order. Enumerated values are their English words,
/// as in the output files (`status == 'maternity'`); subjects are normalised.
pub const FIELDS: &[Field] = &[
    Field {
        name: "teacher_id",
        ty: "string",
        doc: "工号",
        read: |c| Str(c.teacher.id.as_str()),
        normalise: None,
    },
    Field {
        name: "name",
        ty: "string",
        doc: "姓名",
        read: |c| Str(&c.teacher.name),
        normalise: None,
    },
    Field {
        name: "gender",
        ty: "string",
        doc: "`\"M\"` or `\"F\"`",
        read: |c| Str(c.teacher.gender.as_str()),
        normalise: Some(vocab_word::<Gender>),
    },
    Field {
        name: "birth_year",
        ty: "int",
        doc: "出生年份",
        read: |c| Int(i64::from(c.teacher.birth_year)),
        normalise: None,
    },
    Field {
        name: "age",
        ty: "int",
        doc: "`year - birth_year`",
        read: |c| Int(age(c)),
        normalise: None,
    },
    Field {
        name: "school_id",
        ty: "string",
        doc: "the teacher's current school",
        read: |c| Str(c.teacher.school.as_str()),
        normalise: None,
    },
    Field {
        name: "subject",
        ty: "string",
        doc: "normalised English subject (`math`, `physics`, …; others as written)",
        read: |c| Str(c.teacher.subject.as_str()),
        normalise: Some(subject_word),
    },
    Field {
        name: "title",
        ty: "string",
        doc: "`none`, `junior`, `intermediate`, `senior`, `full_senior`",
        read: |c| Str(c.teacher.title.as_str()),
        normalise: Some(vocab_word::<Title>),
    },
    Field {
        name: "backbone",
        ty: "string",
        doc: "`none`, `county`, `city`, `province`",
        read: |c| Str(c.teacher.backbone.as_str()),
        normalise: Some(vocab_word::<Backbone>),
    },
    Field {
        name: "is_backbone",
        ty: "bool",
        doc: "`backbone != 'none'`",
        read: |c| Bool(c.teacher.is_backbone()),
        normalise: None,
    },
    Field {
        name: "role",
        ty: "string",
        doc: "`teacher`, `principal`, `vice_principal`",
        read: |c| Str(c.teacher.role.as_str()),
        normalise: Some(vocab_word::<Role>),
    },
    Field {
        name: "joined_school_year",
        ty: "int",
        doc: "到校年份",
        read: |c| Int(i64::from(c.teacher.joined_school_year)),
        normalise: None,
    },
    Field {
        name: "years_at_school",
        ty: "int",
        doc: "`year - joined_school_year`",
        read: |c| Int(i64::from(c.year) - i64::from(c.teacher.joined_school_year)),
        normalise: None,
    },
    Field {
        name: "status",
        ty: "string",
        doc: "`active`, `leave`, `sick`, `maternity`, `seconded`",
        read: |c| Str(c.teacher.status.as_str()),
        normalise: Some(vocab_word::<Status>),
    },
    Field {
        name: "volunteer",
        ty: "bool",
        doc: "asked to be exchanged",
        read: |c| Bool(c.teacher.volunteer),
        normalise: None,
    },
    Field {
        name: "retirement_age",
        ty: "int",
        doc: "the rules' retirement age for the teacher's gender",
        read: |c| Int(i64::from(c.retirement_age)),
        normalise: None,
    },
    Field {
        name: "years_to_retirement",
        ty: "int",
        doc: "`retirement_age - age`",
        read: |c| Int(i64::from(c.retirement_age) - age(c)),
        normalise: None,
    },
    Field {
        name: "year",
        ty: "int",
        doc: "the plan year Y",
        read: |c| Int(i64::from(c.year)),
        normalise: None,
    },
    Field {
        name: "school_name",
        ty: "string",
        doc: "the school's name",
        read: |c| Str(&c.school.name),
        normalise: None,
    },
    Field {
        name: "district",
        ty: "string",
        doc: "the school's district (县区)",
        read: |c| Str(&c.school.district),
        normalise: None,
    },
    Field {
        name: "township",
        ty: "string",
        doc: "the school's township, `\"\"` when absent",
        read: |c| Str(c.school.township.as_deref().unwrap_or("")),
        normalise: None,
    },
    Field {
        name: "locality",
        ty: "string",
        doc: "`urban`, `town`, `rural`",
        read: |c| Str(c.school.locality.as_str()),
        normalise: Some(vocab_word::<Locality>),
    },
    Field {
        name: "weak",
        ty: "bool",
        doc: "the school is a designated weak school",
        read: |c| Bool(c.school.weak),
        normalise: None,
    },
    Field {
        name: "stage",
        ty: "string",
        doc: "`primary`, `junior`, `nine_year`",
        read: |c| Str(c.school.stage.as_str()),
        normalise: Some(vocab_word::<Stage>),
    },
    Field {
        name: "staff",
        ty: "int",
        doc: "the school's `staff` column, `-1` when absent",
        read: |c| Int(c.school.staff.map_or(-1, i64::from)),
        normalise: None,
    },
];

/// The names of [`FIELDS`], in order.
pub const EXPR_FIELDS: [&str; FIELDS.len()] = {
    let mut out = [""; FIELDS.len()];
    let mut i = 0;
    while i < FIELDS.len() {
        out[i] = FIELDS[i].name;
        i += 1;
    }
    out
};

/// The field called `name`.
pub(crate) fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_exactly_the_fields() {
        let readme = include_str!("../../../../README.md");
        let header = "| name | type | meaning |";
        let start = readme.find(header).expect("the README's field table");
        let rows: Vec<&str> = readme[start..]
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .collect();
        let want: Vec<String> = FIELDS
            .iter()
            .map(|f| format!("| `{}` | {} | {} |", f.name, f.ty, f.doc))
            .collect();
        assert_eq!(
            rows, want,
            "README.md's field table differs from rules::FIELDS"
        );
    }

    #[test]
    fn names_are_unique_identifiers() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert!(f.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(FIELDS[..i].iter().all(|g| g.name != f.name), "{}", f.name);
            assert!(["string", "int", "bool"].contains(&f.ty), "{}", f.ty);
        }
    }
}
