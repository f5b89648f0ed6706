//! `schedule.ics`: the schedule as an iCalendar file (RFC 5545) that common calendar
//! programs import. One all-day VEVENT per evaluation; the UID is derived from the
//! event id only, and DTSTAMP from the date, so the file is the same on every run.
//! Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character.

use super::{Event, EventKind, Placement};
use crate::model::{Dataset, Date};
use std::collections::BTreeMap;

/// Teacher id → name, built once for all calendars of a run.
pub fn teacher_names(data: &Dataset) -> BTreeMap<&str, &str> {
    data.teachers
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            ';' => o.push_str("\\;"),
            ',' => o.push_str("\\,"),
            '\n' => o.push_str("\\n"),
            '\r' => {}
            c => o.push(c),
        }
    }
    o
}

/// A quoted parameter value: double quotes are not allowed inside, so they are dropped.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// Something safe inside a URI or UID: ASCII letters, digits and `-._`, others as %XX.
fn token(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
            o.push(char::from(b));
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

/// Appends one content line, folded at 75 octets, with CRLF.
fn line(out: &mut String, l: &str) {
    let mut width = 0;
    for c in l.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn ymd(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year, d.month, d.day)
}

/// The calendar of `placed` (all of them, or those of one evaluator), named `name`.
pub fn calendar(
    name: &str,
    events: &[Event],
    data: &Dataset,
    names: &BTreeMap<&str, &str>,
    placed: &[&Placement],
) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//rotaplan//evaluation schedule//ZH");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    for p in placed {
        let Some(ev) = events.get(p.event.index()) else {
            continue;
        };
        let Some(school) = data.try_school(ev.host) else {
            continue;
        };
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}@rotaplan", token(&ev.id)));
        line(&mut out, &format!("DTSTAMP:{}T000000Z", ymd(p.date)));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{}", ymd(p.date)));
        line(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", ymd(p.date.succ())),
        );
        let what = match (ev.kind, &ev.teacher) {
            (EventKind::Evaluation, Some(t)) => {
                let tname = names
                    .get(t.as_str())
                    .map_or(String::new(), |n| format!(" {n}"));
                format!("交流教师考核 {t}{tname} ({})", ev.subject)
            }
            (EventKind::Inspection, _) => format!("督查考核 {} ({})", school.name, ev.subject),
            (_, None) => format!("考核 {} ({})", ev.id, ev.subject),
        };
        line(&mut out, &format!("SUMMARY:{}", text(&what)));
        line(
            &mut out,
            &format!(
                "LOCATION:{}",
                text(&format!("{} ({})", school.name, school.id))
            ),
        );
        line(
            &mut out,
            &format!(
                "DESCRIPTION:{}",
                text(&format!("event {} kind {}", ev.id, ev.kind.as_str()))
            ),
        );
        line(&mut out, "TRANSP:TRANSPARENT");
        for &m in &p.panel {
            if let Some(e) = data.try_evaluator(m) {
                line(
                    &mut out,
                    &format!(
                        "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT:urn:rotaplan:evaluator:{}",
                        param(&e.name),
                        token(e.id.as_str())
                    ),
                );
            }
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_on_char_boundaries() {
        let mut o = String::new();
        line(&mut o, &format!("SUMMARY:{}", "考".repeat(40)));
        for l in o.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert_eq!(
            o.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "考".repeat(40))
        );
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(token("E 1/é"), "E%201%2F%C3%A9");
    }
}
