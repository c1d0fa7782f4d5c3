//! Cittadino Informato: the alert state of every comune (issue 5, in progress). So far: the
//! reader of the national criticality bulletin (`bollettino`), matched to the region's alert
//! zones and so to comuni; the rules of the public state (`registro`: duplicates, updates,
//! cancels, expiry, exercises) without storage; and the reading of a CAP document into those
//! rules (`da_cap`: risk, level and comuni of each Italian info block); the comuni a CAP
//! polygon or circle touches on the boundaries (`area`).

pub mod adesioni;
pub mod area;
pub mod avvisi;
pub mod bollettino;
pub mod cap_out;
pub mod da_cap;
pub mod demo;
pub mod fonti;
pub mod model;
pub mod poller;
pub mod pubblico;
pub mod registro;
pub mod routes;
pub mod store;
