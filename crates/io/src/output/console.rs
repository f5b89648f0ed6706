//! The human-readable summary printed on stdout after `plan`.

use crate::stats::Summary;
use std::fmt::Write;

/// Terminal columns of a string: CJK and other wide characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

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
        s.totals.eligible,
        s.totals.quota,
        s.totals.sent,
        s.totals.backbone_sent,
        pct(s.totals.backbone_sent, s.totals.sent),
        s.totals.shortfall,
        s.totals.quota_shortfall,
        s.totals.backbone_shortfall
    );
    let _ = writeln!(
        o,
        "posts filled {} of {}  priority filled {}  optimal: {}  ({:.2} s, {} components)",
        s.totals.posts_filled,
        s.totals.posts,
        s.totals.filled_priority,
        if s.optimal { "proven" } else { "NOT proven" },
        s.solve_seconds,
        s.components
    );
    let _ = writeln!(o);
    let w = s
        .by_district
        .keys()
        .map(|k| display_width(k))
        .max()
        .unwrap_or(8)
        .max(8);
    let _ = writeln!(
        o,
        "{:<w$}  {:>8} {:>6} {:>6} {:>9} {:>9} {:>13}",
        "district", "eligible", "quota", "sent", "backbone", "shortfall", "posts filled"
    );
    for (name, d) in &s.by_district {
        // Pad by display width so Chinese names line up.
        let pad = w.saturating_sub(display_width(name));
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
