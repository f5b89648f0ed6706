//! The pages' words, in Chinese (the default) and English, and time formatting. One
//! table: every key has both languages (a unit test checks the templates use no key
//! missing here).

use crate::input::InputErrorKind;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// (key, Chinese, English).
const WORDS: &[(&str, &str, &str)] = &[
    ("app", "教师交流轮岗工作台", "Teacher exchange workspace"),
    ("login", "登录", "Log in"),
    ("logout", "退出", "Log out"),
    ("name", "用户名", "User name"),
    ("password", "密码", "Password"),
    ("login_help", "请输入管理员为您开设的账号。连续输错 5 次后需等待 15 分钟。", "Use the account your administrator made for you. After 5 wrong passwords, wait 15 minutes."),
    ("login_failed", "用户名或密码错误。", "Wrong user name or password."),
    ("throttled", "登录失败次数过多，请稍后再试（秒）：", "Too many failed logins; try again in (seconds): "),
    ("datasets", "数据", "Data"),
    ("audit", "操作记录", "Audit log"),
    ("upload", "上传数据", "Upload data"),
    ("upload_help", "每类文件选一个 Excel（.xlsx）或 CSV 文件。学校、教师、岗位需求三个文件必填，其余可选。文件有误时下表列出每个错误（文件、行、列），改正后重新上传，出错时什么都不会保存。", "Choose one Excel (.xlsx) or CSV file per kind. Schools, teachers and needs are required, the rest optional. If a file has problems, the table below lists every one (file, row, column): fix them and upload again; nothing is stored on error."),
    ("dataset_name", "数据名称（可不填）", "Name (optional)"),
    ("role_schools", "学校", "Schools"),
    ("role_teachers", "教师", "Teachers"),
    ("role_needs", "岗位需求", "Needs"),
    ("role_ledger", "交流台账", "Ledger"),
    ("role_evaluators", "评审专家", "Evaluators"),
    ("role_pins", "锁定/排除", "Pins"),
    ("role_wishes", "志愿", "Wishes"),
    ("role_itinerant_needs", "走教需求", "Itinerant needs"),
    ("required", "必填", "required"),
    ("errors", "发现以下问题，未保存任何数据：", "Problems found; nothing was stored:"),
    ("file", "文件", "File"),
    ("row", "行", "Row"),
    ("column", "列", "Column"),
    ("value", "值", "Value"),
    ("message", "问题及改法", "Problem and fix"),
    ("no_datasets", "还没有数据，请先上传。", "No data yet: upload some first."),
    ("districts", "区县", "Districts"),
    ("uploaded_by", "上传人", "Uploaded by"),
    ("time", "时间", "Time"),
    ("counts", "条数", "Rows"),
    ("files", "文件", "Files"),
    ("version", "版本", "Version"),
    ("size", "大小（字节）", "Size (bytes)"),
    ("original_name", "上传时的文件名", "Name when uploaded"),
    ("new_plan", "制定交流方案", "Make a plan"),
    ("plan_help", "选择规则和年度，点击“开始”。方案在后台计算，可随时取消。常用参数留空即按规则文件的值。", "Choose the rules and the year and press Start. The plan runs in the background and can be cancelled. Leave a value empty to keep the rule file's."),
    ("rules", "规则", "Rules"),
    ("rules_toml", "或粘贴规则文件（TOML），优先于上面的选择", "Or paste a rule file (TOML); it replaces the choice above"),
    ("year", "年度", "Year"),
    ("previous", "参照上一方案（尽量少改动）", "Keep close to an earlier plan"),
    ("none", "无", "none"),
    ("start", "开始", "Start"),
    ("set_min_years", "同校任教满几年须交流", "Years at a school before exchange"),
    ("set_share", "交流比例下限（如 0.10）", "Minimum share exchanged (e.g. 0.10)"),
    ("set_backbone", "骨干教师比例下限（如 0.20）", "Minimum backbone share (e.g. 0.20)"),
    ("set_cap", "派出上限占编制比例（如 0.15）", "Outflow cap, share of staff (e.g. 0.15)"),
    ("set_distance", "最远距离（公里）", "Largest distance (km)"),
    ("plans", "方案", "Plans"),
    ("plan", "方案", "Plan"),
    ("status", "状态", "Status"),
    ("st_queued", "排队中", "queued"),
    ("st_running", "计算中", "running"),
    ("st_done", "已完成", "done"),
    ("st_failed", "失败", "failed"),
    ("st_cancelled", "已取消", "cancelled"),
    ("progress", "进度", "Progress"),
    ("cancel", "取消", "Cancel"),
    ("rerun", "重新计算", "Run again"),
    ("rerun_help", "用当前的数据和锁定/排除重新计算一次，参数不变。", "Run again with the current data and pins, same values."),
    ("figures", "主要数字", "Figures"),
    ("downloads", "下载", "Downloads"),
    ("table", "交流名单", "The plan"),
    ("search", "搜索（工号、姓名、学校……）", "Search (id, name, school…)"),
    ("filter_district", "全部区县", "All districts"),
    ("pins", "锁定与排除", "Pins"),
    ("pins_help", "锁定：此人按本方案去这所学校；留任：此人不交流；不去：此人不去这所学校。保存后点“重新计算”。", "Lock: this teacher goes to this school; keep: this teacher stays; not to: never to this school. Then press Run again."),
    ("lock", "锁定", "Lock"),
    ("keep", "留任", "Keep"),
    ("not_to", "不去", "Not to"),
    ("pins_upload", "上传 pins.csv 替换全部锁定", "Upload a pins.csv replacing all pins"),
    ("save", "保存", "Save"),
    ("error", "错误", "Error"),
    ("user", "用户", "User"),
    ("action", "操作", "Action"),
    ("detail", "内容", "Detail"),
    ("back", "返回", "Back"),
    ("not_found", "没有找到，或您无权查看。", "Not found, or not yours to see."),
    ("forbidden", "请求被拒绝（页面已过期？请刷新后重试）。", "Refused (the page expired? reload it and try again)."),
    ("view", "查看", "View"),
    ("teacher", "教师", "Teacher"),
    ("from", "派出学校", "From"),
    ("to", "接收学校", "To"),
    ("subject", "学科", "Subject"),
    ("district", "区县", "District"),
    // The views: horizon, progress, compare.
    ("views", "测算与对比", "Forecasts & comparisons"),
    ("views_help", "五年规划测算（能否完成交流目标、还差什么）、进度（台账实绩与预测）和多方案对比。请在数据页面选择数据后开始。", "Period forecasts (will the target be met, and what it would take), progress (ledger actuals and forecast) and comparisons of rule variants. Start one from a dataset's page."),
    ("no_views", "还没有测算或对比。", "No forecasts or comparisons yet."),
    ("kind", "类型", "Kind"),
    ("dataset", "数据", "Data"),
    ("values", "参数", "Values"),
    ("view_horizon", "规划期测算", "Horizon"),
    ("view_progress", "完成进度", "Progress"),
    ("view_compare", "方案对比", "Comparison"),
    ("view_horizon_help", "按规则的规划期逐年制定方案（含退休、期满回流），看累计交流人次能否达到目标；达不到时给出“怎样才能完成”。与命令 rotaplan horizon 的结果完全相同。", "Plans every year of the rules' period (with retirements and returns) and shows whether the cumulative exchanges reach the target; when they do not, what it would take. The same results as the command rotaplan horizon."),
    ("view_progress_help", "按交流台账统计已完成的交流人次，与目标路径对比，并预测剩余年度。需要数据中有交流台账。与命令 rotaplan progress 的结果完全相同。", "Counts the exchanges in the ledger against the target path and forecasts the remaining years. Needs a ledger in the data. The same results as the command rotaplan progress."),
    ("view_compare_help", "同一份数据在几套规则或几个参数值下各做一次方案，并排比较。参数可填多个值，用英文逗号分隔（如 0.08,0.10）。与命令 rotaplan compare 的结果完全相同。", "Plans the same data under several rule sets or values and sets them side by side. A value may list several, separated by commas (e.g. 0.08,0.10). The same results as the command rotaplan compare."),
    ("start_horizon", "开始测算", "Run the horizon"),
    ("start_progress", "计算进度", "Compute progress"),
    ("start_compare", "开始对比", "Compare"),
    ("rules_several", "规则（可多选，按住 Ctrl）", "Rules (several: hold Ctrl)"),
    ("whole_period", "整个规划期", "The whole period"),
    ("compare_year", "对比年度（留空则对比整个规划期）", "Year to compare (empty: the whole period)"),
    ("seniority", "同时对比按资历排序的传统做法", "Also the hand method by seniority"),
    ("as_of", "统计截至年度（留空为台账中最近一年）", "Count up to year (empty: the ledger's latest)"),
    ("no_ledger", "这份数据没有交流台账，无法计算进度。", "This dataset has no ledger, so progress cannot be computed."),
    ("year_files", "各年度方案文件", "Each year's plan files"),
    ("report", "报告", "Report"),
    // Zip uploads, the rules page, why, failed plans, re-planning and changes.
    ("zip_label", "或上传整个数据文件夹的 zip 压缩包", "Or a zip of the whole data folder"),
    ("zip_help", "压缩包里的文件按类别命名：schools/学校、teachers/教师、needs/岗位需求、ledger/交流台账、evaluators/评审专家、pins/锁定、wishes/志愿、itinerant_needs/走教需求，后缀 .csv 或 .xlsx；可放在压缩包的第一层文件夹里。解压后总大小同样受上传上限限制。", "Name the files in the zip by kind: schools/学校, teachers/教师, needs/岗位需求, ledger/交流台账, evaluators/评审专家, pins/锁定, wishes/志愿, itinerant_needs/走教需求, ending .csv or .xlsx; they may sit in one folder inside the zip. The unpacked total counts against the upload limit too."),
    ("rules_page", "规则", "Rules"),
    ("rules_page_help", "选一个内置规则（或已保存的规则）作为起点，修改下面常用的数值后保存；也可以上传一个完整的规则文件（TOML）。保存前会像命令行 --set 一样逐项检查，有误时按键名或行号列出。保存同名规则会生成新版本。制定方案时可在规则下拉框中选择。", "Start from a built-in rule set (or a saved one), change the common values below and save; or upload a whole rule file (TOML). Every value is checked as `--set` checks it, and problems are listed by key or line. Saving a name again makes its next version. Choose it in the plan form's rules list."),
    ("rules_base", "起点", "Start from"),
    ("rules_load", "载入", "Load"),
    ("rules_name", "规则名称", "Rule set name"),
    ("rules_name_help", "如“2022 东湖区”，不能与内置规则同名。", "e.g. 2022 East Lake; not a built-in rule set's name."),
    ("rules_values", "常用数值", "Common values"),
    ("rules_values_help", "只改需要改的；其余保持规则文件的值。数值写法同规则文件：比例写小数（0.12），是/否选 true/false，文字直接写（如 school）。列表和表格类规则请用 TOML 文件修改。", "Change only what you need; the rest keeps the rule file's value. Write values as in a rule file: shares as decimals (0.12), yes/no as true/false, words as they are (e.g. school). Lists and tables are changed in a TOML file."),
    ("rules_upload", "或上传规则文件（TOML，优先于上面的数值）", "Or upload a rule file (TOML; it replaces the values above)"),
    ("rules_upload_help", "UTF-8 编码的 .toml 文件，格式见内置规则文件。", "A UTF-8 .toml file, written like the built-in rule files."),
    ("rules_saved", "已保存：", "Saved:"),
    ("rules_saved_list", "已保存的规则", "Saved rule sets"),
    ("rules_none", "还没有保存的规则。", "No saved rule sets yet."),
    ("rules_errors", "规则有误，未保存：", "Problems in the rules; nothing was saved:"),
    ("rules_edit_link", "修改或新建规则", "Edit or make rules"),
    ("line", "行号", "Line"),
    ("key", "键名", "Key"),
    ("meaning", "含义", "Meaning"),
    ("yes", "是", "yes"),
    ("no", "否", "no"),
    ("why", "原因", "Why"),
    ("why_search", "查询某位教师（工号或姓名）", "Look up a teacher (id or name)"),
    ("why_go", "查询", "Explain"),
    ("why_help", "无论是否交流，都可查看此人在本方案中为何交流或不交流（与 rotaplan explain 相同）。", "Moved or not, see why this teacher is or is not moved in this plan (as rotaplan explain says)."),
    ("why_not_found", "本方案的数据中没有此教师：", "No such teacher in this plan's data:"),
    ("why_many", "有多位教师同名，请选择：", "Several teachers have this name; choose one:"),
    ("why_reasons", "不在应交流范围的原因", "Why not eligible"),
    ("why_detail", "详细说明（内容与命令 rotaplan explain 的输出相同）", "In detail (as the command rotaplan explain prints it)"),
    ("why_not_eligible", "不在应交流范围：", "Not eligible: "),
    ("why_placed", "交流到 ", "Moved to "),
    ("why_no_allowed_post", "符合条件：但在允许流向的学校中没有本学科的空缺岗位。", "Eligible, but no school this teacher's school may send to has an open post of the subject."),
    ("why_cap_reached", "符合条件：但本校派出人数已达上限（上限 / 任务数）：", "Eligible, but the school sent as many as its cap allows (cap / quota): "),
    ("why_posts_taken", "符合条件：但合适的空缺岗位都已由其他教师填补。", "Eligible, but every fitting open post was filled by other teachers."),
    ("why_backbone_share", "符合条件：但派出此人会使骨干教师比例不足，按规则不派。", "Eligible, but sending this teacher would break the backbone share, so the rules keep them."),
    ("why_not_proven", "符合条件：方案未在时间限制内证明最优，此人留在本校。", "Eligible; the plan was not proven optimal within the time limit, and this teacher stays."),
    ("why_r_status", "在岗状态不符合", "status not eligible"),
    ("why_r_role", "岗位不在交流范围", "role not eligible"),
    ("why_r_min_years_at_school", "在本校任教年限不足", "too few years at the school"),
    ("why_r_near_retirement", "临近退休", "near retirement"),
    ("why_r_sending_locality", "学校所在城乡类型不派出", "the school's locality does not send"),
    ("why_r_weak_school", "薄弱学校不派出", "weak schools do not send"),
    ("why_r_on_exchange", "正在交流中", "on an exchange now"),
    ("why_r_min_years_between_exchanges", "上次交流结束未满规定年限", "too soon after the last exchange"),
    ("why_r_pinned_stay", "已锁定留任", "pinned to stay"),
    ("why_r_custom", "自定义排除条件", "custom exclusion"),
    ("plan_failed", "方案未能完成，原因如下：", "The plan could not be made:"),
    ("plan_failed_help", "按上面的说明修改数据、锁定/排除或规则（例如删除或改正所列的锁定行），然后点“重新计算”。", "Fix the data, the pins or the rules as said above (e.g. delete or correct the pin rows named), then press Run again."),
    ("replan", "在本方案基础上重新计算", "Re-plan keeping this plan"),
    ("replan_help", "用当前数据和锁定/排除重新计算，并尽量保留本方案已安排的交流；完成后列出变化。", "Plan again with the current data and pins, keeping as many of this plan's moves as possible; the changes are listed when it is done."),
    ("changes", "与上一方案相比的变化", "Changes against the previous plan"),
    ("changes_help", "保留：同一教师去同一学校；新增：上一方案没有此人；取消：此人不再交流；变更：去另一所学校。原因列给出规则编号，或“为整体更优而调整”。", "Kept: same teacher, same school; added: not in the previous plan; dropped: no longer moved; changed: to another school. The reason is the rule id, or reoptimised (moved for a better plan overall)."),
    ("chg_all", "全部变化", "All changes"),
    ("chg_kept", "保留", "kept"),
    ("chg_added", "新增", "added"),
    ("chg_dropped", "取消", "dropped"),
    ("chg_changed", "变更", "changed"),
    ("chg_reoptimised", "为整体更优而调整", "reoptimised"),
    ("view_failed", "未能完成，原因如下：", "It could not be done:"),
    ("view_failed_help", "按上面的说明修改数据、锁定/排除、规则或参数，然后点“重新计算”。", "Fix the data, the pins, the rules or the values as said above, then press Run again."),
    ("rules_overrides", "改动的数值", "Changed values"),
    ("too_large", "上传的文件超过服务器允许的大小：请分批上传，或请管理员放宽上限。", "The upload is larger than the server accepts: send less at once, or ask your administrator to raise the limit."),
    ("internal", "服务器内部出错，详情见服务器日志；请稍后再试或联系管理员。", "Internal error; the server's log has the details. Try again later or tell your administrator."),
    ("problems_n", "文件中发现的问题数：", "Problems found in the files: "),
];

/// The words of one language, for the templates (`t.key`).
pub fn words(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    WORDS
        .iter()
        .map(|(k, zh, en)| (*k, if lang == Lang::Zh { *zh } else { *en }))
        .collect()
}

/// An input problem's message and fix in Chinese: one arm per kind, no catch-all, so
/// a new kind of problem does not compile until it has its Chinese words. The free
/// text the loader puts in a kind (what was expected, why a row contradicts itself)
/// goes through [`phrase_zh`]. The command line keeps the English of
/// [`InputErrorKind`]'s `Display`.
pub fn input_error_zh(kind: &InputErrorKind) -> String {
    use InputErrorKind as K;
    let p = |s: &str| phrase_zh(s);
    match kind {
        // The detail names the server's private folder: the file column says which.
        K::MissingFile { .. } => {
            "缺少这个必需的文件：请上传它（CSV 或 Excel .xlsx 文件）".to_string()
        }
        K::Unreadable { reason } => format!(
            "无法读取这个文件（{reason}）：请确认它是 UTF-8 或 GBK 编码的 CSV 文件，或没有加密的 \
             Excel（.xlsx）工作簿，然后重新上传"
        ),
        K::NoHeader { expected } => {
            format!("文件是空的：第一行应是表头，至少包含这些列：{expected}")
        }
        K::MissingColumn {
            english,
            chinese,
            hint,
            found,
        } => format!(
            "缺少必填列“{chinese}”（{english}）{}；现有的表头是：{}",
            p(hint),
            p(found)
        ),
        K::DuplicateColumn { first } => format!(
            "这一列在表头中出现了两次（第一次是{}）：删除其中一列或改名",
            p(first)
        ),
        K::Empty => "这里必须填写，但单元格是空的".to_string(),
        K::BadValue { expected } => format!("填写有误，应填：{}", p(expected)),
        K::Duplicate { first_row } => {
            format!("编号重复：第 {first_row} 行已经用过这个编号，编号不能重复")
        }
        K::UnknownReference { what } => format!("找不到所填的对象——{}", p(what)),
        K::Inconsistent { detail } => p(detail),
        K::InvisibleCharacter {
            code,
            name,
            position,
        } => format!(
            "编号的第 {position} 个字符是看不见的字符 {code}（{name}）：请删除它（通常是从网页或聊天\
             消息中复制时带进来的）"
        ),
        K::TooLong { chars } => format!(
            "内容长达 {chars} 个字符，而 Excel 单元格最多容纳 32,767 个字符，方案无法写入 \
             plan.xlsx：请缩短"
        ),
        K::Misread { was: Some(w) } => {
            format!("内容是乱码（按另一种编码读出来是“{w}”）：请按 UTF-8 或 GBK 重新保存文件")
        }
        K::Misread { was: None } => {
            "内容是乱码：请按 UTF-8 或 GBK 重新保存文件".to_string()
        }
        K::WrongEncoding {
            count,
            columns,
            example,
        } => format!(
            "文件的文字编码不对：{} 中有 {count} 个值是乱码（{}）；请把文件另存为 UTF-8（Excel：\
             另存为 →“CSV UTF-8”）或 GBK 后重新上传",
            p(columns),
            p(example)
        ),
        K::SelfExchange { school } => format!(
            "这条交流从学校 {school} 派到它自己：接收学校（to_school）必须是派出学校（from_school）\
             以外的学校"
        ),
        K::DuplicateExchange { first_row } => format!(
            "这条交流与第 {first_row} 行重复（教师、学校、学科、形式和期限都相同）：删除其中一行"
        ),
        K::OverlappingExchange {
            teacher,
            first_row,
            first_term,
            term,
        } => format!(
            "教师 {teacher} 在这段时间（{term}）已经在第 {first_row} 行的交流中（{first_term}）：\
             一名教师同一时间只能参加一项交流；请改正年度，或把没有实际发生的那一条的状态改为 \
             cancelled（已取消）"
        ),
        K::WrongSendingSchool {
            teacher,
            roster_school,
            term,
            why,
        } => format!(
            "教师 {teacher} 在教师文件中属于学校 {roster_school}（{}），所以 {term} 的交流应从 \
             {roster_school} 派出：请改正派出学校（from_school），或该教师的学校代码（school_id）\
             或到校年份（joined_school_year）",
            p(why)
        ),
    }
}

/// The stages a plan, horizon, compare or progress run reports (the API's `stage`, an
/// id that stays English), with their words: (id, Chinese, English). Statuses stand
/// for the stage of work that is not running.
const STAGES: &[(&str, &str, &str)] = &[
    ("loading data", "读取数据", "Loading the data"),
    ("planning", "制定方案", "Planning"),
    (
        "planning: components solved",
        "制定方案：已求解的部分",
        "Planning: parts solved",
    ),
    ("writing", "写出文件", "Writing the files"),
    (
        "planning: years planned",
        "逐年制定方案：已完成的年度",
        "Planning: years done",
    ),
    (
        "searching: the share that meets the target",
        "测算能完成目标的交流比例",
        "Searching the share that meets the target",
    ),
    (
        "planning: variants planned",
        "制定各方案：已完成的方案",
        "Planning: variants done",
    ),
    (
        "planning: the forecast years",
        "预测剩余年度",
        "Planning the forecast years",
    ),
    ("queued", "排队中", "Queued"),
    ("running", "计算中", "Running"),
    ("done", "已完成", "Done"),
    ("failed", "失败", "Failed"),
    ("cancelled", "已取消", "Cancelled"),
];

/// A stage id in words of `lang` (an unknown id as it is).
pub fn stage_text(stage: &str, lang: Lang) -> String {
    STAGES.iter().find(|(id, _, _)| *id == stage).map_or_else(
        || stage.to_string(),
        |(_, zh, en)| {
            if lang == Lang::Zh {
                (*zh).to_string()
            } else {
                (*en).to_string()
            }
        },
    )
}

/// What kind of problem a rule file has, in Chinese (the parser's message follows).
pub fn rule_error_zh(kind: crate::rules::RuleErrorKind) -> &'static str {
    use crate::rules::RuleErrorKind as K;
    match kind {
        K::Io => "无法读取规则文件",
        K::Syntax => "规则文件格式（TOML）有误",
        K::UnknownKey => "没有这个规则项",
        K::WrongType => "取值的类型不对",
        K::OutOfRange => "取值超出允许范围或相互矛盾",
        K::BadValue => "取值不被允许",
        K::Missing => "缺少必填的规则项",
        K::BadExpression => "自定义排除条件写法有误",
        K::Unsupported => "不支持这样设置",
    }
}

/// The loader's free-text phrases (what a cell should hold, why a row contradicts
/// itself) with their Chinese: `{}` marks a part copied over (a value, a row number,
/// a column as headed), which is itself looked up again; `{0}`, `{1}` … place the parts
/// in the Chinese. Earlier entries win, so the longer of two similar phrases comes
/// first. A phrase not in the table is shown as written (values and ids are).
const PHRASES: &[(&str, &str)] = &[
    // What a value should be (`expected`).
    ("one of {}; did you mean {}?", "以下之一：{0}；是不是想填 {1}？"),
    ("one of {}", "以下之一：{0}"),
    ("true/false, 1/0, 是/否 or Y/N", "是/否（也可填 true/false、1/0、Y/N）"),
    ("a whole year such as 1980", "四位数的年份，如 1980"),
    ("a year between {} and {}", "{0} 至 {1} 之间的年份"),
    ("a month from 1 to 12 (empty means 1)", "1 至 12 的月份（留空按 1 月）"),
    (
        "an age in years from 40 to 80, such as 60 (empty: the rules' age)",
        "40 至 80 岁之间的年龄，如 60（留空则按规则的退休年龄）",
    ),
    ("a wish rank from 1 to 5 (1 = first choice)", "1 至 5 的志愿序号（1 为第一志愿）"),
    ("a whole number of at least {}, such as {}", "不小于 {0} 的整数，如 {1}"),
    (
        "decimal degrees between -{} and {}, such as 28.68",
        "-{0} 至 {1} 之间的十进制度数，如 28.68",
    ),
    (
        "subjects separated by ;, such as math;physics",
        "用分号（;）隔开的学科，如 数学;物理",
    ),
    (
        "dates such as 2021-11-03 separated by ; ({} is not a date)",
        "用分号（;）隔开的日期，如 2021-11-03（{0} 不是日期）",
    ),
    (
        "dates such as 2021-11-03 separated by ; ({} are not a date)",
        "用分号（;）隔开的日期，如 2021-11-03（{0} 不是日期）",
    ),
    ("evaluation (考核) or inspection (督查)", "考核（evaluation）或督查（inspection）"),
    ("a date such as 2021-11-03", "日期，如 2021-11-03"),
    // Rows that contradict themselves (`detail`).
    ("the term ends ({}) before it starts ({})", "期限的结束年度（{0}）早于开始年度（{1}）"),
    (
        "a `{}` pin needs the school in column {}: fill it in, or use `stay`/`move`",
        "“{0}”锁定要在 {1} 列填写学校：请填上，或改用 stay（留任）/ move（必须交流）",
    ),
    (
        "a `{}` pin names no school: empty this cell, or use `to`/`not_to` for a pin about school {}",
        "“{0}”锁定不填学校：请清空这个单元格；若要针对学校 {1}，请改用 to（指定学校）/ not_to（不去）",
    ),
    (
        "this pin contradicts the pin on row {} ({}, in a year both apply to): delete one of the two rows, or give them different years",
        "这条锁定与第 {0} 行的锁定矛盾（{1}，且两条适用于同一年）：删除其中一行，或给两条填不同的年度",
    ),
    ("`stay` and `move` for one teacher", "同一教师既“留任”又“必须交流”"),
    ("`stay` and `to` for one teacher", "同一教师既“留任”又“指定学校”"),
    ("`to` two different schools for one teacher", "同一教师被指定到两所不同的学校"),
    (
        "`to` and `not_to` the same school for one teacher",
        "同一教师对同一所学校既“指定”又“不去”",
    ),
    (
        "teacher {} already has a wish of rank {} on row {}: each rank is used once per teacher; renumber the wishes",
        "教师 {0} 在第 {2} 行已有第 {1} 志愿：每位教师每个志愿序号只能用一次，请重新编号",
    ),
    (
        "teacher {} already wishes for school {} on row {}: delete this row",
        "教师 {0} 在第 {2} 行已填报学校 {1}：请删除这一行",
    ),
    ("{} is before {}; one of the two years is wrong", "{0} 早于 {1}：两个年份中有一个填错了"),
    (
        "the teacher would have been {} when joining (born {}); expected at least {}: check {} and {}",
        "按所填年份，该教师到校时只有 {0} 岁（{1} 年出生），应至少 {2} 岁：请检查 {3} 和 {4}",
    ),
    (
        "{} is given but {} is empty: give both coordinates or neither",
        "填了 {0}，但 {1} 是空的：经纬度要么都填，要么都不填",
    ),
    (
        "an evaluation needs the teacher assessed: fill in teacher_id, or make the event an inspection",
        "考核要填写被考核的教师：请填写工号（teacher_id），或把这项改为督查",
    ),
    ("the window ends before it starts ({})", "时间窗口的结束早于开始（{0}）"),
    // References (`what`).
    (
        "teacher: this teacher_id is not in teachers.csv; correct the id or delete the row",
        "教师：教师文件（teachers.csv）中没有这个工号；请改正工号或删除这一行",
    ),
    (
        "school: this school_id is not in schools.csv",
        "学校：学校文件（schools.csv）中没有这个学校代码；请改正学校代码",
    ),
    // Why a ledger exchange leaves from the roster's school (`why`).
    ("the exchange is {}", "这条交流的状态是 {0}"),
    ("there since {}", "自 {0} 年起在该校"),
    // Headers and encodings.
    (
        "; column {} \"{}\" looks like it: rename it to {}",
        "；第 {0} 列“{1}”像是这一列：请改名为 {2}",
    ),
    ("no headers", "没有表头"),
    ("{} in column {}", " {1} 列的“{0}”"),
    ("the header row", "表头"),
    ("column(s) {}", "{0} 列"),
    (
        "column {} \"{}\" is \"{}\" read in the wrong encoding",
        "第 {0} 列“{1}”是“{2}”用错误的编码读出的样子",
    ),
    (
        "row {}, {}: \"{}\" is \"{}\" read in the wrong encoding",
        "第 {0} 行 {1}：“{2}”是“{3}”用错误的编码读出的样子",
    ),
    (
        "{}: \"{}\" is \"{}\" read in the wrong encoding",
        "{0}：“{1}”是“{2}”用错误的编码读出的样子",
    ),
    ("row {}, {}: \"{}\"", "第 {0} 行 {1}：“{2}”"),
    // Requests the pages' forms send that cannot be done.
    (
        "year {} is outside the plan period of these rules ({})",
        "年度 {0} 不在这套规则的规划期内（{1}）：请选择规划期内的年度或另一套规则",
    ),
    (
        "as of {} is outside the plan period of these rules ({})",
        "统计截至年度 {0} 不在这套规则的规划期内（{1}）",
    ),
    ("the previous plan {} has not finished", "参照的上一方案 {0} 还没有完成"),
    ("give the plan year as a number, e.g. 2021", "请用数字填写年度，如 2021"),
    ("give the plan year as a number, e.g. 2023", "请用数字填写年度，如 2023"),
    ("give the year as a number, e.g. 2023", "请用数字填写年度，如 2023"),
    ("rules: choose at least one rule set", "请至少选择一套规则"),
    ("rules: give names or rule file texts", "规则：请选择规则名称或粘贴规则文件"),
    ("rules: give a name or a rule file's text", "规则：请选择规则名称或粘贴规则文件"),
    ("a horizon takes one rule set", "规划期测算只能选一套规则"),
    ("a progress takes one rule set", "进度计算只能选一套规则"),
    (
        "compare: give a plan year, or ask for the whole period (horizon: true), not both",
        "对比：请填写对比年度，或勾选“整个规划期”，二者选一",
    ),
    (
        "{} variants asked; the workspace compares at most {} at once: fewer rule sets or values",
        "要对比 {0} 个方案，而一次最多对比 {1} 个：请减少规则或参数值",
    ),
    ("variant `{}`: {}", "方案“{0}”：{1}"),
    (
        "progress counts the exchanges in the dataset's ledger, and this dataset has none: upload the data again with ledger.csv (or ledger.xlsx)",
        "进度按交流台账统计，而这份数据没有台账：请连同 ledger.csv（或 ledger.xlsx）重新上传数据",
    ),
];

/// `text` in Chinese when it is one of [`PHRASES`] (its parts looked up in turn), else
/// as written.
pub fn phrase_zh(text: &str) -> String {
    for (en, zh) in PHRASES {
        if let Some(parts) = fill(en, text) {
            let mut out = (*zh).to_string();
            for (i, part) in parts.iter().enumerate() {
                out = out.replace(&format!("{{{i}}}"), &phrase_zh(part));
            }
            return out;
        }
    }
    text.to_string()
}

/// A job kind of the audit log (`plan`, `horizon`, `compare`, `progress`) in Chinese.
fn kind_zh(kind: &str) -> String {
    match kind {
        "plan" => "方案",
        "horizon" => "规划期推演",
        "compare" => "方案比较",
        "progress" => "进度",
        other => other,
    }
    .to_string()
}

/// An audit row's action and detail in Chinese. The log keeps what happened in
/// English as written (a stable record); the page shows it in the page's language. The
/// actions are a fixed set and the details follow fixed patterns; a row that matches
/// none is shown as written.
pub fn audit_zh(action: &str, detail: &str) -> (String, String) {
    let action_zh = match action {
        "login" => "登录".to_string(),
        "logout" => "退出登录".to_string(),
        "user add" => "添加用户".to_string(),
        "user remove" => "删除用户".to_string(),
        "user passwd" => "重设密码".to_string(),
        "dataset upload" => "上传数据".to_string(),
        "dataset file" => "更新数据文件".to_string(),
        "rules save" => "保存规则".to_string(),
        other => match other.split_once(' ') {
            Some((k, "submit")) => format!("提交{}", kind_zh(k)),
            Some((k, "cancel")) => format!("取消{}", kind_zh(k)),
            Some((k, "done")) => format!("{}完成", kind_zh(k)),
            Some((k, "failed")) => format!("{}失败", kind_zh(k)),
            Some((k, "cancelled")) => format!("{}已取消", kind_zh(k)),
            _ => other.to_string(),
        },
    };
    let detail_zh = if let Some(p) = fill("{} plan(s) interrupted by a restart", detail) {
        format!("{} 个方案因服务重启而中断", p[0])
    } else if let Some(p) = fill("{} {} of dataset {}", detail) {
        format!("数据集 {} 的{} {}", p[2], kind_zh(p[0]), p[1])
    } else if let Some(p) = fill("rule set {} version {}", detail) {
        format!("规则集 {} 第 {} 版", p[0], p[1])
    } else if let Some(p) = fill("dataset {}: {} version {}", detail) {
        format!("数据集 {}：{} 第 {} 版", p[0], p[1], p[2])
    } else if let Some(p) = fill("dataset {}: {}", detail) {
        format!("数据集 {}：{}", p[0], p[1])
    } else if let Some(p) = detail.split_once(' ').filter(|(k, id)| {
        matches!(*k, "plan" | "horizon" | "compare" | "progress")
            && id.chars().all(|c| c.is_ascii_digit())
    }) {
        format!("{} {}", kind_zh(p.0), p.1)
    } else {
        detail.to_string()
    };
    (action_zh, detail_zh)
}

/// The parts of `text` that fill the `{}` holes of `pattern`, when it matches whole
/// (each hole at least one character, the shortest that lets the rest match).
fn fill<'a>(pattern: &str, text: &'a str) -> Option<Vec<&'a str>> {
    match pattern.split_once("{}") {
        None => (pattern == text).then(Vec::new),
        Some((lit, rest)) => {
            let after = text.strip_prefix(lit)?;
            let next_lit = rest.split("{}").next().unwrap_or("");
            for (i, _) in after.char_indices().skip(1).chain([(after.len(), ' ')]) {
                let (part, tail) = after.split_at(i);
                if !tail.starts_with(next_lit) {
                    continue;
                }
                if let Some(mut more) = fill(rest, tail) {
                    more.insert(0, part);
                    return Some(more);
                }
            }
            None
        }
    }
}

/// Ids, file names and values a user types that may stand in Chinese text; the tests
/// flag any other ASCII word of three letters or more as English left over.
#[cfg(test)]
pub(crate) fn english_words(s: &str) -> Vec<String> {
    const KEPT: &[&str] = &[
        "CSV",
        "UTF",
        "GBK",
        "Excel",
        "xlsx",
        "csv",
        "true",
        "false",
        "stay",
        "move",
        "not_to",
        "cancelled",
        "plan",
        "toml",
        "TOML",
        "rotaplan",
        "explain",
        "km",
        "ceil",
        "evaluation",
        "inspection",
    ];
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()) && !KEPT.contains(w))
        .map(str::to_string)
        .collect()
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// ISO 8601 UTC, e.g. `2026-03-01T08:05:09Z` (the API's times).
pub fn timestamp(t: i64) -> String {
    let (y, m, d) = civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// Beijing time (UTC+8) to the minute, as the pages show it.
pub fn local(t: i64) -> String {
    let t = t + 8 * 3600;
    let (y, m, d) = civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", s / 3600, s % 3600 / 60)
}

/// The Beijing date, e.g. `2026-03-01`.
pub fn date(t: i64) -> String {
    local(t).chars().take(10).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_767_225_599), "2025-12-31T23:59:59Z");
        assert_eq!(local(1_767_225_599), "2026-01-01 07:59");
        assert_eq!(date(1_767_225_599), "2026-01-01");
    }

    /// Every stage the commands report (`stage`, `counting`, `next_stage` and the plan
    /// command's STAGES) has its words.
    #[test]
    fn every_stage_has_words() {
        let sources = [
            include_str!("../../cli/src/plan.rs"),
            include_str!("../../cli/src/horizon.rs"),
            include_str!("../../cli/src/compare.rs"),
            include_str!("../../cli/src/progress_cmd.rs"),
        ];
        let mut seen = 0;
        for src in sources {
            for call in [
                "stage(\"",
                "stage(&stages, \"",
                "counting(",
                "STAGES: [&str; 3] = [",
            ] {
                for (i, _) in src.match_indices(call) {
                    let rest = &src[i + call.len()..];
                    let line = rest.lines().next().unwrap_or("");
                    for (k, piece) in line.split('"').enumerate() {
                        let quoted = if call.ends_with('"') {
                            k % 2 == 0
                        } else {
                            k % 2 == 1
                        };
                        if quoted && !piece.is_empty() {
                            seen += 1;
                            assert!(
                                STAGES.iter().any(|(id, _, _)| *id == piece),
                                "stage `{piece}` has no words in i18n::STAGES"
                            );
                        }
                    }
                }
            }
        }
        assert!(seen >= 7, "found only {seen} stages");
        assert_eq!(stage_text("writing", Lang::Zh), "写出文件");
        assert_eq!(stage_text("writing", Lang::En), "Writing the files");
    }

    /// A sample of every kind of input problem (the match has no catch-all, so a new
    /// kind fails here until it is added) renders in Chinese without English words.
    #[test]
    fn every_input_problem_in_chinese() {
        use InputErrorKind as K;
        let samples = vec![
            K::MissingFile {
                detail: "no such file".into(),
            },
            K::Unreadable { reason: "x".into() },
            K::NoHeader {
                expected: "teacher_id (工号)".into(),
            },
            K::MissingColumn {
                english: "school_id".into(),
                chinese: "学校代码".into(),
                hint: "; column C \"学校\" looks like it: rename it to 学校代码".into(),
                found: "A \"工号\", C \"学校\"".into(),
            },
            K::DuplicateColumn {
                first: "工号 in column A".into(),
            },
            K::Empty,
            K::BadValue {
                expected: "a whole year such as 1980".into(),
            },
            K::Duplicate { first_row: 3 },
            K::UnknownReference {
                what: "school: this school_id is not in schools.csv".into(),
            },
            K::Inconsistent {
                detail: "this pin contradicts the pin on row 2 (`stay` and `move` for one \
                         teacher, in a year both apply to): delete one of the two rows, or \
                         give them different years"
                    .into(),
            },
            K::InvisibleCharacter {
                code: "U+200B".into(),
                name: "零宽空格",
                position: 2,
            },
            K::TooLong { chars: 40_000 },
            K::Misread {
                was: Some("数学".into()),
            },
            K::WrongEncoding {
                count: 3,
                columns: "column(s) 学科".into(),
                example: "row 2, 学科: \"鏁板\" is \"数学\" read in the wrong encoding".into(),
            },
            K::SelfExchange {
                school: "S1".into(),
            },
            K::DuplicateExchange { first_row: 4 },
            K::OverlappingExchange {
                teacher: "T1".into(),
                first_row: 2,
                first_term: "2019–2021".into(),
                term: "2020–2022".into(),
            },
            K::WrongSendingSchool {
                teacher: "T1".into(),
                roster_school: "S1".into(),
                term: "2019–2021".into(),
                why: "there since 2015".into(),
            },
        ];
        let mut kinds = std::collections::BTreeSet::new();
        for k in &samples {
            let i = match k {
                K::MissingFile { .. } => 0,
                K::Unreadable { .. } => 1,
                K::NoHeader { .. } => 2,
                K::MissingColumn { .. } => 3,
                K::DuplicateColumn { .. } => 4,
                K::Empty => 5,
                K::BadValue { .. } => 6,
                K::Duplicate { .. } => 7,
                K::UnknownReference { .. } => 8,
                K::Inconsistent { .. } => 9,
                K::InvisibleCharacter { .. } => 10,
                K::TooLong { .. } => 11,
                K::Misread { .. } => 12,
                K::WrongEncoding { .. } => 13,
                K::SelfExchange { .. } => 14,
                K::DuplicateExchange { .. } => 15,
                K::OverlappingExchange { .. } => 16,
                K::WrongSendingSchool { .. } => 17,
            };
            kinds.insert(i);
            let zh = input_error_zh(k);
            assert!(english_words(&zh).is_empty(), "{k:?}: {zh}");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
        assert_eq!(kinds.len(), 18, "a sample of every kind");
    }

    /// Every phrase's Chinese is Chinese, and places each part it copies.
    #[test]
    fn phrases_in_chinese() {
        for (en, zh) in PHRASES {
            let holes = en.matches("{}").count();
            for i in 0..holes {
                assert!(
                    zh.contains(&format!("{{{i}}}")),
                    "{en}: part {i} missing in {zh}"
                );
            }
            let bare: String =
                (0..holes).fold((*zh).to_string(), |z, i| z.replace(&format!("{{{i}}}"), ""));
            assert!(english_words(&bare).is_empty(), "{en} → {zh}");
        }
        assert_eq!(
            phrase_zh("a year between 1900 and 2100"),
            "1900 至 2100 之间的年份"
        );
        assert_eq!(
            phrase_zh("teacher T9 already wishes for school S2 on row 4: delete this row"),
            "教师 T9 在第 4 行已填报学校 S2：请删除这一行"
        );
        assert_eq!(phrase_zh("not a phrase"), "not a phrase");
    }

    #[test]
    fn templates_use_known_words() {
        let zh = words(Lang::Zh);
        for (name, src) in super::super::pages::all_templates() {
            let mut rest: &str = src;
            while let Some(i) = rest.find("t.") {
                let key: String = rest[i + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let before = rest[..i].chars().last();
                if before.is_some_and(|c| c == ' ' || c == '{' || c == '(') && !key.is_empty() {
                    assert!(
                        zh.contains_key(key.as_str()),
                        "{name}: unknown word t.{key}"
                    );
                }
                rest = &rest[i + 2..];
            }
        }
    }

    #[test]
    fn audit_rows_in_chinese() {
        let rows = [
            ("login", ""),
            ("user add", "wang (city)"),
            ("plan submit", "plan 3 of dataset 2"),
            ("horizon done", "horizon 4"),
            ("compare cancel", "compare 5"),
            ("plan failed", "2 plan(s) interrupted by a restart"),
            ("dataset file", "dataset 2: teachers version 3"),
            ("rules save", "rule set 1 \"ours\" version 2"),
        ];
        for (a, d) in rows {
            let (az, dz) = super::audit_zh(a, d);
            for w in [&az, &dz] {
                assert!(
                    !w.split(|c: char| !c.is_ascii_alphabetic()).any(|x| [
                        "plan",
                        "horizon",
                        "compare",
                        "dataset",
                        "version",
                        "rule",
                        "submit",
                        "done",
                        "cancel",
                        "failed",
                        "interrupted",
                        "user",
                        "add",
                        "login"
                    ]
                    .contains(&x)),
                    "{a} / {d}: {az} / {dz}"
                );
            }
        }
        assert_eq!(
            super::audit_zh("plan submit", "plan 3 of dataset 2").1,
            "数据集 2 的方案 3"
        );
    }
}
