//! The person form and its validation.

use chrono::{Datelike, NaiveDate};

use super::{CATEGORIE, MAX_NOME, MAX_NOTE, valid_codice_fiscale, valid_email};
use crate::kit::fmt;
use crate::kit::text::non_empty;
use crate::kit::view::FormErrors;

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
