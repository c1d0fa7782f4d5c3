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
pub mod pannelli;
pub mod routes;
pub mod store;

/// Piano's read caches (in [`crate::AppState::piano`]).
pub struct Cache {
    /// The plan objectives linked to a record (kind, key, public only), for the records' pages:
    /// dropped after any write of this process, and after 5 s at most.
    pub(crate) obiettivi_collegati:
        crate::kit::cache::Cache<(String, String, bool), Vec<store::ObiettivoCollegato>>,
}

impl Default for Cache {
    fn default() -> Self {
        Self {
            obiettivi_collegati: crate::kit::cache::Cache::new(std::time::Duration::from_secs(5)),
        }
    }
}

/// The routes of Piano: plans, objectives, indicators and the calendar.
pub fn router(_cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    crate::kit::rotte::Rotte::new()
        .get("/piano", routes::elenco)
        .get("/piano/importa", routes::importa_form)
        .post("/piano/importa", routes::importa_salva)
        .post("/piano/importa/anteprima", routes::importa_anteprima)
        .strato(axum::extract::DefaultBodyLimit::max(
            routes::MAX_DOCUMENTO + 64 * 1024,
        ))
        .get("/piano/calendario", routes::calendario)
        .post("/piano/calendario", routes::evento_aggiungi)
        .post("/piano/calendario/{id}/elimina", routes::evento_elimina)
        .get("/piano/stati", routes::stati)
        .post("/piano/stati", routes::stato_aggiungi)
        .post("/piano/stati/{codice}", routes::stato_aggiorna)
        .get("/piano/{anno}", routes::piano)
        .get("/piano/{anno}/modifica", routes::piano_form)
        .post("/piano/{anno}/modifica", routes::piano_aggiorna)
        .get("/piano/{anno}/cruscotto", routes::cruscotto)
        .post(
            "/piano/{anno}/aree/{area}/obiettivi",
            routes::obiettivo_aggiungi,
        )
        .get("/piano/{anno}/export.csv", routes::piano_csv)
        .get("/piano/{anno}/export.json", routes::piano_json)
        .get("/piano/{anno}/export.xlsx", routes::piano_xlsx)
        .get("/piano/{anno}/relazione.pdf", routes::piano_pdf)
        .get("/piano/{anno}/relazione.docx", routes::piano_docx)
        .get("/piano/{anno}/relazione.odt", routes::piano_odt)
        .get("/piano/obiettivi/{id}", routes::obiettivo)
        .get("/piano/obiettivi/{id}/modifica", routes::obiettivo_form)
        .post("/piano/obiettivi/{id}/modifica", routes::obiettivo_aggiorna)
        .post(
            "/piano/obiettivi/{id}/aggiornamenti",
            routes::aggiornamento_aggiungi,
        )
        .post(
            "/piano/obiettivi/{id}/indicatori",
            routes::indicatore_aggiungi,
        )
        .post(
            "/piano/obiettivi/{id}/collegamenti",
            routes::collegamento_aggiungi,
        )
        .post(
            "/piano/obiettivi/{id}/collegamenti/{cid}/elimina",
            routes::collegamento_elimina,
        )
        .post("/piano/indicatori/{id}/misure", routes::misura_aggiungi)
        .post("/piano/indicatori/{id}/elimina", routes::indicatore_elimina)
}
