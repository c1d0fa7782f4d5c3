//! Municipal notices: what a comune tells its citizens that is not an alert (a road closed, a
//! water outage, the waiting areas), with validity and an optional point on the map. A
//! comune's editors publish and withdraw them; every change is audited.

use chrono::{DateTime, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::avviso_comunale;
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::model::parse_ora;
use crate::kit::error::{AppError, AppResult};
use crate::kit::fmt;
use crate::kit::view::FormErrors;
use crate::territorio::Territorio;

pub const TIPI: &[(&str, &str)] = &[
    ("viabilita", "Viabilità"),
    ("acqua", "Acqua"),
    ("aree_attesa", "Aree di attesa"),
    ("scuole", "Scuole"),
    ("energia", "Energia"),
    ("altro", "Altro"),
];

pub fn nome_tipo(t: &str) -> &'static str {
    TIPI.iter()
        .find(|(k, _)| *k == t)
        .map(|(_, n)| *n)
        .unwrap_or("Altro")
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AvvisoForm {
    pub comune: String,
    pub tipo: String,
    pub titolo: String,
    pub testo: String,
    pub dal: String,
    pub al: String,
    pub lat: String,
    pub lon: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NuovoAvviso {
    pub comune_id: i64,
    pub tipo: String,
    pub titolo: String,
    pub testo: Option<String>,
    pub dal: DateTime<Utc>,
    pub al: Option<DateTime<Utc>>,
    pub punto: Option<(f64, f64)>,
}

/// Validates a notice (`ora`: now, the default start).
pub fn valida(
    f: &AvvisoForm,
    t: &Territorio,
    ora: DateTime<Utc>,
) -> Result<NuovoAvviso, FormErrors> {
    let mut e = FormErrors::default();
    let comune = t.comune(f.comune.trim());
    if comune.is_none() {
        e.add("comune", "Scegli il comune.");
    }
    if !TIPI.iter().any(|(k, _)| *k == f.tipo) {
        e.add("tipo", "Scegli il tipo di avviso.");
    }
    let titolo = f.titolo.trim();
    if titolo.is_empty() {
        e.add("titolo", "Scrivi il titolo dell'avviso.");
    } else if titolo.chars().count() > 200 {
        e.add("titolo", "Il titolo può avere al massimo 200 caratteri.");
    }
    let ora_o = |campo: &'static str, v: &str, e: &mut FormErrors| {
        if v.trim().is_empty() {
            return None;
        }
        let t = parse_ora(v);
        if t.is_none() {
            e.add(
                campo,
                "Data e ora non valide: usa il formato gg/mm/aaaa hh:mm.",
            );
        }
        t
    };
    let dal = ora_o("dal", &f.dal, &mut e).unwrap_or(ora);
    let al = ora_o("al", &f.al, &mut e);
    if let Some(al) = al
        && al <= dal
    {
        e.add("al", "La fine deve essere dopo l'inizio.");
    }
    let num = |campo: &'static str, v: &str, min: f64, max: f64, e: &mut FormErrors| {
        if v.trim().is_empty() {
            return None;
        }
        match fmt::parse_numero(v) {
            Some(x) if (min..=max).contains(&x) => Some(x),
            _ => {
                e.add(
                    campo,
                    format!("Coordinata non valida: un numero tra {min} e {max}."),
                );
                None
            }
        }
    };
    let lat = num("lat", &f.lat, 35.0, 48.0, &mut e);
    let lon = num("lon", &f.lon, 6.0, 19.0, &mut e);
    if lat.is_some() != lon.is_some() && !e.has("lat") && !e.has("lon") {
        e.add(
            "lat",
            "Indica sia la latitudine sia la longitudine, o nessuna delle due.",
        );
    }
    if !e.is_empty() {
        return Err(e);
    }
    let testo = f.testo.trim();
    Ok(NuovoAvviso {
        comune_id: comune.expect("checked").id,
        tipo: f.tipo.clone(),
        titolo: titolo.to_owned(),
        testo: (!testo.is_empty()).then(|| testo.to_owned()),
        dal,
        al,
        punto: lat.zip(lon),
    })
}

pub async fn crea(
    db: &DatabaseConnection,
    actor: &Actor,
    n: &NuovoAvviso,
) -> AppResult<avviso_comunale::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let a = uow
        .inserisci(avviso_comunale::ActiveModel {
            comune_id: Set(n.comune_id),
            tipo: Set(n.tipo.clone()),
            titolo: Set(n.titolo.clone()),
            testo: Set(n.testo.clone()),
            dal: Set(n.dal),
            al: Set(n.al),
            lat: Set(n.punto.map(|p| p.0)),
            lon: Set(n.punto.map(|p| p.1)),
            autore_id: Set(actor.utente_id),
            created_at: Set(Utc::now()),
            ritirato_at: Set(None),
            ..Default::default()
        })
        .await?;
    uow.conferma().await?;
    Ok(a)
}

pub async fn per_id(db: &DatabaseConnection, id: i64) -> AppResult<avviso_comunale::Model> {
    avviso_comunale::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Withdraws a notice now.
pub async fn ritira(
    db: &DatabaseConnection,
    actor: &Actor,
    a: avviso_comunale::Model,
) -> AppResult<avviso_comunale::Model> {
    if a.ritirato_at.is_some() {
        return Err(AppError::Conflict("L'avviso è già stato ritirato.".into()));
    }
    let uow = Lavoro::apri(db, actor).await?;
    let mut am = a.clone().into_active_model();
    am.ritirato_at = Set(Some(Utc::now()));
    let dopo = uow.aggiorna_come("ritira", &a, am).await?;
    uow.conferma().await?;
    Ok(dopo)
}

/// The latest notices (of some comuni, or all), newest first.
pub async fn recenti(
    db: &DatabaseConnection,
    comuni: Option<&[i64]>,
    n: u64,
) -> AppResult<Vec<avviso_comunale::Model>> {
    let mut q = avviso_comunale::Entity::find();
    if let Some(c) = comuni {
        q = q.filter(avviso_comunale::Column::ComuneId.is_in(c.to_vec()));
    }
    Ok(q.order_by_desc(avviso_comunale::Column::Dal)
        .order_by_desc(avviso_comunale::Column::Id)
        .limit(n)
        .all(db)
        .await?)
}
