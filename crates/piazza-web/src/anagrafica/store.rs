use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use piazza_db::audit::{self, Actor};
use piazza_db::entities::{amministratore, organizzazione, persona};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    ModelTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;

use super::dait::{DaitRow, Parsed};
use super::model::{
    AmministratoreView, Carica, OrganizzazioneValida, PersonaValida, StatoMandato, fine_mandato,
};
use crate::config::AppConfig;
use crate::error::{AppError, AppResult};
use crate::territorio::{ComuneInfo, Territorio};
use crate::text::{match_key, normalize};

pub use crate::fmt::oggi as today;

// ---------- administrators ----------

/// Filters of the administrators list.
#[derive(Debug, Default, Clone)]
pub struct FiltroAmministratori {
    pub q: String,
    pub comune_id: Option<i64>,
    pub carica: Option<Carica>,
    pub stato: Option<StatoMandato>,
}

/// Administrators matching the filter, ordered by comune, office and name, as views.
pub async fn amministratori(
    db: &DatabaseConnection,
    t: &Territorio,
    config: &AppConfig,
    f: &FiltroAmministratori,
) -> AppResult<Vec<AmministratoreView>> {
    let mut query = amministratore::Entity::find();
    if let Some(c) = f.comune_id {
        query = query.filter(amministratore::Column::ComuneId.eq(c));
    }
    if let Some(c) = f.carica {
        query = query.filter(amministratore::Column::Carica.eq(c.key()));
    }
    let rows = query.all(db).await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.persona_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut persone: HashMap<i64, persona::Model> = HashMap::new();
    for chunk in ids.chunks(500) {
        for p in persona::Entity::find()
            .filter(persona::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            persone.insert(p.id, p);
        }
    }
    let q = normalize(&f.q);
    let today = today();
    let mut out: Vec<AmministratoreView> = rows
        .into_iter()
        .filter_map(|a| {
            let p = persone.get(&a.persona_id)?;
            let c = t.comune_by_id(a.comune_id)?;
            if !q.is_empty() && !p.nome_norm.contains(&q) && !c.nome_norm.contains(&q) {
                return None;
            }
            let v =
                AmministratoreView::new(a, p, c, today, config.anagrafica.mesi_preavviso_scadenza);
            f.stato.is_none_or(|s| s == v.stato).then_some(v)
        })
        .collect();
    let sort_key = |a: &AmministratoreView| {
        (
            t.by_id.get(&a.comune_id).copied().unwrap_or(usize::MAX),
            a.carica.rank(),
            normalize(&a.nome_completo),
        )
    };
    out.sort_by_cached_key(sort_key);
    Ok(out)
}

/// The administrators of one comune, by office and name.
pub async fn amministratori_del_comune(
    db: &DatabaseConnection,
    c: &ComuneInfo,
    config: &AppConfig,
) -> AppResult<Vec<AmministratoreView>> {
    let rows = amministratore::Entity::find()
        .filter(amministratore::Column::ComuneId.eq(c.id))
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.persona_id).collect();
    let persone: HashMap<i64, persona::Model> = persona::Entity::find()
        .filter(persona::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let today = today();
    let mut out: Vec<AmministratoreView> = rows
        .into_iter()
        .filter_map(|a| {
            let p = persone.get(&a.persona_id)?;
            Some(AmministratoreView::new(
                a,
                p,
                c,
                today,
                config.anagrafica.mesi_preavviso_scadenza,
            ))
        })
        .collect();
    out.sort_by_cached_key(|a| (a.carica.rank(), normalize(&a.nome_completo)));
    Ok(out)
}

/// The offices held by a person.
pub async fn cariche_della_persona(
    db: &DatabaseConnection,
    t: &Territorio,
    p: &persona::Model,
    config: &AppConfig,
) -> AppResult<Vec<AmministratoreView>> {
    let rows = amministratore::Entity::find()
        .filter(amministratore::Column::PersonaId.eq(p.id))
        .all(db)
        .await?;
    let today = today();
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let c = t.comune_by_id(a.comune_id)?;
            Some(AmministratoreView::new(
                a,
                p,
                c,
                today,
                config.anagrafica.mesi_preavviso_scadenza,
            ))
        })
        .collect())
}

pub async fn amministratore(db: &DatabaseConnection, id: i64) -> AppResult<amministratore::Model> {
    amministratore::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Updates the office and dates of an administrator (the mandate end is recomputed).
pub async fn aggiorna_amministratore(
    db: &DatabaseConnection,
    actor: &Actor,
    current: amministratore::Model,
    carica: Carica,
    data_elezione: Option<NaiveDate>,
    data_inizio: Option<NaiveDate>,
    config: &AppConfig,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let before = current.clone();
    let mut am: amministratore::ActiveModel = current.into();
    am.carica = Set(carica.key().to_owned());
    am.data_elezione = Set(data_elezione);
    am.data_inizio = Set(data_inizio);
    am.fine_mandato = Set(fine_mandato(data_elezione, config.anagrafica.anni_mandato));
    am.updated_at = Set(Utc::now());
    let after = am
        .update(&txn)
        .await
        .map_err(|e| unique_conflict(e, "Questa persona ha già questa carica in questo comune."))?;
    audit::record_change(
        &txn,
        actor,
        "modifica",
        "amministratore",
        &after.id.to_string(),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn unique_conflict(e: sea_orm::DbErr, msg: &str) -> AppError {
    let s = e.to_string().to_lowercase();
    if s.contains("unique") || s.contains("duplicate") {
        AppError::Conflict(msg.to_owned())
    } else {
        AppError::Db(e)
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub righe: usize,
    pub fuori_regione: usize,
    pub persone_nuove: usize,
    pub persone_aggiornate: usize,
    pub amministratori_nuovi: usize,
    pub amministratori_aggiornati: usize,
    pub amministratori_invariati: usize,
    pub amministratori_rimossi: usize,
}

fn dait_key(r: &DaitRow) -> String {
    format!(
        "{}|{}|{}|{}",
        match_key(&r.cognome),
        match_key(&r.nome),
        r.data_nascita.map(|d| d.to_string()).unwrap_or_default(),
        r.luogo_nascita
            .as_deref()
            .map(match_key)
            .unwrap_or_default()
    )
}

/// Applies a parsed DAIT file in one transaction. A re-import updates without duplicating;
/// administrators of the same comuni and offices that are no longer in the file are removed
/// (the register lists who is in office).
pub async fn importa_dait(
    db: &DatabaseConnection,
    actor: &Actor,
    parsed: &Parsed,
    config: &AppConfig,
) -> AppResult<ImportSummary> {
    let mut s = ImportSummary {
        righe: parsed.righe.len(),
        fuori_regione: parsed.fuori_regione,
        ..Default::default()
    };
    let txn = db.begin().await?;
    let mut persone: HashMap<String, persona::Model> = persona::Entity::find()
        .filter(persona::Column::DaitKey.is_not_null())
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|p| p.dait_key.clone().map(|k| (k, p)))
        .collect();
    let comuni_in_file: HashSet<i64> = parsed.righe.iter().map(|r| r.comune_id).collect();
    let cariche_in_file: HashSet<&str> = parsed.righe.iter().map(|r| r.carica.key()).collect();
    let mut esistenti: HashMap<(i64, i64, String), amministratore::Model> = HashMap::new();
    let comuni_vec: Vec<i64> = comuni_in_file.iter().copied().collect();
    for chunk in comuni_vec.chunks(500) {
        for a in amministratore::Entity::find()
            .filter(amministratore::Column::ComuneId.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            esistenti.insert((a.persona_id, a.comune_id, a.carica.clone()), a);
        }
    }
    let now = Utc::now();
    let mut visti: HashSet<(i64, i64, String)> = HashSet::new();
    for r in &parsed.righe {
        let key = dait_key(r);
        let persona = match persone.get(&key) {
            Some(p) => {
                let mut cats: Vec<&str> =
                    p.categorie.split(',').filter(|c| !c.is_empty()).collect();
                let needs_cat = !cats.contains(&"amministratore");
                if needs_cat || p.sesso != r.sesso {
                    if needs_cat {
                        cats.push("amministratore");
                    }
                    let before = p.clone();
                    let mut am: persona::ActiveModel = p.clone().into();
                    am.categorie = Set(cats.join(","));
                    am.sesso = Set(r.sesso.clone());
                    am.updated_at = Set(now);
                    let updated = am.update(&txn).await?;
                    audit::record_change(
                        &txn,
                        actor,
                        "modifica",
                        "persona",
                        &updated.public_id,
                        Some(&before),
                        Some(&updated),
                    )
                    .await?;
                    s.persone_aggiornate += 1;
                    persone.insert(key.clone(), updated.clone());
                    updated
                } else {
                    p.clone()
                }
            }
            None => {
                let created = persona::ActiveModel {
                    public_id: Set(piazza_db::new_public_id()),
                    nome: Set(r.nome.clone()),
                    cognome: Set(r.cognome.clone()),
                    nome_norm: Set(normalize(&format!("{} {}", r.cognome, r.nome))),
                    sesso: Set(r.sesso.clone()),
                    data_nascita: Set(r.data_nascita),
                    luogo_nascita: Set(r.luogo_nascita.clone()),
                    categorie: Set("amministratore".into()),
                    dait_key: Set(Some(key.clone())),
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
                    "persona",
                    &created.public_id,
                    None,
                    Some(&created),
                )
                .await?;
                s.persone_nuove += 1;
                persone.insert(key.clone(), created.clone());
                created
            }
        };
        let akey = (persona.id, r.comune_id, r.carica.key().to_owned());
        if !visti.insert(akey.clone()) {
            continue; // the same office twice in the file: keep the first
        }
        let fine = fine_mandato(r.data_elezione, config.anagrafica.anni_mandato);
        match esistenti.get(&akey) {
            Some(a) => {
                let same = a.descrizione_carica == r.descrizione_carica
                    && a.data_elezione == r.data_elezione
                    && a.data_inizio == r.data_inizio
                    && a.fine_mandato == fine
                    && a.lista == r.lista;
                if same {
                    s.amministratori_invariati += 1;
                } else {
                    let before = a.clone();
                    let mut am: amministratore::ActiveModel = a.clone().into();
                    am.descrizione_carica = Set(r.descrizione_carica.clone());
                    am.data_elezione = Set(r.data_elezione);
                    am.data_inizio = Set(r.data_inizio);
                    am.fine_mandato = Set(fine);
                    am.lista = Set(r.lista.clone());
                    am.fonte = Set("dait".into());
                    am.updated_at = Set(now);
                    let updated = am.update(&txn).await?;
                    audit::record_change(
                        &txn,
                        actor,
                        "modifica",
                        "amministratore",
                        &updated.id.to_string(),
                        Some(&before),
                        Some(&updated),
                    )
                    .await?;
                    s.amministratori_aggiornati += 1;
                }
            }
            None => {
                let created = amministratore::ActiveModel {
                    persona_id: Set(persona.id),
                    comune_id: Set(r.comune_id),
                    carica: Set(r.carica.key().to_owned()),
                    descrizione_carica: Set(r.descrizione_carica.clone()),
                    data_elezione: Set(r.data_elezione),
                    data_inizio: Set(r.data_inizio),
                    fine_mandato: Set(fine),
                    lista: Set(r.lista.clone()),
                    fonte: Set("dait".into()),
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
                    "amministratore",
                    &created.id.to_string(),
                    None,
                    Some(&created),
                )
                .await?;
                s.amministratori_nuovi += 1;
            }
        }
    }
    for (key, a) in &esistenti {
        if !visti.contains(key) && cariche_in_file.contains(a.carica.as_str()) {
            audit::record_change(
                &txn,
                actor,
                "elimina",
                "amministratore",
                &a.id.to_string(),
                Some(&a),
                None,
            )
            .await?;
            a.clone().delete(&txn).await?;
            s.amministratori_rimossi += 1;
        }
    }
    audit::record(&txn, actor, "importa", "amministratori", "dait", None, Some(json!({
        "righe": s.righe, "persone_nuove": s.persone_nuove, "amministratori_nuovi": s.amministratori_nuovi,
        "amministratori_aggiornati": s.amministratori_aggiornati, "amministratori_rimossi": s.amministratori_rimossi,
    })))
    .await?;
    txn.commit().await?;
    Ok(s)
}

// ---------- what a user may see ----------

/// The part of the register a user may see: all of it (administrators, editors and readers
/// of Anagrafica), or — a referente — what is linked to their comuni: the comuni's own
/// organisations (types of [`super::model::TIPI_DEL_COMUNE`]) and the people who are
/// administrators of those comuni or belong to those organisations. No other comune's
/// personal data reaches a referente, in lists, pages or exports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Ambito {
    #[default]
    Tutto,
    Comuni(Vec<i64>),
}

impl Ambito {
    /// The organisations of the comuni (none for [`Ambito::Tutto`]: no restriction).
    fn organizzazioni(ids: &[i64]) -> sea_orm::sea_query::SelectStatement {
        sea_orm::sea_query::Query::select()
            .column(organizzazione::Column::Id)
            .from(organizzazione::Entity)
            .and_where(organizzazione::Column::ComuneId.is_in(ids.iter().copied()))
            .and_where(
                organizzazione::Column::Tipo.is_in(super::model::TIPI_DEL_COMUNE.iter().copied()),
            )
            .to_owned()
    }

    fn persone_cond(&self) -> Option<Condition> {
        let Ambito::Comuni(ids) = self else {
            return None;
        };
        let amministratori = sea_orm::sea_query::Query::select()
            .column(amministratore::Column::PersonaId)
            .from(amministratore::Entity)
            .and_where(amministratore::Column::ComuneId.is_in(ids.iter().copied()))
            .to_owned();
        Some(
            Condition::any()
                .add(persona::Column::Id.in_subquery(amministratori))
                .add(persona::Column::OrganizzazioneId.in_subquery(Self::organizzazioni(ids))),
        )
    }

    fn organizzazioni_cond(&self) -> Option<Condition> {
        let Ambito::Comuni(ids) = self else {
            return None;
        };
        Some(
            Condition::all().add(organizzazione::Column::Id.in_subquery(Self::organizzazioni(ids))),
        )
    }

    /// Whether an organisation is within reach.
    pub fn vede_organizzazione(&self, o: &organizzazione::Model) -> bool {
        match self {
            Ambito::Tutto => true,
            Ambito::Comuni(ids) => {
                super::model::comune_proprio(&o.tipo, o.comune_id).is_some_and(|c| ids.contains(&c))
            }
        }
    }

    /// Whether a person is within reach (one query for a referente).
    pub async fn vede_persona(
        &self,
        db: &DatabaseConnection,
        p: &persona::Model,
    ) -> AppResult<bool> {
        let Some(cond) = self.persone_cond() else {
            return Ok(true);
        };
        Ok(persona::Entity::find()
            .filter(persona::Column::Id.eq(p.id))
            .filter(cond)
            .count(db)
            .await?
            > 0)
    }
}

// ---------- people ----------

#[derive(Debug, Default, Clone)]
pub struct FiltroPersone {
    pub q: String,
    pub categoria: Option<String>,
    pub ambito: Ambito,
}

fn persone_query(f: &FiltroPersone) -> sea_orm::Select<persona::Entity> {
    let mut query = persona::Entity::find();
    if let Some(c) = f.ambito.persone_cond() {
        query = query.filter(c);
    }
    let q = normalize(&f.q);
    if !q.is_empty() {
        let mut cond = Condition::any().add(persona::Column::NomeNorm.contains(&q));
        if f.q.contains('@') {
            cond = cond.add(persona::Column::Email.contains(f.q.trim().to_lowercase()));
        }
        query = query.filter(cond);
    }
    if let Some(c) = &f.categoria {
        query = query.filter(persona::Column::Categorie.contains(c.as_str()));
    }
    query
        .order_by_asc(persona::Column::NomeNorm)
        .order_by_asc(persona::Column::Id)
}

pub async fn conta_persone(db: &DatabaseConnection, f: &FiltroPersone) -> AppResult<usize> {
    Ok(persone_query(f).count(db).await? as usize)
}

pub async fn persone(
    db: &DatabaseConnection,
    f: &FiltroPersone,
    offset: usize,
    limit: usize,
) -> AppResult<Vec<persona::Model>> {
    use sea_orm::QuerySelect;
    Ok(persone_query(f)
        .offset(offset as u64)
        .limit(limit as u64)
        .all(db)
        .await?)
}

pub async fn persona(db: &DatabaseConnection, public_id: &str) -> AppResult<persona::Model> {
    persona::Entity::find()
        .filter(persona::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn org_id<C: ConnectionTrait>(
    conn: &C,
    public_id: &Option<String>,
) -> AppResult<Option<i64>> {
    match public_id {
        None => Ok(None),
        Some(p) => Ok(Some(
            organizzazione::Entity::find()
                .filter(organizzazione::Column::PublicId.eq(p.as_str()))
                .one(conn)
                .await?
                .ok_or_else(|| AppError::BadRequest("Organizzazione sconosciuta.".into()))?
                .id,
        )),
    }
}

fn apply_persona(am: &mut persona::ActiveModel, v: &PersonaValida, org: Option<i64>) {
    am.nome = Set(v.nome.clone());
    am.cognome = Set(v.cognome.clone());
    am.nome_norm = Set(normalize(&format!("{} {}", v.cognome, v.nome)));
    am.email = Set(v.email.clone());
    am.telefono = Set(v.telefono.clone());
    am.codice_fiscale = Set(v.codice_fiscale.clone());
    am.data_nascita = Set(v.data_nascita);
    am.luogo_nascita = Set(v.luogo_nascita.clone());
    am.organizzazione_id = Set(org);
    am.qualifica = Set(v.qualifica.clone());
    am.note = Set(v.note.clone());
    am.categorie = Set(v.categorie.join(","));
    am.updated_at = Set(Utc::now());
}

pub async fn crea_persona(
    db: &DatabaseConnection,
    actor: &Actor,
    v: &PersonaValida,
) -> AppResult<persona::Model> {
    let txn = db.begin().await?;
    let org = org_id(&txn, &v.organizzazione_public_id).await?;
    let mut am = persona::ActiveModel {
        public_id: Set(piazza_db::new_public_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply_persona(&mut am, v, org);
    let created = am.insert(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "crea",
        "persona",
        &created.public_id,
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn aggiorna_persona(
    db: &DatabaseConnection,
    actor: &Actor,
    current: persona::Model,
    v: &PersonaValida,
) -> AppResult<persona::Model> {
    let txn = db.begin().await?;
    let org = org_id(&txn, &v.organizzazione_public_id).await?;
    let before = current.clone();
    let mut am: persona::ActiveModel = current.into();
    apply_persona(&mut am, v, org);
    let updated = am.update(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "modifica",
        "persona",
        &updated.public_id,
        Some(&before),
        Some(&updated),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn elimina_persona(
    db: &DatabaseConnection,
    actor: &Actor,
    current: persona::Model,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let id = current.public_id.clone();
    audit::delete(&txn, actor, "persona", &id, current).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- organisations ----------

#[derive(Debug, Default, Clone)]
pub struct FiltroOrganizzazioni {
    pub q: String,
    pub tipo: Option<String>,
    pub ambito: Ambito,
}

fn org_query(f: &FiltroOrganizzazioni) -> sea_orm::Select<organizzazione::Entity> {
    let mut query = organizzazione::Entity::find();
    if let Some(c) = f.ambito.organizzazioni_cond() {
        query = query.filter(c);
    }
    let q = normalize(&f.q);
    if !q.is_empty() {
        query = query.filter(organizzazione::Column::NomeNorm.contains(&q));
    }
    if let Some(t) = &f.tipo {
        query = query.filter(organizzazione::Column::Tipo.eq(t.as_str()));
    }
    query
        .order_by_asc(organizzazione::Column::NomeNorm)
        .order_by_asc(organizzazione::Column::Id)
}

pub async fn conta_organizzazioni(
    db: &DatabaseConnection,
    f: &FiltroOrganizzazioni,
) -> AppResult<usize> {
    Ok(org_query(f).count(db).await? as usize)
}

pub async fn organizzazioni(
    db: &DatabaseConnection,
    f: &FiltroOrganizzazioni,
    offset: usize,
    limit: usize,
) -> AppResult<Vec<organizzazione::Model>> {
    use sea_orm::QuerySelect;
    Ok(org_query(f)
        .offset(offset as u64)
        .limit(limit as u64)
        .all(db)
        .await?)
}

/// All organisations, for select boxes (name and public id).
pub async fn organizzazioni_per_select(
    db: &DatabaseConnection,
) -> AppResult<Vec<(String, String)>> {
    Ok(organizzazione::Entity::find()
        .filter(organizzazione::Column::Tipo.ne("comune"))
        .order_by_asc(organizzazione::Column::NomeNorm)
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.public_id, o.nome))
        .collect())
}

pub async fn organizzazione(
    db: &DatabaseConnection,
    public_id: &str,
) -> AppResult<organizzazione::Model> {
    organizzazione::Entity::find()
        .filter(organizzazione::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn organizzazione_by_id(
    db: &DatabaseConnection,
    id: i64,
) -> AppResult<Option<organizzazione::Model>> {
    Ok(organizzazione::Entity::find_by_id(id).one(db).await?)
}

pub async fn persone_della_organizzazione(
    db: &DatabaseConnection,
    id: i64,
) -> AppResult<Vec<persona::Model>> {
    // A referente reaches an organisation only when it is their comune's: its people are then
    // within reach too (they belong to it), so no further filter is needed here.
    Ok(persona::Entity::find()
        .filter(persona::Column::OrganizzazioneId.eq(id))
        .order_by_asc(persona::Column::NomeNorm)
        .all(db)
        .await?)
}

fn apply_org(
    am: &mut organizzazione::ActiveModel,
    v: &OrganizzazioneValida,
    comune_id: Option<i64>,
) {
    am.nome = Set(v.nome.clone());
    am.nome_norm = Set(normalize(&v.nome));
    am.tipo = Set(v.tipo.clone());
    am.codice_fiscale = Set(v.codice_fiscale.clone());
    am.partita_iva = Set(v.partita_iva.clone());
    am.comune_id = Set(comune_id);
    am.email = Set(v.email.clone());
    am.pec = Set(v.pec.clone());
    am.telefono = Set(v.telefono.clone());
    am.sito_web = Set(v.sito_web.clone());
    am.indirizzo = Set(v.indirizzo.clone());
    am.note = Set(v.note.clone());
    am.updated_at = Set(Utc::now());
}

pub async fn crea_organizzazione(
    db: &DatabaseConnection,
    actor: &Actor,
    v: &OrganizzazioneValida,
    comune_id: Option<i64>,
) -> AppResult<organizzazione::Model> {
    let txn = db.begin().await?;
    let mut am = organizzazione::ActiveModel {
        public_id: Set(piazza_db::new_public_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply_org(&mut am, v, comune_id);
    let created = am.insert(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "crea",
        "organizzazione",
        &created.public_id,
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn aggiorna_organizzazione(
    db: &DatabaseConnection,
    actor: &Actor,
    current: organizzazione::Model,
    v: &OrganizzazioneValida,
    comune_id: Option<i64>,
) -> AppResult<organizzazione::Model> {
    let txn = db.begin().await?;
    let before = current.clone();
    let mut am: organizzazione::ActiveModel = current.into();
    apply_org(&mut am, v, comune_id);
    let updated = am.update(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "modifica",
        "organizzazione",
        &updated.public_id,
        Some(&before),
        Some(&updated),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn elimina_organizzazione(
    db: &DatabaseConnection,
    actor: &Actor,
    current: organizzazione::Model,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let id = current.public_id.clone();
    audit::delete(&txn, actor, "organizzazione", &id, current).await?;
    txn.commit().await?;
    Ok(())
}

/// A person of the association's staff (categoria `staff`): who may own an objective, lead a
/// project or work on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Personale {
    pub id: i64,
    pub public_id: String,
    pub nome: String,
    pub cognome: String,
}

impl Personale {
    /// "Nome Cognome".
    pub fn nome_completo(&self) -> String {
        format!("{} {}", self.nome, self.cognome)
    }
}

/// The staff by surname. Read through [`crate::AppState::personale`], which caches it.
pub async fn personale(db: &DatabaseConnection) -> AppResult<Vec<Personale>> {
    Ok(persona::Entity::find()
        .filter(persona::Column::Categorie.contains("staff"))
        .order_by_asc(persona::Column::NomeNorm)
        .all(db)
        .await?
        .into_iter()
        .map(|p| Personale {
            id: p.id,
            public_id: p.public_id,
            nome: p.nome,
            cognome: p.cognome,
        })
        .collect())
}
