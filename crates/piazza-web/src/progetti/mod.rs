//! Progetti: the portfolio of EU, national and regional projects — programmes and calls,
//! partners, comuni and staff, the work plan and its deadlines (also as iCalendar), the
//! timeline, the budget by programme and year, and the risk that the change of regional
//! legislature brings (from Piano's political calendar).

pub mod demo;
pub mod gantt;
pub mod import;
pub mod model;
pub mod pannelli;
pub mod routes;
pub mod store;

/// The routes of Progetti: projects, calls, proposals and programmes.
pub fn router(_cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    crate::kit::rotte::Rotte::new()
        .get("/progetti", routes::elenco)
        .get("/progetti/export.csv", routes::elenco_csv)
        .get("/progetti/export.xlsx", routes::elenco_xlsx)
        .get("/progetti/nuovo", routes::nuovo_form)
        .post("/progetti/nuovo", routes::crea)
        .get("/progetti/importa", routes::importa_form)
        .post("/progetti/importa", routes::importa)
        .strato(axum::extract::DefaultBodyLimit::max(routes::MAX_UPLOAD))
        .get("/progetti/gantt", routes::gantt_page)
        .get("/progetti/scadenze", routes::scadenze)
        .get("/progetti/calendario.ics", routes::calendario_ics)
        .get("/progetti/rischio", routes::rischio)
        .get("/progetti/rischio.csv", routes::rischio_csv)
        .get("/progetti/budget", routes::budget)
        .get("/progetti/mappa", routes::mappa)
        .get("/progetti/bandi", routes::bandi)
        .post("/progetti/bandi", routes::bando_aggiungi)
        .post("/progetti/bandi/{id}/proposte", routes::proposta_aggiungi)
        .post("/progetti/proposte/{id}/esito", routes::proposta_esito)
        .get("/progetti/programmi", routes::programmi)
        .post("/progetti/programmi", routes::programma_aggiungi)
        .get("/progetti/{id}", routes::progetto)
        .get("/progetti/{id}/modifica", routes::modifica_form)
        .post("/progetti/{id}/modifica", routes::aggiorna)
        .post("/progetti/{id}/elimina", routes::elimina)
        .get("/progetti/{id}/calendario.ics", routes::progetto_ics)
        .post("/progetti/{id}/obiettivi", routes::obiettivo_collega)
        .post("/progetti/{id}/parti/{parte}", routes::parte_aggiungi)
        .post("/progetti/{id}/parti/{parte}/{pid}", routes::parte_aggiorna)
        .post(
            "/progetti/{id}/parti/{parte}/{pid}/elimina",
            routes::parte_elimina,
        )
}
