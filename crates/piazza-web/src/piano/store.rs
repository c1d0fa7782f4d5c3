//! Queries and changes of the plan: every change in one transaction with its audit-log row.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use piazza_db::audit::{self, Actor};
use piazza_db::entities::{
    aggiornamento_obiettivo, collegamento_obiettivo, evento_calendario, indicatore,
    misura_indicatore, obiettivo, persona, piano, piano_area, stato_obiettivo,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;

use super::import::PianoLetto;
use super::model::{
    FinestraRischio, FonteProgresso, RischioLegislatura, RollUp, Stato, Voce,
    progresso_da_indicatori, progresso_indicatore, progresso_obiettivo, roll_up,
};
use crate::config::AppConfig;
use crate::error::{AppError, AppResult};
use crate::fmt;
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

/// An indicator with its measurements (oldest first) and progress towards target.
#[derive(Debug, Clone)]
pub struct IndicatoreVista {
    pub i: indicatore::Model,
    /// The year of the plan, the span of the chart.
    pub anno: i32,
    pub misure: Vec<misura_indicatore::Model>,
    pub progresso: Option<f64>,
}

impl IndicatoreVista {
    pub fn ultimo(&self) -> Option<&misura_indicatore::Model> {
        self.misure.last()
    }
    pub fn ultimo_fmt(&self) -> String {
        self.ultimo()
            .map(|m| format!("{} al {}", fmt::numero(m.valore), fmt::date(m.data)))
            .unwrap_or_else(|| "nessuna misura".into())
    }
    pub fn base_fmt(&self) -> String {
        fmt::numero(self.i.valore_base)
    }
    pub fn obiettivo_fmt(&self) -> String {
        fmt::numero(self.i.valore_obiettivo)
    }
    pub fn percentuale(&self) -> String {
        fmt::percentuale(self.progresso)
    }
    /// The measurements as the page lists them: date, value, note.
    pub fn misure_fmt(&self) -> Vec<(String, String, String)> {
        self.misure
            .iter()
            .map(|m| {
                (
                    fmt::date(m.data),
                    fmt::numero(m.valore),
                    m.nota.clone().unwrap_or_default(),
                )
            })
            .collect()
    }
    /// The trend as a small SVG chart: baseline, measurements, target line.
    pub fn grafico(&self) -> String {
        let punti: Vec<(chrono::NaiveDate, f64)> =
            self.misure.iter().map(|m| (m.data, m.valore)).collect();
        super::grafico::sparkline(
            &self.i.nome,
            self.i.valore_base,
            self.i.valore_obiettivo,
            &punti,
            self.anno,
        )
    }
}

/// An objective with its computed progress, for pages.
#[derive(Debug, Clone)]
pub struct ObiettivoVista {
    pub o: obiettivo::Model,
    pub area_id: i64,
    pub stato_nome: String,
    pub progresso: Option<f64>,
    /// Cancelled: out of the roll-up.
    pub escluso: bool,
    /// Completed (its state's default progress is 100).
    pub concluso: bool,
    pub indicatori: Vec<IndicatoreVista>,
    pub ultimo_aggiornamento: Option<NaiveDate>,
    pub responsabile: Option<String>,
    /// The end-of-legislature window the due date falls in.
    pub rischio: Option<FinestraRischio>,
}

impl ObiettivoVista {
    pub fn percentuale(&self) -> String {
        fmt::percentuale(self.progresso)
    }
    pub fn scadenza_fmt(&self) -> String {
        fmt::opt_date(self.o.scadenza)
    }
    pub fn ultimo_aggiornamento_fmt(&self) -> String {
        fmt::opt_date(self.ultimo_aggiornamento)
    }
    /// Owner as shown: the person, the sector, or both.
    pub fn titolare(&self) -> String {
        match (&self.responsabile, &self.o.settore) {
            (Some(p), Some(s)) => format!("{p} ({s})"),
            (Some(p), None) => p.clone(),
            (None, Some(s)) => s.clone(),
            (None, None) => String::new(),
        }
    }
    /// The risk window the due date falls in, in words.
    pub fn rischio_fmt(&self) -> Option<String> {
        self.rischio.as_ref().map(|w| {
            format!(
                "La scadenza cade tra il {} e il {}, intorno a: {} ({}).",
                fmt::date(w.dal),
                fmt::date(w.al),
                w.titolo,
                fmt::date(w.fine_legislatura)
            )
        })
    }
    /// Still to be delivered: neither completed nor cancelled.
    pub fn attivo(&self) -> bool {
        !self.concluso && !self.escluso
    }
}

#[derive(Debug, Clone)]
pub struct AreaVista {
    pub a: piano_area::Model,
    pub obiettivi: Vec<ObiettivoVista>,
    pub roll_up: RollUp,
}

impl AreaVista {
    pub fn percentuale(&self) -> String {
        fmt::percentuale(self.roll_up.progresso)
    }
}

/// An update in the plan's latest-updates list.
#[derive(Debug, Clone)]
pub struct AggiornamentoVista {
    pub a: aggiornamento_obiettivo::Model,
    pub obiettivo_id: String,
    pub obiettivo_titolo: String,
    pub stato_nome: Option<String>,
}

impl AggiornamentoVista {
    pub fn data_fmt(&self) -> String {
        fmt::date(self.a.data)
    }
}

#[derive(Debug, Clone)]
pub struct PianoVista {
    pub p: piano::Model,
    pub aree: Vec<AreaVista>,
    pub roll_up: RollUp,
    /// The most recent updates of the objectives shown, newest first.
    pub ultimi_aggiornamenti: Vec<AggiornamentoVista>,
}

impl PianoVista {
    pub fn percentuale(&self) -> String {
        fmt::percentuale(self.roll_up.progresso)
    }
    pub fn data_approvazione_fmt(&self) -> String {
        fmt::opt_date(self.p.data_approvazione)
    }
    pub fn obiettivi(&self) -> impl Iterator<Item = &ObiettivoVista> {
        self.aree.iter().flat_map(|a| a.obiettivi.iter())
    }
    pub fn obiettivo(&self, public_id: &str) -> Option<&ObiettivoVista> {
        self.obiettivi().find(|o| o.o.public_id == public_id)
    }
    pub fn area(&self, id: i64) -> Option<&AreaVista> {
        self.aree.iter().find(|a| a.a.id == id)
    }
    /// The first and last day of the plan's year, the span indicators are expected over.
    pub fn inizio(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.p.anno, 1, 1).expect("a valid year")
    }
    pub fn fine(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.p.anno, 12, 31).expect("a valid year")
    }
}

pub async fn stati(db: &DatabaseConnection) -> AppResult<Vec<stato_obiettivo::Model>> {
    Ok(stato_obiettivo::Entity::find()
        .order_by_asc(stato_obiettivo::Column::Ordine)
        .all(db)
        .await?)
}

/// How many updates the plan page lists.
const ULTIMI_AGGIORNAMENTI: usize = 8;

/// A plan with its areas, objectives (only public ones when `solo_pubblici`), their indicators,
/// the latest updates and the progress of everything.
pub async fn vista(
    db: &DatabaseConnection,
    config: &AppConfig,
    anno: i32,
    solo_pubblici: bool,
) -> AppResult<Option<PianoVista>> {
    let Some(p) = piano_dell_anno(db, anno).await? else {
        return Ok(None);
    };
    let stati: HashMap<String, stato_obiettivo::Model> = stati(db)
        .await?
        .into_iter()
        .map(|s| (s.codice.clone(), s))
        .collect();
    let rischio = rischio_legislatura(db, config).await?;
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
    let obiettivo_ids: Vec<i64> = tutti.iter().map(|o| o.id).collect();
    let indicatori = indicatore::Entity::find()
        .filter(indicatore::Column::ObiettivoId.is_in(obiettivo_ids.clone()))
        .order_by_asc(indicatore::Column::Ordine)
        .order_by_asc(indicatore::Column::Id)
        .all(db)
        .await?;
    let mut misure: HashMap<i64, Vec<misura_indicatore::Model>> = HashMap::new();
    for m in misura_indicatore::Entity::find()
        .filter(
            misura_indicatore::Column::IndicatoreId
                .is_in(indicatori.iter().map(|i| i.id).collect::<Vec<_>>()),
        )
        .order_by_asc(misura_indicatore::Column::Data)
        .all(db)
        .await?
    {
        misure.entry(m.indicatore_id).or_default().push(m);
    }
    let aggiornamenti = aggiornamento_obiettivo::Entity::find()
        .filter(aggiornamento_obiettivo::Column::ObiettivoId.is_in(obiettivo_ids))
        .order_by_desc(aggiornamento_obiettivo::Column::Data)
        .order_by_desc(aggiornamento_obiettivo::Column::Id)
        .all(db)
        .await?;
    let responsabili: HashMap<i64, String> = persona::Entity::find()
        .filter(
            persona::Column::Id.is_in(
                tutti
                    .iter()
                    .filter_map(|o| o.responsabile_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.nome, p.cognome)))
        .collect();

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
            let ind: Vec<IndicatoreVista> = indicatori
                .iter()
                .filter(|i| i.obiettivo_id == o.id)
                .map(|i| {
                    let misure = misure.remove(&i.id).unwrap_or_default();
                    let progresso = progresso_indicatore(
                        i.valore_base,
                        i.valore_obiettivo,
                        misure.last().map(|m| m.valore),
                    );
                    IndicatoreVista {
                        i: i.clone(),
                        anno,
                        misure,
                        progresso,
                    }
                })
                .collect();
            let fonte = FonteProgresso::parse(&o.fonte_progresso).unwrap_or(FonteProgresso::Stato);
            let da_indicatori = progresso_da_indicatori(ind.iter().map(|i| i.progresso));
            let progresso = progresso_obiettivo(fonte, &stato, o.progresso_manuale, da_indicatori);
            obiettivi.push(ObiettivoVista {
                o: o.clone(),
                area_id: a.id,
                stato_nome: s.map(|s| s.nome.clone()).unwrap_or_else(|| o.stato.clone()),
                progresso,
                escluso: stato.escluso_dal_calcolo,
                concluso: stato.progresso_predefinito == Some(100),
                indicatori: ind,
                ultimo_aggiornamento: aggiornamenti
                    .iter()
                    .find(|u| u.obiettivo_id == o.id)
                    .map(|u| u.data),
                responsabile: o
                    .responsabile_id
                    .and_then(|id| responsabili.get(&id).cloned()),
                rischio: o.scadenza.and_then(|d| rischio.verifica(d).cloned()),
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
    let titoli: HashMap<i64, (&str, &str)> = tutti
        .iter()
        .map(|o| (o.id, (o.public_id.as_str(), o.titolo.as_str())))
        .collect();
    let ultimi_aggiornamenti = aggiornamenti
        .iter()
        .take(ULTIMI_AGGIORNAMENTI)
        .map(|u| {
            let (id, titolo) = titoli[&u.obiettivo_id];
            AggiornamentoVista {
                a: u.clone(),
                obiettivo_id: id.to_owned(),
                obiettivo_titolo: titolo.to_owned(),
                stato_nome: u
                    .nuovo_stato
                    .as_ref()
                    .map(|c| stati.get(c).map(|s| s.nome.clone()).unwrap_or(c.clone())),
            }
        })
        .collect();
    Ok(Some(PianoVista {
        p,
        aree: viste,
        roll_up: roll_up(voci_piano),
        ultimi_aggiornamenti,
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
    pub titolo: String,
    pub responsabile_id: Option<i64>,
    pub settore: Option<String>,
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
    am.titolo_norm = Set(normalize(&m.titolo));
    am.titolo = Set(m.titolo.clone());
    am.responsabile_id = Set(m.responsabile_id);
    am.settore = Set(m.settore.clone());
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

/// The plan's own fields an editor may change.
#[derive(Debug, Clone)]
pub struct ModificaPiano {
    pub titolo: String,
    pub stato: String,
    pub data_approvazione: Option<NaiveDate>,
    pub organo_approvazione: Option<String>,
}

pub async fn aggiorna_piano(
    db: &DatabaseConnection,
    actor: &Actor,
    current: piano::Model,
    m: &ModificaPiano,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let before = current.clone();
    let mut am: piano::ActiveModel = current.into();
    am.titolo = Set(m.titolo.clone());
    am.stato = Set(m.stato.clone());
    am.data_approvazione = Set(m.data_approvazione);
    am.organo_approvazione = Set(m.organo_approvazione.clone());
    am.updated_at = Set(Utc::now());
    let after = am.update(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "modifica",
        "piano",
        &after.anno.to_string(),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A progress note to add to an objective, validated.
#[derive(Debug, Clone)]
pub struct NuovoAggiornamento {
    pub data: NaiveDate,
    pub testo: String,
    pub allegato_url: Option<String>,
    pub nuovo_stato: Option<String>,
    pub nuovo_progresso: Option<i32>,
}

/// Adds a note to the timeline of an objective; a new state or progress it carries is applied to
/// the objective in the same transaction (a progress given by hand makes the source "manuale").
pub async fn aggiungi_aggiornamento(
    db: &DatabaseConnection,
    actor: &Actor,
    autore_nome: &str,
    current: obiettivo::Model,
    n: &NuovoAggiornamento,
) -> AppResult<()> {
    if n.nuovo_progresso.is_some() && current.fonte_progresso == FonteProgresso::Indicatori.key() {
        return Err(AppError::BadRequest(
            "L'avanzamento di questo obiettivo viene dagli indicatori: registrare una misura."
                .into(),
        ));
    }
    let txn = db.begin().await?;
    let u = aggiornamento_obiettivo::ActiveModel {
        obiettivo_id: Set(current.id),
        data: Set(n.data),
        testo: Set(n.testo.clone()),
        autore_id: Set(actor.utente_id),
        autore_nome: Set(autore_nome.to_owned()),
        allegato_url: Set(n.allegato_url.clone()),
        nuovo_stato: Set(n.nuovo_stato.clone()),
        nuovo_progresso: Set(n.nuovo_progresso),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "aggiorna",
        "obiettivo",
        &current.public_id,
        None,
        Some(
            json!({"aggiornamento": u.id, "data": u.data, "testo": u.testo,
            "nuovo_stato": u.nuovo_stato, "nuovo_progresso": u.nuovo_progresso}),
        ),
    )
    .await?;
    if n.nuovo_stato.is_some() || n.nuovo_progresso.is_some() {
        let before = current.clone();
        let mut am: obiettivo::ActiveModel = current.into();
        if let Some(s) = &n.nuovo_stato {
            am.stato = Set(s.clone());
        }
        if let Some(p) = n.nuovo_progresso {
            am.progresso_manuale = Set(Some(p));
            am.fonte_progresso = Set(FonteProgresso::Manuale.key().into());
        }
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
    }
    txn.commit().await?;
    Ok(())
}

/// The timeline of an objective, newest first.
pub async fn aggiornamenti(
    db: &DatabaseConnection,
    obiettivo_id: i64,
) -> AppResult<Vec<aggiornamento_obiettivo::Model>> {
    Ok(aggiornamento_obiettivo::Entity::find()
        .filter(aggiornamento_obiettivo::Column::ObiettivoId.eq(obiettivo_id))
        .order_by_desc(aggiornamento_obiettivo::Column::Data)
        .order_by_desc(aggiornamento_obiettivo::Column::Id)
        .all(db)
        .await?)
}

/// A new indicator, validated.
#[derive(Debug, Clone)]
pub struct NuovoIndicatore {
    pub nome: String,
    pub unita: String,
    pub direzione: String,
    pub valore_base: f64,
    pub valore_obiettivo: f64,
}

pub async fn aggiungi_indicatore(
    db: &DatabaseConnection,
    actor: &Actor,
    o: &obiettivo::Model,
    n: &NuovoIndicatore,
) -> AppResult<indicatore::Model> {
    use sea_orm::PaginatorTrait;
    let txn = db.begin().await?;
    let ordine = indicatore::Entity::find()
        .filter(indicatore::Column::ObiettivoId.eq(o.id))
        .count(&txn)
        .await? as i32
        + 1;
    let now = Utc::now();
    let i = indicatore::ActiveModel {
        public_id: Set(piazza_db::new_public_id()),
        obiettivo_id: Set(o.id),
        ordine: Set(ordine),
        nome: Set(n.nome.clone()),
        unita: Set(n.unita.clone()),
        direzione: Set(n.direzione.clone()),
        valore_base: Set(n.valore_base),
        valore_obiettivo: Set(n.valore_obiettivo),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record_change(
        &txn,
        actor,
        "crea",
        "indicatore",
        &i.public_id,
        None::<&indicatore::Model>,
        Some(&i),
    )
    .await?;
    txn.commit().await?;
    Ok(i)
}

pub async fn indicatore(db: &DatabaseConnection, public_id: &str) -> AppResult<indicatore::Model> {
    indicatore::Entity::find()
        .filter(indicatore::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn obiettivo_by_id(db: &DatabaseConnection, id: i64) -> AppResult<obiettivo::Model> {
    obiettivo::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Deletes an indicator with its measurements.
pub async fn elimina_indicatore(
    db: &DatabaseConnection,
    actor: &Actor,
    i: indicatore::Model,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let id = i.public_id.clone();
    audit::delete(&txn, actor, "indicatore", &id, i).await?;
    txn.commit().await?;
    Ok(())
}

/// Records the value of an indicator on a day; a second value for the same day replaces the first.
pub async fn registra_misura(
    db: &DatabaseConnection,
    actor: &Actor,
    i: &indicatore::Model,
    data: NaiveDate,
    valore: f64,
    nota: Option<String>,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let esistente = misura_indicatore::Entity::find()
        .filter(misura_indicatore::Column::IndicatoreId.eq(i.id))
        .filter(misura_indicatore::Column::Data.eq(data))
        .one(&txn)
        .await?;
    let before = esistente.clone();
    let after = match esistente {
        Some(m) => {
            let mut am: misura_indicatore::ActiveModel = m.into();
            am.valore = Set(valore);
            am.nota = Set(nota);
            am.autore = Set(actor.descrizione.clone());
            am.update(&txn).await?
        }
        None => {
            misura_indicatore::ActiveModel {
                indicatore_id: Set(i.id),
                data: Set(data),
                valore: Set(valore),
                nota: Set(nota),
                autore: Set(actor.descrizione.clone()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record_change(
        &txn,
        actor,
        "misura",
        "indicatore",
        &i.public_id,
        before.as_ref(),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn collegamenti(
    db: &DatabaseConnection,
    obiettivo_id: i64,
) -> AppResult<Vec<collegamento_obiettivo::Model>> {
    Ok(collegamento_obiettivo::Entity::find()
        .filter(collegamento_obiettivo::Column::ObiettivoId.eq(obiettivo_id))
        .order_by_asc(collegamento_obiettivo::Column::Tipo)
        .order_by_asc(collegamento_obiettivo::Column::Id)
        .all(db)
        .await?)
}

/// Links an objective to a record (`tipo`, `chiave`); the caller has checked the record exists.
pub async fn collega(
    db: &DatabaseConnection,
    actor: &Actor,
    o: &obiettivo::Model,
    tipo: &str,
    chiave: &str,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let gia = collegamento_obiettivo::Entity::find()
        .filter(collegamento_obiettivo::Column::ObiettivoId.eq(o.id))
        .filter(collegamento_obiettivo::Column::Tipo.eq(tipo))
        .filter(collegamento_obiettivo::Column::Chiave.eq(chiave))
        .one(&txn)
        .await?;
    if gia.is_some() {
        return Err(AppError::Conflict(
            "L'obiettivo è già collegato a questo elemento.".into(),
        ));
    }
    let c = collegamento_obiettivo::ActiveModel {
        obiettivo_id: Set(o.id),
        tipo: Set(tipo.to_owned()),
        chiave: Set(chiave.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record_change(
        &txn,
        actor,
        "collega",
        "obiettivo",
        &o.public_id,
        None::<&collegamento_obiettivo::Model>,
        Some(&c),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn scollega(
    db: &DatabaseConnection,
    actor: &Actor,
    o: &obiettivo::Model,
    collegamento_id: i64,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let c = collegamento_obiettivo::Entity::find_by_id(collegamento_id)
        .filter(collegamento_obiettivo::Column::ObiettivoId.eq(o.id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record_change(
        &txn,
        actor,
        "scollega",
        "obiettivo",
        &o.public_id,
        Some(&c),
        None::<&collegamento_obiettivo::Model>,
    )
    .await?;
    collegamento_obiettivo::Entity::delete_by_id(c.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes every link to a record that is being deleted (on the caller's transaction).
pub async fn scollega_tutto(
    txn: &impl sea_orm::ConnectionTrait,
    tipo: &str,
    chiave: &str,
) -> AppResult<()> {
    collegamento_obiettivo::Entity::delete_many()
        .filter(collegamento_obiettivo::Column::Tipo.eq(tipo))
        .filter(collegamento_obiettivo::Column::Chiave.eq(chiave))
        .exec(txn)
        .await?;
    Ok(())
}

/// An objective linked to a record, as the record's page lists it.
#[derive(Debug, Clone)]
pub struct ObiettivoCollegato {
    pub public_id: String,
    pub titolo: String,
    pub anno: i32,
}

/// The objectives linked to a record (the other side of the link), newest plan first.
pub async fn obiettivi_collegati(
    db: &DatabaseConnection,
    tipo: &str,
    chiave: &str,
    solo_pubblici: bool,
) -> AppResult<Vec<ObiettivoCollegato>> {
    let links = collegamento_obiettivo::Entity::find()
        .filter(collegamento_obiettivo::Column::Tipo.eq(tipo))
        .filter(collegamento_obiettivo::Column::Chiave.eq(chiave))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = obiettivo::Entity::find().filter(
        obiettivo::Column::Id.is_in(links.iter().map(|l| l.obiettivo_id).collect::<Vec<_>>()),
    );
    if solo_pubblici {
        q = q.filter(obiettivo::Column::Pubblico.eq(true));
    }
    let obiettivi = q.all(db).await?;
    let aree: HashMap<i64, i64> = piano_area::Entity::find()
        .filter(
            piano_area::Column::Id.is_in(obiettivi.iter().map(|o| o.area_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.piano_id))
        .collect();
    let anni: HashMap<i64, i32> = piano::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.anno))
        .collect();
    let mut out: Vec<ObiettivoCollegato> = obiettivi
        .into_iter()
        .map(|o| ObiettivoCollegato {
            anno: aree
                .get(&o.area_id)
                .and_then(|p| anni.get(p))
                .copied()
                .unwrap_or_default(),
            public_id: o.public_id,
            titolo: o.titolo,
        })
        .collect();
    out.sort_by(|a, b| b.anno.cmp(&a.anno).then(a.titolo.cmp(&b.titolo)));
    Ok(out)
}

/// The kinds of event of the political calendar: code and label.
pub const TIPI_EVENTO: &[(&str, &str)] = &[
    ("elezioni", "Elezioni"),
    ("fine_legislatura", "Fine legislatura"),
    ("scadenza", "Scadenza istituzionale"),
    ("altro", "Altro"),
];

pub fn tipo_evento_nome(codice: &str) -> &'static str {
    TIPI_EVENTO
        .iter()
        .find(|(k, _)| *k == codice)
        .map(|(_, n)| *n)
        .unwrap_or("Altro")
}

pub async fn eventi(db: &DatabaseConnection) -> AppResult<Vec<evento_calendario::Model>> {
    Ok(evento_calendario::Entity::find()
        .order_by_asc(evento_calendario::Column::Data)
        .order_by_asc(evento_calendario::Column::Id)
        .all(db)
        .await?)
}

/// A new event of the political calendar, validated.
#[derive(Debug, Clone)]
pub struct NuovoEvento {
    pub data: NaiveDate,
    pub tipo: String,
    pub titolo: String,
    pub descrizione: Option<String>,
}

pub async fn aggiungi_evento(
    db: &DatabaseConnection,
    actor: &Actor,
    n: &NuovoEvento,
) -> AppResult<evento_calendario::Model> {
    let txn = db.begin().await?;
    let e = evento_calendario::ActiveModel {
        data: Set(n.data),
        tipo: Set(n.tipo.clone()),
        titolo: Set(n.titolo.clone()),
        descrizione: Set(n.descrizione.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record_change(
        &txn,
        actor,
        "crea",
        "evento_calendario",
        &e.id.to_string(),
        None::<&evento_calendario::Model>,
        Some(&e),
    )
    .await?;
    txn.commit().await?;
    Ok(e)
}

pub async fn elimina_evento(db: &DatabaseConnection, actor: &Actor, id: i64) -> AppResult<()> {
    let txn = db.begin().await?;
    let e = evento_calendario::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::delete(&txn, actor, "evento_calendario", &id.to_string(), e).await?;
    txn.commit().await?;
    Ok(())
}

/// The risk windows around every end of legislature in the political calendar, with the months
/// of the configuration. Other modules (projects, agreements) check their dates with it.
pub async fn rischio_legislatura(
    db: &DatabaseConnection,
    config: &AppConfig,
) -> AppResult<RischioLegislatura> {
    let fini = evento_calendario::Entity::find()
        .filter(evento_calendario::Column::Tipo.eq("fine_legislatura"))
        .order_by_asc(evento_calendario::Column::Data)
        .all(db)
        .await?;
    Ok(RischioLegislatura::new(
        fini.into_iter().map(|e| (e.data, e.titolo)),
        config.piano.rischio_legislatura_mesi_prima,
        config.piano.rischio_legislatura_mesi_dopo,
    ))
}

/// A line of the staff dashboard.
#[derive(Debug, Clone)]
pub struct RigaCruscotto {
    pub obiettivo_id: String,
    pub titolo: String,
    pub area: String,
    pub titolare: String,
    pub scadenza: String,
    pub stato_nome: String,
    pub percentuale: String,
    /// What puts it on the list, in words.
    pub motivo: String,
}

/// The staff dashboard at a reference date.
#[derive(Debug, Clone)]
pub struct Cruscotto {
    pub al: NaiveDate,
    pub giorni_senza_aggiornamento: i64,
    pub scaduti: Vec<RigaCruscotto>,
    pub senza_aggiornamenti: Vec<RigaCruscotto>,
    pub fuori_traiettoria: Vec<RigaCruscotto>,
    pub in_scadenza: Vec<RigaCruscotto>,
    pub a_rischio_legislatura: Vec<RigaCruscotto>,
}

/// Days ahead that count as "in scadenza" on the dashboard.
pub const GIORNI_IN_SCADENZA: i64 = 30;

/// What needs attention in a plan at `al`: overdue objectives, objectives without an update for
/// the configured days, indicators off track, objectives due within 30 days, and those due in the
/// risk window of a change of legislature. Completed and cancelled objectives are left out.
pub fn cruscotto(v: &PianoVista, al: NaiveDate, config: &AppConfig) -> Cruscotto {
    use super::model::{fuori_traiettoria, progresso_atteso};
    let n = config.piano.giorni_senza_aggiornamento;
    let mut c = Cruscotto {
        al,
        giorni_senza_aggiornamento: n,
        scaduti: Vec::new(),
        senza_aggiornamenti: Vec::new(),
        fuori_traiettoria: Vec::new(),
        in_scadenza: Vec::new(),
        a_rischio_legislatura: Vec::new(),
    };
    // Without any update, an objective counts from the approval of the plan (or 1 January).
    let partenza = v.p.data_approvazione.unwrap_or(v.inizio());
    for o in v.obiettivi().filter(|o| o.attivo()) {
        let area = v
            .area(o.area_id)
            .map(|a| a.a.titolo.clone())
            .unwrap_or_default();
        let riga = |motivo: String| RigaCruscotto {
            obiettivo_id: o.o.public_id.clone(),
            titolo: o.o.titolo.clone(),
            area: area.clone(),
            titolare: o.titolare(),
            scadenza: o.scadenza_fmt(),
            stato_nome: o.stato_nome.clone(),
            percentuale: o.percentuale(),
            motivo,
        };
        if let Some(d) = o.o.scadenza {
            if d < al {
                c.scaduti
                    .push(riga(format!("scaduto da {} giorni", (al - d).num_days())));
            } else if (d - al).num_days() <= GIORNI_IN_SCADENZA {
                c.in_scadenza
                    .push(riga(format!("scade tra {} giorni", (d - al).num_days())));
            }
        }
        let ultimo = o.ultimo_aggiornamento.unwrap_or(partenza);
        if ultimo <= al && (al - ultimo).num_days() > n {
            c.senza_aggiornamenti
                .push(riga(match o.ultimo_aggiornamento {
                    Some(d) => format!("ultimo aggiornamento il {}", fmt::date(d)),
                    None => "nessun aggiornamento".into(),
                }));
        }
        let scadenza = o.o.scadenza.unwrap_or(v.fine());
        let atteso = progresso_atteso(v.inizio(), scadenza, al);
        for i in &o.indicatori {
            if fuori_traiettoria(
                i.progresso,
                atteso,
                config.piano.tolleranza_indicatori_punti,
            ) {
                c.fuori_traiettoria.push(riga(format!(
                    "{}: {} (atteso {:.0}%, raggiunto {})",
                    i.i.nome,
                    i.ultimo_fmt(),
                    atteso,
                    i.progresso
                        .map(|p| format!("{p:.0}%"))
                        .unwrap_or_else(|| "nessuna misura".into())
                )));
            }
        }
        if let Some(f) = &o.rischio {
            c.a_rischio_legislatura.push(riga(format!(
                "scade nella finestra {} – {} ({})",
                fmt::date(f.dal),
                fmt::date(f.al),
                f.titolo
            )));
        }
    }
    c.scaduti.sort_by(|a, b| a.scadenza.cmp(&b.scadenza));
    c
}

/// Every objective as (public id, "year – title"), newest plan first: the choices of a link
/// made from another module's record.
pub async fn obiettivi_scelta(db: &DatabaseConnection) -> AppResult<Vec<(String, String)>> {
    let anni: HashMap<i64, i32> = piano::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.anno))
        .collect();
    let aree: HashMap<i64, i32> = piano_area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| Some((a.id, *anni.get(&a.piano_id)?)))
        .collect();
    let mut v: Vec<(i32, i64, String, String)> = obiettivo::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|o| Some((*aree.get(&o.area_id)?, o.id, o.public_id, o.titolo)))
        .collect();
    v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(v.into_iter()
        .map(|(anno, _, id, titolo)| (id, format!("{anno} – {titolo}")))
        .collect())
}

/// The sectors already used by objectives, to suggest in the form.
pub async fn settori(db: &DatabaseConnection) -> AppResult<Vec<String>> {
    use sea_orm::QuerySelect;
    let mut v: Vec<String> = obiettivo::Entity::find()
        .select_only()
        .column(obiettivo::Column::Settore)
        .distinct()
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    v.sort();
    Ok(v)
}

/// Adds an objective at the end of an area of a plan (state "non avviato", weight 1, public).
pub async fn aggiungi_obiettivo(
    db: &DatabaseConnection,
    actor: &Actor,
    anno: i32,
    area_id: i64,
    titolo: &str,
) -> AppResult<obiettivo::Model> {
    use sea_orm::PaginatorTrait;
    let txn = db.begin().await?;
    let p = piano::Entity::find()
        .filter(piano::Column::Anno.eq(anno))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let area = piano_area::Entity::find_by_id(area_id)
        .filter(piano_area::Column::PianoId.eq(p.id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let ordine = obiettivo::Entity::find()
        .filter(obiettivo::Column::AreaId.eq(area.id))
        .count(&txn)
        .await? as i32
        + 1;
    let now = Utc::now();
    let o = obiettivo::ActiveModel {
        public_id: Set(piazza_db::new_public_id()),
        area_id: Set(area.id),
        ordine: Set(ordine),
        titolo_norm: Set(normalize(titolo)),
        titolo: Set(titolo.to_owned()),
        priorita: Set("media".into()),
        peso: Set(1),
        pubblico: Set(true),
        stato: Set("non_avviato".into()),
        fonte_progresso: Set(FonteProgresso::Stato.key().into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record_change(
        &txn,
        actor,
        "crea",
        "obiettivo",
        &o.public_id,
        None::<&obiettivo::Model>,
        Some(&o),
    )
    .await?;
    txn.commit().await?;
    Ok(o)
}

/// A state of the catalogue as an editor sets it.
#[derive(Debug, Clone)]
pub struct StatoValido {
    pub nome: String,
    pub progresso_predefinito: Option<i32>,
    pub escluso_dal_calcolo: bool,
}

/// Changes a state of the catalogue, or adds one (`codice` None: the code comes from the name).
pub async fn salva_stato(
    db: &DatabaseConnection,
    actor: &Actor,
    codice: Option<&str>,
    v: &StatoValido,
) -> AppResult<()> {
    use sea_orm::PaginatorTrait;
    let txn = db.begin().await?;
    match codice {
        Some(c) => {
            let current = stato_obiettivo::Entity::find()
                .filter(stato_obiettivo::Column::Codice.eq(c))
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            let before = current.clone();
            let mut am: stato_obiettivo::ActiveModel = current.into();
            am.nome = Set(v.nome.clone());
            am.progresso_predefinito = Set(v.progresso_predefinito);
            am.escluso_dal_calcolo = Set(v.escluso_dal_calcolo);
            let after = am.update(&txn).await?;
            audit::record_change(
                &txn,
                actor,
                "modifica",
                "stato_obiettivo",
                &after.codice,
                Some(&before),
                Some(&after),
            )
            .await?;
        }
        None => {
            let codice = normalize(&v.nome).replace(' ', "_");
            if codice.is_empty() {
                return Err(AppError::BadRequest("Indicare il nome dello stato.".into()));
            }
            if stato_obiettivo::Entity::find()
                .filter(stato_obiettivo::Column::Codice.eq(codice.as_str()))
                .one(&txn)
                .await?
                .is_some()
            {
                return Err(AppError::Conflict(format!(
                    "Esiste già uno stato «{}».",
                    v.nome
                )));
            }
            let ordine = stato_obiettivo::Entity::find().count(&txn).await? as i32 + 1;
            let s = stato_obiettivo::ActiveModel {
                codice: Set(codice),
                nome: Set(v.nome.clone()),
                progresso_predefinito: Set(v.progresso_predefinito),
                escluso_dal_calcolo: Set(v.escluso_dal_calcolo),
                ordine: Set(ordine),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record_change(
                &txn,
                actor,
                "crea",
                "stato_obiettivo",
                &s.codice,
                None::<&stato_obiettivo::Model>,
                Some(&s),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
