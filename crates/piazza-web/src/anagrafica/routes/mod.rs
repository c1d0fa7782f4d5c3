//! The handlers of Anagrafica, by sub-resource: people, organisations, administrators and the
//! import of the DAIT register. The helpers they share (the crumb, what a user may see, the
//! organisation permission) are here.

mod amministratori;
mod importa;
mod organizzazioni;
mod persone;

pub use amministratori::{
    AmmForm, AmmQuery, amministratore_aggiorna, amministratore_modifica_form, amministratori,
    amministratori_csv, amministratori_xlsx,
};
pub use importa::{MAX_UPLOAD, importa, importa_form};
pub use organizzazioni::{
    OrgQuery, OrgRiga, organizzazione, organizzazione_aggiorna, organizzazione_crea,
    organizzazione_elimina, organizzazione_modifica_form, organizzazione_nuova_form,
    organizzazioni, organizzazioni_csv, organizzazioni_xlsx,
};
pub use persone::{
    PersonaBody, PersonaRiga, PersoneQuery, persona, persona_aggiorna, persona_crea,
    persona_elimina, persona_modifica_form, persona_nuova_form, persone, persone_csv, persone_xlsx,
};

use super::model::comune_proprio;
use super::store;
use crate::kit::moduli::ANAGRAFICA;
use crate::kit::view::Ctx;

const CRUMB: (&str, &str) = ("Anagrafica", "/persone");

/// What of the register this user may see (see [`store::Ambito`]).
fn ambito(ctx: &Ctx) -> store::Ambito {
    match &ctx.user {
        Some(u) if !u.has_grant(ANAGRAFICA) => {
            store::Ambito::Comuni(u.comuni_referente().collect())
        }
        _ => store::Ambito::Tutto,
    }
}

/// The permission check of an organisation: editors of Anagrafica, or a referente for the
/// organisations that belong to their comune ([`comune_proprio`]).
fn puo_modificare_org(ctx: &Ctx, tipo: &str, comune_id: Option<i64>) -> bool {
    ctx.can_edit(ANAGRAFICA, comune_proprio(tipo, comune_id))
}
