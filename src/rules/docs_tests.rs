//! The rules page (`docs/rules.md`) is checked against the key table the parser uses,
//! so a key added to the parser without a line of documentation fails the suite.

use super::parse::SECTIONS;

const PAGE: &str = include_str!("../../docs/rules.md");

#[test]
fn every_rule_key_is_documented() {
    let mut missing = Vec::new();
    for (section, keys) in SECTIONS {
        assert!(
            PAGE.contains(&format!("## `[{section}]`"))
                || PAGE.contains(&format!("## `[[{section}.")),
            "docs/rules.md has no section for [{section}]"
        );
        for key in *keys {
            if !PAGE.contains(&format!("`{section}.{key}`")) {
                missing.push(format!("{section}.{key}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/rules.md does not document: {}",
        missing.join(", ")
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
        let known = SECTIONS
            .iter()
            .any(|(s, keys)| *s == section && keys.contains(&key));
        if !known {
            unknown.push(name.to_string());
        }
    }
    assert!(
        unknown.is_empty(),
        "docs/rules.md names unknown keys: {}",
        unknown.join(", ")
    );
}
