//! Queries and writes of Anagrafica, by sub-resource: administrators, the DAIT import, what a
//! user may see, people (and the association's staff), organisations.

mod ambito;
mod amministratori;
mod importa;
mod organizzazioni;
mod persone;

pub use ambito::Ambito;
pub use amministratori::{
    FiltroAmministratori, aggiorna_amministratore, amministratore, amministratori,
    amministratori_del_comune, cariche_della_persona,
};
pub use importa::{ImportSummary, importa_dait, importa_dait_con};
pub use organizzazioni::{
    FiltroOrganizzazioni, aggiorna_organizzazione, conta_organizzazioni, crea_organizzazione,
    elimina_organizzazione, organizzazione, organizzazione_by_id, organizzazioni,
    organizzazioni_per_select, persone_della_organizzazione,
};
pub use persone::{
    FiltroPersone, Personale, aggiorna_persona, conta_persone, crea_persona, elimina_persona,
    persona, personale, persone,
};

pub use crate::kit::fmt::oggi as today;
