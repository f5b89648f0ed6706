//! One county-level unit of synthetic data, written to in-memory CSV fragments so that
//! units can be generated in parallel and appended in order.

use super::names;
use super::profile::{DistrictSpec, Kind, Profile};
use super::rng::Rng;

/// The roster is dated as of this school year; eligibility in it follows the default rules'
/// default rules for 2021.
const BASE_YEAR: i64 = 2021;

const SUBJECTS: [&str; 15] = [
    "chinese",
    "math",
    "english",
    "physics",
    "chemistry",
    "biology",
    "history",
    "geography",
    "politics",
    "science",
    "music",
    "pe",
    "art",
    "it",
    "psychology",
];
/// Roster subject mix per stage (weights in the order of `SUBJECTS`).
const PRIMARY_MIX: [u32; 15] = [30, 25, 9, 0, 0, 0, 0, 0, 3, 6, 7, 8, 7, 3, 2];
const JUNIOR_MIX: [u32; 15] = [15, 15, 14, 7, 5, 5, 6, 5, 7, 0, 4, 7, 4, 3, 3];
/// Extra weight of shortage subjects in rural and weak schools' posts (music, PE, art,
/// English, IT and psychology are the classic rural shortages).
const SHORTAGE: [u32; 15] = [0, 4, 10, 2, 2, 2, 0, 1, 0, 3, 8, 8, 8, 5, 4];

/// Subjects villages lack and itinerant teachers bring (indices into `SUBJECTS`):
/// english, music, pe, art, it, psychology.
const ITINERANT_SUBJECTS: [usize; 6] = [2, 10, 11, 12, 13, 14];

/// Salt of the itinerant draws' own stream: the rest of the data keeps the values it
/// had before itinerant teaching was generated.
const ITINERANT_STREAM: u64 = 0x4954_494E_4552_414E;

#[derive(Debug, Default)]
pub struct Fragments {
    pub schools: Vec<u8>,
    pub teachers: Vec<u8>,
    pub needs: Vec<u8>,
    pub ledger: Vec<u8>,
    pub evaluators: Vec<u8>,
    pub itinerant_needs: Vec<u8>,
    pub n_schools: usize,
    pub n_teachers: usize,
    pub n_posts: usize,
    pub n_ledger: usize,
    pub n_evaluators: usize,
    pub n_itinerant_needs: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loc {
    Urban,
    Town,
    Rural,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Primary,
    Junior,
    NineYear,
}

struct School {
    id: String,
    loc: Loc,
    weak: bool,
    stage: Stage,
}

impl School {
    fn sends(&self) -> bool {
        self.loc != Loc::Rural && !self.weak
    }
    fn receives(&self) -> bool {
        self.loc != Loc::Urban || self.weak
    }
    fn teaches(&self, subject: usize) -> bool {
        match self.stage {
            Stage::Primary => PRIMARY_MIX[subject] > 0,
            Stage::Junior => JUNIOR_MIX[subject] > 0,
            Stage::NineYear => true,
        }
    }
}

type Csv = csv::Writer<Vec<u8>>;

fn csv_writer() -> Csv {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new())
}

fn finish(w: Csv) -> std::io::Result<Vec<u8>> {
    w.into_inner().map_err(|e| e.into_error())
}

/// Salt of the second random stream: values added for the 2026–2030 period (birth
/// months, leadership posts, yearly posts) are drawn from it, so that adding them
/// left every value drawn before them unchanged.
const PERIOD_STREAM: u64 = 0x2026_2030_0000_0001;

/// Generates district `index` of `profile`; its draws depend only on (seed, index).
/// With `yearly`, every needs row carries a plan year of that range: each year's
/// posts are drawn afresh (receiving schools report new posts each year).
pub fn generate(
    profile: Profile,
    seed: u64,
    index: usize,
    yearly: Option<(i32, i32)>,
) -> std::io::Result<Fragments> {
    let spec = profile.district(index);
    let mut r = Rng::new(seed, index as u64);
    let mut p = Rng::new(seed ^ PERIOD_STREAM, index as u64);
    let mut ri = Rng::new(seed ^ ITINERANT_STREAM, index as u64);
    let mut w_itinerant = csv_writer();
    let mut out = Fragments::default();
    let mut w_schools = csv_writer();
    let mut w_teachers = csv_writer();
    let mut w_needs = csv_writer();
    let mut w_ledger = csv_writer();
    let mut w_eval = csv_writer();

    let townships: Vec<String> = (0..(spec.schools / 8).max(2))
        .map(|_| names::place(&mut r))
        .collect();
    let mut schools = Vec::with_capacity(spec.schools);
    // Per sending school: its default-rule quota; per receiving school: its index.
    let mut quota_total = 0usize;
    let mut sender_mix = [0u32; 15];
    // (teacher id, school index, subject index) of teachers who may appear in the ledger.
    let mut ledger_pool: Vec<(String, usize, usize)> = Vec::new();
    let mut n_teachers_district = 0usize;

    for s in 0..spec.schools {
        let loc = [Loc::Urban, Loc::Town, Loc::Rural][r.weighted(&locality_mix(spec.kind))];
        let weak = r.chance(match loc {
            Loc::Urban => 0.04,
            Loc::Town => 0.12,
            Loc::Rural => 0.22,
        });
        let stage = [Stage::Primary, Stage::Junior, Stage::NineYear][r.weighted(match loc {
            Loc::Rural => &[70, 15, 15],
            _ => &[55, 30, 15],
        })];
        let id = format!("{}{:03}", spec.code, s + 1);
        let township = r.pick(&townships).clone();
        let kind_word = match stage {
            Stage::Primary => "小学",
            Stage::Junior => "中学",
            Stage::NineYear => "学校",
        };
        let name = format!("{}{}第{}{}", spec.name, township, s + 1, kind_word);
        let (lat, lon) = position(&mut r, &spec, loc);
        let size_factor = match loc {
            Loc::Urban => 1.45,
            Loc::Town => 1.0,
            Loc::Rural => 0.55,
        };
        let mean = profile.teachers_per_school() * size_factor;
        let n = ((mean * (0.6 + 0.8 * r.unit())).round() as usize).max(3);
        let school = School {
            id,
            loc,
            weak,
            stage,
        };
        // Some schools give their establishment headcount; most leave it to the roster.
        let staff = if r.chance(0.3) {
            (n + r.below(4) as usize).to_string()
        } else {
            String::new()
        };
        let has_coords = !r.chance(0.03);
        w_schools.write_record([
            school.id.as_str(),
            &name,
            &spec.name,
            &format!("{township}镇"),
            loc_word(loc),
            if weak { "true" } else { "false" },
            stage_word(stage),
            &if has_coords {
                format!("{lat:.5}")
            } else {
                String::new()
            },
            &if has_coords {
                format!("{lon:.5}")
            } else {
                String::new()
            },
            &staff,
        ])?;

        let mut eligible = 0usize;
        for t in 0..n {
            let tid = format!("{}-{:03}", school.id, t + 1);
            let teacher = teacher(&mut r, &school, t);
            let spare = spare_periods(&mut ri, &school, &teacher);
            if school.sends() && teacher.eligible_by_default() {
                eligible += 1;
                sender_mix[teacher.subject] += 1;
            }
            if school.sends() && teacher.tenure >= 2 && teacher.status == "active" {
                ledger_pool.push((tid.clone(), s, teacher.subject));
            }
            w_teachers.write_record([
                tid.as_str(),
                &names::person(&mut r),
                teacher.gender,
                &(BASE_YEAR - teacher.age).to_string(),
                &school.id,
                SUBJECTS[teacher.subject],
                teacher.title,
                teacher.backbone,
                teacher.role,
                &(BASE_YEAR - teacher.tenure).to_string(),
                teacher.status,
                if teacher.volunteer { "true" } else { "false" },
                &p.range(1, 12).to_string(),
                &spare,
            ])?;
        }
        n_teachers_district += n;
        out.n_itinerant_needs += itinerant_needs(&mut ri, &mut w_itinerant, &school)?;
        if school.sends() {
            quota_total += eligible.div_ceil(10);
        }
        schools.push(school);
    }
    out.n_schools = schools.len();
    out.n_teachers = n_teachers_district;

    let receivers: Vec<usize> = (0..schools.len())
        .filter(|&i| schools[i].receives())
        .collect();
    // Without `yearly`, the posts drawn from the first stream as before (no year);
    // with it, a fresh draw per year from the second stream.
    let mut posts_rows = Vec::new();
    out.n_posts = needs(
        &mut r,
        &mut posts_rows,
        &schools,
        &receivers,
        quota_total,
        &sender_mix,
    );
    let years: Vec<Option<i32>> = match yearly {
        None => vec![None],
        Some((a, b)) => (a..=b).map(Some).collect(),
    };
    if yearly.is_some() {
        posts_rows.clear();
        out.n_posts = 0;
    }
    for &year in &years {
        let year_text = year.map_or(String::new(), |y| y.to_string());
        if year.is_some() {
            out.n_posts += needs(
                &mut p,
                &mut posts_rows,
                &schools,
                &receivers,
                quota_total,
                &sender_mix,
            );
        }
        out.n_posts += leader_posts(&mut p, &mut posts_rows, &schools, &receivers);
        for row in posts_rows.drain(..) {
            if yearly.is_some() {
                w_needs.write_record(row.iter().map(String::as_str).chain([year_text.as_str()]))?;
            } else {
                w_needs.write_record(&row)?;
            }
        }
    }
    out.n_ledger = ledger(&mut r, &mut w_ledger, &schools, &receivers, &ledger_pool)?;
    out.n_evaluators = evaluators(&mut r, &mut w_eval, &spec, &schools, n_teachers_district)?;

    out.schools = finish(w_schools)?;
    out.teachers = finish(w_teachers)?;
    out.needs = finish(w_needs)?;
    out.ledger = finish(w_ledger)?;
    out.evaluators = finish(w_eval)?;
    out.itinerant_needs = finish(w_itinerant)?;
    Ok(out)
}

/// `spare_periods` (可走教课时): central and town schools' teachers of the shortage
/// subjects often have a few lessons a week to spare, city teachers less often, village
/// teachers rarely. Empty (= 0) for everyone else.
fn spare_periods(r: &mut Rng, school: &School, t: &TeacherDraw) -> String {
    let p = match school.loc {
        Loc::Town => 0.3,
        Loc::Urban => 0.12,
        Loc::Rural => 0.04,
    };
    let draw = r.unit();
    if t.status == "active" && ITINERANT_SUBJECTS.contains(&t.subject) && draw < p {
        r.range(2, 8).to_string()
    } else {
        String::new()
    }
}

/// `itinerant_needs.csv` rows of one school: village schools (and weak town schools)
/// lack some of the shortage subjects they teach, 2–8 lessons a week each.
fn itinerant_needs(r: &mut Rng, w: &mut Csv, school: &School) -> std::io::Result<usize> {
    if !(school.loc == Loc::Rural || school.weak) {
        return Ok(0);
    }
    let mut n = 0;
    for &subject in &ITINERANT_SUBJECTS {
        let draw = r.unit();
        if school.teaches(subject) && draw < 0.4 {
            let periods = r.range(2, 8);
            w.write_record([school.id.as_str(), SUBJECTS[subject], &periods.to_string()])?;
            n += 1;
        }
    }
    Ok(n)
}

fn locality_mix(kind: Kind) -> [u32; 3] {
    match kind {
        Kind::Urban => [75, 15, 10],
        Kind::Mixed => [40, 35, 25],
        Kind::Rural => [12, 33, 55],
    }
}

fn loc_word(l: Loc) -> &'static str {
    match l {
        Loc::Urban => "urban",
        Loc::Town => "town",
        Loc::Rural => "rural",
    }
}

fn stage_word(s: Stage) -> &'static str {
    match s {
        Stage::Primary => "primary",
        Stage::Junior => "junior",
        Stage::NineYear => "nine_year",
    }
}

/// Urban schools near the centre, town schools in a ring, village schools far out: far
/// enough apart that some pairs exceed the 60 km limit in large rural counties.
fn position(r: &mut Rng, spec: &DistrictSpec, loc: Loc) -> (f64, f64) {
    let spread = match spec.kind {
        Kind::Urban => 0.5,
        Kind::Mixed => 0.8,
        Kind::Rural => 1.0,
    };
    let (lo, hi) = match loc {
        Loc::Urban => (0.0, 7.0),
        Loc::Town => (6.0, 22.0),
        Loc::Rural => (12.0, 38.0),
    };
    let km = spread * (lo + (hi - lo) * r.unit());
    let angle = std::f64::consts::TAU * r.unit();
    let lat = spec.lat + km * angle.sin() / 111.0;
    let lon = spec.lon + km * angle.cos() / (111.0 * spec.lat.to_radians().cos());
    (lat, lon)
}

struct TeacherDraw {
    gender: &'static str,
    age: i64,
    tenure: i64,
    subject: usize,
    title: &'static str,
    backbone: &'static str,
    role: &'static str,
    status: &'static str,
    volunteer: bool,
}

impl TeacherDraw {
    /// Eligibility under the default rules in `BASE_YEAR`, ignoring the
    /// ledger: used only to size the posts of each district.
    fn eligible_by_default(&self) -> bool {
        let retirement = if self.gender == "F" { 55 } else { 60 };
        self.status == "active" && self.tenure >= 6 && retirement - self.age > 3
    }
}

fn teacher(r: &mut Rng, school: &School, index: usize) -> TeacherDraw {
    let female = r.chance(if school.stage == Stage::Primary {
        0.74
    } else {
        0.6
    });
    let bracket = r.weighted(&[20, 30, 30, 12, 8]);
    let (lo, hi) = [(23, 29), (30, 39), (40, 49), (50, 54), (55, 59)][bracket];
    let mut age = r.range(lo, hi);
    if female {
        age = age.min(54);
    }
    let tenure = r.range(0, (age - 22).min(25));
    let mix = match school.stage {
        Stage::Primary => PRIMARY_MIX,
        Stage::Junior => JUNIOR_MIX,
        Stage::NineYear => {
            let mut m = [0; 15];
            for (i, w) in m.iter_mut().enumerate() {
                *w = PRIMARY_MIX[i] + JUNIOR_MIX[i];
            }
            m
        }
    };
    let subject = r.weighted(&mix);
    let title = match age {
        ..=27 => ["none", "junior"][r.weighted(&[30, 70])],
        28..=39 => ["junior", "intermediate", "senior"][r.weighted(&[25, 65, 10])],
        _ => ["intermediate", "senior", "full_senior"][r.weighted(&[55, 43, 2])],
    };
    let backbone_p = match school.loc {
        Loc::Urban => 0.2,
        Loc::Town => 0.12,
        Loc::Rural => 0.06,
    };
    let backbone = if age >= 30 && r.chance(backbone_p) {
        ["county", "city", "province"][r.weighted(&[60, 32, 8])]
    } else {
        "none"
    };
    let role = match index {
        0 => "principal",
        1 => "vice_principal",
        2 if school.loc == Loc::Urban => "vice_principal",
        _ => "teacher",
    };
    let status = if female && age < 40 && r.chance(0.05) {
        "maternity"
    } else {
        ["active", "leave", "sick", "seconded"][r.weighted(&[955, 15, 20, 10])]
    };
    TeacherDraw {
        gender: if female { "F" } else { "M" },
        age,
        tenure,
        subject,
        title,
        backbone,
        role,
        status,
        volunteer: r.chance(0.04),
    }
}

/// Posts at receiving schools, about 1.0–1.45 times the district's total quota, the
/// subjects partly following the senders' mix and partly the rural shortage subjects,
/// so that most of the quota can be met and some cannot.
fn needs(
    r: &mut Rng,
    w: &mut Vec<Vec<String>>,
    schools: &[School],
    receivers: &[usize],
    quota_total: usize,
    sender_mix: &[u32; 15],
) -> usize {
    if receivers.is_empty() || quota_total == 0 {
        return 0;
    }
    let total = (quota_total as f64 * (1.0 + 0.45 * r.unit())).round() as usize;
    let mut counts: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    let weights: Vec<u32> = receivers
        .iter()
        .map(|&i| match (schools[i].loc, schools[i].weak) {
            (Loc::Rural, true) => 4,
            (Loc::Rural, false) => 3,
            (_, true) => 3,
            _ => 2,
        })
        .collect();
    let sender_total: u32 = sender_mix.iter().sum::<u32>().max(1);
    let mut post_mix = [0u32; 15];
    for i in 0..15 {
        post_mix[i] = sender_mix[i] * 100 / sender_total + SHORTAGE[i] * 3;
    }
    let mut placed = 0;
    let mut attempts = 0;
    while placed < total && attempts < total * 20 {
        attempts += 1;
        let school = receivers[r.weighted(&weights)];
        let subject = r.weighted(&post_mix);
        if !schools[school].teaches(subject) {
            continue;
        }
        *counts.entry((school, subject)).or_default() += 1;
        placed += 1;
    }
    for (&(school, subject), &count) in &counts {
        let s = &schools[school];
        let priority = match (s.loc, s.weak) {
            (Loc::Rural, true) => 3,
            (Loc::Rural, false) | (_, true) => 2,
            _ => 1,
        };
        w.push(vec![
            s.id.clone(),
            SUBJECTS[subject].to_string(),
            count.to_string(),
            priority.to_string(),
        ]);
    }
    placed
}

/// Leadership posts (校长, 副校长) at receiving schools: a quarter of them seek a
/// principal and about a third a vice-principal, weak and rural schools first.
fn leader_posts(
    r: &mut Rng,
    w: &mut Vec<Vec<String>>,
    schools: &[School],
    receivers: &[usize],
) -> usize {
    let mut n = 0;
    for &i in receivers {
        let s = &schools[i];
        let priority = match (s.loc, s.weak) {
            (Loc::Rural, true) => 3,
            (Loc::Rural, false) | (_, true) => 2,
            _ => 1,
        };
        for (post, p) in [("principal", 0.25), ("vice_principal", 0.35)] {
            if r.chance(p) {
                w.push(vec![
                    s.id.clone(),
                    post.to_string(),
                    "1".to_string(),
                    priority.to_string(),
                ]);
                n += 1;
            }
        }
    }
    n
}

/// Past and current exchanges: about 3 % of sending-school teachers completed one, 1.5 %
/// are away now, a few are planned for the base year or were cancelled.
fn ledger(
    r: &mut Rng,
    w: &mut Csv,
    schools: &[School],
    receivers: &[usize],
    pool: &[(String, usize, usize)],
) -> std::io::Result<usize> {
    let mut n = 0;
    for (tid, from, subject) in pool {
        let x = r.unit();
        let (start, status) = if x < 0.03 {
            (r.range(BASE_YEAR - 9, BASE_YEAR - 5), "completed")
        } else if x < 0.045 {
            (r.range(BASE_YEAR - 2, BASE_YEAR - 1), "active")
        } else if x < 0.048 {
            (BASE_YEAR, "planned")
        } else if x < 0.05 {
            (r.range(BASE_YEAR - 3, BASE_YEAR), "cancelled")
        } else {
            continue;
        };
        let candidates: Vec<usize> = receivers
            .iter()
            .copied()
            .filter(|&i| i != *from && schools[i].teaches(*subject))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let to = *r.pick(&candidates);
        let form = ["transfer", "itinerant", "support"][r.weighted(&[80, 12, 8])];
        w.write_record([
            tid.as_str(),
            &schools[*from].id,
            &schools[to].id,
            SUBJECTS[*subject],
            form,
            &start.to_string(),
            &(start + 2).to_string(),
            status,
        ])?;
        n += 1;
    }
    Ok(n)
}

/// Bureau subject researchers (教研员) covering every subject at least twice, and
/// school-based evaluators; some with a lower daily limit or unavailable dates.
fn evaluators(
    r: &mut Rng,
    w: &mut Csv,
    spec: &DistrictSpec,
    schools: &[School],
    teachers: usize,
) -> std::io::Result<usize> {
    let bureau = (teachers / 250).max(2 * SUBJECTS.len() / 3);
    let school_based = teachers / 150;
    let total = bureau + school_based;
    for e in 0..total {
        let mut subjects = vec![if e < bureau {
            SUBJECTS[e % SUBJECTS.len()]
        } else {
            SUBJECTS[r.weighted(&JUNIOR_MIX)]
        }];
        if e < bureau {
            subjects.push(SUBJECTS[(e + SUBJECTS.len() / 2 + 1) % SUBJECTS.len()]);
        }
        if r.chance(0.4) {
            let extra = *r.pick(&SUBJECTS);
            if !subjects.contains(&extra) {
                subjects.push(extra);
            }
        }
        let school = if e < bureau || schools.is_empty() {
            ""
        } else {
            schools[r.below(schools.len() as u64) as usize].id.as_str()
        };
        let max_per_day = if r.chance(0.1) {
            r.range(2, 3).to_string()
        } else {
            String::new()
        };
        let mut unavailable = Vec::new();
        if r.chance(0.2) {
            for _ in 0..r.range(1, 3) {
                let day = r.range(0, 49);
                let (m, d) = if day < 30 {
                    (11, day + 1)
                } else {
                    (12, day - 29)
                };
                unavailable.push(format!("{BASE_YEAR}-{m:02}-{d:02}"));
            }
            unavailable.sort();
            unavailable.dedup();
        }
        w.write_record([
            format!("{}-E{:03}", spec.code, e + 1).as_str(),
            &names::person(r),
            school,
            &spec.name,
            &subjects.join(";"),
            &max_per_day,
            &unavailable.join(";"),
        ])?;
    }
    Ok(total)
}
