//! Cittadino Informato, part 1: the alert state of every comune, from its sources to the public.
//!
//! - Sources: the national criticality bulletin (`bollettino`: index JSON and the TopoJSON of a
//!   day, matched to the region's alert zones and so to comuni), CAP 1.2 documents (`da_cap`:
//!   risk, level and comuni of each Italian info block; `area`: polygons and circles on the
//!   boundaries) posted to the API or polled (`poller`), and the operators (`model`: the form;
//!   four eyes in `store::decidi`). `fonti` holds the sources, their tokens and geocode mappings.
//! - State: `registro` (what the rules need of a document), `store` (the rules applied in the
//!   database, the state at any instant from the documents), `pubblico` (the shared snapshot of
//!   the public pages).
//! - Publication: `routes` (public pages, open data, feeds, the desk), `cap_out` (CAP documents
//!   and Atom index), `avvisi` (municipal notices), `adesioni` (adoption and plans), `demo`.

pub mod adesioni;
pub mod area;
pub mod avvisi;
pub mod bollettino;
pub mod cap_out;
pub mod da_cap;
pub mod demo;
pub mod fonti;
pub mod iscrizioni;
pub mod iscrizioni_routes;
pub mod model;
pub mod notifiche;
pub mod poller;
pub mod pubblico;
pub mod registro;
pub mod routes;
pub mod store;
