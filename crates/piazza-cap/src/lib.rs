//! A codec for CAP 1.2, the OASIS Common Alerting Protocol, with no I/O.
//!
//! - [`parse`] reads what real feeds send, leniently: `Z` instead of `+00:00`, extra whitespace,
//!   unknown elements and values are kept or skipped and reported as [`Violation`]s in
//!   [`Parsed::warnings`] instead of failing; only a document that is not XML or has no `alert`
//!   fails.
//! - [`validate`] is the strict mode: every violation of the specification, each with the path of
//!   the element (`alert/info[1]/area[0]/polygon[0]`).
//! - [`to_xml`] writes a document that the strict mode accepts when the alert is valid, and that
//!   [`parse`] reads back to the same alert.

mod model;
mod parse;
mod validate;
mod write;

pub use model::*;
pub use parse::{MAX_ELEMENTI, MAX_PUNTI_DOCUMENTO, MAX_PUNTI_POLIGONO, ParseError, Parsed, parse};
pub use validate::{Violation, validate, validate_xml};
pub use write::to_xml;
