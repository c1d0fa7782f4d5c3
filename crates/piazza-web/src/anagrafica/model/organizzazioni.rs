//! The organisation form and its validation.

use super::{
    MAX_NOME, MAX_NOME_ORGANIZZAZIONE, TIPI_ORGANIZZAZIONE, valid_codice_fiscale, valid_email,
    valid_partita_iva,
};
use crate::kit::text::non_empty;
use crate::kit::view::FormErrors;

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
