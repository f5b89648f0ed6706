//! HTML reports: one self-contained page per command (inline CSS and SVG, no scripts,
//! works offline, on a phone and on A4 paper), in Chinese or English.
//!
//! Building blocks, public so every command's page is a few lines:
//! - [`svg`]: a typed SVG builder (escaping, fixed number precision);
//! - [`charts`]: `hbars`, `columns`, `sankey`, `lines`, `calendar`;
//! - [`multiples`]: `mini_bars` (small multiples), `stacked`, `histogram`;
//! - [`page`]: `Page` of `Section`s of `Block`s (figures, charts, notes, tables);
//! - [`i18n`]: `Lang` and the strings;
//! - [`itinerant_page`]: the itinerant (走教) weekday grid per township, in the plan
//!   report, plan.xlsx and the `itinerant` command's page;
//! - [`plan_page`] (drawn from [`PlanTallies`] and the tables), [`horizon_page`],
//!   [`progress_page`], [`compare_page`], [`schedule_page`]: one page (and workbook) per
//!   command.

pub mod changes_page;
pub mod charts;
pub mod compare_page;
pub mod district_years;
pub mod horizon_page;
pub mod i18n;
pub mod itinerant_page;
pub mod multiples;
pub mod page;
pub mod plan_page;
pub mod plan_tallies;
pub mod progress_page;
pub mod schedule_page;
#[cfg(test)]
mod snapshot;
pub mod steering_section;
pub mod svg;

pub use i18n::{Lang, UnknownLang};
pub use plan_page::{plan_page, PlanReport};
pub use plan_tallies::PlanTallies;
