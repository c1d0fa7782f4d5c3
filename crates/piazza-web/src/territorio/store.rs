use std::collections::HashMap;

use super::confini::Confine;
use piazza_db::entities::{comune, comune_zona, confine, provincia, zona_allerta};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::map::MapBase;
use super::model::{ComuneInfo, ProvinciaInfo, Territorio, TerritorioCache};
use crate::kit::error::AppResult;

/// Reads the whole territory from the database and builds the snapshot (maps included).
pub async fn load_snapshot(db: &DatabaseConnection) -> AppResult<Territorio> {
    let zone_rows = zona_allerta::Entity::find()
        .order_by_asc(zona_allerta::Column::Codice)
        .all(db)
        .await?;
    let zone_by_id: HashMap<i64, String> =
        zone_rows.iter().map(|z| (z.id, z.codice.clone())).collect();
    let mut zone_of: HashMap<i64, Vec<String>> = HashMap::new();
    for m in comune_zona::Entity::find().all(db).await? {
        if let Some(code) = zone_by_id.get(&m.zona_id) {
            zone_of.entry(m.comune_id).or_default().push(code.clone());
        }
    }
    for z in zone_of.values_mut() {
        z.sort();
    }
    let comuni = comune::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| ComuneInfo {
            densita: match (c.popolazione, c.superficie_kmq) {
                (Some(p), Some(s)) if s > 0.0 => Some(p as f64 / s),
                _ => None,
            },
            zone: zone_of.remove(&c.id).unwrap_or_default(),
            id: c.id,
            codice_istat: c.codice_istat,
            nome: c.nome,
            nome_norm: c.nome_norm,
            codice_provincia: c.codice_provincia,
            sigla_provincia: c.sigla_provincia,
            provincia: c.provincia,
            codice_uts: c.codice_uts,
            tipo_ente: c.tipo_ente_sovracomunale,
            capoluogo: c.capoluogo,
            codice_catastale: c.codice_catastale,
            nuts3: c.nuts3,
            popolazione: c.popolazione,
            popolazione_2019: c.popolazione_2019,
            popolazione_2011: c.popolazione_2011,
            superficie_kmq: c.superficie_kmq,
            altitudine_m: c.altitudine_m,
            zona_altimetrica: c.zona_altimetrica,
            litoraneo: c.litoraneo,
            isolano: c.isolano,
            degurba: c.degurba,
            testi: Default::default(),
        })
        .collect();
    let province = provincia::Entity::find()
        .order_by_asc(provincia::Column::Nome)
        .all(db)
        .await?
        .into_iter()
        .map(|p| ProvinciaInfo {
            codice: p.codice,
            sigla: p.sigla,
            nome: p.nome,
        })
        .collect();
    let confini = confine::Entity::find().all(db).await?;
    let (mappa, geometrie) = tokio::task::spawn_blocking(move || {
        let geometrie: Vec<Confine> = confini
            .iter()
            .filter(|c| c.livello == "comune")
            .filter_map(|c| Confine::da_geojson(&c.codice, &c.geometria))
            .collect();
        (MapBase::build(&confini), geometrie)
    })
    .await
    .map_err(|e| crate::kit::error::AppError::causa("confini dei comuni", e))?;
    let zone = zone_rows
        .into_iter()
        .map(|z| (z.codice, z.nome, z.codice_dpc))
        .collect();
    let mut t = Territorio::new(comuni, zone, province, mappa);
    t.confini = geometrie;
    Ok(t)
}

/// Reloads the snapshot after an import.
pub async fn reload(db: &DatabaseConnection, cache: &TerritorioCache) -> AppResult<()> {
    cache.set(load_snapshot(db).await?);
    Ok(())
}
