//! The itinerant-teaching (走教) section of the plan report and its workbook sheets:
//! per township, a weekday × host-school grid of who gives which lessons where
//! (`王芳 音乐 2`), the township's totals, and the lessons still uncovered with their
//! reasons. Districts are grouped and every township folds into a `<details>`, so a
//! city of some seventy townships stays one readable page.
//!
//! [`ItinerantGrid`] is data (made from the itinerant plan and the roster, or added up
//! by `merge` from the shards' report inputs); [`itinerant_section`] and
//! [`grid_rows`] render it.

use super::i18n::{Lang, Text};
use super::page::{Block, Figure, Page, Section};
use crate::itinerant::{ItinerantFigures, ItinerantPlan, UncoveredReason};
use crate::model::{Dataset, Id, School, KNOWN_SUBJECTS};
use crate::rules::{Rules, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Lessons given at one host school on one weekday by one teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridLesson {
    pub teacher: String,
    /// Empty when redacted (the id, a pseudonym, is shown then).
    pub name: String,
    pub subject: String,
    pub periods: u32,
}

/// One host school of a township: its lessons by weekday (one list per grid day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRow {
    pub school: String,
    pub name: String,
    pub cells: Vec<Vec<GridLesson>>,
    /// Itinerant lessons the school asked for (itinerant_needs.csv).
    pub needed: u32,
}

/// Lessons a school still lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridUncovered {
    pub school: String,
    pub name: String,
    pub subject: String,
    pub periods: u32,
    pub reason: UncoveredReason,
}

/// One township (or, for a school without a township, its district's rest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridUnit {
    pub district: String,
    /// Empty for schools without a township.
    pub township: String,
    pub rows: Vec<GridRow>,
    pub uncovered: Vec<GridUncovered>,
    /// Distinct teachers giving lessons in the township.
    pub teachers: u32,
}

impl GridUnit {
    pub fn covered(&self) -> u32 {
        self.rows
            .iter()
            .flat_map(|r| r.cells.iter().flatten())
            .map(|l| l.periods)
            .sum()
    }

    pub fn needed(&self) -> u32 {
        self.rows.iter().map(|r| r.needed).sum()
    }

    pub fn uncovered_periods(&self) -> u32 {
        self.uncovered.iter().map(|u| u.periods).sum()
    }
}

/// The whole grid of a plan year: townships by (district, township).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItinerantGrid {
    /// The weekdays of the programs (their union), Monday first.
    pub days: Vec<Weekday>,
    pub units: Vec<GridUnit>,
}

impl ItinerantGrid {
    /// The grid of `plan` (teacher ids as in `data`: pass the redacted roster and the
    /// plan with its ids, see [`ItinerantPlan::with_ids_of`]).
    pub fn new(data: &Dataset, rules: &Rules, plan: &ItinerantPlan) -> ItinerantGrid {
        let days: Vec<Weekday> = Weekday::ALL
            .into_iter()
            .filter(|d| rules.itinerant.programs.iter().any(|p| p.days.contains(d)))
            .collect();
        let day_at = |d: Weekday| days.iter().position(|x| *x == d);
        let school_idx: HashMap<&str, Id<School>> = data.school_positions();
        let names: HashMap<&str, &str> = data
            .teachers
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str()))
            .collect();
        let mut needed: BTreeMap<Id<School>, u32> = BTreeMap::new();
        for n in &data.itinerant.needs {
            if let Some(&i) = school_idx.get(n.school.as_str()) {
                *needed.entry(i).or_default() += n.periods;
            }
        }
        // Host schools by input order, each with its lessons by day.
        let mut rows: BTreeMap<Id<School>, GridRow> = BTreeMap::new();
        let row_of = |i: Id<School>| GridRow {
            school: data.school(i).id.to_string(),
            name: data.school(i).name.clone(),
            cells: vec![Vec::new(); days.len()],
            needed: 0,
        };
        for (&i, &n) in &needed {
            rows.entry(i).or_insert_with(|| row_of(i)).needed = n;
        }
        let mut teachers: BTreeMap<Id<School>, BTreeSet<&str>> = BTreeMap::new();
        for l in &plan.lessons {
            let (Some(&h), Some(d)) = (school_idx.get(l.host.as_str()), day_at(l.weekday)) else {
                continue;
            };
            rows.entry(h).or_insert_with(|| row_of(h)).cells[d].push(GridLesson {
                teacher: l.teacher.to_string(),
                name: names
                    .get(l.teacher.as_str())
                    .copied()
                    .unwrap_or("")
                    .to_string(),
                subject: l.subject.to_string(),
                periods: l.periods,
            });
            teachers.entry(h).or_default().insert(l.teacher.as_str());
        }
        let key = |i: Id<School>| {
            let s = data.school(i);
            (s.district.clone(), s.township.clone().unwrap_or_default())
        };
        let mut units: BTreeMap<(String, String), GridUnit> = BTreeMap::new();
        let mut unit_teachers: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
        let unit = |k: &(String, String)| GridUnit {
            district: k.0.clone(),
            township: k.1.clone(),
            rows: Vec::new(),
            uncovered: Vec::new(),
            teachers: 0,
        };
        for (i, row) in rows {
            let k = key(i);
            if let Some(t) = teachers.get(&i) {
                unit_teachers.entry(k.clone()).or_default().extend(t);
            }
            units
                .entry(k.clone())
                .or_insert_with(|| unit(&k))
                .rows
                .push(row);
        }
        for u in &plan.uncovered {
            let Some(&i) = school_idx.get(u.school.as_str()) else {
                continue;
            };
            let k = key(i);
            units
                .entry(k.clone())
                .or_insert_with(|| unit(&k))
                .uncovered
                .push(GridUncovered {
                    school: u.school.to_string(),
                    name: data.schools[i].name.clone(),
                    subject: u.subject.to_string(),
                    periods: u.periods,
                    reason: u.reason.clone(),
                });
        }
        for (k, u) in &mut units {
            u.teachers = unit_teachers
                .get(k)
                .map_or(0, |t| u32::try_from(t.len()).unwrap_or(u32::MAX));
        }
        ItinerantGrid {
            days,
            units: units.into_values().collect(),
        }
    }

    /// The grids of shards (disjoint districts) as one run makes them.
    pub fn merge<'a>(parts: impl Iterator<Item = &'a ItinerantGrid>) -> ItinerantGrid {
        let mut days: BTreeSet<Weekday> = BTreeSet::new();
        let mut units: Vec<GridUnit> = Vec::new();
        for p in parts {
            days.extend(p.days.iter().copied());
            units.extend(p.units.iter().cloned());
        }
        units.sort_by(|a, b| (&a.district, &a.township).cmp(&(&b.district, &b.township)));
        ItinerantGrid {
            days: days.into_iter().collect(),
            units,
        }
    }
}

/// A subject as the reader's language names it.
pub fn subject_label(subject: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => KNOWN_SUBJECTS
            .iter()
            .find(|(en, _)| *en == subject)
            .map_or(subject, |(_, zh)| zh)
            .to_string(),
        Lang::En => subject.to_string(),
    }
}

fn day_label(d: Weekday, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => d.zh(),
        Lang::En => match d {
            Weekday::Mon => "Mon",
            Weekday::Tue => "Tue",
            Weekday::Wed => "Wed",
            Weekday::Thu => "Thu",
            Weekday::Fri => "Fri",
        },
    }
}

/// One lesson of a cell: `王芳 音乐 2` (the teacher's id when the name is empty).
pub fn lesson_text(l: &GridLesson, lang: Lang) -> String {
    let who = if l.name.is_empty() {
        &l.teacher
    } else {
        &l.name
    };
    format!("{who} {} {}", subject_label(&l.subject, lang), l.periods)
}

/// The lessons of a cell, one per line in the report, `；`-separated in the workbook.
fn cell_text(lessons: &[GridLesson], lang: Lang, sep: &str) -> String {
    lessons
        .iter()
        .map(|l| lesson_text(l, lang))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The separator of lessons in a workbook grid cell.
pub const CELL_SEP: &str = "；";

/// An uncovered reason in words, with its values.
pub fn uncovered_text(r: &UncoveredReason, lang: Lang) -> String {
    if lang == Lang::En {
        return r.detail();
    }
    match r {
        UncoveredReason::NoProgram => "没有走教项目覆盖此学科".to_string(),
        UncoveredReason::NoTownship => "学校未填乡镇，而只有乡镇内走教项目覆盖此学科".to_string(),
        UncoveredReason::NoTeacher => {
            "本乡镇（县区）其他学校没有此学科有富余课时的教师".to_string()
        }
        UncoveredReason::Unavailable { teachers } => {
            format!("{teachers} 位有富余课时的教师不能参加（状态、本年交流在外或项目条件）")
        }
        UncoveredReason::TooFar {
            teachers,
            nearest_m,
            max_km,
        } => format!(
            "{teachers} 位可参加的教师最近也有 {:.1} 公里（上限 {max_km} 公里）",
            *nearest_m as f64 / 1000.0
        ),
        UncoveredReason::CapacityUsed { teachers } => {
            format!("可到达的 {teachers} 位教师在最优安排中已无富余课时、空闲日或学校名额")
        }
    }
}

fn unit_title(u: &GridUnit, lang: Lang) -> String {
    if u.township.is_empty() {
        lang.pick("（未填乡镇的学校）", "(schools without a township)")
            .to_string()
    } else {
        u.township.clone()
    }
}

/// The itinerant section of a report: the year's figures, a table per district, and
/// per township (folded) the weekday grid with totals and the uncovered lessons.
pub fn itinerant_section(grid: &ItinerantGrid, f: &ItinerantFigures, lang: Lang) -> Section {
    let p = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let uncovered = f.periods_needed.saturating_sub(f.periods_covered);
    let fig = |caption: String, value: String, alert: bool| Figure {
        caption,
        value,
        alert,
    };
    let mut blocks = vec![
        Block::Figures(vec![
            fig(p("走教教师（人次）", "itinerant teachers (person-times)"), f.teachers.to_string(), false),
            fig(p("需要课时/周", "periods needed a week"), f.periods_needed.to_string(), false),
            fig(p("已安排课时/周", "periods covered a week"), f.periods_covered.to_string(), false),
            fig(p("未覆盖课时/周", "periods uncovered a week"), uncovered.to_string(), uncovered > 0),
            fig(p("乡镇（县区）", "townships (districts)"), f.units.to_string(), false),
            fig(
                Text::Optimal.get(lang).to_string(),
                (if f.optimal { Text::Yes } else { Text::No }).get(lang).to_string(),
                !f.optimal,
            ),
        ]),
        Block::Note(p(
            "每位走教教师计 1 人次（交流形式“走教”）。下表按区县、乡镇列出每所学校每周各天的走教课：“姓名 学科 课时”。点开乡镇查看课表与未覆盖的课。",
            "Each itinerant teacher is one person-time of form `itinerant`. Below, per district and township, each school's itinerant lessons by weekday: “name subject periods”. Open a township for its timetable and the lessons left uncovered.",
        )),
    ];
    // Per district: townships, teachers, periods.
    let mut by_district: BTreeMap<&str, Vec<&GridUnit>> = BTreeMap::new();
    for u in &grid.units {
        by_district.entry(u.district.as_str()).or_default().push(u);
    }
    let district_rows: Vec<Vec<String>> = by_district
        .iter()
        .map(|(d, us)| {
            let sum = |g: &dyn Fn(&GridUnit) -> u32| us.iter().map(|u| g(u)).sum::<u32>();
            vec![
                (*d).to_string(),
                us.iter()
                    .filter(|u| !u.township.is_empty())
                    .count()
                    .to_string(),
                sum(&|u| u.teachers).to_string(),
                sum(&GridUnit::needed).to_string(),
                sum(&GridUnit::covered).to_string(),
                sum(&GridUnit::uncovered_periods).to_string(),
            ]
        })
        .collect();
    let dh = vec![
        Text::District.get(lang).to_string(),
        p("乡镇", "townships"),
        p("走教教师", "teachers"),
        p("需要课时", "needed"),
        p("已安排", "covered"),
        p("未覆盖", "uncovered"),
    ];
    blocks.push(Block::Table {
        header: dh,
        rows: district_rows,
    });
    // Small plans show their townships open.
    let open = grid.units.len() <= 3;
    for (d, us) in by_district {
        blocks.push(Block::Subheading(d.to_string()));
        for u in us {
            blocks.push(Block::Details {
                summary: format!(
                    "{} — {} {} / {} · {} {} · {} {}",
                    unit_title(u, lang),
                    p("已安排", "covered"),
                    u.covered(),
                    u.needed(),
                    u.teachers,
                    p("位教师", "teachers"),
                    p("未覆盖", "uncovered"),
                    u.uncovered_periods()
                ),
                open,
                blocks: unit_blocks(grid, u, lang),
            });
        }
    }
    Section {
        heading: p("走教（乡镇内紧缺学科）", "Itinerant teaching (走教)"),
        blocks,
    }
}

/// A township's grid table (with its totals row) and its uncovered lessons.
fn unit_blocks(grid: &ItinerantGrid, u: &GridUnit, lang: Lang) -> Vec<Block> {
    let p = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let mut header = vec![Text::School.get(lang).to_string()];
    header.extend(grid.days.iter().map(|d| day_label(*d, lang).to_string()));
    header.extend([p("已安排课时", "covered"), p("需要课时", "needed")]);
    let mut rows: Vec<Vec<String>> = u
        .rows
        .iter()
        .map(|r| {
            let mut v = vec![format!("{} {}", r.name, r.school).trim().to_string()];
            v.extend(r.cells.iter().map(|c| cell_text(c, lang, "\n")));
            let covered: u32 = r.cells.iter().flatten().map(|l| l.periods).sum();
            v.extend([covered.to_string(), r.needed.to_string()]);
            v
        })
        .collect();
    let mut total = vec![p("合计", "total")];
    total.extend((0..grid.days.len()).map(|d| {
        u.rows
            .iter()
            .filter_map(|r| r.cells.get(d))
            .flatten()
            .map(|l| l.periods)
            .sum::<u32>()
            .to_string()
    }));
    total.extend([u.covered().to_string(), u.needed().to_string()]);
    rows.push(total);
    let mut out = vec![Block::Table { header, rows }];
    if u.uncovered.is_empty() {
        out.push(Block::Note(p("全部覆盖。", "Every lesson is covered.")));
    } else {
        out.push(Block::Table {
            header: vec![
                p("未覆盖的学校", "uncovered at"),
                p("学科", "subject"),
                p("课时/周", "periods a week"),
                Text::Reasons.get(lang).to_string(),
            ],
            rows: u
                .uncovered
                .iter()
                .map(|x| {
                    vec![
                        format!("{} {}", x.name, x.school).trim().to_string(),
                        subject_label(&x.subject, lang),
                        x.periods.to_string(),
                        uncovered_text(&x.reason, lang),
                    ]
                })
                .collect(),
        });
    }
    out
}

/// The workbook's 走教安排 sheet: its columns, then one row per host school (by
/// district and township), the lessons of a day `；`-separated.
pub fn grid_header(grid: &ItinerantGrid) -> Vec<&'static str> {
    let mut h = vec!["district", "township", "host_school", "school_name"];
    h.extend(grid.days.iter().map(|d| d.as_str()));
    h.extend(["periods_covered", "periods_needed", "periods_uncovered"]);
    h
}

/// The rows of [`grid_header`] (lesson texts in Chinese, as the workbook is).
pub fn grid_rows(grid: &ItinerantGrid) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for u in &grid.units {
        let mut lacking: HashMap<&str, u32> = HashMap::new();
        for x in &u.uncovered {
            *lacking.entry(x.school.as_str()).or_default() += x.periods;
        }
        for r in &u.rows {
            let mut v = vec![
                u.district.clone(),
                u.township.clone(),
                r.school.clone(),
                r.name.clone(),
            ];
            v.extend(r.cells.iter().map(|c| cell_text(c, Lang::Zh, CELL_SEP)));
            let covered: u32 = r.cells.iter().flatten().map(|l| l.periods).sum();
            v.extend([
                covered.to_string(),
                r.needed.to_string(),
                lacking
                    .get(r.school.as_str())
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            ]);
            out.push(v);
        }
    }
    out
}

/// The `itinerant` command's page: the section alone.
pub fn itinerant_page(
    grid: &ItinerantGrid,
    f: &ItinerantFigures,
    rules_name: &str,
    year: i32,
    lang: Lang,
) -> Page {
    let t = |x: Text| x.get(lang).to_string();
    Page {
        lang,
        title: lang
            .pick(
                "走教安排（按乡镇、星期）",
                "Itinerant teaching by township and weekday",
            )
            .to_string(),
        subtitle: format!(
            "{}: {rules_name} · {} {year}",
            t(Text::Rules),
            t(Text::Year)
        ),
        sections: vec![itinerant_section(grid, f, lang)],
        footer: t(Text::Generated),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::report::page::Page;
    use crate::report::snapshot::snapshot;

    fn lesson(name: &str, subject: &str, periods: u32) -> GridLesson {
        GridLesson {
            teacher: format!("T-{name}"),
            name: name.to_string(),
            subject: subject.to_string(),
            periods,
        }
    }

    /// Two districts; one township with two hosts (one lacking art), one without a
    /// township and a redacted teacher.
    fn grid() -> ItinerantGrid {
        let days = vec![Weekday::Tue, Weekday::Thu];
        ItinerantGrid {
            days,
            units: vec![
                GridUnit {
                    district: "进贤县".into(),
                    township: "小河镇".into(),
                    rows: vec![
                        GridRow {
                            school: "V1".into(),
                            name: "东村小学".into(),
                            cells: vec![
                                vec![lesson("王芳", "music", 2), lesson("李四", "english", 1)],
                                vec![],
                            ],
                            needed: 3,
                        },
                        GridRow {
                            school: "V2".into(),
                            name: "西村小学".into(),
                            cells: vec![vec![], vec![lesson("王芳", "music", 3)]],
                            needed: 5,
                        },
                    ],
                    uncovered: vec![GridUncovered {
                        school: "V2".into(),
                        name: "西村小学".into(),
                        subject: "art".into(),
                        periods: 2,
                        reason: UncoveredReason::TooFar {
                            teachers: 1,
                            nearest_m: 17_260,
                            max_km: 15.0,
                        },
                    }],
                    teachers: 2,
                },
                GridUnit {
                    district: "南昌县".into(),
                    township: String::new(),
                    rows: vec![GridRow {
                        school: "X9".into(),
                        name: String::new(),
                        cells: vec![
                            vec![GridLesson {
                                teacher: "0a1b2c3d4e5f6a7b".into(),
                                name: String::new(),
                                subject: "psychology".into(),
                                periods: 1,
                            }],
                            vec![],
                        ],
                        needed: 1,
                    }],
                    uncovered: vec![],
                    teachers: 1,
                },
            ],
        }
    }

    fn figures() -> ItinerantFigures {
        ItinerantFigures {
            teachers: 3,
            periods_needed: 9,
            periods_covered: 7,
            optimal: true,
            travel_m: 20_000,
            units: 2,
        }
    }

    /// The section alone, as the page renders it.
    fn section_html(lang: Lang) -> String {
        Page {
            lang,
            title: String::new(),
            subtitle: String::new(),
            sections: vec![itinerant_section(&grid(), &figures(), lang)],
            footer: String::new(),
        }
        .render()
        .split("<section>")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap()
        .to_string()
    }

    #[test]
    fn section_snapshot_in_both_languages() {
        let zh = section_html(Lang::Zh);
        assert!(zh.contains("王芳 音乐 2\n李四 英语 1"));
        assert!(
            zh.contains("0a1b2c3d4e5f6a7b 心理健康 1"),
            "redacted: the id"
        );
        assert!(zh.contains("17.3 公里"));
        snapshot("itinerant_section_zh", &zh);
        let en = section_html(Lang::En);
        assert!(en.contains("王芳 music 2"));
        assert!(en.contains("(schools without a township)"));
        snapshot("itinerant_section_en", &en);
    }

    #[test]
    fn workbook_grid_rows_carry_cells_and_totals() {
        let g = grid();
        assert_eq!(
            grid_header(&g),
            vec![
                "district",
                "township",
                "host_school",
                "school_name",
                "tue",
                "thu",
                "periods_covered",
                "periods_needed",
                "periods_uncovered"
            ]
        );
        let rows = grid_rows(&g);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][4], "王芳 音乐 2；李四 英语 1");
        assert_eq!(rows[1][5..], ["王芳 音乐 3", "3", "5", "2"]);
        assert_eq!(rows[2][1], "");
    }

    #[test]
    fn shard_grids_merge_in_district_order() {
        let g = grid();
        let a = ItinerantGrid {
            days: vec![Weekday::Tue],
            units: vec![g.units[0].clone()],
        };
        let b = ItinerantGrid {
            days: vec![Weekday::Thu, Weekday::Tue],
            units: vec![g.units[1].clone()],
        };
        let m = ItinerantGrid::merge([&a, &b].into_iter());
        assert_eq!(m.days, vec![Weekday::Tue, Weekday::Thu]);
        let order: Vec<&str> = m.units.iter().map(|u| u.district.as_str()).collect();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(order, sorted);
        let json = serde_json::to_string(&m).unwrap();
        let back: ItinerantGrid = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m, "round trip through shard.json");
    }
}
