//! HTML reports: one self-contained page per command (inline CSS and SVG, no scripts,
//! works offline, on a phone and on A4 paper), in Chinese or English.
//!
//! Building blocks, public so every command's page is a few lines:
//! - [`svg`]: a typed SVG builder (escaping, fixed number precision);
//! - [`charts`]: `hbars`, `columns`, `sankey`, `lines`, `calendar`;
//! - [`page`]: `Page` of `Section`s of `Block`s (figures, charts, notes, tables);
//! - [`i18n`]: `Lang` and the strings;
//! - [`plan_page`]: the `plan` page, drawn from [`PlanTallies`] and the tables.

pub mod charts;
pub mod i18n;
pub mod page;
pub mod plan_page;
pub mod plan_tallies;
pub mod svg;

pub use i18n::Lang;
pub use plan_page::{plan_page, PlanReport};
pub use plan_tallies::PlanTallies;
