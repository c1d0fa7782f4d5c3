//! Certificates of attendance: issued only to people who attended, with what they say (name,
//! title, dates, hours) kept as issued, so that the public verification page shows the truth
//! and an edited PDF is caught.

use chrono::{DateTime, Utc};
use piazza_db::entities::{attestato, offerta, presenza, registrazione};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

use super::super::messaggi::quando;
use super::super::model::{codice, normalizza_codice};
use super::presenze::minuti;
use super::sessioni_di;
use crate::kit::error::{AppError, AppResult};

pub type Attestato = attestato::Model;

/// The certificate of `r`, issued now if it was not yet. Refused to who did not attend.
pub async fn attestato(
    uow: &Lavoro,
    r: &registrazione::Model,
    o: &offerta::Model,
    ora: DateTime<Utc>,
) -> AppResult<Attestato> {
    if let Some(a) = attestato::Entity::find()
        .filter(attestato::Column::RegistrazioneId.eq(r.id))
        .one(uow)
        .await?
    {
        return Ok(a);
    }
    let scansioni = presenza::Entity::find()
        .filter(presenza::Column::RegistrazioneId.eq(r.id))
        .all(uow)
        .await?;
    let sessioni = sessioni_di(uow, o.id).await?;
    let min = minuti(&scansioni, &sessioni);
    if scansioni.is_empty() || min <= 0 {
        return Err(AppError::Conflict(
            "L'attestato di partecipazione è rilasciato solo a chi ha partecipato: non risulta \
             una presenza registrata."
                .into(),
        ));
    }
    if sessioni.last().is_some_and(|s| s.inizio > ora) {
        return Err(AppError::Conflict(
            "L'attestato sarà disponibile dopo l'inizio dell'ultima sessione.".into(),
        ));
    }
    Ok(uow
        .inserisci(attestato::ActiveModel {
            codice: Set(codice(12)),
            registrazione_id: Set(r.id),
            nome: Set(format!("{} {}", r.nome, r.cognome)),
            titolo: Set(o.titolo.clone()),
            date: Set(quando(&sessioni)),
            minuti: Set(min.min(i32::MAX as i64) as i32),
            emesso_at: Set(ora),
            ..Default::default()
        })
        .await?)
}

/// The certificate a verification code names (typed with or without dashes, any case).
pub async fn attestato_per_codice(
    db: &impl ConnectionTrait,
    c: &str,
) -> Result<Option<Attestato>, DbErr> {
    let c = normalizza_codice(c);
    if c.len() != 12 {
        return Ok(None);
    }
    attestato::Entity::find()
        .filter(attestato::Column::Codice.eq(c))
        .one(db)
        .await
}
