//! The `compare` page and workbook: the variants side by side. Each figure (sent,
//! shortfall, posts filled, backbone share, urban→rural share, distance) gets its own
//! small bar chart with one bar per variant in the same order, so a reader compares
//! down a column; a legend table maps the short names V1, V2, … to the variants.

use super::i18n::{Lang, Text};
use super::multiples::{mini_bars, MiniBar};
use super::page::{Block, Figure, Page, Section};
use crate::compare::{Outcome, PeriodOutcome};
use crate::model::Dataset;
use crate::plan::distance_km;
use crate::xlsx::{tables_workbook, Table, XlsxWriteError};

/// The figures of one variant the page draws.
struct Figures {
    sent: u64,
    shortfall: u64,
    posts: u64,
    posts_filled: u64,
    backbone_share: Option<f64>,
    urban_to_rural_share: Option<f64>,
    distance_km: f64,
}

/// One variant as the page shows it.
struct Row {
    label: String,
    method: String,
    optimal: bool,
    figs: Figures,
    /// Over a period: counted person-times and the target.
    cumulative: Option<(u64, u64)>,
}

fn figures(data: &Dataset, o: &Outcome) -> Figures {
    let s = &o.summary;
    let u2r: u64 = s
        .by_district
        .values()
        .map(|d| u64::from(d.urban_to_rural))
        .sum();
    let share = |x: u64| (s.sent > 0).then(|| x as f64 / s.sent as f64);
    let distance_km = o
        .plan
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
        .sum();
    Figures {
        sent: s.sent,
        shortfall: s.shortfall,
        posts: s.posts,
        posts_filled: s.posts_filled,
        backbone_share: share(s.backbone_sent),
        urban_to_rural_share: share(u2r),
        distance_km,
    }
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
            figs: figures(data, o),
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
        .map(|o| {
            let f = &o.figures;
            let share = |x: u64| (f.sent > 0).then(|| x as f64 / f.sent as f64);
            Row {
                label: o.variant.label(),
                method: o.variant.method.as_str().to_string(),
                optimal: f.optimal,
                figs: Figures {
                    sent: f.sent,
                    shortfall: f.shortfall,
                    posts: f.posts,
                    posts_filled: f.posts_filled,
                    backbone_share: share(f.backbone_sent),
                    urban_to_rural_share: share(f.urban_to_rural),
                    distance_km: f.metres as f64 / 1000.0,
                },
                cumulative: Some((o.cumulative, o.target_exchanges)),
            }
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
    let figs: Vec<&Figures> = rows.iter().map(|r| &r.figs).collect();
    let name = |i: usize| format!("V{}", i + 1);
    let best_sent = figs.iter().map(|f| f.sent).max().unwrap_or(0);
    let least_short = figs.iter().map(|f| f.shortfall).min().unwrap_or(0);
    let chart = |title: String, max: Option<f64>, bar: &dyn Fn(&Figures) -> (f64, String, bool)| {
        let bars: Vec<MiniBar> = figs
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let (value, note, alert) = bar(f);
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
        chart(Text::Sent.get(lang).to_string(), None, &|f| {
            (f.sent as f64, f.sent.to_string(), false)
        }),
        chart(Text::Shortfall.get(lang).to_string(), None, &|f| {
            (f.shortfall as f64, f.shortfall.to_string(), f.shortfall > 0)
        }),
        chart(Text::PostsFilled.get(lang).to_string(), None, &|f| {
            (
                f.posts_filled as f64,
                format!("{} / {}", f.posts_filled, f.posts),
                false,
            )
        }),
        chart(t("骨干占比", "Backbone share"), Some(1.0), &|f| {
            let v = f.backbone_share.unwrap_or(0.0);
            (
                v,
                pct(f.backbone_share),
                f.backbone_share.is_some() && v < 0.2,
            )
        }),
        chart(
            t("城区到乡村占比", "Urban→rural share"),
            Some(1.0),
            &|f| {
                (
                    f.urban_to_rural_share.unwrap_or(0.0),
                    pct(f.urban_to_rural_share),
                    false,
                )
            },
        ),
        chart(
            t("总距离（公里）", "Total distance (km)"),
            None,
            &|f| (f.distance_km, format!("{:.0}", f.distance_km), false),
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
        .zip(&figs)
        .enumerate()
        .map(|(i, (o, f))| {
            vec![
                name(i),
                o.label.clone(),
                o.method.clone(),
                f.sent.to_string(),
                f.shortfall.to_string(),
                format!("{} / {}", f.posts_filled, f.posts),
                pct(f.backbone_share),
                pct(f.urban_to_rural_share),
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
