//! Closed vocabularies of the input files. Each value is accepted as its English word
//! (any case) or its Chinese alias, and written back in English.

use std::fmt;

/// A closed vocabulary: the values a column may take.
pub trait Vocab: Sized + Copy + 'static {
    /// (value, English word, Chinese alias) for every member, in declaration order.
    const TABLE: &'static [(Self, &'static str, &'static str)];

    /// Parses the English word (case-insensitive) or the Chinese alias.
    fn parse(raw: &str) -> Option<Self> {
        let t = raw.trim();
        Self::TABLE
            .iter()
            .find(|(_, en, zh)| t.eq_ignore_ascii_case(en) || t == *zh)
            .map(|(v, _, _)| *v)
    }

    /// The accepted values, for error messages: `urban (城区), town (镇区), …`.
    fn expected() -> String {
        Self::TABLE
            .iter()
            .map(|(_, en, zh)| format!("{en} ({zh})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

macro_rules! vocab {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $en:literal, $zh:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl Vocab for $name {
            const TABLE: &'static [(Self, &'static str, &'static str)] =
                &[$(($name::$variant, $en, $zh)),+];
        }

        impl $name {
            /// The English word, as written in outputs.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            /// The Chinese alias, for Chinese-language reports.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocab!(
    /// 城乡类型: where a school stands on the urban–rural scale.
    Locality {
        Urban => "urban", "城区";
        Town => "town", "镇区";
        Rural => "rural", "乡村";
    }
);

vocab!(
    /// 学段: the school's stage.
    Stage {
        Primary => "primary", "小学";
        Junior => "junior", "初中";
        NineYear => "nine_year", "九年一贯制";
    }
);

vocab!(
    /// 性别.
    Gender {
        M => "M", "男";
        F => "F", "女";
    }
);

vocab!(
    /// 职称: professional title.
    Title {
        None => "none", "无";
        Junior => "junior", "初级";
        Intermediate => "intermediate", "中级";
        Senior => "senior", "副高级";
        FullSenior => "full_senior", "正高级";
    }
);

vocab!(
    /// 骨干级别: any level but `none` makes a backbone teacher (骨干教师).
    Backbone {
        None => "none", "无";
        County => "county", "县级";
        City => "city", "市级";
        Province => "province", "省级";
    }
);

vocab!(
    /// 岗位.
    Role {
        Teacher => "teacher", "教师";
        Principal => "principal", "校长";
        VicePrincipal => "vice_principal", "副校长";
    }
);

vocab!(
    /// 状态: a teacher's employment status.
    Status {
        Active => "active", "在岗";
        Leave => "leave", "休假";
        Sick => "sick", "病休";
        Maternity => "maternity", "产假";
        Seconded => "seconded", "借调";
    }
);

vocab!(
    /// 动作 of a row of `pins.csv`: how a teacher is pinned.
    PinKind {
        Stay => "stay", "留任";
        Move => "move", "必须交流";
        To => "to", "指定学校";
        NotTo => "not_to", "不去";
    }
);

vocab!(
    /// 形式: the form of an exchange.
    Form {
        Transfer => "transfer", "交流";
        Itinerant => "itinerant", "走教";
        Support => "support", "支教";
    }
);

vocab!(
    /// 状态 of a ledger exchange.
    LedgerStatus {
        Planned => "planned", "计划";
        Active => "active", "在岗";
        Completed => "completed", "完成";
        Cancelled => "cancelled", "取消";
    }
);

impl Role {
    /// The leader role whose leadership post `subject` names (`principal` 校长,
    /// `vice_principal` 副校长 in needs.csv), if it names one.
    pub fn leader_post(subject: &super::Subject) -> Option<Role> {
        match subject.as_str() {
            "principal" => Some(Role::Principal),
            "vice_principal" => Some(Role::VicePrincipal),
            _ => None,
        }
    }
}

/// Parses the data's booleans: true/false/1/0/是/否/Y/N (case-insensitive).
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "是" | "y" | "yes" => Some(true),
        "false" | "0" | "否" | "n" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_english_any_case_and_chinese() {
        assert_eq!(Locality::parse("Urban"), Some(Locality::Urban));
        assert_eq!(Locality::parse(" 乡村 "), Some(Locality::Rural));
        assert_eq!(Stage::parse("九年一贯制"), Some(Stage::NineYear));
        assert_eq!(Gender::parse("m"), Some(Gender::M));
        assert_eq!(Locality::parse("city"), None);
        assert!(Locality::expected().contains("rural (乡村)"));
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("N"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
