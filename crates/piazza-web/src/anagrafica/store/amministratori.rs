//! Administrators of the comuni: lists, one comune's, one person's offices, the office form.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{amministratore, persona};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::today;
use crate::anagrafica::model::{AmministratoreView, Carica, StatoMandato, fine_mandato};
use crate::kit::config::AppConfig;
use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;
use crate::territorio::{ComuneInfo, Territorio};

/// Filters of the administrators list.
#[derive(Debug, Default, Clone)]
pub struct FiltroAmministratori {
    pub q: String,
    pub comune_id: Option<i64>,
    pub carica: Option<Carica>,
    pub stato: Option<StatoMandato>,
}

/// Administrators matching the filter, ordered by comune, office and name, as views.
pub async fn amministratori(
    db: &DatabaseConnection,
    t: &Territorio,
    config: &AppConfig,
    f: &FiltroAmministratori,
) -> AppResult<Vec<AmministratoreView>> {
    let mut query = amministratore::Entity::find();
    if let Some(c) = f.comune_id {
        query = query.filter(amministratore::Column::ComuneId.eq(c));
    }
    if let Some(c) = f.carica {
        query = query.filter(amministratore::Column::Carica.eq(c.key()));
    }
    let rows = query.all(db).await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.persona_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut persone: HashMap<i64, persona::Model> = HashMap::new();
    for chunk in ids.chunks(500) {
        for p in persona::Entity::find()
            .filter(persona::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            persone.insert(p.id, p);
        }
    }
    let q = normalize(&f.q);
    let today = today();
    let mut out: Vec<AmministratoreView> = rows
        .into_iter()
        .filter_map(|a| {
            let p = persone.get(&a.persona_id)?;
            let c = t.comune_by_id(a.comune_id)?;
            if !q.is_empty() && !p.nome_norm.contains(&q) && !c.nome_norm.contains(&q) {
                return None;
            }
            let v =
                AmministratoreView::new(a, p, c, today, config.anagrafica.mesi_preavviso_scadenza);
            f.stato.is_none_or(|s| s == v.stato).then_some(v)
        })
        .collect();
    let sort_key = |a: &AmministratoreView| {
        (
            t.by_id.get(&a.comune_id).copied().unwrap_or(usize::MAX),
            a.carica.rank(),
            normalize(&a.nome_completo),
        )
    };
    out.sort_by_cached_key(sort_key);
    Ok(out)
}

/// The administrators of one comune, by office and name.
pub async fn amministratori_del_comune(
    db: &DatabaseConnection,
    c: &ComuneInfo,
    config: &AppConfig,
) -> AppResult<Vec<AmministratoreView>> {
    let rows = amministratore::Entity::find()
        .filter(amministratore::Column::ComuneId.eq(c.id))
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.persona_id).collect();
    let persone: HashMap<i64, persona::Model> = persona::Entity::find()
        .filter(persona::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let today = today();
    let mut out: Vec<AmministratoreView> = rows
        .into_iter()
        .filter_map(|a| {
            let p = persone.get(&a.persona_id)?;
            Some(AmministratoreView::new(
                a,
                p,
                c,
                today,
                config.anagrafica.mesi_preavviso_scadenza,
            ))
        })
        .collect();
    out.sort_by_cached_key(|a| (a.carica.rank(), normalize(&a.nome_completo)));
    Ok(out)
}

/// The offices held by a person.
pub async fn cariche_della_persona(
    db: &DatabaseConnection,
    t: &Territorio,
    p: &persona::Model,
    config: &AppConfig,
) -> AppResult<Vec<AmministratoreView>> {
    let rows = amministratore::Entity::find()
        .filter(amministratore::Column::PersonaId.eq(p.id))
        .all(db)
        .await?;
    let today = today();
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let c = t.comune_by_id(a.comune_id)?;
            Some(AmministratoreView::new(
                a,
                p,
                c,
                today,
                config.anagrafica.mesi_preavviso_scadenza,
            ))
        })
        .collect())
}

pub async fn amministratore(db: &DatabaseConnection, id: i64) -> AppResult<amministratore::Model> {
    amministratore::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Updates the office and dates of an administrator (the mandate end is recomputed).
pub async fn aggiorna_amministratore(
    db: &DatabaseConnection,
    actor: &Actor,
    current: amministratore::Model,
    carica: Carica,
    data_elezione: Option<NaiveDate>,
    data_inizio: Option<NaiveDate>,
    config: &AppConfig,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let before = current.clone();
    let mut am: amministratore::ActiveModel = current.into();
    am.carica = Set(carica.key().to_owned());
    am.data_elezione = Set(data_elezione);
    am.data_inizio = Set(data_inizio);
    am.fine_mandato = Set(fine_mandato(data_elezione, config.anagrafica.anni_mandato));
    am.updated_at = Set(Utc::now());
    uow.aggiorna(&before, am)
        .await
        .map_err(|e| unique_conflict(e, "Questa persona ha già questa carica in questo comune."))?;
    uow.conferma().await?;
    Ok(())
}

fn unique_conflict(e: sea_orm::DbErr, msg: &str) -> AppError {
    let s = e.to_string().to_lowercase();
    if s.contains("unique") || s.contains("duplicate") {
        AppError::Conflict(msg.to_owned())
    } else {
        AppError::Db(e)
    }
}
