#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::model::{Backbone, Gender, School, SchoolId, Stage, Teacher, TeacherId, Title};
use crate::model::{Date, Form, Locality, MonthDay, Role, Status, Subject};
use crate::rules::ExclusionContext;
use crate::rules::{BackboneLevel, Expr, Recusal, Share, StageMatch};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn parse(text: &str) -> Result<Rules, RuleErrors> {
    parse_rules(text, "rules/x.toml", &[])
}

fn errors(text: &str) -> Vec<RuleError> {
    match parse(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(e) => e.0,
    }
}

fn one_error(text: &str) -> RuleError {
    let e = errors(text);
    assert_eq!(e.len(), 1, "{}", RuleErrors(e.clone()));
    e.into_iter().next().unwrap()
}

fn set(overrides: &[&str]) -> Result<Rules, RuleErrors> {
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    parse_rules("", "defaults", &o)
}

#[test]
fn empty_file_gives_the_defaults() {
    let r = parse("").unwrap();
    let d = Rules::default();
    assert_eq!(r.source, "rules/x.toml");
    assert_eq!(r.plan.name, d.plan.name);
    assert_eq!(r.quota.min_share_of_eligible, d.quota.min_share_of_eligible);
    assert_eq!(r.flow.directions, d.flow.directions);
    assert_eq!(r.evaluation.window, d.evaluation.window);
    // Comments only, and a BOM, are fine too.
    assert!(parse("\u{feff}# nothing\n[plan]\n").is_ok());
}

#[test]
fn every_key_is_read() {
    let text = r#"
[plan]
name = "测试"
first_year = 2022
last_year = 2024
target_exchanges = 120
count_forms = ["交流", "support"]

[eligibility]
min_years_at_school = 5
retirement_age_male = 63
retirement_age_female = 58
exempt_years_before_retirement = 5
statuses = ["active", "借调"]
roles = ["teacher"]
sending_localities = ["urban"]
weak_schools_send = true
min_years_between_exchanges = 4

[[eligibility.exclude]]
id = "new_mother"
when = "status == 'maternity'"

[[eligibility.exclude]]
id = "young"
when = "age < 25"

[quota]
min_share_of_eligible = 0.12
min_backbone_share = 0
backbone_share_level = "县区"
max_outflow_share_of_staff = 1
fill_beyond_quota = true

[flow]
directions = [["urban", "rural"], ["城区", "镇区"]]
to_weak_from_any_non_weak = false
same_district = false
max_distance_km = 80
stage_match = "same"

[matching]
subject = "exact"
substitutes = { "科学" = ["物理", "chemistry", "Biology"] }

[term]
years = 2
form = "support"

[evaluation]
window = ["10-15", "12-31"]
holidays = ["2022-10-03", 2022-10-04]
panel_size = 5
min_same_subject = 2
recuse = ["host_district", "sending_school"]
max_per_evaluator_per_day = 3
max_per_school_per_day = 8
one_school_per_evaluator_day = false
"#;
    let r = parse(text).unwrap();
    assert_eq!(r.plan.name, "测试");
    assert_eq!((r.plan.first_year, r.plan.last_year), (2022, 2024));
    assert_eq!(r.plan.target_exchanges, 120);
    assert_eq!(r.plan.count_forms, vec![Form::Transfer, Form::Support]);
    let e = &r.eligibility;
    assert_eq!(e.min_years_at_school, 5);
    assert_eq!((e.retirement_age_male, e.retirement_age_female), (63, 58));
    assert_eq!(e.exempt_years_before_retirement, 5);
    assert_eq!(e.statuses, vec![Status::Active, Status::Seconded]);
    assert_eq!(e.roles, vec![Role::Teacher]);
    assert_eq!(e.sending_localities, vec![Locality::Urban]);
    assert!(e.weak_schools_send);
    assert_eq!(e.min_years_between_exchanges, 4);
    assert_eq!(e.exclude.len(), 2);
    assert_eq!(e.exclude[0].id, "new_mother");
    assert_eq!(e.exclude[1].when.source, "age < 25");
    let q = &r.quota;
    assert_eq!(q.min_share_of_eligible, Share::parse("0.12").unwrap());
    assert_eq!(q.min_backbone_share, Share::parse("0").unwrap());
    assert_eq!(q.backbone_share_level, BackboneLevel::District);
    assert_eq!(q.max_outflow_share_of_staff, Share::parse("1").unwrap());
    assert!(q.fill_beyond_quota);
    let f = &r.flow;
    assert_eq!(
        f.directions,
        vec![
            (Locality::Urban, Locality::Rural),
            (Locality::Urban, Locality::Town)
        ]
    );
    assert!(!f.to_weak_from_any_non_weak && !f.same_district);
    assert_eq!(f.max_distance_km, 80.0);
    assert_eq!(f.stage_match, StageMatch::Same);
    assert!(r.matching.subject_exact);
    assert_eq!(
        r.matching.substitutes.get(&Subject::normalise("science")),
        Some(&vec![
            Subject::normalise("physics"),
            Subject::normalise("chemistry"),
            Subject::normalise("biology")
        ])
    );
    assert!(r.subject_fits(&Subject::normalise("物理"), &Subject::normalise("science")));
    assert_eq!((r.term.years, r.term.form), (2, Form::Support));
    let v = &r.evaluation;
    assert_eq!(v.window.0, MonthDay { month: 10, day: 15 });
    assert_eq!(v.window.1, MonthDay { month: 12, day: 31 });
    assert_eq!(
        v.holidays,
        vec![
            Date::new(2022, 10, 3).unwrap(),
            Date::new(2022, 10, 4).unwrap()
        ]
    );
    assert_eq!((v.panel_size, v.min_same_subject), (5, 2));
    assert_eq!(
        v.recuse,
        vec![Recusal::SendingSchool, Recusal::HostDistrict]
    );
    assert_eq!(
        (v.max_per_evaluator_per_day, v.max_per_school_per_day),
        (3, 8)
    );
    assert!(!v.one_school_per_evaluator_day);
}

#[test]
fn dotted_and_inline_forms_work() {
    let r = parse("quota.min_share_of_eligible = 0.2\nflow = { same_district = false }\n").unwrap();
    assert_eq!(r.quota.min_share_of_eligible, Share::parse("0.2").unwrap());
    assert!(!r.flow.same_district);
    let r = parse("[matching.substitutes]\nscience = [\"physics\"]\n").unwrap();
    assert_eq!(r.matching.substitutes.len(), 1);
    let r = parse(
        "[eligibility]\nexclude = [{ id = \"a\", when = \"weak\" }, { id = \"b\", when = \"!weak\" }]\n",
    )
    .unwrap();
    assert_eq!(r.eligibility.exclude.len(), 2);
}

#[test]
fn exact_decimal_shares() {
    let r = parse("[quota]\nmin_share_of_eligible = 0.10\nmax_outflow_share_of_staff = 0.29\n")
        .unwrap();
    assert_eq!(r.quota.min_share_of_eligible.ceil_mul(30), 3);
    assert_eq!(r.quota.max_outflow_share_of_staff.floor_mul(100), 29);
    let r = set(&[
        "quota.min_share_of_eligible=0.07",
        "quota.min_backbone_share=0.57",
    ])
    .unwrap();
    assert_eq!(r.quota.min_share_of_eligible.ceil_mul(100), 7);
    assert_eq!(r.quota.min_backbone_share.floor_mul(100), 57);
    // Every grid point of `share_to_meet_target` stays exact, however it is written.
    for k in 1..=200i64 {
        let want = Decimal::new(k * 5, 3);
        for written in [
            want.to_string(),
            want.normalize().to_string(),
            format!("{}e-3", k * 5),
        ] {
            let s = format!("quota.min_share_of_eligible={written}");
            let r = parse_rules("", "d", std::slice::from_ref(&s)).unwrap();
            assert_eq!(
                r.quota.min_share_of_eligible.decimal(),
                want.normalize(),
                "{s}"
            );
        }
    }
    // More digits than a double holds are kept.
    let r = parse("[quota]\nmin_share_of_eligible = 0.123456789012345678\n").unwrap();
    assert_eq!(
        r.quota.min_share_of_eligible.to_string(),
        "0.123456789012345678"
    );
    let r = parse("[quota]\nmin_share_of_eligible = 1_0e-2\n").unwrap();
    assert_eq!(r.quota.min_share_of_eligible.ceil_mul(30), 3);
}

#[test]
fn unknown_key_with_suggestion_and_line() {
    let e = one_error("[plan]\nname = \"x\"\n\n[eligibility]\nmin_year_at_school = 6\n");
    assert_eq!(e.kind, RuleErrorKind::UnknownKey);
    assert_eq!(e.line, Some(5));
    assert_eq!(e.key, "eligibility.min_year_at_school");
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `min_years_at_school`?")
    );
    let shown = e.to_string();
    assert!(
        shown.starts_with("rules/x.toml:5: eligibility.min_year_at_school: unknown key"),
        "{shown}"
    );
    assert!(
        shown.contains("\n  help: did you mean `min_years_at_school`?"),
        "{shown}"
    );

    // A key in the wrong section says where it belongs.
    let e = one_error("[quota]\nsame_district = false\n");
    assert_eq!(
        e.help.as_deref(),
        Some("`same_district` belongs in `[flow]`")
    );
    // An unknown section, with a suggestion.
    let e = one_error("[qouta]\nmin_share_of_eligible = 0.1\n");
    assert_eq!((e.line, e.kind), (Some(1), RuleErrorKind::UnknownKey));
    assert_eq!(e.help.as_deref(), Some("did you mean `[quota]`?"));
    // A top-level key that belongs in a section.
    let e = one_error("name = \"x\"\n");
    assert!(e.help.unwrap().contains("[plan]"));
    // Unknown key inside an exclusion.
    let e = one_error("[[eligibility.exclude]]\nid = \"a\"\nwhen = \"weak\"\nwehn2 = 1\n");
    assert_eq!((e.line, e.kind), (Some(4), RuleErrorKind::UnknownKey));
}

#[test]
fn wrong_types_name_the_expected_type() {
    let e = one_error("[plan]\nfirst_year = \"2021\"\n");
    assert_eq!((e.kind, e.line), (RuleErrorKind::WrongType, Some(2)));
    assert_eq!(e.message, "expected an integer, found a string");
    assert_eq!(e.value.as_deref(), Some("\"2021\""));
    let e = one_error("[flow]\nsame_district = \"no\"\n");
    assert_eq!(e.message, "expected a boolean, found a string");
    let e = one_error("[eligibility]\nstatuses = \"active\"\n");
    assert_eq!(e.message, "expected an array, found a string");
    let e = one_error("[quota]\nmin_share_of_eligible = \"0.1\"\n");
    assert_eq!(e.kind, RuleErrorKind::WrongType);
    let e = one_error("[term]\nyears = 3.0\n");
    assert_eq!(e.message, "expected an integer, found a float");
    let e = one_error("quota = 3\n");
    assert!(e.message.contains("expected a table"), "{e}");
    let e = one_error("[matching]\nsubstitutes = [\"physics\"]\n");
    assert_eq!(e.kind, RuleErrorKind::WrongType);
}

#[test]
fn out_of_range_values() {
    let e = one_error("[quota]\n\nmin_share_of_eligible = 1.5\n");
    assert_eq!((e.kind, e.line), (RuleErrorKind::OutOfRange, Some(3)));
    assert_eq!(
        e.to_string().lines().next().unwrap(),
        "rules/x.toml:3: quota.min_share_of_eligible = 1.5: a share must be between 0 and 1"
    );
    let e = one_error("[quota]\nmin_backbone_share = 20\n");
    assert!(e.help.unwrap().contains("0.2"));
    assert_eq!(
        one_error("[quota]\nmin_backbone_share = -0.1\n").kind,
        RuleErrorKind::OutOfRange
    );
    assert_eq!(
        one_error("[quota]\nmin_backbone_share = nan\n").kind,
        RuleErrorKind::OutOfRange
    );
    for bad in [
        "[eligibility]\nmin_years_at_school = -1\n",
        "[eligibility]\nretirement_age_male = 200\n",
        "[term]\nyears = 0\n",
        "[evaluation]\npanel_size = 0\n",
        "[flow]\nmax_distance_km = 0\n",
        "[flow]\nmax_distance_km = -5.5\n",
        "[flow]\nmax_distance_km = inf\n",
        "[plan]\ntarget_exchanges = -3\n",
        "[plan]\nfirst_year = 99999999999\n",
        "[eligibility]\nstatuses = []\n",
    ] {
        assert_eq!(one_error(bad).kind, RuleErrorKind::OutOfRange, "{bad}");
    }
    // Contradictions between keys.
    let e = one_error("[plan]\nfirst_year = 2025\nlast_year = 2021\n");
    assert_eq!((e.key.as_str(), e.line), ("plan.last_year", Some(3)));
    let e = one_error("[evaluation]\npanel_size = 2\nmin_same_subject = 3\n");
    assert_eq!(e.key, "evaluation.min_same_subject");
    let e = one_error("[evaluation]\nwindow = [\"12-20\", \"11-01\"]\n");
    assert_eq!(e.kind, RuleErrorKind::OutOfRange);
}

#[test]
fn bad_enum_and_date_values() {
    let e = one_error("[eligibility]\nsending_localities = [\"urban\",\n  \"towm\"]\n");
    assert_eq!((e.kind, e.line), (RuleErrorKind::BadValue, Some(3)));
    assert!(
        e.message
            .contains("unknown locality `towm` (did you mean `town`?)"),
        "{e}"
    );
    assert!(e.help.unwrap().contains("rural (乡村)"));
    for bad in [
        "[quota]\nbackbone_share_level = \"county\"\n",
        "[flow]\nstage_match = \"any\"\n",
        "[matching]\nsubject = \"fuzzy\"\n",
        "[term]\nform = \"swap\"\n",
        "[evaluation]\nrecuse = [\"host_city\"]\n",
        "[plan]\ncount_forms = [\"transfer\", \"visit\"]\n",
        "[eligibility]\nroles = [\"janitor\"]\n",
        "[flow]\ndirections = [[\"urban\", \"town\", \"rural\"]]\n",
        "[evaluation]\nwindow = [\"13-01\", \"12-20\"]\n",
        "[evaluation]\nwindow = [\"11-01\"]\n",
        "[evaluation]\nholidays = [\"2021-02-30\"]\n",
        "[evaluation]\nholidays = [2021-10-01T10:00:00]\n",
    ] {
        assert_eq!(one_error(bad).kind, RuleErrorKind::BadValue, "{bad}");
    }
    // Chinese aliases of the rule enums.
    let r =
        parse("[flow]\nstage_match = \"相同\"\n[evaluation]\nrecuse = [\"派出学校\"]\n").unwrap();
    assert_eq!(r.flow.stage_match, StageMatch::Same);
    assert_eq!(r.evaluation.recuse, vec![Recusal::SendingSchool]);
}

#[test]
fn bad_expressions_and_exclusion_ids() {
    let e = one_error("[[eligibility.exclude]]\nid = \"x\"\nwhen = \"status ==\"\n");
    assert_eq!((e.kind, e.line), (RuleErrorKind::BadExpression, Some(3)));
    assert_eq!(e.key, "eligibility.exclude.when");
    let e = one_error("[[eligibility.exclude]]\nid = \"x\"\nwhen = \"stauts == 'maternity'\"\n");
    assert_eq!((e.kind, e.line), (RuleErrorKind::BadExpression, Some(3)));
    assert!(e.message.contains("unknown field `stauts`"), "{e}");
    assert!(e.message.contains("did you mean `status`?"), "{e}");
    let e = one_error("[[eligibility.exclude]]\nid = \"x\"\nwhen = \"age\"\n");
    assert!(e.message.contains("not a bool"), "{e}");

    let e = one_error("[[eligibility.exclude]]\nid = \"status\"\nwhen = \"weak\"\n");
    assert!(e.message.contains("built-in"), "{e}");
    let e = one_error("[[eligibility.exclude]]\nid = \"new mother\"\nwhen = \"weak\"\n");
    assert!(e.message.contains("simple identifier"), "{e}");
    let e = one_error(
        "[[eligibility.exclude]]\nid = \"a\"\nwhen = \"weak\"\n[[eligibility.exclude]]\nid = \"a\"\nwhen = \"!weak\"\n",
    );
    assert_eq!(e.line, Some(5));
    assert!(
        e.message
            .contains("duplicate exclusion id `a`, already used (line 2)"),
        "{e}"
    );
    let e = one_error("[[eligibility.exclude]]\nid = \"a\"\n");
    assert_eq!((e.kind, e.line), (RuleErrorKind::Missing, Some(1)));
    assert_eq!(e.key, "eligibility.exclude.when");
    let e = one_error("[eligibility]\nexclude = 3\n");
    assert_eq!(e.kind, RuleErrorKind::WrongType);
}

#[test]
fn all_errors_are_reported_together_in_line_order() {
    let text = "\
[plan]
first_year = \"2021\"
nmae = \"x\"

[quota]
min_share_of_eligible = 1.5
backbone_share_level = \"city\"

[flow]
max_distance_km = -1

[[eligibility.exclude]]
id = \"x\"
when = \"stauts == 'maternity'\"
";
    let e = errors(text);
    let lines: Vec<_> = e.iter().map(|e| e.line.unwrap()).collect();
    assert_eq!(lines, vec![2, 3, 6, 7, 10, 14]);
    let shown = RuleErrors(e).to_string();
    assert!(
        shown.contains(
            "rules/x.toml:3: plan.nmae: unknown key `nmae` in [plan]\n  help: did you mean `name`?"
        ),
        "{shown}"
    );
}

#[test]
fn syntax_errors_have_a_line() {
    let e = one_error("[plan]\nname = \"x\"\nfirst_year = = 3\n");
    assert_eq!((e.kind, e.line), (RuleErrorKind::Syntax, Some(3)));
    assert!(
        e.to_string().starts_with("rules/x.toml:3: not valid TOML"),
        "{e}"
    );
    let e = one_error("[plan]\nname = \"x\"\nname = \"y\"\n");
    assert_eq!((e.kind, e.line), (RuleErrorKind::Syntax, Some(3)));
}

#[test]
fn overrides_apply_after_the_file() {
    let o: Vec<String> = [
        "quota.min_share_of_eligible=0.08",
        "flow.same_district=false",
        "eligibility.statuses=[\"active\",\"leave\"]",
        "quota.backbone_share_level=district",
        " plan.name = 2022 trial ",
        "eligibility.roles=teacher",
        "matching.substitutes={ science = [\"physics\"] }",
        "evaluation.holidays=[2021-11-11]",
        "flow.max_distance_km=75.5",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let r = parse_rules("[quota]\nmin_share_of_eligible = 0.3\n", "a.toml", &o).unwrap();
    assert_eq!(r.quota.min_share_of_eligible, Share::parse("0.08").unwrap());
    assert!(!r.flow.same_district);
    assert_eq!(r.eligibility.statuses, vec![Status::Active, Status::Leave]);
    assert_eq!(r.quota.backbone_share_level, BackboneLevel::District);
    assert_eq!(r.plan.name, "2022 trial");
    assert_eq!(r.eligibility.roles, vec![Role::Teacher]);
    assert_eq!(r.matching.substitutes.len(), 1);
    assert_eq!(
        r.evaluation.holidays,
        vec![Date::new(2021, 11, 11).unwrap()]
    );
    assert_eq!(r.flow.max_distance_km, 75.5);
    assert_eq!(r.source, "a.toml");
    // An override can mend a contradiction in the file, or cause one.
    assert!(parse_rules(
        "[plan]\nfirst_year = 2026\n",
        "a",
        &["plan.last_year=2030".into()]
    )
    .is_ok());
    let e = parse_rules("", "a", &["plan.first_year=2030".into()]).unwrap_err();
    assert_eq!(
        (e.0[0].file.as_str(), e.0[0].key.as_str()),
        ("--set", "plan.first_year")
    );
}

#[test]
fn bad_overrides() {
    let e = set(&["quota.min_share_of_eligble=0.1"]).unwrap_err().0;
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].file.as_str(), e[0].line), ("--set", None));
    assert_eq!(e[0].key, "quota.min_share_of_eligble");
    assert_eq!(
        e[0].help.as_deref(),
        Some("did you mean `quota.min_share_of_eligible`?")
    );
    let shown = e[0].to_string();
    assert!(
        shown.starts_with("--set: quota.min_share_of_eligble = 0.1: unknown key"),
        "{shown}"
    );

    let e = set(&["quota.min_share_of_eligible=1.5"]).unwrap_err().0;
    assert_eq!(
        e[0].to_string().lines().next().unwrap(),
        "--set: quota.min_share_of_eligible = 1.5: a share must be between 0 and 1"
    );
    let e = set(&["qouta.fill_beyond_quota=true"]).unwrap_err().0;
    assert_eq!(
        e[0].help.as_deref(),
        Some("did you mean `quota.fill_beyond_quota`?")
    );
    let e = set(&["same_district=false"]).unwrap_err().0;
    assert_eq!(
        e[0].help.as_deref(),
        Some("did you mean `flow.same_district`?")
    );
    let e = set(&["quota.min_share_of_eligible"]).unwrap_err().0;
    assert_eq!(e[0].kind, RuleErrorKind::BadValue);
    let e = set(&["eligibility.exclude=[]"]).unwrap_err().0;
    assert_eq!(e[0].kind, RuleErrorKind::Unsupported);
    let e = set(&["flow.same_district=maybe"]).unwrap_err().0;
    assert_eq!(e[0].kind, RuleErrorKind::WrongType);
    let e = set(&[
        "term.years=three",
        "flow.stage_match=any",
        "plan.first_year=2021",
    ])
    .unwrap_err()
    .0;
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].key, "term.years");
    assert_eq!(e[1].key, "flow.stage_match");
    // File errors first, then the overrides'.
    let e = parse_rules("[term]\nyears = 0\n", "f.toml", &["term.form=x".into()])
        .unwrap_err()
        .0;
    assert_eq!(e.len(), 2);
    assert_eq!(
        (e[0].file.as_str(), e[1].file.as_str()),
        ("f.toml", "--set")
    );
}

#[test]
fn exclusion_from_a_file_evaluates() {
    let r = parse("[[eligibility.exclude]]\nid = \"new_mother\"\nwhen = \"status == 'maternity' && age < 40\"\n").unwrap();
    let t = Teacher {
        id: TeacherId::new("T1"),
        name: "王".into(),
        gender: Gender::F,
        birth_year: 1990,
        school: SchoolId::new("S1"),
        subject: Subject::normalise("语文"),
        title: Title::Junior,
        backbone: Backbone::None,
        role: Role::Teacher,
        joined_school_year: 2015,
        status: Status::Maternity,
        volunteer: false,
        birth_month: 1,
        retirement_age: None,
    };
    let s = School {
        id: SchoolId::new("S1"),
        name: "S".into(),
        district: "D".into(),
        township: None,
        locality: Locality::Urban,
        weak: false,
        stage: Stage::Junior,
        coord: None,
        staff: Some(30),
    };
    let ctx = ExclusionContext {
        teacher: &t,
        school: &s,
        year: 2022,
        retirement_age: r.retirement_age(t.gender),
    };
    assert_eq!(r.eligibility.exclude[0].when.eval(&ctx), Ok(true));
    let older = Teacher {
        birth_year: 1970,
        ..t.clone()
    };
    let ctx = ExclusionContext {
        teacher: &older,
        ..ctx
    };
    assert_eq!(r.eligibility.exclude[0].when.eval(&ctx), Ok(false));
}

#[test]
fn load_rules_names_the_path_and_reports_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("local.toml");
    std::fs::write(&p, "[term]\nyears = 0\n").unwrap();
    let e = load_rules(&p, &[]).unwrap_err().0;
    assert_eq!(e[0].file, p.display().to_string());
    assert_eq!(e[0].line, Some(2));
    std::fs::write(&p, "[term]\nyears = 2\n").unwrap();
    assert_eq!(load_rules(&p, &[]).unwrap().source, "local.toml");
    std::fs::write(&p, b"[plan]\nname = \"\xff\"\n").unwrap();
    let e = load_rules(&p, &[]).unwrap_err().0;
    assert_eq!((e[0].kind, e[0].line), (RuleErrorKind::Syntax, Some(2)));
    let e = load_rules(&dir.path().join("missing.toml"), &[])
        .unwrap_err()
        .0;
    assert_eq!(e[0].kind, RuleErrorKind::Io);
}

/// TOML-ish text: fragments of rule files glued together, so that the fuzzing reaches
/// the validation and not only the TOML parser.
fn tomlish() -> impl Strategy<Value = String> {
    let frag = prop_oneof![
        Just("[plan]\n".to_string()),
        Just("[quota]\n".to_string()),
        Just("[flow]\n".to_string()),
        Just("[evaluation]\n".to_string()),
        Just("[[eligibility.exclude]]\n".to_string()),
        Just("[matching.substitutes]\n".to_string()),
        prop::sample::select(
            crate::rules::keys::KEYS
                .iter()
                .map(|k| k.name)
                .chain(["id", "when", "science", "x"])
                .collect::<Vec<_>>()
        )
        .prop_flat_map(|k| {
            prop_oneof![
                Just("0.1".to_string()),
                Just("-3".to_string()),
                Just("\"status == 'maternity'\"".to_string()),
                Just("[\"urban\", [\"town\"]]".to_string()),
                Just("{ a = 1 }".to_string()),
                Just("1979-05-27".to_string()),
                any::<i64>().prop_map(|i| i.to_string()),
                any::<f64>().prop_map(|f| format!("{f:?}")),
                "\"[a-z_ =!'()<>&|0-9.]{0,20}\"".prop_map(|s| s),
            ]
            .prop_map(move |v| format!("{k} = {v}\n"))
        }),
        ".{0,12}",
    ];
    prop::collection::vec(frag, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = parse_rules(&text, "f", &[]);
    }

    #[test]
    fn tomlish_text_never_panics(text in tomlish()) {
        if let Err(e) = parse_rules(&text, "f", &[]) {
            prop_assert!(!e.is_empty());
            let _ = e.to_string();
        }
    }

    #[test]
    fn arbitrary_overrides_never_panic(o in prop::collection::vec(".{0,40}", 0..4),
                                       k in prop::sample::select(vec!["quota.min_share_of_eligible=", "flow.directions=", "plan.name=", "evaluation.window=", "x="]),
                                       v in ".{0,30}") {
        let mut o = o;
        o.push(format!("{k}{v}"));
        let _ = parse_rules("", "f", &o);
    }

    #[test]
    fn arbitrary_expressions_never_panic(src in ".{0,60}") {
        let _ = Expr::parse(&src);
    }
}
