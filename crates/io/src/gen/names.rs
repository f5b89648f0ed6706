//! Word lists for plausible Chinese names of people, places and schools.

pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "熊",
];

pub const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玲", "红", "文", "斌", "辉", "燕", "鹏", "琳",
    "雪", "婷", "慧", "建", "波", "宁", "晨", "欣",
];

pub const PLACE: &[&str] = &[
    "东", "西", "南", "北", "湖", "山", "河", "新", "青", "云", "桥", "塘", "岗", "坊", "港", "洲",
    "坪", "溪", "岭", "田", "石", "龙", "凤", "莲", "梅", "松", "竹", "安", "丰", "和",
];

/// A two- or three-character personal name.
pub fn person(r: &mut super::rng::Rng) -> String {
    let mut s = String::from(*r.pick(SURNAMES));
    s.push_str(r.pick::<&str>(GIVEN));
    if r.chance(0.6) {
        s.push_str(r.pick::<&str>(GIVEN));
    }
    s
}

/// A two-character place name such as 湖坊.
pub fn place(r: &mut super::rng::Rng) -> String {
    let mut s = String::from(*r.pick(PLACE));
    s.push_str(r.pick::<&str>(PLACE));
    s
}
