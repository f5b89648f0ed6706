//! Page layout: a self-contained HTML document (inline CSS, inline SVG, no scripts)
//! built from typed sections, readable on a phone and printable on A4.

use super::i18n::Lang;
use super::svg::esc;

/// A headline figure (big number with a caption).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub caption: String,
    pub value: String,
    pub alert: bool,
}

/// Content of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Figures(Vec<Figure>),
    /// An `<svg>` from [`super::charts`].
    Chart(String),
    /// Small multiples: several narrow charts side by side (one column on a phone).
    Multiples(Vec<String>),
    Note(String),
    /// The answer to the reader's question in plain words, one paragraph per sentence,
    /// set off from the charts.
    Answer(Vec<String>),
    /// A table: header and rows of plain text cells (a line break in a cell starts a
    /// new line).
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A heading inside a section (`<h3>`).
    Subheading(String),
    /// Blocks folded under a one-line summary (`<details>`), open or closed at first.
    Details {
        summary: String,
        open: bool,
        blocks: Vec<Block>,
    },
}

/// A titled section of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// A whole page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
    pub footer: String,
}

const CSS: &str = include_str!("style.css");

impl Page {
    /// The HTML document.
    pub fn render(&self) -> String {
        let mut h = String::new();
        h.push_str("<!DOCTYPE html>\n<html lang=\"");
        h.push_str(self.lang.code());
        h.push_str("\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        h.push_str(&esc(&self.title));
        h.push_str("</title>\n<style>\n");
        h.push_str(CSS);
        h.push_str("</style></head>\n<body><main>\n<header><h1>");
        h.push_str(&esc(&self.title));
        h.push_str("</h1><p class=\"sub\">");
        h.push_str(&esc(&self.subtitle));
        h.push_str("</p></header>\n");
        for s in &self.sections {
            h.push_str("<section><h2>");
            h.push_str(&esc(&s.heading));
            h.push_str("</h2>\n");
            for b in &s.blocks {
                render_block(&mut h, b);
            }
            h.push_str("</section>\n");
        }
        h.push_str("<footer>");
        h.push_str(&esc(&self.footer));
        h.push_str("</footer>\n</main></body></html>\n");
        h
    }
}

/// The sections of a document [`Page::render`] wrote (what lies between its header
/// and its footer), to show a report inside another page (the workspace's views); None
/// when `document` is not such a page.
pub fn sections_of(document: &str) -> Option<&str> {
    let start = document.find("</header>\n")? + "</header>\n".len();
    let end = document.rfind("<footer>")?;
    document.get(start..end)
}

/// The report style sheet applied only inside the elements `selector` matches (CSS
/// `@scope`), for [`sections_of`] shown inside another page.
pub fn scoped_css(selector: &str) -> String {
    format!(
        "@scope ({selector}) {{\n{}}}\n",
        CSS.replace(":root", ":scope")
    )
}

/// Appends `open`, `inner` and `close` to `h`.
fn wrap(h: &mut String, open: &str, inner: &str, close: &str) {
    h.push_str(open);
    h.push_str(inner);
    h.push_str(close);
}

fn render_block(h: &mut String, b: &Block) {
    match b {
        Block::Figures(figs) => {
            h.push_str("<div class=\"figs\">");
            for f in figs {
                h.push_str(if f.alert {
                    "<div class=\"fig alert\"><b>"
                } else {
                    "<div class=\"fig\"><b>"
                });
                h.push_str(&esc(&f.value));
                h.push_str("</b><span>");
                h.push_str(&esc(&f.caption));
                h.push_str("</span></div>");
            }
            h.push_str("</div>\n");
        }
        Block::Chart(svg) => {
            wrap(h, "<figure>", svg, "</figure>\n");
        }
        Block::Multiples(svgs) => {
            h.push_str("<div class=\"multiples\">");
            for svg in svgs {
                wrap(h, "<figure>", svg, "</figure>");
            }
            h.push_str("</div>\n");
        }
        Block::Answer(lines) => {
            h.push_str("<div class=\"answer\">");
            for l in lines {
                wrap(h, "<p>", &esc(l), "</p>");
            }
            h.push_str("</div>\n");
        }
        Block::Note(t) => {
            wrap(h, "<p class=\"note\">", &esc(t), "</p>\n");
        }
        Block::Table { header, rows } => {
            h.push_str("<div class=\"tbl\"><table><thead><tr>");
            for c in header {
                wrap(h, "<th>", &esc(c), "</th>");
            }
            h.push_str("</tr></thead><tbody>\n");
            for r in rows {
                h.push_str("<tr>");
                for c in r {
                    wrap(h, "<td>", &esc(c), "</td>");
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</tbody></table></div>\n");
        }
        Block::Subheading(t) => {
            wrap(h, "<h3>", &esc(t), "</h3>\n");
        }
        Block::Details {
            summary,
            open,
            blocks,
        } => {
            h.push_str(if *open {
                "<details open><summary>"
            } else {
                "<details><summary>"
            });
            h.push_str(&esc(summary));
            h.push_str("</summary>\n");
            for b in blocks {
                render_block(h, b);
            }
            h.push_str("</details>\n");
        }
    }
}

#[cfg(test)]
mod embed_tests {
    use super::*;

    #[test]
    fn sections_of_a_rendered_page() {
        let page = Page {
            lang: Lang::En,
            title: "T".into(),
            subtitle: "S".into(),
            sections: vec![Section {
                heading: "H <b>".into(),
                blocks: vec![Block::Note("n".into())],
            }],
            footer: "F".into(),
        };
        let doc = page.render();
        let body = sections_of(&doc).expect("a rendered page");
        assert!(body.starts_with("<section><h2>H &lt;b&gt;</h2>"));
        assert!(body.ends_with("</section>\n"));
        assert!(!body.contains("<footer>") && !body.contains("<header>"));
        assert_eq!(sections_of("<html>no page</html>"), None);
        let css = scoped_css(".report");
        assert!(css.starts_with("@scope (.report) {") && !css.contains(":root"));
    }
}
