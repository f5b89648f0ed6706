//! `rule_ids!`: declares a set of stable rule ids once, as an enum whose variants carry
//! their id. It gives `ALL` (the variants in order), `IDS` (their ids, for messages and
//! tests) and `as_str`. The eligibility rules (`EligibilityRule`, below: the rule parser checks custom
//! exclusion ids against them, and `eligibility` re-exports it) and the checker's hard
//! rules (`verify::RuleId`) are declared with it.

macro_rules! rule_ids {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident => $id:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every rule, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The id of every rule, in declaration order.
            pub const IDS: [&'static str; [$($id),+].len()] = [$($id),+];

            /// The stable id, as written in the output files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $id,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use rule_ids;

rule_ids! {
    /// The built-in eligibility rules, in the order they are checked. Their ids are the
    /// reasons of `eligibility.csv` and `explain`; a custom exclusion may not reuse one.
    pub enum EligibilityRule {
        Status => "status",
        Role => "role",
        MinYearsAtSchool => "min_years_at_school",
        NearRetirement => "near_retirement",
        SendingLocality => "sending_locality",
        WeakSchool => "weak_school",
        OnExchange => "on_exchange",
        MinYearsBetweenExchanges => "min_years_between_exchanges",
    }
}
