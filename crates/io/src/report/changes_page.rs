//! The "changes from the previous plan" section of the plan report (`--previous`):
//! counts by kind and every dropped or changed move with its reason (kept and added
//! moves are counted; changes.csv lists them all).

use super::i18n::{Lang, Text};
use super::page::{Block, Figure, Section};
use crate::plan::{Change, ChangeKind};

/// The words of a change kind.
pub fn kind_text(k: ChangeKind) -> Text {
    match k {
        ChangeKind::Kept => Text::ChangeKept,
        ChangeKind::Added => Text::ChangeAdded,
        ChangeKind::Dropped => Text::ChangeDropped,
        ChangeKind::Changed => Text::ChangeChanged,
    }
}

/// The section: counts by kind, then the dropped and changed moves with reasons.
pub fn changes_section(data: &crate::model::Dataset, changes: &[Change], lang: Lang) -> Section {
    let rows: Vec<(ChangeKind, Vec<String>)> =
        changes.iter().map(|c| (c.kind, c.cells(data))).collect();
    changes_section_of_rows(&rows, lang)
}

/// The section from changes.csv's rows (each with its kind), as `merge` has them.
pub fn changes_section_of_rows(changes: &[(ChangeKind, Vec<String>)], lang: Lang) -> Section {
    let t = |x: Text| x.get(lang).to_string();
    let mut counts = [0u64; 4];
    for (k, _) in changes {
        if let Some(i) = ChangeKind::ALL.iter().position(|x| x == k) {
            counts[i] += 1;
        }
    }
    let figures = ChangeKind::ALL
        .iter()
        .zip(counts)
        .map(|(&k, n)| Figure {
            caption: t(kind_text(k)),
            value: n.to_string(),
            alert: matches!(k, ChangeKind::Dropped | ChangeKind::Changed) && n > 0,
        })
        .collect();
    let rows: Vec<Vec<String>> = changes
        .iter()
        .filter(|(k, _)| matches!(k, ChangeKind::Dropped | ChangeKind::Changed))
        .map(|(k, cells)| {
            let mut cells = cells.clone();
            if let Some(c) = cells.get_mut(3) {
                *c = t(kind_text(*k));
            }
            cells
        })
        .collect();
    let mut blocks = vec![Block::Figures(figures), Block::Note(t(Text::ChangesNote))];
    if !rows.is_empty() {
        blocks.push(Block::Table {
            header: vec![
                t(Text::Teacher),
                t(Text::PreviousTo),
                t(Text::NowTo),
                t(Text::Change),
                t(Text::Reasons),
            ],
            rows,
        });
    }
    Section {
        heading: t(Text::Changes),
        blocks,
    }
}
