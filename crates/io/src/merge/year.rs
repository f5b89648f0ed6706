//! One plan year's files from its shards: the tables, pins_cost.csv, summary.json,
//! report.html and plan.xlsx, each exactly as one run writes it.

use super::tables::{merge_tables, Table};
use super::{FileProblem, MergeError};
use crate::model::{Id, Locality, School, Vocab};
use crate::output::{
    plan_workbook, ItinerantSheets, RenderError, Staged, SCHOOLS_HEADER, XLSX_MAX_ROWS,
};
use crate::report::itinerant_page::ItinerantGrid;
use crate::report::{plan_page, PlanReport, PlanTallies};
use crate::rules::Share;
use crate::shard::{ShardManifest, ShardReport, MANIFEST};
use crate::shortfall::ShortfallReason;
use crate::stats::{SchoolRow, Summary};
use std::collections::BTreeMap;
use std::path::Path;

/// Merges `{dir}/{prefix}…` of every shard folder (in shard order) into `staged`
/// under `prefix`; returns the merged summary.
pub fn merge_year(
    dirs: &[&Path],
    prefix: &str,
    staged: &mut Staged,
) -> Result<Summary, Vec<MergeError>> {
    let mut parts: Vec<(ShardReport, Summary)> = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        match read_part(&dir.join(prefix)) {
            Ok(p) => parts.push(p),
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    check_same(dirs, prefix, &parts).map_err(|e| vec![e])?;
    let t = merge_tables(dirs, prefix)?;
    for (name, table) in [
        ("plan.csv", &t.plan),
        ("schools.csv", &t.schools),
        ("eligibility.csv", &t.eligibility),
    ] {
        staged.add(
            format!("{prefix}{name}"),
            table.csv().map_err(|e| vec![e.into()])?,
        );
    }
    let itinerant = super::itinerant::merge_itinerant(dirs, prefix, &t.schools, staged)?;
    if let Some(pins) = super::tables::merge_pin_costs(dirs, prefix)? {
        staged.add(
            format!("{prefix}pins_cost.csv"),
            pins.csv().map_err(|e| vec![e.into()])?,
        );
    }
    let changes = super::tables::merge_changes(dirs, prefix)?;
    if let Some(c) = &changes {
        staged.add(
            format!("{prefix}changes.csv"),
            c.csv().map_err(|e| vec![e.into()])?,
        );
    }
    let change_rows = changes.as_ref().map(Table::cells);
    let summary = merge_summaries(parts.iter().map(|p| &p.1)).map_err(|e| vec![e])?;

    let (first, _) = &parts[0];
    let lang = first.lang().ok_or_else(|| {
        vec![MergeError::at(
            dirs[0].join(prefix).join(MANIFEST).display(),
            FileProblem::UnknownLang(first.lang.clone()),
        )]
    })?;
    let backbone_target = Share::parse(&first.backbone_target)
        .ok_or_else(|| vec![MergeError::BadBackboneTarget(first.backbone_target.clone())])?;
    let mut tallies = PlanTallies::default();
    for (r, _) in &parts {
        tallies.add(&r.tallies);
    }
    let rows = school_rows(&t.schools)
        .map_err(|e| vec![MergeError::at(format!("{prefix}schools.csv"), e)])?;
    let index: BTreeMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.school_id.as_str(), i))
        .collect();
    let mut reasons: BTreeMap<Id<School>, Vec<ShortfallReason>> = BTreeMap::new();
    for (r, _) in &parts {
        for (school, why) in &r.reasons {
            let Some(&i) = index.get(school.as_str()) else {
                return Err(vec![MergeError::at(
                    format!("{prefix}shard.json"),
                    FileProblem::UnlistedSchool(school.clone()),
                )]);
            };
            reasons.insert(Id::new(i), why.clone());
        }
    }
    // The itinerant grid: the shards' townships (disjoint districts) together.
    let grid = itinerant
        .as_ref()
        .map(|_| ItinerantGrid::merge(parts.iter().filter_map(|(r, _)| r.itinerant.as_ref())));
    let report = PlanReport {
        tallies: &tallies,
        rows: &rows,
        summary: &summary,
        reasons: &reasons,
        backbone_target: backbone_target.to_f64(),
        itinerant: grid.as_ref(),
    };
    let mut page = plan_page(&report, lang);
    // With --previous: the changes section, from the merged changes.csv.
    if let Some(rows) = &change_rows {
        let kinds = rows
            .iter()
            .map(|r| {
                let kind = r.get(3).map_or("", String::as_str);
                crate::plan::ChangeKind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == kind)
                    .map(|k| (k, r.clone()))
                    .ok_or_else(|| {
                        vec![MergeError::at(
                            format!("{prefix}changes.csv"),
                            FileProblem::UnknownChange(kind.to_string()),
                        )]
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        page.sections
            .push(crate::report::changes_page::changes_section_of_rows(
                &kinds, lang,
            ));
    }
    staged.add(format!("{prefix}report.html"), page.render().into_bytes());
    let elig = if t.eligibility.rows.len() < XLSX_MAX_ROWS {
        t.eligibility.cells()
    } else {
        Vec::new()
    };
    let itinerant_cells = itinerant.as_ref().map(|[l, u]| (l.cells(), u.cells()));
    let sheets = grid
        .as_ref()
        .zip(itinerant_cells.as_ref())
        .map(|(grid, (lessons, uncovered))| ItinerantSheets {
            grid,
            lessons,
            uncovered,
        });
    let xlsx = plan_workbook(
        &t.plan.cells(),
        &t.schools.cells(),
        &elig,
        &summary,
        sheets.as_ref(),
        change_rows.as_deref(),
        &tallies,
    )
    .map_err(|e| vec![RenderError::from(e).into()])?;
    staged.add(format!("{prefix}plan.xlsx"), xlsx);
    let mut json =
        serde_json::to_vec_pretty(&summary).map_err(|e| vec![RenderError::from(e).into()])?;
    json.push(b'\n');
    staged.add(format!("{prefix}summary.json"), json);
    Ok(summary)
}

fn read_part(dir: &Path) -> Result<(ShardReport, Summary), MergeError> {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| MergeError::at(dir.join(name).display(), e))
    };
    let path = dir.join(MANIFEST);
    let manifest: ShardManifest = serde_json::from_slice(&read(MANIFEST)?)
        .map_err(|e| MergeError::at(path.display(), FileProblem::NotManifest(e)))?;
    let report = manifest
        .report
        .ok_or_else(|| MergeError::at(path.display(), FileProblem::NoReportInputs))?;
    let summary: Summary = serde_json::from_slice(&read("summary.json")?)
        .map_err(|e| MergeError::at(dir.join("summary.json").display(), FileProblem::Json(e)))?;
    Ok((report, summary))
}

/// Every shard planned the same year under the same rules and report language.
fn check_same(
    dirs: &[&Path],
    prefix: &str,
    parts: &[(ShardReport, Summary)],
) -> Result<(), MergeError> {
    let Some((r0, s0)) = parts.first() else {
        return Err(MergeError::NoShards);
    };
    let key = |r: &ShardReport, s: &Summary| {
        format!(
            "year {} under \"{}\" (report in {}, backbone target {})",
            s.year, s.rules_name, r.lang, r.backbone_target
        )
    };
    for ((r, s), dir) in parts.iter().zip(dirs) {
        if key(r, s) != key(r0, s0) {
            return Err(MergeError::OtherYear {
                dir: dir.join(prefix).display().to_string(),
                planned: key(r, s),
                first: dirs[0].join(prefix).display().to_string(),
                first_planned: key(r0, s0),
            });
        }
    }
    Ok(())
}

/// schools.csv rows back as the report's `SchoolRow`s.
fn school_rows(t: &Table) -> Result<Vec<SchoolRow>, FileProblem> {
    let col = |name: &str| {
        t.column(name)
            .ok_or_else(|| FileProblem::NoColumn(name.to_string()))
    };
    let (id, district, locality, weak) = (
        col("school_id")?,
        col("district")?,
        col("locality")?,
        col("weak")?,
    );
    // schools.csv's counts: the header between `weak` and `shortfall_reasons`.
    let nums: Vec<usize> = SCHOOLS_HEADER[4..14]
        .iter()
        .map(|n| col(n))
        .collect::<Result<_, _>>()?;
    t.rows
        .iter()
        .enumerate()
        .map(|(row, r)| {
            let get = |c: usize| r.get(c).unwrap_or_default();
            let bad = |c: usize| FileProblem::BadValue {
                row: row + 2,
                value: get(c).to_string(),
            };
            let n: Vec<u32> = nums
                .iter()
                .map(|&c| get(c).parse().map_err(|_| bad(c)))
                .collect::<Result<_, _>>()?;
            Ok(SchoolRow {
                school_id: get(id).to_string(),
                district: get(district).to_string(),
                locality: Locality::parse(get(locality))
                    .ok_or_else(|| bad(locality))?
                    .as_str(),
                weak: get(weak).parse().map_err(|_| bad(weak))?,
                staff: n[0],
                eligible: n[1],
                quota: n[2],
                cap: n[3],
                sent: n[4],
                backbone_sent: n[5],
                shortfall: n[6],
                received: n[7],
                posts: n[8],
                posts_filled: n[9],
            })
        })
        .collect()
}

/// The summaries of the shards added up (`solve_seconds` too: the shards' solver
/// time, a wall-clock field).
pub fn merge_summaries<'a>(
    parts: impl Iterator<Item = &'a Summary>,
) -> Result<Summary, MergeError> {
    let mut out: Option<Summary> = None;
    for p in parts {
        let Some(o) = out.as_mut() else {
            out = Some(p.clone());
            continue;
        };
        o.totals.add(&p.totals);
        o.optimal &= p.optimal;
        o.solve_seconds = ((o.solve_seconds + p.solve_seconds) * 1000.0).round() / 1000.0;
        o.components += p.components;
        o.by_district
            .extend(p.by_district.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let (Some(a), Some(b)) = (o.leaders.as_mut(), &p.leaders) {
            a.eligible += b.eligible;
            a.moved += b.moved;
            a.shortfall += b.shortfall;
            a.posts += b.posts;
            a.posts_filled += b.posts_filled;
        }
        o.itinerant = match (o.itinerant.take(), &p.itinerant) {
            (Some(a), Some(b)) => Some(Box::new(crate::itinerant::ItinerantFigures {
                teachers: a.teachers + b.teachers,
                periods_needed: a.periods_needed + b.periods_needed,
                periods_covered: a.periods_covered + b.periods_covered,
                optimal: a.optimal && b.optimal,
                travel_m: a.travel_m + b.travel_m,
                units: a.units + b.units,
            })),
            (a, b) => a.or_else(|| b.clone()),
        };
        o.unproven.extend(p.unproven.iter().cloned());
        // Pins and wishes of disjoint districts add up.
        o.pins.count += p.pins.count;
        o.pins.shortfall_without_pins += p.pins.shortfall_without_pins;
        o.pins.filled_priority_without_pins += p.pins.filled_priority_without_pins;
        o.pins.exact &= p.pins.exact;
        for (a, b) in o.wishes_met.iter_mut().zip(p.wishes_met) {
            *a += b;
        }
        o.kept = match (o.kept, p.kept) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
    if let Some(o) = out.as_mut() {
        // The order of a single run.
        o.unproven
            .sort_by(|a, b| (&a.districts, a.schools).cmp(&(&b.districts, b.schools)));
    }
    out.ok_or(MergeError::NoShards)
}
