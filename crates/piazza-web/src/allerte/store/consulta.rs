//! The state at any instant from the documents, and the lists of the pages.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use piazza_db::entities::{allerta, allerta_voce, fonte_allerta};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{al_secondo, stato};
use crate::allerte::bollettino::Livello;
use crate::kit::error::{AppError, AppResult};

/// The conditions of "in the public state at `t`".
fn in_vigore_al(t: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(allerta::Column::Dal.lte(t))
        .add(
            Condition::any()
                .add(allerta::Column::TerminataAt.is_null())
                .add(allerta::Column::TerminataAt.gt(t)),
        )
        .add(
            Condition::any()
                .add(allerta::Column::Inizio.is_null())
                .add(allerta::Column::Inizio.lte(t)),
        )
        .add(
            Condition::any()
                .add(allerta::Column::Scadenza.is_null())
                .add(allerta::Column::Scadenza.gt(t)),
        )
}

/// The state at `t`: comune id → risk → highest level (comuni and risks without an alert are
/// green and absent).
pub type Stato = BTreeMap<i64, BTreeMap<String, Livello>>;

pub async fn stato_al(db: &impl ConnectionTrait, t: DateTime<Utc>) -> AppResult<Stato> {
    let t = al_secondo(t);
    let attive = Query::select()
        .column(allerta::Column::Id)
        .from(allerta::Entity)
        .cond_where(in_vigore_al(t))
        .to_owned();
    let righe: Vec<(i64, String, i32)> = allerta_voce::Entity::find()
        .select_only()
        .column(allerta_voce::Column::ComuneId)
        .column(allerta_voce::Column::Rischio)
        .column_as(allerta_voce::Column::Livello.max(), "livello")
        .filter(allerta_voce::Column::AllertaId.in_subquery(attive))
        .group_by(allerta_voce::Column::ComuneId)
        .group_by(allerta_voce::Column::Rischio)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Stato::new();
    for (comune, rischio, livello) in righe {
        out.entry(comune)
            .or_default()
            .insert(rischio, Livello::da_numero(livello));
    }
    Ok(out)
}

/// The alerts in the public state at `t`, highest level first.
pub async fn attive_al(
    db: &impl ConnectionTrait,
    t: DateTime<Utc>,
) -> AppResult<Vec<allerta::Model>> {
    Ok(allerta::Entity::find()
        .filter(in_vigore_al(al_secondo(t)))
        .order_by_desc(allerta::Column::LivelloMax)
        .order_by_desc(allerta::Column::Dal)
        .all(db)
        .await?)
}

/// The next instant after `t` at which the state changes by itself (an alert starts or
/// expires), for the caches of the public pages.
pub async fn prossimo_cambio(
    db: &impl ConnectionTrait,
    t: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let t = al_secondo(t);
    let mut prossimo: Option<DateTime<Utc>> = None;
    for col in [allerta::Column::Inizio, allerta::Column::Scadenza] {
        let v: Option<Option<DateTime<Utc>>> = allerta::Entity::find()
            .select_only()
            .column_as(col.min(), "t")
            .filter(allerta::Column::Dal.is_not_null())
            .filter(allerta::Column::TerminataAt.is_null())
            .filter(col.gt(t))
            .into_tuple()
            .one(db)
            .await?;
        if let Some(Some(v)) = v {
            prossimo = Some(prossimo.map_or(v, |p| p.min(v)));
        }
    }
    Ok(prossimo)
}

/// The comuni (ids) and levels of one alert, by risk.
pub async fn voci(
    db: &impl ConnectionTrait,
    allerta_id: i64,
) -> AppResult<Vec<allerta_voce::Model>> {
    Ok(allerta_voce::Entity::find()
        .filter(allerta_voce::Column::AllertaId.eq(allerta_id))
        .order_by_asc(allerta_voce::Column::Rischio)
        .order_by_asc(allerta_voce::Column::ComuneId)
        .all(db)
        .await?)
}

/// The alerts that ever concerned a comune (public ones), newest first.
pub async fn storia_comune(
    db: &impl ConnectionTrait,
    comune_id: i64,
    limite: u64,
) -> AppResult<Vec<allerta::Model>> {
    let ids = Query::select()
        .column(allerta_voce::Column::AllertaId)
        .from(allerta_voce::Entity)
        .and_where(allerta_voce::Column::ComuneId.eq(comune_id))
        .to_owned();
    Ok(allerta::Entity::find()
        .filter(allerta::Column::Id.in_subquery(ids))
        .filter(allerta::Column::Dal.is_not_null())
        .order_by_desc(allerta::Column::Dal)
        .limit(limite)
        .all(db)
        .await?)
}

pub async fn per_id(db: &impl ConnectionTrait, id: i64) -> AppResult<allerta::Model> {
    allerta::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The alerts waiting for approval, oldest first.
pub async fn in_attesa(db: &impl ConnectionTrait) -> AppResult<Vec<allerta::Model>> {
    Ok(allerta::Entity::find()
        .filter(allerta::Column::Stato.eq(stato::IN_ATTESA))
        .order_by_asc(allerta::Column::RicevutaAt)
        .all(db)
        .await?)
}

/// The latest documents received or composed, newest first.
pub async fn recenti(db: &impl ConnectionTrait, n: u64) -> AppResult<Vec<allerta::Model>> {
    Ok(allerta::Entity::find()
        .order_by_desc(allerta::Column::RicevutaAt)
        .order_by_desc(allerta::Column::Id)
        .limit(n)
        .all(db)
        .await?)
}

pub async fn fonti(db: &impl ConnectionTrait) -> AppResult<Vec<fonte_allerta::Model>> {
    Ok(fonte_allerta::Entity::find()
        .order_by_asc(fonte_allerta::Column::Nome)
        .all(db)
        .await?)
}

/// The public alerts that alert `id` superseded (for the references of its CAP document).
pub async fn sostituite_da(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<allerta::Model>> {
    Ok(allerta::Entity::find()
        .filter(allerta::Column::TerminataDaId.eq(id))
        .filter(allerta::Column::Stato.eq(stato::SOSTITUITA))
        .filter(allerta::Column::Dal.is_not_null())
        .order_by_asc(allerta::Column::Id)
        .all(db)
        .await?)
}
