//! "Did you mean …?" suggestions for misspelt rule keys and expression fields.

/// Levenshtein distance between two strings, counted in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() {
        return b.len();
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The known name closest to `given`, when it is close enough to be what was meant:
/// a small edit distance (case-insensitive), or one of them a prefix of the other.
pub fn closest<'a, I>(given: &str, known: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let g = given.trim().to_lowercase();
    if g.is_empty() {
        return None;
    }
    let limit = (g.chars().count() / 3).max(2);
    let mut best: Option<(usize, &'a str)> = None;
    for k in known {
        let kl = k.to_lowercase();
        let mut d = edit_distance(&g, &kl);
        if d > limit && g.chars().count() >= 4 && (kl.starts_with(&g) || g.starts_with(&kl)) {
            // `retirement_age` for `retirement_age_male`: close in meaning, not in letters.
            d = limit;
        }
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("学段", "学段"), 0);
        assert_eq!(
            edit_distance("min_years_at_schol", "min_years_at_school"),
            1
        );
    }

    #[test]
    fn suggestions() {
        let keys = [
            "min_years_at_school",
            "retirement_age_male",
            "statuses",
            "roles",
        ];
        assert_eq!(
            closest("min_year_at_school", keys),
            Some("min_years_at_school")
        );
        assert_eq!(closest("status", keys), Some("statuses"));
        assert_eq!(closest("retirement_age", keys), Some("retirement_age_male"));
        assert_eq!(closest("Roles", keys), Some("roles"));
        assert_eq!(closest("completely_different", keys), None);
        assert_eq!(closest("", keys), None);
    }
}
