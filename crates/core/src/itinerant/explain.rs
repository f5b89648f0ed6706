//! What `explain --teacher` and `explain --school` say about itinerant teaching: the
//! facts as data, rendered by [`render_teacher`] and [`render_school`].

use super::{ItinerantPlan, Lesson, Uncovered};
use crate::model::{Dataset, LedgerStatus, School, Teacher, TeacherId};
use crate::rules::Rules;
use std::collections::BTreeSet;

/// Why a teacher with spare lessons gives none, or that they give some.
#[derive(Debug, Clone, PartialEq)]
pub enum TeacherPart {
    /// `spare_periods` is 0 or empty.
    NoSpare,
    /// Status not in `[eligibility] statuses`.
    Status(String),
    /// On an exchange in the year (the ledger, or moved by the year's plan).
    OnExchange,
    /// May take part, but the optimal plan covers every coverable lesson without them
    /// (or with fewer teachers or less travel), or no program fits them.
    NotNeeded,
    /// Gives these lessons.
    Gives(Vec<Lesson>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeacherItinerant {
    pub spare: u32,
    pub part: TeacherPart,
}

/// A school's itinerant lessons: received, given by its teachers elsewhere, and
/// still lacking.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolItinerant {
    pub hosted: Vec<Lesson>,
    pub given: Vec<Lesson>,
    pub uncovered: Vec<Uncovered>,
}

pub fn explain_teacher(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    moved: &BTreeSet<TeacherId>,
    plan: &ItinerantPlan,
    t: &Teacher,
) -> TeacherItinerant {
    let spare = data.itinerant.spare(&t.id);
    let lessons: Vec<Lesson> = plan
        .lessons
        .iter()
        .filter(|l| l.teacher == t.id)
        .cloned()
        .collect();
    let away = moved.contains(&t.id)
        || data
            .ledger
            .iter()
            .any(|e| e.teacher == t.id && e.status != LedgerStatus::Cancelled && e.covers(year));
    let part = if !lessons.is_empty() {
        TeacherPart::Gives(lessons)
    } else if spare == 0 {
        TeacherPart::NoSpare
    } else if !rules.eligibility.statuses.contains(&t.status) {
        TeacherPart::Status(format!("{:?}", t.status).to_lowercase())
    } else if away {
        TeacherPart::OnExchange
    } else {
        TeacherPart::NotNeeded
    };
    TeacherItinerant { spare, part }
}

pub fn explain_school(plan: &ItinerantPlan, s: &School) -> SchoolItinerant {
    SchoolItinerant {
        hosted: plan
            .lessons
            .iter()
            .filter(|l| l.host == s.id)
            .cloned()
            .collect(),
        given: plan
            .lessons
            .iter()
            .filter(|l| l.home == s.id)
            .cloned()
            .collect(),
        uncovered: plan
            .uncovered
            .iter()
            .filter(|u| u.school == s.id)
            .cloned()
            .collect(),
    }
}

fn lesson_line(l: &Lesson, other: &str) -> String {
    format!(
        "    {} {}: {} {} lesson(s) of {} ({:.2} km, program {})",
        l.weekday.as_str(),
        l.weekday.zh(),
        other,
        l.periods,
        l.subject,
        l.distance_m as f64 / 1000.0,
        l.program
    )
}

pub fn render_teacher(x: &TeacherItinerant, id: &TeacherId, year: i32) -> String {
    let head = format!(
        "itinerant teaching (走教) of teacher {id} in {year}: spare_periods {}",
        x.spare
    );
    let body = match &x.part {
        TeacherPart::NoSpare => "takes no part (no spare lessons)".to_string(),
        TeacherPart::Status(s) => {
            format!("takes no part: status {s} is not in [eligibility] statuses")
        }
        TeacherPart::OnExchange => format!("takes no part: on an exchange in {year}"),
        TeacherPart::NotNeeded => "may take part, but the optimal itinerant plan does not \
             need them (every lesson they could give is covered with fewer teachers or \
             less travel, or no program covers their subject nearby)"
            .to_string(),
        TeacherPart::Gives(ls) => {
            let total: u32 = ls.iter().map(|l| l.periods).sum();
            let mut s = format!("gives {total} lesson(s) a week:");
            for l in ls {
                s.push('\n');
                s.push_str(&lesson_line(l, &format!("at {}", l.host)));
            }
            s
        }
    };
    format!("{head}: {body}\n")
}

/// [`render_teacher`] in Chinese (the workspace's pages): every [`TeacherPart`] has
/// its own arm.
pub fn render_teacher_zh(x: &TeacherItinerant, id: &TeacherId, year: i32) -> String {
    let head = format!("教师 {id} 在 {year} 年的走教：富余课时 {}", x.spare);
    let body = match &x.part {
        TeacherPart::NoSpare => "不参加（没有富余课时）".to_string(),
        TeacherPart::Status(s) => format!("不参加：在岗状态 {s} 不在规则的可交流状态之列"),
        TeacherPart::OnExchange => format!("不参加：{year} 年正在交流"),
        TeacherPart::NotNeeded => {
            "可以参加，但最优走教安排不需要此人（此人能上的课都已由更少的教师\
             或更短的路程安排，或附近没有开设此学科的走教项目）"
                .to_string()
        }
        TeacherPart::Gives(ls) => {
            let total: u32 = ls.iter().map(|l| l.periods).sum();
            let mut s = format!("每周上 {total} 节课：");
            for l in ls {
                s.push_str(&format!(
                    "\n    {}：在 {} 上 {} 节 {}（{:.2} 公里，项目 {}）",
                    l.weekday.zh(),
                    l.host,
                    l.periods,
                    l.subject.zh(),
                    l.distance_m as f64 / 1000.0,
                    l.program
                ));
            }
            s
        }
    };
    format!("{head}：{body}\n")
}

pub fn render_school(x: &SchoolItinerant, id: &crate::model::SchoolId, year: i32) -> String {
    let mut s = format!("itinerant teaching (走教) at school {id} in {year}:\n");
    if x.hosted.is_empty() && x.given.is_empty() && x.uncovered.is_empty() {
        s.push_str("    none\n");
        return s;
    }
    if !x.hosted.is_empty() {
        s.push_str("  received:\n");
        for l in &x.hosted {
            s.push_str(&lesson_line(l, &format!("{} from {},", l.teacher, l.home)));
            s.push('\n');
        }
    }
    if !x.given.is_empty() {
        s.push_str("  given by its teachers elsewhere:\n");
        for l in &x.given {
            s.push_str(&lesson_line(l, &format!("{} at {},", l.teacher, l.host)));
            s.push('\n');
        }
    }
    for u in &x.uncovered {
        s.push_str(&format!(
            "  uncovered: {} {} lesson(s) a week — {}: {}\n",
            u.subject,
            u.periods,
            u.reason.id(),
            u.reason.detail()
        ));
    }
    s
}

#[cfg(test)]
mod zh_tests {
    use super::*;

    /// Every part a teacher can take renders in Chinese: only the data's ids, subject
    /// and program name stay as written.
    #[test]
    fn every_part_in_chinese() {
        let lesson = Lesson {
            program: "P1".into(),
            teacher: TeacherId::from("T1"),
            home: crate::model::SchoolId::from("S1"),
            host: crate::model::SchoolId::from("S2"),
            subject: crate::model::Subject::normalise("音乐"),
            weekday: crate::rules::Weekday::Tue,
            periods: 2,
            distance_m: 3200,
        };
        let parts = [
            TeacherPart::NoSpare,
            TeacherPart::Status("leave".into()),
            TeacherPart::OnExchange,
            TeacherPart::NotNeeded,
            TeacherPart::Gives(vec![lesson]),
        ];
        for part in parts {
            let x = TeacherItinerant { spare: 4, part };
            let s = render_teacher_zh(&x, &TeacherId::from("T1"), 2021);
            let english: Vec<&str> = s
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 3 && *w != "leave")
                .collect();
            assert!(english.is_empty(), "{s}");
        }
    }
}
