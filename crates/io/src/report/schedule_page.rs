//! The `schedule` page and workbook: a calendar heat-map of evaluations per day, the
//! evaluators' load, and what was not scheduled with the reasons in words.

use super::charts::{calendar, CalendarWords, Day};
use super::i18n::{Lang, Text};
use super::multiples::histogram;
use super::page::{Block, Figure, Page, Section};
use crate::model::{Dataset, Date, Evaluator, Id};
use crate::schedule::{Event, Schedule, Unscheduled};
use crate::xlsx::{tables_workbook, Table, XlsxWriteError};
use std::collections::{BTreeMap, BTreeSet};

/// Everything the schedule page is made from.
pub struct ScheduleReport<'a> {
    pub year: i32,
    pub rules_name: &'a str,
    pub data: &'a Dataset,
    pub events: &'a [Event],
    pub sched: &'a Schedule,
    /// The proven lower bound on evaluator-days.
    pub lower_bound: usize,
}

/// One evaluator's load: distinct days worked and evaluations sat on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    pub evaluator: Id<Evaluator>,
    pub days: usize,
    pub evaluations: usize,
}

/// The load of every evaluator in the data (zeros included), in data order.
pub fn loads(data: &Dataset, sched: &Schedule) -> Vec<Load> {
    let mut days: Vec<BTreeSet<Date>> = vec![BTreeSet::new(); data.evaluators.len()];
    let mut evaluations = vec![0usize; data.evaluators.len()];
    for p in &sched.placed {
        for &m in &p.panel {
            if let (Some(d), Some(e)) = (days.get_mut(m.index()), evaluations.get_mut(m.index())) {
                d.insert(p.date);
                *e += 1;
            }
        }
    }
    days.iter()
        .zip(evaluations)
        .enumerate()
        .map(|(evaluator, (d, evaluations))| Load {
            evaluator: Id::new(evaluator),
            days: d.len(),
            evaluations,
        })
        .collect()
}

/// A reason for not scheduling, in words.
pub fn unscheduled_text(r: &Unscheduled, lang: Lang) -> String {
    if lang == Lang::En {
        return r.to_string();
    }
    match r {
        Unscheduled::NoWorkday => "考核时间窗内没有非节假日的工作日".to_string(),
        Unscheduled::TooFewEvaluators { needed, available } => {
            format!("评价组需要 {needed} 人，无需回避的评价人只有 {available} 人")
        }
        Unscheduled::NoSubjectEvaluator {
            subject,
            needed,
            available,
        } => format!("需要 {needed} 名无需回避的{subject}学科评价人，只有 {available} 名"),
        Unscheduled::NoDayAvailable { subject, days } => format!(
            "{days} 个可用工作日中，没有一天有足够的（含{subject}学科）无需回避且有空的评价人"
        ),
        Unscheduled::Capacity { days } => {
            format!("可组成评价组的 {days} 天里，空闲评价人或学校当日场次都已被其他考核占用")
        }
    }
}

/// The short name of a reason id (`unscheduled.csv`'s `reason` column).
fn reason_label(id: &str, lang: Lang) -> String {
    let zh = match id {
        "no_workday_in_window" => "时间窗内无工作日",
        "too_few_evaluators" => "评价人不足",
        "no_subject_evaluator" => "缺少同学科评价人",
        "no_day_with_available_panel" => "没有评价组都有空的日子",
        "capacity_taken" => "名额已被占用",
        _ => id,
    };
    match lang {
        Lang::Zh => format!("{zh}（{id}）"),
        Lang::En => id.to_string(),
    }
}

/// The rows of the unscheduled list shown on the page (the CSV has them all).
const LIST_ROWS: usize = 200;

/// The schedule page.
pub fn schedule_page(r: &ScheduleReport, lang: Lang) -> Page {
    let t = |zh, en| lang.pick(zh, en).to_string();
    let load = loads(r.data, r.sched);
    let used = load.iter().filter(|l| l.days > 0).count();
    let evaluator_days: usize = load.iter().map(|l| l.days).sum();
    let unscheduled = r.sched.unscheduled.len();
    let figures = vec![
        Figure {
            caption: t("考核场次", "Evaluations"),
            value: r.events.len().to_string(),
            alert: false,
        },
        Figure {
            caption: t("已安排", "Scheduled"),
            value: r.sched.placed.len().to_string(),
            alert: false,
        },
        Figure {
            caption: t("未安排", "Unscheduled"),
            value: unscheduled.to_string(),
            alert: unscheduled > 0,
        },
        Figure {
            caption: t("评价人·天", "Evaluator-days"),
            value: evaluator_days.to_string(),
            alert: false,
        },
        Figure {
            caption: t("下界", "Lower bound"),
            value: r.lower_bound.to_string(),
            alert: false,
        },
        Figure {
            caption: t("参与评价人", "Evaluators used"),
            value: format!("{used} / {}", load.len()),
            alert: false,
        },
        Figure {
            caption: t("工作天数极差", "Load spread (days)"),
            value: (load.iter().map(|l| l.days).max().unwrap_or(0)
                - load.iter().map(|l| l.days).min().unwrap_or(0))
            .to_string(),
            alert: false,
        },
        Figure {
            caption: t("往返路程（公里）", "Travel (km)"),
            value: format!(
                "{:.1}",
                r.sched.travel_metres(r.events, r.data) as f64 / 1000.0
            ),
            alert: false,
        },
    ];
    let mut sections = vec![
        Section {
            heading: format!("{} {}", Text::Year.get(lang), r.year),
            blocks: vec![Block::Figures(figures)],
        },
        Section {
            heading: t("每日考核场次", "Evaluations per day"),
            blocks: day_blocks(r, lang),
        },
        Section {
            heading: t("评价人工作量", "Evaluator load"),
            blocks: vec![
                Block::Chart(load_chart(&load, lang)),
                Block::Note(t(
                    "横轴：评价人工作天数；柱高：评价人数。",
                    "Across: days an evaluator works; height: number of evaluators.",
                )),
            ],
        },
    ];
    sections.push(Section {
        heading: t(
            "各校考核日与评价人·天",
            "Sittings and evaluator-days by host school",
        ),
        blocks: host_blocks(r, lang),
    });
    sections.push(Section {
        heading: t("未安排的考核及原因", "Not scheduled, and why"),
        blocks: unscheduled_blocks(r, lang),
    });
    Page {
        lang,
        title: t("交流教师考核安排", "Evaluation schedule"),
        subtitle: format!(
            "{}: {} · {} {}",
            Text::Rules.get(lang),
            r.rules_name,
            Text::Year.get(lang),
            r.year
        ),
        sections,
        footer: Text::Generated.get(lang).to_string(),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn day_blocks(r: &ScheduleReport, lang: Lang) -> Vec<Block> {
    let mut per: BTreeMap<Date, u32> = BTreeMap::new();
    for p in &r.sched.placed {
        *per.entry(p.date).or_default() += 1;
    }
    let (Some(first), Some(last)) = (per.keys().next(), per.keys().next_back()) else {
        return vec![Block::Note(
            lang.pick("没有安排任何考核。", "Nothing was scheduled.")
                .to_string(),
        )];
    };
    let days: Vec<Day> = (first.ordinal()..=last.ordinal())
        .map(Date::from_ordinal)
        .map(|d| Day {
            ordinal: d.ordinal(),
            weekday: d.weekday(),
            label: d.to_string(),
            value: per.get(&d).copied().unwrap_or(0),
            // The first week is named too unless its month ends within two weeks (the
            // names would overlap).
            month_start: (d.day == 1 || (d == *first && d.day <= 15)).then(|| match lang {
                Lang::Zh => format!("{}月", d.month),
                Lang::En => MONTHS[(d.month as usize + 11) % 12].to_string(),
            }),
        })
        .collect();
    let busiest = per.values().copied().max().unwrap_or(0);
    vec![
        Block::Chart(calendar(
            &days,
            &match lang {
                Lang::Zh => CalendarWords {
                    weekdays: ["一", "二", "三", "四", "五", "六", "日"],
                    less: "少",
                    more: "多",
                },
                Lang::En => CalendarWords {
                    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                    less: "less",
                    more: "more",
                },
            },
            lang.pick("每日考核", "Evaluations per day"),
        )),
        Block::Note(if lang == Lang::Zh {
            format!(
                "{first} 至 {last}，共 {} 个考核日；单日最多 {busiest} 场。每列一周，颜色越深场次越多。",
                per.len()
            )
        } else {
            format!(
                "{first} to {last}: {} days with evaluations, at most {busiest} on one day. One column per week; darker = more.",
                per.len()
            )
        }),
    ]
}

fn load_chart(load: &[Load], lang: Lang) -> String {
    let max = load.iter().map(|l| l.days).max().unwrap_or(0);
    let mut bins = vec![0u64; max + 1];
    for l in load {
        bins[l.days] += 1;
    }
    let bins: Vec<(String, u64)> = bins
        .into_iter()
        .enumerate()
        .map(|(d, n)| (d.to_string(), n))
        .collect();
    histogram(&bins, lang.pick("评价人工作天数分布", "Days per evaluator"))
}

/// Per host school: sittings (days it hosts), evaluator-days and the school's bound;
/// schools not proven minimal first, then the most evaluator-days.
fn host_blocks(r: &ScheduleReport, lang: Lang) -> Vec<Block> {
    let t = |zh, en| lang.pick(zh, en).to_string();
    let mut hosts: Vec<&crate::schedule::HostFigures> = r.sched.by_host.iter().collect();
    if hosts.is_empty() {
        return vec![Block::Note(t("没有考核。", "No evaluations."))];
    }
    hosts.sort_by_key(|h| (h.proven, std::cmp::Reverse(h.evaluator_days), h.host));
    let proven = hosts.iter().filter(|h| h.proven).count();
    let rows = hosts
        .iter()
        .take(LIST_ROWS)
        .map(|h| {
            vec![
                r.data
                    .try_school(h.host)
                    .map_or_else(String::new, |s| s.name.clone()),
                h.evaluations.to_string(),
                h.scheduled.to_string(),
                h.sittings.to_string(),
                h.evaluator_days.to_string(),
                h.lower_bound
                    .map_or_else(|| "—".to_string(), |b| b.to_string()),
                if h.proven {
                    t("是", "yes")
                } else {
                    t("否", "no")
                },
                format!("{:.1}", h.travel_metres as f64 / 1000.0),
            ]
        })
        .collect();
    let note = if lang == Lang::Zh {
        format!(
            "{proven} / {} 所学校的评价人·天已证明最少。考核日：该校安排考核的天数；下界：不考虑日期时该校所需的最少评价人·天。{}",
            hosts.len(),
            if hosts.len() > LIST_ROWS {
                format!("仅列出前 {LIST_ROWS} 所，summary.json 的 by_host 列出全部。")
            } else {
                String::new()
            }
        )
    } else {
        format!(
            "{proven} of {} schools at their proven minimum. Sittings: days the school hosts evaluations; bound: the fewest evaluator-days the school needs with dates set aside.{}",
            hosts.len(),
            if hosts.len() > LIST_ROWS {
                format!(" The first {LIST_ROWS}; by_host in summary.json has them all.")
            } else {
                String::new()
            }
        )
    };
    vec![
        Block::Table {
            header: vec![
                t("学校", "School"),
                t("考核", "Evaluations"),
                t("已安排", "Scheduled"),
                t("考核日", "Sittings"),
                t("评价人·天", "Evaluator-days"),
                t("下界", "Bound"),
                t("已证明最少", "Proven minimal"),
                t("路程（公里）", "Travel (km)"),
            ],
            rows,
        },
        Block::Note(note),
    ]
}

fn unscheduled_blocks(r: &ScheduleReport, lang: Lang) -> Vec<Block> {
    let t = |zh, en| lang.pick(zh, en).to_string();
    if r.sched.unscheduled.is_empty() {
        return vec![Block::Note(t(
            "全部考核均已安排。",
            "Every evaluation was scheduled.",
        ))];
    }
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, why) in &r.sched.unscheduled {
        *by_reason.entry(why.id()).or_default() += 1;
    }
    let summary = Block::Table {
        header: vec![t("原因", "Reason"), t("场次", "Evaluations")],
        rows: by_reason
            .into_iter()
            .map(|(k, n)| vec![reason_label(k, lang), n.to_string()])
            .collect(),
    };
    let rows: Vec<Vec<String>> = r
        .sched
        .unscheduled
        .iter()
        .take(LIST_ROWS)
        .filter_map(|(i, why)| {
            let ev = r.events.get(i.index())?;
            Some(vec![
                ev.id.clone(),
                ev.teacher
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string),
                r.data
                    .try_school(ev.host)
                    .map_or_else(String::new, |s| s.name.clone()),
                ev.subject.to_string(),
                unscheduled_text(why, lang),
            ])
        })
        .collect();
    let mut blocks = vec![
        summary,
        Block::Table {
            header: vec![
                t("考核编号", "Event"),
                t("教师", "Teacher"),
                t("学校", "School"),
                t("学科", "Subject"),
                t("原因", "Reason"),
            ],
            rows,
        },
    ];
    if r.sched.unscheduled.len() > LIST_ROWS {
        blocks.push(Block::Note(if lang == Lang::Zh {
            format!(
                "仅列出前 {LIST_ROWS} 条，共 {} 条，见 unscheduled.csv。",
                r.sched.unscheduled.len()
            )
        } else {
            format!(
                "The first {LIST_ROWS} of {}; unscheduled.csv has them all.",
                r.sched.unscheduled.len()
            )
        }));
    }
    blocks
}

/// `schedule.xlsx`: 考核安排 (schedule.csv), 未安排 (unscheduled.csv), cell for cell,
/// and 评价人负荷 (every evaluator's days and evaluations).
pub fn schedule_workbook(
    schedule_csv: &[u8],
    unscheduled_csv: &[u8],
    data: &Dataset,
    sched: &Schedule,
) -> Result<Vec<u8>, XlsxWriteError> {
    let load_rows = loads(data, sched)
        .into_iter()
        .filter_map(|l| {
            let e = data.try_evaluator(l.evaluator)?;
            Some(vec![
                e.id.to_string(),
                e.name.clone(),
                e.district.clone(),
                l.days.to_string(),
                l.evaluations.to_string(),
            ])
        })
        .collect();
    tables_workbook(&[
        Table::from_csv("考核安排", schedule_csv)?,
        Table::from_csv("未安排", unscheduled_csv)?,
        Table {
            name: "评价人负荷".into(),
            header: ["evaluator_id", "name", "district", "days", "evaluations"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows: load_rows,
            text_from: None,
        },
    ])
}
