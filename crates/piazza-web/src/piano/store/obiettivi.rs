//! Objectives: found, added to an area, changed; the choices of a link and the sectors in use.

use std::collections::HashMap;

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{obiettivo, piano, piano_area};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;
use crate::piano::model::FonteProgresso;

pub async fn obiettivo(db: &DatabaseConnection, public_id: &str) -> AppResult<obiettivo::Model> {
    obiettivo::Entity::find()
        .filter(obiettivo::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The year of the plan an objective belongs to.
pub async fn anno_dell_obiettivo(db: &DatabaseConnection, o: &obiettivo::Model) -> AppResult<i32> {
    let a = piano_area::Entity::find_by_id(o.area_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = piano::Entity::find_by_id(a.piano_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(p.anno)
}

/// What an editor may change on an objective, validated.
#[derive(Debug, Clone)]
pub struct ModificaObiettivo {
    pub titolo: String,
    pub responsabile_id: Option<i64>,
    pub settore: Option<String>,
    pub stato: String,
    pub fonte_progresso: String,
    pub progresso_manuale: Option<i32>,
    pub peso: i32,
    pub pubblico: bool,
    pub scadenza: Option<chrono::NaiveDate>,
    pub priorita: String,
    pub descrizione: Option<String>,
}

pub async fn aggiorna_obiettivo(
    db: &DatabaseConnection,
    actor: &Actor,
    current: obiettivo::Model,
    m: &ModificaObiettivo,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let before = current.clone();
    let mut am: obiettivo::ActiveModel = current.into();
    am.titolo_norm = Set(normalize(&m.titolo));
    am.titolo = Set(m.titolo.clone());
    am.responsabile_id = Set(m.responsabile_id);
    am.settore = Set(m.settore.clone());
    am.stato = Set(m.stato.clone());
    am.fonte_progresso = Set(m.fonte_progresso.clone());
    am.progresso_manuale = Set(m.progresso_manuale);
    am.peso = Set(m.peso);
    am.pubblico = Set(m.pubblico);
    am.scadenza = Set(m.scadenza);
    am.priorita = Set(m.priorita.clone());
    am.descrizione = Set(m.descrizione.clone());
    am.updated_at = Set(Utc::now());
    uow.aggiorna(&before, am).await?;
    uow.conferma().await?;
    Ok(())
}

pub async fn obiettivo_by_id(db: &DatabaseConnection, id: i64) -> AppResult<obiettivo::Model> {
    obiettivo::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every objective as (public id, "year – title"), newest plan first: the choices of a link
/// made from another module's record.
pub async fn obiettivi_scelta(db: &DatabaseConnection) -> AppResult<Vec<(String, String)>> {
    let anni: HashMap<i64, i32> = piano::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.anno))
        .collect();
    let aree: HashMap<i64, i32> = piano_area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| Some((a.id, *anni.get(&a.piano_id)?)))
        .collect();
    let mut v: Vec<(i32, i64, String, String)> = obiettivo::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|o| Some((*aree.get(&o.area_id)?, o.id, o.public_id, o.titolo)))
        .collect();
    v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(v.into_iter()
        .map(|(anno, _, id, titolo)| (id, format!("{anno} – {titolo}")))
        .collect())
}

/// The sectors already used by objectives, to suggest in the form.
pub async fn settori(db: &DatabaseConnection) -> AppResult<Vec<String>> {
    use sea_orm::QuerySelect;
    let mut v: Vec<String> = obiettivo::Entity::find()
        .select_only()
        .column(obiettivo::Column::Settore)
        .distinct()
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    v.sort();
    Ok(v)
}

/// Adds an objective at the end of an area of a plan (state "non avviato", weight 1, public).
pub async fn aggiungi_obiettivo(
    db: &DatabaseConnection,
    actor: &Actor,
    anno: i32,
    area_id: i64,
    titolo: &str,
) -> AppResult<obiettivo::Model> {
    use sea_orm::PaginatorTrait;
    let uow = Lavoro::apri(db, actor).await?;
    let p = piano::Entity::find()
        .filter(piano::Column::Anno.eq(anno))
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    let area = piano_area::Entity::find_by_id(area_id)
        .filter(piano_area::Column::PianoId.eq(p.id))
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    let ordine = obiettivo::Entity::find()
        .filter(obiettivo::Column::AreaId.eq(area.id))
        .count(&uow)
        .await? as i32
        + 1;
    let now = Utc::now();
    let o = uow
        .inserisci(obiettivo::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            area_id: Set(area.id),
            ordine: Set(ordine),
            titolo_norm: Set(normalize(titolo)),
            titolo: Set(titolo.to_owned()),
            priorita: Set("media".into()),
            peso: Set(1),
            pubblico: Set(true),
            stato: Set("non_avviato".into()),
            fonte_progresso: Set(FonteProgresso::Stato.key().into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .await?;
    uow.conferma().await?;
    Ok(o)
}
