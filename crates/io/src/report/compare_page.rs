//! The `compare` page and workbook: the variants side by side. Each figure (sent,
//! shortfall, posts filled, backbone share, urban→rural share, distance) gets its own
//! small bar chart with one bar per variant in the same order, so a reader compares
//! down a column; a legend table maps the short names V1, V2, … to the variants.

use super::i18n::{Lang, Text};
use super::multiples::{mini_bars, MiniBar};
use super::page::{Block, Figure, Page, Section};
use crate::compare::{Figures, Outcome, PeriodOutcome};
use crate::model::Dataset;
use crate::plan::distance_km;
use crate::xlsx::{tables_workbook, Table, XlsxWriteError};

/// One variant as the page shows it.
struct Row {
    label: String,
    method: String,
    optimal: bool,
    /// `compare.csv`'s figures: the year's, or summed over the period.
    figs: Figures,
    /// The total distance drawn, km: over a year the moves' distances summed as
    /// measured, over a period the figures' metres.
    distance_km: f64,
    /// Over a period: counted person-times and the target.
    cumulative: Option<(u64, u64)>,
}

impl Row {
    /// `x / sent`, none when nothing is sent.
    fn share(&self, x: u64) -> Option<f64> {
        let sent = self.figs.totals.sent;
        (sent > 0).then(|| x as f64 / sent as f64)
    }

    fn backbone_share(&self) -> Option<f64> {
        self.share(self.figs.totals.backbone_sent)
    }

    fn urban_to_rural_share(&self) -> Option<f64> {
        self.share(self.figs.urban_to_rural)
    }
}

/// The moves' total distance in km, unrounded.
fn distance(data: &Dataset, o: &Outcome) -> f64 {
    o.plan
        .moves
        .iter()
        .filter_map(|m| {
            match (
                data.schools.get(m.from.index()),
                data.schools.get(m.to.index()),
            ) {
                (Some(a), Some(b)) => distance_km(a, b),
                _ => None,
            }
        })
        .sum()
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// The compare page for plan year `year`.
pub fn compare_page(data: &Dataset, outcomes: &[Outcome], year: i32, lang: Lang) -> Page {
    let rows: Vec<Row> = outcomes
        .iter()
        .map(|o| Row {
            label: o.variant.label(),
            method: o.variant.method.as_str().to_string(),
            optimal: o.summary.optimal,
            figs: Figures::of(data, &o.plan, &o.rows, &o.summary),
            distance_km: distance(data, o),
            cumulative: None,
        })
        .collect();
    side_by_side(&rows, format!("{} {year}", Text::Year.get(lang)), lang)
}

/// The compare page of `compare --horizon`: the same figures summed over each
/// variant's period, and the period's person-times against the target.
pub fn compare_period_page(outcomes: &[PeriodOutcome], lang: Lang) -> Page {
    let rows: Vec<Row> = outcomes
        .iter()
        .map(|o| Row {
            label: o.variant.label(),
            method: o.variant.method.as_str().to_string(),
            optimal: o.figures.optimal,
            figs: o.figures.clone(),
            distance_km: o.figures.metres as f64 / 1000.0,
            cumulative: Some((o.cumulative, o.target_exchanges)),
        })
        .collect();
    let years = match (
        outcomes.iter().map(|o| o.first_year).min(),
        outcomes.iter().map(|o| o.last_year).max(),
    ) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => String::new(),
    };
    side_by_side(&rows, years, lang)
}

fn side_by_side(rows: &[Row], subtitle: String, lang: Lang) -> Page {
    let t = |zh, en| lang.pick(zh, en).to_string();
    let name = |i: usize| format!("V{}", i + 1);
    let best_sent = rows.iter().map(|r| r.figs.totals.sent).max().unwrap_or(0);
    let least_short = rows
        .iter()
        .map(|r| r.figs.totals.shortfall)
        .min()
        .unwrap_or(0);
    let chart = |title: String, max: Option<f64>, bar: &dyn Fn(&Row) -> (f64, String, bool)| {
        let bars: Vec<MiniBar> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (value, note, alert) = bar(r);
                MiniBar {
                    label: name(i),
                    value,
                    note,
                    alert,
                }
            })
            .collect();
        mini_bars(&title, &bars, max)
    };
    let mut multiples = vec![
        chart(Text::Sent.get(lang).to_string(), None, &|r| {
            let f = &r.figs.totals;
            (f.sent as f64, f.sent.to_string(), false)
        }),
        chart(Text::Shortfall.get(lang).to_string(), None, &|r| {
            let f = &r.figs.totals;
            (f.shortfall as f64, f.shortfall.to_string(), f.shortfall > 0)
        }),
        chart(Text::PostsFilled.get(lang).to_string(), None, &|r| {
            let f = &r.figs.totals;
            (
                f.posts_filled as f64,
                format!("{} / {}", f.posts_filled, f.posts),
                false,
            )
        }),
        chart(t("骨干占比", "Backbone share"), Some(1.0), &|r| {
            let share = r.backbone_share();
            let v = share.unwrap_or(0.0);
            (v, pct(share), share.is_some() && v < 0.2)
        }),
        chart(
            t("城区到乡村占比", "Urban→rural share"),
            Some(1.0),
            &|r| {
                let share = r.urban_to_rural_share();
                (share.unwrap_or(0.0), pct(share), false)
            },
        ),
        chart(
            t("总距离（公里）", "Total distance (km)"),
            None,
            &|r| (r.distance_km, format!("{:.0}", r.distance_km), false),
        ),
    ];
    if rows.iter().any(|r| r.cumulative.is_some()) {
        let bars: Vec<MiniBar> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (c, target) = r.cumulative.unwrap_or_default();
                MiniBar {
                    label: name(i),
                    value: c as f64,
                    note: format!("{c} / {target}"),
                    alert: c < target,
                }
            })
            .collect();
        // Scaled to the target, so a bar's length is the share of it reached.
        let top = rows
            .iter()
            .filter_map(|r| r.cumulative)
            .map(|(c, target)| c.max(target))
            .max()
            .unwrap_or(0);
        multiples.insert(
            0,
            mini_bars(
                &t("累计交流人次 / 目标", "Person-times / target"),
                &bars,
                Some(top.max(1) as f64),
            ),
        );
    }
    let legend_rows: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let f = &o.figs.totals;
            vec![
                name(i),
                o.label.clone(),
                o.method.clone(),
                f.sent.to_string(),
                f.shortfall.to_string(),
                format!("{} / {}", f.posts_filled, f.posts),
                pct(o.backbone_share()),
                pct(o.urban_to_rural_share()),
                (if o.optimal { Text::Yes } else { Text::No })
                    .get(lang)
                    .to_string(),
            ]
        })
        .collect();
    let header = vec![
        t("简称", "Short"),
        t("方案", "Variant"),
        t("方法", "Method"),
        Text::Sent.get(lang).to_string(),
        Text::Shortfall.get(lang).to_string(),
        Text::PostsFilled.get(lang).to_string(),
        t("骨干占比", "Backbone share"),
        t("城区到乡村", "Urban→rural"),
        Text::Optimal.get(lang).to_string(),
    ];
    let headline = vec![
        Figure {
            caption: t("方案数", "Variants"),
            value: rows.len().to_string(),
            alert: false,
        },
        Figure {
            caption: t("最多派出", "Most sent"),
            value: best_sent.to_string(),
            alert: false,
        },
        Figure {
            caption: t("最小缺口", "Least shortfall"),
            value: least_short.to_string(),
            alert: least_short > 0,
        },
    ];
    Page {
        lang,
        title: t("交流方案对比", "Plan variants compared"),
        subtitle,
        sections: vec![
            Section {
                heading: t("概况", "Overview"),
                blocks: vec![Block::Figures(headline)],
            },
            Section {
                heading: t("各项指标对比", "Figures side by side"),
                blocks: vec![
                    Block::Multiples(multiples),
                    Block::Note(t(
                        "每个小图一项指标，各方案顺序相同；红色为缺口或骨干占比低于 20%。",
                        "One small chart per figure, variants in the same order; red = shortfall or backbone share below 20 %.",
                    )),
                ],
            },
            Section {
                heading: t("方案一览", "Variants"),
                blocks: vec![Block::Table {
                    header,
                    rows: legend_rows,
                }],
            },
        ],
        footer: Text::Generated.get(lang).to_string(),
    }
}

/// `compare.xlsx`: 方案对比 (compare.csv) and 差异教师 (moves.csv), cell for cell;
/// moves.csv's per-variant columns (receiving school ids) stay text.
pub fn compare_workbook(compare_csv: &[u8], moves_csv: &[u8]) -> Result<Vec<u8>, XlsxWriteError> {
    let mut moves = Table::from_csv("差异教师", moves_csv)?;
    moves.text_from = Some(7);
    tables_workbook(&[Table::from_csv("方案对比", compare_csv)?, moves])
}
