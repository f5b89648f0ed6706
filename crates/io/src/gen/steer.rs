//! Synthetic steering files for a data folder (`gen --wishes`, `gen --pins N`):
//! deterministic from the seed, made from the folder's own data under a rule set and
//! plan year.
//!
//! - wishes.csv: for every teacher eligible in the year, up to 5 ranked host schools
//!   drawn from the schools they may actually go to (allowed pair, an open post of a
//!   subject they fit), the nearer ones more likely, so that the wishes are plausible
//!   (a teacher with fewer such schools wishes for all of them).
//! - pins.csv: N pins of mixed kinds that can all hold at once: they are read off the
//!   year's optimal plan (without pins): `to X` for a teacher it moves to X, `move` for
//!   another it moves, `not_to Y` for a moved teacher and a school Y other than their
//!   host, `stay` for an eligible teacher it leaves at home. The plan itself holds them
//!   all, so a plan under the pins always exists.

use super::rng::Rng;
use crate::model::{Dataset, Id, School};
use crate::plan::{allowed, distance_km, plan_year, PlanOptions, YearFacts};
use crate::rules::Rules;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

/// Stream ids of the random draws (apart from the districts' own).
const WISH_STREAM: u64 = 0x5749_5348;
const PIN_STREAM: u64 = 0x5049_4e53;

/// Wishes per teacher.
const WISHES: usize = 5;

/// Candidate host schools a wish is drawn from: the nearest this many.
const NEAREST: usize = 12;

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// wishes.csv for `data` in `year` (header included), and the number of rows.
pub fn wishes_csv(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    seed: u64,
) -> io::Result<(String, usize)> {
    let verdicts = crate::eligibility::assess(data, rules, year, &data.ledger)
        .map_err(|e| other(&e.message))?;
    let facts = YearFacts::compute(data, rules, year, &data.ledger, &verdicts);
    // Receiving schools per post subject.
    let mut hosts: BTreeMap<&crate::model::Subject, Vec<Id<School>>> = BTreeMap::new();
    for ((r, subject), slots) in &facts.open_posts {
        if slots.iter().any(|s| s.1 > 0) {
            hosts.entry(subject).or_default().push(*r);
        }
    }
    let mut out = String::from("teacher_id,rank,school_id\n");
    let mut rows = 0;
    for (ti, t) in data.teachers.iter().enumerate() {
        if !verdicts[ti].eligible() {
            continue;
        }
        let Some(&si) = facts.school_index.get(&t.school) else {
            continue;
        };
        let s = &data.schools[si];
        let subject = rules.plan_subject(t);
        let mut cands: Vec<(i64, Id<School>)> = hosts
            .iter()
            .filter(|(post, _)| rules.post_fits(&subject, post))
            .flat_map(|(_, rs)| rs.iter().copied())
            .filter(|&r| allowed(s, &data.schools[r], rules))
            .map(|r| {
                let m = distance_km(s, &data.schools[r]).map_or(0, |km| (km * 1000.0) as i64);
                (m, r)
            })
            .collect();
        cands.sort_unstable();
        cands.dedup_by_key(|c| c.1);
        cands.truncate(NEAREST);
        let mut rng = Rng::new(seed ^ WISH_STREAM, ti as u64);
        let mut rank = 0;
        while rank < WISHES && !cands.is_empty() {
            let (_, r) = cands.remove(rng.below(cands.len() as u64) as usize);
            rank += 1;
            rows += 1;
            let _ = writeln!(out, "{},{rank},{}", t.id, data.schools[r].id);
        }
    }
    Ok((out, rows))
}

/// pins.csv of `n` pins for `data` in `year` (header included), and the number of rows
/// (fewer than `n` when the plan has too few teachers to pin).
pub fn pins_csv(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    seed: u64,
    n: usize,
) -> io::Result<(String, usize)> {
    let plan =
        plan_year(data, rules, year, &data.ledger, &PlanOptions::default()).map_err(other)?;
    let mut moved: Vec<(usize, usize)> = plan
        .moves
        .iter()
        .map(|m| (m.teacher.index(), m.to.index()))
        .collect();
    let is_moved: std::collections::HashSet<usize> = moved.iter().map(|m| m.0).collect();
    let mut home: Vec<usize> = plan
        .verdicts
        .iter()
        .enumerate()
        .filter(|(ti, v)| v.eligible() && !is_moved.contains(ti))
        .map(|(ti, _)| ti)
        .collect();
    let mut rng = Rng::new(seed ^ PIN_STREAM, 0);
    let mut out = String::from("teacher_id,action,school_id,year,note\n");
    let mut rows = 0;
    let take = |rng: &mut Rng, v: &mut Vec<usize>| -> Option<usize> {
        (!v.is_empty()).then(|| v.swap_remove(rng.below(v.len() as u64) as usize))
    };
    let mut kind = 0usize;
    let mut misses = 0;
    while rows < n && misses < 4 {
        kind = (kind + 1) % 4;
        let line = match kind {
            0 => take(&mut rng, &mut home)
                .map(|t| format!("{},stay,,{year},gen", data.teachers[t].id)),
            _ => {
                if moved.is_empty() {
                    None
                } else {
                    let (t, r) = moved.swap_remove(rng.below(moved.len() as u64) as usize);
                    let id = &data.teachers[t].id;
                    Some(match kind {
                        1 => format!("{id},to,{},{year},gen", data.schools[r].id),
                        2 => format!("{id},move,,{year},gen"),
                        _ => {
                            // Any school but the host.
                            let k = data.schools.len() as u64;
                            let mut y = rng.below(k) as usize;
                            if y == r {
                                y = (y + 1) % data.schools.len();
                            }
                            format!("{id},not_to,{},{year},gen", data.schools[y].id)
                        }
                    })
                }
            }
        };
        match line {
            Some(l) => {
                out.push_str(&l);
                out.push('\n');
                rows += 1;
                misses = 0;
            }
            None => misses += 1,
        }
    }
    Ok((out, rows))
}
