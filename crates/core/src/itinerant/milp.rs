//! The exact optimiser of one component: a MILP per objective level, built with
//! good_lp and solved by microlp, each level fixing the optimum of the one before.
//!
//! Variables, per host group g = (teacher t, host h): `x[g][k]` lessons of need k,
//! `n[g]` weekdays t spends at h, `z[g]` whether t goes to h at all (only when the
//! school limit can bind); per teacher `u[t]` whether t teaches away at all.
//! Weekdays are interchangeable (needs are weekly), so choosing how many days t spends
//! at each host is enough: any n with Σ n ≤ free days can be laid out on distinct days.
//! Constraints: Σ_k x[g][k] ≤ max_periods_per_day · n[g]; Σ_g n[g] ≤ free days of t;
//! Σ x of t ≤ spare; Σ z of t ≤ max_schools_per_teacher; n[g] ≤ cap · z[g] (or u[t]);
//! z[g] ≤ u[t]; Σ x of need k ≤ its periods. Identical teachers (same home, subject,
//! spare lessons and free days) are used in input order (u[i] ≥ u[i+1]), which removes
//! symmetric branches without losing an optimum.
//! Levels: (1) max Σ x; (2) min Σ u; (3) min Σ distance_m · n.

use super::unit::Comp;
use good_lp::ResolutionError;
use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolutionStatus,
    SolverModel, Variable, WithTimeLimit,
};

/// A safety net per solve, for pathological components; hitting it makes the result
/// `optimal: false` (and timing-dependent), which no township of realistic size does.
const TIME_LIMIT_SECONDS: f64 = 60.0;

/// The solution of one component.
#[derive(Debug, Clone)]
pub(super) struct Solved {
    /// Per host group: lessons per need of the group (same order as `HostGroup::needs`).
    pub x: Vec<Vec<u32>>,
    /// Whether every level was proven optimal.
    pub optimal: bool,
}

struct Model {
    pv: ProblemVariables,
    x: Vec<Vec<Variable>>,
    n: Vec<Variable>,
    u: Vec<Variable>,
    cons: Vec<good_lp::Constraint>,
    covered: Expression,
    teachers: Expression,
    travel: Expression,
}

fn ceil_div(a: u32, b: u32) -> u32 {
    a.div_ceil(b.max(1))
}

fn build(c: &Comp) -> Model {
    let m = c.max_periods_per_day.max(1);
    let mut pv = ProblemVariables::new();
    let mut cons = Vec::new();
    let nt = c.teachers.len();
    let u: Vec<Variable> = (0..nt).map(|_| pv.add(variable().binary())).collect();
    let mut x = Vec::with_capacity(c.groups.len());
    let mut n = Vec::with_capacity(c.groups.len());
    let mut covered = Expression::from(0.0);
    let mut travel = Expression::from(0.0);
    let mut t_x: Vec<Expression> = vec![Expression::from(0.0); nt];
    let mut t_n: Vec<Expression> = vec![Expression::from(0.0); nt];
    let mut t_z: Vec<Expression> = vec![Expression::from(0.0); nt];
    let mut t_xub = vec![0u32; nt];
    let mut t_nub = vec![0u32; nt];
    let mut t_groups = vec![0u32; nt];
    let mut k_x: Vec<Expression> = vec![Expression::from(0.0); c.needs.len()];
    let mut k_ub = vec![0u32; c.needs.len()];
    for g in &c.groups {
        t_groups[g.teacher] += 1;
    }
    for g in &c.groups {
        let ti = g.teacher;
        let t = &c.teachers[ti];
        let days = u32::try_from(t.days.len()).unwrap_or(u32::MAX);
        let here: u32 = g.needs.iter().map(|&k| c.needs[k].periods).sum();
        let x_cap = t.spare.min(m.saturating_mul(days)).min(here);
        let n_cap = days.min(ceil_div(x_cap, m));
        let mut xs = Vec::with_capacity(g.needs.len());
        let mut sum = Expression::from(0.0);
        for &k in &g.needs {
            let ub = x_cap.min(c.needs[k].periods);
            let v = pv.add(variable().integer().min(0).max(ub));
            k_ub[k] = k_ub[k].saturating_add(ub);
            k_x[k].add_mul(1.0, v);
            sum.add_mul(1.0, v);
            xs.push(v);
        }
        let nv = pv.add(variable().integer().min(0).max(n_cap));
        cons.push(constraint!(sum.clone() <= f64::from(m) * nv));
        covered += sum.clone();
        t_x[ti] += sum;
        t_n[ti].add_mul(1.0, nv);
        t_xub[ti] = t_xub[ti].saturating_add(x_cap);
        t_nub[ti] = t_nub[ti].saturating_add(n_cap);
        travel.add_mul(g.distance_m as f64, nv);
        if t_groups[ti] > c.max_schools {
            let z = pv.add(variable().binary());
            cons.push(constraint!(nv <= f64::from(n_cap) * z));
            cons.push(constraint!(z <= u[ti]));
            t_z[ti].add_mul(1.0, z);
        } else {
            cons.push(constraint!(nv <= f64::from(n_cap) * u[ti]));
        }
        x.push(xs);
        n.push(nv);
    }
    for (ti, t) in c.teachers.iter().enumerate() {
        let days = u32::try_from(t.days.len()).unwrap_or(u32::MAX);
        if t_nub[ti] > days {
            cons.push(constraint!(t_n[ti].clone() <= f64::from(days)));
        }
        if t_xub[ti] > t.spare {
            cons.push(constraint!(t_x[ti].clone() <= f64::from(t.spare)));
        }
        if t_groups[ti] > c.max_schools {
            cons.push(constraint!(t_z[ti].clone() <= f64::from(c.max_schools)));
        }
    }
    for (k, need) in c.needs.iter().enumerate() {
        if k_ub[k] > need.periods {
            cons.push(constraint!(k_x[k].clone() <= f64::from(need.periods)));
        }
    }
    // Symmetry: identical teachers are used in input order.
    for i in 0..nt {
        if let Some(j) = (i + 1..nt).find(|&j| identical(c, i, j)) {
            cons.push(constraint!(u[i] >= u[j]));
        }
    }
    let mut teachers = Expression::from(0.0);
    for &v in &u {
        teachers.add_mul(1.0, v);
    }
    Model {
        pv,
        x,
        n,
        u,
        cons,
        covered,
        teachers,
        travel,
    }
}

/// Teachers i and j can swap every lesson: same home, spare lessons, free days, and
/// the same host groups (hosts, distances, needs).
fn identical(c: &Comp, i: usize, j: usize) -> bool {
    let (a, b) = (&c.teachers[i], &c.teachers[j]);
    if a.home != b.home || a.spare != b.spare || a.days.len() != b.days.len() {
        return false;
    }
    let ga = c.groups.iter().filter(|g| g.teacher == i);
    let gb = c.groups.iter().filter(|g| g.teacher == j);
    ga.map(|g| (g.host, g.distance_m, &g.needs))
        .eq(gb.map(|g| (g.host, g.distance_m, &g.needs)))
}

#[derive(Clone, Copy)]
enum Level {
    Covered,
    Teachers,
    Travel,
}

/// The result of one solve: the lessons per host group and need, and the level's
/// optimum.
struct Outcome {
    x: Vec<Vec<u32>>,
    objective: u64,
    optimal: bool,
}

fn run(c: &Comp, level: Level, fixed: &[(Level, u64)]) -> Result<Outcome, ResolutionError> {
    let Model {
        pv,
        x,
        n,
        u,
        cons,
        covered,
        teachers,
        travel,
    } = build(c);
    let objective = match level {
        Level::Covered => covered.clone(),
        Level::Teachers => teachers.clone(),
        Level::Travel => travel.clone(),
    };
    let problem = match level {
        Level::Covered => pv.maximise(objective.clone()),
        Level::Teachers | Level::Travel => pv.minimise(objective.clone()),
    };
    let mut model = problem.using(microlp).with_time_limit(TIME_LIMIT_SECONDS);
    for con in cons {
        model = model.with(con);
    }
    for &(l, v) in fixed {
        let v = v as f64;
        model = model.with(match l {
            Level::Covered => constraint!(covered.clone() >= v),
            Level::Teachers => constraint!(teachers.clone() <= v),
            Level::Travel => constraint!(travel.clone() <= v),
        });
    }
    let sol = model.solve()?;
    let optimal = matches!(sol.status(), SolutionStatus::Optimal);
    let _ = (n, u);
    // Integer variables come back as doubles within the solver's tolerance.
    let x = x
        .iter()
        .map(|xs| {
            xs.iter()
                .map(|&v| sol.value(v).round().max(0.0) as u32)
                .collect()
        })
        .collect();
    let objective = sol.eval(&objective).round().max(0.0) as u64;
    Ok(Outcome {
        x,
        objective,
        optimal,
    })
}

/// Solves one component for the three levels in turn.
pub(super) fn solve(c: &Comp) -> Result<Solved, ResolutionError> {
    let l1 = run(c, Level::Covered, &[])?;
    if l1.objective == 0 {
        return Ok(Solved {
            x: c.groups.iter().map(|g| vec![0; g.needs.len()]).collect(),
            optimal: l1.optimal,
        });
    }
    let l2 = run(c, Level::Teachers, &[(Level::Covered, l1.objective)])?;
    let (l2_optimal, teachers) = (l2.optimal, l2.objective);
    let travel_matters = c.groups.iter().any(|g| g.distance_m > 0);
    let last = if travel_matters {
        run(
            c,
            Level::Travel,
            &[(Level::Covered, l1.objective), (Level::Teachers, teachers)],
        )?
    } else {
        l2
    };
    let optimal = l1.optimal && l2_optimal && last.optimal;
    Ok(Solved { x: last.x, optimal })
}
