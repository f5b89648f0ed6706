//! The outputs of `compare`: `compare.csv` (one row per variant), `moves.csv` (every
//! teacher whose outcome differs between variants) and the stdout table.

use super::Outcome;
use crate::model::{Dataset, Locality};
use crate::output::csv_table;
use crate::plan::distance_km;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Figures of one variant beyond the plan summary's.
struct Extra {
    backbone_share: String,
    urban_to_rural: u64,
    urban_to_rural_share: String,
    rural_posts: u64,
    rural_posts_filled: u64,
    distance_km: String,
}

/// `part / whole` with four decimals, exact (integer arithmetic), "" when whole is 0.
fn ratio(part: u64, whole: u64) -> String {
    if whole == 0 {
        return String::new();
    }
    let scaled = (u128::from(part) * 20_000 / u128::from(whole)).div_ceil(2);
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

fn extra(data: &Dataset, o: &Outcome) -> Extra {
    let s = &o.summary;
    let u2r: u64 = s
        .by_district
        .values()
        .map(|d| u64::from(d.urban_to_rural))
        .sum();
    let rural = |r: &&crate::stats::SchoolRow| r.locality == Locality::Rural.as_str();
    let metres: i64 = o
        .plan
        .moves
        .iter()
        .map(|m| {
            distance_km(&data.schools[m.from], &data.schools[m.to])
                .map_or(0, |km| (km * 1000.0).round() as i64)
        })
        .sum();
    Extra {
        backbone_share: ratio(s.backbone_sent, s.sent),
        urban_to_rural: u2r,
        urban_to_rural_share: ratio(u2r, s.sent),
        rural_posts: o
            .rows
            .iter()
            .filter(rural)
            .map(|r| u64::from(r.posts))
            .sum(),
        rural_posts_filled: o
            .rows
            .iter()
            .filter(rural)
            .map(|r| u64::from(r.posts_filled))
            .sum(),
        distance_km: format!("{}.{:03}", metres / 1000, metres % 1000),
    }
}

const COLUMNS: [&str; 19] = [
    "variant",
    "rules_name",
    "method",
    "year",
    "eligible",
    "quota",
    "sent",
    "backbone_sent",
    "backbone_share",
    "shortfall",
    "quota_shortfall",
    "backbone_shortfall",
    "filled_priority",
    "posts",
    "posts_filled",
    "urban_to_rural_share",
    "rural_posts_filled",
    "distance_km",
    "optimal",
];

fn districts(outcomes: &[Outcome]) -> BTreeSet<String> {
    outcomes
        .iter()
        .flat_map(|o| o.summary.by_district.keys().cloned())
        .collect()
}

/// `compare.csv`: one row per variant, in variant order; per-district columns
/// `<district>:sent`, `:shortfall`, `:posts_filled` at the end.
pub fn compare_csv(data: &Dataset, outcomes: &[Outcome]) -> Result<Vec<u8>, csv::Error> {
    let ds = districts(outcomes);
    let mut header: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    header.push("urban_to_rural".into());
    header.push("rural_posts".into());
    for d in &ds {
        for f in ["sent", "shortfall", "posts_filled"] {
            header.push(format!("{d}:{f}"));
        }
    }
    let mut rows = Vec::new();
    for o in outcomes {
        let s = &o.summary;
        let x = extra(data, o);
        let mut r = vec![
            o.variant.label(),
            s.rules_name.clone(),
            o.variant.method.as_str().to_string(),
            s.year.to_string(),
            s.eligible.to_string(),
            s.quota.to_string(),
            s.sent.to_string(),
            s.backbone_sent.to_string(),
            x.backbone_share,
            s.shortfall.to_string(),
            s.quota_shortfall.to_string(),
            s.backbone_shortfall.to_string(),
            s.filled_priority.to_string(),
            s.posts.to_string(),
            s.posts_filled.to_string(),
            x.urban_to_rural_share,
            x.rural_posts_filled.to_string(),
            x.distance_km,
            s.optimal.to_string(),
            x.urban_to_rural.to_string(),
            x.rural_posts.to_string(),
        ];
        for d in &ds {
            let f = s.by_district.get(d).cloned().unwrap_or_default();
            r.push(f.sent.to_string());
            r.push(f.shortfall.to_string());
            r.push(f.posts_filled.to_string());
        }
        rows.push(r);
    }
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_table(&h, &rows)
}

/// `moves.csv`: every teacher who is placed in at least one variant and whose outcome
/// is not the same in all (moves in one and not another, or goes elsewhere). Columns:
/// teacher_id, name, subject, from_school, from_district, moved_in (how many
/// variants), destinations (how many distinct), then one column per variant with the
/// receiving school (empty: stays).
pub fn moves_csv(data: &Dataset, outcomes: &[Outcome]) -> Result<Vec<u8>, csv::Error> {
    let n = outcomes.len();
    let mut dest: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    for (vi, o) in outcomes.iter().enumerate() {
        for m in &o.plan.moves {
            let t = &data.teachers[m.teacher];
            let e = dest
                .entry(t.id.as_str())
                .or_insert_with(|| (m.teacher, vec![String::new(); n]));
            e.1[vi] = data.schools[m.to].id.to_string();
        }
    }
    let mut header = vec![
        "teacher_id".to_string(),
        "name".into(),
        "subject".into(),
        "from_school".into(),
        "from_district".into(),
        "moved_in".into(),
        "destinations".into(),
    ];
    header.extend(outcomes.iter().map(|o| o.variant.label()));
    let mut rows = Vec::new();
    for (id, (ti, to)) in dest {
        let moved_in = to.iter().filter(|s| !s.is_empty()).count();
        let distinct: BTreeSet<&String> = to.iter().filter(|s| !s.is_empty()).collect();
        if moved_in == n && distinct.len() == 1 {
            continue;
        }
        let t = &data.teachers[ti];
        let district = data
            .schools
            .iter()
            .find(|s| s.id == t.school)
            .map(|s| s.district.clone())
            .unwrap_or_default();
        let mut r = vec![
            id.to_string(),
            t.name.clone(),
            t.subject.to_string(),
            t.school.to_string(),
            district,
            moved_in.to_string(),
            distinct.len().to_string(),
        ];
        r.extend(to);
        rows.push(r);
    }
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_table(&h, &rows)
}

/// The side-by-side table on stdout: one line per variant.
pub fn render_table(data: &Dataset, outcomes: &[Outcome]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:>3}  {:>8} {:>6} {:>6} {:>7} {:>9} {:>8} {:>9} {:>7} {:>7} {:>10}  variant",
        "#",
        "eligible",
        "quota",
        "sent",
        "bb%",
        "shortfall",
        "priority",
        "filled",
        "u→r%",
        "rural",
        "km"
    );
    for (i, x) in outcomes.iter().enumerate() {
        let s = &x.summary;
        let e = extra(data, x);
        let pct = |r: &str| {
            r.parse::<f64>()
                .map(|v| format!("{:.1}", v * 100.0))
                .unwrap_or_else(|_| "-".into())
        };
        let _ = writeln!(
            o,
            "{:>3}  {:>8} {:>6} {:>6} {:>7} {:>9} {:>8} {:>9} {:>7} {:>7} {:>10}  {}{}",
            i + 1,
            s.eligible,
            s.quota,
            s.sent,
            pct(&e.backbone_share),
            s.shortfall,
            s.filled_priority,
            format!("{}/{}", s.posts_filled, s.posts),
            pct(&e.urban_to_rural_share),
            e.rural_posts_filled,
            e.distance_km.split('.').next().unwrap_or(""),
            x.variant.label(),
            if s.optimal || x.variant.method != crate::plan::Method::Optimal {
                ""
            } else {
                "  (optimum NOT proven)"
            }
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::ratio;

    #[test]
    fn exact_ratio() {
        assert_eq!(ratio(1, 3), "0.3333");
        assert_eq!(ratio(2, 3), "0.6667");
        assert_eq!(ratio(3, 3), "1.0000");
        assert_eq!(ratio(0, 5), "0.0000");
        assert_eq!(ratio(1, 0), "");
    }
}
