//! Which days may be used: Monday to Friday inside the window, never a holiday.

use crate::model::{Date, MonthDay};

/// The `[evaluation] window` as dates of calendar year `year`. A window edge on 29
/// February of a non-leap year moves inward (to 1 March at the start, 28 February at
/// the end), so the window never grows.
pub fn window_in_year(window: (MonthDay, MonthDay), year: i32) -> Option<(Date, Date)> {
    let start = window.0.in_year(year).or_else(|| Date::new(year, 3, 1))?;
    let end = window.1.in_year(year).or_else(|| Date::new(year, 2, 28))?;
    (start <= end).then_some((start, end))
}

/// The usable days of a window, in order: weekdays that are not `holidays`.
pub fn usable_days(window: (Date, Date), holidays: &[Date]) -> Vec<Date> {
    let (first, last) = (window.0.ordinal(), window.1.ordinal());
    // A window longer than a few years is a data error upstream; cap the work anyway.
    let last = last.min(first + 3 * 366);
    (first..=last)
        .map(Date::from_ordinal)
        .filter(|d| !d.is_weekend() && !holidays.contains(d))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_without_holidays() {
        let w = window_in_year(
            (
                MonthDay { month: 11, day: 1 },
                MonthDay { month: 11, day: 7 },
            ),
            2021,
        )
        .unwrap();
        let hol = [Date::new(2021, 11, 3).unwrap()];
        let days: Vec<String> = usable_days(w, &hol).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            days,
            ["2021-11-01", "2021-11-02", "2021-11-04", "2021-11-05"]
        );
    }

    #[test]
    fn leap_day_edges_move_inward() {
        let w = window_in_year(
            (
                MonthDay { month: 2, day: 29 },
                MonthDay { month: 2, day: 29 },
            ),
            2021,
        );
        assert_eq!(w, None);
        let w = window_in_year(
            (
                MonthDay { month: 2, day: 1 },
                MonthDay { month: 2, day: 29 },
            ),
            2021,
        )
        .unwrap();
        assert_eq!(w.1.to_string(), "2021-02-28");
    }
}
