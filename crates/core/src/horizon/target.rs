//! The target path: target_cumulative(Y) = round(target × (Y − first + 1) / years).

use crate::rules::Rules;

/// The target path, rounded half up in exact integer arithmetic.
pub fn target_cumulative(rules: &Rules, year: i32) -> u64 {
    let p = &rules.plan;
    let years = i64::from(p.last_year - p.first_year + 1).max(1);
    let done = i64::from(year - p.first_year + 1).clamp(0, years);
    let num = i64::from(p.target_exchanges) * done;
    u64::try_from((2 * num + years) / (2 * years)).unwrap_or(0)
}

/// The first year whose cumulative reaches `target`.
pub fn first_met(rows: impl IntoIterator<Item = (i32, u64)>, target: u64) -> Option<i32> {
    rows.into_iter().find(|&(_, c)| c >= target).map(|(y, _)| y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanchang_path() {
        let r = Rules::default();
        let path: Vec<u64> = (2021..=2025).map(|y| target_cumulative(&r, y)).collect();
        assert_eq!(path, vec![1000, 2000, 3000, 4000, 5000]);
        let mut r3 = Rules::default();
        r3.plan.last_year = 2023;
        r3.plan.target_exchanges = 10;
        let p3: Vec<u64> = (2021..=2023).map(|y| target_cumulative(&r3, y)).collect();
        assert_eq!(p3, vec![3, 7, 10]);
        assert_eq!(first_met([(2021, 3), (2022, 7), (2023, 10)], 7), Some(2022));
    }
}
