//! The rule files shipped under `rules/` parse without a single error, and the Nanchang
//! file says exactly what docs/rules.md (and `Rules::default()`) says.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rotaplan_core::model::{
    Backbone, Date, Form, Gender, Locality, Role, School, SchoolId, Stage, Status, Subject,
    Teacher, TeacherId, Title,
};
use rotaplan_core::rules::{
    load_rules, BackboneLevel, ExclusionContext, Recusal, Rules, StageMatch,
};
use std::path::{Path, PathBuf};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

fn load(name: &str) -> Rules {
    let path = rules_dir().join(name);
    match load_rules(&path, &[]) {
        Ok(r) => r,
        Err(e) => panic!("{name} has errors:\n{e}"),
    }
}

/// `Rules` has no `PartialEq` (it holds compiled expressions); its Debug form is exact
/// (shares are normalised decimals, expressions show their source).
fn same(a: &Rules, b: &Rules) -> bool {
    let strip = |r: &Rules| {
        format!(
            "{:?}",
            Rules {
                source: String::new(),
                ..r.clone()
            }
        )
    };
    strip(a) == strip(b)
}

#[test]
fn every_rule_file_parses_without_errors() {
    let mut n = 0;
    for entry in std::fs::read_dir(rules_dir()).expect("rules/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            if let Err(e) = load_rules(&path, &[]) {
                panic!("{} has errors:\n{e}", path.display());
            }
            n += 1;
        }
    }
    assert!(n >= 3, "expected at least three rule files, found {n}");
}

#[test]
fn nanchang_file_is_the_contract_defaults() {
    let r = load("nanchang-2021-2025.toml");
    assert_eq!(r.source, "nanchang-2021-2025.toml");
    assert!(same(&r, &Rules::default()), "{r:#?}");
    // Spot checks against the documented defaults, independent of Rules::default().
    assert_eq!(r.plan.name, "Nanchang 2021-2025 teacher exchange");
    assert_eq!(
        (r.plan.first_year, r.plan.last_year, r.plan.target_exchanges),
        (2021, 2025, 5000)
    );
    assert_eq!(r.eligibility.min_years_at_school, 6);
    assert_eq!(r.quota.min_share_of_eligible.ceil_mul(30), 3);
    assert_eq!(r.quota.max_outflow_share_of_staff.floor_mul(20), 3);
    assert_eq!(r.quota.backbone_share_level, BackboneLevel::School);
    assert_eq!(r.flow.stage_match, StageMatch::Compatible);
    assert_eq!(r.flow.max_distance_km, 60.0);
    assert_eq!(
        r.evaluation.recuse,
        vec![Recusal::SendingSchool, Recusal::HostSchool]
    );
    assert!(r.eligibility.exclude.is_empty());
}

#[test]
fn nanchang_file_writes_out_every_key() {
    let text = std::fs::read_to_string(rules_dir().join("nanchang-2021-2025.toml")).expect("file");
    let keys = [
        "name",
        "first_year",
        "last_year",
        "target_exchanges",
        "count_forms",
        "min_years_at_school",
        "retirement_age_male",
        "retirement_age_female",
        "exempt_years_before_retirement",
        "statuses",
        "roles",
        "sending_localities",
        "weak_schools_send",
        "min_years_between_exchanges",
        "min_share_of_eligible",
        "min_backbone_share",
        "backbone_share_level",
        "max_outflow_share_of_staff",
        "fill_beyond_quota",
        "directions",
        "to_weak_from_any_non_weak",
        "same_district",
        "max_distance_km",
        "stage_match",
        "subject",
        "substitutes",
        "years",
        "form",
        "window",
        "holidays",
        "panel_size",
        "min_same_subject",
        "recuse",
        "max_per_evaluator_per_day",
        "max_per_school_per_day",
        "one_school_per_evaluator_day",
    ];
    for k in keys {
        let written = text
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{k} =")));
        assert!(
            written,
            "`{k}` is not written out in nanchang-2021-2025.toml"
        );
    }
}

#[test]
fn cross_district_variant() {
    let r = load("variant-cross-district.toml");
    let d = Rules::default();
    assert_eq!(r.eligibility.exempt_years_before_retirement, 5);
    assert!(!r.flow.same_district);
    assert_eq!(r.quota.backbone_share_level, BackboneLevel::District);
    assert_eq!(r.flow.max_distance_km, 80.0);
    let ids: Vec<_> = r
        .eligibility
        .exclude
        .iter()
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(ids, ["new_mother", "new_principal"]);
    // Everything else is Nanchang's.
    assert_eq!(r.quota.min_share_of_eligible, d.quota.min_share_of_eligible);
    assert_eq!(r.flow.directions, d.flow.directions);
    assert_eq!(r.term.years, d.term.years);
    // With --set, the variant can be brought back to the Nanchang values.
    let back = load_rules(
        &rules_dir().join("variant-cross-district.toml"),
        &[
            "plan.name=Nanchang 2021-2025 teacher exchange".into(),
            "eligibility.exempt_years_before_retirement=3".into(),
            "quota.backbone_share_level=school".into(),
            "flow.same_district=true".into(),
            "flow.max_distance_km=60".into(),
        ],
    )
    .expect("overrides apply");
    let no_custom = |r: &Rules| {
        let mut r = r.clone();
        r.eligibility.exclude.clear();
        r
    };
    assert!(same(&no_custom(&back), &d));
}

#[test]
fn jiangxi_variant() {
    let r = load("jiangxi-5yr-exemption.toml");
    assert_eq!(r.plan.count_forms, vec![Form::Transfer, Form::Support]);
    assert_eq!(r.eligibility.exempt_years_before_retirement, 5);
    assert_eq!(r.quota.min_share_of_eligible.ceil_mul(30), 4); // 3.6 → 4
    assert!(r.subject_fits(&Subject::normalise("物理"), &Subject::normalise("科学")));
    assert!(!r.subject_fits(
        &Subject::normalise("biology"),
        &Subject::normalise("physics")
    ));
    assert_eq!(r.term.years, 2);
    assert_eq!(
        r.evaluation.holidays[0],
        Date::new(2021, 11, 11).expect("date")
    );
    assert_eq!(r.evaluation.recuse.len(), 3);
}

fn teacher(i: u32) -> Teacher {
    Teacher {
        id: TeacherId::new(format!("T{i:05}")),
        name: format!("教师{i}"),
        gender: if i.is_multiple_of(2) {
            Gender::F
        } else {
            Gender::M
        },
        birth_year: 1962 + (i % 38) as i32,
        school: SchoolId::new(format!("S{:03}", i % 400)),
        subject: Subject::normalise(["math", "chinese", "english", "physics"][(i % 4) as usize]),
        title: Title::Intermediate,
        backbone: if i.is_multiple_of(5) {
            Backbone::County
        } else {
            Backbone::None
        },
        role: if i.is_multiple_of(50) {
            Role::Principal
        } else {
            Role::Teacher
        },
        joined_school_year: 2000 + (i % 22) as i32,
        status: [Status::Active, Status::Maternity, Status::Leave][(i % 3) as usize],
        volunteer: i.is_multiple_of(7),
        birth_month: 1,
        retirement_age: None,
    }
}

fn school(i: u32) -> School {
    School {
        id: SchoolId::new(format!("S{i:03}")),
        name: format!("学校{i}"),
        district: format!("D{}", i % 9),
        township: None,
        locality: [Locality::Urban, Locality::Town, Locality::Rural][(i % 3) as usize],
        weak: i.is_multiple_of(11),
        stage: Stage::Primary,
        coord: None,
        staff: Some(40),
    }
}

/// 48,000 teachers × the variant's two exclusions, as the eligibility pass runs them.
#[test]
fn custom_exclusions_are_fast() {
    let r = load("variant-cross-district.toml");
    let schools: Vec<School> = (0..400).map(school).collect();
    let teachers: Vec<Teacher> = (0..48_000).map(teacher).collect();
    let start = std::time::Instant::now();
    let mut excluded = [0usize; 2];
    for t in &teachers {
        let s = &schools[(t.id.as_str()[1..].parse::<usize>().expect("id")) % 400];
        let ctx = ExclusionContext {
            teacher: t,
            school: s,
            year: 2021,
            retirement_age: r.retirement_age(t.gender),
        };
        for (k, x) in r.eligibility.exclude.iter().enumerate() {
            if x.when.eval(&ctx).expect("evaluates") {
                excluded[k] += 1;
            }
        }
    }
    let took = start.elapsed();
    eprintln!("96,000 evaluations in {took:?}");
    assert_eq!(excluded[0], 16_000); // every third teacher is on maternity leave
    assert!(excluded[1] > 0);
    // Generous: a debug build of this crate (dependencies optimised) is well under this.
    assert!(took.as_secs_f64() < 5.0, "took {took:?}");
}

/// The 2026–2030 file: the 2021–2025 rules with the period, the reform and leaders
/// changed, nothing else; its target is the old one, marked as an assumption.
#[test]
fn nanchang_2026_2030_is_the_old_rules_with_the_reform_and_leaders() {
    let r = load("nanchang-2026-2030.toml");
    assert_eq!(
        (r.plan.first_year, r.plan.last_year, r.plan.target_exchanges),
        (2026, 2030, 5000)
    );
    assert!(r.eligibility.retirement_reform_2025);
    let l = r.leaders.clone().expect("a [leaders] table");
    assert_eq!(l.roles, vec![Role::Principal, Role::VicePrincipal]);
    assert_eq!(l.min_years_at_school, 6);
    assert!(l.mandatory && l.promote);
    let mut same_as_old = r.clone();
    same_as_old.plan = Rules::default().plan;
    same_as_old.eligibility.retirement_reform_2025 = false;
    same_as_old.leaders = None;
    assert!(same(&same_as_old, &Rules::default()), "{r:#?}");
    let text = std::fs::read_to_string(rules_dir().join("nanchang-2026-2030.toml")).unwrap();
    assert!(
        text.contains("ASSUMPTION"),
        "the carried-over target must say so"
    );
}

#[test]
fn leaders_table_and_reform_key_parse_and_are_checked() {
    let ok = rotaplan_core::rules::parse_rules(
        "[leaders]\nmandatory = true\n[eligibility]\nretirement_reform_2025 = true\n",
        "x.toml",
        &[],
    )
    .unwrap();
    let l = ok.leaders.unwrap();
    assert_eq!(
        (l.min_years_at_school, l.mandatory, l.promote),
        (6, true, false)
    );
    assert!(ok.eligibility.retirement_reform_2025);
    // No table: no leader rotation; `--set` alone turns it on.
    assert!(Rules::default().leaders.is_none());
    let set =
        rotaplan_core::rules::parse_rules("", "x.toml", &["leaders.promote=true".into()]).unwrap();
    assert!(set.leaders.unwrap().promote);
    let bad = rotaplan_core::rules::parse_rules(
        "[leaders]\nroles = [\"teacher\"]\nmandatry = true\n",
        "x.toml",
        &[],
    )
    .unwrap_err();
    let text = bad.to_string();
    assert!(text.contains("x.toml:2: leaders.roles"), "{text}");
    assert!(text.contains("did you mean `mandatory`?"), "{text}");
}
