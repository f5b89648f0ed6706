//! The `compare` page and workbook: the variants side by side. Each figure (sent,
//! shortfall, posts filled, backbone share, urban→rural share, distance) gets its own
//! small bar chart with one bar per variant in the same order, so a reader compares
//! down a column; a legend table maps the short names V1, V2, … to the variants.

use super::i18n::{Lang, Text};
use super::multiples::{mini_bars, MiniBar};
use super::page::{Block, Figure, Page, Section};
use crate::compare::Outcome;
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
        .filter_map(
            |m| match (data.schools.get(m.from), data.schools.get(m.to)) {
                (Some(a), Some(b)) => distance_km(a, b),
                _ => None,
            },
        )
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
    let t = |zh, en| lang.pick(zh, en).to_string();
    let figs: Vec<Figures> = outcomes.iter().map(|o| figures(data, o)).collect();
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
    let multiples = vec![
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
    let legend_rows: Vec<Vec<String>> = outcomes
        .iter()
        .zip(&figs)
        .enumerate()
        .map(|(i, (o, f))| {
            vec![
                name(i),
                o.variant.label(),
                o.variant.method.as_str().to_string(),
                f.sent.to_string(),
                f.shortfall.to_string(),
                format!("{} / {}", f.posts_filled, f.posts),
                pct(f.backbone_share),
                pct(f.urban_to_rural_share),
                (if o.summary.optimal {
                    Text::Yes
                } else {
                    Text::No
                })
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
            value: outcomes.len().to_string(),
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
        subtitle: format!("{} {year}", Text::Year.get(lang)),
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
