//! `plan`'s files: plan.csv, schools.csv, eligibility.csv, summary.json.

use super::{csv_table, Staged};
use crate::model::Dataset;
use crate::plan::{distance_km, YearPlan};
use crate::rules::Rules;
use crate::shortfall::ShortfallReason;
use crate::stats::{SchoolRow, Summary};
use std::collections::BTreeMap;

pub const PLAN_HEADER: [&str; 12] = [
    "teacher_id",
    "name",
    "subject",
    "backbone",
    "from_school",
    "from_district",
    "to_school",
    "to_district",
    "form",
    "start_year",
    "end_year",
    "distance_km",
];

pub const SCHOOLS_HEADER: [&str; 15] = [
    "school_id",
    "district",
    "locality",
    "weak",
    "staff",
    "eligible",
    "quota",
    "cap",
    "sent",
    "backbone_sent",
    "shortfall",
    "received",
    "posts",
    "posts_filled",
    "shortfall_reasons",
];

/// Renders the four files of a plan year under `prefix` (e.g. "" or "2021/").
pub fn plan_files(
    staged: &mut Staged,
    prefix: &str,
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    rows: &[SchoolRow],
    summary: &Summary,
    reasons: &BTreeMap<usize, Vec<ShortfallReason>>,
) -> Result<(), String> {
    let err = |e: csv::Error| e.to_string();
    let end = plan.year + rules.term.years - 1;
    let moves: Vec<Vec<String>> = plan
        .moves
        .iter()
        .map(|m| {
            let t = &data.teachers[m.teacher];
            let (s, r) = (&data.schools[m.from], &data.schools[m.to]);
            vec![
                t.id.to_string(),
                t.name.clone(),
                m.subject.to_string(),
                t.backbone.as_str().to_string(),
                s.id.to_string(),
                s.district.clone(),
                r.id.to_string(),
                r.district.clone(),
                rules.term.form.as_str().to_string(),
                plan.year.to_string(),
                end.to_string(),
                distance_km(s, r).map_or(String::new(), |d| format!("{d:.2}")),
            ]
        })
        .collect();
    staged.add(
        format!("{prefix}plan.csv"),
        csv_table(&PLAN_HEADER, &moves).map_err(err)?,
    );

    let school_rows: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                r.school_id.clone(),
                r.district.clone(),
                r.locality.to_string(),
                r.weak.to_string(),
                r.staff.to_string(),
                r.eligible.to_string(),
                r.quota.to_string(),
                r.cap.to_string(),
                r.sent.to_string(),
                r.backbone_sent.to_string(),
                r.shortfall.to_string(),
                r.received.to_string(),
                r.posts.to_string(),
                r.posts_filled.to_string(),
                reasons.get(&i).map_or(String::new(), |v| {
                    v.iter().map(|x| x.id()).collect::<Vec<_>>().join(";")
                }),
            ]
        })
        .collect();
    staged.add(
        format!("{prefix}schools.csv"),
        csv_table(&SCHOOLS_HEADER, &school_rows).map_err(err)?,
    );

    let elig: Vec<Vec<String>> = data
        .teachers
        .iter()
        .zip(&plan.verdicts)
        .map(|(t, v)| {
            vec![
                t.id.to_string(),
                t.school.to_string(),
                v.eligible().to_string(),
                v.reasons
                    .iter()
                    .map(|r| r.id())
                    .collect::<Vec<_>>()
                    .join(";"),
            ]
        })
        .collect();
    staged.add(
        format!("{prefix}eligibility.csv"),
        csv_table(&["teacher_id", "school_id", "eligible", "reasons"], &elig).map_err(err)?,
    );

    let mut json = serde_json::to_vec_pretty(summary).map_err(|e| e.to_string())?;
    json.push(b'\n');
    staged.add(format!("{prefix}summary.json"), json);
    Ok(())
}
