//! Exact decimal shares, so that ceil(0.10 × 30) is 3 and never 4.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// A share in [0, 1], held as an exact decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Share(Decimal);

impl Share {
    /// Parses a decimal as written (`0.10`, `0.2`, `1`); None outside [0, 1] or when
    /// not a number.
    pub fn parse(s: &str) -> Option<Share> {
        let d = Decimal::from_str(s.trim()).ok()?;
        Share::from_decimal(d)
    }

    pub fn from_decimal(d: Decimal) -> Option<Share> {
        if d < Decimal::ZERO || d > Decimal::ONE {
            None
        } else {
            Some(Share(d.normalize()))
        }
    }

    /// From a TOML float: Rust prints the shortest decimal that reads back as the same
    /// double, which is what the user wrote (0.1 → "0.1"), so the share stays exact.
    pub fn from_f64(f: f64) -> Option<Share> {
        if !f.is_finite() {
            return None;
        }
        Share::parse(&format!("{f}"))
    }

    /// `n`/100, clamped to [0, 1]; for built-in defaults.
    pub fn hundredths(n: u32) -> Share {
        Share(Decimal::new(i64::from(n.min(100)), 2).normalize())
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// ceil(share × n), exactly.
    pub fn ceil_mul(self, n: u32) -> u32 {
        (self.0 * Decimal::from(n))
            .ceil()
            .to_u32()
            .unwrap_or(u32::MAX)
    }

    /// floor(share × n), exactly.
    pub fn floor_mul(self, n: u32) -> u32 {
        (self.0 * Decimal::from(n))
            .floor()
            .to_u32()
            .unwrap_or(u32::MAX)
    }

    /// The share as a fraction num/den in lowest terms (den a power of ten reduced),
    /// for integer constraints such as den·k ≥ num·sent.
    pub fn ratio(self) -> (i64, i64) {
        let scale = self.0.scale();
        let mantissa = self.0.mantissa() as i64;
        let mut den: i64 = 10_i64.pow(scale);
        let mut num = mantissa;
        let g = gcd(num.abs(), den);
        if g > 1 {
            num /= g;
            den /= g;
        }
        (num, den)
    }

    pub fn to_f64(self) -> f64 {
        self.0.to_f64().unwrap_or(0.0)
    }
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a.max(1)
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_rounding() {
        let s = Share::from_f64(0.10).unwrap();
        assert_eq!(s.ceil_mul(30), 3);
        assert_eq!(Share::parse("0.29").unwrap().floor_mul(100), 29);
        assert_eq!(Share::from_f64(0.29).unwrap().floor_mul(100), 29);
        assert_eq!(Share::parse("0.15").unwrap().floor_mul(20), 3);
        assert_eq!(Share::parse("0.2").unwrap().ceil_mul(5), 1);
        assert_eq!(Share::parse("0.2").unwrap().ceil_mul(6), 2);
        assert_eq!(Share::parse("0.2").unwrap().ratio(), (1, 5));
        assert_eq!(Share::parse("0.10").unwrap().ratio(), (1, 10));
        assert_eq!(Share::parse("0").unwrap().ratio(), (0, 1));
        assert_eq!(Share::parse("1").unwrap().ratio(), (1, 1));
        assert!(Share::parse("1.01").is_none());
        assert!(Share::parse("-0.1").is_none());
    }
}
