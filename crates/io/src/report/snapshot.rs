//! Snapshot tests of the reports' SVG charts and HTML sections, through `insta`: each
//! snapshot is `tests/snapshots/<name>.snap` at the top of the repository, a short
//! header and then the text exactly as rendered. DEVELOPERS.md says how to review and
//! accept a change.

/// Compares `text` with the committed snapshot `name`.
pub(crate) fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}
