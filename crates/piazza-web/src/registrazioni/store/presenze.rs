//! Attendance: entry and exit scans of a ticket at the door, per session, each with the nonce
//! of the device that made it — a scan sent again (the phone was offline, the answer was lost)
//! finds its nonce and is answered as the first time, never counted twice.

use chrono::{DateTime, Duration, Utc};
use piazza_db::entities::{offerta_sessione, presenza, registrazione};
use piazza_db::lavoro::Lavoro;
use piazza_db::stmt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::super::model::{normalizza_codice, stato};
use crate::kit::text::normalize;

/// A scan as the device sends it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Scansione {
    pub codice: String,
    pub nonce: String,
    #[serde(default = "entrata")]
    pub verso: String,
    /// When it was scanned (the device's clock; a queued scan arrives later).
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

fn entrata() -> String {
    "entrata".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EsitoPresenza {
    Valido,
    Uscita,
    GiaPresente,
    NonEntrato,
    NonRegistrato,
    AltroEvento,
    ListaAttesa,
    NonConfermata,
    Annullata,
}

impl EsitoPresenza {
    pub fn codice(self) -> &'static str {
        match self {
            Self::Valido => "valido",
            Self::Uscita => "uscita",
            Self::GiaPresente => "gia_presente",
            Self::NonEntrato => "non_entrato",
            Self::NonRegistrato => "non_registrato",
            Self::AltroEvento => "altro_evento",
            Self::ListaAttesa => "lista_attesa",
            Self::NonConfermata => "non_confermata",
            Self::Annullata => "annullata",
        }
    }

    pub fn messaggio(self) -> &'static str {
        match self {
            Self::Valido => "Biglietto valido: ingresso registrato.",
            Self::Uscita => "Uscita registrata.",
            Self::GiaPresente => "Già entrato: l'ingresso era stato registrato.",
            Self::NonEntrato => "Uscita non registrata: non risulta un ingresso.",
            Self::NonRegistrato => "Codice sconosciuto: nessuna registrazione con questo codice.",
            Self::AltroEvento => "Biglietto di un altro evento.",
            Self::ListaAttesa => "In lista d'attesa: nessun posto assegnato.",
            Self::NonConfermata => "Registrazione non ancora confermata.",
            Self::Annullata => "Registrazione annullata.",
        }
    }
}

/// Records a scan at the door of `offerta_id`; the outcome and the registration it names.
pub async fn scansiona(
    uow: &Lavoro,
    offerta_id: i64,
    s: &Scansione,
    ora: DateTime<Utc>,
) -> Result<(EsitoPresenza, Option<registrazione::Model>), DbErr> {
    if let Some(p) = presenza::Entity::find()
        .filter(presenza::Column::Nonce.eq(s.nonce.clone()))
        .one(uow)
        .await?
    {
        let r = registrazione::Entity::find_by_id(p.registrazione_id)
            .one(uow)
            .await?;
        let e = if p.verso == "uscita" {
            EsitoPresenza::Uscita
        } else {
            EsitoPresenza::Valido
        };
        return Ok((e, r));
    }
    let codice = normalizza_codice(&s.codice);
    let Some(r) = registrazione::Entity::find()
        .filter(registrazione::Column::Codice.eq(codice))
        .one(uow)
        .await?
    else {
        return Ok((EsitoPresenza::NonRegistrato, None));
    };
    let esito = match r.stato.as_str() {
        _ if r.offerta_id != offerta_id => Some(EsitoPresenza::AltroEvento),
        stato::CONFERMATA => None,
        stato::LISTA_ATTESA => Some(EsitoPresenza::ListaAttesa),
        stato::ANNULLATA | stato::SCADUTA | stato::RESPINTA => Some(EsitoPresenza::Annullata),
        _ => Some(EsitoPresenza::NonConfermata),
    };
    if let Some(e) = esito {
        return Ok((e, Some(r)));
    }
    // A queued scan keeps the time it was made; a clock far off is not believed.
    let at =
        s.at.filter(|t| *t <= ora + Duration::minutes(5) && *t >= ora - Duration::days(2))
            .unwrap_or(ora);
    let ultima = presenza::Entity::find()
        .filter(presenza::Column::RegistrazioneId.eq(r.id))
        .order_by_desc(presenza::Column::At)
        .order_by_desc(presenza::Column::Id)
        .one(uow)
        .await?;
    let dentro = ultima.as_ref().is_some_and(|p| p.verso == "entrata");
    let uscita = s.verso == "uscita";
    match (uscita, dentro) {
        (false, true) => return Ok((EsitoPresenza::GiaPresente, Some(r))),
        (true, false) => return Ok((EsitoPresenza::NonEntrato, Some(r))),
        _ => {}
    }
    let sessione = sessione_a(uow, offerta_id, at).await?;
    presenza::ActiveModel {
        registrazione_id: Set(r.id),
        sessione_id: Set(sessione.map(|s| s.id)),
        verso: Set(if uscita { "uscita" } else { "entrata" }.into()),
        at: Set(at),
        nonce: Set(s.nonce.clone()),
        utente_id: Set(uow.actor().utente_id),
        ..Default::default()
    }
    .insert(uow)
    .await?;
    let e = if uscita {
        EsitoPresenza::Uscita
    } else {
        EsitoPresenza::Valido
    };
    Ok((e, Some(r)))
}

/// The session going on at `at` (from two hours before its start to two after its end).
async fn sessione_a(
    db: &impl ConnectionTrait,
    offerta_id: i64,
    at: DateTime<Utc>,
) -> Result<Option<offerta_sessione::Model>, DbErr> {
    offerta_sessione::Entity::find()
        .filter(offerta_sessione::Column::OffertaId.eq(offerta_id))
        .filter(offerta_sessione::Column::Inizio.lte(at + Duration::hours(2)))
        .filter(offerta_sessione::Column::Fine.gte(at - Duration::hours(2)))
        .order_by_asc(offerta_sessione::Column::Inizio)
        .one(db)
        .await
}

/// How many people are inside now (their last scan is an entry).
pub async fn presenti(db: &impl ConnectionTrait, offerta_id: i64) -> Result<i64, DbErr> {
    let r = db
        .query_one_raw(stmt(
            db,
            "SELECT COUNT(*) AS n FROM (SELECT p.registrazione_id, \
             SUM(CASE WHEN p.verso = 'entrata' THEN 1 ELSE -1 END) AS s \
             FROM presenze p JOIN registrazioni r ON r.id = p.registrazione_id \
             WHERE r.offerta_id = $1 GROUP BY p.registrazione_id) t WHERE t.s > 0",
            vec![offerta_id.into()],
        ))
        .await?;
    Ok(r.map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Minutes attended: each entry to the next exit; an entry never closed counts to the end of
/// its session (nothing when it has none). Sessions are clipped: time outside them is not
/// attendance.
pub fn minuti(scansioni: &[presenza::Model], sessioni: &[offerta_sessione::Model]) -> i64 {
    let mut s: Vec<&presenza::Model> = scansioni.iter().collect();
    s.sort_by_key(|p| (p.at, p.id));
    let fine_di = |p: &presenza::Model| {
        p.sessione_id
            .and_then(|id| sessioni.iter().find(|x| x.id == id))
            .map(|x| x.fine)
    };
    let mut tot = 0;
    let mut i = 0;
    while i < s.len() {
        let p = s[i];
        if p.verso != "entrata" {
            i += 1;
            continue;
        }
        let fine_sessione = fine_di(p);
        let uscita = s.get(i + 1).filter(|q| q.verso == "uscita");
        let fine = match (uscita, fine_sessione) {
            (Some(u), Some(f)) => u.at.min(f),
            (Some(u), None) => u.at,
            (None, Some(f)) => f,
            (None, None) => p.at,
        };
        let inizio = p
            .sessione_id
            .and_then(|id| sessioni.iter().find(|x| x.id == id))
            .map_or(p.at, |x| p.at.max(x.inizio));
        tot += (fine - inizio).num_minutes().max(0);
        i += if uscita.is_some() { 2 } else { 1 };
    }
    tot
}

/// Registrations of an offer matching `q` (every word in the name, surname or e-mail, or the
/// start of the code), for the door; at most ten.
pub async fn cerca(
    db: &impl ConnectionTrait,
    offerta_id: i64,
    q: &str,
) -> Result<Vec<registrazione::Model>, DbErr> {
    let parole: Vec<String> = normalize(q).split_whitespace().map(str::to_owned).collect();
    if parole.is_empty() {
        return Ok(Vec::new());
    }
    let codice = normalizza_codice(q);
    // The offer's registrations are a few thousand at most: filtered here, accent-blind.
    let tutte = registrazione::Entity::find()
        .filter(registrazione::Column::OffertaId.eq(offerta_id))
        .order_by_asc(registrazione::Column::Cognome)
        .order_by_asc(registrazione::Column::Nome)
        .all(db)
        .await?;
    Ok(tutte
        .into_iter()
        .filter(|r| {
            let testo = normalize(&format!("{} {} {}", r.nome, r.cognome, r.email));
            (codice.len() >= 4 && r.codice.starts_with(&codice))
                || parole.iter().all(|p| testo.contains(p.as_str()))
        })
        .take(10)
        .collect())
}

/// How many scans point at a session.
pub(super) async fn di_sessione(db: &impl ConnectionTrait, sessione_id: i64) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    presenza::Entity::find()
        .filter(presenza::Column::SessioneId.eq(sessione_id))
        .count(db)
        .await
}

/// The scans of every registration of an offer, by registration.
pub async fn presenze_offerta(
    db: &impl ConnectionTrait,
    offerta_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<presenza::Model>>, DbErr> {
    let ids: Vec<i64> = registrazione::Entity::find()
        .select_only()
        .column(registrazione::Column::Id)
        .filter(registrazione::Column::OffertaId.eq(offerta_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: std::collections::HashMap<i64, Vec<presenza::Model>> = Default::default();
    for chunk in ids.chunks(500) {
        for p in presenza::Entity::find()
            .filter(presenza::Column::RegistrazioneId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.entry(p.registrazione_id).or_default().push(p);
        }
    }
    Ok(out)
}
