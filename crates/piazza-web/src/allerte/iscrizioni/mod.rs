//! Citizens' subscriptions (Cittadino Informato, part 2): the form as typed and its
//! validation, and the store. A subscription is one channel and one address (an e-mail, a
//! mobile number, a browser's push endpoint) with the comuni, risks, minimum level and
//! all-clear wish; nothing else is kept about the person but the consent (time and text).
//!
//! - E-mail and SMS need a double opt-in: the subscription waits (`da_confermare`) until the
//!   link in the confirmation message is followed; unconfirmed ones are deleted after
//!   `ore_conferma` hours (the retention policy, `piazza_alerts::outbox::pulisci`).
//! - Web push is confirmed by the browser itself (the permission prompt and the subscription).
//! - Links name a subscription and are signed (`piazza_alerts::chiavi`): confirm, manage
//!   (see, change, export, delete), one-click unsubscribe.
//! - The answer to a subscription never says whether the address was already subscribed.
//!
//! One file per part: `form` (the form and its validation), `iscrivi` (subscribing by address or
//! by push), `scheda` (a subscription: confirm, change, delete, messages, export, testers),
//! `adesione` (the counts by comune and channel); here the risk masks and the comuni's link rows.

use piazza_db::audit::Actor;
use piazza_db::entities::iscrizione_comune;
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::da_cap::RISCHI;
use crate::kit::error::AppResult;

mod adesione;
mod form;
mod iscrivi;
mod scheda;

pub use adesione::{Adesione, adesione, crescita};
pub use form::{
    IscrizioneForm, NuovaIscrizione, Preferenze, cellulare, email, valida, valida_preferenze,
};
pub use iscrivi::{EsitoPush, PushJson, PushKeys, iscrivi, iscrivi_push, valida_push};
pub use scheda::{Scheda, aggiorna, conferma, elimina, esporta, imposta_tester, messaggi, scheda};

/// The consent a subscriber gives, shown next to the box and kept with its time.
pub const CONSENSO: &str = "Acconsento a che l'associazione conservi il recapito indicato e i \
comuni scelti al solo scopo di inviarmi le allerte di protezione civile che ho chiesto. \
Posso vedere, scaricare e cancellare i miei dati in ogni momento dal collegamento presente \
in ogni messaggio; il registro dei messaggi inviati è cancellato dopo 30 giorni.";

/// At most this many comuni per subscription.
pub const MAX_COMUNI: usize = 10;

/// The bit of a risk in `iscrizioni.rischi` (its position in [`RISCHI`]).
pub fn bit(rischio: &str) -> i32 {
    RISCHI
        .iter()
        .position(|(k, _)| *k == rischio)
        .map_or(0, |i| 1 << i)
}

/// Every risk.
pub fn tutti_i_rischi() -> i32 {
    (1 << RISCHI.len()) - 1
}

/// The risks of a mask, as codes.
pub fn rischi_di(mask: i32) -> Vec<&'static str> {
    RISCHI
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, (k, _))| *k)
        .collect()
}

/// The unit of work of a citizen's own request (no account): it audits nothing, the
/// subscription is the only record kept about its owner.
async fn lavoro(db: &DatabaseConnection) -> AppResult<Lavoro> {
    Ok(Lavoro::apri(db, &Actor::system("cittadino")).await?)
}

/// Replaces the comuni of subscription `id`.
async fn scrivi_comuni(c: &impl ConnectionTrait, id: i64, comuni: &[i64]) -> AppResult<()> {
    iscrizione_comune::Entity::delete_many()
        .filter(iscrizione_comune::Column::IscrizioneId.eq(id))
        .exec(c)
        .await?;
    if comuni.is_empty() {
        return Ok(());
    }
    iscrizione_comune::Entity::insert_many(comuni.iter().map(|cm| {
        iscrizione_comune::ActiveModel {
            iscrizione_id: Set(id),
            comune_id: Set(*cm),
            ..Default::default()
        }
    }))
    .exec_without_returning(c)
    .await?;
    Ok(())
}
