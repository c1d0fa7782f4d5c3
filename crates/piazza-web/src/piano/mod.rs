//! Piano: the association's yearly activity plan.
//!
//! `import` reads a plan written as a document (section headings become areas, the items of each
//! "Obiettivi" list objectives); `model` holds the pure rules (progress of an objective from its
//! state, by hand or from indicators; weighted roll-up; off-track indicators; the risk window of a
//! change of legislature); `store` the queries and changes (each in one transaction with its audit
//! row), the plan view and the staff dashboard; `routes` the pages, forms and exports; `grafico`
//! the indicators' SVG charts.

pub mod demo;
pub mod grafico;
pub mod import;
pub mod model;
pub mod routes;
pub mod store;
