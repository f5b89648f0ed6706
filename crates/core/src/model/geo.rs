//! Great-circle distance, as docs/rules.md defines it (haversine, Earth radius 6371.0 km):
//! the one distance function of the planner, the checker, itinerant teaching and schedules.

pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Distance in km between two (lat, lon) points in decimal degrees.
pub fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude() {
        let d = great_circle_km((28.0, 115.0), (29.0, 115.0));
        assert!((d - 111.195).abs() < 0.01, "{d}");
        assert_eq!(great_circle_km((28.0, 115.0), (28.0, 115.0)), 0.0);
    }
}
