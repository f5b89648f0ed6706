//! The same explanations as [`super::render`], in Chinese, for the workspace's pages:
//! every [`Placement`], [`Reason`], wish outcome and change kind has its own arm (no
//! catch-all), so a new variant does not compile until it has its Chinese words. Ids,
//! names, subjects and numbers are the data's own; rule keys are named as in the rule
//! files, so a reader can find them there.

use super::{Placement, TeacherExplanation, WishNote, WishOutcome};
use crate::eligibility::Reason;
use crate::model::steering::PinAction;
use crate::model::{Dataset, Id, School, Teacher};
use crate::rules::{BackboneLevel, Rules};
use std::fmt::Write;

/// An eligibility reason in Chinese.
fn reason_text(r: &Reason) -> String {
    match r {
        Reason::Status { status } => format!("在岗状态“{}”不在可交流的状态之列", status.zh()),
        Reason::Role { role } => format!("岗位“{}”不在交流范围内", role.zh()),
        Reason::MinYearsAtSchool { years, min } => {
            format!("在本校任教 {years} 年，不足规定的 {min} 年")
        }
        Reason::NearRetirement {
            age,
            retirement_age,
            years_left,
            exempt,
        } => format!(
            "{age} 岁，{retirement_age} 岁退休：距退休还有 {years_left} 年，在退休前 {exempt} 年\
             的免交流期内"
        ),
        Reason::SendingLocality { locality } => match locality {
            Some(l) => format!("学校位于{}，按规则这类学校不派出", l.zh()),
            None => "教师所在学校不在学校文件中".to_string(),
        },
        Reason::WeakSchool => "所在学校是薄弱学校，按规则不派出".to_string(),
        Reason::OnExchange {
            to_school,
            start_year,
            end_year,
            status,
        } => format!(
            "正在交流：{start_year}–{end_year} 年到 {to_school}（台账状态：{}），本年度仍在期内",
            status.zh()
        ),
        Reason::MinYearsBetweenExchanges {
            end_year,
            years_since,
            min,
        } => format!(
            "上一次交流于 {end_year} 年结束，距今 {years_since} 年，不足两次交流之间规定的 {min} 年"
        ),
        Reason::Custom { id } => format!("符合自定义排除条件 `{id}`"),
        Reason::PinnedStay { row, note } if note.is_empty() => {
            format!("已锁定留任（pins 第 {row} 行）")
        }
        Reason::PinnedStay { row, note } => {
            format!("已锁定留任（pins 第 {row} 行：{note}）")
        }
    }
}

/// A rule of eligibility by its Chinese name (the ids of eligibility.csv).
fn check_name(id: &str) -> &'static str {
    match id {
        "status" => "在岗状态",
        "role" => "岗位",
        "min_years_at_school" => "本校任教年限",
        "near_retirement" => "临近退休",
        "sending_locality" => "学校城乡类型",
        "weak_school" => "薄弱学校",
        "on_exchange" => "正在交流",
        "min_years_between_exchanges" => "两次交流间隔",
        _ => "自定义排除条件",
    }
}

/// Teachers with what the plan's preference looks at (school, backbone, volunteer,
/// years at the school).
fn who_detail(data: &Dataset, year: i32, list: &[Id<Teacher>]) -> String {
    list.iter()
        .map(|&t| {
            let t = &data.teachers[t];
            let mut facts = vec![format!("来自 {}", t.school)];
            if t.is_backbone() {
                facts.push("骨干教师".into());
            }
            if t.volunteer {
                facts.push("自愿交流".into());
            }
            facts.push(format!("在校 {} 年", year - t.joined_school_year));
            format!("{} {}（{}）", t.id, t.name, facts.join("，"))
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn level_zh(l: BackboneLevel) -> &'static str {
    match l {
        BackboneLevel::School => "本校",
        BackboneLevel::District => "本区县",
        BackboneLevel::Plan => "全方案",
    }
}

fn pin_zh(a: &PinAction) -> String {
    match a {
        PinAction::Stay => "留任".to_string(),
        PinAction::Move => "必须交流".to_string(),
        PinAction::To(s) => format!("指定到学校 {s}"),
        PinAction::NotTo(s) => format!("不去学校 {s}"),
    }
}

/// What the near-retirement rule looked at; under the 2025 reform also the month the
/// teacher retires in.
fn retirement_text(rules: &Rules, t: &crate::model::Teacher, age: i32) -> String {
    let e = &rules.eligibility;
    let mut s = format!(
        "{age} 岁，退休年龄 {} 岁（退休前 {} 年内免交流）",
        rules.retirement_year(t) - t.birth_year,
        e.exempt_years_before_retirement
    );
    if e.retirement_reform_2025 {
        let (y, m) = crate::model::retirement::retirement_month(
            t.birth_year,
            t.birth_month,
            rules.original_retirement_age(t),
            true,
        );
        let _ = write!(
            s,
            "；{}-{:02} 出生，按 2025 年延迟退休改革于 {y}-{m:02} 退休",
            t.birth_year, t.birth_month
        );
    }
    s
}

/// The outcome of a teacher in the plan, in one paragraph.
fn placement_text(data: &Dataset, rules: &Rules, year: i32, p: &Placement) -> String {
    match p {
        Placement::NotEligible => "不符合交流条件，因此不安排交流。".to_string(),
        Placement::Placed {
            to,
            subject,
            priority,
            km,
            best_priority,
            alternatives,
        } => {
            let r = &data.schools[*to];
            let mut s = format!(
                "交流到 {} {}（{}，{}），填补 {} 岗位，岗位优先级 {priority}",
                r.id,
                r.name,
                r.district,
                r.locality.zh(),
                subject.zh()
            );
            if let Some(km) = km {
                let _ = write!(s, "，相距 {km:.1} 公里");
            }
            let _ = write!(
                s,
                "。为什么是这个岗位：方案先使缺口最小，再使所填岗位的优先级最高（此人可填的空缺岗位中\
                 最高优先级为 {best_priority}），再优先距离近的；另有 {alternatives} 个允许的岗位空缺。"
            );
            s
        }
        Placement::NoAllowedPost { blocked } => format!(
            "符合条件但未安排：本校可以派往的学校（同区县、流向、学段、距离等规则）中没有此人可任教学科的\
             空缺岗位；其他地方有 {blocked} 个合适的岗位，但被这些规则排除。"
        ),
        Placement::CapReached { cap, quota, went } => {
            let why = if cap == quota && !rules.quota.fill_beyond_quota {
                format!("任务数 {quota}：规则不允许超额派出（fill_beyond_quota 为否），上限即任务数")
            } else {
                format!("任务数 {quota}；上限为 max_outflow_share_of_staff × 在编人数")
            };
            format!(
                "符合条件但未安排：本校派出人数已达上限 {cap}（{why}），派出的是 {}——他们对方案目标\
                 （骨干比例、岗位优先级）更有利，其次按在校年限更长、年龄和工号排序。",
                who_detail(data, year, went)
            )
        }
        Placement::PostsTaken { posts, by } => {
            let total: u32 = posts.iter().map(|p| p.2).sum();
            let list: Vec<String> = posts
                .iter()
                .map(|(r, subj, n)| {
                    let id = &data.schools[*r].id;
                    if *n == 1 {
                        format!("{id} {}", subj.zh())
                    } else {
                        format!("{id} {} ×{n}", subj.zh())
                    }
                })
                .collect();
            format!(
                "符合条件但未安排：允许的 {total} 个合适学科的岗位（{}）都已由 {} 填补；他们对方案目标\
                 （所在学校的任务数和骨干比例，其次岗位优先级）更有利，其次按在校年限更长、年龄和工号排序。",
                list.join("，"),
                who_detail(data, year, by)
            )
        }
        Placement::BackboneShare {
            sent,
            backbone_sent,
            quota_gain,
            backbone_loss,
        } => format!(
            "符合条件但未安排：有空缺岗位，本校也未达上限，但骨干比例的统计范围（{}）已派出 {sent} 人，\
             其中骨干 {backbone_sent} 人；再派一名非骨干教师需要骨干 ceil({} × {}) 人，骨干缺口\
             增加 {backbone_loss}，而任务缺口只减少 {quota_gain}。",
            level_zh(rules.quota.backbone_share_level),
            rules.quota.min_backbone_share.decimal(),
            sent + 1
        ),
        Placement::NotProven { optimal: false } => "符合条件但未安排，虽然有允许的合适空缺岗位且本校\
             未达上限：求解在时间限制内未能证明最优，所以这个方案不一定是最好的（请放宽时间限制后重新计算）。"
            .to_string(),
        Placement::NotProven { optimal: true } => "符合条件但未安排，虽然有允许的合适空缺岗位且本校\
             未达上限，而方案报告为最优：这与目标矛盾（是程序缺陷，请连同数据报告给管理员）。"
            .to_string(),
    }
}

/// The school's id, or `?` for one not in schools.csv.
fn school_id(data: &Dataset, s: Option<Id<School>>) -> String {
    s.map_or_else(|| "?".to_string(), |s| data.schools[s].id.to_string())
}

/// One wish's outcome in words.
fn wish_text(data: &Dataset, year: i32, w: &WishNote) -> String {
    let id = school_id(data, w.school);
    let rank = w.rank;
    match &w.outcome {
        WishOutcome::Met => format!("第 {rank} 志愿 学校 {id}：已满足"),
        WishOutcome::NotEligible => {
            format!("第 {rank} 志愿 学校 {id}：本年度不符合交流条件（志愿不会促成交流）")
        }
        WishOutcome::NotAllowed => {
            format!("第 {rank} 志愿 学校 {id}：规则不允许这一流向（志愿不会放开规则禁止的交流）")
        }
        WishOutcome::NoOpenPost { subject } => {
            format!("第 {rank} 志愿 学校 {id}：没有{}的空缺岗位", subject.zh())
        }
        WishOutcome::Filled { subject, by } => format!(
            "第 {rank} 志愿 学校 {id}：{}的空缺岗位已由 {} 填补",
            subject.zh(),
            who_detail(data, year, by)
        ),
        WishOutcome::Outranked => format!(
            "第 {rank} 志愿 学校 {id}：有空缺岗位，但最优方案（先缺口，再优先级，再保留上一方案，\
             再照顾各人更靠前的志愿）把此人安排在别处或留在本校"
        ),
    }
}

/// The wishes and previous-plan lines.
fn steering_lines(o: &mut String, data: &Dataset, year: i32, x: &TeacherExplanation) {
    let met = x.wishes.iter().find(|w| w.outcome == WishOutcome::Met);
    match met {
        Some(m) => {
            let _ = writeln!(
                o,
                "志愿：按第 {} 志愿安排（{}）",
                m.rank,
                school_id(data, m.school)
            );
            for w in x.wishes.iter().filter(|w| w.rank < m.rank) {
                let _ = writeln!(o, "  {}", wish_text(data, year, w));
            }
        }
        None if !x.wishes.is_empty() => {
            let _ = writeln!(o, "志愿：未按任何志愿安排");
            for w in &x.wishes {
                let _ = writeln!(o, "  {}", wish_text(data, year, w));
            }
        }
        None => {}
    }
    if let Some(c) = &x.previous {
        use crate::plan::{ChangeKind, ChangeReason};
        let prev = c.previous_to.as_ref().map_or("", |s| s.as_str());
        let now = c.to.as_ref().map_or("", |s| s.as_str());
        let why = match &c.reason {
            ChangeReason::Rule { rule, .. } => format!("违反规则 `{rule}`（详见变化表）"),
            ChangeReason::Reoptimised => {
                "为整体更优而调整：它不违反任何规则，但最优方案（先缺口，再优先级）需要这样改"
                    .to_string()
            }
            ChangeReason::None => String::new(),
        };
        let line = match c.kind {
            ChangeKind::Kept => format!("保留上一方案的安排（到 {prev}）"),
            ChangeKind::Added => format!("新增：上一方案中没有此人（现到 {now}）"),
            ChangeKind::Dropped => format!("取消上一方案到 {prev} 的交流：{why}"),
            ChangeKind::Changed => format!("上一方案到 {prev} 改为到 {now}：{why}"),
        };
        let _ = writeln!(o, "上一方案：{line}");
    }
}

/// `explain --teacher` in Chinese.
pub fn render_teacher_zh(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    x: &TeacherExplanation,
) -> String {
    let t = &data.teachers[x.teacher];
    let mut o = String::new();
    let school = x.school.map(|s| &data.schools[s]);
    let _ = writeln!(
        o,
        "教师 {} {}（{}），学校 {} {}，方案年度 {year}",
        t.id,
        t.name,
        t.subject.zh(),
        t.school,
        school.map_or("", |s| s.name.as_str())
    );
    for p in &x.pins {
        let note = if p.note.is_empty() {
            String::new()
        } else {
            format!("：{}", p.note)
        };
        let _ = writeln!(
            o,
            "已锁定：{}（pins 第 {} 行{note}）",
            pin_zh(&p.action),
            p.row
        );
    }
    steering_lines(&mut o, data, year, x);
    let _ = writeln!(o, "交流资格：");
    let e = &rules.eligibility;
    let age = year - t.birth_year;
    let looked_at: [(&str, String); 8] = [
        ("status", format!("在岗状态：{}", t.status.zh())),
        ("role", format!("岗位：{}", t.role.zh())),
        (
            "min_years_at_school",
            format!(
                "在本校 {} 年（至少 {} 年）",
                year - t.joined_school_year,
                rules.min_years_at_school(t)
            ),
        ),
        ("near_retirement", retirement_text(rules, t, age)),
        (
            "sending_locality",
            format!("学校城乡类型：{}", school.map_or("?", |s| s.locality.zh())),
        ),
        (
            "weak_school",
            format!(
                "薄弱学校：{}",
                if school.is_some_and(|s| s.weak) {
                    "是"
                } else {
                    "否"
                }
            ),
        ),
        ("on_exchange", "查看台账中仍在期内的交流".to_string()),
        (
            "min_years_between_exchanges",
            format!("两次交流之间至少间隔 {} 年", e.min_years_between_exchanges),
        ),
    ];
    for (id, values) in looked_at {
        let failed: Vec<&Reason> = x.reasons.iter().filter(|r| r.id() == id).collect();
        if failed.is_empty() {
            let _ = writeln!(o, "  通过  {}：{values}", check_name(id));
        }
        for r in failed {
            let _ = writeln!(o, "  不符  {}：{}", check_name(id), reason_text(r));
        }
    }
    for c in &e.exclude {
        let failed = x.reasons.iter().any(|r| r.id() == c.id);
        let _ = writeln!(
            o,
            "  {}  自定义排除条件 `{}`",
            if failed { "不符" } else { "通过" },
            c.id
        );
    }
    let _ = writeln!(o, "结果：");
    let _ = writeln!(o, "  {}", placement_text(data, rules, year, &x.placement));
    if !x.leaders.is_empty() {
        let _ = writeln!(o, "本校领导（校领导轮岗）：");
        for l in &x.leaders {
            let t = &data.teachers[l.teacher];
            let outcome = match (&l.moved, l.eligible) {
                (Some((to, post)), _) => {
                    format!("交流到 {}（{}岗位）", data.schools[*to].id, post.zh())
                }
                (None, true) => "符合条件，未交流".to_string(),
                (None, false) => "不符合交流条件".to_string(),
            };
            let _ = writeln!(o, "  {} {} {}：{outcome}", t.id, t.name, l.role.zh());
        }
        if let Some(lr) = &rules.leaders {
            let _ = writeln!(
                o,
                "  校领导只填补领导岗位{}；须在本校任职满 {} 年{}。",
                if lr.promote {
                    "（副校长也可填补校长岗位）"
                } else {
                    ""
                },
                lr.min_years_at_school,
                if lr.mandatory {
                    "；必须交流：每名符合条件而未交流的校领导使缺口加 1，不占学校的任务数和上限"
                } else {
                    ""
                }
            );
        }
    }
    o
}

/// One eligibility reason in Chinese.
pub fn reason_text_zh(r: &Reason) -> String {
    reason_text(r)
}

/// A placement (placed, or why not) in Chinese.
pub fn placement_text_zh(data: &Dataset, rules: &Rules, year: i32, p: &Placement) -> String {
    placement_text(data, rules, year, p)
}

/// How one wish fared, in Chinese.
pub fn wish_text_zh(data: &Dataset, year: i32, w: &WishNote) -> String {
    wish_text(data, year, w)
}
