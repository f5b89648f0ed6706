//! The independent reference of the planner's differential tests: a per-teacher MILP
//! (one binary per eligible teacher and post, no aggregation, no decomposition), and a
//! small random generator of multi-district instances.
//!
//! It shares with the planner only the rule definitions it must obey (`eligibility`,
//! `allowed`, `subject_fits`); quota, cap, open posts and the backbone rule are
//! computed here from scratch, and so is the steering of a plan (pins, wishes, `--previous`):
//! which pins are in force in the year and what each kind asks, which moves keep a
//! previous move, which meet a wish of which rank — read from the raw pins, wishes and
//! previous moves of the dataset, never through the planner's or the checker's steering
//! code. Levels (1) shortfall and (2) priority are folded into one weighted objective;
//! levels (3) previous moves kept and (4) wishes met by rank are then optimised one
//! after the other, each earlier level held at its optimum by a constraint.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use good_lp::{
    constraint, microlp, variable, Constraint, Expression, ProblemVariables, Solution, SolverModel,
};
use rotaplan_core::eligibility;
use rotaplan_core::model::*;
use rotaplan_core::plan::allowed;
use rotaplan_core::rules::{BackboneLevel, Rules, Share};
use std::collections::BTreeMap;

/// xorshift64: deterministic, seeded, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self, k: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % k.max(1)
    }
    pub fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.next(xs.len() as u64) as usize].clone()
    }
}

/// Quota, cap, open posts and verdicts of one year, computed from scratch.
struct Year {
    verdicts: Vec<eligibility::Verdict>,
    idx: BTreeMap<SchoolId, usize>,
    /// (school, subject) → (open posts, priority).
    posts: BTreeMap<(usize, Subject), (u32, u32)>,
    quota: Vec<u32>,
    cap: Vec<u32>,
}

fn year_facts(d: &Dataset, rules: &Rules, year: i32) -> Year {
    let verdicts = eligibility::assess(d, rules, year, &d.ledger).unwrap();
    let idx: BTreeMap<SchoolId, usize> = d
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let mut posts: BTreeMap<(usize, Subject), (u32, u32)> = BTreeMap::new();
    for n in &d.needs {
        let e = posts
            .entry((idx[&n.school], n.subject.clone()))
            .or_insert((0, n.priority));
        assert_eq!(e.1, n.priority, "one priority per school and subject");
        e.0 += n.count;
    }
    for e in &d.ledger {
        let held =
            e.status != LedgerStatus::Cancelled && e.start_year <= year && year <= e.end_year;
        if held {
            if let Some(p) = posts.get_mut(&(idx[&e.to_school], e.subject.clone())) {
                p.0 = p.0.saturating_sub(1);
            }
        }
    }
    let mut eligible = vec![0u32; d.schools.len()];
    let mut roster = vec![0u32; d.schools.len()];
    for (t, v) in d.teachers.iter().zip(&verdicts) {
        let s = idx[&t.school];
        if v.eligible() {
            eligible[s] += 1;
        }
        if year - t.birth_year < rules.retirement_age(t.gender) {
            roster[s] += 1;
        }
    }
    let q = &rules.quota;
    let quota: Vec<u32> = eligible
        .iter()
        .map(|&e| q.min_share_of_eligible.ceil_mul(e))
        .collect();
    let cap: Vec<u32> = (0..d.schools.len())
        .map(|s| {
            let c = q
                .max_outflow_share_of_staff
                .floor_mul(d.schools[s].staff.unwrap_or(roster[s]))
                .max(1);
            if q.fill_beyond_quota {
                c
            } else {
                c.min(quota[s])
            }
        })
        .collect();
    Year {
        verdicts,
        idx,
        posts,
        quota,
        cap,
    }
}

/// What steering asks of one teacher in the year, read from the raw pins, wishes and
/// previous moves.
#[derive(Debug, Clone, Default)]
struct TeacherSteer {
    /// A `stay` pin in force: not moved.
    stay: bool,
    /// A `move` or `to` pin in force: moved.
    forced: bool,
    /// `to` pins in force: moved to each of these schools (two different ones cannot
    /// both hold).
    to: Vec<usize>,
    /// `not_to` pins in force: never moved to these schools.
    not_to: Vec<usize>,
    /// Host schools that keep a previous move of the teacher.
    kept: Vec<usize>,
    /// Host school → the rank of the teacher's wish for it (the best, if several).
    rank: BTreeMap<usize, u8>,
}

impl TeacherSteer {
    fn is_plain(&self) -> bool {
        !self.stay
            && !self.forced
            && self.to.is_empty()
            && self.not_to.is_empty()
            && self.kept.is_empty()
            && self.rank.is_empty()
    }
    /// Whether the pins let the teacher fill a post at school `r`.
    fn admits(&self, r: usize) -> bool {
        !self.stay && self.to.iter().all(|&x| x == r) && !self.not_to.contains(&r)
    }
}

/// Each teacher's steering in plan year `year`. A pin applies when its year is empty or
/// is `year`; pins and wishes naming unknown teachers or schools are skipped (the
/// loader refuses them).
fn steering(d: &Dataset, idx: &BTreeMap<SchoolId, usize>, year: i32) -> Vec<TeacherSteer> {
    use rotaplan_core::model::steering::PinAction;
    let mut out = vec![TeacherSteer::default(); d.teachers.len()];
    let teacher = |id: &TeacherId| d.teachers.iter().position(|t| &t.id == id);
    for p in &d.steering.pins {
        if p.year.is_some_and(|y| y != year) {
            continue;
        }
        let Some(ti) = teacher(&p.teacher) else {
            continue;
        };
        let o = &mut out[ti];
        match &p.action {
            PinAction::Stay => o.stay = true,
            PinAction::Move => o.forced = true,
            PinAction::To(x) => {
                if let Some(&r) = idx.get(x) {
                    o.forced = true;
                    o.to.push(r);
                }
            }
            PinAction::NotTo(x) => {
                if let Some(&r) = idx.get(x) {
                    o.not_to.push(r);
                }
            }
        }
    }
    for w in &d.steering.wishes {
        if let (Some(ti), Some(&r)) = (teacher(&w.teacher), idx.get(&w.school)) {
            if (1..=5).contains(&w.rank) {
                let e = out[ti].rank.entry(r).or_insert(w.rank);
                *e = (*e).min(w.rank);
            }
        }
    }
    for m in d.steering.previous.iter().flatten() {
        if let (Some(ti), Some(&r)) = (teacher(&m.teacher), idx.get(&m.to)) {
            out[ti].kept.push(r);
        }
    }
    out
}

/// Who may be moved where: one unit per eligible teacher (`per_teacher`), or one per
/// class of interchangeable teachers (same school, subject and backbone flag) and one
/// per teacher that steering singles out.
struct Movers {
    units: Vec<Unit>,
    /// A teacher pinned to move who is not eligible: no plan holds the pins.
    pinned_ineligible: bool,
}

struct Unit {
    school: usize,
    subject: Subject,
    backbone: bool,
    /// How many teachers (1 for a teacher's own unit).
    n: u32,
    /// The steering of a teacher's own unit (`None` for a class).
    steer: Option<TeacherSteer>,
}

fn movers(d: &Dataset, y: &Year, year: i32, per_teacher: bool) -> Movers {
    let steer = steering(d, &y.idx, year);
    let mut units = Vec::new();
    let mut pinned_ineligible = false;
    let mut classes: BTreeMap<(usize, Subject, bool), u32> = BTreeMap::new();
    for (ti, t) in d.teachers.iter().enumerate() {
        let st = &steer[ti];
        if !y.verdicts[ti].eligible() {
            pinned_ineligible |= st.forced;
            continue;
        }
        let s = y.idx[&t.school];
        if per_teacher || !st.is_plain() {
            units.push(Unit {
                school: s,
                subject: t.subject.clone(),
                backbone: t.is_backbone(),
                n: 1,
                steer: Some(st.clone()),
            });
        } else {
            *classes
                .entry((s, t.subject.clone(), t.is_backbone()))
                .or_default() += 1;
        }
    }
    units.extend(classes.into_iter().map(|((s, subject, b), n)| Unit {
        school: s,
        subject,
        backbone: b,
        n,
        steer: None,
    }));
    Movers {
        units,
        pinned_ineligible,
    }
}

/// The optimum of every level of the objective: (1) shortfall, (2) priority filled,
/// (3) previous moves kept, (4) moved teachers placed at their wish of rank 1, …, 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    pub shortfall: u64,
    pub priority: u64,
    pub kept: u64,
    pub wishes: [u64; 5],
}

/// The lexicographic optimum of every level in the per-teacher model: one binary per
/// eligible teacher and open post (school, subject), under the pins in force; `None`
/// when no plan holds every pin.
pub fn per_teacher_levels(d: &Dataset, rules: &Rules, year: i32) -> Option<Levels> {
    let y = year_facts(d, rules, year);
    let m = movers(d, &y, year, true);
    optimum(d, rules, &y, &m)
}

/// [`per_teacher_levels`] with one integer per class of interchangeable teachers
/// without steering: an exact aggregation that microlp solves far faster.
pub fn per_class_levels(d: &Dataset, rules: &Rules, year: i32) -> Option<Levels> {
    let y = year_facts(d, rules, year);
    let m = movers(d, &y, year, false);
    optimum(d, rules, &y, &m)
}

/// The lexicographic optimum (shortfall, priority filled) of the per-teacher model.
pub fn per_teacher_optimum(d: &Dataset, rules: &Rules, year: i32) -> (u64, u64) {
    let l = per_teacher_levels(d, rules, year).expect("a plan holds every pin");
    (l.shortfall, l.priority)
}

/// The same with one integer per class of interchangeable teachers (same school,
/// subject and backbone flag) and open post. `agrees_with_per_teacher_model_on_random_instances`
/// and the robustness harness's debug cases check the two agree.
pub fn per_class_optimum(d: &Dataset, rules: &Rules, year: i32) -> (u64, u64) {
    let l = per_class_levels(d, rules, year).expect("a plan holds every pin");
    (l.shortfall, l.priority)
}

/// One build of the model: its variables, constraints and the expressions of every
/// level.
struct Model {
    pv: ProblemVariables,
    cons: Vec<Constraint>,
    short: Expression,
    prio: Expression,
    kept: Expression,
    wish: [Expression; 5],
    /// Whether the level has any term at all (a level without one is 0).
    has_kept: bool,
    has_wish: [bool; 5],
}

fn build(d: &Dataset, rules: &Rules, y: &Year, m: &Movers) -> Model {
    let q = &rules.quota;
    let (posts, quota, cap) = (&y.posts, &y.quota, &y.cap);
    let mut pv = ProblemVariables::new();
    let mut into: BTreeMap<(usize, Subject), Expression> = BTreeMap::new();
    let mut sent = vec![Expression::from(0.0); d.schools.len()];
    let mut bsent = vec![Expression::from(0.0); d.schools.len()];
    let mut prio = Expression::from(0.0);
    let mut kept = Expression::from(0.0);
    let mut wish: [Expression; 5] = std::array::from_fn(|_| Expression::from(0.0));
    let (mut has_kept, mut has_wish) = (false, [false; 5]);
    let mut cons = Vec::new();
    for u in &m.units {
        let s = u.school;
        let mut mine = Expression::from(0.0);
        for ((r, ps), &(count, p)) in posts {
            let r = *r;
            if count == 0
                || !rules.subject_fits(&u.subject, ps)
                || !allowed(&d.schools[s], &d.schools[r], rules)
                || u.steer.as_ref().is_some_and(|st| !st.admits(r))
            {
                continue;
            }
            let x = if u.n == 1 {
                pv.add(variable().binary())
            } else {
                pv.add(variable().integer().min(0).max(u.n))
            };
            mine += x;
            *into
                .entry((r, ps.clone()))
                .or_insert_with(|| Expression::from(0.0)) += x;
            sent[s] += x;
            if u.backbone {
                bsent[s] += x;
            }
            prio.add_mul(f64::from(p), x);
            if let Some(st) = &u.steer {
                if st.kept.contains(&r) {
                    kept += x;
                    has_kept = true;
                }
                if let Some(&k) = st.rank.get(&r) {
                    let k = usize::from(k - 1);
                    wish[k] += x;
                    has_wish[k] = true;
                }
            }
        }
        if u.steer.as_ref().is_some_and(|st| st.forced) {
            cons.push(constraint!(mine == 1.0));
        } else {
            cons.push(constraint!(mine <= f64::from(u.n)));
        }
    }
    for (k, e) in into {
        cons.push(constraint!(e <= f64::from(posts[&k].0)));
    }
    let mut short = Expression::from(0.0);
    let (num, den) = q.min_backbone_share.ratio();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (s, sc) in d.schools.iter().enumerate() {
        cons.push(constraint!(sent[s].clone() <= f64::from(cap[s])));
        let sh = pv.add(variable().min(0));
        cons.push(constraint!(sh + sent[s].clone() >= f64::from(quota[s])));
        short += sh;
        let key = match q.backbone_share_level {
            BackboneLevel::School => sc.id.to_string(),
            BackboneLevel::District => sc.district.clone(),
            BackboneLevel::Plan => String::new(),
        };
        groups.entry(key).or_default().push(s);
    }
    for members in groups.values() {
        let k = pv.add(variable().integer().min(0));
        let b = pv.add(variable().min(0));
        let gs: Expression = members.iter().map(|&s| sent[s].clone()).sum();
        let gb: Expression = members.iter().map(|&s| bsent[s].clone()).sum();
        // k = ceil(share × sent) exactly (a larger k never helps either level; the
        // upper side only tightens the relaxation microlp branches on).
        cons.push(constraint!(den as f64 * k >= num as f64 * gs.clone()));
        cons.push(constraint!(
            den as f64 * k <= num as f64 * gs + (den - 1) as f64
        ));
        cons.push(constraint!(b + gb >= k));
        short += b;
    }
    Model {
        pv,
        cons,
        short,
        prio,
        kept,
        wish,
        has_kept,
        has_wish,
    }
}

/// The levels one after the other: (1) and (2) as one weighted objective, then (3)
/// and each rank of (4) alone, every earlier level held at its optimum. `None` when
/// the model has no solution (the pins cannot all hold).
fn optimum(d: &Dataset, rules: &Rules, y: &Year, m: &Movers) -> Option<Levels> {
    if m.pinned_ineligible {
        return None;
    }
    // A unit of shortfall outweighs all the priority there is, so the weighted minimum
    // is the lexicographic optimum of (1) and (2) (all values are small integers,
    // exact in doubles).
    let weight = 1.0
        + y.posts
            .values()
            .map(|&(c, p)| f64::from(c) * f64::from(p))
            .sum::<f64>();
    // The levels found so far, as (level, optimum): 0 shortfall, 1 priority, 2 kept,
    // 3 + k wishes of rank k + 1.
    let mut found: Vec<(usize, f64)> = Vec::new();
    let level = |md: &Model, l: usize| -> Expression {
        match l {
            0 => md.short.clone(),
            1 => md.prio.clone(),
            2 => md.kept.clone(),
            k => md.wish[k - 3].clone(),
        }
    };
    for stage in 1..8 {
        let md = build(d, rules, y, m);
        let open = match stage {
            1 => true,
            2 => md.has_kept,
            k => md.has_wish[k - 3],
        };
        if !open {
            found.push((stage, 0.0));
            continue;
        }
        let mut cons = Vec::new();
        for &(l, v) in &found {
            // Held at their optimum (integers, exact in doubles; a looser bound would
            // let the relaxation trade the levels and slow the search down).
            if l == 0 {
                cons.push(constraint!(level(&md, l) <= v));
            } else {
                cons.push(constraint!(level(&md, l) >= v));
            }
        }
        let (short, prio, this) = (md.short.clone(), md.prio.clone(), level(&md, stage));
        let problem = if stage == 1 {
            md.pv.minimise(weight * short.clone() - prio.clone())
        } else {
            md.pv.maximise(this.clone())
        };
        let mut model = problem.using(microlp);
        for c in md.cons.into_iter().chain(cons) {
            model.add_constraint(c);
        }
        let sol = match model.solve() {
            Ok(sol) => sol,
            Err(_) if stage == 1 => return None,
            Err(e) => panic!("stage {stage} after a feasible stage 1: {e}"),
        };
        if stage == 1 {
            found.push((0, sol.eval(&short).round()));
            found.push((1, sol.eval(&prio).round()));
        } else {
            found.push((stage, sol.eval(&this).round()));
        }
    }
    let v: BTreeMap<usize, u64> = found.into_iter().map(|(l, v)| (l, v as u64)).collect();
    Some(Levels {
        shortfall: v[&0],
        priority: v[&1],
        kept: v[&2],
        wishes: std::array::from_fn(|k| v[&(3 + k)]),
    })
}

const SUBJECTS: [&str; 4] = ["math", "chinese", "english", "music"];

/// A pin of a random kind on any teacher and school, for every year, drawn with
/// `next(k)` (a number below k): teacher, school, kind.
pub fn any_pin(
    d: &Dataset,
    row: u32,
    mut next: impl FnMut(u64) -> u64,
) -> rotaplan_core::model::steering::Pin {
    use rotaplan_core::model::steering::{Pin, PinAction};
    let teacher = d.teachers[next(d.teachers.len() as u64) as usize]
        .id
        .clone();
    let x = d.schools[next(d.schools.len() as u64) as usize].id.clone();
    let action = match next(4) {
        0 => PinAction::Stay,
        1 => PinAction::Move,
        2 => PinAction::To(x),
        _ => PinAction::NotTo(x),
    };
    Pin {
        row,
        teacher,
        action,
        year: None,
        note: String::new(),
    }
}

/// A random instance of about `teachers` teachers in `1 + teachers / 300` districts of
/// 6–9 schools each; urban non-weak schools post no needs.
pub fn instance(seed: u64, teachers: usize) -> Dataset {
    let mut g = Rng::new(seed);
    let mut d = Dataset::default();
    let districts = 1 + teachers / 300;
    let schools_per = 6 + g.next(4) as usize;
    for di in 0..districts {
        for si in 0..schools_per {
            let locality = match si % 3 {
                0 => Locality::Urban,
                1 => Locality::Town,
                _ => Locality::Rural,
            };
            d.schools.push(School {
                id: SchoolId::new(format!("D{di}S{si}")),
                name: String::new(),
                district: format!("D{di}"),
                township: None,
                locality,
                weak: g.next(6) == 0,
                stage: if g.next(5) == 0 {
                    Stage::Junior
                } else {
                    Stage::Primary
                },
                coord: Some((
                    28.0 + di as f64 + g.next(40) as f64 / 100.0,
                    115.0 + g.next(40) as f64 / 100.0,
                )),
                staff: None,
            });
        }
    }
    let n = d.schools.len() as u64;
    for i in 0..teachers {
        let s = &d.schools[g.next(n) as usize];
        d.teachers.push(Teacher {
            id: TeacherId::new(format!("T{i:05}")),
            name: String::new(),
            gender: if g.next(3) == 0 { Gender::M } else { Gender::F },
            birth_year: 1968 + g.next(30) as i32,
            school: s.id.clone(),
            subject: Subject::new(SUBJECTS[g.next(4) as usize]),
            title: Title::Intermediate,
            backbone: if g.next(5) == 0 {
                Backbone::County
            } else {
                Backbone::None
            },
            role: Role::Teacher,
            joined_school_year: 2000 + g.next(21) as i32,
            status: Status::Active,
            volunteer: g.next(10) == 0,
            birth_month: 1,
            retirement_age: None,
        });
    }
    for s in d.schools.clone() {
        if s.locality == Locality::Urban && !s.weak {
            continue;
        }
        for subj in SUBJECTS {
            if g.next(2) == 0 {
                d.needs.push(Need {
                    school: s.id.clone(),
                    subject: Subject::new(subj),
                    count: g.next(4) as u32,
                    priority: 1 + g.next(3) as u32,
                    year: None,
                });
            }
        }
    }
    d
}

/// Random quota and backbone rules (the rest default: same district, 30 km).
pub fn rules_for(seed: u64) -> Rules {
    let mut r = Rules::default();
    let mut g = Rng(seed | 1);
    r.quota.min_share_of_eligible =
        Share::parse(["0.1", "0.2", "0.3"][g.next(3) as usize]).unwrap();
    r.quota.min_backbone_share = Share::parse(["0.2", "0.5"][g.next(2) as usize]).unwrap();
    r.quota.backbone_share_level = [
        BackboneLevel::School,
        BackboneLevel::District,
        BackboneLevel::Plan,
    ][g.next(3) as usize];
    r.quota.fill_beyond_quota = g.next(2) == 0;
    r
}
