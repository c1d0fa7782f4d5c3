//! The alert state in the database. Every document, from any source, goes through [`ingerisci`]
//! in one transaction with its audit row (raw document kept): duplicates are recognised by
//! (sender, identifier, sent), updates end what they reference, cancels end it, references to
//! alerts not yet arrived are remembered (`allerte_superate`), and documents that are not for
//! the public (tests, exercises, drafts, acknowledgements, errors) are kept but never public.
//!
//! The state at any instant `t` is computed from the documents: an alert counts while
//! `dal <= t < terminata_at` and `inizio <= t < scadenza`, so the history (`?al=`) needs no
//! snapshots and an expired alert ends without any document.
//!
//! One file per part: `ingerisci` (documents in: duplicates, updates, cancels, late originals;
//! the sources by code), `consulta` (the state at an instant and the lists), `operatori` (an
//! alert composed here, the second person's decision, cancelling); here what they share.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use piazza_db::entities::{allerta, allerta_voce, fonte_allerta};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::allerte::bollettino::Livello;
use crate::allerte::registro::Avviso;
use crate::kit::error::AppResult;
use crate::territorio::Territorio;

mod consulta;
mod ingerisci;
mod operatori;

pub use consulta::{
    Stato, attive_al, fonti, in_attesa, per_id, prossimo_cambio, recenti, sostituite_da, stato_al,
    storia_comune, voci,
};
pub use ingerisci::{fonte, ingerisci, ingerisci_in};
pub use operatori::{Decisione, componi, decidi, termina_ora};

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

/// The SHA-256 of a text, in hex.
pub fn sha256(testo: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(testo.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
