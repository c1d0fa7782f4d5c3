//! The association's share by programme and year.

use std::collections::HashMap;

use chrono::Datelike;
use piazza_db::entities::{progetto, programma};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};

use super::{Filtro, Visibilita, programmi, seleziona};
use crate::kit::error::AppResult;
use crate::progetti::model;

/// The association's share of the funded projects by programme and year (split by days).
pub async fn budget(
    db: &DatabaseConnection,
    vis: &Visibilita,
) -> AppResult<(Vec<i32>, Vec<(programma::Model, HashMap<i32, i64>, i64)>)> {
    let progetti = seleziona(&Filtro::default(), vis)
        .filter(progetto::Column::Stato.is_in(model::STATI_FINANZIATI.iter().copied()))
        .all(db)
        .await?;
    let mut per: HashMap<i64, HashMap<i32, i64>> = HashMap::new();
    let mut anni: Vec<i32> = Vec::new();
    for p in progetti {
        let parti = match (p.data_inizio, p.data_fine) {
            (Some(i), Some(f)) => model::ripartisci_per_anno(p.quota_associazione, i, f),
            (Some(i), None) => vec![(i.year(), p.quota_associazione)],
            _ => continue,
        };
        let m = per.entry(p.programma_id).or_default();
        for (a, c) in parti {
            *m.entry(a).or_default() += c;
            anni.push(a);
        }
    }
    anni.sort_unstable();
    anni.dedup();
    let mut out: Vec<_> = programmi(db)
        .await?
        .into_iter()
        .filter_map(|g| {
            let m = per.remove(&g.id)?;
            let tot: i64 = m.values().sum();
            Some((g, m, tot))
        })
        .collect();
    out.sort_by_key(|x| std::cmp::Reverse(x.2));
    Ok((anni, out))
}
