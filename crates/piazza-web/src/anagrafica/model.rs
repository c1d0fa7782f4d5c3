use chrono::{Datelike, Months, NaiveDate};

use crate::fmt;
use crate::text::non_empty;
use crate::view::FormErrors;

/// Categories of a person (a person can have several).
pub const CATEGORIE: &[(&str, &str)] = &[
    ("amministratore", "Amministratore"),
    ("funzionario", "Funzionario/dipendente pubblico"),
    ("staff", "Staff dell'associazione"),
    ("docente", "Docente"),
    ("volontario", "Volontario"),
    ("referente", "Referente comunale"),
    ("altro", "Altro"),
];

pub fn categoria_nome(k: &str) -> &'static str {
    CATEGORIE
        .iter()
        .find(|(c, _)| *c == k)
        .map(|(_, n)| *n)
        .unwrap_or("")
}

/// Types of organisation.
pub const TIPI_ORGANIZZAZIONE: &[(&str, &str)] = &[
    ("comune", "Comune"),
    ("ufficio_comunale", "Ufficio o organismo del comune"),
    ("regione", "Regione"),
    ("unione_comuni", "Unione di comuni"),
    ("partner", "Partner"),
    ("fornitore", "Fornitore"),
    ("ordine_professionale", "Ordine professionale"),
    ("associazione", "Associazione"),
    ("sindacato", "Sindacato"),
    ("altro", "Altro"),
];

/// The types of organisation that belong to a comune: the comune itself, its offices and
/// bodies. A referente sees and edits these (of their comuni) and nothing else: an organisation
/// that merely has its seat in the comune (the Region, a professional order) is not theirs.
pub const TIPI_DEL_COMUNE: &[&str] = &["comune", "ufficio_comunale"];

/// The comune an organisation belongs to for permissions: its comune when it is of a type of
/// [`TIPI_DEL_COMUNE`], none otherwise (then only editors of Anagrafica may change it).
pub fn comune_proprio(tipo: &str, comune_id: Option<i64>) -> Option<i64> {
    if TIPI_DEL_COMUNE.contains(&tipo) {
        comune_id
    } else {
        None
    }
}

pub fn tipo_nome(k: &str) -> &'static str {
    TIPI_ORGANIZZAZIONE
        .iter()
        .find(|(c, _)| *c == k)
        .map(|(_, n)| *n)
        .unwrap_or("")
}

/// Offices in a comune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Carica {
    Sindaco,
    Vicesindaco,
    Assessore,
    PresidenteConsiglio,
    Consigliere,
    Altro,
}

impl Carica {
    pub const ALL: [Carica; 6] = [
        Self::Sindaco,
        Self::Vicesindaco,
        Self::Assessore,
        Self::PresidenteConsiglio,
        Self::Consigliere,
        Self::Altro,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Sindaco => "sindaco",
            Self::Vicesindaco => "vicesindaco",
            Self::Assessore => "assessore",
            Self::PresidenteConsiglio => "presidente_consiglio",
            Self::Consigliere => "consigliere",
            Self::Altro => "altro",
        }
    }

    pub fn nome(self) -> &'static str {
        match self {
            Self::Sindaco => "Sindaco",
            Self::Vicesindaco => "Vicesindaco",
            Self::Assessore => "Assessore",
            Self::PresidenteConsiglio => "Presidente del consiglio",
            Self::Consigliere => "Consigliere",
            Self::Altro => "Altra carica",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == s)
    }

    /// Order of offices in a comune's page.
    pub fn rank(self) -> u8 {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(9) as u8
    }

    /// The office from the DAIT columns `descrizione_carica` and `incarico`.
    pub fn from_dait(descrizione: &str, incarico: &str) -> Self {
        let d = descrizione.trim().to_lowercase();
        let i = incarico.trim().to_lowercase();
        if d == "sindaco" {
            Self::Sindaco
        } else if i.contains("vicesindaco") || i.contains("vice sindaco") {
            Self::Vicesindaco
        } else if i.contains("presidente del consiglio") {
            Self::PresidenteConsiglio
        } else if d.starts_with("assessore") {
            Self::Assessore
        } else if d.starts_with("consigliere") {
            Self::Consigliere
        } else {
            Self::Altro
        }
    }
}

/// End of a mandate: election date plus the term length.
pub fn fine_mandato(data_elezione: Option<NaiveDate>, anni: i32) -> Option<NaiveDate> {
    data_elezione.and_then(|d| d.checked_add_months(Months::new((anni.max(0) * 12) as u32)))
}

/// The state of a mandate today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatoMandato {
    InCorso,
    InScadenza,
    Scaduto,
    Sconosciuto,
}

impl StatoMandato {
    pub fn of(fine: Option<NaiveDate>, today: NaiveDate, mesi_preavviso: u32) -> Self {
        match fine {
            None => Self::Sconosciuto,
            Some(f) if f < today => Self::Scaduto,
            Some(f)
                if today
                    .checked_add_months(Months::new(mesi_preavviso))
                    .is_some_and(|lim| f <= lim) =>
            {
                Self::InScadenza
            }
            Some(_) => Self::InCorso,
        }
    }
    pub fn etichetta(self) -> &'static str {
        match self {
            Self::InCorso => "in corso",
            Self::InScadenza => "in scadenza",
            Self::Scaduto => "scaduto",
            Self::Sconosciuto => "",
        }
    }
    pub fn badge(self) -> &'static str {
        match self {
            Self::InCorso => "bg-success",
            Self::InScadenza => "bg-warning text-dark",
            Self::Scaduto => "bg-danger",
            Self::Sconosciuto => "bg-secondary",
        }
    }
}

/// An administrator as listed on pages.
#[derive(Debug, Clone)]
pub struct AmministratoreView {
    pub id: i64,
    pub persona_public_id: String,
    pub nome_completo: String,
    pub comune_id: i64,
    pub comune_istat: String,
    pub comune_nome: String,
    pub carica: Carica,
    pub descrizione_carica: String,
    pub data_elezione: Option<NaiveDate>,
    pub data_inizio: Option<NaiveDate>,
    pub fine_mandato: Option<NaiveDate>,
    pub stato: StatoMandato,
    pub lista: String,
}

impl AmministratoreView {
    /// The view of an office `a` held by `p` in `c`, with the state of its mandate on `today`.
    pub fn new(
        a: piazza_db::entities::amministratore::Model,
        p: &piazza_db::entities::persona::Model,
        c: &crate::territorio::ComuneInfo,
        today: NaiveDate,
        mesi_preavviso: u32,
    ) -> Self {
        Self {
            id: a.id,
            persona_public_id: p.public_id.clone(),
            nome_completo: format!("{} {}", p.nome, p.cognome),
            comune_id: c.id,
            comune_istat: c.codice_istat.clone(),
            comune_nome: c.nome.clone(),
            carica: Carica::parse(&a.carica).unwrap_or(Carica::Altro),
            descrizione_carica: a.descrizione_carica,
            data_elezione: a.data_elezione,
            data_inizio: a.data_inizio,
            stato: StatoMandato::of(a.fine_mandato, today, mesi_preavviso),
            fine_mandato: a.fine_mandato,
            lista: a.lista.unwrap_or_default(),
        }
    }

    pub fn data_elezione_fmt(&self) -> String {
        fmt::opt_date(self.data_elezione)
    }
    pub fn data_inizio_fmt(&self) -> String {
        fmt::opt_date(self.data_inizio)
    }
    pub fn fine_mandato_fmt(&self) -> String {
        fmt::opt_date(self.fine_mandato)
    }
}

/// The person form, validated.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonaForm {
    #[serde(default)]
    pub nome: String,
    #[serde(default)]
    pub cognome: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub telefono: String,
    #[serde(default)]
    pub codice_fiscale: String,
    #[serde(default)]
    pub data_nascita: String,
    #[serde(default)]
    pub luogo_nascita: String,
    #[serde(default)]
    pub organizzazione: String,
    #[serde(default)]
    pub qualifica: String,
    #[serde(default)]
    pub note: String,
    /// Checkbox values arrive as repeated `categorie` fields.
    #[serde(default)]
    pub categorie: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PersonaValida {
    pub nome: String,
    pub cognome: String,
    pub email: Option<String>,
    pub telefono: Option<String>,
    pub codice_fiscale: Option<String>,
    pub data_nascita: Option<NaiveDate>,
    pub luogo_nascita: Option<String>,
    pub organizzazione_public_id: Option<String>,
    pub qualifica: Option<String>,
    pub note: Option<String>,
    pub categorie: Vec<String>,
}

pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
}

/// Italian tax code of a person: 16 characters, letters and digits in the standard layout.
pub fn valid_codice_fiscale(cf: &str) -> bool {
    let cf = cf.to_ascii_uppercase();
    cf.len() == 16
        && cf.chars().enumerate().all(|(i, c)| match i {
            0..=5 | 8 | 11 | 15 => c.is_ascii_uppercase(),
            _ => c.is_ascii_alphanumeric(),
        })
}

/// VAT number (partita IVA): 11 digits with the Luhn-like check digit.
pub fn valid_partita_iva(p: &str) -> bool {
    if p.len() != 11 || !p.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let d: Vec<u32> = p.chars().map(|c| c.to_digit(10).unwrap_or(0)).collect();
    let mut s = 0;
    for (i, v) in d.iter().take(10).enumerate() {
        if i % 2 == 0 {
            s += v;
        } else {
            let x = v * 2;
            s += if x > 9 { x - 9 } else { x };
        }
    }
    (10 - s % 10) % 10 == d[10]
}

/// The longest name, surname, e-mail or title of a person (characters).
pub const MAX_NOME: usize = 200;
/// The longest name of an organisation (official names of bodies can be long).
pub const MAX_NOME_ORGANIZZAZIONE: usize = 300;
/// The longest free note.
pub const MAX_NOTE: usize = 5_000;

impl PersonaForm {
    pub fn validate(&self, today: NaiveDate) -> Result<PersonaValida, FormErrors> {
        let mut e = FormErrors::default();
        let nome = self.nome.trim().to_owned();
        let cognome = self.cognome.trim().to_owned();
        if nome.is_empty() {
            e.add("nome", "Il nome è obbligatorio.");
        }
        if cognome.is_empty() {
            e.add("cognome", "Il cognome è obbligatorio.");
        }
        e.lunghezza("nome", &nome, MAX_NOME);
        e.lunghezza("cognome", &cognome, MAX_NOME);
        e.lunghezza("email", &self.email, MAX_NOME);
        e.lunghezza("luogo_nascita", &self.luogo_nascita, MAX_NOME);
        e.lunghezza("qualifica", &self.qualifica, MAX_NOME);
        e.lunghezza("note", &self.note, MAX_NOTE);
        let email = non_empty(&self.email).map(|s| s.to_lowercase());
        if let Some(m) = &email
            && !valid_email(m)
        {
            e.add(
                "email",
                "Indirizzo e-mail non valido, ad esempio nome.cognome@comune.it.",
            );
        }
        let telefono = non_empty(&self.telefono);
        if let Some(t) = &telefono
            && (!t
                .chars()
                .all(|c| c.is_ascii_digit() || " +()-/.".contains(c))
                || t.chars().filter(|c| c.is_ascii_digit()).count() < 6)
        {
            e.add("telefono", "Numero di telefono non valido.");
        }
        let codice_fiscale = non_empty(&self.codice_fiscale).map(|s| s.to_ascii_uppercase());
        if let Some(cf) = &codice_fiscale
            && !valid_codice_fiscale(cf)
        {
            e.add(
                "codice_fiscale",
                "Codice fiscale non valido: servono 16 caratteri.",
            );
        }
        let data_nascita = match non_empty(&self.data_nascita) {
            None => None,
            Some(s) => match fmt::parse_date(&s) {
                Some(d) if d <= today && d.year() >= 1900 => Some(d),
                Some(_) => {
                    e.add("data_nascita", "La data di nascita non è plausibile.");
                    None
                }
                None => {
                    e.add(
                        "data_nascita",
                        "Data non valida: usare il formato gg/mm/aaaa.",
                    );
                    None
                }
            },
        };
        let mut categorie: Vec<String> = Vec::new();
        for c in &self.categorie {
            if CATEGORIE.iter().any(|(k, _)| k == c) {
                if !categorie.contains(c) {
                    categorie.push(c.clone());
                }
            } else {
                e.add("categorie", "Categoria sconosciuta.");
            }
        }
        if e.is_empty() {
            Ok(PersonaValida {
                nome,
                cognome,
                email,
                telefono,
                codice_fiscale,
                data_nascita,
                luogo_nascita: non_empty(&self.luogo_nascita),
                organizzazione_public_id: non_empty(&self.organizzazione),
                qualifica: non_empty(&self.qualifica),
                note: non_empty(&self.note),
                categorie,
            })
        } else {
            Err(e)
        }
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OrganizzazioneForm {
    #[serde(default)]
    pub nome: String,
    #[serde(default)]
    pub tipo: String,
    #[serde(default)]
    pub codice_fiscale: String,
    #[serde(default)]
    pub partita_iva: String,
    /// ISTAT code of the comune.
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub pec: String,
    #[serde(default)]
    pub telefono: String,
    #[serde(default)]
    pub sito_web: String,
    #[serde(default)]
    pub indirizzo: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct OrganizzazioneValida {
    pub nome: String,
    pub tipo: String,
    pub codice_fiscale: Option<String>,
    pub partita_iva: Option<String>,
    pub comune_istat: Option<String>,
    pub email: Option<String>,
    pub pec: Option<String>,
    pub telefono: Option<String>,
    pub sito_web: Option<String>,
    pub indirizzo: Option<String>,
    pub note: Option<String>,
}

impl OrganizzazioneForm {
    /// `comune_exists` tells whether an ISTAT code is a known comune.
    pub fn validate(
        &self,
        comune_exists: impl Fn(&str) -> bool,
    ) -> Result<OrganizzazioneValida, FormErrors> {
        let mut e = FormErrors::default();
        let nome = self.nome.trim().to_owned();
        if nome.is_empty() {
            e.add("nome", "Il nome è obbligatorio.");
        }
        e.lunghezza("nome", &nome, MAX_NOME_ORGANIZZAZIONE);
        e.lunghezza("email", &self.email, MAX_NOME);
        e.lunghezza("pec", &self.pec, MAX_NOME);
        if !TIPI_ORGANIZZAZIONE.iter().any(|(k, _)| *k == self.tipo) {
            e.add("tipo", "Scegliere il tipo di organizzazione.");
        }
        let codice_fiscale = non_empty(&self.codice_fiscale).map(|s| s.to_ascii_uppercase());
        if let Some(cf) = &codice_fiscale {
            // Organisations have an 11-digit numeric tax code; some use a person's 16-character one.
            if !(valid_partita_iva(cf)
                || (cf.len() == 11 && cf.chars().all(|c| c.is_ascii_digit()))
                || valid_codice_fiscale(cf))
            {
                e.add(
                    "codice_fiscale",
                    "Codice fiscale non valido: 11 cifre (ente) o 16 caratteri.",
                );
            }
        }
        let partita_iva = non_empty(&self.partita_iva);
        if let Some(p) = &partita_iva
            && !valid_partita_iva(p)
        {
            e.add(
                "partita_iva",
                "Partita IVA non valida: 11 cifre con la cifra di controllo corretta.",
            );
        }
        let comune_istat = non_empty(&self.comune);
        if let Some(c) = &comune_istat {
            if !comune_exists(c) {
                e.add("comune", "Comune sconosciuto.");
            }
        } else if self.tipo == "comune" {
            e.add(
                "comune",
                "Per un'organizzazione di tipo comune indicare il comune.",
            );
        }
        for (field, value) in [("email", &self.email), ("pec", &self.pec)] {
            if let Some(m) = non_empty(value)
                && !valid_email(&m)
            {
                e.add(field, "Indirizzo e-mail non valido.");
            }
        }
        let sito_web = non_empty(&self.sito_web);
        if let Some(s) = &sito_web
            && (!(s.starts_with("http://") || s.starts_with("https://"))
                || s.contains(char::is_whitespace))
        {
            e.add(
                "sito_web",
                "L'indirizzo del sito deve iniziare con https:// o http://.",
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(OrganizzazioneValida {
            nome,
            tipo: self.tipo.clone(),
            codice_fiscale,
            partita_iva,
            comune_istat,
            email: non_empty(&self.email).map(|s| s.to_lowercase()),
            pec: non_empty(&self.pec).map(|s| s.to_lowercase()),
            telefono: non_empty(&self.telefono),
            sito_web,
            indirizzo: non_empty(&self.indirizzo),
            note: non_empty(&self.note),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn mandate_end_and_state() {
        let fine = fine_mandato(Some(d(2021, 10, 3)), 5);
        assert_eq!(fine, Some(d(2026, 10, 3)));
        assert_eq!(
            StatoMandato::of(fine, d(2026, 11, 26), 6),
            StatoMandato::Scaduto
        );
        assert_eq!(
            StatoMandato::of(fine, d(2026, 5, 1), 6),
            StatoMandato::InScadenza
        );
        assert_eq!(
            StatoMandato::of(fine, d(2025, 1, 1), 6),
            StatoMandato::InCorso
        );
        assert_eq!(
            StatoMandato::of(None, d(2025, 1, 1), 6),
            StatoMandato::Sconosciuto
        );
        // 29 February + 5 years lands on 28 February.
        assert_eq!(fine_mandato(Some(d(2024, 2, 29)), 5), Some(d(2029, 2, 28)));
    }

    #[test]
    fn offices_from_dait() {
        assert_eq!(Carica::from_dait("Sindaco", ""), Carica::Sindaco);
        assert_eq!(
            Carica::from_dait("Assessore", "Vicesindaco"),
            Carica::Vicesindaco
        );
        assert_eq!(
            Carica::from_dait("Consigliere", "Presidente del consiglio"),
            Carica::PresidenteConsiglio
        );
        assert_eq!(
            Carica::from_dait("Consigliere candidato sindaco", ""),
            Carica::Consigliere
        );
        assert_eq!(
            Carica::from_dait("Commissario straordinario", ""),
            Carica::Altro
        );
    }

    #[test]
    fn tax_codes() {
        assert!(valid_partita_iva("01114601006"));
        assert!(!valid_partita_iva("01114601007"));
        assert!(valid_codice_fiscale("RSSMRA80A01D612X"));
        assert!(!valid_codice_fiscale("RSSMRA80A01"));
    }
}
