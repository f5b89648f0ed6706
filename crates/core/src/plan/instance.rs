//! One component as a small text file, to study and test the solver on a single hard
//! component in seconds instead of re-running a horizon.
//!
//! `ROTAPLAN_DUMP_DIR=DIR` makes `plan` (and every command that plans) write each
//! component whose first quick search did not close to `DIR/component-HASH.txt`;
//! `cargo run --release --example component -- FILE…` solves such files and prints
//! what the solver did. Tests build instances with [`read`].
//!
//! The format is line based, one record per line, fields separated by spaces:
//!
//! ```text
//! share NUM DEN
//! sender SCHOOL QUOTA CAP
//! supply SENDER SUBJECT NB_NV NB_V B_NV B_V MANDATORY(0|1) FORCED(0|1)
//! group SUBJECT PRIORITY CAPACITY SENDER,SENDER,…
//! arc SUPPLY GROUP
//! backbone SENDER,SENDER,…
//! ```
//!
//! Subjects are written without spaces (the loader's normalised words); post groups'
//! member schools and supplies' teachers are not kept (the solver reads neither).

use super::problem::{Component, PostGroup, Sender, Supply};
use crate::model::Subject;
use std::fmt::Write as _;

/// The component as text (see the module header).
pub fn write(comp: &Component) -> String {
    let mut out = String::new();
    let list = |v: &[usize]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        }
    };
    let _ = writeln!(
        out,
        "share {} {}",
        comp.backbone_share.0, comp.backbone_share.1
    );
    for s in &comp.senders {
        let _ = writeln!(out, "sender {} {} {}", s.school, s.quota, s.cap);
    }
    for s in &comp.supplies {
        let c = s.counts;
        let _ = writeln!(
            out,
            "supply {} {} {} {} {} {} {} {}",
            s.sender,
            s.subject.as_str().replace(' ', "_"),
            c[0][0],
            c[0][1],
            c[1][0],
            c[1][1],
            u8::from(s.mandatory_leaders),
            u8::from(s.forced)
        );
    }
    for g in &comp.groups {
        let _ = writeln!(
            out,
            "group {} {} {} {}",
            g.subject.as_str().replace(' ', "_"),
            g.priority,
            g.capacity,
            list(&g.senders)
        );
    }
    for &(si, gi) in &comp.arcs {
        let _ = writeln!(out, "arc {si} {gi}");
    }
    for b in &comp.backbone_groups {
        let _ = writeln!(out, "backbone {}", list(b));
    }
    out
}

/// A component file that [`read`] cannot read; its help says where such files come
/// from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstanceError {
    /// A line that is not one of the file's line kinds, or has a field that is not a
    /// number.
    #[error("line {line}: cannot read `{text}`")]
    Line {
        /// Line number, from 1.
        line: usize,
        text: String,
    },
    /// Every line reads, but an index points past the senders, supplies or groups.
    #[error("an index points past the senders, supplies or groups")]
    Index,
}

impl InstanceError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        "component files are written by `ROTAPLAN_DUMP_DIR=DIR rotaplan plan …`; read one unedited"
    }
}

/// Reads a component written by [`write`]; the error names the line.
pub fn read(text: &str) -> Result<Component, InstanceError> {
    let mut c = Component::default();
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        let bad = || InstanceError::Line {
            line: n + 1,
            text: line.to_string(),
        };
        let num = |i: usize| -> Result<u32, InstanceError> {
            f.get(i).and_then(|x| x.parse().ok()).ok_or_else(bad)
        };
        let list = |i: usize| -> Result<Vec<usize>, InstanceError> {
            match f.get(i) {
                Some(&"-") => Ok(Vec::new()),
                Some(x) => x.split(',').map(|p| p.parse().map_err(|_| bad())).collect(),
                None => Err(bad()),
            }
        };
        match f[0] {
            "share" => {
                let p = |i: usize| -> Result<i64, InstanceError> {
                    f.get(i).and_then(|x| x.parse().ok()).ok_or_else(bad)
                };
                c.backbone_share = (p(1)?, p(2)?);
            }
            "sender" => c.senders.push(Sender {
                school: num(1)? as usize,
                quota: num(2)?,
                cap: num(3)?,
            }),
            "supply" => c.supplies.push(Supply {
                sender: num(1)? as usize,
                subject: Subject::new(*f.get(2).ok_or_else(bad)?),
                counts: [[num(3)?, num(4)?], [num(5)?, num(6)?]],
                mandatory_leaders: num(7)? == 1,
                teacher: None,
                forced: num(8)? == 1,
                // A dump keeps the aggregated model only: no wish or previous-plan
                // rewards (components with them are solved in full by `plan`).
                targets: Vec::new(),
            }),
            "group" => c.groups.push(PostGroup {
                subject: Subject::new(*f.get(1).ok_or_else(bad)?),
                priority: num(2)?,
                capacity: num(3)?,
                members: Vec::new(),
                senders: list(4)?,
            }),
            "arc" => c.arcs.push((num(1)? as usize, num(2)? as usize)),
            "backbone" => c.backbone_groups.push(list(1)?),
            _ => return Err(bad()),
        }
    }
    let ns = c.senders.len();
    let ok = c.supplies.iter().all(|s| s.sender < ns)
        && c.arcs
            .iter()
            .all(|&(si, gi)| si < c.supplies.len() && gi < c.groups.len())
        && c.backbone_groups.iter().flatten().all(|&p| p < ns);
    if !ok {
        return Err(InstanceError::Index);
    }
    Ok(c)
}

/// What solving one component did: for the example and for tests.
#[derive(Debug, Clone)]
pub struct Solved {
    pub optimal: bool,
    pub nodes: usize,
    /// Shortfall (quota and backbone) and priority filled of the plan found.
    pub shortfall: u64,
    pub priority: u64,
}

/// Solves `comp` as `plan` does (or, with `probe`, as a probe horizon of the target
/// search does), within the work of `time_limit` seconds.
pub fn solve(comp: &Component, time_limit: f64, probe: bool) -> Result<Solved, super::SolverError> {
    let sol = super::solve_component(comp, time_limit, super::Order::of(probe))?;
    let (shortfall, priority) = super::unproven::levels(comp, &sol);
    Ok(Solved {
        optimal: super::proven(&sol),
        nodes: sol.nodes,
        shortfall,
        priority,
    })
}

/// Writes `comp` to `dir/component-HASH.txt` (the hash of its text, so one component
/// met in several runs is one file). Errors are ignored: a debugging aid.
pub fn dump(comp: &Component, dir: &std::path::Path) {
    use std::hash::{Hash, Hasher};
    let text = write(comp);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(dir.join(format!("component-{:016x}.txt", h.finish())), text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        let text = "share 1 5\nsender 3 2 2\nsender 4 1 3\nsupply 0 math 1 0 1 0 0 0\n\
                    supply 1 music 0 1 0 0 0 1\ngroup math 2 1 0,1\ngroup music 1 2 1\n\
                    arc 0 0\narc 1 1\nbackbone 0\nbackbone 1\n";
        let c = read(text).unwrap();
        assert_eq!(write(&c), text);
        assert!(read("sender 1 2").is_err());
        assert!(read("arc 0 0\n").is_err());
    }

    /// A component of a target-search probe of the Nanchang 2021–2025 horizon (share
    /// 0.03, a fixed charge per school): the search closes it after hundreds of nodes,
    /// a probe's order hands it to the MILP after a few dozen. Both must prove the
    /// same optimum of levels (1) and (2).
    #[test]
    fn probe_order_proves_the_same_optimum() {
        let c = read(include_str!("instance_probe_case.txt")).unwrap();
        let plan = solve(&c, 15.0, false).unwrap();
        let probe = solve(&c, 15.0, true).unwrap();
        assert!(plan.optimal && probe.optimal);
        assert_eq!((plan.shortfall, plan.priority), (58, 42));
        assert_eq!((probe.shortfall, probe.priority), (58, 42));
    }

    /// A fixed-charge component of a target-search probe of the Nanchang 2021–2025
    /// horizon (a share of eligible between 0.03 and 0.05: 54 sending schools of quota
    /// 1–3 at backbone share 0.2, each owing one backbone
    /// teacher for its first teacher sent): before, neither the search (29,251 nodes)
    /// nor the folded MILP (800 nodes) proved it within `--time-limit 15`; the MILP
    /// solved one level at a time proves the optimum of levels (1) and (2) from the
    /// plans found within a budget of 2 seconds of work.
    #[test]
    fn fixed_charge_probe_closes_within_a_small_budget() {
        let c = read(include_str!("instance_fixed_charge_case.txt")).unwrap();
        let probe = solve(&c, 2.0, true).unwrap();
        assert!(probe.optimal);
        assert_eq!((probe.shortfall, probe.priority), (55, 71));
    }
}
