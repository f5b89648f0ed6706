//! The independent checker: every plan is checked against the rules before it is
//! written, by code that shares nothing with the solver's model (no facts, components
//! or aggregation; its own distances, posts, caps and eligibility), so a wrong answer
//! from a solver backend, or a modelling bug, is caught instead of published.

use crate::model::{Dataset, LedgerEntry, LedgerStatus, Role, SchoolId, Stage, Subject, TeacherId};
use crate::plan::Move;
use crate::rules::{BackboneLevel, ExclusionContext, Rules, StageMatch};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The plan's figures as the checker computes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub eligible: u64,
    pub sent: u64,
    pub backbone_sent: u64,
    pub quota_shortfall: u64,
    pub backbone_shortfall: u64,
    pub shortfall: u64,
    pub filled_priority: u64,
    pub posts: u64,
    pub posts_filled: u64,
    /// Mandatory `[leaders]` rotation: eligible leaders, those moved, and the
    /// shortfall they add (those not moved); all 0 otherwise.
    pub leaders_eligible: u64,
    pub leaders_moved: u64,
    pub leader_shortfall: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub figures: Figures,
    /// Every broken hard rule, in words; empty for a valid plan.
    pub violations: Vec<String>,
}

fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6371.0_f64;
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let dp = p2 - p1;
    let dl = (b.1 - a.1).to_radians();
    let x = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * x.sqrt().atan2((1.0 - x).sqrt())
}

fn share(d: Decimal, n: u64, up: bool) -> u64 {
    let x = d * Decimal::from(n);
    (if up { x.ceil() } else { x.floor() })
        .to_u64()
        .unwrap_or(u64::MAX)
}

/// The retirement year, worked out here on its own from the reform's wording (a
/// month count from the first affected birth month, one month of delay per started
/// step, capped), so that a slip in the planner's version is caught.
fn retirement_year(rules: &Rules, t: &crate::model::Teacher) -> i32 {
    let e = &rules.eligibility;
    let age = t.retirement_age.unwrap_or(match t.gender {
        crate::model::Gender::M => e.retirement_age_male,
        crate::model::Gender::F => e.retirement_age_female,
    });
    if !e.retirement_reform_2025 {
        return t.birth_year + age;
    }
    let (first_year, step, cap) = match age {
        60 => (1965, 4, 36),
        55 => (1970, 4, 36),
        50 => (1975, 2, 60),
        _ => return t.birth_year + age,
    };
    // Birth month counted from 1 at January of the first affected year.
    let nth = (t.birth_year - first_year) * 12 + i32::from(t.birth_month);
    let delay = if nth >= 1 {
        ((nth + step - 1) / step).min(cap)
    } else {
        0
    };
    let months_into_year = i32::from(t.birth_month) - 1 + delay;
    t.birth_year + age + months_into_year / 12
}

/// Checks `moves` as the plan of `year` against every hard rule and computes its
/// figures.
pub fn check(
    data: &Dataset,
    rules: &Rules,
    year: i32,
    ledger: &[LedgerEntry],
    moves: &[Move],
) -> Report {
    let mut bad = Vec::new();
    let e = &rules.eligibility;
    let school: HashMap<&SchoolId, usize> = data
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.id, i))
        .collect();
    let retire = |t: &crate::model::Teacher| retirement_year(rules, t);
    // Leaders as `[leaders]` words it, read here from the rule values themselves.
    let leader_of = |t: &crate::model::Teacher| -> Option<Role> {
        let l = rules.leaders.as_ref()?;
        (t.role != Role::Teacher && l.roles.contains(&t.role)).then_some(t.role)
    };
    let mandatory = rules.leaders.as_ref().is_some_and(|l| l.mandatory);
    let mut by_teacher: BTreeMap<&TeacherId, Vec<&LedgerEntry>> = BTreeMap::new();
    for x in ledger {
        by_teacher.entry(&x.teacher).or_default().push(x);
    }

    // Eligibility, recomputed from the rules' wording.
    let eligible = |ti: usize| -> Result<bool, String> {
        let t = &data.teachers[ti];
        let Some(&si) = school.get(&t.school) else {
            return Ok(false);
        };
        let s = &data.schools[si];
        let mine = by_teacher.get(&t.id).map_or(&[][..], Vec::as_slice);
        let in_ledger = mine.iter().any(|x| {
            (matches!(x.status, LedgerStatus::Planned | LedgerStatus::Active)
                && x.start_year <= year
                && year <= x.end_year)
                || (x.status != LedgerStatus::Cancelled
                    && (x.end_year >= year || x.end_year > year - e.min_years_between_exchanges))
        });
        let mut ok = e.statuses.contains(&t.status)
            && e.roles.contains(&t.role)
            && year - t.joined_school_year
                >= match (leader_of(t), &rules.leaders) {
                    (Some(_), Some(l)) => l.min_years_at_school,
                    _ => e.min_years_at_school,
                }
            && retire(t) - year > e.exempt_years_before_retirement
            && e.sending_localities.contains(&s.locality)
            && (!s.weak || e.weak_schools_send)
            && !in_ledger;
        if ok {
            let ctx = ExclusionContext {
                teacher: t,
                school: s,
                year,
                retirement_age: retire(t) - t.birth_year,
            };
            for x in &e.exclude {
                if x.when.eval(&ctx)? {
                    ok = false;
                }
            }
        }
        Ok(ok)
    };
    let mut eligible_at: Vec<u64> = vec![0; data.schools.len()];
    let mut n_eligible = 0u64;
    let mut leaders_eligible = 0u64;
    let mut is_eligible = vec![false; data.teachers.len()];
    for (ti, t) in data.teachers.iter().enumerate() {
        match eligible(ti) {
            Ok(true) => {
                is_eligible[ti] = true;
                n_eligible += 1;
                if mandatory && leader_of(t).is_some() {
                    leaders_eligible += 1;
                } else if let Some(&si) = school.get(&t.school) {
                    eligible_at[si] += 1;
                }
            }
            Ok(false) => {}
            Err(m) => bad.push(format!("teacher {}: exclusion failed: {m}", t.id)),
        }
    }

    // Open posts per (school, subject), as priorities highest first.
    let mut slots: BTreeMap<(usize, Subject), Vec<u32>> = BTreeMap::new();
    for n in data
        .needs
        .iter()
        .filter(|n| n.year.is_none() || n.year == Some(year))
    {
        if let Some(&si) = school.get(&n.school) {
            let v = slots.entry((si, n.subject.clone())).or_default();
            v.extend(std::iter::repeat_n(n.priority, n.count as usize));
        }
    }
    for v in slots.values_mut() {
        v.sort_unstable_by(|a, b| b.cmp(a));
    }
    for x in ledger {
        if x.status != LedgerStatus::Cancelled && x.start_year <= year && year <= x.end_year {
            if let Some(&si) = school.get(&x.to_school) {
                if let Some(v) = slots.get_mut(&(si, x.subject.clone())) {
                    if !v.is_empty() {
                        v.remove(0);
                    }
                }
            }
        }
    }

    // Each move.
    let mut seen = HashSet::new();
    let mut filled: BTreeMap<(usize, Subject), u64> = BTreeMap::new();
    let mut sent = vec![0u64; data.schools.len()];
    let mut bsent = vec![0u64; data.schools.len()];
    let mut leaders_moved = 0u64;
    let mut leaders_backbone = 0u64;
    for m in moves {
        let Some(t) = data.teachers.get(m.teacher) else {
            bad.push(format!(
                "a move names teacher #{} who does not exist",
                m.teacher
            ));
            continue;
        };
        let who = &t.id;
        if !seen.insert(m.teacher) {
            bad.push(format!("teacher {who} moves more than once"));
        }
        if !is_eligible[m.teacher] {
            bad.push(format!("teacher {who} is not eligible in {year}"));
        }
        let Some(&si) = school.get(&t.school) else {
            continue;
        };
        if m.from != si {
            bad.push(format!(
                "teacher {who} is sent from a school that is not theirs"
            ));
        }
        let Some(r) = data.schools.get(m.to) else {
            bad.push(format!(
                "teacher {who} goes to a school that does not exist"
            ));
            continue;
        };
        let s = &data.schools[si];
        if r.id == s.id {
            bad.push(format!("teacher {who} stays at their own school"));
        }
        let post_role = match m.subject.as_str() {
            "principal" => Some(Role::Principal),
            "vice_principal" => Some(Role::VicePrincipal),
            _ => None,
        };
        let subject_ok = match (&rules.leaders, leader_of(t), post_role) {
            // With [leaders]: a leadership post takes a leader of that role (or a
            // vice-principal for a principal post under `promote`); a leader takes
            // nothing else.
            (Some(l), Some(role), Some(post)) => {
                role == post
                    || (l.promote && role == Role::VicePrincipal && post == Role::Principal)
            }
            (Some(_), Some(_), None) | (Some(_), None, Some(_)) => false,
            _ => {
                t.subject == m.subject
                    || rules
                        .matching
                        .substitutes
                        .get(&m.subject)
                        .is_some_and(|l| l.contains(&t.subject))
            }
        };
        if !subject_ok {
            bad.push(format!(
                "teacher {who} ({}) fills a {} post",
                t.subject, m.subject
            ));
        }
        let stage_ok = s.stage == r.stage
            || (rules.flow.stage_match == StageMatch::Compatible
                && (s.stage == Stage::NineYear || r.stage == Stage::NineYear));
        if !stage_ok {
            bad.push(format!(
                "teacher {who}: stages {} → {} do not match",
                s.stage, r.stage
            ));
        }
        let dir_ok = rules
            .flow
            .directions
            .iter()
            .any(|&(a, b)| a == s.locality && b == r.locality)
            || (r.weak && !s.weak && rules.flow.to_weak_from_any_non_weak);
        if !dir_ok {
            bad.push(format!(
                "teacher {who}: {} → {} is not an allowed direction",
                s.locality, r.locality
            ));
        }
        if rules.flow.same_district && s.district != r.district {
            bad.push(format!("teacher {who} leaves the district"));
        }
        if let (Some(a), Some(b)) = (s.coord, r.coord) {
            let km = haversine(a, b);
            if km > rules.flow.max_distance_km {
                bad.push(format!("teacher {who} travels {km:.1} km"));
            }
        }
        *filled.entry((m.to, m.subject.clone())).or_default() += 1;
        if mandatory && leader_of(t).is_some() {
            // Outside the school's quota, cap and backbone share.
            leaders_moved += 1;
            if t.backbone != crate::model::Backbone::None {
                leaders_backbone += 1;
            }
            continue;
        }
        sent[si] += 1;
        if t.backbone != crate::model::Backbone::None {
            bsent[si] += 1;
        }
    }
    let mut filled_priority = 0u64;
    let mut posts_filled = 0u64;
    for ((r, subj), k) in &filled {
        let open = slots
            .get(&(*r, subj.clone()))
            .map_or(&[][..], Vec::as_slice);
        if *k > open.len() as u64 {
            bad.push(format!(
                "school {} gets {k} {subj} teachers for {} open posts",
                data.schools[*r].id,
                open.len()
            ));
        }
        filled_priority += open
            .iter()
            .take(*k as usize)
            .map(|&p| u64::from(p))
            .sum::<u64>();
        posts_filled += *k;
    }
    let posts: u64 = slots.values().map(|v| v.len() as u64).sum();

    // Quotas, caps and backbone shares with exact decimals.
    let q = &rules.quota;
    let mut roster = vec![0u64; data.schools.len()];
    for t in &data.teachers {
        if let Some(&si) = school.get(&t.school) {
            if year < retire(t) {
                roster[si] += 1;
            }
        }
    }
    let mut quota_short = 0u64;
    for (si, s) in data.schools.iter().enumerate() {
        let staff = s.staff.map_or(roster[si], u64::from);
        let quota = share(q.min_share_of_eligible.decimal(), eligible_at[si], true);
        let mut cap = share(q.max_outflow_share_of_staff.decimal(), staff, false).max(1);
        if !q.fill_beyond_quota {
            cap = cap.min(quota);
        }
        if sent[si] > cap {
            bad.push(format!(
                "school {} sends {} over its cap of {cap}",
                s.id, sent[si]
            ));
        }
        quota_short += quota.saturating_sub(sent[si]);
    }
    let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (si, s) in data.schools.iter().enumerate() {
        let key = match q.backbone_share_level {
            BackboneLevel::School => s.id.to_string(),
            BackboneLevel::District => s.district.clone(),
            BackboneLevel::Plan => String::new(),
        };
        let g = groups.entry(key).or_default();
        g.0 += sent[si];
        g.1 += bsent[si];
    }
    let backbone_short: u64 = groups
        .values()
        .map(|&(s, b)| share(q.min_backbone_share.decimal(), s, true).saturating_sub(b))
        .sum();
    Report {
        figures: Figures {
            eligible: n_eligible,
            sent: sent.iter().sum::<u64>() + leaders_moved,
            backbone_sent: bsent.iter().sum::<u64>() + leaders_backbone,
            quota_shortfall: quota_short,
            backbone_shortfall: backbone_short,
            shortfall: quota_short
                + backbone_short
                + leaders_eligible.saturating_sub(leaders_moved),
            filled_priority,
            posts,
            posts_filled,
            leaders_eligible,
            leaders_moved,
            leader_shortfall: leaders_eligible.saturating_sub(leaders_moved),
        },
        violations: bad,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Backbone, Gender, Locality, Need, School, Status, Teacher, Title};
    use crate::rules::LeaderRules;

    fn school(id: &str, locality: Locality) -> School {
        School {
            id: id.into(),
            name: id.into(),
            district: "D".into(),
            township: None,
            locality,
            weak: false,
            stage: Stage::Primary,
            coord: None,
            staff: Some(20),
        }
    }

    fn teacher(id: &str, role: Role, joined: i32) -> Teacher {
        Teacher {
            id: id.into(),
            name: id.into(),
            gender: Gender::F,
            birth_year: 1980,
            school: "U".into(),
            subject: Subject::new("math"),
            title: Title::None,
            backbone: Backbone::None,
            role,
            joined_school_year: joined,
            status: Status::Active,
            volunteer: false,
            birth_month: 1,
            retirement_age: None,
        }
    }

    /// U sends P (principal), V (vice-principal), T (teacher, math) and N (a principal
    /// of three years); R posts a principal, a vice-principal and a math post.
    fn data() -> Dataset {
        let need = |subject: &str| Need {
            school: "R".into(),
            subject: Subject::new(subject),
            count: 1,
            priority: 1,
            year: None,
        };
        Dataset {
            schools: vec![school("U", Locality::Urban), school("R", Locality::Rural)],
            teachers: vec![
                teacher("P", Role::Principal, 2010),
                teacher("V", Role::VicePrincipal, 2010),
                teacher("T", Role::Teacher, 2010),
                teacher("N", Role::Principal, 2018),
            ],
            needs: vec![need("principal"), need("vice_principal"), need("math")],
            ..Dataset::default()
        }
    }

    fn rules(promote: bool) -> Rules {
        let mut r = Rules::default();
        r.quota.min_backbone_share = crate::rules::Share::hundredths(0);
        r.leaders = Some(LeaderRules {
            mandatory: true,
            promote,
            ..LeaderRules::default()
        });
        r
    }

    fn mv(teacher: usize, subject: &str) -> Move {
        Move {
            teacher,
            from: 0,
            to: 1,
            subject: Subject::new(subject),
            priority: 1,
        }
    }

    fn violations(r: &Rules, moves: &[Move]) -> Vec<String> {
        check(&data(), r, 2021, &[], moves).violations
    }

    #[test]
    fn leaders_fill_leadership_posts_only() {
        let r = rules(false);
        assert!(violations(
            &r,
            &[mv(0, "principal"), mv(1, "vice_principal"), mv(2, "math")]
        )
        .is_empty());
        // A leader on a subject post, a teacher on a leadership post.
        assert_eq!(violations(&r, &[mv(0, "math")]).len(), 1);
        assert_eq!(violations(&r, &[mv(2, "principal")]).len(), 1);
        // A vice-principal on a principal post only with promote.
        assert_eq!(violations(&r, &[mv(1, "principal")]).len(), 1);
        assert!(violations(&rules(true), &[mv(1, "principal")]).is_empty());
        // Three years at the school: not eligible as a leader (six required).
        let v = violations(&r, &[mv(3, "principal")]);
        assert!(v.iter().any(|x| x.contains("not eligible")), "{v:?}");
        // Without [leaders], leaders are teachers of their subject.
        assert!(violations(&Rules::default(), &[mv(0, "math")]).is_empty());
    }

    #[test]
    fn mandatory_leaders_add_their_own_shortfall() {
        let r = rules(false);
        let f = check(&data(), &r, 2021, &[], &[mv(2, "math")]).figures;
        // P and V are eligible and stay: 2; T meets the school's quota of 1 alone
        // (leaders are outside it).
        assert_eq!(
            (f.leaders_eligible, f.leaders_moved, f.leader_shortfall),
            (2, 0, 2)
        );
        assert_eq!((f.quota_shortfall, f.shortfall), (0, 2));
        let f = check(&data(), &r, 2021, &[], &[mv(0, "principal"), mv(2, "math")]).figures;
        assert_eq!((f.leader_shortfall, f.shortfall, f.sent), (1, 1, 2));
    }

    #[test]
    fn retirement_year_under_the_reform() {
        let mut r = Rules::default();
        r.eligibility.retirement_reform_2025 = true;
        let mut t = teacher("X", Role::Teacher, 2000);
        t.gender = Gender::M;
        t.birth_year = 1965;
        t.birth_month = 12;
        assert_eq!(retirement_year(&r, &t), 2026);
        t.birth_month = 1;
        assert_eq!(retirement_year(&r, &t), 2025);
        t.gender = Gender::F;
        t.birth_year = 1971;
        t.birth_month = 4;
        assert_eq!(retirement_year(&r, &t), 2026);
        t.retirement_age = Some(50);
        t.birth_year = 1995;
        t.birth_month = 12;
        assert_eq!(retirement_year(&r, &t), 2050);
    }
}
