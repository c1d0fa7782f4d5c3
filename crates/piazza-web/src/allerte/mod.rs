//! Cittadino Informato: the alert state of every comune (issue 5, in progress). So far: the
//! reader of the national criticality bulletin (`bollettino`), matched to the region's alert
//! zones and so to comuni, and the rules of the public state (`registro`: duplicates, updates,
//! cancels, expiry, exercises) without storage.

pub mod bollettino;
pub mod registro;
