//! Retirement dates, with the 2025 retirement-age reform.
//!
//! From 2025-01-01 the statutory retirement age rises gradually: for each group of
//! original ages (60, 55, 50) the delay is one month more for every `step` months of
//! birth date after the group's first affected birth month, up to `cap` months. Other
//! original ages (a personal `retirement_age` of 58, say) are not touched by the
//! reform. One function gives a teacher's retirement year; everything that asks
//! "retired?" or "how close to retirement?" goes through it.

/// (original age, first affected birth (year, month), step in months, cap in months).
const REFORM_GROUPS: [(i32, (i32, i32), i32, i32); 3] = [
    (60, (1965, 1), 4, 36),
    (55, (1970, 1), 4, 36),
    (50, (1975, 1), 2, 60),
];

/// The reform's delay in months for a person of `original_age` born in
/// `birth_year`-`birth_month` (month 1–12).
pub fn reform_delay_months(original_age: i32, birth_year: i32, birth_month: u8) -> i32 {
    let Some(&(_, (fy, fm), step, cap)) = REFORM_GROUPS.iter().find(|g| g.0 == original_age) else {
        return 0;
    };
    let m = (birth_year - fy) * 12 + (i32::from(birth_month) - fm);
    if m < 0 {
        0
    } else {
        cap.min(m / step + 1)
    }
}

/// The (year, month) in which a person retires: birth month + original age + the
/// reform's delay (when `reform`).
pub fn retirement_month(
    birth_year: i32,
    birth_month: u8,
    original_age: i32,
    reform: bool,
) -> (i32, u8) {
    let delay = if reform {
        reform_delay_months(original_age, birth_year, birth_month)
    } else {
        0
    };
    // Months since year 0, January = 0.
    let index = (birth_year + original_age) * 12 + i32::from(birth_month.clamp(1, 12)) - 1 + delay;
    let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    (index.div_euclid(12), month)
}

/// The calendar year of retirement. Without the reform this is `birth_year +
/// original_age` whatever the birth month, as before the reform.
pub fn retirement_year(birth_year: i32, birth_month: u8, original_age: i32, reform: bool) -> i32 {
    if reform {
        retirement_month(birth_year, birth_month, original_age, true).0
    } else {
        birth_year + original_age
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The four published check cases.
    #[test]
    fn check_cases() {
        assert_eq!(retirement_month(1965, 1, 60, true), (2025, 2));
        assert_eq!(retirement_month(1965, 12, 60, true), (2026, 3));
        assert_eq!(retirement_month(1971, 4, 55, true), (2026, 8));
        // A woman of the 50 group born 1995-12 retires at 55: the 60-month cap.
        assert_eq!(retirement_month(1995, 12, 50, true), (2050, 12));
        assert_eq!(reform_delay_months(50, 1995, 12), 60);
    }

    /// Every birth month 1960–1990 for the three original ages, against the rule
    /// written out differently: count the months after the first affected one in
    /// whole steps, by iteration rather than division.
    #[test]
    fn birth_month_table_1960_1990() {
        for (age, first, step, cap) in [(60, 1965, 4, 36), (55, 1970, 4, 36), (50, 1975, 2, 60)] {
            for y in 1960..=1990 {
                for mo in 1..=12u8 {
                    let mut delay = 0;
                    if y >= first {
                        // Months after January of the first affected year, inclusive
                        // of the birth month: one month of delay per started step.
                        let after = (y - first) * 12 + i32::from(mo);
                        let mut started = 0;
                        let mut k = 1;
                        while k <= after {
                            started += 1;
                            k += step;
                        }
                        delay = started.min(cap);
                    }
                    let total = i32::from(mo) - 1 + delay;
                    let expect = (y + age + total / 12, (total % 12 + 1) as u8);
                    assert_eq!(
                        retirement_month(y, mo, age, true),
                        expect,
                        "born {y}-{mo:02}, original age {age}"
                    );
                    assert_eq!(retirement_year(y, mo, age, true), expect.0);
                    assert_eq!(retirement_year(y, mo, age, false), y + age);
                }
            }
        }
    }

    #[test]
    fn other_original_ages_are_untouched() {
        assert_eq!(retirement_month(1980, 6, 58, true), (2038, 6));
        assert_eq!(retirement_year(1980, 6, 63, true), 2043);
    }
}
