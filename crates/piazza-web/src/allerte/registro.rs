//! The rules that keep the public alert state right, without storage: which documents change
//! it and how. An alert is known by (sender, identifier, sent); a copy of one already seen is a
//! duplicate; an Update supersedes what it references and a Cancel ends it — also when the
//! referenced alert never arrived, or arrives later; an alert past its expiry ends by itself;
//! Test, Exercise, System and Draft documents, and Ack and Error messages, never change the
//! public state. The store applies the same rules to the database (`allerte::store`, later).

use std::collections::{BTreeMap, HashMap, HashSet};

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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stato {
    InVigore,
    Sostituito,
    Annullato,
}

/// The alerts received and what they are now.
#[derive(Debug, Default)]
pub struct Registro {
    voci: HashMap<Chiave, (Avviso, Stato)>,
    /// Keys that an update or a cancel ended before their alert arrived.
    superati: HashMap<Chiave, Stato>,
    visti: HashSet<Chiave>,
}

impl Registro {
    pub fn applica(&mut self, a: Avviso) -> Esito {
        if !self.visti.insert(a.chiave.clone()) {
            return Esito::Duplicato;
        }
        if !a.reale {
            return Esito::Ignorato("documento di prova, esercitazione o bozza");
        }
        match a.tipo {
            Tipo::Ack | Tipo::Error => Esito::Ignorato("conferma o segnalazione di errore"),
            Tipo::Cancel => {
                let refs = a.riferimenti.clone();
                for r in &refs {
                    self.termina(r, Stato::Annullato);
                }
                Esito::Annulla(refs)
            }
            Tipo::Update | Tipo::Alert => {
                if let Some(s) = self.superati.remove(&a.chiave) {
                    self.voci.insert(a.chiave.clone(), (a, s));
                    return Esito::GiaSuperato;
                }
                let refs = a.riferimenti.clone();
                let tipo = a.tipo;
                for r in &refs {
                    self.termina(r, Stato::Sostituito);
                }
                self.voci.insert(a.chiave.clone(), (a, Stato::InVigore));
                if tipo == Tipo::Update {
                    Esito::Sostituisce(refs)
                } else {
                    Esito::Nuovo
                }
            }
        }
    }

    fn termina(&mut self, chiave: &Chiave, come: Stato) {
        match self.voci.get_mut(chiave) {
            Some((_, s)) => *s = come,
            None => {
                self.superati.insert(chiave.clone(), come);
            }
        }
    }

    /// The alerts in force at `t`: not superseded or cancelled, started, not expired.
    pub fn in_vigore(&self, t: DateTime<Utc>) -> impl Iterator<Item = &Avviso> {
        self.voci.values().filter_map(move |(a, s)| {
            (*s == Stato::InVigore
                && a.inizio.is_none_or(|i| i <= t)
                && a.scadenza.is_none_or(|e| t < e))
            .then_some(a)
        })
    }

    /// The public state at `t`: for each comune with an alert, the highest level per risk.
    pub fn livelli(&self, t: DateTime<Utc>) -> BTreeMap<String, BTreeMap<String, Livello>> {
        let mut out: BTreeMap<String, BTreeMap<String, Livello>> = BTreeMap::new();
        for v in self.in_vigore(t).flat_map(|a| &a.voci) {
            for c in &v.comuni {
                let l = out
                    .entry(c.clone())
                    .or_default()
                    .entry(v.rischio.clone())
                    .or_insert(Livello::Verde);
                *l = (*l).max(v.livello);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ora(h: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 10, 15)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
    }

    fn k(id: &str) -> Chiave {
        ("cfr".into(), id.into(), "2026-10-15T06:00:00+02:00".into())
    }

    fn avviso(id: &str, tipo: Tipo, livello: Livello, refs: &[&str]) -> Avviso {
        Avviso {
            chiave: k(id),
            tipo,
            reale: true,
            riferimenti: refs.iter().map(|r| k(r)).collect(),
            voci: vec![Voce {
                rischio: "idrogeologico".into(),
                livello,
                comuni: vec!["048017".into(), "100005".into()],
            }],
            inizio: Some(ora(6)),
            scadenza: Some(ora(22)),
        }
    }

    fn livello(r: &Registro, t: DateTime<Utc>, comune: &str) -> Option<Livello> {
        r.livelli(t)
            .get(comune)
            .and_then(|m| m.get("idrogeologico").copied())
    }

    #[test]
    fn an_update_replaces_a_cancel_ends_and_a_copy_changes_nothing() {
        let mut r = Registro::default();
        assert_eq!(
            r.applica(avviso("a1", Tipo::Alert, Livello::Giallo, &[])),
            Esito::Nuovo
        );
        assert_eq!(livello(&r, ora(8), "048017"), Some(Livello::Giallo));
        assert_eq!(
            r.applica(avviso("a1", Tipo::Alert, Livello::Rosso, &[])),
            Esito::Duplicato
        );
        assert_eq!(
            livello(&r, ora(8), "048017"),
            Some(Livello::Giallo),
            "a copy changes nothing"
        );
        assert_eq!(
            r.applica(avviso("a2", Tipo::Update, Livello::Arancione, &["a1"])),
            Esito::Sostituisce(vec![k("a1")])
        );
        assert_eq!(
            livello(&r, ora(8), "048017"),
            Some(Livello::Arancione),
            "replaced, not added"
        );
        assert_eq!(r.in_vigore(ora(8)).count(), 1);
        assert_eq!(
            r.applica(avviso("a3", Tipo::Cancel, Livello::Verde, &["a2"])),
            Esito::Annulla(vec![k("a2")])
        );
        assert_eq!(livello(&r, ora(8), "048017"), None);
    }

    #[test]
    fn expired_alerts_end_by_themselves_and_future_ones_wait() {
        let mut r = Registro::default();
        r.applica(avviso("a1", Tipo::Alert, Livello::Rosso, &[]));
        assert_eq!(livello(&r, ora(5), "100005"), None, "not started");
        assert_eq!(livello(&r, ora(21), "100005"), Some(Livello::Rosso));
        assert_eq!(
            livello(&r, ora(22), "100005"),
            None,
            "expired, without any document"
        );
    }

    #[test]
    fn an_update_whose_original_never_arrived_and_an_original_arriving_late() {
        let mut r = Registro::default();
        assert_eq!(
            r.applica(avviso("a2", Tipo::Update, Livello::Arancione, &["a1"])),
            Esito::Sostituisce(vec![k("a1")])
        );
        assert_eq!(livello(&r, ora(8), "048017"), Some(Livello::Arancione));
        // The original comes after its update: kept, never in force.
        assert_eq!(
            r.applica(avviso("a1", Tipo::Alert, Livello::Rosso, &[])),
            Esito::GiaSuperato
        );
        assert_eq!(livello(&r, ora(8), "048017"), Some(Livello::Arancione));
        // A cancel before its alert: the alert never shows.
        r.applica(avviso("c1", Tipo::Cancel, Livello::Verde, &["b1"]));
        assert_eq!(
            r.applica(avviso("b1", Tipo::Alert, Livello::Rosso, &[])),
            Esito::GiaSuperato
        );
        assert_eq!(r.in_vigore(ora(8)).count(), 1);
    }

    #[test]
    fn tests_exercises_acks_and_errors_never_change_the_public_state() {
        let mut r = Registro::default();
        let mut esercitazione = avviso("x1", Tipo::Alert, Livello::Rosso, &[]);
        esercitazione.reale = false;
        assert!(matches!(r.applica(esercitazione), Esito::Ignorato(_)));
        r.applica(avviso("a1", Tipo::Alert, Livello::Giallo, &[]));
        let mut prova = avviso("x2", Tipo::Cancel, Livello::Verde, &["a1"]);
        prova.reale = false;
        assert!(
            matches!(r.applica(prova), Esito::Ignorato(_)),
            "a test cancel cancels nothing"
        );
        assert!(matches!(
            r.applica(avviso("x3", Tipo::Ack, Livello::Verde, &["a1"])),
            Esito::Ignorato(_)
        ));
        assert!(matches!(
            r.applica(avviso("x4", Tipo::Error, Livello::Verde, &["a1"])),
            Esito::Ignorato(_)
        ));
        assert_eq!(livello(&r, ora(8), "048017"), Some(Livello::Giallo));
    }

    #[test]
    fn the_highest_level_wins_per_comune_and_risk() {
        let mut r = Registro::default();
        r.applica(avviso("a1", Tipo::Alert, Livello::Giallo, &[]));
        let mut altro = avviso("b1", Tipo::Alert, Livello::Rosso, &[]);
        altro.voci[0].comuni = vec!["100005".into()];
        altro.voci.push(Voce {
            rischio: "vento".into(),
            livello: Livello::Arancione,
            comuni: vec!["048017".into()],
        });
        r.applica(altro);
        assert_eq!(livello(&r, ora(8), "048017"), Some(Livello::Giallo));
        assert_eq!(livello(&r, ora(8), "100005"), Some(Livello::Rosso));
        assert_eq!(
            r.livelli(ora(8))["048017"]["vento"],
            Livello::Arancione,
            "one document, two risks"
        );
    }
}
