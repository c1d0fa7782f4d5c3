//! Piano: the association's yearly activity plan (issue in progress).
//!
//! So far: the reader of a plan written as a document (`import`), which turns section headings into
//! areas and the items of each "Obiettivi" list into objectives; the progress roll-up (`model`);
//! saving an imported plan (`store`, used by `piazza import piano`). Pages, indicators, updates and
//! the public accountability page come next, in the same shape as the other domains.

pub mod import;
pub mod model;
pub mod store;
