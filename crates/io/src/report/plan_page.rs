//! The `plan` report: headline figures, exchange flows, quota attainment per school,
//! backbone share per district against 20 %, posts filled by subject, shortfalls with
//! their reasons; with pins or wishes, their sections (`steering_section`).

use super::charts::{columns, hbars, sankey, Bar, Column, Flow};
use super::i18n::{Lang, Text};
use super::page::{Block, Figure, Page, Section};
use super::plan_tallies::{locality_label, PlanTallies};
use crate::model::{Id, School};
use crate::plan::{Remedy, Unproven};
use crate::shortfall::ShortfallReason;
use crate::stats::{SchoolRow, Summary};
use std::collections::BTreeMap;

/// Everything the plan page is made from (the same values the CSV files hold).
pub struct PlanReport<'a> {
    /// Flows and posts by subject, counted from the plan (or added up by `merge`).
    pub tallies: &'a PlanTallies,
    pub rows: &'a [SchoolRow],
    pub summary: &'a Summary,
    pub reasons: &'a BTreeMap<Id<School>, Vec<ShortfallReason>>,
    /// The backbone share the rules ask for (0.20 in Nanchang), for the reference line.
    pub backbone_target: f64,
    /// The itinerant weekday grid, when the year has itinerant teaching (its figures
    /// are the summary's `itinerant`).
    pub itinerant: Option<&'a super::itinerant_page::ItinerantGrid>,
}

/// The plan page.
pub fn plan_page(r: &PlanReport, lang: Lang) -> Page {
    let t = |x: Text| x.get(lang).to_string();
    let s = r.summary;
    let fig = |c: Text, v: String, alert: bool| Figure {
        caption: t(c),
        value: v,
        alert,
    };
    let figures = vec![
        fig(Text::Eligible, s.totals.eligible.to_string(), false),
        fig(Text::Quota, s.totals.quota.to_string(), false),
        fig(Text::Sent, s.totals.sent.to_string(), false),
        fig(
            Text::BackboneSent,
            s.totals.backbone_sent.to_string(),
            false,
        ),
        fig(
            Text::Shortfall,
            s.totals.shortfall.to_string(),
            s.totals.shortfall > 0,
        ),
        fig(Text::Posts, s.totals.posts.to_string(), false),
        fig(Text::PostsFilled, s.totals.posts_filled.to_string(), false),
        fig(
            Text::Optimal,
            t(if s.optimal { Text::Yes } else { Text::No }),
            !s.optimal,
        ),
    ];
    let mut year_blocks = vec![Block::Figures(figures)];
    if !s.unproven.is_empty() {
        year_blocks.push(unproven_table(&s.unproven, lang));
    }
    let mut sections = vec![
        Section {
            heading: format!("{} {}", t(Text::Year), s.year),
            blocks: year_blocks,
        },
        Section {
            heading: t(Text::Flows),
            blocks: vec![
                Block::Chart(flow_chart(r, lang)),
                Block::Note(t(Text::FlowsNote)),
            ],
        },
        Section {
            heading: t(Text::Attainment),
            blocks: vec![
                Block::Chart(attainment_chart(r, lang)),
                Block::Note(t(Text::AttainmentNote)),
            ],
        },
        Section {
            heading: t(Text::BackboneShare),
            blocks: vec![Block::Chart(backbone_chart(r, lang))],
        },
        Section {
            heading: t(Text::PostsBySubject),
            blocks: vec![Block::Chart(subject_chart(r, lang))],
        },
        Section {
            heading: t(Text::Shortfalls),
            blocks: vec![shortfall_table(r, lang)],
        },
    ];
    if let Some(l) = &s.leaders {
        sections.push(leaders_section(l, lang));
    }
    sections.extend(super::steering_section::pins_section(
        &r.tallies.pins,
        &s.pins,
        (s.totals.shortfall, s.totals.filled_priority),
        lang,
    ));
    sections.extend(super::steering_section::wishes_section(
        &r.tallies.wishes,
        lang,
    ));
    if let (Some(grid), Some(f)) = (r.itinerant, &s.itinerant) {
        sections.push(super::itinerant_page::itinerant_section(grid, f, lang));
    }
    Page {
        lang,
        title: t(Text::PlanTitle),
        subtitle: format!(
            "{}: {} · {} {}",
            t(Text::Rules),
            s.rules_name,
            t(Text::Year),
            s.year
        ),
        sections,
        footer: t(Text::Generated),
    }
}

/// The leaders table (校长、副校长轮岗): eligible, moved, the shortfall they add under
/// mandatory rotation, leadership posts and posts filled.
fn leaders_section(l: &crate::stats::LeaderFigures, lang: Lang) -> Section {
    let p = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    Section {
        heading: p("校长、副校长轮岗", "School leaders"),
        blocks: vec![
            Block::Table {
                header: vec![
                    p("应交流校领导", "eligible leaders"),
                    p("已交流", "moved"),
                    p("强制轮岗", "mandatory"),
                    p("缺口", "shortfall"),
                    p("领导岗位", "leadership posts"),
                    p("已补岗位", "posts filled"),
                ],
                rows: vec![vec![
                    l.eligible.to_string(),
                    l.moved.to_string(),
                    p(
                        if l.mandatory { "是" } else { "否" },
                        if l.mandatory { "yes" } else { "no" },
                    ),
                    l.shortfall.to_string(),
                    l.posts.to_string(),
                    l.posts_filled.to_string(),
                ]],
            },
            Block::Note(p(
                "校长、副校长只补校长、副校长岗位；强制轮岗时每位未交流的应交流校领导计 1 个缺口，且不计入学校的限额和上限。",
                "Leaders fill leadership posts only; under mandatory rotation each eligible leader not moved adds 1 to shortfall, outside the school's quota and cap.",
            )),
        ],
    }
}

/// The components stopped by `--time-limit`: where, how far from the bound, what to do.
fn unproven_table(list: &[Unproven], lang: Lang) -> Block {
    let zh = lang == Lang::Zh;
    let header = if zh {
        [
            "未证明最优的部分（县区）",
            "学校",
            "缺口（下界）",
            "优先级（上界）",
            "可以怎么做",
        ]
    } else {
        [
            "not proven optimal (districts)",
            "schools",
            "shortfall (bound)",
            "priority filled (bound)",
            "what to do",
        ]
    };
    let bound = |v: u64, b: Option<u64>| match b {
        Some(b) => format!("{v} ({b})"),
        None => format!("{v} (?)"),
    };
    let remedy = |r: Remedy| match (r, zh) {
        (Remedy::RaiseTimeLimit, true) => "提高 --time-limit",
        (Remedy::RaiseTimeLimit, false) => "raise --time-limit",
        (Remedy::SameDistrict, true) => "flow.same_district = true（县区内交流）",
        (Remedy::SameDistrict, false) => "flow.same_district = true",
        (Remedy::SchoolBackboneLevel, true) => {
            "quota.backbone_share_level = \"school\"（按学校计骨干比例）"
        }
        (Remedy::SchoolBackboneLevel, false) => "quota.backbone_share_level = \"school\"",
    };
    let rows = list
        .iter()
        .map(|u| {
            vec![
                u.districts.join(if zh { "、" } else { ", " }),
                u.schools.to_string(),
                bound(u.shortfall, u.shortfall_bound),
                bound(u.filled_priority, u.filled_priority_bound),
                u.remedies
                    .iter()
                    .map(|&r| remedy(r))
                    .collect::<Vec<_>>()
                    .join(if zh { "；" } else { "; " }),
            ]
        })
        .collect();
    Block::Table {
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

fn flow_chart(r: &PlanReport, lang: Lang) -> String {
    let mut m: BTreeMap<(String, String), u64> = BTreeMap::new();
    let key = |(district, locality): &(String, String)| match lang {
        Lang::Zh => format!("{}·{}", district, locality_label(locality, true)),
        Lang::En => format!("{} · {}", district, locality_label(locality, false)),
    };
    for (from, to, n) in &r.tallies.flows {
        *m.entry((key(from), key(to))).or_default() += n;
    }
    let flows: Vec<Flow> = m
        .into_iter()
        .map(|((from, to), value)| Flow { from, to, value })
        .collect();
    sankey(&flows, 14, Text::Other.get(lang), Text::Flows.get(lang))
}

fn attainment_chart(r: &PlanReport, lang: Lang) -> String {
    let mut cols: Vec<(f64, &SchoolRow)> = r
        .rows
        .iter()
        .filter(|x| x.quota > 0)
        .map(|x| (f64::from(x.sent) / f64::from(x.quota), x))
        .collect();
    cols.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.school_id.cmp(&b.1.school_id)));
    let cols: Vec<Column> = cols
        .into_iter()
        .map(|(ratio, x)| Column {
            title: format!("{} ({}): {} / {}", x.school_id, x.district, x.sent, x.quota),
            ratio,
            alert: x.shortfall > 0,
        })
        .collect();
    columns(
        &cols,
        1.5,
        Text::Attainment.get(lang),
        Text::QuotaMet.get(lang),
    )
}

fn backbone_chart(r: &PlanReport, lang: Lang) -> String {
    let bars: Vec<Bar> = r
        .summary
        .by_district
        .iter()
        .map(|(d, f)| {
            let share = if f.sent > 0 {
                f64::from(f.backbone_sent) / f64::from(f.sent)
            } else {
                0.0
            };
            Bar {
                label: d.clone(),
                value: share,
                max: 1.0,
                alert: f.sent > 0 && share + 1e-9 < r.backbone_target,
                note: format!("{:.1}% ({}/{})", share * 100.0, f.backbone_sent, f.sent),
            }
        })
        .collect();
    let reference = format!("{:.0}%", r.backbone_target * 100.0);
    hbars(
        &bars,
        Some((r.backbone_target, &reference)),
        Text::BackboneShare.get(lang),
    )
}

fn subject_chart(r: &PlanReport, lang: Lang) -> String {
    let bars: Vec<Bar> = r
        .tallies
        .posts
        .iter()
        .map(|(subject, &(open, filled))| Bar {
            label: subject.clone(),
            value: filled as f64,
            max: open.max(filled) as f64,
            alert: filled < open,
            note: format!("{filled} / {open}"),
        })
        .collect();
    hbars(&bars, None, Text::PostsBySubject.get(lang))
}

fn shortfall_table(r: &PlanReport, lang: Lang) -> Block {
    let rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .enumerate()
        .filter(|(_, x)| x.shortfall > 0)
        .map(|(i, x)| {
            let why = r
                .reasons
                .get(&Id::new(i))
                .map(|v| {
                    v.iter()
                        .map(|z| reason_text(z, lang))
                        .collect::<Vec<_>>()
                        .join("；")
                })
                .unwrap_or_default();
            vec![
                x.school_id.clone(),
                x.district.clone(),
                format!("{} / {}", x.sent, x.quota),
                x.shortfall.to_string(),
                why,
            ]
        })
        .collect();
    if rows.is_empty() {
        return Block::Note(Text::NoShortfall.get(lang).to_string());
    }
    let t = |x: Text| x.get(lang).to_string();
    Block::Table {
        header: vec![
            t(Text::School),
            t(Text::District),
            format!("{} / {}", t(Text::Sent), t(Text::Quota)),
            t(Text::Shortfall),
            t(Text::Reasons),
        ],
        rows,
    }
}

/// A shortfall reason in words, with its values (the typed reason rendered).
pub fn reason_text(r: &ShortfallReason, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match r {
        ShortfallReason::CapBelowQuota { cap, quota } => {
            if zh {
                format!("交流上限 {cap} 低于应交流人数 {quota}")
            } else {
                format!("outflow cap {cap} is below the quota {quota}")
            }
        }
        ShortfallReason::NoAllowedPost { subjects } => {
            let list = subjects
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            if zh {
                format!("可去学校没有对应学科（{list}）的空岗")
            } else {
                format!("no allowed receiving school has an open post in {list}")
            }
        }
        ShortfallReason::PostsTaken { allowed_posts } => {
            if zh {
                format!("{allowed_posts} 个可去岗位已由更优先的交流占用")
            } else {
                format!(
                    "all {allowed_posts} allowed posts were taken by moves that counted for more"
                )
            }
        }
        ShortfallReason::BackboneTradeoff { eligible_backbone } => {
            if zh {
                format!("多派非骨干会造成同等骨干缺口（符合条件骨干 {eligible_backbone} 人）")
            } else {
                format!("sending more non-backbone teachers would open an equal backbone shortfall ({eligible_backbone} eligible backbone)")
            }
        }
        ShortfallReason::NoBackboneCandidate { eligible_backbone } => {
            if zh {
                format!("有可去岗位的符合条件骨干不足（{eligible_backbone} 人）")
            } else {
                format!(
                    "too few eligible backbone teachers with an allowed post ({eligible_backbone})"
                )
            }
        }
    }
}
