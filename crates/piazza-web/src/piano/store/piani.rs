//! The plan itself: found by year, saved from a read document, its own fields changed.

use chrono::{NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{obiettivo, piano, piano_area};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;
use crate::piano::import::PianoLetto;

pub async fn piano_dell_anno(
    db: &DatabaseConnection,
    anno: i32,
) -> AppResult<Option<piano::Model>> {
    Ok(piano::Entity::find()
        .filter(piano::Column::Anno.eq(anno))
        .one(db)
        .await?)
}

/// Saves a plan read from a document as a draft of `anno`, in one transaction: its areas in order
/// and their objectives (state "non avviato", weight 1, public, progress from the state).
pub async fn salva_piano_letto(
    db: &DatabaseConnection,
    actor: &Actor,
    anno: i32,
    letto: &PianoLetto,
) -> AppResult<piano::Model> {
    if !(2000..=2100).contains(&anno) {
        return Err(AppError::BadRequest(format!("Anno {anno} non valido.")));
    }
    if letto.aree.is_empty() {
        return Err(AppError::BadRequest(
            "Il documento non contiene aree con obiettivi.".into(),
        ));
    }
    let uow = Lavoro::apri(db, actor).await?;
    if piano::Entity::find()
        .filter(piano::Column::Anno.eq(anno))
        .one(&uow)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "Esiste già un piano per il {anno}."
        )));
    }
    let now = Utc::now();
    let p = piano::ActiveModel {
        anno: Set(anno),
        titolo: Set(letto
            .titolo
            .clone()
            .unwrap_or_else(|| format!("Piano attività {anno}"))),
        stato: Set("bozza".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&uow)
    .await?;
    for (i, area) in letto.aree.iter().enumerate() {
        let a = piano_area::ActiveModel {
            piano_id: Set(p.id),
            ordine: Set(i as i32 + 1),
            titolo: Set(area.titolo.clone()),
            ..Default::default()
        }
        .insert(&uow)
        .await?;
        let rows: Vec<obiettivo::ActiveModel> = area
            .obiettivi
            .iter()
            .enumerate()
            .map(|(j, titolo)| obiettivo::ActiveModel {
                public_id: Set(piazza_db::new_public_id()),
                area_id: Set(a.id),
                ordine: Set(j as i32 + 1),
                titolo_norm: Set(normalize(titolo)),
                titolo: Set(titolo.clone()),
                priorita: Set("media".into()),
                peso: Set(1),
                pubblico: Set(true),
                stato: Set("non_avviato".into()),
                fonte_progresso: Set("stato".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        if !rows.is_empty() {
            obiettivo::Entity::insert_many(rows)
                .exec_without_returning(&uow)
                .await?;
        }
    }
    uow.registra(
        "importa",
        "piano",
        &anno.to_string(),
        None,
        Some(json!({
            "titolo": p.titolo,
            "aree": letto.aree.iter().map(|a| json!({"titolo": a.titolo, "obiettivi": a.obiettivi})).collect::<Vec<_>>(),
        })),
    )
    .await?;
    uow.conferma().await?;
    Ok(p)
}

/// The plan's own fields an editor may change.
#[derive(Debug, Clone)]
pub struct ModificaPiano {
    pub titolo: String,
    pub stato: String,
    pub data_approvazione: Option<NaiveDate>,
    pub organo_approvazione: Option<String>,
}

pub async fn aggiorna_piano(
    db: &DatabaseConnection,
    actor: &Actor,
    current: piano::Model,
    m: &ModificaPiano,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let before = current.clone();
    let mut am: piano::ActiveModel = current.into();
    am.titolo = Set(m.titolo.clone());
    am.stato = Set(m.stato.clone());
    am.data_approvazione = Set(m.data_approvazione);
    am.organo_approvazione = Set(m.organo_approvazione.clone());
    am.updated_at = Set(Utc::now());
    uow.aggiorna(&before, am).await?;
    uow.conferma().await?;
    Ok(())
}
