//! The office's deadlines and the secret tokens of the calendar feeds.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use piazza_db::entities::{bando, progetto, progetto_periodo, progetto_scadenza, token_calendario};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::{Filtro, Visibilita, seleziona};
use crate::kit::error::AppResult;
use crate::progetti::model;

/// A deadline of the office: a milestone, deliverable, report or call, with its project.
#[derive(Debug, Clone)]
pub struct Scadenza {
    pub data: NaiveDate,
    pub categoria: &'static str,
    pub titolo: String,
    pub progetto: Option<(String, String)>,
    pub uid: String,
    pub fatta: bool,
}

/// The deadlines of the projects `vis` may see (of one project when `solo` is given), and the
/// calls' deadlines for the whole office; between `dal` and `al` when given.
pub async fn scadenze(
    db: &DatabaseConnection,
    vis: &Visibilita,
    solo: Option<&progetto::Model>,
    dal: Option<NaiveDate>,
    al: Option<NaiveDate>,
) -> AppResult<Vec<Scadenza>> {
    let progetti: Vec<progetto::Model> = match solo {
        Some(p) => vec![p.clone()],
        None => seleziona(&Filtro::default(), vis).all(db).await?,
    };
    let per_id: HashMap<i64, &progetto::Model> = progetti.iter().map(|p| (p.id, p)).collect();
    let tutti = solo.is_none() && *vis == Visibilita::Tutti;
    let mut out = Vec::new();
    let nel = |d: NaiveDate| dal.is_none_or(|x| d >= x) && al.is_none_or(|x| d <= x);
    let mut q = progetto_scadenza::Entity::find();
    if !tutti {
        q = q.filter(
            progetto_scadenza::Column::ProgettoId.is_in(per_id.keys().copied().collect::<Vec<_>>()),
        );
    }
    if let Some(d) = dal {
        q = q.filter(progetto_scadenza::Column::Scadenza.gte(d));
    }
    if let Some(d) = al {
        q = q.filter(progetto_scadenza::Column::Scadenza.lte(d));
    }
    for s in q.all(db).await? {
        let Some(p) = per_id.get(&s.progetto_id) else {
            continue;
        };
        out.push(Scadenza {
            data: s.scadenza,
            categoria: if s.tipo == "milestone" {
                "Milestone"
            } else {
                "Deliverable"
            },
            titolo: format!("{} {} {}", p.acronimo, s.codice, s.titolo),
            progetto: Some((p.public_id.clone(), p.acronimo.clone())),
            uid: format!("scadenza-{}@piazza", s.id),
            fatta: s.stato != "prevista",
        });
    }
    let mut q = progetto_periodo::Entity::find();
    if !tutti {
        q = q.filter(
            progetto_periodo::Column::ProgettoId.is_in(per_id.keys().copied().collect::<Vec<_>>()),
        );
    }
    if let Some(d) = dal {
        q = q.filter(progetto_periodo::Column::Scadenza.gte(d));
    }
    if let Some(d) = al {
        q = q.filter(progetto_periodo::Column::Scadenza.lte(d));
    }
    for s in q.all(db).await? {
        let Some(p) = per_id.get(&s.progetto_id) else {
            continue;
        };
        out.push(Scadenza {
            data: s.scadenza,
            categoria: "Rendicontazione",
            titolo: format!(
                "{}: rendicontazione periodo {} ({} – {})",
                p.acronimo,
                s.numero,
                crate::kit::fmt::date(s.dal),
                crate::kit::fmt::date(s.al)
            ),
            progetto: Some((p.public_id.clone(), p.acronimo.clone())),
            uid: format!("periodo-{}@piazza", s.id),
            fatta: s.stato != "da_presentare",
        });
    }
    for p in &progetti {
        if let Some(d) = p.data_fine.filter(|d| nel(*d))
            && model::STATI_VIVI.contains(&p.stato.as_str())
        {
            out.push(Scadenza {
                data: d,
                categoria: "Fine progetto",
                titolo: format!("{}: fine del progetto", p.acronimo),
                progetto: Some((p.public_id.clone(), p.acronimo.clone())),
                uid: format!("fine-{}@piazza", p.public_id),
                fatta: false,
            });
        }
    }
    if solo.is_none() && tutti {
        for b in bando::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter(|b| nel(b.scadenza))
        {
            out.push(Scadenza {
                data: b.scadenza,
                categoria: "Bando",
                titolo: format!("Scadenza bando: {}", b.titolo),
                progetto: None,
                uid: format!("bando-{}@piazza", b.id),
                fatta: false,
            });
        }
    }
    out.sort_by(|a, b| a.data.cmp(&b.data).then_with(|| a.titolo.cmp(&b.titolo)));
    Ok(out)
}

/// The secret of a user's calendar URL, made on first use.
pub async fn token_calendario(db: &DatabaseConnection, utente_id: i64) -> AppResult<String> {
    if let Some(t) = token_calendario::Entity::find()
        .filter(token_calendario::Column::UtenteId.eq(utente_id))
        .one(db)
        .await?
    {
        return Ok(t.token);
    }
    let token = format!(
        "{}{}",
        piazza_db::new_public_id(),
        piazza_db::new_public_id()
    );
    token_calendario::ActiveModel {
        utente_id: Set(utente_id),
        token: Set(token.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

pub async fn utente_del_token(db: &DatabaseConnection, token: &str) -> AppResult<Option<i64>> {
    Ok(token_calendario::Entity::find()
        .filter(token_calendario::Column::Token.eq(token))
        .one(db)
        .await?
        .map(|t| t.utente_id))
}
