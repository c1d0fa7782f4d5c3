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
pub mod pannelli;
pub mod poller;
pub mod pubblico;
pub mod registro;
pub mod routes;
pub mod store;

use std::time::Duration;

use crate::kit::cache;

/// Allerte's caches: the public state and two aggregates of busy public pages.
pub struct Cache {
    /// The public alert state, shared by the public pages and feeds.
    pub(crate) pubblico: pubblico::StatoPubblico,
    /// The alert history of each comune, for the (public) comune page.
    pub(crate) storia: cache::Cache<i64, Vec<routes::DocumentoRiga>>,
    /// How many subscribe, by comune and channel: a minute old at most.
    pub(crate) adesione: cache::Cache<(), iscrizioni::Adesione>,
}

impl Default for Cache {
    fn default() -> Self {
        Self {
            pubblico: pubblico::StatoPubblico::default(),
            storia: cache::Cache::new(Duration::from_secs(5)),
            adesione: cache::Cache::new(Duration::from_secs(60)),
        }
    }
}

/// The routes of Allerte: the alert desk, public state and feeds, subscriptions and deliveries.
pub fn router(cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    // The form and the push endpoint share one budget per address.
    let limite = crate::kit::limiti::per_indirizzo(cfg);
    crate::kit::rotte::Rotte::new()
        .get("/allerte", routes::stato_page)
        .get("/allerte.json", routes::stato_json)
        .get("/allerte/cap.atom", routes::cap_atom)
        .get("/allerte/cap/{id}", routes::cap_documento)
        .get("/allerte/avvisi.atom", routes::avvisi_atom)
        .get("/allerte/gestione", routes::gestione)
        .get("/allerte/iscriviti", iscrizioni_routes::iscriviti_form)
        .post("/allerte/iscriviti", iscrizioni_routes::iscriviti)
        .strato(limite.clone())
        .post("/allerte/iscriviti/push", iscrizioni_routes::iscriviti_push)
        .strato(limite)
        .get(
            "/allerte/conferma/{gettone}",
            iscrizioni_routes::conferma_form,
        )
        .post("/allerte/conferma/{gettone}", iscrizioni_routes::conferma)
        .get(
            "/allerte/iscrizione/{gettone}",
            iscrizioni_routes::iscrizione,
        )
        .post(
            "/allerte/iscrizione/{gettone}",
            iscrizioni_routes::iscrizione_aggiorna,
        )
        .get(
            "/allerte/iscrizione/{gettone}/dati.json",
            iscrizioni_routes::iscrizione_dati,
        )
        .post(
            "/allerte/iscrizione/{gettone}/elimina",
            iscrizioni_routes::iscrizione_elimina,
        )
        .get(
            "/allerte/disiscrivi/{gettone}",
            iscrizioni_routes::disiscrivi_form,
        )
        .post(
            "/allerte/disiscrivi/{gettone}",
            iscrizioni_routes::disiscrivi,
        )
        .get("/sw.js", iscrizioni_routes::service_worker)
        .get("/allerte/invii", iscrizioni_routes::invii)
        .get("/allerte/invii/stato", iscrizioni_routes::invii_stato)
        .post("/allerte/invii/tester", iscrizioni_routes::tester)
        .post("/allerte/invii/telegram", iscrizioni_routes::telegram_salva)
        .post(
            "/allerte/invii/telegram/{id}/elimina",
            iscrizioni_routes::telegram_elimina,
        )
        .get("/metrics", iscrizioni_routes::metrics)
        .get("/allerte/nuova", routes::componi_form)
        .post("/allerte/nuova", routes::componi)
        .get("/allerte/avvisi", routes::avvisi)
        .post("/allerte/avvisi", routes::avviso_crea)
        .post("/allerte/avvisi/{id}/ritira", routes::avviso_ritira)
        .get("/allerte/adesioni", routes::adesioni)
        .post("/allerte/adesioni/{codice}", routes::adesione_salva)
        .get("/allerte/fonti", routes::fonti_elenco)
        .post("/allerte/fonti", routes::fonte_aggiungi)
        .post("/allerte/fonti/geocodici", routes::mappatura_aggiungi)
        .post(
            "/allerte/fonti/geocodici/{id}/elimina",
            routes::mappatura_elimina,
        )
        .post("/allerte/fonti/{id}/attiva", routes::fonte_attiva)
        .post("/allerte/fonti/{id}/token", routes::fonte_token)
        .get("/allerte/{id}", routes::dettaglio)
        .post("/allerte/{id}/approva", routes::approva)
        .post("/allerte/{id}/respingi", routes::respingi)
        .post("/allerte/{id}/annulla", routes::annulla)
        .get("/comuni/{codice}/allerte.atom", routes::comune_cap_atom)
        .get("/comuni/{codice}/avvisi.atom", routes::comune_avvisi_atom)
        .post("/api/allerte/cap", routes::api_cap)
        .strato(axum::extract::DefaultBodyLimit::max(routes::MAX_CAP))
}
