//! The checker on fixtures/tiny and its hand-worked 2021 plan (moved from the core:
//! it needs the loader).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::model::*;
use crate::rules::Rules;
use rotaplan_core::verify::*;

/// The tiny fixture (fixtures/tiny/README.md) and its hand-worked 2021 plan.
mod tiny {
    use super::*;

    fn load() -> (Dataset, Rules) {
        (
            crate::core_tests::fixture("tiny"),
            crate::rules::parse_rules("", "defaults", &[]).unwrap(),
        )
    }

    fn row(n: usize, teacher: &str, from: &str, to: &str, subject: &str) -> PlanRow {
        PlanRow {
            plan_row: n,
            teacher_id: teacher.into(),
            to_school: to.into(),
            from_school: Some(from.into()),
            subject: Some(Subject::new(subject)),
            form: Some(Form::Transfer),
            start_year: Some(2021),
            end_year: Some(2023),
        }
    }

    /// The optimal plan, worked by hand.
    fn plan() -> Vec<PlanRow> {
        vec![
            row(2, "U1-06", "U1", "R1", "english"),
            row(3, "U1-09", "U1", "T1", "chinese"),
            row(4, "U2-02", "U2", "R2", "english"),
            row(5, "T1-01", "T1", "R1", "math"),
        ]
    }

    fn found(edit: impl FnOnce(&mut Vec<PlanRow>)) -> Vec<(usize, String)> {
        let (data, rules) = load();
        let mut rows = plan();
        edit(&mut rows);
        check_rows(&data, &rules, 2021, &data.ledger, &rows)
            .violations
            .iter()
            .map(|v| (v.plan_row.unwrap_or(0), v.rule().to_string()))
            .collect()
    }

    fn one(row: usize, rule: &str) -> Vec<(usize, String)> {
        vec![(row, rule.to_string())]
    }

    #[test]
    fn the_hand_worked_plan_is_valid_with_its_figures() {
        let (data, rules) = load();
        let c = check_rows(&data, &rules, 2021, &data.ledger, &plan());
        assert!(c.violations.is_empty(), "{:?}", c.violations);
        assert_eq!((c.figures.shortfall, c.figures.filled_priority), (2, 8));
    }

    #[test]
    fn unknown_teacher_and_school() {
        let extra = |v: &mut Vec<PlanRow>| v.push(row(6, "ZZ-99", "U1", "R2", "math"));
        assert_eq!(found(extra), one(6, "unknown_teacher"));
        assert_eq!(
            found(|v| v[2].to_school = "R9".into()),
            one(4, "unknown_school")
        );
        assert_eq!(
            found(|v| v[2].from_school = Some("R9".into())),
            one(4, "unknown_school")
        );
    }

    #[test]
    fn wrong_from_school() {
        assert_eq!(
            found(|v| v[2].from_school = Some("U1".into())),
            one(4, "wrong_from_school")
        );
    }

    #[test]
    fn not_eligible_names_the_reason() {
        let (data, rules) = load();
        let mut rows = plan();
        rows[0].teacher_id = "U1-12".into();
        let c = check_rows(&data, &rules, 2021, &data.ledger, &rows);
        assert_eq!(c.violations.len(), 1, "{:?}", c.violations);
        let v = &c.violations[0];
        assert_eq!((v.plan_row, v.rule()), (Some(2), "not_eligible"));
        assert!(matches!(&v.broken, Broken::NotEligible { reasons, .. }
            if reasons == &["min_years_at_school".to_string()]));
        // On exchange (the ledger), sick.
        for (t, why) in [("U1-17", "on_exchange"), ("U1-14", "status")] {
            let mut rows = plan();
            rows[0].teacher_id = t.into();
            let c = check_rows(&data, &rules, 2021, &data.ledger, &rows);
            assert!(
                matches!(&c.violations[0].broken, Broken::NotEligible { reasons, .. }
                    if reasons.contains(&why.to_string())),
                "{t}: {:?}",
                c.violations
            );
        }
    }

    #[test]
    fn moved_twice() {
        let again = |v: &mut Vec<PlanRow>| v.push(row(7, "U2-02", "U2", "R2", "english"));
        assert_eq!(found(again), one(7, "moved_twice"));
    }

    #[test]
    fn pairs_not_allowed() {
        type Edit = fn(&mut Vec<PlanRow>);
        let cases: [(Edit, usize, &str); 6] = [
            // U1-01 (math) to a math post at their own school U1.
            (
                |v| v[0] = row(2, "U1-01", "U1", "U1", "math"),
                2,
                "pair_same_school",
            ),
            // Town T1 to urban U1.
            (|v| v[3].to_school = "U1".into(), 5, "pair_direction"),
            // X1 is in another district.
            (
                |v| v[3] = row(5, "X1-01", "X1", "R1", "math"),
                5,
                "pair_district",
            ),
            // R3 is about 89 km from T1.
            (|v| v[3].to_school = "R3".into(), 5, "pair_distance"),
            // A primary school's teacher to a junior middle school.
            (
                |v| v[0] = row(2, "U1-02", "U1", "R2", "math"),
                2,
                "pair_stage",
            ),
            // An English teacher on R1's music post.
            (
                |v| v[0].subject = Some(Subject::new("music")),
                2,
                "subject_mismatch",
            ),
        ];
        for (edit, at, rule) in cases {
            assert_eq!(found(edit), one(at, rule), "{rule}");
        }
    }

    #[test]
    fn posts_and_caps() {
        // A second math teacher for R1's one math post, U1 still sending two.
        let over = |v: &mut Vec<PlanRow>| {
            v.remove(0);
            v.push(row(6, "U1-02", "U1", "R1", "math"));
        };
        assert_eq!(found(over), one(6, "post_overfilled"));
        // U1's third teacher (its cap is 2), to R1's open music post.
        let cap = |v: &mut Vec<PlanRow>| v.push(row(6, "U1-08", "U1", "R1", "music"));
        assert_eq!(found(cap), one(6, "school_cap"));
    }

    #[test]
    fn term_year_and_form() {
        let next = |v: &mut Vec<PlanRow>| {
            v[1].start_year = Some(2022);
            v[1].end_year = Some(2024);
        };
        assert_eq!(found(next), one(3, "wrong_year"));
        assert_eq!(found(|v| v[1].end_year = Some(2022)), one(3, "wrong_term"));
        assert_eq!(
            found(|v| v[1].form = Some(Form::Support)),
            one(3, "wrong_form")
        );
        // Empty cells take rotaplan's own values.
        let bare = |v: &mut Vec<PlanRow>| {
            for r in v.iter_mut() {
                (r.from_school, r.form, r.start_year, r.end_year) = (None, None, None, None);
            }
            v[3].subject = None;
        };
        assert_eq!(found(bare), vec![]);
    }

    #[test]
    fn every_rule_id_is_tested_and_documented() {
        // docs/data.md's table of the rules a plan can break lists exactly the
        // hard rules, in order, then the pin rules.
        let docs = include_str!("../../../../docs/data.md");
        let start = docs
            .find("| rule | the row … |")
            .expect("docs/data.md's table of rules");
        let listed: Vec<&str> = docs[start..]
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with("| `"))
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .filter(|id| !id.starts_with("pin_"))
            .collect();
        assert_eq!(listed, RULE_IDS.to_vec(), "docs/data.md's rule table");
    }
}
