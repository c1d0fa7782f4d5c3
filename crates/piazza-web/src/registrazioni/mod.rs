//! Registrazioni: the registration core that events use and the training school will use as it
//! is. An offer (`offerte`: an event, a course edition) has a capacity kept by the database,
//! opening and closing times, eligibility, questions, an optional approval, a quota per comune
//! and a time to accept a seat offered from the waitlist; people register without an account,
//! confirm by e-mail, get a ticket with a short code and its QR, are promoted from the waitlist
//! automatically, cancel with one click, are scanned at the door, and download a certificate
//! that anyone can verify.
//!
//! Files: `model` (states, codes, questions, the form), `store/` (offers, seats and waitlist,
//! attendance, certificates, lists), `messaggi` (the e-mail of every transition, queued with
//! `kit::posta`), `certificato` (the PDF), `routes` (the ticket page and the verification).
//!
//! The interface for an owner domain: `store::crea_offerta` / `aggiorna_offerta`, then
//! `store::registra` (public or direct), `conferma_email`, `approva`, `respingi`, `annulla`,
//! `accetta`, `scadi_offerte` (a ticker), `scansiona` and `presenti` (the door),
//! `registrazioni` / `conteggi` / `per_comune` (lists, figures), `attestato`. The owner keeps
//! its own page and permissions; the core never calls it (the offer stores the owner's page
//! path for its links).

pub mod certificato;
pub mod messaggi;
pub mod model;
pub mod routes;
pub mod store;

use std::time::Duration;

use crate::AppState;

/// The public routes of the core: the ticket and the verification of certificates.
pub fn router(cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    let limite = crate::kit::limiti::per_indirizzo(cfg);
    crate::kit::rotte::Rotte::new()
        .get("/biglietto/{gettone}", routes::biglietto)
        .post("/biglietto/{gettone}/conferma", routes::conferma)
        .strato(limite.clone())
        .post("/biglietto/{gettone}/accetta", routes::accetta)
        .strato(limite.clone())
        .post("/biglietto/{gettone}/annulla", routes::annulla)
        .strato(limite)
        .get("/biglietto/{gettone}/attestato.pdf", routes::attestato_pdf)
        .get("/biglietto/{gettone}/questionario", routes::questionario)
        .post(
            "/biglietto/{gettone}/questionario",
            routes::questionario_invia,
        )
        .strato(crate::kit::limiti::per_indirizzo(cfg))
        .get("/verifica", routes::verifica_form)
        .get("/verifica/{codice}", routes::verifica_codice)
}

/// Starts the ticker of `piazza serve`: every minute, seats offered and not accepted in time
/// pass to the next person on the waitlist, and the offers just ended send their survey.
pub fn avvia(state: AppState) {
    tokio::spawn(async move {
        let actor = piazza_db::audit::Actor::system("scadenza delle offerte di posto");
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let avvisi = messaggi::Avvisi::da(&state);
            if let Err(e) =
                store::scadi_offerte(&state.db, &actor, &avvisi, chrono::Utc::now()).await
            {
                tracing::warn!(error = %e, "expiring seat offers failed");
            }
            if let Err(e) = questionari(&state, &actor, &avvisi).await {
                tracing::warn!(error = %e, "sending the surveys failed");
            }
        }
    });
}

async fn questionari(
    state: &AppState,
    actor: &piazza_db::audit::Actor,
    avvisi: &messaggi::Avvisi,
) -> crate::kit::error::AppResult<u32> {
    let uow = piazza_db::lavoro::Lavoro::apri(&state.db, actor).await?;
    let n = store::invia_questionari(&uow, avvisi, chrono::Utc::now()).await?;
    uow.conferma().await?;
    Ok(n)
}
