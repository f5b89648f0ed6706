//! The plan page's steering sections: the pins in force with what each costs (the
//! rows of `pins_cost.csv`), and how the teachers of the wishes file fared (moved,
//! placed at a wish, by rank). Drawn from [`PlanTallies`] and the summary only, so a
//! merged shard run renders the same sections (see `PlanTallies`).

use super::i18n::{Lang, Text};
use super::page::{Block, Figure, Section};
use super::plan_tallies::{PinRow, WishTally};
use crate::stats::PinSummary;

/// Pins tables longer than this start folded.
const OPEN_ROWS: usize = 30;

/// `n / d` as a percentage with one decimal, rounded half up in integers (exact and
/// the same everywhere); `—` when `d` is 0.
pub fn percent(n: u64, d: u64) -> String {
    if d == 0 {
        return "—".to_string();
    }
    let tenths = (u128::from(n) * 1000 + u128::from(d) / 2) / u128::from(d);
    format!("{}.{} %", tenths / 10, tenths % 10)
}

/// A pin's action in the page's language.
fn action_word(action: &str, lang: Lang) -> String {
    let w = match action {
        "stay" => lang.pick("留任", "stay"),
        "move" => lang.pick("必须交流", "move"),
        "to" => lang.pick("指定学校", "to"),
        "not_to" => lang.pick("不去", "not to"),
        other => other,
    };
    w.to_string()
}

/// The pins section, when pins are in force this year: `pins` with their costs,
/// `cost` (summary.json `pins`) and the plan's (shortfall, filled priority).
pub fn pins_section(
    pins: &[PinRow],
    cost: &PinSummary,
    (shortfall, priority): (u64, u64),
    lang: Lang,
) -> Option<Section> {
    if pins.is_empty() {
        return None;
    }
    let p = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let fig = |caption: String, value: String, alert: bool| Figure {
        caption,
        value,
        alert,
    };
    let costly = pins
        .iter()
        .filter(|r| r.shortfall_delta != 0 || r.filled_priority_delta != 0)
        .count();
    let figures = vec![
        fig(
            Text::Pins.get(lang).to_string(),
            pins.len().to_string(),
            false,
        ),
        fig(
            p("有代价的锁定", "pins that cost"),
            costly.to_string(),
            costly > 0,
        ),
        fig(
            p("缺口（无锁定时）", "shortfall (without pins)"),
            format!("{shortfall} ({})", cost.shortfall_without_pins),
            shortfall > cost.shortfall_without_pins,
        ),
        fig(
            p("优先岗位已补（无锁定时）", "priority filled (without pins)"),
            format!("{priority} ({})", cost.filled_priority_without_pins),
            priority < cost.filled_priority_without_pins,
        ),
    ];
    let header = vec![
        p("行", "row"),
        p("教师", "teacher"),
        p("动作", "action"),
        p("学校", "school"),
        p("年度", "year"),
        p("备注", "note"),
        p("去掉后缺口变化", "shortfall change if dropped"),
        p("去掉后优先岗位变化", "priority change if dropped"),
    ];
    let rows: Vec<Vec<String>> = pins.iter().map(|r| pin_cells(r, lang)).collect();
    let summary = format!(
        "{} {}",
        pins.len(),
        p("条锁定及其代价", "pins and what each costs")
    );
    let mut blocks = vec![
        Block::Figures(figures),
        Block::Details {
            summary,
            open: rows.len() <= OPEN_ROWS,
            blocks: vec![Block::Table { header, rows }],
        },
        Block::Note(Text::PinsNote.get(lang).to_string()),
    ];
    if !cost.exact {
        blocks.push(Block::Note(p(
            "部分重新求解未在时间限制内证明最优，以上代价可能不精确（提高 --time-limit）。",
            "Some re-solves were not proven optimal within the time limit: these costs may be inexact (raise --time-limit).",
        )));
    }
    Some(Section {
        heading: Text::Pins.get(lang).to_string(),
        blocks,
    })
}

fn pin_cells(r: &PinRow, lang: Lang) -> Vec<String> {
    let signed = |v: i64| {
        if v > 0 {
            format!("+{v}")
        } else {
            v.to_string()
        }
    };
    vec![
        r.row.to_string(),
        r.teacher_id.clone(),
        action_word(&r.action, lang),
        r.school_id.clone(),
        r.year.map_or_else(
            || lang.pick("每年", "every year").to_string(),
            |y| y.to_string(),
        ),
        r.note.clone(),
        signed(r.shortfall_delta),
        signed(r.filled_priority_delta),
    ]
}

/// The wishes section, when some teacher of the data has wishes.
pub fn wishes_section(w: &WishTally, lang: Lang) -> Option<Section> {
    if w.teachers == 0 {
        return None;
    }
    let p = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let placed = w.placed();
    let figures = vec![
        Figure {
            caption: p("有志愿的教师", "teachers with wishes"),
            value: w.teachers.to_string(),
            alert: false,
        },
        Figure {
            caption: p("其中交流", "of them moved"),
            value: format!("{} · {}", w.moved, percent(w.moved, w.teachers)),
            alert: false,
        },
        Figure {
            caption: p("去向为志愿学校", "placed at a wish"),
            value: format!("{placed} · {}", percent(placed, w.teachers)),
            alert: false,
        },
    ];
    let rows = w
        .by_rank
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            vec![
                match lang {
                    Lang::Zh => format!("第{}志愿", i + 1),
                    Lang::En => format!("wish {}", i + 1),
                },
                n.to_string(),
                percent(n, w.moved),
                percent(n, w.teachers),
            ]
        })
        .collect();
    Some(Section {
        heading: Text::Wishes.get(lang).to_string(),
        blocks: vec![
            Block::Figures(figures),
            Block::Table {
                header: vec![
                    p("志愿序号", "rank"),
                    p("去向为该志愿", "placed there"),
                    p("占交流的有志愿教师", "of those moved"),
                    p("占有志愿教师", "of all with wishes"),
                ],
                rows,
            },
            Block::Note(Text::WishesNote.get(lang).to_string()),
        ],
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::report::page::Page;
    use crate::report::snapshot::snapshot;

    fn pin(row: u32, action: &str, school: &str, year: Option<i32>, d: (i64, i64)) -> PinRow {
        PinRow {
            row,
            teacher_id: format!("T{row}"),
            action: action.to_string(),
            school_id: school.to_string(),
            year,
            note: if row == 2 {
                "家庭原因 <a&b>".into()
            } else {
                String::new()
            },
            shortfall_delta: d.0,
            filled_priority_delta: d.1,
        }
    }

    /// Both sections alone, as the page renders them.
    fn sections_html(lang: Lang) -> String {
        let pins = vec![
            pin(2, "stay", "", None, (-1, 0)),
            pin(3, "to", "S9", Some(2021), (0, 3)),
            pin(5, "not_to", "S4", None, (0, 0)),
        ];
        let cost = PinSummary {
            count: 3,
            shortfall_without_pins: 4,
            filled_priority_without_pins: 12,
            exact: true,
        };
        let wishes = WishTally {
            teachers: 7,
            moved: 3,
            by_rank: [1, 1, 0, 0, 0],
        };
        let sections: Vec<Section> = pins_section(&pins, &cost, (5, 9), lang)
            .into_iter()
            .chain(wishes_section(&wishes, lang))
            .collect();
        assert_eq!(sections.len(), 2);
        let html = Page {
            lang,
            title: String::new(),
            subtitle: String::new(),
            sections,
            footer: String::new(),
        }
        .render();
        let start = html.find("<section>").unwrap();
        let end = html.rfind("</section>").unwrap();
        html[start..end + "</section>".len()].to_string()
    }

    #[test]
    fn sections_snapshot_in_both_languages() {
        let zh = sections_html(Lang::Zh);
        assert!(zh.contains("留任") && zh.contains("指定学校") && zh.contains("每年"));
        assert!(zh.contains("&lt;a&amp;b&gt;"), "notes are escaped");
        assert!(zh.contains("5 (4)") && zh.contains("9 (12)"));
        assert!(zh.contains("2 · 28.6 %"), "placed at a wish: 2 of 7");
        assert!(zh.contains("第1志愿"));
        snapshot("steering_sections_zh", &zh);
        let en = sections_html(Lang::En);
        assert!(en.contains("every year") && en.contains("not to") && en.contains("+3"));
        assert!(en.contains("3 · 42.9 %"), "moved: 3 of 7");
        snapshot("steering_sections_en", &en);
    }

    #[test]
    fn no_pins_no_wishes_no_sections() {
        let cost = PinSummary::default();
        assert!(pins_section(&[], &cost, (0, 0), Lang::En).is_none());
        assert!(wishes_section(&WishTally::default(), Lang::Zh).is_none());
    }

    #[test]
    fn percent_is_exact_and_rounds_half_up() {
        assert_eq!(percent(1, 3), "33.3 %");
        assert_eq!(percent(2, 3), "66.7 %");
        assert_eq!(percent(1, 8), "12.5 %");
        assert_eq!(percent(1, 16), "6.3 %");
        assert_eq!(percent(0, 0), "—");
        assert_eq!(percent(7, 7), "100.0 %");
    }
}
