//! One subscription: its record, confirming, changing, deleting, its messages and export,
//! the testers.

use chrono::{DateTime, Utc};
use piazza_alerts::outbox::iscrizione_stato;
use piazza_db::entities::{consenso, invio, iscrizione, iscrizione_comune};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::{Preferenze, cellulare, email, lavoro, rischi_di, scrivi_comuni};
use crate::allerte::bollettino::Livello;
use crate::kit::error::{AppError, AppResult};
use crate::territorio::Territorio;

/// A subscription with its comuni and consent text.
#[derive(Debug, Clone)]
pub struct Scheda {
    pub iscrizione: iscrizione::Model,
    pub preferenze: Preferenze,
    pub consenso: String,
}

pub async fn scheda(db: &impl ConnectionTrait, id: i64) -> AppResult<Scheda> {
    let i = iscrizione::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let comuni = iscrizione_comune::Entity::find()
        .select_only()
        .column(iscrizione_comune::Column::ComuneId)
        .filter(iscrizione_comune::Column::IscrizioneId.eq(id))
        .order_by_asc(iscrizione_comune::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let consenso = consenso::Entity::find_by_id(i.consenso_id)
        .one(db)
        .await?
        .map(|c| c.testo)
        .unwrap_or_default();
    Ok(Scheda {
        preferenze: Preferenze {
            comuni,
            rischi: i.rischi,
            soglia: i.soglia,
            fine_allerta: i.fine_allerta,
        },
        iscrizione: i,
        consenso,
    })
}

/// Confirms a subscription (double opt-in). Confirming twice is harmless.
pub async fn conferma(db: &DatabaseConnection, id: i64, ora: DateTime<Utc>) -> AppResult<()> {
    let i = iscrizione::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if i.stato == iscrizione_stato::DA_CONFERMARE {
        let mut a = i.into_active_model();
        a.stato = Set(iscrizione_stato::ATTIVA.into());
        a.confermata_at = Set(Some(ora));
        a.update(db).await?;
    }
    Ok(())
}

/// Changes what a subscriber receives.
pub async fn aggiorna(db: &DatabaseConnection, id: i64, p: &Preferenze) -> AppResult<()> {
    let uow = lavoro(db).await?;
    let i = iscrizione::Entity::find_by_id(id)
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut a = i.into_active_model();
    a.soglia = Set(p.soglia);
    a.rischi = Set(p.rischi);
    a.fine_allerta = Set(p.fine_allerta);
    a.update(&uow).await?;
    scrivi_comuni(&uow, id, &p.comuni).await?;
    uow.conferma().await?;
    Ok(())
}

/// Deletes a subscription and every trace of it: its comuni and its messages (queued or sent).
pub async fn elimina(db: &DatabaseConnection, id: i64) -> AppResult<bool> {
    let uow = lavoro(db).await?;
    let Some(i) = iscrizione::Entity::find_by_id(id).one(&uow).await? else {
        return Ok(false);
    };
    invio::Entity::delete_many()
        .filter(invio::Column::DestinatarioId.eq(id))
        .filter(invio::Column::Canale.eq(&i.canale))
        .exec(&uow)
        .await?;
    iscrizione::Entity::delete_by_id(id).exec(&uow).await?;
    uow.conferma().await?;
    Ok(true)
}

/// The messages of a subscription, newest first.
pub async fn messaggi(
    db: &impl ConnectionTrait,
    i: &iscrizione::Model,
    limite: u64,
) -> AppResult<Vec<invio::Model>> {
    Ok(invio::Entity::find()
        .filter(invio::Column::DestinatarioId.eq(i.id))
        .filter(invio::Column::Canale.eq(&i.canale))
        .order_by_desc(invio::Column::Id)
        .limit(limite)
        .all(db)
        .await?)
}

/// Everything kept about a subscription, for its owner (JSON).
pub async fn esporta(
    db: &impl ConnectionTrait,
    s: &Scheda,
    t: &Territorio,
) -> AppResult<serde_json::Value> {
    let i = &s.iscrizione;
    let messaggi = messaggi(db, i, 10_000).await?;
    Ok(serde_json::json!({
        "canale": i.canale,
        "indirizzo": i.indirizzo,
        "stato": i.stato,
        "comuni": s.preferenze.comuni.iter().filter_map(|id| t.comune_by_id(*id)).map(|c| serde_json::json!({"codice_istat": c.codice_istat, "nome": c.nome})).collect::<Vec<_>>(),
        "rischi": rischi_di(i.rischi),
        "livello_minimo": Livello::da_numero(i.soglia).nome(),
        "fine_allerta": i.fine_allerta,
        "consenso": { "testo": s.consenso, "dato_il": i.consenso_at.to_rfc3339() },
        "creata_il": i.created_at.to_rfc3339(),
        "confermata_il": i.confermata_at.map(|t| t.to_rfc3339()),
        "messaggi": messaggi.iter().map(|m| serde_json::json!({
            "notifica": m.notifica_id,
            "stato": m.stato,
            "tentativi": m.tentativi,
            "creato_il": m.created_at.to_rfc3339(),
            "inviato_il": m.inviato_at.map(|t| t.to_rfc3339()),
        })).collect::<Vec<_>>(),
    }))
}

/// Marks (or unmarks) the active subscriptions of an address as testers: they receive
/// exercises. Returns how many.
pub async fn imposta_tester(
    db: &DatabaseConnection,
    indirizzo: &str,
    tester: bool,
) -> AppResult<u64> {
    let indirizzo = email(indirizzo)
        .or_else(|| cellulare(indirizzo))
        .unwrap_or_else(|| indirizzo.trim().to_owned());
    Ok(iscrizione::Entity::update_many()
        .col_expr(
            iscrizione::Column::Tester,
            sea_orm::sea_query::Expr::value(tester),
        )
        .filter(iscrizione::Column::Indirizzo.eq(indirizzo))
        .filter(iscrizione::Column::Stato.eq(iscrizione_stato::ATTIVA))
        .exec(db)
        .await?
        .rows_affected)
}
