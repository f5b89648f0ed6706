//! The outputs of `compare --year`: `compare.csv` (one row per variant), `moves.csv`
//! (every teacher whose outcome differs between variants) and the stdout table.

use super::figures::{percent, Figures, DISTRICT_COLUMNS, FIGURE_COLUMNS};
use super::Outcome;
use crate::model::{Dataset, Id, Teacher};
use crate::table::csv_table;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

fn figures(data: &Dataset, o: &Outcome) -> Figures {
    Figures::of(data, &o.plan, &o.rows, &o.summary)
}

/// Every district named by any variant's figures, sorted.
pub(super) fn districts<'a>(figs: impl Iterator<Item = &'a Figures>) -> BTreeSet<String> {
    figs.flat_map(|f| f.by_district.keys().cloned()).collect()
}

/// Header cells for the per-district columns, `extra` appended to the usual three.
pub(super) fn district_header(ds: &BTreeSet<String>, extra: &[&str]) -> Vec<String> {
    ds.iter()
        .flat_map(|d| {
            DISTRICT_COLUMNS
                .iter()
                .chain(extra)
                .map(move |f| format!("{d}:{f}"))
        })
        .collect()
}

/// `compare.csv`: one row per variant, in variant order: variant, rules_name, method,
/// year, the figures, then per district `<district>:sent`, `:shortfall`,
/// `:posts_filled`.
pub fn compare_csv(data: &Dataset, outcomes: &[Outcome]) -> Result<Vec<u8>, csv::Error> {
    let figs: Vec<Figures> = outcomes.iter().map(|o| figures(data, o)).collect();
    let ds = districts(figs.iter());
    let mut header: Vec<String> = ["variant", "rules_name", "method", "year"]
        .iter()
        .chain(FIGURE_COLUMNS.iter())
        .map(|s| s.to_string())
        .collect();
    header.extend(district_header(&ds, &[]));
    let mut rows = Vec::new();
    for (o, f) in outcomes.iter().zip(&figs) {
        let mut r = vec![
            o.variant.label(),
            o.summary.rules_name.clone(),
            o.variant.method.as_str().to_string(),
            o.summary.year.to_string(),
        ];
        r.extend(f.cells());
        for d in &ds {
            r.extend(f.district_cells(d));
        }
        rows.push(r);
    }
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_table(&h, &rows)
}

/// The table behind both `moves.csv`s. `cells[v]` maps a teacher to what they do in variant `v` (empty or absent: stays). A teacher
/// is listed when placed in at least one variant and their cell is not the same in
/// all. Columns: teacher_id, name, subject, from_school, from_district, moved_in (how
/// many variants), destinations (how many distinct cells), then one per variant.
pub(super) fn moves_table(
    data: &Dataset,
    labels: &[String],
    cells: &[BTreeMap<Id<Teacher>, String>],
) -> Result<Vec<u8>, csv::Error> {
    let n = cells.len();
    let mut by_teacher: BTreeMap<&str, (Id<Teacher>, Vec<&str>)> = BTreeMap::new();
    for (vi, c) in cells.iter().enumerate() {
        for (&t, cell) in c {
            let e = by_teacher
                .entry(data.teachers[t].id.as_str())
                .or_insert_with(|| (t, vec![""; n]));
            e.1[vi] = cell.as_str();
        }
    }
    let district: HashMap<&str, &str> = data
        .schools
        .iter()
        .map(|s| (s.id.as_str(), s.district.as_str()))
        .collect();
    let mut header: Vec<String> = [
        "teacher_id",
        "name",
        "subject",
        "from_school",
        "from_district",
        "moved_in",
        "destinations",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(labels.iter().cloned());
    let mut rows = Vec::new();
    for (id, (ti, to)) in by_teacher {
        let moved_in = to.iter().filter(|s| !s.is_empty()).count();
        let distinct: BTreeSet<&&str> = to.iter().filter(|s| !s.is_empty()).collect();
        if moved_in == 0 || (moved_in == n && distinct.len() == 1) {
            continue;
        }
        let t = &data.teachers[ti];
        let mut r = vec![
            id.to_string(),
            t.name.clone(),
            t.subject.to_string(),
            t.school.to_string(),
            district
                .get(t.school.as_str())
                .map(|d| d.to_string())
                .unwrap_or_default(),
            moved_in.to_string(),
            distinct.len().to_string(),
        ];
        r.extend(to.iter().map(|s| s.to_string()));
        rows.push(r);
    }
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_table(&h, &rows)
}

/// `moves.csv`: every teacher who is placed in at least one variant and whose outcome
/// is not the same in all (moves in one and not another, or goes elsewhere); one
/// column per variant with the receiving school (empty: stays).
pub fn moves_csv(data: &Dataset, outcomes: &[Outcome]) -> Result<Vec<u8>, csv::Error> {
    let labels: Vec<String> = outcomes.iter().map(|o| o.variant.label()).collect();
    let cells: Vec<BTreeMap<Id<Teacher>, String>> = outcomes
        .iter()
        .map(|o| {
            o.plan
                .moves
                .iter()
                .map(|m| (m.teacher, data.schools[m.to].id.to_string()))
                .collect()
        })
        .collect();
    moves_table(data, &labels, &cells)
}

/// The side-by-side table on stdout: one line per variant.
pub fn render_table(data: &Dataset, outcomes: &[Outcome]) -> String {
    const COLUMNS: &[Column] = &[
        (0, 3, "#"),
        (2, 8, "eligible"),
        (1, 6, "quota"),
        (1, 6, "sent"),
        (1, 7, "bb%"),
        (1, 9, "shortfall"),
        (1, 8, "priority"),
        (1, 9, "filled"),
        (1, 7, "u→r%"),
        (1, 7, "rural"),
        (1, 10, "km"),
    ];
    variant_table(
        COLUMNS,
        outcomes.iter().enumerate().map(|(i, x)| {
            let f = figures(data, x);
            let cells = vec![
                (i + 1).to_string(),
                f.totals.eligible.to_string(),
                f.totals.quota.to_string(),
                f.totals.sent.to_string(),
                percent(&f.backbone_share()),
                f.totals.shortfall.to_string(),
                f.totals.filled_priority.to_string(),
                format!("{}/{}", f.totals.posts_filled, f.totals.posts),
                percent(&f.urban_to_rural_share()),
                f.rural_posts_filled.to_string(),
                (f.metres / 1000).to_string(),
            ];
            let tail = format!(
                "{}{}",
                x.variant.label(),
                not_proven(f.optimal, x.variant.method)
            );
            (cells, tail)
        }),
    )
}

/// A column of a stdout table: the spaces before it, its width (cells are
/// right-aligned) and its header.
pub(super) type Column = (usize, usize, &'static str);

/// A stdout table of `compare`: the header line, then one line per row of `rows`
/// (its cells, one per column, and its tail: the variant's label and note), the tail
/// two spaces after the last column (`variant` on the header line).
pub(super) fn variant_table(
    columns: &[Column],
    rows: impl IntoIterator<Item = (Vec<String>, String)>,
) -> String {
    fn line(o: &mut String, columns: &[Column], cells: &[&str], tail: &str) {
        for (&(gap, width, _), cell) in columns.iter().zip(cells) {
            let _ = write!(o, "{:gap$}{cell:>width$}", "");
        }
        let _ = writeln!(o, "  {tail}");
    }
    let mut o = String::new();
    let header: Vec<&str> = columns.iter().map(|c| c.2).collect();
    line(&mut o, columns, &header, "variant");
    for (cells, tail) in rows {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        line(&mut o, columns, &cells, &tail);
    }
    o
}

/// The stdout note for an optimal-method variant whose optimum was not proven.
pub(super) fn not_proven(optimal: bool, method: crate::plan::Method) -> &'static str {
    if optimal || method != crate::plan::Method::Optimal {
        ""
    } else {
        "  (optimum NOT proven)"
    }
}
