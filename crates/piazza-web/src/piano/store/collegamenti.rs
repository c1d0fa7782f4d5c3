//! Typed links from objectives to records of other modules (`collegamenti::TIPI`), both sides.

use std::collections::HashMap;

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{collegamento_obiettivo, obiettivo, piano, piano_area};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::kit::error::{AppError, AppResult};

pub async fn collegamenti(
    db: &DatabaseConnection,
    obiettivo_id: i64,
) -> AppResult<Vec<collegamento_obiettivo::Model>> {
    Ok(collegamento_obiettivo::Entity::find()
        .filter(collegamento_obiettivo::Column::ObiettivoId.eq(obiettivo_id))
        .order_by_asc(collegamento_obiettivo::Column::Tipo)
        .order_by_asc(collegamento_obiettivo::Column::Id)
        .all(db)
        .await?)
}

/// Links an objective to a record (`tipo`, `chiave`); the caller has checked the record exists.
pub async fn collega(
    db: &DatabaseConnection,
    actor: &Actor,
    o: &obiettivo::Model,
    tipo: &str,
    chiave: &str,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let gia = collegamento_obiettivo::Entity::find()
        .filter(collegamento_obiettivo::Column::ObiettivoId.eq(o.id))
        .filter(collegamento_obiettivo::Column::Tipo.eq(tipo))
        .filter(collegamento_obiettivo::Column::Chiave.eq(chiave))
        .one(&uow)
        .await?;
    if gia.is_some() {
        return Err(AppError::Conflict(
            "L'obiettivo è già collegato a questo elemento.".into(),
        ));
    }
    let c = collegamento_obiettivo::ActiveModel {
        obiettivo_id: Set(o.id),
        tipo: Set(tipo.to_owned()),
        chiave: Set(chiave.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&uow)
    .await?;
    uow.registra_modifica(
        "collega",
        "obiettivo",
        &o.public_id,
        None::<&collegamento_obiettivo::Model>,
        Some(&c),
    )
    .await?;
    uow.conferma().await?;
    Ok(())
}

pub async fn scollega(
    db: &DatabaseConnection,
    actor: &Actor,
    o: &obiettivo::Model,
    collegamento_id: i64,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let c = collegamento_obiettivo::Entity::find_by_id(collegamento_id)
        .filter(collegamento_obiettivo::Column::ObiettivoId.eq(o.id))
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    uow.registra_modifica(
        "scollega",
        "obiettivo",
        &o.public_id,
        Some(&c),
        None::<&collegamento_obiettivo::Model>,
    )
    .await?;
    collegamento_obiettivo::Entity::delete_by_id(c.id)
        .exec(&uow)
        .await?;
    uow.conferma().await?;
    Ok(())
}

/// Removes every link to a record that is being deleted (on the caller's transaction).
pub async fn scollega_tutto(
    txn: &impl sea_orm::ConnectionTrait,
    tipo: &str,
    chiave: &str,
) -> AppResult<()> {
    collegamento_obiettivo::Entity::delete_many()
        .filter(collegamento_obiettivo::Column::Tipo.eq(tipo))
        .filter(collegamento_obiettivo::Column::Chiave.eq(chiave))
        .exec(txn)
        .await?;
    Ok(())
}

/// An objective linked to a record, as the record's page lists it.
#[derive(Debug, Clone)]
pub struct ObiettivoCollegato {
    pub public_id: String,
    pub titolo: String,
    pub anno: i32,
}

/// The objectives linked to a record (the other side of the link), newest plan first.
pub async fn obiettivi_collegati(
    db: &DatabaseConnection,
    tipo: &str,
    chiave: &str,
    solo_pubblici: bool,
) -> AppResult<Vec<ObiettivoCollegato>> {
    let links = collegamento_obiettivo::Entity::find()
        .filter(collegamento_obiettivo::Column::Tipo.eq(tipo))
        .filter(collegamento_obiettivo::Column::Chiave.eq(chiave))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = obiettivo::Entity::find().filter(
        obiettivo::Column::Id.is_in(links.iter().map(|l| l.obiettivo_id).collect::<Vec<_>>()),
    );
    if solo_pubblici {
        q = q.filter(obiettivo::Column::Pubblico.eq(true));
    }
    let obiettivi = q.all(db).await?;
    let aree: HashMap<i64, i64> = piano_area::Entity::find()
        .filter(
            piano_area::Column::Id.is_in(obiettivi.iter().map(|o| o.area_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.piano_id))
        .collect();
    let anni: HashMap<i64, i32> = piano::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.anno))
        .collect();
    let mut out: Vec<ObiettivoCollegato> = obiettivi
        .into_iter()
        .map(|o| ObiettivoCollegato {
            anno: aree
                .get(&o.area_id)
                .and_then(|p| anni.get(p))
                .copied()
                .unwrap_or_default(),
            public_id: o.public_id,
            titolo: o.titolo,
        })
        .collect();
    out.sort_by(|a, b| b.anno.cmp(&a.anno).then(a.titolo.cmp(&b.titolo)));
    Ok(out)
}
