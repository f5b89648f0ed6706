//! Which school may send to which: the school-level half of an allowed pair (the
//! subject half is `Rules::subject_fits`).

use crate::model::great_circle_km;
use crate::model::{Locality, School, Stage};
use crate::rules::{Rules, StageMatch};

/// Why a school pair is not allowed; explanations render these.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PairBlock {
    SameSchool,
    Stage { from: Stage, to: Stage },
    Direction { from: Locality, to: Locality },
    District,
    Distance { km: f64, max: f64 },
}

pub fn stages_compatible(a: Stage, b: Stage, m: StageMatch) -> bool {
    a == b || (m == StageMatch::Compatible && (a == Stage::NineYear || b == Stage::NineYear))
}

/// Distance in km when both schools have coordinates.
pub fn distance_km(s: &School, r: &School) -> Option<f64> {
    Some(great_circle_km(s.coord?, r.coord?))
}

/// Every rule that blocks sending from `s` to `r` (empty: allowed).
pub fn pair_blocks(s: &School, r: &School, rules: &Rules) -> Vec<PairBlock> {
    let f = &rules.flow;
    let mut out = Vec::new();
    if s.id == r.id {
        out.push(PairBlock::SameSchool);
    }
    if !stages_compatible(s.stage, r.stage, f.stage_match) {
        out.push(PairBlock::Stage {
            from: s.stage,
            to: r.stage,
        });
    }
    let direction_ok = f.directions.contains(&(s.locality, r.locality))
        || (r.weak && !s.weak && f.to_weak_from_any_non_weak);
    if !direction_ok {
        out.push(PairBlock::Direction {
            from: s.locality,
            to: r.locality,
        });
    }
    if f.same_district && s.district != r.district {
        out.push(PairBlock::District);
    }
    if let Some(km) = distance_km(s, r) {
        if km > f.max_distance_km {
            out.push(PairBlock::Distance {
                km,
                max: f.max_distance_km,
            });
        }
    }
    out
}

/// The fast yes/no form of [`pair_blocks`].
pub fn allowed(s: &School, r: &School, rules: &Rules) -> bool {
    let f = &rules.flow;
    s.id != r.id
        && stages_compatible(s.stage, r.stage, f.stage_match)
        && (f.directions.contains(&(s.locality, r.locality))
            || (r.weak && !s.weak && f.to_weak_from_any_non_weak))
        && (!f.same_district || s.district == r.district)
        && distance_km(s, r).is_none_or(|km| km <= f.max_distance_km)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify;
    use crate::verify::tests::{data, mv};

    #[test]
    fn planner_and_checker_agree_at_exactly_max_distance_km() {
        // One distance function serves both: at exactly `max_distance_km` the pair is
        // allowed by the planner and by the checker, and one step below it by neither.
        let mut d = data();
        d.schools[0].coord = Some((28.6829, 115.8582));
        d.schools[1].coord = Some((28.1234, 116.4321));
        let km = great_circle_km((28.6829, 115.8582), (28.1234, 116.4321));
        let mut r = Rules::default();
        r.quota.min_backbone_share = crate::rules::Share::hundredths(0);
        r.flow.max_distance_km = km;
        let far = |r: &Rules| {
            let planner = pair_blocks(&d.schools[0], &d.schools[1], r)
                .iter()
                .any(|b| matches!(b, PairBlock::Distance { .. }));
            let checker = verify::check(&d, r, 2021, &[], &[mv(2, "math")])
                .violations
                .iter()
                .any(|v| v.contains("km"));
            (planner, checker)
        };
        assert_eq!(far(&r), (false, false));
        r.flow.max_distance_km = km - km * f64::EPSILON;
        assert!(r.flow.max_distance_km < km);
        assert_eq!(far(&r), (true, true));
    }
}
