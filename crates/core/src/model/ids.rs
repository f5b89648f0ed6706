//! Newtype identifiers, so a school id can never be passed where a teacher id is meant.

use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }
    };
}

string_id!(
    /// `school_id` (学校代码).
    SchoolId
);
string_id!(
    /// `teacher_id` (工号).
    TeacherId
);
string_id!(
    /// `evaluator_id` (评委编号).
    EvaluatorId
);
string_id!(
    /// A normalised subject: the English word for the fifteen known subjects
    /// (from English or Chinese input), anything else kept as written.
    Subject
);

/// The fifteen subjects the loader normalises, as (English, Chinese).
pub const KNOWN_SUBJECTS: &[(&str, &str)] = &[
    ("chinese", "语文"),
    ("math", "数学"),
    ("english", "英语"),
    ("physics", "物理"),
    ("chemistry", "化学"),
    ("biology", "生物"),
    ("history", "历史"),
    ("geography", "地理"),
    ("politics", "道德与法治"),
    ("science", "科学"),
    ("music", "音乐"),
    ("pe", "体育"),
    ("art", "美术"),
    ("it", "信息技术"),
    ("psychology", "心理健康"),
];

/// Leadership posts of needs.csv, as (English, Chinese).
pub const LEADER_POSTS: &[(&str, &str)] = &[("principal", "校长"), ("vice_principal", "副校长")];

impl Subject {
    /// Normalises a subject as written in a spreadsheet: known subjects and the
    /// leadership posts in English (any case) or Chinese become the English word;
    /// other values are kept trimmed.
    pub fn normalise(raw: &str) -> Subject {
        let t = raw.trim();
        for (en, zh) in KNOWN_SUBJECTS.iter().chain(LEADER_POSTS) {
            if t.eq_ignore_ascii_case(en) || t == *zh {
                return Subject((*en).to_string());
            }
        }
        Subject(t.to_string())
    }

    /// The subject in Chinese (a leadership post too); another value as written.
    pub fn zh(&self) -> &str {
        KNOWN_SUBJECTS
            .iter()
            .chain(LEADER_POSTS)
            .find(|(en, _)| *en == self.0)
            .map_or(self.0.as_str(), |(_, zh)| zh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_normalise_from_both_languages() {
        assert_eq!(Subject::normalise(" 数学 ").as_str(), "math");
        assert_eq!(Subject::normalise("Math").as_str(), "math");
        assert_eq!(Subject::normalise("道德与法治").as_str(), "politics");
        assert_eq!(Subject::normalise("书法").as_str(), "书法");
        assert_eq!(Subject::normalise("副校长").as_str(), "vice_principal");
        assert_eq!(Subject::normalise("Principal").as_str(), "principal");
        assert_eq!(Subject::normalise("数学").zh(), "数学");
        assert_eq!(Subject::normalise("书法").zh(), "书法");
    }
}
