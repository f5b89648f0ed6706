//! The key table: every rule key declared once, with its section, default, doc line and
//! reader (its type, range and validation), in the order docs/rules.md documents them.
//!
//! Everything else is derived from [`KEYS`]: the sections and keys the parser accepts
//! (and suggests for near misses), `--set`, [`Rules::default`] (each key's default read
//! by its own reader), and the docs test (`rules/docs_tests.rs` checks that
//! docs/rules.md has a row `| `section.key` | default | doc |` for every entry, word
//! for word, and no other). Adding a key is one entry here plus its typed field in
//! `rules/mod.rs`.

use super::parse::{
    dedup, get_bool, get_date, get_i32, get_list, get_month_day, get_number, get_share, get_str,
    get_u32, get_vocab, get_vocab_list, non_empty, problem, wrong_type, Builder, Node,
    RuleErrorKind, SubjectMatch, R, V,
};
use super::{
    BackboneLevel, EligibilityRules, EvaluationRules, FlowRules, ItinerantRules, LeaderRules,
    MatchingRules, PlanRules, QuotaRules, Recusal, Rules, Share, StageMatch, TermRules,
};
use crate::model::{Form, Locality, MonthDay, Role, Status, Subject};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A key's default value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyDefault {
    /// TOML text: read by the key's own reader to make [`Rules::default`], and shown in
    /// docs/rules.md (strings and arrays in backticks).
    Toml(&'static str),
    /// No TOML value (an empty table or list, or a built-in program): the words
    /// docs/rules.md shows; the value is the one [`blank`] starts from.
    Shown(&'static str),
}

use KeyDefault::{Shown, Toml};

/// One rule key.
pub(crate) struct Key {
    pub section: &'static str,
    pub name: &'static str,
    pub default: KeyDefault,
    /// The meaning column of the key's row in docs/rules.md, word for word (the docs
    /// test reads it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub doc: &'static str,
    /// Reads the value (its type, range and validation: each problem with the line and
    /// the value as written) and stores it in `b.rules`. The same code serves the file,
    /// `--set` and the defaults.
    pub read: fn(&mut Builder, &Node, &Key) -> R<()>,
}

impl Key {
    /// `section.key`.
    pub fn path(&self) -> String {
        format!("{}.{}", self.section, self.name)
    }

    /// The default as TOML text, used as the example in messages about a wrong type.
    pub fn example(&self) -> &'static str {
        match self.default {
            Toml(t) | Shown(t) => t,
        }
    }

    /// The default as docs/rules.md shows it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn shown_default(&self) -> String {
        match self.default {
            Toml(t) if t.starts_with(['"', '[']) => format!("`{t}`"),
            Toml(t) | Shown(t) => t.to_string(),
        }
    }
}

/// The sections, in table order.
pub fn sections() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in KEYS {
        if !out.contains(&k.section) {
            out.push(k.section);
        }
    }
    out
}

/// The keys of `section`, in table order; empty for an unknown section.
pub fn keys_of(section: &str) -> Vec<&'static str> {
    KEYS.iter()
        .filter(|k| k.section == section)
        .map(|k| k.name)
        .collect()
}

/// The entry of `section.name`.
pub(crate) fn find(section: &str, name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.section == section && k.name == name)
}

/// The first section (in table order) that has a key `name`.
pub(crate) fn section_of(name: &str) -> Option<&'static str> {
    KEYS.iter().find(|k| k.name == name).map(|k| k.section)
}

/// The rules before any default is applied. Placeholders only: every field but
/// `source` is overwritten by its key's default, except those whose default is
/// [`KeyDefault::Shown`] (empty lists and tables, the built-in itinerant program).
fn blank() -> Rules {
    Rules {
        source: "defaults".into(),
        plan: PlanRules {
            name: String::new(),
            first_year: 0,
            last_year: 0,
            target_exchanges: 0,
            count_forms: Vec::new(),
        },
        eligibility: EligibilityRules {
            min_years_at_school: 0,
            retirement_age_male: 0,
            retirement_age_female: 0,
            retirement_reform_2025: false,
            exempt_years_before_retirement: 0,
            statuses: Vec::new(),
            roles: Vec::new(),
            sending_localities: Vec::new(),
            weak_schools_send: false,
            min_years_between_exchanges: 0,
            exclude: Vec::new(),
        },
        quota: QuotaRules {
            min_share_of_eligible: Share::hundredths(0),
            min_backbone_share: Share::hundredths(0),
            backbone_share_level: BackboneLevel::School,
            max_outflow_share_of_staff: Share::hundredths(0),
            fill_beyond_quota: false,
        },
        flow: FlowRules {
            directions: Vec::new(),
            to_weak_from_any_non_weak: false,
            same_district: false,
            max_distance_km: 0.0,
            stage_match: StageMatch::Same,
        },
        matching: MatchingRules {
            subject_exact: false,
            substitutes: BTreeMap::new(),
        },
        term: TermRules {
            years: 0,
            form: Form::Transfer,
        },
        evaluation: EvaluationRules {
            window: (MonthDay { month: 1, day: 1 }, MonthDay { month: 1, day: 1 }),
            holidays: Vec::new(),
            panel_size: 0,
            min_same_subject: 0,
            recuse: Vec::new(),
            max_per_evaluator_per_day: 0,
            max_per_school_per_day: 0,
            one_school_per_evaluator_day: false,
        },
        // Present while the defaults are read, so `leaders.*` fill it in; taken out
        // afterwards (leaders rotate only with a `[leaders]` table).
        leaders: Some(LeaderRules {
            roles: Vec::new(),
            min_years_at_school: 0,
            mandatory: false,
            promote: false,
        }),
        itinerant: ItinerantRules::default(),
    }
}

/// The rules with every key at its default, and the defaults of `[leaders]`.
static DEFAULTS: LazyLock<(Rules, LeaderRules)> = LazyLock::new(|| {
    let (mut rules, errors) = Builder::defaults(blank());
    // INVARIANT: every `Toml` default reads without a problem (the test
    // `defaults_read_cleanly` checks each one); a problem would leave a placeholder.
    debug_assert!(errors.is_empty(), "{errors}");
    let leaders = rules.leaders.take().unwrap_or(LeaderRules {
        roles: Vec::new(),
        min_years_at_school: 0,
        mandatory: false,
        promote: false,
    });
    (rules, leaders)
});

/// Every key at its default: the Nanchang 2021–2025 rule set.
pub(crate) fn default_rules() -> Rules {
    DEFAULTS.0.clone()
}

/// The defaults of `[leaders]`, when a rule set has the table.
pub(crate) fn default_leaders() -> LeaderRules {
    DEFAULTS.1.clone()
}

/// Every rule key, in the documented order.
pub(crate) const KEYS: &[Key] = &[
    Key {
        section: "plan",
        name: "name",
        default: Toml(r#""Nanchang 2021-2025 teacher exchange""#),
        doc: "shown in every output",
        read: |b, n, _k| {
                let s = get_str(n, "\"Nanchang 2021-2025 teacher exchange\"")?.trim();
                if s.is_empty() {
                    return Err(problem(
                        n,
                        RuleErrorKind::BadValue,
                        "the name is empty",
                        None,
                    ));
                }
                b.rules.plan.name = s.to_string();
            Ok(())
        },
    },
    Key {
        section: "plan",
        name: "first_year",
        default: Toml("2021"),
        doc: "first plan year of the period",
        read: |b, n, k| {
                b.rules.plan.first_year = get_i32(n, 1900, 2200, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "plan",
        name: "last_year",
        default: Toml("2025"),
        doc: "last plan year of the period",
        read: |b, n, k| {
                b.rules.plan.last_year = get_i32(n, 1900, 2200, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "plan",
        name: "target_exchanges",
        default: Toml("5000"),
        doc: "person-times (人次) to reach over the whole period",
        read: |b, n, k| {
                b.rules.plan.target_exchanges = get_u32(n, 0, 100_000_000, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "plan",
        name: "count_forms",
        default: Toml(r#"["transfer", "itinerant", "support"]"#),
        doc: "exchange forms counted towards the target",
        read: |b, n, _k| {
                let v = get_vocab_list::<Form>(n, "form", "[\"transfer\", \"support\"]")?;
                b.rules.plan.count_forms = non_empty(n, v, "no exchange would count")?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "min_years_at_school",
        default: Toml("6"),
        doc: "eligible only when `Y − joined_school_year ≥` this",
        read: |b, n, k| {
                b.rules.eligibility.min_years_at_school = get_i32(n, 0, 60, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "retirement_age_male",
        default: Toml("60"),
        doc: "retirement age of men",
        read: |b, n, k| {
                b.rules.eligibility.retirement_age_male = get_i32(n, 40, 80, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "retirement_age_female",
        default: Toml("55"),
        doc: "retirement age of women",
        read: |b, n, k| {
                b.rules.eligibility.retirement_age_female = get_i32(n, 40, 80, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "retirement_reform_2025",
        default: Toml("false"),
        doc: "apply the retirement-age reform in force from 2025-01-01 (below)",
        read: |b, n, _k| {
                b.rules.eligibility.retirement_reform_2025 = get_bool(n)?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "exempt_years_before_retirement",
        default: Toml("3"),
        doc: "excluded when `retirement_age − (Y − birth_year) ≤` this",
        read: |b, n, k| {
                b.rules.eligibility.exempt_years_before_retirement = get_i32(n, 0, 40, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "statuses",
        default: Toml(r#"["active"]"#),
        doc: "statuses that may be exchanged",
        read: |b, n, _k| {
                let v = get_vocab_list::<Status>(n, "status", "[\"active\"]")?;
                b.rules.eligibility.statuses = non_empty(n, v, "no teacher would be eligible")?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "roles",
        default: Toml(r#"["teacher", "principal", "vice_principal"]"#),
        doc: "roles that may be exchanged",
        read: |b, n, _k| {
                let v = get_vocab_list::<Role>(n, "role", "[\"teacher\"]")?;
                b.rules.eligibility.roles = non_empty(n, v, "no teacher would be eligible")?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "sending_localities",
        default: Toml(r#"["urban", "town"]"#),
        doc: "localities of schools that send",
        read: |b, n, _k| {
                let v = get_vocab_list::<Locality>(n, "locality", "[\"urban\", \"town\"]")?;
                b.rules.eligibility.sending_localities =
                    non_empty(n, v, "no school would send teachers")?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "weak_schools_send",
        default: Toml("false"),
        doc: "whether a designated weak school sends",
        read: |b, n, _k| {
                b.rules.eligibility.weak_schools_send = get_bool(n)?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "min_years_between_exchanges",
        default: Toml("6"),
        doc: "years a teacher is held back after an exchange's `end_year`",
        read: |b, n, k| {
                b.rules.eligibility.min_years_between_exchanges = get_i32(n, 0, 60, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "eligibility",
        name: "exclude",
        default: Shown("none"),
        doc: "custom exclusions: `[[eligibility.exclude]]` tables with `id` and `when`",
        read: |b, n, _k| {
                if b.file == "--set" {
                    return Err(problem(
                        n,
                        RuleErrorKind::Unsupported,
                        "custom exclusions cannot be set with --set",
                        Some("write an [[eligibility.exclude]] table in the rule file".into()),
                    ));
                }
                let ex = b.exclusions(n);
                b.rules.eligibility.exclude = ex;
            Ok(())
        },
    },
    Key {
        section: "quota",
        name: "min_share_of_eligible",
        default: Toml("0.10"),
        doc: "`quota(s) = ceil(share × eligible(s))`",
        read: |b, n, _k| {
                b.rules.quota.min_share_of_eligible = get_share(n)?;
            Ok(())
        },
    },
    Key {
        section: "quota",
        name: "min_backbone_share",
        default: Toml("0.20"),
        doc: "per backbone group g: backbone sent ≥ `ceil(share × sent(g))`",
        read: |b, n, _k| {
                b.rules.quota.min_backbone_share = get_share(n)?;
            Ok(())
        },
    },
    Key {
        section: "quota",
        name: "backbone_share_level",
        default: Toml(r#""school""#),
        doc: "the backbone groups: each `school`, each `district`, or the whole `plan`",
        read: |b, n, _k| {
                b.rules.quota.backbone_share_level = get_vocab(n, "backbone share level")?;
            Ok(())
        },
    },
    Key {
        section: "quota",
        name: "max_outflow_share_of_staff",
        default: Toml("0.15"),
        doc: "`cap(s) = max(1, floor(share × staff(s)))`",
        read: |b, n, _k| {
                b.rules.quota.max_outflow_share_of_staff = get_share(n)?;
            Ok(())
        },
    },
    Key {
        section: "quota",
        name: "fill_beyond_quota",
        default: Toml("false"),
        doc: "false: also `cap(s) ≤ quota(s)`; true: a school may send up to its cap to fill more posts",
        read: |b, n, _k| {
                b.rules.quota.fill_beyond_quota = get_bool(n)?;
            Ok(())
        },
    },
    Key {
        section: "flow",
        name: "directions",
        default: Toml(r#"[["urban","town"], ["urban","rural"], ["town","rural"]]"#),
        doc: "allowed `[from, to]` locality pairs",
        read: |b, n, _k| {
                let v = get_list(n, "[[\"urban\", \"rural\"]]", |p| {
                    let pair = get_list(p, "[\"urban\", \"rural\"]", |x| {
                        get_vocab::<Locality>(x, "locality")
                    })?;
                    match pair[..] {
                        [a, b] => Ok((a, b)),
                        _ => Err(problem(
                            p,
                            RuleErrorKind::BadValue,
                            format!(
                                "a direction is a pair [from, to], not {} values",
                                pair.len()
                            ),
                            Some("for example: [\"urban\", \"rural\"]".into()),
                        )),
                    }
                })?;
                b.rules.flow.directions = dedup(v);
            Ok(())
        },
    },
    Key {
        section: "flow",
        name: "to_weak_from_any_non_weak",
        default: Toml("true"),
        doc: "a weak school may receive from any non-weak school",
        read: |b, n, _k| {
                b.rules.flow.to_weak_from_any_non_weak = get_bool(n)?;
            Ok(())
        },
    },
    Key {
        section: "flow",
        name: "same_district",
        default: Toml("true"),
        doc: "moves stay inside one county-level district",
        read: |b, n, _k| {
                b.rules.flow.same_district = get_bool(n)?;
            Ok(())
        },
    },
    Key {
        section: "flow",
        name: "max_distance_km",
        default: Toml("60"),
        doc: "longest move, when both schools have coordinates",
        read: |b, n, _k| {
                let x = get_number(n)?;
                if !(x.is_finite() && x > 0.0) {
                    return Err(problem(
                        n,
                        RuleErrorKind::OutOfRange,
                        "the distance must be a number of km greater than 0",
                        Some("for no practical limit use a large number such as 10000".into()),
                    ));
                }
                b.rules.flow.max_distance_km = x;
            Ok(())
        },
    },
    Key {
        section: "flow",
        name: "stage_match",
        default: Toml(r#""compatible""#),
        doc: "`same`: equal stages; `compatible`: also `nine_year` with `primary` or `junior`",
        read: |b, n, _k| {
                b.rules.flow.stage_match = get_vocab(n, "stage match")?;
            Ok(())
        },
    },
    Key {
        section: "matching",
        name: "subject",
        default: Toml(r#""exact""#),
        doc: "subjects must match exactly (the only mode)",
        read: |b, n, _k| {
                let SubjectMatch::Exact = get_vocab::<SubjectMatch>(n, "subject matching")?;
                b.rules.matching.subject_exact = true;
            Ok(())
        },
    },
    Key {
        section: "matching",
        name: "substitutes",
        default: Shown("none"),
        doc: "`{ post_subject = [teacher_subjects…] }`: a post of the key subject may also be filled by a teacher of a listed subject",
        read: |b, n, _k| {
                let V::Table(entries) = &n.v else {
                    return Err(wrong_type(
                        n,
                        "a table",
                        "{ science = [\"physics\", \"chemistry\", \"biology\"] }",
                    ));
                };
                let mut map: BTreeMap<Subject, Vec<Subject>> = BTreeMap::new();
                let mut problems = Vec::new();
                for e in entries {
                    let post = Subject::normalise(&e.key);
                    let subs = get_list(&e.node, "[\"physics\", \"chemistry\"]", |x| {
                        let s = get_str(x, "\"physics\"")?;
                        let subject = Subject::normalise(s);
                        if subject.as_str().is_empty() {
                            Err(problem(
                                x,
                                RuleErrorKind::BadValue,
                                "the subject is empty",
                                None,
                            ))
                        } else {
                            Ok(subject)
                        }
                    });
                    if post.as_str().is_empty() {
                        problems.extend(problem(
                            &e.node,
                            RuleErrorKind::BadValue,
                            "the post subject (the key) is empty",
                            None,
                        ));
                    }
                    match subs {
                        Ok(s) => {
                            let list = map.entry(post).or_default();
                            for x in s {
                                if !list.contains(&x) {
                                    list.push(x);
                                }
                            }
                        }
                        Err(p) => problems.extend(p),
                    }
                }
                if !problems.is_empty() {
                    return Err(problems);
                }
                b.rules.matching.substitutes = map;
            Ok(())
        },
    },
    Key {
        section: "term",
        name: "years",
        default: Toml("3"),
        doc: "an exchange of year Y runs from `start_year = Y` to `end_year = Y + years − 1`",
        read: |b, n, k| {
                b.rules.term.years = get_i32(n, 1, 20, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "term",
        name: "form",
        default: Toml(r#""transfer""#),
        doc: "the form written in `plan.csv`",
        read: |b, n, _k| {
                b.rules.term.form = get_vocab(n, "form")?;
            Ok(())
        },
    },
    Key {
        section: "evaluation",
        name: "window",
        default: Toml(r#"["11-01", "12-20"]"#),
        doc: "month-day range inside the plan year's calendar year",
        read: |b, n, _k| {
                let v = get_list(n, "[\"11-01\", \"12-20\"]", get_month_day)?;
                let [start, end] = v[..] else {
                    return Err(problem(
                        n,
                        RuleErrorKind::BadValue,
                        format!("the window is [start, end], not {} dates", v.len()),
                        Some("for example: [\"11-01\", \"12-20\"]".into()),
                    ));
                };
                if start > end {
                    return Err(problem(
                        n,
                        RuleErrorKind::OutOfRange,
                        format!("the window starts ({start}) after it ends ({end})"),
                        Some("the window lies inside one calendar year: start <= end".into()),
                    ));
                }
                b.rules.evaluation.window = (start, end);
            Ok(())
        },
    },
    Key {
        section: "evaluation",
        name: "holidays",
        default: Toml("[]"),
        doc: "ISO dates never used; weekends are never used either",
        read: |b, n, _k| {
                let mut v = get_list(n, "[\"2021-10-01\"]", get_date)?;
                v.sort();
                v.dedup();
                b.rules.evaluation.holidays = v;
            Ok(())
        },
    },
    Key {
        section: "evaluation",
        name: "panel_size",
        default: Toml("3"),
        doc: "distinct evaluators on each panel",
        read: |b, n, k| {
                b.rules.evaluation.panel_size = get_u32(n, 1, 50, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "evaluation",
        name: "min_same_subject",
        default: Toml("1"),
        doc: "panel members who list the teacher's subject",
        read: |b, n, k| {
                b.rules.evaluation.min_same_subject = get_u32(n, 0, 50, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "evaluation",
        name: "recuse",
        default: Toml(r#"["sending_school", "host_school"]"#),
        doc: "schools whose staff may not sit; `host_district` recuses the host's whole district",
        read: |b, n, _k| {
                let mut v = get_vocab_list::<Recusal>(
                    n,
                    "recusal",
                    "[\"sending_school\", \"host_school\"]",
                )?;
                v.sort();
                b.rules.evaluation.recuse = v;
            Ok(())
        },
    },
    Key {
        section: "evaluation",
        name: "max_per_evaluator_per_day",
        default: Toml("4"),
        doc: "evaluations an evaluator sits a day (their own `max_per_day` overrides)",
        read: |b, n, k| {
                b.rules.evaluation.max_per_evaluator_per_day = get_u32(n, 1, 100, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "evaluation",
        name: "max_per_school_per_day",
        default: Toml("6"),
        doc: "evaluations a school hosts a day",
        read: |b, n, k| {
                b.rules.evaluation.max_per_school_per_day = get_u32(n, 1, 1000, k.example())?;
            Ok(())
        },
    },
    Key {
        section: "evaluation",
        name: "one_school_per_evaluator_day",
        default: Toml("true"),
        doc: "an evaluator's evaluations of one day are all at one school",
        read: |b, n, _k| {
                b.rules.evaluation.one_school_per_evaluator_day = get_bool(n)?;
            Ok(())
        },
    },
    Key {
        section: "leaders",
        name: "roles",
        default: Toml(r#"["principal", "vice_principal"]"#),
        doc: "roles that rotate as leaders",
        read: |b, n, _k| {
                let v = get_vocab_list::<Role>(n, "role", "[\"principal\", \"vice_principal\"]")?;
                if v.contains(&Role::Teacher) {
                    return Err(problem(
                        n,
                        RuleErrorKind::BadValue,
                        "`teacher` is not a leader role",
                        Some("leader roles are \"principal\" and \"vice_principal\"".into()),
                    ));
                }
                let v = non_empty(n, v, "no leader would rotate")?;
                b.rules.leaders.get_or_insert_with(LeaderRules::default).roles = v;
            Ok(())
        },
    },
    Key {
        section: "leaders",
        name: "min_years_at_school",
        default: Toml("6"),
        doc: "replaces `eligibility.min_years_at_school` for leaders (two terms)",
        read: |b, n, k| {
                let v = get_i32(n, 0, 60, k.example())?;
                b.rules.leaders
                    .get_or_insert_with(LeaderRules::default)
                    .min_years_at_school = v;
            Ok(())
        },
    },
    Key {
        section: "leaders",
        name: "mandatory",
        default: Toml("false"),
        doc: "each eligible leader not moved adds 1 to shortfall, and leaders do not count in their school's quota, cap or backbone share",
        read: |b, n, _k| {
                let v = get_bool(n)?;
                b.rules.leaders.get_or_insert_with(LeaderRules::default).mandatory = v;
            Ok(())
        },
    },
    Key {
        section: "leaders",
        name: "promote",
        default: Toml("false"),
        doc: "a vice-principal may also fill a principal post",
        read: |b, n, _k| {
                let v = get_bool(n)?;
                b.rules.leaders.get_or_insert_with(LeaderRules::default).promote = v;
            Ok(())
        },
    },
    Key {
        section: "itinerant",
        name: "program",
        default: Shown("one `township` program as below"),
        doc: "programs planned in file order, each with the keys below",
        read: |b, n, _k| {
                if b.file == "--set" {
                    return Err(problem(
                        n,
                        RuleErrorKind::Unsupported,
                        "itinerant programs cannot be set with --set",
                        Some("write [[itinerant.program]] tables in the rule file".into()),
                    ));
                }
                let programs = b.programs(n);
                b.rules.itinerant.programs = programs;
            Ok(())
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_read_cleanly() {
        let (_, errors) = Builder::defaults(blank());
        assert!(errors.is_empty(), "{errors}");
    }

    #[test]
    fn keys_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for k in KEYS {
            assert!(seen.insert(k.path()), "{} twice", k.path());
        }
    }

    #[test]
    fn defaults_are_the_nanchang_rule_set() {
        // The shipped rule file spells out every default: reading it changes nothing.
        let text = include_str!("../../../../rules/nanchang-2021-2025.toml");
        let file = crate::rules::parse_rules(text, "nanchang-2021-2025.toml", &[]).unwrap();
        let d = Rules::default();
        assert_eq!(
            format!(
                "{:?}",
                Rules {
                    source: String::new(),
                    ..file
                }
            ),
            format!(
                "{:?}",
                Rules {
                    source: String::new(),
                    ..d
                }
            )
        );
    }
}
