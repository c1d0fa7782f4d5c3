//! The registration core's store: offers and their sessions (here), seats and the waitlist
//! (`posti`), attendance (`presenze`), certificates (`attestati`), lists and exports
//! (`elenchi`), the satisfaction survey (`questionari`). Every write is a unit of work; the messages of a change are queued in it.

mod attestati;
mod elenchi;
mod posti;
mod presenze;
mod questionari;

pub use attestati::{Attestato, attestato, attestato_per_codice};
pub use elenchi::{Conteggi, conteggi, per_comune, per_tipo, registrazioni};
pub use posti::{
    EsitoConferma, accetta, annulla, approva, conferma_email, registra, respingi, scadi_offerte,
};
pub use presenze::{
    EsitoPresenza, Scansione, cerca, minuti, presenti, presenze_offerta, scansiona,
};
pub use questionari::{
    Esiti, QuestionarioForm, Risposta, StatoQuestionario, VOCI, esiti, invia_questionari, rispondi,
    stato_questionario,
};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use piazza_db::entities::{offerta, offerta_sessione, registrazione};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::model::{Domanda, stato};
use crate::kit::error::{AppError, AppResult};
use crate::kit::fmt;
use crate::kit::view::FormErrors;

/// An offer as its owner (an event, a course edition) describes it.
#[derive(Debug, Clone)]
pub struct NuovaOfferta {
    /// `evento`, `corso`.
    pub tipo: &'static str,
    pub titolo: String,
    /// The owner's public page (path), linked from tickets and messages.
    pub url: String,
    pub capienza: i32,
    pub apre_at: Option<DateTime<Utc>>,
    pub chiude_at: Option<DateTime<Utc>>,
    pub approvazione: bool,
    pub idoneita: String,
    pub quota_comune: Option<i32>,
    /// The most seats per type of organisation (`registrazioni::model::TIPI_ORGANIZZAZIONE`).
    pub quote_tipo: BTreeMap<String, i32>,
    pub ore_offerta: i32,
    pub domande: Vec<Domanda>,
    pub sessioni: Vec<NuovaSessione>,
}

#[derive(Debug, Clone)]
pub struct NuovaSessione {
    pub titolo: String,
    pub inizio: DateTime<Utc>,
    pub fine: DateTime<Utc>,
    pub luogo: Option<String>,
    /// Its own seats (a workshop's room): registrants choose it, within the offer's seats.
    pub capienza: Option<i32>,
}

/// Creates an offer with its sessions.
pub async fn crea_offerta(
    uow: &Lavoro,
    o: NuovaOfferta,
    ora: DateTime<Utc>,
) -> Result<offerta::Model, DbErr> {
    let m = uow
        .inserisci(offerta::ActiveModel {
            tipo: Set(o.tipo.into()),
            titolo: Set(o.titolo),
            url: Set(o.url),
            capienza: Set(o.capienza),
            occupati: Set(0),
            sequenza: Set(0),
            apre_at: Set(o.apre_at),
            chiude_at: Set(o.chiude_at),
            approvazione: Set(o.approvazione),
            idoneita: Set(o.idoneita),
            quota_comune: Set(o.quota_comune),
            quote_tipo: Set(scrivi_quote(&o.quote_tipo)),
            ore_offerta: Set(o.ore_offerta),
            domande: Set(serde_json::to_string(&o.domande).unwrap_or_else(|_| "[]".into())),
            questionario_at: Set(None),
            created_at: Set(ora),
            ..Default::default()
        })
        .await?;
    let coppie = vec![None; o.sessioni.len()];
    sostituisci_sessioni(uow, m.id, o.sessioni, &[], &coppie).await?;
    Ok(m)
}

fn errore_sessioni(m: String) -> AppError {
    let mut e = FormErrors::default();
    e.add("sessioni", m);
    AppError::invalido(e)
}

/// Changes an offer (title, capacity, rules, sessions). A capacity below the seats already
/// held is refused; a larger one gives the new seats to the waitlist at once.
pub async fn aggiorna_offerta(
    uow: &Lavoro,
    id: i64,
    o: NuovaOfferta,
    avvisi: &super::messaggi::Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<offerta::Model> {
    // Locked first: the seats held cannot change between the check and the update.
    let (_, prima) = match posti::arrivo(uow, id).await {
        Err(DbErr::RecordNotFound(_)) => return Err(AppError::NotFound),
        r => r?,
    };
    if o.capienza < prima.occupati {
        let mut e = FormErrors::default();
        e.add(
            "capienza",
            format!(
                "I posti già assegnati sono {}: la capienza non può essere minore.",
                prima.occupati
            ),
        );
        return Err(AppError::invalido(e));
    }
    let mut am: offerta::ActiveModel = prima.clone().into();
    am.titolo = Set(o.titolo);
    am.url = Set(o.url);
    am.capienza = Set(o.capienza);
    am.apre_at = Set(o.apre_at);
    am.chiude_at = Set(o.chiude_at);
    am.approvazione = Set(o.approvazione);
    am.idoneita = Set(o.idoneita);
    am.quota_comune = Set(o.quota_comune);
    am.quote_tipo = Set(scrivi_quote(&o.quote_tipo));
    am.ore_offerta = Set(o.ore_offerta);
    am.domande = Set(serde_json::to_string(&o.domande).unwrap_or_else(|_| "[]".into()));
    let m = uow.aggiorna(&prima, am).await?;
    // A session keeps at least the seats already held in it, and one with scans stays.
    let esistenti = sessioni_di(uow, id).await?;
    let mut bloccate = std::collections::HashSet::new();
    for e in &esistenti {
        if presenze::di_sessione(uow, e.id).await? > 0 {
            bloccate.insert(e.id);
        }
    }
    let coppie = abbina(&esistenti, &o.sessioni, &bloccate);
    for (i, e) in esistenti.iter().enumerate() {
        let nuova = coppie.iter().position(|c| *c == Some(i));
        match nuova.and_then(|n| o.sessioni.get(n)) {
            Some(n) if n.capienza.is_some_and(|c| c < e.occupati) => {
                return Err(errore_sessioni(format!(
                    "«{}» ha già {} posti assegnati: la sua capienza non può essere minore.",
                    e.titolo, e.occupati
                )));
            }
            Some(n) if n.capienza.is_none() && e.occupati > 0 => {
                return Err(errore_sessioni(format!(
                    "«{}» ha già {} posti assegnati: indica la sua capienza.",
                    e.titolo, e.occupati
                )));
            }
            None if e.occupati > 0 || bloccate.contains(&e.id) => {
                return Err(errore_sessioni(format!(
                    "«{}» ha già posti assegnati o presenze: non si può togliere.",
                    e.titolo
                )));
            }
            _ => {}
        }
    }
    sostituisci_sessioni(uow, id, o.sessioni, &esistenti, &coppie).await?;
    // New session seats go to who chose a session when it was full.
    for s in sessioni_di(uow, id).await? {
        if s.capienza.is_some_and(|c| c > s.occupati) {
            while posti::assegna_posto_sessione(uow, s.id).await? {}
        }
    }
    // New seats go to the waitlist now.
    posti::promuovi(uow, &m, avvisi, ora).await?;
    Ok(m)
}

/// Which existing session each new one continues (its index in `esistenti`), so that a
/// session keeps its id (the seats chosen and the scans point at it) when the list is edited:
/// first the same start and title, then the same title, then the same start (each skipping a
/// session another new line matches more closely), then, among the sessions left that hold
/// no seats and no scans (`bloccate`: their ids), the ones left in their order. A new session
/// matched to none is created; an existing one matched by none is removed.
fn abbina(
    esistenti: &[offerta_sessione::Model],
    nuove: &[NuovaSessione],
    bloccate: &std::collections::HashSet<i64>,
) -> Vec<Option<usize>> {
    let mut coppie: Vec<Option<usize>> = vec![None; nuove.len()];
    let mut prese = vec![false; esistenti.len()];
    for passo in 0..4 {
        for i in 0..nuove.len() {
            if coppie[i].is_some() {
                continue;
            }
            let n = &nuove[i];
            // Another new line still unmatched that has this session's start (or title).
            let altra =
                |e: &offerta_sessione::Model,
                 stessa: fn(&offerta_sessione::Model, &NuovaSessione) -> bool| {
                    (0..nuove.len()).any(|k| k != i && coppie[k].is_none() && stessa(e, &nuove[k]))
                };
            let candidata = |j: usize| {
                let e = &esistenti[j];
                match passo {
                    0 => e.inizio == n.inizio && e.titolo == n.titolo,
                    1 => e.titolo == n.titolo && !altra(e, |e, x| e.inizio == x.inizio),
                    2 => e.inizio == n.inizio && !altra(e, |e, x| e.titolo == x.titolo),
                    _ => e.occupati == 0 && !bloccate.contains(&e.id),
                }
            };
            if let Some(j) = (0..esistenti.len()).find(|&j| !prese[j] && candidata(j)) {
                prese[j] = true;
                coppie[i] = Some(j);
            }
        }
    }
    coppie
}

async fn sostituisci_sessioni(
    uow: &Lavoro,
    offerta_id: i64,
    sessioni: Vec<NuovaSessione>,
    esistenti: &[offerta_sessione::Model],
    coppie: &[Option<usize>],
) -> Result<(), DbErr> {
    for (i, (s, c)) in sessioni.into_iter().zip(coppie).enumerate() {
        let mut am = match c.map(|j| &esistenti[j]) {
            Some(e) => e.clone().into(),
            None => offerta_sessione::ActiveModel {
                offerta_id: Set(offerta_id),
                ..Default::default()
            },
        };
        am.ordine = Set(i as i32);
        am.titolo = Set(s.titolo);
        am.inizio = Set(s.inizio);
        am.fine = Set(s.fine);
        am.luogo = Set(s.luogo);
        am.capienza = Set(s.capienza);
        am.save(uow).await?;
    }
    // Sessions no longer listed (the caller checked that none holds seats or scans).
    for (j, e) in esistenti.iter().enumerate() {
        if !coppie.contains(&Some(j)) {
            offerta_sessione::Entity::delete_by_id(e.id)
                .exec(uow)
                .await?;
        }
    }
    Ok(())
}

/// An offer, if it exists.
pub async fn offerta(db: &impl ConnectionTrait, id: i64) -> Result<Option<offerta::Model>, DbErr> {
    offerta::Entity::find_by_id(id).one(db).await
}

/// The sessions of an offer, in order.
pub async fn sessioni_di(
    db: &impl ConnectionTrait,
    offerta_id: i64,
) -> Result<Vec<offerta_sessione::Model>, DbErr> {
    offerta_sessione::Entity::find()
        .filter(offerta_sessione::Column::OffertaId.eq(offerta_id))
        .order_by_asc(offerta_sessione::Column::Ordine)
        .all(db)
        .await
}

/// The sessions with their own seats chosen by registrations (`registrazione`: of that one
/// only): per registration, the session's title and whether the seat is held.
pub async fn scelte_sessioni(
    db: &impl ConnectionTrait,
    offerta_id: i64,
    registrazione: Option<i64>,
) -> Result<std::collections::HashMap<i64, Vec<(String, bool)>>, DbErr> {
    use piazza_db::entities::registrazione_sessione as rs;
    let sessioni = sessioni_di(db, offerta_id).await?;
    let mut q =
        rs::Entity::find().filter(rs::Column::SessioneId.is_in(sessioni.iter().map(|s| s.id)));
    if let Some(r) = registrazione {
        q = q.filter(rs::Column::RegistrazioneId.eq(r));
    }
    let mut out: std::collections::HashMap<i64, Vec<(String, bool)>> = Default::default();
    for x in q.order_by_asc(rs::Column::Id).all(db).await? {
        if let Some(s) = sessioni.iter().find(|s| s.id == x.sessione_id) {
            out.entry(x.registrazione_id)
                .or_default()
                .push((s.titolo.clone(), x.posto));
        }
    }
    Ok(out)
}

/// When the last session to end ends (sessions may overlap).
pub fn fine(sessioni: &[offerta_sessione::Model]) -> Option<DateTime<Utc>> {
    sessioni.iter().map(|s| s.fine).max()
}

/// The questions of an offer.
pub fn domande(o: &offerta::Model) -> Vec<Domanda> {
    serde_json::from_str(&o.domande).unwrap_or_default()
}

/// The quotas per type of organisation of an offer.
pub fn quote_tipo(o: &offerta::Model) -> BTreeMap<String, i32> {
    serde_json::from_str(&o.quote_tipo).unwrap_or_default()
}

fn scrivi_quote(q: &BTreeMap<String, i32>) -> String {
    serde_json::to_string(q).unwrap_or_else(|_| "{}".into())
}

/// A registration by id.
pub async fn registrazione(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<registrazione::Model>, DbErr> {
    registrazione::Entity::find_by_id(id).one(db).await
}

/// Whether registrations are open at `ora`, and if not why (Italian): between the opening and
/// the closing, and never after the last session has ended.
pub fn aperta(
    o: &offerta::Model,
    sessioni: &[offerta_sessione::Model],
    ora: DateTime<Utc>,
) -> Result<(), String> {
    if o.apre_at.is_some_and(|a| ora < a) {
        return Err(format!(
            "Le registrazioni aprono il {}.",
            fmt::ora_italiana(o.apre_at.unwrap_or(ora))
        ));
    }
    if o.chiude_at.is_some_and(|c| ora >= c) {
        return Err("Le registrazioni sono chiuse.".into());
    }
    if fine(sessioni).is_some_and(|f| f <= ora) {
        return Err("L'iniziativa si è conclusa: le registrazioni sono chiuse.".into());
    }
    Ok(())
}

/// The position of `r` on its waitlist (1 = next), if it waits.
pub async fn posizione_in_lista(
    db: &impl ConnectionTrait,
    r: &registrazione::Model,
) -> Result<Option<u64>, DbErr> {
    use sea_orm::PaginatorTrait;
    if r.stato != stato::LISTA_ATTESA {
        return Ok(None);
    }
    let prima = registrazione::Entity::find()
        .filter(registrazione::Column::OffertaId.eq(r.offerta_id))
        .filter(registrazione::Column::Stato.eq(stato::LISTA_ATTESA))
        .filter(registrazione::Column::Posizione.lt(r.posizione.unwrap_or(i64::MAX)))
        .count(db)
        .await?;
    Ok(Some(prima + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ora(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 10, 10, h, m, 0).unwrap()
    }

    fn esistente(id: i64, titolo: &str, h: u32, occupati: i32) -> offerta_sessione::Model {
        offerta_sessione::Model {
            id,
            offerta_id: 1,
            ordine: 0,
            titolo: titolo.into(),
            inizio: ora(h, 0),
            fine: ora(h + 2, 0),
            luogo: None,
            capienza: Some(10),
            occupati,
        }
    }

    fn nuova(titolo: &str, h: u32, m: u32) -> NuovaSessione {
        NuovaSessione {
            titolo: titolo.into(),
            inizio: ora(h, m),
            fine: ora(h + 2, m),
            luogo: None,
            capienza: Some(10),
        }
    }

    #[test]
    fn edited_sessions_keep_the_rows_they_continue() {
        let nessuna = std::collections::HashSet::new();
        let e = [
            esistente(1, "Laboratorio", 9, 3),
            esistente(2, "Laboratorio", 14, 4),
        ];
        // The morning one renamed, the afternoon one moved: each keeps its row.
        let c = abbina(
            &e,
            &[nuova("Lab mattina", 9, 0), nuova("Laboratorio", 14, 30)],
            &nessuna,
        );
        assert_eq!(c, vec![Some(0), Some(1)]);
        // An earlier session added: a new row, the others unchanged.
        let c = abbina(
            &e,
            &[
                nuova("Saluti", 8, 0),
                nuova("Laboratorio", 9, 0),
                nuova("Laboratorio", 14, 0),
            ],
            &nessuna,
        );
        assert_eq!(c, vec![None, Some(0), Some(1)]);
        // A workshop with seats removed while another is added: not paired by position (the
        // caller refuses to remove it), but a session with nothing in it may be.
        let e = [esistente(1, "A", 9, 3), esistente(2, "B", 14, 0)];
        let c = abbina(&e, &[nuova("C", 16, 0), nuova("D", 18, 0)], &nessuna);
        assert_eq!(c, vec![Some(1), None]);
        let con_scansioni = std::collections::HashSet::from([2]);
        let c = abbina(&e, &[nuova("C", 16, 0)], &con_scansioni);
        assert_eq!(c, vec![None]);
    }
}
