use chrono::Utc;
use piazza_db::audit::{self, Actor};
use piazza_db::entities::{obiettivo, piano, piano_area, stato_obiettivo};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde_json::json;

use super::import::PianoLetto;
use crate::error::{AppError, AppResult};
use crate::text::normalize;

pub async fn piano_dell_anno(
    db: &DatabaseConnection,
    anno: i32,
) -> AppResult<Option<piano::Model>> {
    Ok(piano::Entity::find()
        .filter(piano::Column::Anno.eq(anno))
        .one(db)
        .await?)
}

/// Saves a plan read from a document as a draft of `anno`, in one transaction: its areas in order
/// and their objectives (state "non avviato", weight 1, public, progress from the state).
pub async fn salva_piano_letto(
    db: &DatabaseConnection,
    actor: &Actor,
    anno: i32,
    letto: &PianoLetto,
) -> AppResult<piano::Model> {
    if !(2000..=2100).contains(&anno) {
        return Err(AppError::BadRequest(format!("Anno {anno} non valido.")));
    }
    if letto.aree.is_empty() {
        return Err(AppError::BadRequest(
            "Il documento non contiene aree con obiettivi.".into(),
        ));
    }
    let txn = db.begin().await?;
    if piano::Entity::find()
        .filter(piano::Column::Anno.eq(anno))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "Esiste già un piano per il {anno}."
        )));
    }
    let now = Utc::now();
    let p = piano::ActiveModel {
        anno: Set(anno),
        titolo: Set(letto
            .titolo
            .clone()
            .unwrap_or_else(|| format!("Piano attività {anno}"))),
        stato: Set("bozza".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (i, area) in letto.aree.iter().enumerate() {
        let a = piano_area::ActiveModel {
            piano_id: Set(p.id),
            ordine: Set(i as i32 + 1),
            titolo: Set(area.titolo.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let rows: Vec<obiettivo::ActiveModel> = area
            .obiettivi
            .iter()
            .enumerate()
            .map(|(j, titolo)| obiettivo::ActiveModel {
                public_id: Set(piazza_db::new_public_id()),
                area_id: Set(a.id),
                ordine: Set(j as i32 + 1),
                titolo_norm: Set(normalize(titolo)),
                titolo: Set(titolo.clone()),
                priorita: Set("media".into()),
                peso: Set(1),
                pubblico: Set(true),
                stato: Set("non_avviato".into()),
                fonte_progresso: Set("stato".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        if !rows.is_empty() {
            obiettivo::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
    }
    audit::record(
        &txn,
        actor,
        "importa",
        "piano",
        &anno.to_string(),
        None,
        Some(json!({
            "titolo": p.titolo,
            "aree": letto.aree.iter().map(|a| json!({"titolo": a.titolo, "obiettivi": a.obiettivi})).collect::<Vec<_>>(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(p)
}

/// An objective with its computed progress, for pages.
#[derive(Debug, Clone)]
pub struct ObiettivoVista {
    pub o: obiettivo::Model,
    pub stato_nome: String,
    pub progresso: Option<f64>,
    pub escluso: bool,
}

impl ObiettivoVista {
    pub fn percentuale(&self) -> String {
        self.progresso
            .map(|p| format!("{:.0}", p))
            .unwrap_or_default()
    }
    pub fn scadenza_fmt(&self) -> String {
        crate::fmt::opt_date(self.o.scadenza)
    }
}

#[derive(Debug, Clone)]
pub struct AreaVista {
    pub a: piano_area::Model,
    pub obiettivi: Vec<ObiettivoVista>,
    pub roll_up: super::model::RollUp,
}

impl AreaVista {
    pub fn percentuale(&self) -> String {
        self.roll_up
            .progresso
            .map(|p| format!("{:.0}", p))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct PianoVista {
    pub p: piano::Model,
    pub aree: Vec<AreaVista>,
    pub roll_up: super::model::RollUp,
}

impl PianoVista {
    pub fn percentuale(&self) -> String {
        self.roll_up
            .progresso
            .map(|p| format!("{:.0}", p))
            .unwrap_or_default()
    }
}

pub async fn stati(db: &DatabaseConnection) -> AppResult<Vec<stato_obiettivo::Model>> {
    use sea_orm::QueryOrder;
    Ok(stato_obiettivo::Entity::find()
        .order_by_asc(stato_obiettivo::Column::Ordine)
        .all(db)
        .await?)
}

/// A plan with its areas, objectives (only public ones when `solo_pubblici`) and progress.
pub async fn vista(
    db: &DatabaseConnection,
    anno: i32,
    solo_pubblici: bool,
) -> AppResult<Option<PianoVista>> {
    use super::model::{FonteProgresso, Stato, Voce, progresso_obiettivo, roll_up};
    use sea_orm::QueryOrder;
    let Some(p) = piano_dell_anno(db, anno).await? else {
        return Ok(None);
    };
    let stati: std::collections::HashMap<String, stato_obiettivo::Model> = stati(db)
        .await?
        .into_iter()
        .map(|s| (s.codice.clone(), s))
        .collect();
    let aree = piano_area::Entity::find()
        .filter(piano_area::Column::PianoId.eq(p.id))
        .order_by_asc(piano_area::Column::Ordine)
        .all(db)
        .await?;
    let ids: Vec<i64> = aree.iter().map(|a| a.id).collect();
    let mut query = obiettivo::Entity::find().filter(obiettivo::Column::AreaId.is_in(ids));
    if solo_pubblici {
        query = query.filter(obiettivo::Column::Pubblico.eq(true));
    }
    let tutti = query
        .order_by_asc(obiettivo::Column::Ordine)
        .all(db)
        .await?;
    let mut viste = Vec::new();
    let mut voci_piano = Vec::new();
    for a in aree {
        let mut obiettivi = Vec::new();
        for o in tutti.iter().filter(|o| o.area_id == a.id) {
            let s = stati.get(&o.stato);
            let stato = Stato {
                codice: o.stato.clone(),
                progresso_predefinito: s.and_then(|s| s.progresso_predefinito),
                escluso_dal_calcolo: s.is_some_and(|s| s.escluso_dal_calcolo),
            };
            let fonte = FonteProgresso::parse(&o.fonte_progresso).unwrap_or(FonteProgresso::Stato);
            let progresso = progresso_obiettivo(fonte, &stato, o.progresso_manuale, None);
            obiettivi.push(ObiettivoVista {
                o: o.clone(),
                stato_nome: s.map(|s| s.nome.clone()).unwrap_or_else(|| o.stato.clone()),
                progresso,
                escluso: stato.escluso_dal_calcolo,
            });
        }
        let voci: Vec<Voce> = obiettivi
            .iter()
            .map(|v| Voce {
                peso: v.o.peso,
                progresso: v.progresso,
                escluso: v.escluso,
            })
            .collect();
        voci_piano.extend(voci.iter().copied());
        viste.push(AreaVista {
            a,
            roll_up: roll_up(voci),
            obiettivi,
        });
    }
    Ok(Some(PianoVista {
        p,
        aree: viste,
        roll_up: roll_up(voci_piano),
    }))
}

pub async fn obiettivo(db: &DatabaseConnection, public_id: &str) -> AppResult<obiettivo::Model> {
    obiettivo::Entity::find()
        .filter(obiettivo::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The year of the plan an objective belongs to.
pub async fn anno_dell_obiettivo(db: &DatabaseConnection, o: &obiettivo::Model) -> AppResult<i32> {
    let a = piano_area::Entity::find_by_id(o.area_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = piano::Entity::find_by_id(a.piano_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(p.anno)
}

/// What an editor may change on an objective, validated.
#[derive(Debug, Clone)]
pub struct ModificaObiettivo {
    pub stato: String,
    pub fonte_progresso: String,
    pub progresso_manuale: Option<i32>,
    pub peso: i32,
    pub pubblico: bool,
    pub scadenza: Option<chrono::NaiveDate>,
    pub priorita: String,
    pub descrizione: Option<String>,
}

pub async fn aggiorna_obiettivo(
    db: &DatabaseConnection,
    actor: &Actor,
    current: obiettivo::Model,
    m: &ModificaObiettivo,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let before = current.clone();
    let mut am: obiettivo::ActiveModel = current.into();
    am.stato = Set(m.stato.clone());
    am.fonte_progresso = Set(m.fonte_progresso.clone());
    am.progresso_manuale = Set(m.progresso_manuale);
    am.peso = Set(m.peso);
    am.pubblico = Set(m.pubblico);
    am.scadenza = Set(m.scadenza);
    am.priorita = Set(m.priorita.clone());
    am.descrizione = Set(m.descrizione.clone());
    am.updated_at = Set(Utc::now());
    let after = am.update(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "modifica",
        "obiettivo",
        &after.public_id,
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
