//! The projects the change of legislature puts at risk, with what is at stake.

use std::collections::HashMap;

use piazza_db::entities::{progetto, progetto_comune, progetto_continuita, progetto_staff};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{Contesto, Filtro, Riga, Visibilita, nomi_persone, seleziona};
use crate::kit::error::AppResult;
use crate::progetti::model;

/// A project at risk in the report, with what is at stake.
pub struct ARischio {
    pub r: Riga,
    pub comuni: Vec<i64>,
    pub staff: Vec<(String, f64)>,
    pub continuita: Vec<(progetto_continuita::Model, Option<String>)>,
}

/// Every project the change of legislature puts at risk.
pub async fn a_rischio(
    db: &DatabaseConnection,
    ctx: &Contesto,
    vis: &Visibilita,
) -> AppResult<Vec<ARischio>> {
    let vivi = seleziona(&Filtro::default(), vis)
        .filter(progetto::Column::Stato.is_in(model::STATI_VIVI.iter().copied()))
        .order_by_asc(progetto::Column::DataFine)
        .all(db)
        .await?;
    let righe: Vec<Riga> = vivi
        .into_iter()
        .map(|p| ctx.riga(p))
        .filter(|r| !r.rischio.is_empty())
        .collect();
    let ids: Vec<i64> = righe.iter().map(|r| r.p.id).collect();
    let mut comuni: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut staff: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    let mut cont: HashMap<i64, Vec<progetto_continuita::Model>> = HashMap::new();
    for chunk in ids.chunks(900) {
        for c in progetto_comune::Entity::find()
            .filter(progetto_comune::Column::ProgettoId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            comuni.entry(c.progetto_id).or_default().push(c.comune_id);
        }
        for s in progetto_staff::Entity::find()
            .filter(progetto_staff::Column::ProgettoId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            staff
                .entry(s.progetto_id)
                .or_default()
                .push((s.persona_id, s.mesi_persona));
        }
        for c in progetto_continuita::Entity::find()
            .filter(progetto_continuita::Column::ProgettoId.is_in(chunk.to_vec()))
            .order_by_asc(progetto_continuita::Column::Data)
            .all(db)
            .await?
        {
            cont.entry(c.progetto_id).or_default().push(c);
        }
    }
    let mut persone_ids: Vec<i64> = staff.values().flatten().map(|s| s.0).collect();
    persone_ids.extend(cont.values().flatten().filter_map(|c| c.responsabile_id));
    persone_ids.sort_unstable();
    persone_ids.dedup();
    let nomi = nomi_persone(db, persone_ids).await?;
    Ok(righe
        .into_iter()
        .map(|r| {
            let id = r.p.id;
            ARischio {
                comuni: comuni.remove(&id).unwrap_or_default(),
                staff: staff
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(pid, m)| (nomi.get(&pid).cloned().unwrap_or_default(), m))
                    .collect(),
                continuita: cont
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| {
                        let n = c.responsabile_id.and_then(|x| nomi.get(&x).cloned());
                        (c, n)
                    })
                    .collect(),
                r,
            }
        })
        .collect())
}
