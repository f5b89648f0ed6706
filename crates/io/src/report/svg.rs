//! A small typed SVG builder: shapes are methods, text is always escaped, numbers are
//! printed with one fixed precision so the same chart gives the same bytes.

use std::fmt::Write;

/// Escapes text for XML/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate or length, printed with at most one decimal.
fn n(v: f64) -> String {
    let v = if v.is_finite() {
        (v * 10.0).round() / 10.0
    } else {
        0.0
    };
    if v == v.trunc() {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Horizontal text anchor.
#[derive(Debug, Clone, Copy)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document of a fixed viewBox that scales to its container's width.
pub struct Svg {
    body: String,
    width: f64,
    height: f64,
    label: String,
}

impl Svg {
    pub fn new(width: f64, height: f64, label: &str) -> Svg {
        Svg {
            body: String::new(),
            width,
            height,
            label: label.to_string(),
        }
    }

    /// A rectangle of CSS class `class`, with a hover title when `title` is not empty.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str, title: &str) {
        let _ = write!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" class="{}""#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            esc(class)
        );
        self.close(title);
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}"/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            esc(class)
        );
    }

    /// A polyline through `points`.
    pub fn polyline(&mut self, points: &[(f64, f64)], class: &str, title: &str) {
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
            .collect();
        let _ = write!(
            self.body,
            r#"<polyline points="{}" class="{}""#,
            pts.join(" "),
            esc(class)
        );
        self.close(title);
    }

    /// A filled band between two vertical spans at x0 and x1, drawn as a cubic ribbon
    /// (the links of a flow chart).
    pub fn ribbon(
        &mut self,
        x0: f64,
        y0: (f64, f64),
        x1: f64,
        y1: (f64, f64),
        class: &str,
        title: &str,
    ) {
        let m = (x0 + x1) / 2.0;
        let _ = write!(
            self.body,
            r#"<path d="M{a},{b} C{m},{b} {m},{c} {x},{c} L{x},{d} C{m},{d} {m},{e} {a},{e} Z" class="{cl}""#,
            a = n(x0),
            b = n(y0.0),
            c = n(y1.0),
            d = n(y1.1),
            e = n(y0.1),
            m = n(m),
            x = n(x1),
            cl = esc(class)
        );
        self.close(title);
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, class: &str, title: &str) {
        let _ = write!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" class="{}""#,
            n(cx),
            n(cy),
            n(r),
            esc(class)
        );
        self.close(title);
    }

    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, class: &str, text: &str) {
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" text-anchor="{}" class="{}">{}</text>"#,
            n(x),
            n(y),
            anchor.as_str(),
            esc(class),
            esc(text)
        );
    }

    fn close(&mut self, title: &str) {
        if title.is_empty() {
            self.body.push_str("/>");
        } else {
            let _ = write!(
                self.body,
                "><title>{}</title></{}>",
                esc(title),
                self.last_tag()
            );
        }
    }

    fn last_tag(&self) -> &'static str {
        let start = self.body.rfind('<').unwrap_or(0);
        let tag = &self.body[start..];
        ["rect", "polyline", "path", "circle"]
            .into_iter()
            .find(|t| tag.starts_with(&format!("<{t} ")))
            .unwrap_or("g")
    }

    /// The finished `<svg>` element, scaled to the container width.
    pub fn finish(self) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart">{}</svg>"#,
            n(self.width),
            n(self.height),
            esc(&self.label),
            self.body
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_titles() {
        let mut s = Svg::new(100.0, 50.0, "a<b");
        s.rect(1.0, 2.25, 3.0, -1.0, "bar", "x & y");
        s.text(0.0, 10.0, Anchor::End, "t", "\"q\"");
        let out = s.finish();
        assert!(out.contains(r#"aria-label="a&lt;b""#));
        assert!(out.contains(r#"<rect x="1" y="2.3" width="3" height="0" class="bar"><title>x &amp; y</title></rect>"#));
        assert!(out.contains("&quot;q&quot;</text>"));
    }
}
