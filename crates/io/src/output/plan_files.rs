//! `plan`'s files: plan.csv, schools.csv, eligibility.csv, summary.json, report.html,
//! plan.xlsx.

use super::{csv_table, RenderError, Staged};
use crate::itinerant::ItinerantPlan;
use crate::model::{Dataset, Id, Role, School, Subject};
use crate::plan::{distance_km, YearPlan};
use crate::report::itinerant_page::{grid_header, grid_rows, ItinerantGrid};
use crate::report::{plan_page, Lang, PlanReport, PlanTallies};
use crate::rules::Rules;
use crate::shortfall::ShortfallReason;
use crate::stats::{SchoolRow, Summary};
use crate::xlsx::{workbook, Kind, Sheet};
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

/// The sheet of `plan.xlsx` holding the plan; `verify --plan` reads it by this name.
pub const PLAN_SHEET: &str = "交流名单";

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

/// Renders the files of a plan year under `prefix` (e.g. "" or "2021/"), the report
/// in `lang`. With an itinerant plan (its teacher ids those of `data`), also
/// itinerant.csv, itinerant_uncovered.csv and the itinerant section and sheets.
#[allow(clippy::too_many_arguments)]
pub fn plan_files(
    staged: &mut Staged,
    prefix: &str,
    data: &Dataset,
    rules: &Rules,
    plan: &YearPlan,
    rows: &[SchoolRow],
    summary: &Summary,
    reasons: &BTreeMap<Id<School>, Vec<ShortfallReason>>,
    itinerant: Option<&ItinerantPlan>,
    lang: Lang,
) -> Result<(), RenderError> {
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
        csv_table(&PLAN_HEADER, &moves)?,
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
                reasons.get(&Id::new(i)).map_or(String::new(), |v| {
                    v.iter().map(|x| x.id()).collect::<Vec<_>>().join(";")
                }),
            ]
        })
        .collect();
    staged.add(
        format!("{prefix}schools.csv"),
        csv_table(&SCHOOLS_HEADER, &school_rows)?,
    );

    // Written row by row: at national scale a table of strings would need gigabytes.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(ELIG_HEADER)?;
    let mut reasons_buf = String::new();
    // The workbook's eligibility sheet, only when it fits in a worksheet (Excel's limit
    // is 1,048,576 rows); a province or the country gets the CSV only.
    let mut elig: Vec<Vec<String>> = Vec::new();
    let elig_sheet = data.teachers.len() < XLSX_MAX_ROWS;
    for (t, v) in data.teachers.iter().zip(&plan.verdicts) {
        reasons_buf.clear();
        for (i, r) in v.reasons.iter().enumerate() {
            if i > 0 {
                reasons_buf.push(';');
            }
            reasons_buf.push_str(r.id());
        }
        let eligible = if v.eligible() { "true" } else { "false" };
        w.write_record([t.id.as_str(), t.school.as_str(), eligible, &reasons_buf])?;
        if elig_sheet {
            elig.push(vec![
                t.id.to_string(),
                t.school.to_string(),
                eligible.to_string(),
                reasons_buf.clone(),
            ]);
        }
    }
    let elig_csv = w.into_inner()?;
    staged.add(format!("{prefix}eligibility.csv"), elig_csv);

    let itinerant = itinerant.map(|p| {
        (
            ItinerantGrid::new(data, rules, p),
            crate::itinerant::lesson_rows(data, p),
            crate::itinerant::uncovered_rows(p),
        )
    });
    if let Some((_, lessons, uncovered)) = &itinerant {
        staged.add(
            format!("{prefix}itinerant.csv"),
            csv_table(crate::itinerant::ITINERANT_HEADER, lessons)?,
        );
        staged.add(
            format!("{prefix}itinerant_uncovered.csv"),
            csv_table(crate::itinerant::UNCOVERED_HEADER, uncovered)?,
        );
    }
    let tallies = PlanTallies::new(data, plan);
    let report = PlanReport {
        tallies: &tallies,
        rows,
        summary,
        reasons,
        backbone_target: rules.quota.min_backbone_share.to_f64(),
        itinerant: itinerant.as_ref().map(|x| &x.0),
    };
    let mut page = plan_page(&report, lang);
    // With --previous: what became of the previous plan's moves.
    if let Some(c) = &plan.changes {
        page.sections
            .push(crate::report::changes_page::changes_section(data, c, lang));
    }
    staged.add(format!("{prefix}report.html"), page.render().into_bytes());
    let change_rows: Vec<Vec<String>> = plan
        .changes
        .iter()
        .flatten()
        .map(|c| c.cells(data))
        .collect();
    if plan.changes.is_some() {
        staged.add(
            format!("{prefix}changes.csv"),
            csv_table(&CHANGES_HEADER, &change_rows)?,
        );
    }
    let sheets = itinerant
        .as_ref()
        .map(|(grid, lessons, uncovered)| ItinerantSheets {
            grid,
            lessons,
            uncovered,
        });
    staged.add(
        format!("{prefix}plan.xlsx"),
        plan_workbook(
            &moves,
            &school_rows,
            &elig,
            summary,
            sheets.as_ref(),
            plan.changes.as_ref().map(|_| change_rows.as_slice()),
            &tallies,
        )?,
    );

    if !data.steering.pins.is_empty() {
        staged.add(format!("{prefix}pins_cost.csv"), pins_cost_csv(plan)?);
    }

    let mut json = serde_json::to_vec_pretty(summary)?;
    json.push(b'\n');
    staged.add(format!("{prefix}summary.json"), json);
    Ok(())
}

pub const PINS_COST_HEADER: [&str; 6] = [
    "row",
    "teacher_id",
    "action",
    "school_id",
    "shortfall_delta",
    "filled_priority_delta",
];

/// pins_cost.csv: per pin in force, how levels (1) and (2) change if that pin alone
/// were dropped.
fn pins_cost_csv(plan: &YearPlan) -> Result<Vec<u8>, csv::Error> {
    let rows: Vec<Vec<String>> = plan
        .pins
        .iter()
        .flat_map(|p| &p.costs)
        .map(|c| {
            vec![
                c.row.to_string(),
                c.teacher_id.clone(),
                c.action.to_string(),
                c.school_id.clone(),
                c.shortfall_delta.to_string(),
                c.filled_priority_delta.to_string(),
            ]
        })
        .collect();
    csv_table(&PINS_COST_HEADER, &rows)
}

/// The columns of changes.csv and of plan.xlsx's 方案变化 sheet.
pub const CHANGES_HEADER: [&str; 5] = [
    "teacher_id",
    "previous_to_school",
    "to_school",
    "change",
    "reason",
];

/// Rows a worksheet can hold, header included.
pub const XLSX_MAX_ROWS: usize = 1_048_575;

const ELIG_HEADER: [&str; 4] = ["teacher_id", "school_id", "eligible", "reasons"];
const DISTRICT_HEADER: [&str; 10] = [
    "district",
    "schools",
    "eligible",
    "quota",
    "sent",
    "backbone_sent",
    "shortfall",
    "posts",
    "posts_filled",
    "urban_to_rural",
];

/// The itinerant sheets of plan.xlsx: the weekday grid and the rows of
/// itinerant.csv and itinerant_uncovered.csv.
pub struct ItinerantSheets<'a> {
    pub grid: &'a ItinerantGrid,
    pub lessons: &'a [Vec<String>],
    pub uncovered: &'a [Vec<String>],
}

/// plan.xlsx: the CSV tables plus the per-district figures, one sheet each (`elig`
/// empty when the country is too large for a worksheet); with itinerant teaching,
/// 走教安排 (the weekday grid per township), 走教明细 (itinerant.csv) and 走教未覆盖
/// (itinerant_uncovered.csv); with pins or wishes, 锁定 and 志愿 (see
/// `xlsx::steering`, from `tallies`). `merge` calls it with the merged tables.
pub fn plan_workbook(
    moves: &[Vec<String>],
    schools: &[Vec<String>],
    elig: &[Vec<String>],
    summary: &Summary,
    itinerant: Option<&ItinerantSheets>,
    changes: Option<&[Vec<String>]>,
    tallies: &PlanTallies,
) -> Result<Vec<u8>, crate::xlsx::XlsxWriteError> {
    use Kind::{Bool, Decimal, Integer, Text};
    let districts: Vec<Vec<String>> = summary
        .by_district
        .iter()
        .map(|(d, f)| {
            let mut row = vec![d.clone()];
            row.extend(
                [
                    f.schools,
                    f.eligible,
                    f.quota,
                    f.sent,
                    f.backbone_sent,
                    f.shortfall,
                    f.posts,
                    f.posts_filled,
                    f.urban_to_rural,
                ]
                .iter()
                .map(|v| v.to_string()),
            );
            row
        })
        .collect();
    let mut plan_kinds = vec![Text; 9];
    plan_kinds.extend([Integer, Integer, Decimal]);
    let mut school_kinds = vec![Text, Text, Text, Bool];
    school_kinds.extend([Integer; 10]);
    school_kinds.push(Text);
    let mut district_kinds = vec![Text];
    district_kinds.extend([Integer; 9]);
    // With [leaders]: the leaders' moves on a sheet of their own (校长、副校长轮岗).
    let leader_moves: Vec<Vec<String>> = if summary.leaders.is_some() {
        moves
            .iter()
            .filter(|m| {
                m.get(2)
                    .is_some_and(|s| Role::leader_post(&Subject::new(s.as_str())).is_some())
            })
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let pin_rows = crate::xlsx::steering::pin_rows(tallies);
    let wish_rows = crate::xlsx::steering::wish_rows(&tallies.wishes);
    let mut sheets = vec![
        Sheet {
            name: PLAN_SHEET,
            header: &PLAN_HEADER,
            kinds: plan_kinds.clone(),
            rows: moves,
        },
        Sheet {
            name: "学校",
            header: &SCHOOLS_HEADER,
            kinds: school_kinds,
            rows: schools,
        },
        Sheet {
            name: "区县",
            header: &DISTRICT_HEADER,
            kinds: district_kinds,
            rows: &districts,
        },
        Sheet {
            name: "资格",
            header: &ELIG_HEADER,
            kinds: vec![Text, Text, Bool, Text],
            rows: elig,
        },
    ];
    if summary.leaders.is_some() {
        sheets.push(Sheet {
            name: "校长轮岗",
            header: &PLAN_HEADER,
            kinds: plan_kinds,
            rows: &leader_moves,
        });
    }
    let grid = itinerant.map(|it| (grid_header(it.grid), grid_rows(it.grid)));
    if let (Some(it), Some(grid)) = (itinerant, &grid) {
        sheets.extend(itinerant_sheets(it, grid));
    }
    // With --previous: changes.csv (与上一方案相比).
    if let Some(rows) = changes {
        sheets.push(Sheet {
            name: "方案变化",
            header: &CHANGES_HEADER,
            kinds: vec![Text; CHANGES_HEADER.len()],
            rows,
        });
    }
    sheets.extend(crate::xlsx::steering::steering_sheets(
        &pin_rows, &wish_rows,
    ));
    workbook(&sheets)
}

/// 走教安排 (the grid: `grid` is its header and rows), 走教明细, 走教未覆盖.
fn itinerant_sheets<'a>(
    it: &ItinerantSheets<'a>,
    grid: &'a (Vec<&'static str>, Vec<Vec<String>>),
) -> [Sheet<'a>; 3] {
    use Kind::{Decimal, Integer, Text};
    let (header, rows) = grid;
    let mut grid_kinds = vec![Text; header.len().saturating_sub(3)];
    grid_kinds.extend([Integer; 3]);
    let mut lesson_kinds = vec![Text; 7];
    lesson_kinds.extend([Integer, Decimal]);
    [
        Sheet {
            name: "走教安排",
            header,
            kinds: grid_kinds,
            rows,
        },
        Sheet {
            name: "走教明细",
            header: crate::itinerant::ITINERANT_HEADER,
            kinds: lesson_kinds,
            rows: it.lessons,
        },
        Sheet {
            name: "走教未覆盖",
            header: crate::itinerant::UNCOVERED_HEADER,
            kinds: vec![Text, Text, Integer, Text, Text],
            rows: it.uncovered,
        },
    ]
}

/// `itinerant.xlsx` of the `itinerant` command: the three itinerant sheets of
/// plan.xlsx.
pub fn itinerant_workbook(it: &ItinerantSheets) -> Result<Vec<u8>, crate::xlsx::XlsxWriteError> {
    let grid = (grid_header(it.grid), grid_rows(it.grid));
    workbook(&itinerant_sheets(it, &grid))
}
