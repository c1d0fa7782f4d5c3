//! Lists and figures of an offer's registrations (the organiser's page, exports, the map).

use std::collections::HashMap;

use piazza_db::entities::registrazione;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::super::model::stato;
use super::presenti;

/// The registrations of an offer: seats first, then the waitlist in order, then the rest.
pub async fn registrazioni(
    db: &impl ConnectionTrait,
    offerta_id: i64,
) -> Result<Vec<registrazione::Model>, DbErr> {
    let mut v = registrazione::Entity::find()
        .filter(registrazione::Column::OffertaId.eq(offerta_id))
        .order_by_asc(registrazione::Column::Posizione)
        .order_by_asc(registrazione::Column::Id)
        .all(db)
        .await?;
    let rango = |s: &str| match s {
        stato::CONFERMATA => 0,
        stato::POSTO_OFFERTO => 1,
        stato::IN_APPROVAZIONE => 2,
        stato::LISTA_ATTESA => 3,
        stato::DA_CONFERMARE => 4,
        _ => 5,
    };
    v.sort_by_key(|r| rango(&r.stato));
    Ok(v)
}

/// How many registrations of an offer are in each state, and how many people are inside.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Conteggi {
    pub confermate: i64,
    pub offerte: i64,
    pub lista: i64,
    pub da_confermare: i64,
    pub in_approvazione: i64,
    pub chiuse: i64,
    pub presenti: i64,
}

pub async fn conteggi(db: &impl ConnectionTrait, offerta_id: i64) -> Result<Conteggi, DbErr> {
    let righe: Vec<(String, i64)> = registrazione::Entity::find()
        .select_only()
        .column(registrazione::Column::Stato)
        .column_as(registrazione::Column::Id.count(), "n")
        .filter(registrazione::Column::OffertaId.eq(offerta_id))
        .group_by(registrazione::Column::Stato)
        .into_tuple()
        .all(db)
        .await?;
    let mut c = Conteggi::default();
    for (s, n) in righe {
        match s.as_str() {
            stato::CONFERMATA => c.confermate += n,
            stato::POSTO_OFFERTO => c.offerte += n,
            stato::LISTA_ATTESA => c.lista += n,
            stato::DA_CONFERMARE => c.da_confermare += n,
            stato::IN_APPROVAZIONE => c.in_approvazione += n,
            _ => c.chiuse += n,
        }
    }
    c.presenti = presenti(db, offerta_id).await?;
    Ok(c)
}

/// Confirmed registrations per comune over `offerte` (the map of participation).
pub async fn per_comune(
    db: &impl ConnectionTrait,
    offerte: &[i64],
) -> Result<HashMap<i64, i64>, DbErr> {
    let righe: Vec<(Option<i64>, i64)> = registrazione::Entity::find()
        .select_only()
        .column(registrazione::Column::ComuneId)
        .column_as(registrazione::Column::Id.count(), "n")
        .filter(registrazione::Column::OffertaId.is_in(offerte.iter().copied()))
        .filter(registrazione::Column::Stato.eq(stato::CONFERMATA))
        .group_by(registrazione::Column::ComuneId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(righe
        .into_iter()
        .filter_map(|(c, n)| c.map(|c| (c, n)))
        .collect())
}

/// Confirmed registrations per type of organisation over `offerte`.
pub async fn per_tipo(
    db: &impl ConnectionTrait,
    offerte: &[i64],
) -> Result<Vec<(String, i64)>, DbErr> {
    registrazione::Entity::find()
        .select_only()
        .column(registrazione::Column::TipoOrganizzazione)
        .column_as(registrazione::Column::Id.count(), "n")
        .filter(registrazione::Column::OffertaId.is_in(offerte.iter().copied()))
        .filter(registrazione::Column::Stato.eq(stato::CONFERMATA))
        .group_by(registrazione::Column::TipoOrganizzazione)
        .order_by_asc(registrazione::Column::TipoOrganizzazione)
        .into_tuple()
        .all(db)
        .await
}
