//! Chart builders: typed inputs in, an `<svg>` string out. Shared by every report
//! page (plan, horizon, progress, compare, schedule); each chart sorts nothing itself
//! beyond what its doc says, so callers decide the order and outputs stay stable.

use super::svg::{Anchor, Svg};

/// One horizontal bar: `value` out of `max`, highlighted (red) when `alert`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub max: f64,
    pub alert: bool,
    /// Text printed after the bar (e.g. "12 / 15").
    pub note: String,
}

/// Labelled horizontal bars as a share of each bar's `max`, with an optional
/// reference line (e.g. the 20 % backbone share) as a fraction of `max`.
pub fn hbars(bars: &[Bar], reference: Option<(f64, &str)>, label: &str) -> String {
    let row = 22.0;
    let (left, width, right) = (150.0, 420.0, 130.0);
    let top = if reference.is_some() { 20.0 } else { 4.0 };
    let h = top + row * bars.len() as f64 + 6.0;
    let mut s = Svg::new(left + width + right, h, label);
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let frac = if b.max > 0.0 {
            (b.value / b.max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        s.text(left - 6.0, y + 15.0, Anchor::End, "lbl", &b.label);
        s.rect(left, y + 3.0, width, row - 6.0, "track", "");
        let class = if b.alert { "bar alert" } else { "bar" };
        s.rect(
            left,
            y + 3.0,
            width * frac,
            row - 6.0,
            class,
            &format!("{}: {}", b.label, b.note),
        );
        s.text(left + width + 6.0, y + 15.0, Anchor::Start, "val", &b.note);
    }
    if let Some((r, text)) = reference {
        let x = left + width * r.clamp(0.0, 1.0);
        s.line(x, top - 4.0, x, h - 4.0, "ref");
        s.text(x, top - 8.0, Anchor::Middle, "reflbl", text);
    }
    s.finish()
}

/// One column of a sorted attainment chart: `ratio` = achieved / required.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    pub ratio: f64,
    pub alert: bool,
}

/// Many thin columns sorted by the caller, on a 0–`cap` scale with a 100 % line:
/// readable for thousands of schools where labelled bars are not.
pub fn columns(cols: &[Column], cap: f64, label: &str, full_label: &str) -> String {
    let (left, width, height, top) = (40.0, 660.0, 160.0, 10.0);
    let mut s = Svg::new(left + width + 10.0, top + height + 24.0, label);
    let w = if cols.is_empty() {
        0.0
    } else {
        width / cols.len() as f64
    };
    let y_of = |r: f64| top + height * (1.0 - (r / cap).clamp(0.0, 1.0));
    for tick in [0.0, 0.5, 1.0, cap] {
        let y = y_of(tick);
        s.line(
            left,
            y,
            left + width,
            y,
            if tick == 1.0 { "ref" } else { "grid" },
        );
        s.text(
            left - 4.0,
            y + 4.0,
            Anchor::End,
            "val",
            &format!("{:.0}%", tick * 100.0),
        );
    }
    for (i, c) in cols.iter().enumerate() {
        let y = y_of(c.ratio);
        let class = if c.alert { "bar alert" } else { "bar" };
        s.rect(
            left + w * i as f64,
            y,
            w.max(0.6),
            top + height - y,
            class,
            &c.title,
        );
    }
    s.text(
        left + width,
        y_of(1.0) - 4.0,
        Anchor::End,
        "reflbl",
        full_label,
    );
    s.finish()
}

/// One link of a flow chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub from: String,
    pub to: String,
    pub value: u64,
}

/// A two-column Sankey: senders on the left, receivers on the right, ribbon widths
/// proportional to the flow. Nodes are ordered by name; only the `max_nodes` largest
/// nodes on each side are drawn apart, the rest are merged into `other`.
pub fn sankey(flows: &[Flow], max_nodes: usize, other: &str, label: &str) -> String {
    use std::collections::BTreeMap;
    let total: u64 = flows.iter().map(|f| f.value).sum();
    let keep = |side: &dyn Fn(&Flow) -> &String| -> Vec<String> {
        let mut sums: BTreeMap<&String, u64> = BTreeMap::new();
        for f in flows {
            *sums.entry(side(f)).or_default() += f.value;
        }
        let mut v: Vec<(&String, u64)> = sums.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut names: Vec<String> = v
            .into_iter()
            .take(max_nodes)
            .map(|(k, _)| k.clone())
            .collect();
        names.sort();
        names
    };
    let lefts = keep(&|f: &Flow| &f.from);
    let rights = keep(&|f: &Flow| &f.to);
    let mut merged: BTreeMap<(String, String), u64> = BTreeMap::new();
    let name_of = |n: &String, keep: &[String]| {
        if keep.contains(n) {
            n.clone()
        } else {
            other.to_string()
        }
    };
    for f in flows {
        *merged
            .entry((name_of(&f.from, &lefts), name_of(&f.to, &rights)))
            .or_default() += f.value;
    }
    let side_order =
        |keep: &[String], pick: fn(&(String, String)) -> &String| -> Vec<(String, u64)> {
            let mut order: Vec<(String, u64)> = keep.iter().map(|k| (k.clone(), 0)).collect();
            order.push((other.to_string(), 0));
            for (k, v) in &merged {
                if let Some(e) = order.iter_mut().find(|(n, _)| n == pick(k)) {
                    e.1 += v;
                }
            }
            order.retain(|(_, v)| *v > 0);
            order
        };
    let l = side_order(&lefts, |k| &k.0);
    let r = side_order(&rights, |k| &k.1);
    let (w, gap, body) = (720.0, 6.0, 380.0);
    let nodes = l.len().max(r.len()).max(1) as f64;
    let h = body + gap * nodes + 20.0;
    let scale = if total > 0 { body / total as f64 } else { 0.0 };
    let mut s = Svg::new(w, h, label);
    let (xl, xr, nw) = (190.0, w - 190.0, 12.0);
    let place = |side: &[(String, u64)]| -> BTreeMap<String, f64> {
        let mut y = 10.0;
        let mut m = BTreeMap::new();
        for (name, v) in side {
            m.insert(name.clone(), y);
            y += *v as f64 * scale + gap;
        }
        m
    };
    let (ly, ry) = (place(&l), place(&r));
    let (mut lcur, mut rcur) = (ly.clone(), ry.clone());
    for ((a, b), v) in &merged {
        let hh = *v as f64 * scale;
        let (Some(y0), Some(y1)) = (lcur.get_mut(a), rcur.get_mut(b)) else {
            continue;
        };
        let title = format!("{a} → {b}: {v}");
        s.ribbon(
            xl + nw,
            (*y0, *y0 + hh),
            xr,
            (*y1, *y1 + hh),
            "link",
            &title,
        );
        *y0 += hh;
        *y1 += hh;
    }
    for (side, pos, x, anchor, tx) in [
        (&l, &ly, xl, Anchor::End, xl - 4.0),
        (&r, &ry, xr, Anchor::Start, xr + nw + 4.0),
    ] {
        for (name, v) in side.iter() {
            let y = pos.get(name).copied().unwrap_or(0.0);
            let hh = *v as f64 * scale;
            s.rect(x, y, nw, hh, "node", &format!("{name}: {v}"));
            s.text(
                tx,
                y + hh / 2.0 + 4.0,
                anchor,
                "lbl",
                &format!("{name} ({v})"),
            );
        }
    }
    s.finish()
}

/// Distinct series colours (`c0`…`c11` in style.css): a city's twelve districts each
/// get their own.
const PALETTE: usize = 12;

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(i32, f64)>,
    /// Drawn dashed (a target path).
    pub target: bool,
}

/// Lines over years (cumulative person-times against the target path), with a legend.
pub fn lines(series: &[Series], label: &str) -> String {
    let (left, width, top, height) = (60.0, 520.0, 10.0, 200.0);
    let xs: Vec<i32> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    let (x0, x1) = (
        xs.iter().min().copied().unwrap_or(0),
        xs.iter().max().copied().unwrap_or(1),
    );
    let ymax = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(1.0_f64, f64::max);
    let span = f64::from((x1 - x0).max(1));
    let px = |x: i32| left + width * f64::from(x - x0) / span;
    let py = |y: f64| top + height * (1.0 - y / ymax);
    let legend_h = 18.0 * series.len() as f64;
    let mut s = Svg::new(
        left + width + 150.0,
        top + height + 30.0 + legend_h.max(0.0) * 0.0,
        label,
    );
    for k in 0..=4 {
        let v = ymax * f64::from(k) / 4.0;
        s.line(left, py(v), left + width, py(v), "grid");
        s.text(
            left - 4.0,
            py(v) + 4.0,
            Anchor::End,
            "val",
            &format!("{v:.0}"),
        );
    }
    for x in x0..=x1 {
        s.text(
            px(x),
            top + height + 16.0,
            Anchor::Middle,
            "val",
            &x.to_string(),
        );
    }
    for (i, se) in series.iter().enumerate() {
        let class = format!(
            "ln c{}{}",
            i % PALETTE,
            if se.target { " target" } else { "" }
        );
        let pts: Vec<(f64, f64)> = se.points.iter().map(|(x, y)| (px(*x), py(*y))).collect();
        s.polyline(&pts, &class, &se.name);
        for (x, y) in &se.points {
            s.circle(
                px(*x),
                py(*y),
                2.5,
                &format!("dot c{}", i % PALETTE),
                &format!("{} {x}: {y:.0}", se.name),
            );
        }
        let ly = top + 10.0 + 16.0 * i as f64;
        s.line(
            left + width + 12.0,
            ly - 4.0,
            left + width + 32.0,
            ly - 4.0,
            &class,
        );
        s.text(left + width + 36.0, ly, Anchor::Start, "lbl", &se.name);
    }
    s.finish()
}

/// One day of a calendar heat-map: its ordinal (days since an epoch, Monday = 0 mod 7
/// is not assumed: `weekday` is given, 0 = Monday), a label, a count, and the month
/// name to print above its week when the day starts a month.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub ordinal: i64,
    pub weekday: u32,
    pub label: String,
    pub value: u32,
    pub month_start: Option<String>,
}

/// The words of a calendar: weekday names (Monday first) and the ends of the legend.
#[derive(Debug, Clone, Copy)]
pub struct CalendarWords<'a> {
    pub weekdays: [&'a str; 7],
    pub less: &'a str,
    pub more: &'a str,
}

/// A calendar heat-map: one column per week, one row per weekday, darker = more,
/// month names above the weeks where months start and a less→more legend below. The
/// drawing is at least 40 weeks wide so a few weeks of evaluations keep square,
/// readable cells instead of filling the page.
pub fn calendar(days: &[Day], words: &CalendarWords, label: &str) -> String {
    let (cell, left, top) = (14.0, 30.0, 18.0);
    let first = days
        .iter()
        .map(|d| d.ordinal - i64::from(d.weekday))
        .min()
        .unwrap_or(0);
    let weeks = days
        .iter()
        .map(|d| (d.ordinal - first) / 7)
        .max()
        .unwrap_or(0)
        + 1;
    let max = days.iter().map(|d| d.value).max().unwrap_or(0).max(1);
    let mut s = Svg::new(
        left + cell * weeks.max(40) as f64 + 10.0,
        top + cell * 7.0 + 26.0,
        label,
    );
    for (i, wd) in words.weekdays.iter().enumerate() {
        s.text(
            left - 6.0,
            top + cell * i as f64 + 10.0,
            Anchor::End,
            "val",
            wd,
        );
    }
    for d in days {
        let x = left + cell * ((d.ordinal - first) / 7) as f64;
        if let Some(m) = &d.month_start {
            s.text(x, top - 6.0, Anchor::Start, "val", m);
        }
        let level = if d.value == 0 {
            0
        } else {
            1 + (d.value * 4 - 1) / max
        };
        s.rect(
            x,
            top + cell * f64::from(d.weekday),
            cell - 2.0,
            cell - 2.0,
            &format!("heat h{level}"),
            &format!("{}: {}", d.label, d.value),
        );
    }
    let y = top + cell * 7.0 + 6.0;
    s.text(
        left + 10.0 + 5.0 * cell,
        y + 10.0,
        Anchor::End,
        "val",
        words.less,
    );
    for level in 0..5 {
        let x = left + 14.0 + 5.0 * cell + cell * f64::from(level);
        s.rect(x, y, cell - 2.0, cell - 2.0, &format!("heat h{level}"), "");
    }
    s.text(
        left + 14.0 + 10.0 * cell + 2.0,
        y + 10.0,
        Anchor::Start,
        "val",
        words.more,
    );
    s.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::report::snapshot::snapshot;

    #[test]
    fn hbars_snapshot() {
        let bars = vec![
            Bar {
                label: "东湖区".into(),
                value: 0.25,
                max: 1.0,
                alert: false,
                note: "25.0% (5/20)".into(),
            },
            Bar {
                label: "西湖区".into(),
                value: 0.1,
                max: 1.0,
                alert: true,
                note: "10.0% (1/10)".into(),
            },
        ];
        snapshot("hbars", &hbars(&bars, Some((0.2, "20%")), "backbone"));
    }

    #[test]
    fn sankey_snapshot() {
        let f = |a: &str, b: &str, v| Flow {
            from: a.into(),
            to: b.into(),
            value: v,
        };
        let flows = vec![
            f("A·城区", "A·乡村", 5),
            f("A·城区", "B·乡村", 2),
            f("C·镇区", "A·乡村", 1),
        ];
        let svg = sankey(&flows, 1, "other", "flows");
        assert!(svg.contains("other"), "small nodes merged");
        snapshot("sankey", &svg);
    }

    #[test]
    fn columns_lines_calendar_snapshot() {
        let cols = vec![
            Column {
                title: "s1".into(),
                ratio: 0.5,
                alert: true,
            },
            Column {
                title: "s2".into(),
                ratio: 1.2,
                alert: false,
            },
        ];
        snapshot("columns", &columns(&cols, 1.5, "attainment", "100%"));
        let series = vec![
            Series {
                name: "cumulative".into(),
                points: vec![(2021, 10.0), (2022, 25.0)],
                target: false,
            },
            Series {
                name: "target".into(),
                points: vec![(2021, 12.0), (2022, 24.0)],
                target: true,
            },
        ];
        snapshot("lines", &lines(&series, "horizon"));
        let days = vec![
            Day {
                ordinal: 10,
                weekday: 2,
                label: "d1".into(),
                value: 0,
                month_start: Some("Nov".into()),
            },
            Day {
                ordinal: 11,
                weekday: 3,
                label: "d2".into(),
                value: 4,
                month_start: None,
            },
            Day {
                ordinal: 15,
                weekday: 0,
                label: "d3".into(),
                value: 2,
                month_start: None,
            },
        ];
        snapshot(
            "calendar",
            &calendar(
                &days,
                &CalendarWords {
                    weekdays: ["M", "T", "W", "T", "F", "S", "S"],
                    less: "less",
                    more: "more",
                },
                "evaluations",
            ),
        );
    }

    #[test]
    fn empty_inputs_do_not_panic() {
        assert!(hbars(&[], None, "x").starts_with("<svg"));
        assert!(columns(&[], 1.5, "x", "y").starts_with("<svg"));
        assert!(sankey(&[], 5, "o", "x").starts_with("<svg"));
        assert!(lines(&[], "x").starts_with("<svg"));
        let words = CalendarWords {
            weekdays: [""; 7],
            less: "",
            more: "",
        };
        assert!(calendar(&[], &words, "x").starts_with("<svg"));
    }
}
