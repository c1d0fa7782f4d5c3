//! The registration core's types: states, ticket and certificate codes, the organiser's
//! questions, and the registration form with its validation.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::kit::text::non_empty;
use crate::kit::view::FormErrors;

/// The states of a registration. A seat is held by [`CONFERMATA`] and [`POSTO_OFFERTO`] (the
/// waitlist's head has a time to accept it); [`LISTA_ATTESA`] waits in `posizione` order.
pub mod stato {
    pub const DA_CONFERMARE: &str = "da_confermare";
    pub const IN_APPROVAZIONE: &str = "in_approvazione";
    pub const CONFERMATA: &str = "confermata";
    pub const LISTA_ATTESA: &str = "lista_attesa";
    pub const POSTO_OFFERTO: &str = "posto_offerto";
    pub const ANNULLATA: &str = "annullata";
    pub const SCADUTA: &str = "scaduta";
    pub const RESPINTA: &str = "respinta";

    /// The states that hold a seat.
    pub const CON_POSTO: [&str; 2] = [CONFERMATA, POSTO_OFFERTO];
    /// The states of a registration that is over (the e-mail may register again).
    pub const CHIUSI: [&str; 3] = [ANNULLATA, SCADUTA, RESPINTA];

    pub fn nome(s: &str) -> &'static str {
        match s {
            DA_CONFERMARE => "In attesa di conferma e-mail",
            IN_APPROVAZIONE => "In attesa di approvazione",
            CONFERMATA => "Confermata",
            LISTA_ATTESA => "In lista d'attesa",
            POSTO_OFFERTO => "Posto offerto",
            ANNULLATA => "Annullata",
            SCADUTA => "Offerta scaduta",
            RESPINTA => "Non approvata",
            _ => "—",
        }
    }
}

/// Who may register.
pub const IDONEITA: &[(&str, &str)] = &[
    ("tutti", "Chiunque"),
    ("enti", "Amministratori e personale di enti pubblici"),
    (
        "comuni",
        "Amministratori e personale dei comuni e delle unioni",
    ),
];

/// The kinds of organisation a participant belongs to (figures by type).
pub const TIPI_ORGANIZZAZIONE: &[(&str, &str)] = &[
    ("comune", "Comune"),
    ("unione", "Unione di comuni"),
    ("ente", "Altro ente pubblico"),
    ("associazione", "Associazione o terzo settore"),
    ("impresa", "Impresa o professionista"),
    ("ordine", "Ordine professionale o sindacato"),
    ("cittadino", "Cittadino"),
];

pub fn nome_tipo(tipo: &str) -> &'static str {
    TIPI_ORGANIZZAZIONE
        .iter()
        .find(|(k, _)| *k == tipo)
        .map_or("—", |(_, n)| n)
}

/// The characters of ticket and certificate codes: no 0/O, 1/I/L, so a code read aloud or
/// copied from paper is typed right.
pub const ALFABETO: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A random code of `n` characters of [`ALFABETO`] (8: 31⁸ ≈ 8.5·10¹¹ tickets).
pub fn codice(n: usize) -> String {
    let mut r = rand::rng();
    (0..n)
        .map(|_| ALFABETO[r.random_range(0..ALFABETO.len())] as char)
        .collect()
}

/// A code as typed or scanned: upper case, separators dropped (`k7m2-p9xr` → `K7M2P9XR`).
pub fn normalizza_codice(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(32)
        .collect()
}

/// A code as printed: groups of four (`K7M2-P9XR`, a certificate's `ABCD-EFGH-JKMN`).
pub fn mostra_codice(c: &str) -> String {
    c.as_bytes()
        .chunks(4)
        .map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join("-")
}

/// A question the organiser adds to the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domanda {
    pub testo: String,
    pub obbligatoria: bool,
    /// The choices; empty: free text.
    #[serde(default)]
    pub scelte: Vec<String>,
}

/// The form fields of the answers (at most ten questions).
pub const CAMPI_DOMANDE: [&str; 10] = [
    "domanda_0",
    "domanda_1",
    "domanda_2",
    "domanda_3",
    "domanda_4",
    "domanda_5",
    "domanda_6",
    "domanda_7",
    "domanda_8",
    "domanda_9",
];

/// Reads the organiser's questions, one a line: `Testo? *` (the star: required),
/// `Testo: scelta A | scelta B` (a choice).
pub fn leggi_domande(s: &str, errors: &mut FormErrors) -> Vec<Domanda> {
    let mut v = Vec::new();
    for riga in s.lines().map(str::trim).filter(|r| !r.is_empty()) {
        let (riga, obbligatoria) = match riga.strip_suffix('*') {
            Some(r) => (r.trim_end(), true),
            None => (riga, false),
        };
        let (testo, scelte) = match riga.split_once(':') {
            Some((t, sc)) if sc.contains('|') => (
                t.trim(),
                sc.split('|')
                    .map(|x| x.trim().to_owned())
                    .filter(|x| !x.is_empty())
                    .collect(),
            ),
            _ => (riga, Vec::new()),
        };
        if testo.chars().count() > 200 {
            errors.add(
                "domande",
                "Ogni domanda può avere al massimo 200 caratteri.",
            );
        }
        v.push(Domanda {
            testo: testo.to_owned(),
            obbligatoria,
            scelte,
        });
    }
    if v.len() > CAMPI_DOMANDE.len() {
        errors.add("domande", "Al massimo 10 domande.");
    }
    v
}

/// The questions as the organiser typed them (the inverse of [`leggi_domande`]).
pub fn scrivi_domande(d: &[Domanda]) -> String {
    d.iter()
        .map(|q| {
            let mut s = q.testo.clone();
            if !q.scelte.is_empty() {
                s = format!("{s}: {}", q.scelte.join(" | "));
            }
            if q.obbligatoria {
                s.push_str(" *");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The registration form as posted (fields `domanda_0` … for the answers).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RegistrazioneForm {
    #[serde(default)]
    pub nome: String,
    #[serde(default)]
    pub cognome: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub organizzazione: String,
    #[serde(default)]
    pub tipo_organizzazione: String,
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub ruolo: String,
    #[serde(default)]
    pub consenso: Option<String>,
    #[serde(flatten)]
    pub altri: std::collections::HashMap<String, String>,
}

/// A valid registration, ready for the store.
#[derive(Debug, Clone)]
pub struct NuovaRegistrazione {
    pub nome: String,
    pub cognome: String,
    pub email: String,
    pub organizzazione: Option<String>,
    pub tipo_organizzazione: String,
    pub comune_id: Option<i64>,
    pub ruolo: Option<String>,
    /// (question, answer) in the questions' order.
    pub risposte: Vec<(String, String)>,
    /// The sessions with their own capacity chosen (ids).
    pub sessioni: Vec<i64>,
}

/// The form field of the choice of a session with its own capacity.
pub fn campo_sessione(id: i64) -> String {
    format!("sessione_{id}")
}

/// An e-mail address as people type it: one `@`, a dot in the domain, no spaces.
pub fn email_valida(s: &str) -> bool {
    let Some((u, d)) = s.split_once('@') else {
        return false;
    };
    !u.is_empty()
        && d.contains('.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && !d.contains('@')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        && s.len() <= 254
}

impl RegistrazioneForm {
    /// Checks the form against the offer's questions and eligibility; `comune` resolves the
    /// typed comune (name or ISTAT code) to its id.
    pub fn validate(
        &self,
        domande: &[Domanda],
        idoneita: &str,
        comune: impl Fn(&str) -> Option<i64>,
    ) -> Result<NuovaRegistrazione, FormErrors> {
        let mut e = FormErrors::default();
        for (campo, v, max) in [
            ("nome", &self.nome, 80),
            ("cognome", &self.cognome, 80),
            ("email", &self.email, 254),
            ("organizzazione", &self.organizzazione, 200),
            ("ruolo", &self.ruolo, 120),
        ] {
            e.lunghezza(campo, v, max);
        }
        if self.nome.trim().is_empty() {
            e.add("nome", "Indica il nome.");
        }
        if self.cognome.trim().is_empty() {
            e.add("cognome", "Indica il cognome.");
        }
        let email = self.email.trim().to_owned();
        if !email_valida(&email) {
            e.add(
                "email",
                "Indirizzo e-mail non valido (esempio: nome@comune.it).",
            );
        }
        let tipo = self.tipo_organizzazione.trim();
        if !TIPI_ORGANIZZAZIONE.iter().any(|(k, _)| *k == tipo) {
            e.add("tipo_organizzazione", "Scegli il tipo di organizzazione.");
        } else if idoneita == "comuni" && !matches!(tipo, "comune" | "unione") {
            e.add(
                "tipo_organizzazione",
                "Questo evento è riservato ad amministratori e personale di comuni e unioni.",
            );
        } else if idoneita == "enti" && !matches!(tipo, "comune" | "unione" | "ente") {
            e.add(
                "tipo_organizzazione",
                "Questo evento è riservato ad amministratori e personale di enti pubblici.",
            );
        }
        let comune_id = match non_empty(&self.comune).as_deref() {
            None if matches!(tipo, "comune" | "unione") => {
                e.add("comune", "Indica il comune.");
                None
            }
            None => None,
            Some(c) => {
                let id = comune(c);
                if id.is_none() {
                    e.add(
                        "comune",
                        "Comune non trovato: scrivi il nome di un comune toscano.",
                    );
                }
                id
            }
        };
        if self.consenso.is_none() {
            e.add(
                "consenso",
                "Serve il consenso al trattamento dei dati per registrarsi.",
            );
        }
        let mut risposte = Vec::new();
        for (i, d) in domande.iter().enumerate() {
            let campo = CAMPI_DOMANDE[i.min(CAMPI_DOMANDE.len() - 1)];
            let v = self.altri.get(campo).map(|s| s.trim()).unwrap_or("");
            if v.chars().count() > 1000 {
                e.add(campo, "Al massimo 1.000 caratteri.");
            } else if d.obbligatoria && v.is_empty() {
                e.add(campo, "Questa risposta è obbligatoria.");
            } else if !v.is_empty() && !d.scelte.is_empty() && !d.scelte.iter().any(|s| s == v) {
                e.add(campo, "Scegli una delle risposte proposte.");
            }
            risposte.push((d.testo.clone(), v.to_owned()));
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(NuovaRegistrazione {
            nome: self.nome.trim().to_owned(),
            cognome: self.cognome.trim().to_owned(),
            email,
            organizzazione: non_empty(&self.organizzazione),
            tipo_organizzazione: tipo.to_owned(),
            comune_id,
            ruolo: non_empty(&self.ruolo),
            risposte,
            sessioni: Vec::new(),
        })
    }

    /// The sessions with their own capacity ticked in the form, among `sessioni`.
    pub fn sessioni_scelte(
        &self,
        sessioni: &[piazza_db::entities::offerta_sessione::Model],
    ) -> Vec<i64> {
        sessioni
            .iter()
            .filter(|s| s.capienza.is_some() && self.altri.contains_key(&campo_sessione(s.id)))
            .map(|s| s.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_avoid_ambiguous_characters_and_normalise() {
        for _ in 0..200 {
            let c = codice(8);
            assert_eq!(c.len(), 8);
            assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
        }
        assert_eq!(normalizza_codice(" k7m2-p9xr\n"), "K7M2P9XR");
        assert_eq!(mostra_codice("K7M2P9XR"), "K7M2-P9XR");
    }

    #[test]
    fn questions_round_trip() {
        let mut e = FormErrors::default();
        let d = leggi_domande(
            "Esigenze alimentari?\nPartecipi alla cena: sì | no *\n",
            &mut e,
        );
        assert!(e.is_empty());
        assert_eq!(d.len(), 2);
        assert!(d[1].obbligatoria && d[1].scelte == ["sì", "no"]);
        assert_eq!(leggi_domande(&scrivi_domande(&d), &mut e), d);
    }

    #[test]
    fn emails() {
        assert!(email_valida("anna.rossi@comune.prato.it"));
        for s in [
            "anna", "a@b", "a b@c.it", "a@.it", "a@b.it.", "<a@b.it>", "a@b@c.it",
        ] {
            assert!(!email_valida(s), "{s}");
        }
    }
}
