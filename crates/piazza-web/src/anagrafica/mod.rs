//! Anagrafica: people, organisations and the administrators of the comuni, with the import of
//! the Ministry of the Interior's register (DAIT).

pub mod dait;
pub mod demo;
pub mod model;
pub mod routes;
pub mod store;
