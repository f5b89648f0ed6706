//! The human-readable summary printed on stdout after `plan`.

use crate::stats::Summary;
use std::fmt::Write;

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

/// Headline figures and a per-district table.
pub fn render_plan_summary(s: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} — plan year {}", s.rules_name, s.year);
    let _ = writeln!(
        o,
        "eligible {}  quota {}  sent {}  backbone {} ({})  shortfall {} (quota {}, backbone {})",
        s.eligible,
        s.quota,
        s.sent,
        s.backbone_sent,
        pct(s.backbone_sent, s.sent),
        s.shortfall,
        s.quota_shortfall,
        s.backbone_shortfall
    );
    let _ = writeln!(
        o,
        "posts filled {} of {}  priority filled {}  optimal: {}  ({:.2} s, {} components)",
        s.posts_filled,
        s.posts,
        s.filled_priority,
        if s.optimal { "proven" } else { "NOT proven" },
        s.solve_seconds,
        s.components
    );
    let _ = writeln!(o);
    let w = s
        .by_district
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let _ = writeln!(
        o,
        "{:<w$}  {:>8} {:>6} {:>6} {:>9} {:>9} {:>13}",
        "district", "eligible", "quota", "sent", "backbone", "shortfall", "posts filled"
    );
    for (name, d) in &s.by_district {
        // Pad by characters so CJK names line up as well as a terminal allows.
        let pad = w.saturating_sub(name.chars().count());
        let _ = writeln!(
            o,
            "{name}{:pad$}  {:>8} {:>6} {:>6} {:>9} {:>9} {:>13}",
            "",
            d.eligible,
            d.quota,
            d.sent,
            pct(u64::from(d.backbone_sent), u64::from(d.sent)),
            d.shortfall,
            format!("{}/{}", d.posts_filled, d.posts),
        );
    }
    o
}
