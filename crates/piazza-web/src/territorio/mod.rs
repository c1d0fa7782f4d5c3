//! Territorio: the comuni with their data, alert zones, provinces, boundaries and maps.
//!
//! The territory changes only on import, so it is held in memory as an immutable snapshot
//! ([`Territorio`]) that is swapped after each import; lists, filters and maps read the snapshot.

pub mod map;
pub mod model;
pub mod routes;
pub mod store;

pub use model::{ComuneInfo, Territorio, TerritorioCache};
