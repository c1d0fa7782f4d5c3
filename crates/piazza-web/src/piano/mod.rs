//! Piano: the association's yearly activity plan (issue in progress).
//!
//! So far: the reader of a plan written as a document (`import`), which turns section headings into
//! areas and the items of each "Obiettivi" list into objectives; the progress of objectives and its
//! roll-up (`model`); saving an imported plan and computing a plan's progress (`store`); the plan
//! page, public for public objectives, and the objective form (`routes`). Indicators, updates, the
//! dashboard and exports come next, in the same shape as the other domains.

pub mod grafico;
pub mod import;
pub mod model;
pub mod routes;
pub mod store;
