//! Robustness harness: random instances × random rule variants over every key that
//! changes the planning model (same_district, backbone level and share,
//! fill_beyond_quota, caps and staff, substitutes, stage match, directions, distance,
//! term and the ledger it leaves behind). Each case must be proven optimal within a
//! fixed work budget and reach the same lexicographic optimum (shortfall, then
//! priority filled) as the independent MILP of `plan_support` (the per-teacher model
//! with interchangeable teachers counted together; `plan_independent` checks that
//! the two agree).
//!
//! The debug suite runs a few dozen cases; the release run of 2,000 cases is
//! `cargo test --release --test it -- --ignored plan_robustness::` (`.ci/run` calls it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::plan_support;

use plan_support::{per_class_optimum, Rng};
use rotaplan_core::model::*;
use rotaplan_core::plan::{plan_year, PlanOptions};
use rotaplan_core::rules::{BackboneLevel, Rules, Share, StageMatch};
use std::time::Instant;

const YEAR: i32 = 2021;
const SUBJECTS: [&str; 4] = ["math", "chinese", "english", "music"];
const LOCALITIES: [Locality; 3] = [Locality::Urban, Locality::Town, Locality::Rural];

/// The work budget of one case: what `--time-limit 10` allows (deterministic, so a
/// case proven here is proven on any machine).
const CASE_TIME_LIMIT: f64 = 10.0;

/// A random instance of `districts` districts and about `teachers` teachers.
fn instance(g: &mut Rng, districts: usize, teachers: usize, spread: f64) -> Dataset {
    let mut d = Dataset::default();
    for di in 0..districts {
        let schools = 3 + g.next(13) as usize;
        for si in 0..schools {
            d.schools.push(School {
                id: SchoolId::new(format!("D{di}S{si:02}")),
                name: String::new(),
                district: format!("D{di}"),
                township: None,
                locality: g.pick(&LOCALITIES),
                weak: g.next(5) == 0,
                stage: g.pick(&[
                    Stage::Primary,
                    Stage::Primary,
                    Stage::Junior,
                    Stage::NineYear,
                ]),
                coord: (g.next(8) != 0).then(|| {
                    (
                        28.0 + di as f64 * 0.3 + g.next(1000) as f64 / 1000.0 * spread,
                        115.0 + g.next(1000) as f64 / 1000.0 * spread,
                    )
                }),
                staff: (g.next(3) == 0).then(|| 5 + g.next(60) as u32),
            });
        }
    }
    let n = d.schools.len() as u64;
    for i in 0..teachers {
        let s = d.schools[g.next(n) as usize].id.clone();
        d.teachers.push(Teacher {
            id: TeacherId::new(format!("T{i:05}")),
            name: String::new(),
            gender: g.pick(&[Gender::M, Gender::F, Gender::F]),
            birth_year: 1966 + g.next(32) as i32,
            school: s,
            subject: Subject::new(SUBJECTS[g.next(4) as usize]),
            title: Title::Intermediate,
            backbone: g.pick(&[
                Backbone::None,
                Backbone::None,
                Backbone::None,
                Backbone::County,
                Backbone::City,
            ]),
            role: g.pick(&[Role::Teacher, Role::Teacher, Role::Teacher, Role::Principal]),
            joined_school_year: 1998 + g.next(23) as i32,
            status: if g.next(15) == 0 {
                Status::Sick
            } else {
                Status::Active
            },
            volunteer: g.next(8) == 0,
            birth_month: 1,
            retirement_age: None,
        });
    }
    for s in d.schools.clone() {
        for subj in SUBJECTS {
            if g.next(3) == 0 {
                d.needs.push(Need {
                    school: s.id.clone(),
                    subject: Subject::new(subj),
                    count: 1 + g.next(4) as u32,
                    priority: 1 + g.next(3) as u32,
                    year: None,
                });
            }
        }
    }
    d
}

/// Ledger rows left by earlier terms of `term_years`: some completed, some still in
/// force (they hold a post and keep their teacher), one cancelled.
fn ledger(g: &mut Rng, d: &mut Dataset, term_years: i32) {
    let rows = if d.needs.is_empty() || d.teachers.is_empty() {
        0
    } else {
        g.next(6) as usize
    };
    for _ in 0..rows {
        let t = &d.teachers[g.next(d.teachers.len() as u64) as usize];
        let need = &d.needs[g.next(d.needs.len() as u64) as usize];
        let start = YEAR - 1 - g.next(8) as i32;
        d.ledger.push(LedgerEntry {
            teacher: t.id.clone(),
            from_school: t.school.clone(),
            to_school: need.school.clone(),
            subject: need.subject.clone(),
            form: Form::Transfer,
            start_year: start,
            end_year: start + term_years - 1,
            status: g.pick(&[
                LedgerStatus::Completed,
                LedgerStatus::Completed,
                LedgerStatus::Cancelled,
            ]),
        });
    }
}

/// A random rule variant within the documented ranges.
fn rules(g: &mut Rng) -> Rules {
    let mut r = Rules::default();
    let share = |s: &str| Share::parse(s).unwrap();
    let q = &mut r.quota;
    q.min_share_of_eligible = share(g.pick(&["0.05", "0.1", "0.15", "0.2", "0.3", "0.5"]));
    q.min_backbone_share = share(g.pick(&["0", "0.1", "0.2", "0.25", "0.3", "0.5", "1"]));
    q.backbone_share_level = g.pick(&[
        BackboneLevel::School,
        BackboneLevel::District,
        BackboneLevel::Plan,
    ]);
    q.max_outflow_share_of_staff = share(g.pick(&["0.1", "0.15", "0.2", "0.3", "0.5", "1"]));
    q.fill_beyond_quota = g.next(2) == 0;
    let f = &mut r.flow;
    f.same_district = g.next(2) == 0;
    f.max_distance_km = g.pick(&[15.0, 30.0, 60.0, 80.0, 200.0]);
    f.stage_match = g.pick(&[StageMatch::Same, StageMatch::Compatible]);
    f.to_weak_from_any_non_weak = g.next(2) == 0;
    let all = [
        (Locality::Urban, Locality::Town),
        (Locality::Urban, Locality::Rural),
        (Locality::Town, Locality::Rural),
        (Locality::Town, Locality::Urban),
        (Locality::Urban, Locality::Urban),
    ];
    f.directions = all.iter().copied().filter(|_| g.next(3) != 0).collect();
    if f.directions.is_empty() {
        f.directions.push(all[0]);
    }
    let e = &mut r.eligibility;
    e.min_years_at_school = g.pick(&[3, 6]);
    e.min_years_between_exchanges = g.pick(&[0, 3, 6]);
    e.weak_schools_send = g.next(4) == 0;
    if g.next(3) == 0 {
        e.sending_localities.push(Locality::Rural);
    }
    if g.next(3) == 0 {
        r.matching
            .substitutes
            .insert(Subject::new("music"), vec![Subject::new("chinese")]);
    }
    if g.next(4) == 0 {
        r.matching.substitutes.insert(
            Subject::new("math"),
            vec![Subject::new("english"), Subject::new("chinese")],
        );
    }
    r.term.years = g.pick(&[1, 2, 3, 5]);
    r
}

/// Case `seed`: mostly small, every tenth one of the hard shape (2 districts, about
/// 30 schools, a few hundred teachers), and every twentieth (seeds 5, 25, …) one of
/// the shape of a horizon's target-search probes (250–400 teachers: the independent
/// MILP takes minutes on the 700–1,000 of the real components): a low share of eligible teachers
/// (quotas of one to three), backbone share 0.2 counted per school, no filling
/// beyond the quota, three districts planned together (one component of about 30
/// sending schools). There a school that sends no backbone teacher owes one for its
/// first teacher sent: a fixed charge per school that the searches of such
/// components once could not close.
fn case(seed: u64) -> (Dataset, Rules) {
    let mut g = Rng::new(seed);
    let mut r = rules(&mut g);
    let big = seed.is_multiple_of(10);
    // Probe-class seeds stop at 500: beyond, the reference MILP (microlp) takes more
    // than five minutes on some of them (seed 545), while the planner takes
    // milliseconds; the 25 below keep the class in every run.
    let probe = seed % 20 == 5 && seed < 500;
    let (districts, teachers) = if probe {
        r.quota.min_share_of_eligible =
            Share::parse(g.pick(&["0.035", "0.04", "0.045", "0.05"])).unwrap();
        r.quota.min_backbone_share = Share::parse("0.2").unwrap();
        r.quota.backbone_share_level = BackboneLevel::School;
        r.quota.fill_beyond_quota = false;
        r.flow.same_district = false;
        (3, 250 + g.next(150) as usize)
    } else if big {
        // The hard class: cross-district, caps above quota, backbone groups of any
        // level (per school the flow search's plans once stayed far above the optimum
        // at high shares), often a high share.
        r.flow.same_district = false;
        r.quota.backbone_share_level = g.pick(&[
            BackboneLevel::School,
            BackboneLevel::District,
            BackboneLevel::Plan,
        ]);
        r.quota.fill_beyond_quota = true;
        if g.next(2) == 0 {
            r.quota.min_backbone_share = Share::parse(g.pick(&["0.3", "0.5"])).unwrap();
        }
        (2, 450 + g.next(300) as usize)
    } else {
        (1 + g.next(3) as usize, 20 + g.next(140) as usize)
    };
    let spread = g.pick(&[0.2, 0.5, 1.0]);
    let mut d = instance(&mut g, districts, teachers, spread);
    ledger(&mut g, &mut d, r.term.years);
    (d, r)
}

struct Outcome {
    eligible: usize,
    seconds: f64,
}

fn run_case(seed: u64) -> Outcome {
    let (d, rules) = case(seed);
    let opts = PlanOptions {
        time_limit: CASE_TIME_LIMIT,
        ..PlanOptions::default()
    };
    let t = Instant::now();
    let plan = plan_year(&d, &rules, YEAR, &d.ledger, &opts).unwrap();
    let seconds = t.elapsed().as_secs_f64();
    if std::env::var_os("RP_ROBUSTNESS_VERBOSE").is_some() {
        eprintln!(
            "seed {seed}: {} eligible, {} components, plan {seconds:.3} s",
            plan.verdicts.iter().filter(|v| v.eligible()).count(),
            plan.components
        );
    }
    assert!(plan.optimal, "seed {seed}: not proven optimal");
    let t = Instant::now();
    let want = per_class_optimum(&d, &rules, YEAR);
    if std::env::var_os("RP_ROBUSTNESS_VERBOSE").is_some() {
        eprintln!("seed {seed}: reference {:.3} s", t.elapsed().as_secs_f64());
    }
    assert_eq!(
        (plan.check.shortfall, plan.check.filled_priority),
        want,
        "seed {seed}: differs from the independent model"
    );
    Outcome {
        eligible: plan.verdicts.iter().filter(|v| v.eligible()).count(),
        seconds,
    }
}

#[test]
fn random_rule_variants_are_proven_optimal() {
    for seed in 1..=30 {
        run_case(seed);
    }
}

/// The release run: 2,000 cases on two threads (the reference MILP takes most of the
/// time). Prints cases, proven, and the slowest case.
#[test]
#[ignore = "release run of 2,000 cases (.ci/run)"]
fn two_thousand_random_rule_variants_are_proven_optimal() {
    let env = |k: &str, default: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let n = env("RP_ROBUSTNESS_CASES", 2000);
    let from = env("RP_ROBUSTNESS_FROM", 1);
    let next = std::sync::atomic::AtomicU64::new(from);
    let done = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let seed = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if seed >= from + n {
                    break;
                }
                let o = run_case(seed);
                done.lock().unwrap().push((seed, o.eligible, o.seconds));
            });
        }
    });
    let done = done.into_inner().unwrap();
    assert_eq!(done.len() as u64, n);
    let total: f64 = done.iter().map(|d| d.2).sum();
    let most_eligible = done.iter().map(|d| d.1).max().unwrap_or(0);
    let slowest = done
        .iter()
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .copied()
        .unwrap_or_default();
    let small = done
        .iter()
        .filter(|d| d.1 <= 1000)
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .copied()
        .unwrap_or_default();
    eprintln!(
        "{n} cases (up to {most_eligible} eligible teachers), {n} proven optimal and equal \
         to the independent model; plan time total {total:.2} s, slowest seed {} ({} \
         eligible) {:.3} s, slowest with <= 1,000 eligible: seed {} {:.3} s",
        slowest.0, slowest.1, slowest.2, small.0, small.2
    );
}

/// `plan` through the binary on fixtures/nanchang with `--time-limit 0.000001` (a
/// work budget too small for any branching): summary.json lists each component left with a gap in shortfall or
/// priority, with its districts, schools, bounds and remedies, and report.html shows
/// them; with the default limit the same run is proven and lists nothing.
#[test]
fn a_component_stopped_by_the_limit_is_reported() {
    let run = |limit: &str| {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_rotaplan"))
            .args(["--quiet", "plan", "--data", "fixtures/nanchang", "--rules"])
            .arg("rules/nanchang-2021-2025.toml")
            .args([
                "--year",
                "2021",
                "--lang",
                "en",
                "--time-limit",
                limit,
                "--out",
            ])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap())
                .unwrap();
        let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
        (summary, html)
    };
    let (stopped, html) = run("0.000001");
    assert_eq!(stopped["optimal"], false);
    let list = stopped["unproven"].as_array().unwrap();
    assert!(!list.is_empty());
    for u in list {
        let n = |k: &str| u[k].as_u64().unwrap();
        assert!(!u["districts"].as_array().unwrap().is_empty());
        assert!(n("schools") > 0);
        assert!(n("shortfall_bound") <= n("shortfall"));
        assert!(n("filled_priority_bound") >= n("filled_priority"));
        assert!(
            n("shortfall_bound") < n("shortfall")
                || n("filled_priority_bound") > n("filled_priority"),
            "{u}"
        );
        assert_eq!(u["remedies"], serde_json::json!(["raise_time_limit"]));
    }
    assert!(html.contains("not proven optimal (districts)"));
    assert!(html.contains("raise --time-limit"));

    let (proven, html) = run("120");
    assert_eq!(proven["optimal"], true);
    assert_eq!(proven["unproven"], serde_json::json!([]));
    assert!(!html.contains("not proven optimal (districts)"));
    // The optimum is no worse than the stopped plan, and within its bounds.
    let total = |k: &str| -> u64 { list.iter().map(|u| u[k].as_u64().unwrap()).sum() };
    let short = proven["shortfall"].as_u64().unwrap();
    assert!(short <= stopped["shortfall"].as_u64().unwrap());
    assert!(
        short + total("shortfall")
            >= stopped["shortfall"].as_u64().unwrap() + total("shortfall_bound")
    );
}
