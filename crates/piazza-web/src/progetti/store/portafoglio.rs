//! The portfolio's queries: counts, pages, sums, the exports' full rows, the lists on other
//! domains' pages and the counts per comune of the map.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use piazza_db::entities::{progetto, progetto_comune, programma};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{Contesto, Filtro, Riga, Visibilita, nomi_persone, programmi, seleziona};
use crate::kit::error::AppResult;

/// How many projects match.
pub async fn conta(db: &DatabaseConnection, f: &Filtro, vis: &Visibilita) -> AppResult<u64> {
    Ok(seleziona(f, vis).count(db).await?)
}

/// The year a timeline opens on: this year when some project is active in it; otherwise the
/// year of the latest plan (Piano) when projects were active then; otherwise the start year of
/// the newest project.
pub async fn anno_predefinito(
    db: &DatabaseConnection,
    vis: &Visibilita,
    oggi: NaiveDate,
) -> AppResult<i32> {
    let attivi = |anno: i32| Filtro {
        anno: Some(anno),
        ..Default::default()
    };
    if conta(db, &attivi(oggi.year()), vis).await? > 0 {
        return Ok(oggi.year());
    }
    if let Some(p) = piazza_db::entities::piano::Entity::find()
        .order_by_desc(piazza_db::entities::piano::Column::Anno)
        .one(db)
        .await?
        && conta(db, &attivi(p.anno), vis).await? > 0
    {
        return Ok(p.anno);
    }
    Ok(seleziona(&Filtro::default(), vis)
        .filter(progetto::Column::DataInizio.is_not_null())
        .order_by_desc(progetto::Column::DataInizio)
        .one(db)
        .await?
        .and_then(|p| p.data_inizio)
        .map_or(oggi.year(), |d| d.year()))
}

/// A page of the portfolio, by start date (newest first).
pub async fn elenco(
    db: &DatabaseConnection,
    ctx: &Contesto,
    f: &Filtro,
    vis: &Visibilita,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<Riga>> {
    let righe = seleziona(f, vis)
        .order_by_desc(progetto::Column::DataInizio)
        .order_by_asc(progetto::Column::Codice)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok(righe.into_iter().map(|p| ctx.riga(p)).collect())
}

/// Sums of the projects matching a filter: count, total budget, association's share.
pub async fn totali(
    db: &DatabaseConnection,
    f: &Filtro,
    vis: &Visibilita,
) -> AppResult<(i64, i64)> {
    let r: Option<(Option<i64>, Option<i64>)> = seleziona(f, vis)
        .select_only()
        .column_as(
            Expr::col(progetto::Column::BudgetTotale)
                .sum()
                .cast_as("bigint"),
            "b",
        )
        .column_as(
            Expr::col(progetto::Column::QuotaAssociazione)
                .sum()
                .cast_as("bigint"),
            "q",
        )
        .into_tuple()
        .one(db)
        .await?;
    let (b, q) = r.unwrap_or_default();
    Ok((b.unwrap_or(0), q.unwrap_or(0)))
}

/// A project with what its export line needs: responsible person and comuni (ISTAT codes).
#[derive(Debug, Clone)]
pub struct Completo {
    pub p: progetto::Model,
    pub programma: programma::Model,
    pub responsabile: Option<String>,
    pub comuni: Vec<i64>,
}

/// Every project matching the filter, for the exports.
pub async fn completi(
    db: &DatabaseConnection,
    f: &Filtro,
    vis: &Visibilita,
) -> AppResult<Vec<Completo>> {
    let progetti = seleziona(f, vis)
        .order_by_asc(progetto::Column::Codice)
        .all(db)
        .await?;
    let programmi: HashMap<i64, programma::Model> = programmi(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let ids: Vec<i64> = progetti.iter().map(|p| p.id).collect();
    let mut comuni: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(900) {
        for c in progetto_comune::Entity::find()
            .filter(progetto_comune::Column::ProgettoId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            comuni.entry(c.progetto_id).or_default().push(c.comune_id);
        }
    }
    let resp_ids: HashSet<i64> = progetti.iter().filter_map(|p| p.responsabile_id).collect();
    let persone = nomi_persone(db, resp_ids.into_iter().collect()).await?;
    Ok(progetti
        .into_iter()
        .filter_map(|p| {
            Some(Completo {
                programma: programmi.get(&p.programma_id)?.clone(),
                responsabile: p.responsabile_id.and_then(|id| persone.get(&id).cloned()),
                comuni: comuni.remove(&p.id).unwrap_or_default(),
                p,
            })
        })
        .collect())
}

/// How many projects `vis` may see per comune (ISTAT id → count).
pub async fn per_comune(db: &DatabaseConnection, vis: &Visibilita) -> AppResult<HashMap<i64, i64>> {
    let mut s = progetto_comune::Entity::find()
        .select_only()
        .column(progetto_comune::Column::ComuneId)
        .column_as(progetto_comune::Column::Id.count(), "n")
        .group_by(progetto_comune::Column::ComuneId);
    if let Visibilita::Comuni(ids) = vis {
        s = s.filter(progetto_comune::Column::ComuneId.is_in(ids.clone()));
    }
    Ok(s.into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The projects matching `f` that `vis` may see, newest first: the lists on the pages of a
/// comune, a person, an organisation.
pub async fn tutti(
    db: &DatabaseConnection,
    f: &Filtro,
    vis: &Visibilita,
) -> AppResult<Vec<progetto::Model>> {
    Ok(seleziona(f, vis)
        .order_by_desc(progetto::Column::DataInizio)
        .all(db)
        .await?)
}
