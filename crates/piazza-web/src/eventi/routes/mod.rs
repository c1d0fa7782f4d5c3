//! Eventi's pages, one file per part: `elenco` (the calendar, its feed, the map), `evento` (the
//! public page with the registration form, the organiser's form), `gestione` (participants,
//! exports, decisions, partners, a referente's staff), `checkin` (the door), `proposte` (the
//! comuni's proposals and their evaluation).

mod checkin;
mod elenco;
mod evento;
mod gestione;
mod proposte;

pub use checkin::{checkin_cerca, checkin_page, checkin_scansione};
pub use elenco::{calendario_ics, elenco, mappa};
pub use evento::{
    aggiorna, crea, evento_ics, iscriviti, modifica_form, nuovo_form, obiettivo_collega, pagina,
};
pub use gestione::{
    azione, cartellini, partecipanti, partecipanti_csv, partecipanti_xlsx, partner_aggiungi,
    registra_personale,
};
pub use proposte::{proposta_crea, proposta_decidi, proposte};

use crate::kit::moduli::EVENTI;
use crate::kit::view::{Ctx, Scheda};

const CRUMB: (&str, &str) = ("Eventi", "/eventi");

fn schede(ctx: &Ctx, attiva: &str) -> Vec<Scheda> {
    let mut v = vec![("Calendario", "/eventi"), ("Mappa", "/eventi/mappa")];
    if ctx.can_edit_some(EVENTI) {
        v.push(("Proposte dei comuni", "/eventi/proposte"));
    }
    v.into_iter()
        .map(|(nome, href)| Scheda {
            nome,
            href,
            attiva: href == attiva,
        })
        .collect()
}

/// Who sees drafts and cancelled events: the module's staff.
fn vede_bozze(ctx: &Ctx) -> bool {
    ctx.has_grant(EVENTI)
}
