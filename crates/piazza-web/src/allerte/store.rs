//! The alert state in the database. Every document, from any source, goes through [`ingerisci`]
//! in one transaction with its audit row (raw document kept): duplicates are recognised by
//! (sender, identifier, sent), updates end what they reference, cancels end it, references to
//! alerts not yet arrived are remembered (`allerte_superate`), and documents that are not for
//! the public (tests, exercises, drafts, acknowledgements, errors) are kept but never public.
//!
//! The state at any instant `t` is computed from the documents: an alert counts while
//! `dal <= t < terminata_at` and `inizio <= t < scadenza`, so the history (`?al=`) needs no
//! snapshots and an expired alert ends without any document.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use piazza_db::audit::{self, Actor};
use piazza_db::entities::{allerta, allerta_superata, allerta_voce, fonte_allerta};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::bollettino::Livello;
use super::registro::{Avviso, Chiave, Esito, Tipo};
use crate::error::{AppError, AppResult};
use crate::territorio::Territorio;

/// What an alert is now (`allerte.stato`).
pub mod stato {
    /// In the public state (until it expires, is superseded or cancelled).
    pub const IN_VIGORE: &str = "in_vigore";
    pub const SOSTITUITA: &str = "sostituita";
    pub const ANNULLATA: &str = "annullata";
    /// A Cancel document (it ends others; it has no levels of its own).
    pub const ANNULLAMENTO: &str = "annullamento";
    /// Test, exercise, draft, acknowledgement or error: kept, never public.
    pub const NON_PUBBLICA: &str = "non_pubblica";
    /// Composed by an operator, waiting for a second operator's approval.
    pub const IN_ATTESA: &str = "in_attesa";
    pub const RESPINTA: &str = "respinta";

    pub fn nome(s: &str) -> &'static str {
        match s {
            IN_VIGORE => "in vigore",
            SOSTITUITA => "sostituita",
            ANNULLATA => "annullata",
            ANNULLAMENTO => "annullamento",
            NON_PUBBLICA => "non pubblica",
            IN_ATTESA => "in attesa di approvazione",
            RESPINTA => "respinta",
            _ => "?",
        }
    }
}

impl Livello {
    pub fn numero(self) -> i32 {
        self as i32
    }

    pub fn da_numero(n: i32) -> Self {
        match n {
            i32::MIN..=0 => Self::Verde,
            1 => Self::Giallo,
            2 => Self::Arancione,
            _ => Self::Rosso,
        }
    }

    pub fn da_nome(s: &str) -> Option<Self> {
        [Self::Verde, Self::Giallo, Self::Arancione, Self::Rosso]
            .into_iter()
            .find(|l| l.nome() == s)
    }
}

/// A document ready for the store: the rules' view ([`Avviso`]) and what people read.
#[derive(Debug, Clone)]
pub struct Documento {
    pub avviso: Avviso,
    pub msg_type: String,
    pub status: String,
    pub esercitazione: bool,
    pub inviato_at: DateTime<Utc>,
    pub evento: String,
    pub titolo: String,
    pub descrizione: Option<String>,
    pub istruzioni: Option<String>,
    pub area: Option<String>,
    /// The comune of a municipal alert.
    pub comune_id: Option<i64>,
    /// The raw document (CAP XML, bulletin JSON).
    pub testo: String,
}

/// Instants are kept to the second (CAP times are), so that text comparisons in SQLite hold.
fn al_secondo(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{SubsecRound, Timelike};
    t.trunc_subsecs(0).with_nanosecond(0).unwrap_or(t)
}

/// Finds an alert by its key.
async fn per_chiave(
    c: &impl ConnectionTrait,
    k: &Chiave,
) -> Result<Option<allerta::Model>, sea_orm::DbErr> {
    allerta::Entity::find()
        .filter(allerta::Column::Mittente.eq(&k.0))
        .filter(allerta::Column::Identificativo.eq(&k.1))
        .filter(allerta::Column::Inviato.eq(&k.2))
        .one(c)
        .await
}

/// The SHA-256 of a text, in hex.
pub fn sha256(testo: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(testo.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn chiave_testo(k: &Chiave) -> String {
    format!("{},{},{}", k.0, k.1, k.2)
}

/// Ends an alert (`come`: sostituita/annullata) from `at`, or remembers the key if it has not
/// arrived yet.
async fn termina(
    c: &impl ConnectionTrait,
    actor: &Actor,
    k: &Chiave,
    come: &str,
    da: &allerta::Model,
    at: DateTime<Utc>,
) -> AppResult<()> {
    match per_chiave(c, k).await? {
        Some(a) if a.stato == stato::IN_VIGORE || a.stato == stato::IN_ATTESA => {
            let prima = a.clone();
            let mut am = a.into_active_model();
            am.stato = Set(come.to_owned());
            am.terminata_at = Set(Some(at));
            am.terminata_da_id = Set(Some(da.id));
            let dopo = am.update(c).await?;
            audit::record_change(
                c,
                actor,
                come,
                "allerta",
                &dopo.id.to_string(),
                Some(&prima),
                Some(&dopo),
            )
            .await?;
        }
        Some(_) => {}
        None => {
            let gia = allerta_superata::Entity::find()
                .filter(allerta_superata::Column::Mittente.eq(&k.0))
                .filter(allerta_superata::Column::Identificativo.eq(&k.1))
                .filter(allerta_superata::Column::Inviato.eq(&k.2))
                .one(c)
                .await?;
            if gia.is_none() {
                allerta_superata::ActiveModel {
                    mittente: Set(k.0.clone()),
                    identificativo: Set(k.1.clone()),
                    inviato: Set(k.2.clone()),
                    come: Set(come.to_owned()),
                    da_allerta_id: Set(da.id),
                    at: Set(at),
                    ..Default::default()
                }
                .insert(c)
                .await?;
            }
        }
    }
    Ok(())
}

/// Writes the levels of an alert, one row per comune and risk (green is the default: not kept).
async fn scrivi_voci(
    c: &impl ConnectionTrait,
    t: &Territorio,
    id: i64,
    avviso: &Avviso,
) -> AppResult<()> {
    let mut righe: BTreeMap<(i64, &str), Livello> = BTreeMap::new();
    for v in &avviso.voci {
        if v.livello == Livello::Verde {
            continue;
        }
        for codice in &v.comuni {
            if let Some(cm) = t.comune(codice) {
                let l = righe
                    .entry((cm.id, v.rischio.as_str()))
                    .or_insert(v.livello);
                *l = (*l).max(v.livello);
            }
        }
    }
    let modelli: Vec<allerta_voce::ActiveModel> = righe
        .into_iter()
        .map(|((comune_id, rischio), l)| allerta_voce::ActiveModel {
            allerta_id: Set(id),
            rischio: Set(rischio.to_owned()),
            livello: Set(l.numero()),
            comune_id: Set(comune_id),
            ..Default::default()
        })
        .collect();
    for blocco in modelli.chunks(500) {
        allerta_voce::Entity::insert_many(blocco.to_vec())
            .exec(c)
            .await?;
    }
    Ok(())
}

fn livello_max(a: &Avviso) -> i32 {
    a.voci.iter().map(|v| v.livello.numero()).max().unwrap_or(0)
}

/// A new alert record for a document of `fonte`, in `stato`, public from `dal`.
fn modello(
    fonte: &fonte_allerta::Model,
    doc: &Documento,
    stato: &str,
    dal: Option<DateTime<Utc>>,
) -> allerta::ActiveModel {
    let a = &doc.avviso;
    allerta::ActiveModel {
        fonte_id: Set(fonte.id),
        mittente: Set(a.chiave.0.clone()),
        identificativo: Set(a.chiave.1.clone()),
        inviato: Set(a.chiave.2.clone()),
        inviato_at: Set(al_secondo(doc.inviato_at)),
        msg_type: Set(doc.msg_type.clone()),
        status: Set(doc.status.clone()),
        stato: Set(stato.to_owned()),
        esercitazione: Set(doc.esercitazione),
        evento: Set(doc.evento.clone()),
        titolo: Set(doc.titolo.clone()),
        descrizione: Set(doc.descrizione.clone()),
        istruzioni: Set(doc.istruzioni.clone()),
        area: Set(doc.area.clone()),
        comune_id: Set(doc.comune_id),
        livello_max: Set(livello_max(a)),
        inizio: Set(a.inizio.map(al_secondo)),
        scadenza: Set(a.scadenza.map(al_secondo)),
        dal: Set(dal),
        terminata_at: Set(None),
        terminata_da_id: Set(None),
        documento: Set(doc.testo.clone()),
        composta_da: Set(None),
        approvata_da: Set(None),
        approvata_at: Set(None),
        ricevuta_at: Set(al_secondo(Utc::now())),
        ..Default::default()
    }
}

/// Applies a document from `fonte` to the state, in one transaction with its audit rows (the
/// raw document kept). A public document enters the state at its sent time. Returns what
/// happened and the alert's id (none for a duplicate).
pub async fn ingerisci(
    db: &DatabaseConnection,
    t: &Territorio,
    fonte: &fonte_allerta::Model,
    actor: &Actor,
    doc: &Documento,
) -> AppResult<(Esito, Option<i64>)> {
    let txn = piazza_db::scrittura(db).await?;
    let out = ingerisci_in(&txn, t, fonte, actor, doc).await?;
    txn.commit().await?;
    Ok(out)
}

/// [`ingerisci`] on a transaction.
pub async fn ingerisci_in(
    c: &impl ConnectionTrait,
    t: &Territorio,
    fonte: &fonte_allerta::Model,
    actor: &Actor,
    doc: &Documento,
) -> AppResult<(Esito, Option<i64>)> {
    let a = &doc.avviso;
    if per_chiave(c, &a.chiave).await?.is_some() {
        audit::record(
            c,
            actor,
            "duplicato",
            "allerta",
            &chiave_testo(&a.chiave),
            None,
            // The raw text is kept with the first copy; a copy leaves its hash (a source that
            // re-sends a whole feed every few minutes must not fill the log).
            Some(serde_json::json!({
                "fonte": fonte.codice,
                "sha256": sha256(&doc.testo),
                "byte": doc.testo.len(),
            })),
        )
        .await?;
        return Ok((Esito::Duplicato, None));
    }
    let pubblica = a.reale && matches!(a.tipo, Tipo::Alert | Tipo::Update);
    let dal = al_secondo(doc.inviato_at);
    // Ended before it arrived?
    let superata = if pubblica {
        allerta_superata::Entity::find()
            .filter(allerta_superata::Column::Mittente.eq(&a.chiave.0))
            .filter(allerta_superata::Column::Identificativo.eq(&a.chiave.1))
            .filter(allerta_superata::Column::Inviato.eq(&a.chiave.2))
            .one(c)
            .await?
    } else {
        None
    };
    let stato_iniziale = match (&superata, a.tipo) {
        _ if !a.reale => stato::NON_PUBBLICA,
        (_, Tipo::Ack | Tipo::Error) => stato::NON_PUBBLICA,
        (_, Tipo::Cancel) => stato::ANNULLAMENTO,
        (Some(s), _) => {
            if s.come == stato::ANNULLATA {
                stato::ANNULLATA
            } else {
                stato::SOSTITUITA
            }
        }
        (None, _) => stato::IN_VIGORE,
    };
    let mut am = modello(
        fonte,
        doc,
        stato_iniziale,
        (stato_iniziale == stato::IN_VIGORE).then_some(dal),
    );
    am.terminata_da_id = Set(superata.as_ref().map(|s| s.da_allerta_id));
    let nuova = am.insert(c).await?;
    let azione = match stato_iniziale {
        stato::IN_VIGORE if a.tipo == Tipo::Update => "aggiornamento",
        stato::IN_VIGORE => "pubblica",
        stato::ANNULLAMENTO => "annullamento",
        stato::NON_PUBBLICA => "ricevuta_non_pubblica",
        _ => "ricevuta_gia_superata",
    };
    audit::record_change(
        c,
        actor,
        azione,
        "allerta",
        &nuova.id.to_string(),
        None,
        Some(&nuova),
    )
    .await?;
    if let Some(s) = superata {
        allerta_superata::Entity::delete_by_id(s.id).exec(c).await?;
        return Ok((Esito::GiaSuperato, Some(nuova.id)));
    }
    // An exercise keeps its comuni and levels (never in the state: it has no `dal`), so that
    // the testers can be sent it (`allerte::notifiche`).
    if stato_iniziale == stato::NON_PUBBLICA
        && doc.esercitazione
        && matches!(a.tipo, Tipo::Alert | Tipo::Update)
    {
        scrivi_voci(c, t, nuova.id, a).await?;
    }
    let esito = match stato_iniziale {
        stato::NON_PUBBLICA => Esito::Ignorato(if a.reale {
            "conferma o segnalazione di errore"
        } else {
            "documento di prova, esercitazione o bozza"
        }),
        stato::ANNULLAMENTO => {
            for r in &a.riferimenti {
                termina(c, actor, r, stato::ANNULLATA, &nuova, dal).await?;
            }
            Esito::Annulla(a.riferimenti.clone())
        }
        _ => {
            scrivi_voci(c, t, nuova.id, a).await?;
            for r in &a.riferimenti {
                termina(c, actor, r, stato::SOSTITUITA, &nuova, dal).await?;
            }
            if a.tipo == Tipo::Update {
                Esito::Sostituisce(a.riferimenti.clone())
            } else {
                Esito::Nuovo
            }
        }
    };
    Ok((esito, Some(nuova.id)))
}

/// The conditions of "in the public state at `t`".
fn in_vigore_al(t: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(allerta::Column::Dal.lte(t))
        .add(
            Condition::any()
                .add(allerta::Column::TerminataAt.is_null())
                .add(allerta::Column::TerminataAt.gt(t)),
        )
        .add(
            Condition::any()
                .add(allerta::Column::Inizio.is_null())
                .add(allerta::Column::Inizio.lte(t)),
        )
        .add(
            Condition::any()
                .add(allerta::Column::Scadenza.is_null())
                .add(allerta::Column::Scadenza.gt(t)),
        )
}

/// The state at `t`: comune id → risk → highest level (comuni and risks without an alert are
/// green and absent).
pub type Stato = BTreeMap<i64, BTreeMap<String, Livello>>;

pub async fn stato_al(db: &impl ConnectionTrait, t: DateTime<Utc>) -> AppResult<Stato> {
    let t = al_secondo(t);
    let attive = Query::select()
        .column(allerta::Column::Id)
        .from(allerta::Entity)
        .cond_where(in_vigore_al(t))
        .to_owned();
    let righe: Vec<(i64, String, i32)> = allerta_voce::Entity::find()
        .select_only()
        .column(allerta_voce::Column::ComuneId)
        .column(allerta_voce::Column::Rischio)
        .column_as(allerta_voce::Column::Livello.max(), "livello")
        .filter(allerta_voce::Column::AllertaId.in_subquery(attive))
        .group_by(allerta_voce::Column::ComuneId)
        .group_by(allerta_voce::Column::Rischio)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Stato::new();
    for (comune, rischio, livello) in righe {
        out.entry(comune)
            .or_default()
            .insert(rischio, Livello::da_numero(livello));
    }
    Ok(out)
}

/// The alerts in the public state at `t`, highest level first.
pub async fn attive_al(
    db: &impl ConnectionTrait,
    t: DateTime<Utc>,
) -> AppResult<Vec<allerta::Model>> {
    Ok(allerta::Entity::find()
        .filter(in_vigore_al(al_secondo(t)))
        .order_by_desc(allerta::Column::LivelloMax)
        .order_by_desc(allerta::Column::Dal)
        .all(db)
        .await?)
}

/// The next instant after `t` at which the state changes by itself (an alert starts or
/// expires), for the caches of the public pages.
pub async fn prossimo_cambio(
    db: &impl ConnectionTrait,
    t: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let t = al_secondo(t);
    let mut prossimo: Option<DateTime<Utc>> = None;
    for col in [allerta::Column::Inizio, allerta::Column::Scadenza] {
        let v: Option<Option<DateTime<Utc>>> = allerta::Entity::find()
            .select_only()
            .column_as(col.min(), "t")
            .filter(allerta::Column::Dal.is_not_null())
            .filter(allerta::Column::TerminataAt.is_null())
            .filter(col.gt(t))
            .into_tuple()
            .one(db)
            .await?;
        if let Some(Some(v)) = v {
            prossimo = Some(prossimo.map_or(v, |p| p.min(v)));
        }
    }
    Ok(prossimo)
}

/// The comuni (ids) and levels of one alert, by risk.
pub async fn voci(
    db: &impl ConnectionTrait,
    allerta_id: i64,
) -> AppResult<Vec<allerta_voce::Model>> {
    Ok(allerta_voce::Entity::find()
        .filter(allerta_voce::Column::AllertaId.eq(allerta_id))
        .order_by_asc(allerta_voce::Column::Rischio)
        .order_by_asc(allerta_voce::Column::ComuneId)
        .all(db)
        .await?)
}

/// The alerts that ever concerned a comune (public ones), newest first.
pub async fn storia_comune(
    db: &impl ConnectionTrait,
    comune_id: i64,
    limite: u64,
) -> AppResult<Vec<allerta::Model>> {
    let ids = Query::select()
        .column(allerta_voce::Column::AllertaId)
        .from(allerta_voce::Entity)
        .and_where(allerta_voce::Column::ComuneId.eq(comune_id))
        .to_owned();
    Ok(allerta::Entity::find()
        .filter(allerta::Column::Id.in_subquery(ids))
        .filter(allerta::Column::Dal.is_not_null())
        .order_by_desc(allerta::Column::Dal)
        .limit(limite)
        .all(db)
        .await?)
}

pub async fn per_id(db: &impl ConnectionTrait, id: i64) -> AppResult<allerta::Model> {
    allerta::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A source by code, created on first use with `nome` and `tipo`.
pub async fn fonte(
    db: &impl ConnectionTrait,
    codice: &str,
    nome: &str,
    tipo: &str,
) -> AppResult<fonte_allerta::Model> {
    if let Some(f) = fonte_allerta::Entity::find()
        .filter(fonte_allerta::Column::Codice.eq(codice))
        .one(db)
        .await?
    {
        return Ok(f);
    }
    Ok(fonte_allerta::ActiveModel {
        codice: Set(codice.to_owned()),
        nome: Set(nome.to_owned()),
        tipo: Set(tipo.to_owned()),
        intervallo_secondi: Set(300),
        attiva: Set(true),
        errori_consecutivi: Set(0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// An alert composed by an operator: kept waiting (`in_attesa`, not public) until a second
/// authorised person approves it. Its levels are written now, so the approver sees the comuni.
pub async fn componi(
    db: &DatabaseConnection,
    t: &Territorio,
    fonte: &fonte_allerta::Model,
    actor: &Actor,
    doc: &Documento,
    scrivi: impl FnOnce(&allerta::Model, &[allerta_voce::Model]) -> String,
) -> AppResult<allerta::Model> {
    let txn = piazza_db::scrittura(db).await?;
    let a = &doc.avviso;
    let mut am = modello(fonte, doc, stato::IN_ATTESA, None);
    am.composta_da = Set(actor.utente_id);
    let nuova = am.insert(&txn).await?;
    scrivi_voci(&txn, t, nuova.id, a).await?;
    let testo = scrivi(&nuova, &voci(&txn, nuova.id).await?);
    let mut am = nuova.into_active_model();
    am.documento = Set(testo);
    let nuova = am.update(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "componi",
        "allerta",
        &nuova.id.to_string(),
        None,
        Some(&nuova),
    )
    .await?;
    txn.commit().await?;
    Ok(nuova)
}

/// The decision of the second person on an alert waiting for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decisione {
    Approva,
    Respingi,
}

/// Approves (it goes public now; an exercise is recorded, never public) or rejects an alert
/// waiting for approval. The person who composed it cannot decide on it.
pub async fn decidi(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    decisione: Decisione,
) -> AppResult<allerta::Model> {
    let txn = piazza_db::scrittura(db).await?;
    let a = per_id(&txn, id).await?;
    if a.stato != stato::IN_ATTESA {
        return Err(AppError::Conflict(format!(
            "L'allerta non è in attesa di approvazione (è {}).",
            stato::nome(&a.stato)
        )));
    }
    if actor.utente_id.is_none() || a.composta_da == actor.utente_id {
        return Err(AppError::Conflict(
            "Un'allerta deve essere approvata da una persona diversa da chi l'ha composta.".into(),
        ));
    }
    let prima = a.clone();
    let ora = al_secondo(Utc::now());
    let mut am = a.into_active_model();
    let azione = match decisione {
        Decisione::Approva => {
            am.approvata_da = Set(actor.utente_id);
            am.approvata_at = Set(Some(ora));
            if prima.esercitazione {
                am.stato = Set(stato::NON_PUBBLICA.into());
            } else {
                am.stato = Set(stato::IN_VIGORE.into());
                am.dal = Set(Some(ora));
            }
            "approva"
        }
        Decisione::Respingi => {
            am.stato = Set(stato::RESPINTA.into());
            "respingi"
        }
    };
    let dopo = am.update(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        azione,
        "allerta",
        &dopo.id.to_string(),
        Some(&prima),
        Some(&dopo),
    )
    .await?;
    txn.commit().await?;
    Ok(dopo)
}

/// An operator ends an alert in force now (from any source: a wrong or overtaken alert).
pub async fn termina_ora(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> AppResult<allerta::Model> {
    let txn = piazza_db::scrittura(db).await?;
    let a = per_id(&txn, id).await?;
    if a.stato != stato::IN_VIGORE {
        return Err(AppError::Conflict(format!(
            "Si può annullare solo un'allerta in vigore (questa è {}).",
            stato::nome(&a.stato)
        )));
    }
    let prima = a.clone();
    let mut am = a.into_active_model();
    am.stato = Set(stato::ANNULLATA.into());
    am.terminata_at = Set(Some(al_secondo(Utc::now())));
    let dopo = am.update(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "annulla",
        "allerta",
        &dopo.id.to_string(),
        Some(&prima),
        Some(&dopo),
    )
    .await?;
    txn.commit().await?;
    Ok(dopo)
}

/// The alerts waiting for approval, oldest first.
pub async fn in_attesa(db: &impl ConnectionTrait) -> AppResult<Vec<allerta::Model>> {
    Ok(allerta::Entity::find()
        .filter(allerta::Column::Stato.eq(stato::IN_ATTESA))
        .order_by_asc(allerta::Column::RicevutaAt)
        .all(db)
        .await?)
}

/// The latest documents received or composed, newest first.
pub async fn recenti(db: &impl ConnectionTrait, n: u64) -> AppResult<Vec<allerta::Model>> {
    Ok(allerta::Entity::find()
        .order_by_desc(allerta::Column::RicevutaAt)
        .order_by_desc(allerta::Column::Id)
        .limit(n)
        .all(db)
        .await?)
}

pub async fn fonti(db: &impl ConnectionTrait) -> AppResult<Vec<fonte_allerta::Model>> {
    Ok(fonte_allerta::Entity::find()
        .order_by_asc(fonte_allerta::Column::Nome)
        .all(db)
        .await?)
}

/// The public alerts that alert `id` superseded (for the references of its CAP document).
pub async fn sostituite_da(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<allerta::Model>> {
    Ok(allerta::Entity::find()
        .filter(allerta::Column::TerminataDaId.eq(id))
        .filter(allerta::Column::Stato.eq(stato::SOSTITUITA))
        .filter(allerta::Column::Dal.is_not_null())
        .order_by_asc(allerta::Column::Id)
        .all(db)
        .await?)
}
