//! Calls and proposals, and the success rate.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{bando, programma, proposta};
use piazza_db::lavoro::Lavoro;
use sea_orm::{DatabaseConnection, EntityTrait, IntoActiveModel, QueryOrder, Set};

use super::programmi;
use crate::kit::error::{AppError, AppResult};
use crate::progetti::model;

/// A proposal with its call.
pub async fn proposta(
    db: &DatabaseConnection,
    id: i64,
) -> AppResult<(proposta::Model, bando::Model)> {
    let p = proposta::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = bando::Entity::find_by_id(p.bando_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((p, b))
}

pub async fn bandi(
    db: &DatabaseConnection,
) -> AppResult<Vec<(bando::Model, Vec<proposta::Model>)>> {
    let bandi = bando::Entity::find()
        .order_by_desc(bando::Column::Scadenza)
        .all(db)
        .await?;
    let mut proposte: HashMap<i64, Vec<proposta::Model>> = HashMap::new();
    for p in proposta::Entity::find()
        .order_by_asc(proposta::Column::Id)
        .all(db)
        .await?
    {
        proposte.entry(p.bando_id).or_default().push(p);
    }
    Ok(bandi
        .into_iter()
        .map(|b| {
            let p = proposte.remove(&b.id).unwrap_or_default();
            (b, p)
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct NuovoBando {
    pub programma_id: i64,
    pub titolo: String,
    pub riferimento: Option<String>,
    pub scadenza: NaiveDate,
    pub url: Option<String>,
}

pub async fn aggiungi_bando(
    db: &DatabaseConnection,
    actor: &Actor,
    n: NuovoBando,
) -> AppResult<bando::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let b = uow
        .inserisci(bando::ActiveModel {
            programma_id: Set(n.programma_id),
            titolo: Set(n.titolo),
            riferimento: Set(n.riferimento),
            scadenza: Set(n.scadenza),
            url: Set(n.url),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .await?;
    uow.conferma().await?;
    Ok(b)
}

#[derive(Debug, Clone)]
pub struct NuovaProposta {
    pub titolo: String,
    pub ruolo: String,
    pub budget: i64,
    pub esito: String,
}

pub async fn aggiungi_proposta(
    db: &DatabaseConnection,
    actor: &Actor,
    bando_id: i64,
    n: NuovaProposta,
) -> AppResult<proposta::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    bando::Entity::find_by_id(bando_id)
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = uow
        .inserisci(proposta::ActiveModel {
            bando_id: Set(bando_id),
            titolo: Set(n.titolo),
            ruolo: Set(n.ruolo),
            budget: Set(n.budget),
            esito: Set(n.esito),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .await?;
    uow.conferma().await?;
    Ok(p)
}

/// Records the outcome of a proposal; an approved one may point to its project.
pub async fn esito_proposta(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    esito: &str,
    data: Option<NaiveDate>,
    progetto_id: Option<i64>,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let prima = proposta::Entity::find_by_id(id)
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am = prima.clone().into_active_model();
    am.esito = Set(esito.to_owned());
    am.data_esito = Set(data);
    if progetto_id.is_some() {
        am.progetto_id = Set(progetto_id);
    }
    uow.aggiorna_come("esito", &prima, am).await?;
    uow.conferma().await?;
    Ok(())
}

/// The success rate per programme (code) and year of the call's deadline.
pub async fn successo(
    db: &DatabaseConnection,
) -> AppResult<std::collections::BTreeMap<(String, i32), model::Successo>> {
    let bandi: HashMap<i64, bando::Model> = bando::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let programmi: HashMap<i64, programma::Model> = programmi(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let proposte = proposta::Entity::find().all(db).await?;
    let righe: Vec<(String, i32, String)> = proposte
        .into_iter()
        .filter_map(|p| {
            let b = bandi.get(&p.bando_id)?;
            let g = programmi.get(&b.programma_id)?;
            Some((g.nome.clone(), b.scadenza.year(), p.esito))
        })
        .collect();
    Ok(model::tassi_successo(
        righe.iter().map(|(g, a, e)| (g.as_str(), *a, e.as_str())),
    ))
}
