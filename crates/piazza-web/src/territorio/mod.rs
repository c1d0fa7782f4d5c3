//! Territorio: the comuni with their data, alert zones, provinces, boundaries and maps.
//!
//! The territory changes only on import, so it is held in memory as an immutable snapshot
//! ([`Territorio`]) that is swapped after each import; lists, filters and maps read the snapshot.

pub mod confini;
pub mod map;
pub mod model;
pub mod pannelli;
pub mod routes;
pub mod store;

pub use model::{ComuneInfo, Territorio, TerritorioCache};

/// The routes of Territorio: comuni, maps and alert zones.
pub fn router(_cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    crate::kit::rotte::Rotte::new()
        .get("/comuni", routes::comuni)
        .get("/comuni/export.csv", routes::comuni_csv)
        .get("/comuni/export.xlsx", routes::comuni_xlsx)
        .get("/comuni/{codice}", routes::comune)
        .get("/mappa", routes::mappa)
        .get("/mappa.svg", routes::mappa_svg)
        .get("/zone-allerta", routes::zone)
        .get("/zone-allerta/{codice}", routes::zona)
}
