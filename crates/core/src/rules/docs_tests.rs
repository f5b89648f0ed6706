//! The rules page (`docs/rules.md`) is checked against the key table (`rules/keys.rs`):
//! every key has its row, `| `section.key` | default | meaning |`, with the table's
//! default and doc line word for word, and the page names no other key. A key added to
//! the table without its row, or a row edited without the table, fails the suite.

use super::keys::{self, KEYS};

const PAGE: &str = include_str!("../../../../docs/rules.md");

#[test]
fn every_rule_key_is_documented() {
    for section in keys::sections() {
        assert!(
            PAGE.contains(&format!("## `[{section}]`"))
                || PAGE.contains(&format!("## `[[{section}.")),
            "docs/rules.md has no section for [{section}]"
        );
    }
    let mut wrong = Vec::new();
    for k in KEYS {
        let row = format!("| `{}` | {} | {} |", k.path(), k.shown_default(), k.doc);
        if !PAGE.lines().any(|l| l == row) {
            wrong.push(row);
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/rules.md lacks these rows (or has them otherwise worded):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn documented_keys_exist() {
    // Every `section.key` the page names in a table's first column is a real key.
    let mut unknown = Vec::new();
    for line in PAGE.lines() {
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let Some((name, _)) = rest.split_once('`') else {
            continue;
        };
        let Some((section, key)) = name.split_once('.') else {
            continue;
        };
        if keys::find(section, key).is_none() {
            unknown.push(name.to_string());
        }
    }
    assert!(
        unknown.is_empty(),
        "docs/rules.md names unknown keys: {}",
        unknown.join(", ")
    );
}

#[test]
fn the_eligibility_rules_are_listed_exactly() {
    // The bullets `- `id`: …` under "A teacher is **eligible** in Y" are the built-in
    // rules, in the order they are checked.
    let start = PAGE
        .find("A teacher is **eligible** in Y")
        .expect("docs/rules.md's list of eligibility rules");
    let listed: Vec<&str> = PAGE[start..]
        .lines()
        .skip_while(|l| !l.starts_with("- "))
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.strip_prefix("- `")?.split('`').next())
        .collect();
    assert_eq!(
        listed,
        super::EligibilityRule::IDS,
        "docs/rules.md's eligibility rules"
    );
}
