//! The report's words in Chinese and English. Every string a page prints comes from
//! [`Text`], so a page is complete in either language.

/// Report language (`--lang zh|en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A translatable string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    PlanTitle,
    Year,
    Rules,
    Eligible,
    Quota,
    Sent,
    BackboneSent,
    Shortfall,
    Posts,
    PostsFilled,
    Optimal,
    Yes,
    No,
    Flows,
    FlowsNote,
    Attainment,
    AttainmentNote,
    BackboneShare,
    PostsBySubject,
    Shortfalls,
    NoShortfall,
    School,
    District,
    Reasons,
    Other,
    QuotaMet,
    Generated,
    // Changes from a previous plan (`--previous`).
    Changes,
    ChangesNote,
    ChangeKept,
    ChangeAdded,
    ChangeDropped,
    ChangeChanged,
    Teacher,
    PreviousTo,
    NowTo,
    Change,
    Pins,
    PinsNote,
    Wishes,
    WishesNote,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Text::PlanTitle => ("教师交流轮岗年度方案", "Teacher exchange plan"),
            Text::Year => ("年度", "Year"),
            Text::Rules => ("规则", "Rules"),
            Text::Eligible => ("符合条件", "Eligible"),
            Text::Quota => ("应交流", "Quota"),
            Text::Sent => ("派出", "Sent"),
            Text::BackboneSent => ("派出骨干", "Backbone sent"),
            Text::Shortfall => ("缺口", "Shortfall"),
            Text::Posts => ("岗位", "Posts"),
            Text::PostsFilled => ("已补岗位", "Posts filled"),
            Text::Optimal => ("已证明最优", "Proven optimal"),
            Text::Yes => ("是", "yes"),
            Text::No => ("否", "no"),
            Text::Flows => (
                "交流流向（区县·城乡）",
                "Exchange flows (district · locality)",
            ),
            Text::FlowsNote => (
                "左：派出；右：接收；宽度为人数。",
                "Left: sending; right: receiving; width = teachers.",
            ),
            Text::Attainment => (
                "各校完成率（派出/应交流）",
                "Quota attainment per school (sent / quota)",
            ),
            Text::AttainmentNote => (
                "按完成率排序，红色为有缺口的学校。",
                "Sorted by attainment; red = school with a shortfall.",
            ),
            Text::BackboneShare => (
                "各区县派出骨干占比（目标 20%）",
                "Backbone share of those sent per district (target 20 %)",
            ),
            Text::PostsBySubject => ("各学科岗位补充情况", "Posts filled by subject"),
            Text::Shortfalls => ("缺口及原因", "Shortfalls and reasons"),
            Text::NoShortfall => ("无缺口。", "No shortfall."),
            Text::School => ("学校", "School"),
            Text::District => ("区县", "District"),
            Text::Reasons => ("原因", "Reasons"),
            Text::Other => ("其他", "other"),
            Text::QuotaMet => ("完成 100%", "100 % met"),
            Text::Pins => ("锁定（pins）", "Pins"),
            Text::PinsNote => (
                "方案在全部锁定下最优。每条锁定的代价：只去掉这一条锁定时缺口和已补优先岗位的变化（缺口为负、优先岗位为正表示这条锁定有代价；0 表示不影响最优）。",
                "The plan is optimal under all the pins. What a pin costs: the change in shortfall and in priority filled if that pin alone were dropped (a negative shortfall or positive priority change means the pin costs; 0: it does not change the optimum).",
            ),
            Text::Wishes => ("教师志愿", "Teachers' wishes"),
            Text::WishesNote => (
                "志愿不会让规则禁止的交流成为可能，也不会强制交流；按志愿序号统计去向为该志愿学校的交流教师。",
                "A wish never allows a move the rules forbid and never forces a move; counts of moved teachers placed at the school of each wish rank.",
            ),
            Text::Generated => (
                "由 rotaplan 生成；图表可离线查看与打印。",
                "Made by rotaplan; works offline and on paper.",
            ),
            Text::Changes => ("与上一方案相比", "Changes from the previous plan"),
            Text::ChangesNote => (
                "保留：同一教师去同一学校。取消或改派的原因：上一方案该条如今违反的规则，或 reoptimised（不违反规则，为缺口和岗位优先级让路）。",
                "Kept: same teacher, same host school. Reason of a dropped or changed move: the rule it breaks now, or reoptimised (it breaks none; the shortfall and posts' priority needed otherwise).",
            ),
            Text::ChangeKept => ("保留", "kept"),
            Text::ChangeAdded => ("新增", "added"),
            Text::ChangeDropped => ("取消", "dropped"),
            Text::ChangeChanged => ("改派", "changed"),
            Text::Teacher => ("教师", "Teacher"),
            Text::PreviousTo => ("上一方案去向", "Previously to"),
            Text::NowTo => ("本方案去向", "Now to"),
            Text::Change => ("变化", "Change"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A `--lang` value that is neither `zh` nor `en`; the message says what to write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {given:?}: write zh or en")]
pub struct UnknownLang {
    /// The value as given.
    pub given: String,
}

impl std::str::FromStr for Lang {
    type Err = UnknownLang;
    /// `zh` or `en`, in any case.
    fn from_str(s: &str) -> Result<Self, UnknownLang> {
        match s.to_ascii_lowercase().as_str() {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang {
                given: s.to_string(),
            }),
        }
    }
}

impl Lang {
    /// The Chinese or the English of a page-specific phrase. Pages written after the
    /// plan page use this for their own words (both languages are required at the call
    /// site, so a page stays complete in either language); shared words stay in [`Text`].
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Every language's name as `--lang` spells it.
    pub const NAMES: [&'static str; 2] = ["zh", "en"];

    /// The name `--lang` takes (`zh`, `en`).
    pub fn name(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` attribute of the page.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}
