//! Eventi: the association on the territory — institutional meetings, conferences, webinars,
//! the annual event, the President's meetings in the provinces, events of the comuni with its
//! patronage and events with partners. An event has sessions, a place (a comune and an
//! address, an online link, or both), partners and patronages from Anagrafica, a public page
//! with its programme and an iCalendar entry; registrations, waitlist, tickets, check-in and
//! certificates are the registration core's (`crate::registrazioni`), which the event owns one
//! offer of. Comuni propose their own events and the office evaluates them; the map shows where
//! the association has been in the last twelve months.
//!
//! Files: `model` (kinds, the forms), `store` (events, partners, proposals, figures), `routes/`
//! (calendar and map, the event page and form, participants, the door, proposals), `pannelli`
//! (the comune page's section, the home figure), `demo` (the events of the 2020 plan).

pub mod demo;
pub mod model;
pub mod pannelli;
pub mod routes;
pub mod store;

/// The routes of Eventi.
pub fn router(cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    let limite = crate::kit::limiti::per_indirizzo_registrazioni(cfg);
    crate::kit::rotte::Rotte::new()
        .get("/eventi", routes::elenco)
        .get("/eventi/calendario.ics", routes::calendario_ics)
        .get("/eventi/mappa", routes::mappa)
        .get("/eventi/nuovo", routes::nuovo_form)
        .post("/eventi/nuovo", routes::crea)
        .get("/eventi/proposte", routes::proposte)
        .post("/eventi/proposte", routes::proposta_crea)
        .post("/eventi/proposte/{id}/decisione", routes::proposta_decidi)
        .get("/eventi/{id}", routes::pagina)
        .post("/eventi/{id}/iscriviti", routes::iscriviti)
        .strato(limite)
        .get("/eventi/{id}/calendario.ics", routes::evento_ics)
        .get("/eventi/{id}/modifica", routes::modifica_form)
        .post("/eventi/{id}/modifica", routes::aggiorna)
        .post("/eventi/{id}/partner", routes::partner_aggiungi)
        .post("/eventi/{id}/obiettivi", routes::obiettivo_collega)
        .get("/eventi/{id}/partecipanti", routes::partecipanti)
        .post("/eventi/{id}/partecipanti", routes::registra_personale)
        .get("/eventi/{id}/partecipanti.csv", routes::partecipanti_csv)
        .get("/eventi/{id}/partecipanti.xlsx", routes::partecipanti_xlsx)
        .get("/eventi/{id}/cartellini.pdf", routes::cartellini)
        .post("/eventi/{id}/registrazioni/{rid}/{azione}", routes::azione)
        .get("/eventi/{id}/checkin", routes::checkin_page)
        .post("/eventi/{id}/checkin", routes::checkin_scansione)
        .get("/eventi/{id}/checkin/cerca", routes::checkin_cerca)
}
