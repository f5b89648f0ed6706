//! The `progress` page and workbook: actual exchanges against the target path per
//! year and per district, by form, with the forecast for the rest of the period.

use super::charts::{lines, Series};
use super::i18n::{Lang, Text};
use super::multiples::{stacked, Stack};
use super::page::{Block, Figure, Page, Section};
use crate::quota_progress::Progress;
use crate::xlsx::{tables_workbook, Table, XlsxWriteError};

fn forms(lang: Lang) -> Vec<String> {
    vec![
        lang.pick("调动", "transfer").to_string(),
        lang.pick("走教", "itinerant").to_string(),
        lang.pick("支教", "support").to_string(),
    ]
}

/// The progress page of `p` under the rule set named `rules_name`.
pub fn progress_page(rules_name: &str, p: &Progress, lang: Lang) -> Page {
    let t = |zh, en| lang.pick(zh, en).to_string();
    let last_year = p.years.last().map_or(p.as_of, |y| y.year);
    let figures = vec![
        Figure {
            caption: format!("{} {}", t("实际累计至", "Actual by"), p.as_of),
            value: p.actual.to_string(),
            alert: p.gap > 0,
        },
        Figure {
            caption: t("目标路径", "Target path"),
            value: p.target_as_of.to_string(),
            alert: false,
        },
        Figure {
            caption: t("差距", "Gap"),
            value: p.gap.to_string(),
            alert: p.gap > 0,
        },
        Figure {
            caption: format!("{} {last_year}", t("预测累计至", "Forecast by")),
            value: p.forecast_cumulative.to_string(),
            alert: !p.forecast_met,
        },
        Figure {
            caption: t("目标人次", "Target person-times"),
            value: p.target_exchanges.to_string(),
            alert: false,
        },
        Figure {
            caption: t("预计完成目标", "Target will be met"),
            value: (if p.forecast_met { Text::Yes } else { Text::No })
                .get(lang)
                .to_string(),
            alert: !p.forecast_met,
        },
    ];
    let actual: Vec<(i32, f64)> = p
        .years
        .iter()
        .filter(|y| !y.forecast)
        .map(|y| (y.year, y.cumulative as f64))
        .collect();
    let mut forecast: Vec<(i32, f64)> = actual.last().copied().into_iter().collect();
    forecast.extend(
        p.years
            .iter()
            .filter(|y| y.forecast)
            .map(|y| (y.year, y.cumulative as f64)),
    );
    let mut series = vec![Series {
        name: t("实际", "actual"),
        points: actual,
        target: false,
    }];
    if forecast.len() > 1 {
        series.push(Series {
            name: t("预测", "forecast"),
            points: forecast,
            target: false,
        });
    }
    series.push(Series {
        name: t("目标路径", "target path"),
        points: p
            .years
            .iter()
            .map(|y| (y.year, y.target_cumulative as f64))
            .collect(),
        target: true,
    });
    let year_rows: Vec<Stack> = p
        .years
        .iter()
        .map(|y| Stack {
            label: if y.forecast {
                format!("{} {}", y.year, t("(预测)", "(forecast)"))
            } else {
                y.year.to_string()
            },
            parts: vec![y.transfer, y.itinerant, y.support],
            faded: y.forecast,
        })
        .collect();
    let district_rows: Vec<Stack> = p
        .districts
        .iter()
        .map(|d| Stack {
            label: d.district.clone(),
            parts: vec![d.transfer, d.itinerant, d.support],
            faded: false,
        })
        .collect();
    let mut sections = vec![
        Section {
            heading: format!("{} {}", t("截至", "As of"), p.as_of),
            blocks: vec![Block::Figures(figures), Block::Answer(answer(p, lang))],
        },
        Section {
            heading: t(
                "累计交流人次：实际、预测与目标路径",
                "Cumulative person-times: actual, forecast and target path",
            ),
            blocks: vec![Block::Chart(lines(&series, &t("累计人次", "Cumulative")))],
        },
        Section {
            heading: t("各年度交流（按形式）", "Exchanges per year by form"),
            blocks: vec![
                Block::Chart(stacked(&year_rows, &forms(lang), &t("按形式", "By form"))),
                Block::Note(t(
                    "浅色为预测年度（按规则规划的剩余年度）。",
                    "Faded: forecast years (the rest of the period planned under the rules).",
                )),
            ],
        },
        Section {
            heading: t(
                "各区县实际交流（按派出学校、形式）",
                "Actual exchanges per district (sending school) by form",
            ),
            blocks: vec![Block::Chart(stacked(
                &district_rows,
                &forms(lang),
                &t("各区县", "Per district"),
            ))],
        },
        Section {
            heading: t("逐年明细", "Year by year"),
            blocks: vec![year_table(p, lang)],
        },
    ];
    if !p.unknown.is_empty() {
        sections.push(Section {
            heading: t(
                "台账中数据里没有的编号",
                "Ledger references not in the data",
            ),
            blocks: vec![
                Block::Note(t(
                    "这些台账行仍计入（台账记录的是已发生的交流）。",
                    "These ledger rows are still counted (the ledger records what happened).",
                )),
                Block::Table {
                    header: vec![t("行", "Row"), t("类别", "What"), t("编号", "Id")],
                    rows: p
                        .unknown
                        .iter()
                        .map(|u| vec![u.row.to_string(), u.what.to_string(), u.id.clone()])
                        .collect(),
                },
            ],
        });
    }
    Page {
        lang,
        title: t("交流轮岗完成进度", "Exchange progress"),
        subtitle: format!(
            "{}: {rules_name} · {} {}",
            Text::Rules.get(lang),
            t("截至", "as of"),
            p.as_of
        ),
        sections,
        footer: Text::Generated.get(lang).to_string(),
    }
}

fn year_table(p: &Progress, lang: Lang) -> Block {
    let t = |zh, en| lang.pick(zh, en).to_string();
    let mut header = vec![Text::Year.get(lang).to_string()];
    header.extend(forms(lang));
    header.extend([
        t("计入人次", "Counted"),
        t("骨干", "Backbone"),
        t("城区到乡村", "Urban→rural"),
        t("累计", "Cumulative"),
        t("目标路径", "Target path"),
        t("差距", "Gap"),
        t("预测", "Forecast"),
    ]);
    let rows = p
        .years
        .iter()
        .map(|y| {
            vec![
                y.year.to_string(),
                y.transfer.to_string(),
                y.itinerant.to_string(),
                y.support.to_string(),
                y.counted.to_string(),
                y.backbone.to_string(),
                y.urban_to_rural.to_string(),
                y.cumulative.to_string(),
                y.target_cumulative.to_string(),
                y.gap.to_string(),
                (if y.forecast { Text::Yes } else { Text::No })
                    .get(lang)
                    .to_string(),
            ]
        })
        .collect();
    Block::Table { header, rows }
}

/// Where the ledger stands and where the period will end, in words.
pub fn answer(p: &Progress, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let gap = if zh {
        if p.gap > 0 {
            format!("落后目标路径 {} 人次", p.gap)
        } else {
            format!("超出目标路径 {} 人次", -p.gap)
        }
    } else if p.gap > 0 {
        format!("{} behind the target path", p.gap)
    } else {
        format!("{} ahead of the target path", -p.gap)
    };
    let first = if zh {
        format!(
            "截至 {} 年实际累计 {} 人次，目标路径为 {} 人次，{gap}。",
            p.as_of, p.actual, p.target_as_of
        )
    } else {
        format!(
            "By {}, {} person-times were made against {} on the target path: {gap}.",
            p.as_of, p.actual, p.target_as_of
        )
    };
    let second = match (zh, p.forecast_met) {
        (true, true) => format!(
            "若剩余年度按规则规划，期末累计 {} 人次，能完成目标 {} 人次。",
            p.forecast_cumulative, p.target_exchanges
        ),
        (true, false) => format!(
            "若剩余年度按规则规划，期末累计 {} 人次，完不成目标 {} 人次。",
            p.forecast_cumulative, p.target_exchanges
        ),
        (false, met) => format!(
            "If the remaining years are planned under the rules, the period ends at {} of {}: the target {}.",
            p.forecast_cumulative,
            p.target_exchanges,
            if met { "will be met" } else { "will not be met" }
        ),
    };
    let mut out = vec![first, second];
    if !p.forecast_optimal {
        out.push(
            lang.pick(
                "部分预测年度未证明最优。",
                "Some forecast years are not proven optimal.",
            )
            .to_string(),
        );
    }
    out
}

/// The columns of districts.csv (`DistrictTally`'s fields).
const DISTRICT_HEADER: [&str; 7] = [
    "district",
    "transfer",
    "itinerant",
    "support",
    "counted",
    "backbone",
    "urban_to_rural",
];

/// `progress.xlsx`: 年度 (progress.csv) and 区县 (districts.csv), cell for cell.
pub fn progress_workbook(
    progress_csv: &[u8],
    districts_csv: &[u8],
) -> Result<Vec<u8>, XlsxWriteError> {
    let mut districts = Table::from_csv("区县", districts_csv)?;
    if districts.header.is_empty() {
        // No exchange in the ledger yet: csv writes nothing, the sheet keeps its header.
        districts.header = DISTRICT_HEADER.iter().map(|s| s.to_string()).collect();
    }
    tables_workbook(&[Table::from_csv("年度", progress_csv)?, districts])
}
