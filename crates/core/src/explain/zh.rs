//! The explanations' words in Chinese, for the workspace's pages: every
//! [`super::Placement`], [`Reason`], wish outcome and change kind has its own arm or
//! method (no catch-all), so a new variant does not compile until it has its Chinese
//! words. Ids, names, subjects and numbers are the data's own; rule keys are named as
//! in the rule files, so a reader can find them there.

use super::phrases::{BackboneShare, Phrases, Trait};
use super::WishOutcome as O;
use crate::model::steering::{Pin, PinAction};
use crate::model::{LedgerStatus, Locality, Role, School, SchoolId, Status, Subject, Teacher};
use crate::plan::ChangeKind;
use crate::rules::{BackboneLevel, LeaderRules};

/// Chinese.
pub(super) struct Zh;

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

impl Phrases for Zh {
    const TEACHER_SEP: &'static str = "；";
    const ITEM_SEP: &'static str = "，";

    fn header(&self, t: &Teacher, school_name: &str, year: i32) -> String {
        format!(
            "教师 {} {}（{}），学校 {} {school_name}，方案年度 {year}",
            t.id,
            t.name,
            t.subject.zh(),
            t.school
        )
    }

    fn pin(&self, p: &Pin) -> String {
        let note = if p.note.is_empty() {
            String::new()
        } else {
            format!("：{}", p.note)
        };
        format!(
            "已锁定：{}（pins 第 {} 行{note}）",
            pin_zh(&p.action),
            p.row
        )
    }

    fn wishes_met(&self, rank: u8, school: &str) -> String {
        format!("志愿：按第 {rank} 志愿安排（{school}）")
    }

    fn wishes_unmet(&self) -> &'static str {
        "志愿：未按任何志愿安排"
    }

    fn wish_line(&self, wish: &str, _placed: bool) -> String {
        wish.to_string()
    }

    fn previous(&self, kind: ChangeKind, prev: &str, now: &str, why: &str) -> String {
        let line = match kind {
            ChangeKind::Kept => format!("保留上一方案的安排（到 {prev}）"),
            ChangeKind::Added => format!("新增：上一方案中没有此人（现到 {now}）"),
            ChangeKind::Dropped => format!("取消上一方案到 {prev} 的交流：{why}"),
            ChangeKind::Changed => format!("上一方案到 {prev} 改为到 {now}：{why}"),
        };
        format!("上一方案：{line}")
    }

    fn eligibility_heading(&self) -> &'static str {
        "交流资格："
    }

    fn check(&self, id: &str, passed: bool, text: &str) -> String {
        let verdict = if passed { "通过" } else { "不符" };
        format!("{verdict}  {}：{text}", check_name(id))
    }

    fn custom_check(&self, id: &str, failed: bool) -> String {
        let verdict = if failed { "不符" } else { "通过" };
        format!("{verdict}  自定义排除条件 `{id}`")
    }

    fn outcome_heading(&self) -> &'static str {
        "结果："
    }

    fn leaders_heading(&self) -> &'static str {
        "本校领导（校领导轮岗）："
    }

    fn leader(&self, t: &Teacher, role: Role, outcome: String) -> String {
        format!("{} {} {}：{outcome}", t.id, t.name, role.zh())
    }

    fn leader_rules(&self, lr: &LeaderRules) -> String {
        format!(
            "校领导只填补领导岗位{}；须在本校任职满 {} 年{}。",
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
        )
    }

    fn status_is(&self, t: &Teacher) -> String {
        format!("在岗状态：{}", t.status.zh())
    }

    fn role_is(&self, t: &Teacher) -> String {
        format!("岗位：{}", t.role.zh())
    }

    fn years_at_school_are(&self, years: i32, min: i32) -> String {
        format!("在本校 {years} 年（至少 {min} 年）")
    }

    fn retires_at(&self, age: i32, retirement_age: i32, exempt: i32) -> String {
        format!("{age} 岁，退休年龄 {retirement_age} 岁（退休前 {exempt} 年内免交流）")
    }

    fn retires_under_reform(&self, (by, bm): (i32, u8), (y, m): (i32, u8)) -> String {
        format!("；{by}-{bm:02} 出生，按 2025 年延迟退休改革于 {y}-{m:02} 退休")
    }

    fn locality_is(&self, school: Option<&School>) -> String {
        format!("学校城乡类型：{}", school.map_or("?", |s| s.locality.zh()))
    }

    fn weak_is(&self, weak: bool) -> String {
        format!("薄弱学校：{}", if weak { "是" } else { "否" })
    }

    fn exchanges_in_force(&self) -> &'static str {
        "查看台账中仍在期内的交流"
    }

    fn years_between_exchanges(&self, min: i32) -> String {
        format!("两次交流之间至少间隔 {min} 年")
    }

    fn status_not_eligible(&self, status: Status) -> String {
        format!("在岗状态“{}”不在可交流的状态之列", status.zh())
    }

    fn role_not_eligible(&self, role: Role) -> String {
        format!("岗位“{}”不在交流范围内", role.zh())
    }

    fn too_few_years_at_school(&self, years: i32, min: i32) -> String {
        format!("在本校任教 {years} 年，不足规定的 {min} 年")
    }

    fn near_retirement(&self, age: i32, retirement_age: i32, left: i32, exempt: i32) -> String {
        format!(
            "{age} 岁，{retirement_age} 岁退休：距退休还有 {left} 年，在退休前 {exempt} 年\
             的免交流期内"
        )
    }

    fn not_sending_locality(&self, locality: Option<Locality>) -> String {
        match locality {
            Some(l) => format!("学校位于{}，按规则这类学校不派出", l.zh()),
            None => "教师所在学校不在学校文件中".to_string(),
        }
    }

    fn weak_school(&self) -> &'static str {
        "所在学校是薄弱学校，按规则不派出"
    }

    fn on_exchange(&self, to: &SchoolId, (start, end): (i32, i32), status: LedgerStatus) -> String {
        format!(
            "正在交流：{start}–{end} 年到 {to}（台账状态：{}），本年度仍在期内",
            status.zh()
        )
    }

    fn too_soon_after_exchange(&self, end_year: i32, years_since: i32, min: i32) -> String {
        format!(
            "上一次交流于 {end_year} 年结束，距今 {years_since} 年，不足两次交流之间规定的 {min} 年"
        )
    }

    fn custom_exclusion(&self, id: &str) -> String {
        format!("符合自定义排除条件 `{id}`")
    }

    fn pinned_stay(&self, row: u32, note: &str) -> String {
        if note.is_empty() {
            format!("已锁定留任（pins 第 {row} 行）")
        } else {
            format!("已锁定留任（pins 第 {row} 行：{note}）")
        }
    }

    fn wish(&self, rank: u8, id: &str, outcome: &O, by: &str) -> String {
        match outcome {
            O::Met => format!("第 {rank} 志愿 学校 {id}：已满足"),
            O::NotEligible => {
                format!("第 {rank} 志愿 学校 {id}：本年度不符合交流条件（志愿不会促成交流）")
            }
            O::NotAllowed => format!(
                "第 {rank} 志愿 学校 {id}：规则不允许这一流向（志愿不会放开规则禁止的交流）"
            ),
            O::NoOpenPost { subject } => {
                format!("第 {rank} 志愿 学校 {id}：没有{}的空缺岗位", subject.zh())
            }
            O::Filled { subject, .. } => format!(
                "第 {rank} 志愿 学校 {id}：{}的空缺岗位已由 {by} 填补",
                subject.zh()
            ),
            O::Outranked => format!(
                "第 {rank} 志愿 学校 {id}：有空缺岗位，但最优方案（先缺口，再优先级，再保留上一方案，\
                 再照顾各人更靠前的志愿）把此人安排在别处或留在本校"
            ),
        }
    }

    fn changed_by_rule(&self, rule: &str, _detail: &str) -> String {
        format!("违反规则 `{rule}`（详见变化表）")
    }

    fn reoptimised(&self) -> &'static str {
        "为整体更优而调整：它不违反任何规则，但最优方案（先缺口，再优先级）需要这样改"
    }

    fn teacher_trait(&self, t: Trait) -> String {
        match t {
            Trait::From(school) => format!("来自 {school}"),
            Trait::Backbone => "骨干教师".to_string(),
            Trait::Volunteer => "自愿交流".to_string(),
            Trait::YearsAtSchool(n) => format!("在校 {n} 年"),
        }
    }

    fn teacher_with_traits(&self, t: &Teacher, traits: &str) -> String {
        format!("{} {}（{traits}）", t.id, t.name)
    }

    fn subject(&self, s: &Subject) -> String {
        s.zh().to_string()
    }

    fn leader_moved(&self, to: &SchoolId, post: &Subject) -> String {
        format!("交流到 {to}（{}岗位）", post.zh())
    }

    fn leader_not_moved(&self, eligible: bool) -> &'static str {
        if eligible {
            "符合条件，未交流"
        } else {
            "不符合交流条件"
        }
    }

    fn not_eligible(&self) -> &'static str {
        "不符合交流条件，因此不安排交流。"
    }

    fn placed(&self, r: &School, subject: &Subject, priority: u32, km: Option<f64>) -> String {
        let mut s = format!(
            "交流到 {} {}（{}，{}），填补 {} 岗位，岗位优先级 {priority}",
            r.id,
            r.name,
            r.district,
            r.locality.zh(),
            subject.zh()
        );
        if let Some(km) = km {
            s.push_str(&format!("，相距 {km:.1} 公里"));
        }
        s
    }

    fn why_this_post(&self, best_priority: u32, alternatives: u32) -> String {
        format!(
            "。为什么是这个岗位：方案先使缺口最小，再使所填岗位的优先级最高（此人可填的空缺岗位中\
             最高优先级为 {best_priority}），再优先距离近的；另有 {alternatives} 个允许的岗位空缺。"
        )
    }

    fn no_allowed_post(&self, blocked: u32) -> String {
        format!(
            "符合条件但未安排：本校可以派往的学校（同区县、流向、学段、距离等规则）中没有此人可任教学科的\
             空缺岗位；其他地方有 {blocked} 个合适的岗位，但被这些规则排除。"
        )
    }

    fn cap_is_quota(&self, quota: u32) -> String {
        format!("任务数 {quota}：规则不允许超额派出（fill_beyond_quota 为否），上限即任务数")
    }

    fn cap_by_share(&self, quota: u32) -> String {
        format!("任务数 {quota}；上限为 max_outflow_share_of_staff × 在编人数")
    }

    fn cap_reached(&self, cap: u32, why: &str, who: &str) -> String {
        format!(
            "符合条件但未安排：本校派出人数已达上限 {cap}（{why}），派出的是 {who}——他们对方案目标\
             （骨干比例、岗位优先级）更有利，其次按在校年限更长、年龄和工号排序。"
        )
    }

    fn posts_taken(&self, total: u32, posts: &str, who: &str) -> String {
        format!(
            "符合条件但未安排：允许的 {total} 个合适学科的岗位（{posts}）都已由 {who} 填补；他们对方案目标\
             （所在学校的任务数和骨干比例，其次岗位优先级）更有利，其次按在校年限更长、年龄和工号排序。"
        )
    }

    fn backbone_share(&self, b: BackboneShare) -> String {
        let (sent, backbone, share, next, loss, gain) = b.numbers();
        format!(
            "符合条件但未安排：有空缺岗位，本校也未达上限，但骨干比例的统计范围（{}）已派出 {sent} 人，\
             其中骨干 {backbone} 人；再派一名非骨干教师需要骨干 ceil({share} × {next}) 人，骨干缺口\
             增加 {loss}，而任务缺口只减少 {gain}。",
            level_zh(b.level)
        )
    }

    fn not_proven(&self, optimal: bool) -> &'static str {
        if optimal {
            "符合条件但未安排，虽然有允许的合适空缺岗位且本校\
             未达上限，而方案报告为最优：这与目标矛盾（是程序缺陷，请连同数据报告给管理员）。"
        } else {
            "符合条件但未安排，虽然有允许的合适空缺岗位且本校\
             未达上限：求解在时间限制内未能证明最优，所以这个方案不一定是最好的（请放宽时间限制后重新计算）。"
        }
    }
}
