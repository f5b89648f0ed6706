//! The `horizon` page and workbook: cumulative person-times against the target path by
//! year, overall and per district (sending school); the year table; the target-search
//! answer in plain words; `horizon.xlsx` with the same figures.

use super::charts::{lines, Series};
pub use super::district_years::{DistrictYear, DistrictYears};
use super::i18n::{Lang, Text};
use super::page::{Block, Figure, Page, Section};
use crate::horizon::{Bound, HorizonSummary};
use crate::xlsx::{tables_workbook, Table, XlsxWriteError};
use std::collections::BTreeMap;

fn yes_no(b: bool, lang: Lang) -> String {
    (if b { Text::Yes } else { Text::No }).get(lang).to_string()
}

/// The horizon page.
pub fn horizon_page(s: &HorizonSummary, districts: &[DistrictYear], lang: Lang) -> Page {
    let p = |zh, en| lang.pick(zh, en).to_string();
    let share = s
        .share_to_meet_target
        .map_or_else(|| p("无", "none"), |x| format!("{x:.3}"));
    let figures = vec![
        Figure {
            caption: p("目标人次", "Target person-times"),
            value: s.target_exchanges.to_string(),
            alert: false,
        },
        Figure {
            caption: format!("{} {}", p("累计至", "Cumulative by"), s.last_year),
            value: s.cumulative.to_string(),
            alert: !s.target_met,
        },
        Figure {
            caption: p("能否完成目标", "Target met"),
            value: yes_no(s.target_met, lang),
            alert: !s.target_met,
        },
        Figure {
            caption: p("完成年度", "Met in year"),
            value: s
                .met_in_year
                .map_or_else(|| p("期内未完成", "not in period"), |y| y.to_string()),
            alert: s.met_in_year.is_none(),
        },
        Figure {
            caption: p("现行比例", "Share now"),
            value: format!("{:.3}", s.min_share_of_eligible),
            alert: false,
        },
        Figure {
            caption: p("达标所需最小比例", "Smallest share that meets it"),
            value: share,
            alert: s.share_to_meet_target.is_none(),
        },
    ];
    let overall = vec![
        Series {
            name: p("累计人次", "cumulative"),
            points: s
                .years
                .iter()
                .map(|r| (r.year, r.cumulative as f64))
                .collect(),
            target: false,
        },
        Series {
            name: p("目标路径", "target path"),
            points: s
                .years
                .iter()
                .map(|r| (r.year, r.target_cumulative as f64))
                .collect(),
            target: true,
        },
    ];
    let mut sections = vec![
        Section {
            heading: format!("{} {}–{}", s.rules_name, s.first_year, s.last_year),
            blocks: vec![Block::Figures(figures), Block::Answer(answer(s, lang))],
        },
        Section {
            heading: p(
                "累计交流人次与目标路径",
                "Cumulative person-times against the target path",
            ),
            blocks: vec![
                Block::Chart(lines(&overall, &p("累计人次", "Cumulative"))),
                Block::Note(p(
                    "实线：累计计入人次；虚线：按年度均分的目标路径。",
                    "Solid: counted person-times so far; dashed: the target path.",
                )),
            ],
        },
    ];
    if !districts.is_empty() {
        sections.push(district_section(districts, lang));
    }
    if let Some(w) = &s.what_it_takes {
        sections.push(takes_section(w, lang));
    }
    sections.push(Section {
        heading: p("逐年明细", "Year by year"),
        blocks: vec![year_table(s, lang)],
    });
    sections.push(Section {
        heading: p("目标比例搜索", "Target search"),
        blocks: vec![
            Block::Note(p(
                "在 0.005 网格上试算的每个比例（min_share_of_eligible）及其期末累计人次。",
                "Every share (min_share_of_eligible) tried on the 0.005 grid and the period's cumulative.",
            )),
            probe_table(s, lang),
        ],
    });
    Page {
        lang,
        title: p("交流轮岗规划期进度", "Exchange plan period"),
        subtitle: format!(
            "{}: {} · {}–{}",
            Text::Rules.get(lang),
            s.rules_name,
            s.first_year,
            s.last_year
        ),
        sections,
        footer: Text::Generated.get(lang).to_string(),
    }
}

/// "What it takes": the parameter answers in words, and the posts wanting by year,
/// district and subject.
fn takes_section(w: &crate::horizon::WhatItTakes, lang: Lang) -> Section {
    let zh = lang == Lang::Zh;
    let p = |a: &str, b: &str| lang.pick(a, b).to_string();
    let total: u64 = w.more_posts_by_year.iter().map(|x| x.1).sum();
    let mut answer = vec![if zh {
        format!("若增加 {total} 个可匹配的空岗，限额内未能安排的教师即可交流（按年度、区县、学科见下表）。")
    } else {
        format!("{total} more open posts would have been filled by teachers within quota who had no allowed open post (by year, district and subject below).")
    }];
    answer.push(match (w.term_years_to_meet_target, zh) {
        (Some(t), true) => format!("交流期缩短为 {t} 年即可完成目标。"),
        (Some(t), false) => format!("A term of {t} years (term.years = {t}) meets the target."),
        (None, true) => "缩短交流期也不能完成目标。".to_string(),
        (None, false) => "No shorter term meets the target.".to_string(),
    });
    let unsettled = !w.distance_not_run.is_empty();
    answer.push(match (w.max_distance_km_to_meet_target, zh) {
        (None, true) if unsettled => {
            "分片合并无法给出距离上限的答案（分片只试算最大距离）：请不分片运行 horizon。"
                .to_string()
        }
        (None, false) if unsettled => "The smallest max_distance_km that meets the target is \
            not known from shards (they run the largest distance only): run `horizon` without \
            --shard for it."
            .to_string(),
        (Some(d), true) => format!("交流距离上限放宽到 {d} 公里即可完成目标。"),
        (Some(d), false) => format!("max_distance_km = {d} meets the target."),
        (None, true) => "放宽距离上限也不能完成目标。".to_string(),
        (None, false) => "No larger max_distance_km on the grid meets the target.".to_string(),
    });
    let rows: Vec<Vec<String>> = w
        .more_posts
        .iter()
        .map(|m| {
            vec![
                m.year.to_string(),
                m.district.clone(),
                m.subject.clone(),
                m.posts.to_string(),
            ]
        })
        .collect();
    Section {
        heading: p("怎样才能完成目标", "What it takes"),
        blocks: vec![
            Block::Answer(answer),
            Block::Table {
                header: vec![
                    p("年度", "year"),
                    p("区县", "district"),
                    p("学科/岗位", "subject or post"),
                    p("还需空岗", "more posts"),
                ],
                rows,
            },
        ],
    }
}

fn district_section(districts: &[DistrictYear], lang: Lang) -> Section {
    let p = |zh, en| lang.pick(zh, en).to_string();
    let mut by: BTreeMap<&str, Vec<(i32, f64)>> = BTreeMap::new();
    for d in districts {
        by.entry(&d.district)
            .or_default()
            .push((d.year, d.cumulative as f64));
    }
    let series: Vec<Series> = by
        .iter()
        .map(|(name, points)| Series {
            name: name.to_string(),
            points: points.clone(),
            target: false,
        })
        .collect();
    let years: Vec<i32> = {
        let mut y: Vec<i32> = districts.iter().map(|d| d.year).collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let mut header = vec![Text::District.get(lang).to_string()];
    header.extend(years.iter().map(i32::to_string));
    let rows = by
        .iter()
        .map(|(name, points)| {
            let mut r = vec![name.to_string()];
            r.extend(points.iter().map(|(_, v)| format!("{v:.0}")));
            r
        })
        .collect();
    Section {
        heading: p(
            "各区县累计交流人次（按派出学校）",
            "Cumulative person-times per district (sending school)",
        ),
        blocks: vec![
            Block::Chart(lines(&series, &p("各区县累计", "Per district"))),
            Block::Table { header, rows },
        ],
    }
}

fn year_table(s: &HorizonSummary, lang: Lang) -> Block {
    let p = |zh, en| lang.pick(zh, en).to_string();
    let mut header = vec![
        Text::Year.get(lang).to_string(),
        Text::Eligible.get(lang).to_string(),
        Text::Sent.get(lang).to_string(),
        p("返回", "Returned"),
        p("计入人次", "Counted"),
        p("累计", "Cumulative"),
        p("目标路径", "Target path"),
        Text::Shortfall.get(lang).to_string(),
        Text::Optimal.get(lang).to_string(),
    ];
    // With itinerant teaching: the year's itinerant teachers (person-times).
    let itinerant = s.years.iter().any(|r| r.itinerant.is_some());
    if itinerant {
        header.insert(3, p("走教人次", "Itinerant"));
    }
    let rows = s
        .years
        .iter()
        .map(|r| {
            let mut v = vec![
                r.year.to_string(),
                r.eligible.to_string(),
                r.sent.to_string(),
                r.returned.to_string(),
                r.counted.to_string(),
                r.cumulative.to_string(),
                r.target_cumulative.to_string(),
                r.shortfall.to_string(),
                yes_no(r.optimal, lang),
            ];
            if itinerant {
                v.insert(3, r.itinerant.unwrap_or(0).to_string());
            }
            v
        })
        .collect();
    Block::Table { header, rows }
}

fn probe_table(s: &HorizonSummary, lang: Lang) -> Block {
    let p = |zh, en| lang.pick(zh, en).to_string();
    let header = vec![
        p("比例", "Share"),
        p("期末累计", "Cumulative"),
        p("达到目标", "Met"),
        p("完成年度", "Met in year"),
    ];
    let rows = s
        .target_search
        .probes
        .iter()
        .map(|x| {
            vec![
                format!("{:.3}", x.share.to_f64()),
                x.cumulative.to_string(),
                yes_no(x.met, lang),
                x.met_in_year.map_or_else(String::new, |y| y.to_string()),
            ]
        })
        .collect();
    Block::Table { header, rows }
}

fn bound_text(b: Bound, lang: Lang) -> &'static str {
    match b {
        Bound::Posts => lang.pick("空岗（所有空岗均已补满）", "open posts (all filled)"),
        Bound::Caps => lang.pick(
            "交流上限（各派出学校均已派满）",
            "outflow caps (every sending school sent its cap)",
        ),
        Bound::EligiblePool => lang.pick(
            "符合条件的教师（已全部派出）",
            "the eligible pool (every eligible teacher was sent)",
        ),
        Bound::AllowedPairs => lang.pick(
            "可配对的学校（剩余教师与岗位在学科、学段、方向、区县或距离上不匹配）",
            "allowed pairs (teachers and posts left do not match in subject, stage, direction, district or distance)",
        ),
    }
}

/// The three answers of the horizon (met? by when? else which share?) in words.
pub fn answer(s: &HorizonSummary, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let share = s.min_share_of_eligible;
    let mut out = Vec::new();
    out.push(match (s.target_met, zh) {
        (true, true) => format!(
            "能完成目标：按现行比例 {share}，到 {} 年累计 {} 人次，目标 {} 人次。",
            s.last_year, s.cumulative, s.target_exchanges
        ),
        (true, false) => format!(
            "The target will be met: with share {share}, {} of {} person-times by {}.",
            s.cumulative, s.target_exchanges, s.last_year
        ),
        (false, true) => format!(
            "不能完成目标：按现行比例 {share}，到 {} 年累计 {} 人次，比目标 {} 人次少 {} 人次。",
            s.last_year,
            s.cumulative,
            s.target_exchanges,
            s.target_exchanges.saturating_sub(s.cumulative)
        ),
        (false, false) => format!(
            "The target will not be met: with share {share}, {} of {} person-times by {} ({} short).",
            s.cumulative,
            s.target_exchanges,
            s.last_year,
            s.target_exchanges.saturating_sub(s.cumulative)
        ),
    });
    out.push(match (s.met_in_year, zh) {
        (Some(y), true) => format!("{y} 年达到目标。"),
        (Some(y), false) => format!("It is reached in {y}."),
        (None, true) => "规划期内达不到目标。".to_string(),
        (None, false) => "It is not reached within the period.".to_string(),
    });
    match s.share_to_meet_target {
        Some(x) if zh => out.push(format!(
            "能完成目标的最小比例为 {x:.3}（在 0.005 网格上搜索，假定比例越大交流越多）。"
        )),
        Some(x) => out.push(format!(
            "The smallest share that meets the target is {x:.3} (searched on the 0.005 grid, assuming a larger share never means fewer exchanges)."
        )),
        None => {
            let top = s.target_search.probes.iter().find(|p| p.index_is_top());
            let binds: Vec<&str> = s
                .target_search
                .binding
                .as_ref()
                .map(|b| b.binds.iter().map(|x| bound_text(*x, lang)).collect())
                .unwrap_or_default();
            let reach = top.map(|p| p.cumulative).unwrap_or(s.cumulative);
            out.push(if zh {
                format!(
                    "即使比例为 1.000 也达不到目标：期末累计仅 {reach} 人次；主要受限于{}。",
                    binds.join("和")
                )
            } else {
                format!(
                    "No share up to 1.000 meets it: even then the period reaches only {reach}; what binds: {}.",
                    binds.join(" and ")
                )
            });
        }
    }
    out
}

/// `horizon.xlsx`: 年度 (horizon.csv cell for cell), 区县年度 (per district and year),
/// 目标搜索 (every share tried).
pub fn horizon_workbook(
    horizon_csv: &[u8],
    s: &HorizonSummary,
    districts: &[DistrictYear],
) -> Result<Vec<u8>, XlsxWriteError> {
    let years = Table::from_csv("年度", horizon_csv)?;
    let district_rows = districts
        .iter()
        .map(|d| {
            vec![
                d.district.clone(),
                d.year.to_string(),
                d.sent.to_string(),
                d.counted.to_string(),
                d.cumulative.to_string(),
            ]
        })
        .collect();
    let probes = s
        .target_search
        .probes
        .iter()
        .map(|x| {
            vec![
                format!("{:.3}", x.share.to_f64()),
                x.cumulative.to_string(),
                x.met.to_string(),
                x.met_in_year.map_or_else(String::new, |y| y.to_string()),
                x.planned_through
                    .map_or_else(String::new, |y| y.to_string()),
            ]
        })
        .collect();
    let owned = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
    tables_workbook(&[
        years,
        Table {
            name: "区县年度".into(),
            header: owned(&["district", "year", "sent", "counted", "cumulative"]),
            rows: district_rows,
            text_from: None,
        },
        Table {
            name: "目标搜索".into(),
            header: owned(&[
                "share",
                "cumulative",
                "met",
                "met_in_year",
                "planned_through",
            ]),
            rows: probes,
            text_from: None,
        },
    ])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::horizon::{grid_share, Binding, Probe, TargetSearch, YearRow, GRID_POINTS};

    fn summary(met: bool) -> HorizonSummary {
        let row = |year, cumulative| YearRow {
            year,
            cumulative,
            target_cumulative: 50 * u64::try_from(year - 2020).unwrap(),
            ..YearRow::default()
        };
        let years = vec![row(2021, 40), row(2022, if met { 100 } else { 70 })];
        let top = Probe {
            share: grid_share(GRID_POINTS),
            index: GRID_POINTS,
            cumulative: 80,
            met: false,
            met_in_year: None,
            planned_through: Some(2022),
            rows: years.clone(),
        };
        HorizonSummary {
            rules_name: "r".into(),
            first_year: 2021,
            last_year: 2022,
            min_share_of_eligible: 0.1,
            what_it_takes: None,
            count_forms: vec!["transfer".to_string()],
            target_exchanges: 100,
            cumulative: years[1].cumulative,
            target_met: met,
            met_in_year: met.then_some(2022),
            share_to_meet_target: met.then_some(0.1),
            search_assumed_monotone: true,
            target_search: TargetSearch {
                share_to_meet_target: met.then_some(0.1),
                search_assumed_monotone: true,
                grid_step: 0.005,
                rounds: 1,
                probes: if met { vec![] } else { vec![top] },
                monotone_violations: vec![],
                binding: (!met).then(|| Binding {
                    by_year: vec![(2021, vec![Bound::Posts]), (2022, vec![Bound::Posts])],
                    binds: vec![Bound::Posts],
                    posts: 0,
                    caps: 0,
                    eligible: 0,
                    sent: 0,
                }),
                not_run: vec![],
            },
            years,
        }
    }

    #[test]
    fn answers_in_both_languages() {
        let no = summary(false);
        let zh = answer(&no, Lang::Zh).join("\n");
        assert!(
            zh.contains("不能完成目标") && zh.contains("少 30 人次"),
            "{zh}"
        );
        assert!(
            zh.contains("期末累计仅 80 人次") && zh.contains("空岗"),
            "{zh}"
        );
        let en = answer(&no, Lang::En).join("\n");
        assert!(
            en.contains("(30 short)") && en.contains("open posts"),
            "{en}"
        );
        let yes = summary(true);
        let en = answer(&yes, Lang::En).join("\n");
        assert!(en.contains("will be met") && en.contains("reached in 2022"));
        assert!(en.contains("smallest share that meets the target is 0.100"));
    }

    #[test]
    fn page_has_every_section_and_no_empty_district_chart() {
        let s = summary(false);
        let page = horizon_page(&s, &[], Lang::En);
        let headings: Vec<&str> = page.sections.iter().map(|x| x.heading.as_str()).collect();
        assert_eq!(headings.len(), 4, "{headings:?}");
        let d = DistrictYear {
            district: "东湖区".into(),
            year: 2021,
            sent: 3,
            counted: 3,
            cumulative: 3,
        };
        let page = horizon_page(&s, &[d], Lang::Zh);
        assert_eq!(page.sections.len(), 5);
        assert!(page.render().contains("东湖区"));
    }
}
