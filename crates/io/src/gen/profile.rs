//! The shapes of the synthetic worlds `gen` can write.

/// A named size and shape of synthetic data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// One small county district: about 50 teachers, for reading by eye.
    Tiny,
    /// One county: about 4,000 teachers.
    County,
    /// Calibrated to Nanchang 2020: 12 county-level units, about 750 schools and
    /// 48,000 teachers, urban districts and rural counties side by side.
    Nanchang,
    /// About 100 counties and 500,000 teachers.
    Province,
    /// About 2,800 counties and 10.7 million teachers.
    National,
}

/// Whether a county-level unit is mostly city or mostly countryside: it sets the mix of
/// school localities and how spread out the schools are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Urban,
    Mixed,
    Rural,
}

/// One county-level unit to generate.
#[derive(Debug, Clone)]
pub struct DistrictSpec {
    pub name: String,
    pub code: String,
    pub kind: Kind,
    pub schools: usize,
    pub lat: f64,
    pub lon: f64,
}

/// Nanchang's 12 county-level units, with their administrative codes, rough
/// centres and school counts summing to 750.
const NANCHANG: [(&str, &str, Kind, usize, f64, f64); 12] = [
    ("东湖区", "360102", Kind::Urban, 48, 28.690, 115.900),
    ("西湖区", "360103", Kind::Urban, 50, 28.660, 115.880),
    ("青云谱区", "360104", Kind::Urban, 32, 28.630, 115.920),
    ("青山湖区", "360111", Kind::Urban, 62, 28.680, 115.960),
    ("新建区", "360112", Kind::Rural, 118, 28.690, 115.720),
    ("红谷滩区", "360113", Kind::Urban, 46, 28.700, 115.850),
    ("南昌县", "360121", Kind::Rural, 150, 28.550, 115.940),
    ("进贤县", "360124", Kind::Rural, 102, 28.380, 116.240),
    ("安义县", "360123", Kind::Rural, 56, 28.840, 115.550),
    ("湾里管理局", "360105", Kind::Mixed, 22, 28.720, 115.730),
    ("经开区", "360171", Kind::Mixed, 34, 28.740, 115.800),
    ("高新区", "360172", Kind::Mixed, 30, 28.700, 116.000),
];

impl Profile {
    pub const ALL: [Profile; 5] = [
        Profile::Tiny,
        Profile::County,
        Profile::Nanchang,
        Profile::Province,
        Profile::National,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Tiny => "tiny",
            Profile::County => "county",
            Profile::Nanchang => "nanchang",
            Profile::Province => "province",
            Profile::National => "national",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        let s = s.trim().to_ascii_lowercase();
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Average teachers per school: Nanchang has 48,000 teachers in 750 schools.
    pub fn teachers_per_school(self) -> f64 {
        match self {
            Profile::Tiny => 6.5,
            _ => 64.0,
        }
    }

    pub fn districts(self) -> usize {
        match self {
            Profile::Tiny | Profile::County => 1,
            Profile::Nanchang => NANCHANG.len(),
            Profile::Province => 100,
            Profile::National => 2_800,
        }
    }

    /// The spec of district `i` (0-based); cheap, so that huge profiles never hold the
    /// whole list.
    pub fn district(self, i: usize) -> DistrictSpec {
        match self {
            Profile::Tiny => DistrictSpec {
                name: "青山湖区".into(),
                code: "360111".into(),
                kind: Kind::Mixed,
                schools: 8,
                lat: 28.68,
                lon: 115.96,
            },
            Profile::County => DistrictSpec {
                name: "南昌县".into(),
                code: "360121".into(),
                kind: Kind::Mixed,
                schools: 62,
                lat: 28.55,
                lon: 115.94,
            },
            Profile::Nanchang => {
                let (name, code, kind, schools, lat, lon) = NANCHANG[i % NANCHANG.len()];
                DistrictSpec {
                    name: name.into(),
                    code: code.into(),
                    kind,
                    schools,
                    lat,
                    lon,
                }
            }
            Profile::Province => grid_district(i, 100, "36", 85, (24.5, 30.0), (114.0, 118.5)),
            // 10.7 million teachers / 2,800 counties / 64 per school ≈ 60 schools; the rural mix makes schools smaller, so 64.
            Profile::National => grid_district(i, 2_800, "C", 64, (20.0, 46.0), (86.0, 126.0)),
        }
    }
}

/// Counties laid out on a grid over a province's or the country's extent; every tenth
/// is a city district, every third a mixed one.
fn grid_district(
    i: usize,
    n: usize,
    prefix: &str,
    schools: usize,
    lat: (f64, f64),
    lon: (f64, f64),
) -> DistrictSpec {
    let side = (n as f64).sqrt().ceil() as usize;
    let (row, col) = (i / side, i % side);
    let kind = if i.is_multiple_of(10) {
        Kind::Urban
    } else if i.is_multiple_of(3) {
        Kind::Mixed
    } else {
        Kind::Rural
    };
    // Sizes vary ±25 % so counties are not all alike; the mean stays `schools`.
    let schools = schools * (75 + (i * 37) % 51) / 100;
    DistrictSpec {
        name: format!("第{:04}县", i + 1),
        code: format!("{prefix}{:04}", i + 1),
        kind,
        schools: schools.max(4),
        lat: lat.0 + (lat.1 - lat.0) * (row as f64 + 0.5) / side as f64,
        lon: lon.0 + (lon.1 - lon.0) * (col as f64 + 0.5) / side as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.as_str()), Some(p));
        }
        assert_eq!(Profile::parse(" Nanchang "), Some(Profile::Nanchang));
        assert_eq!(Profile::parse("city"), None);
    }

    #[test]
    fn nanchang_has_750_schools_in_12_units() {
        let p = Profile::Nanchang;
        let total: usize = (0..p.districts()).map(|i| p.district(i).schools).sum();
        assert_eq!((p.districts(), total), (12, 750));
    }
}
