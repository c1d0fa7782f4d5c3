use chrono::Utc;
use piazza_db::audit::{self, Actor};
use piazza_db::entities::{obiettivo, piano, piano_area};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde_json::json;

use super::import::PianoLetto;
use crate::error::{AppError, AppResult};
use crate::text::normalize;

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
    let txn = db.begin().await?;
    if piano::Entity::find()
        .filter(piano::Column::Anno.eq(anno))
        .one(&txn)
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
    .insert(&txn)
    .await?;
    for (i, area) in letto.aree.iter().enumerate() {
        let a = piano_area::ActiveModel {
            piano_id: Set(p.id),
            ordine: Set(i as i32 + 1),
            titolo: Set(area.titolo.clone()),
            ..Default::default()
        }
        .insert(&txn)
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
                .exec_without_returning(&txn)
                .await?;
        }
    }
    audit::record(
        &txn,
        actor,
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
    txn.commit().await?;
    Ok(p)
}
