//! The timeline's rows: the projects active in a year with their marks.

use std::collections::HashMap;

use chrono::NaiveDate;
use piazza_db::entities::{progetto, progetto_periodo, progetto_scadenza};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Contesto, Filtro, Riga, Visibilita, seleziona};
use crate::kit::error::AppResult;

/// A project of the timeline with its marks inside the year.
pub struct RigaGantt {
    pub r: Riga,
    pub scadenze: Vec<progetto_scadenza::Model>,
    pub periodi: Vec<progetto_periodo::Model>,
}

/// A page of the year's timeline (projects active in the year — `f.anno` — by start).
pub async fn gantt(
    db: &DatabaseConnection,
    ctx: &Contesto,
    anno: i32,
    f: &Filtro,
    vis: &Visibilita,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<RigaGantt>> {
    let progetti = seleziona(f, vis)
        .order_by_asc(progetto::Column::DataInizio)
        .order_by_asc(progetto::Column::Codice)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = progetti.iter().map(|p| p.id).collect();
    let inizio = NaiveDate::from_ymd_opt(anno, 1, 1).expect("day");
    let fine = NaiveDate::from_ymd_opt(anno, 12, 31).expect("day");
    let mut scadenze: HashMap<i64, Vec<progetto_scadenza::Model>> = HashMap::new();
    for s in progetto_scadenza::Entity::find()
        .filter(progetto_scadenza::Column::ProgettoId.is_in(ids.clone()))
        .filter(progetto_scadenza::Column::Scadenza.between(inizio, fine))
        .order_by_asc(progetto_scadenza::Column::Scadenza)
        .all(db)
        .await?
    {
        scadenze.entry(s.progetto_id).or_default().push(s);
    }
    let mut periodi: HashMap<i64, Vec<progetto_periodo::Model>> = HashMap::new();
    for s in progetto_periodo::Entity::find()
        .filter(progetto_periodo::Column::ProgettoId.is_in(ids))
        .filter(progetto_periodo::Column::Scadenza.between(inizio, fine))
        .all(db)
        .await?
    {
        periodi.entry(s.progetto_id).or_default().push(s);
    }
    Ok(progetti
        .into_iter()
        .map(|p| RigaGantt {
            scadenze: scadenze.remove(&p.id).unwrap_or_default(),
            periodi: periodi.remove(&p.id).unwrap_or_default(),
            r: ctx.riga(p),
        })
        .collect())
}
