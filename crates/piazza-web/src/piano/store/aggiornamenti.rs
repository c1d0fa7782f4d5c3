//! The timeline of an objective: progress notes, which may change its state or progress.

use chrono::{NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{aggiornamento_obiettivo, obiettivo};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::kit::error::{AppError, AppResult};
use crate::piano::model::FonteProgresso;

/// A progress note to add to an objective, validated.
#[derive(Debug, Clone)]
pub struct NuovoAggiornamento {
    pub data: NaiveDate,
    pub testo: String,
    pub allegato_url: Option<String>,
    pub nuovo_stato: Option<String>,
    pub nuovo_progresso: Option<i32>,
}

/// Adds a note to the timeline of an objective; a new state or progress it carries is applied to
/// the objective in the same transaction (a progress given by hand makes the source "manuale").
pub async fn aggiungi_aggiornamento(
    db: &DatabaseConnection,
    actor: &Actor,
    autore_nome: &str,
    current: obiettivo::Model,
    n: &NuovoAggiornamento,
) -> AppResult<()> {
    if n.nuovo_progresso.is_some() && current.fonte_progresso == FonteProgresso::Indicatori.key() {
        return Err(AppError::BadRequest(
            "L'avanzamento di questo obiettivo viene dagli indicatori: registrare una misura."
                .into(),
        ));
    }
    let uow = Lavoro::apri(db, actor).await?;
    let u = aggiornamento_obiettivo::ActiveModel {
        obiettivo_id: Set(current.id),
        data: Set(n.data),
        testo: Set(n.testo.clone()),
        autore_id: Set(actor.utente_id),
        autore_nome: Set(autore_nome.to_owned()),
        allegato_url: Set(n.allegato_url.clone()),
        nuovo_stato: Set(n.nuovo_stato.clone()),
        nuovo_progresso: Set(n.nuovo_progresso),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&uow)
    .await?;
    uow.registra(
        "aggiorna",
        "obiettivo",
        &current.public_id,
        None,
        Some(
            json!({"aggiornamento": u.id, "data": u.data, "testo": u.testo,
            "nuovo_stato": u.nuovo_stato, "nuovo_progresso": u.nuovo_progresso}),
        ),
    )
    .await?;
    if n.nuovo_stato.is_some() || n.nuovo_progresso.is_some() {
        let before = current.clone();
        let mut am: obiettivo::ActiveModel = current.into();
        if let Some(s) = &n.nuovo_stato {
            am.stato = Set(s.clone());
        }
        if let Some(p) = n.nuovo_progresso {
            am.progresso_manuale = Set(Some(p));
            am.fonte_progresso = Set(FonteProgresso::Manuale.key().into());
        }
        am.updated_at = Set(Utc::now());
        uow.aggiorna(&before, am).await?;
    }
    uow.conferma().await?;
    Ok(())
}

/// The timeline of an objective, newest first.
pub async fn aggiornamenti(
    db: &DatabaseConnection,
    obiettivo_id: i64,
) -> AppResult<Vec<aggiornamento_obiettivo::Model>> {
    Ok(aggiornamento_obiettivo::Entity::find()
        .filter(aggiornamento_obiettivo::Column::ObiettivoId.eq(obiettivo_id))
        .order_by_desc(aggiornamento_obiettivo::Column::Data)
        .order_by_desc(aggiornamento_obiettivo::Column::Id)
        .all(db)
        .await?)
}
