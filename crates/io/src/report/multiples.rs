//! Charts for comparing: small multiples (one narrow bar chart per figure, the same
//! rows in each, laid out side by side by the page), stacked bars (exchanges by form)
//! and a histogram (evaluator load). Typed inputs in, an `<svg>` string out; callers
//! decide the order.

use super::svg::{Anchor, Svg};

/// One bar of a small multiple: a short row label (e.g. "V1"), its value, the text
/// printed after the bar, and whether to highlight it (red).
#[derive(Debug, Clone, PartialEq)]
pub struct MiniBar {
    pub label: String,
    pub value: f64,
    pub note: String,
    pub alert: bool,
}

/// A narrow horizontal bar chart titled `title`, scaled to the largest value (or to
/// `max` when given, e.g. 1.0 for shares). Meant to be repeated, one per figure, with
/// the same rows in the same order so the eye compares down the page.
pub fn mini_bars(title: &str, bars: &[MiniBar], max: Option<f64>) -> String {
    let row = 20.0;
    let (left, width, right, top) = (44.0, 170.0, 86.0, 24.0);
    let h = top + row * bars.len() as f64 + 4.0;
    let mut s = Svg::new(left + width + right, h, title);
    s.text(4.0, 14.0, Anchor::Start, "ttl", title);
    let top_value = max.unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max));
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let frac = if top_value > 0.0 {
            (b.value / top_value).clamp(0.0, 1.0)
        } else {
            0.0
        };
        s.text(left - 4.0, y + 13.0, Anchor::End, "lbl", &b.label);
        s.rect(left, y + 3.0, width, row - 6.0, "track", "");
        s.rect(
            left,
            y + 3.0,
            width * frac,
            row - 6.0,
            if b.alert { "bar alert" } else { "bar" },
            &format!("{}: {}", b.label, b.note),
        );
        s.text(left + width + 4.0, y + 13.0, Anchor::Start, "val", &b.note);
    }
    s.finish()
}

/// One stacked bar: parts in legend order.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    pub label: String,
    pub parts: Vec<u64>,
    /// Drawn lighter (e.g. a forecast year rather than an actual one).
    pub faded: bool,
}

/// Horizontal stacked bars (e.g. exchanges per year by form), all on one scale, the
/// total printed after each bar and a legend on top.
pub fn stacked(rows: &[Stack], legend: &[String], label: &str) -> String {
    let row = 22.0;
    let (left, width, right, top) = (130.0, 460.0, 70.0, 26.0);
    let h = top + row * rows.len() as f64 + 6.0;
    let mut s = Svg::new(left + width + right, h, label);
    let mut x = left;
    for (k, name) in legend.iter().enumerate() {
        s.rect(x, 6.0, 10.0, 10.0, &format!("c{}", k % 8), "");
        s.text(x + 14.0, 15.0, Anchor::Start, "lbl", name);
        x += 24.0 + text_width(name);
    }
    let max = rows
        .iter()
        .map(|r| r.parts.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for (i, r) in rows.iter().enumerate() {
        let y = top + row * i as f64;
        s.text(left - 6.0, y + 15.0, Anchor::End, "lbl", &r.label);
        let mut x = left;
        for (k, v) in r.parts.iter().enumerate() {
            let w = width * *v as f64 / max;
            let name = legend.get(k).map_or("", String::as_str);
            let class = format!("c{}{}", k % 8, if r.faded { " faded" } else { "" });
            s.rect(
                x,
                y + 3.0,
                w,
                row - 6.0,
                &class,
                &format!("{}: {name} {v}", r.label),
            );
            x += w;
        }
        let total: u64 = r.parts.iter().sum();
        s.text(x + 6.0, y + 15.0, Anchor::Start, "val", &total.to_string());
    }
    s.finish()
}

/// Approximate width of `s` at the charts' 11 px font: CJK characters are square.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 11.0 } else { 6.5 })
        .sum()
}

/// Vertical columns over ordered bins (e.g. "evaluators by days worked"): the bin
/// label under each column, its count above it.
pub fn histogram(bins: &[(String, u64)], label: &str) -> String {
    let (left, width, top, height) = (10.0, 640.0, 16.0, 140.0);
    let mut s = Svg::new(left * 2.0 + width, top + height + 22.0, label);
    let max = bins.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    // At most 60 wide, so a handful of bins stays a chart rather than a wall.
    let w = if bins.is_empty() {
        0.0
    } else {
        (width / bins.len() as f64).min(60.0)
    };
    s.line(left, top + height, left + width, top + height, "grid");
    for (i, (name, v)) in bins.iter().enumerate() {
        let hh = height * *v as f64 / max;
        let x = left + w * i as f64;
        s.rect(
            x + w * 0.1,
            top + height - hh,
            w * 0.8,
            hh,
            "bar",
            &format!("{name}: {v}"),
        );
        s.text(
            x + w / 2.0,
            top + height - hh - 3.0,
            Anchor::Middle,
            "val",
            &v.to_string(),
        );
        s.text(
            x + w / 2.0,
            top + height + 14.0,
            Anchor::Middle,
            "lbl",
            name,
        );
    }
    s.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::report::snapshot::snapshot;

    #[test]
    fn mini_bars_snapshot() {
        let b = |l: &str, v: f64, alert| MiniBar {
            label: l.into(),
            value: v,
            note: format!("{v}"),
            alert,
        };
        let svg = mini_bars("派出", &[b("V1", 120.0, false), b("V2", 80.0, true)], None);
        assert!(svg.contains("<title>V2: 80</title>"));
        snapshot("mini_bars", &svg);
        let share = mini_bars("share", &[b("V1", 0.25, false)], Some(1.0));
        assert!(share.contains(r#"width="42.5""#), "a quarter of 170");
    }

    #[test]
    fn stacked_and_histogram_snapshot() {
        let rows = vec![
            Stack {
                label: "2021".into(),
                parts: vec![3, 1, 0],
                faded: false,
            },
            Stack {
                label: "2022 (forecast)".into(),
                parts: vec![2, 0, 2],
                faded: true,
            },
        ];
        let legend: Vec<String> = ["transfer", "itinerant", "support"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        snapshot("stacked", &stacked(&rows, &legend, "forms"));
        let bins = vec![("1".to_string(), 4), ("2".to_string(), 7), ("3".into(), 0)];
        snapshot("histogram", &histogram(&bins, "load"));
    }

    #[test]
    fn empty_inputs_do_not_panic() {
        assert!(mini_bars("x", &[], None).starts_with("<svg"));
        assert!(stacked(&[], &[], "x").starts_with("<svg"));
        assert!(histogram(&[], "x").starts_with("<svg"));
    }
}
