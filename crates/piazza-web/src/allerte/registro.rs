//! What the rules of the public alert state need of a document, whatever its source (a CAP
//! document, a day of the national bulletin, an operator's form), and what became of it. The
//! rules themselves are applied by `allerte::store::ingerisci`: an alert is known by (sender,
//! identifier, sent); a copy of one already seen is a duplicate; an Update supersedes what it
//! references and a Cancel ends it — also when the referenced alert never arrived, or arrives
//! later; an alert past its expiry ends by itself; Test, Exercise, System and Draft documents,
//! and Ack and Error messages, never change the public state.

use chrono::{DateTime, Utc};

use super::bollettino::Livello;

/// (sender, identifier, sent as written).
pub type Chiave = (String, String, String);

/// What the public state needs of an alert document.
#[derive(Debug, Clone, PartialEq)]
pub struct Avviso {
    pub chiave: Chiave,
    pub tipo: Tipo,
    /// `Actual` (only these reach the public).
    pub reale: bool,
    pub riferimenti: Vec<Chiave>,
    /// What the document says, per risk (one document may carry several risks and areas).
    pub voci: Vec<Voce>,
    pub inizio: Option<DateTime<Utc>>,
    pub scadenza: Option<DateTime<Utc>>,
}

/// A level for a risk over some comuni.
#[derive(Debug, Clone, PartialEq)]
pub struct Voce {
    pub rischio: String,
    pub livello: Livello,
    /// ISTAT codes.
    pub comuni: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tipo {
    Alert,
    Update,
    Cancel,
    Ack,
    Error,
}

/// What happened to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Esito {
    /// A new alert in force.
    Nuovo,
    /// Already received: nothing changes.
    Duplicato,
    /// Not for the public state (test, exercise, draft, acknowledgement, error).
    Ignorato(&'static str),
    /// An update: in force, and these alerts (known or not yet) no longer are.
    Sostituisce(Vec<Chiave>),
    /// A cancel: these alerts end.
    Annulla(Vec<Chiave>),
    /// It arrived after an update or a cancel that referenced it: kept, never in force.
    GiaSuperato,
}

/// What happened, in Italian.
pub fn descrivi(e: &Esito) -> String {
    match e {
        Esito::Nuovo => "pubblicato".into(),
        Esito::Duplicato => "già ricevuto, nulla cambia".into(),
        Esito::Ignorato(perche) => format!("non pubblico ({perche})"),
        Esito::Sostituisce(r) => format!("pubblicato, sostituisce {} documenti", r.len()),
        Esito::Annulla(r) => format!("annulla {} documenti", r.len()),
        Esito::GiaSuperato => {
            "arrivato dopo il suo aggiornamento o annullamento: non pubblico".into()
        }
    }
}
