//! The project form and the validated project the store writes.

use chrono::NaiveDate;

use super::{Catalogo, RUOLI, STATI, TIPI, codice, parse_euro, parse_tasso};
use crate::kit::text::non_empty;
use crate::kit::view::FormErrors;

/// A project as its form fills it, validated: what the store writes.
#[derive(Debug, Clone, PartialEq)]
pub struct DatiProgetto {
    pub codice: String,
    pub acronimo: String,
    pub titolo: String,
    pub descrizione: Option<String>,
    pub tipo: String,
    pub programma_id: i64,
    pub bando_rif: Option<String>,
    pub ruolo: String,
    pub data_inizio: Option<NaiveDate>,
    pub data_fine: Option<NaiveDate>,
    pub stato: String,
    pub budget_totale: i64,
    pub quota_associazione: i64,
    pub cofinanziamento_bp: Option<i32>,
    pub dipende_regione: bool,
    pub responsabile_id: Option<i64>,
}

/// The project form as posted (every field text; `dipende_regione` a checkbox).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ProgettoForm {
    #[serde(default)]
    pub codice: String,
    #[serde(default)]
    pub acronimo: String,
    #[serde(default)]
    pub titolo: String,
    #[serde(default)]
    pub descrizione: String,
    #[serde(default)]
    pub tipo: String,
    #[serde(default)]
    pub programma: String,
    #[serde(default)]
    pub bando_rif: String,
    #[serde(default)]
    pub ruolo: String,
    #[serde(default)]
    pub data_inizio: String,
    #[serde(default)]
    pub data_fine: String,
    #[serde(default)]
    pub stato: String,
    #[serde(default)]
    pub budget_totale: String,
    #[serde(default)]
    pub quota_associazione: String,
    #[serde(default)]
    pub cofinanziamento: String,
    #[serde(default)]
    pub dipende_regione: Option<String>,
    #[serde(default)]
    pub responsabile: String,
    /// The approved proposal the project comes from (id), if any.
    #[serde(default)]
    pub proposta: String,
}

impl ProgettoForm {
    /// Validates the form; `programmi` are the ids of the catalogue, `persone` the ids a
    /// responsible person may be chosen from.
    pub fn validate(&self, programmi: &[i64], persone: &[i64]) -> Result<DatiProgetto, FormErrors> {
        let mut e = FormErrors::default();
        let codice = self.codice.trim().to_owned();
        if codice.is_empty() {
            e.add("codice", "Indicare il codice del progetto.");
        } else if codice.len() > 40 {
            e.add("codice", "Il codice è lungo al massimo 40 caratteri.");
        }
        let acronimo = self.acronimo.trim().to_owned();
        if acronimo.is_empty() {
            e.add("acronimo", "Indicare l'acronimo del progetto.");
        }
        let titolo = self.titolo.trim().to_owned();
        if titolo.is_empty() {
            e.add("titolo", "Indicare il titolo del progetto.");
        }
        let tipo = codice_di(
            &mut e,
            "tipo",
            TIPI,
            &self.tipo,
            "Scegliere il tipo di progetto.",
        );
        let ruolo = codice_di(
            &mut e,
            "ruolo",
            RUOLI,
            &self.ruolo,
            "Scegliere il ruolo dell'associazione.",
        );
        let stato = codice_di(
            &mut e,
            "stato",
            STATI,
            &self.stato,
            "Scegliere lo stato del progetto.",
        );
        let programma_id = match self.programma.trim().parse::<i64>() {
            Ok(id) if programmi.contains(&id) => id,
            _ => {
                e.add("programma", "Scegliere il programma o fondo dal catalogo.");
                0
            }
        };
        let data_inizio = e.date("data_inizio", &self.data_inizio);
        let data_fine = e.date("data_fine", &self.data_fine);
        if let (Some(i), Some(f)) = (data_inizio, data_fine)
            && f < i
        {
            e.add("data_fine", "La fine viene prima dell'inizio.");
        }
        let mut importo = |campo: &'static str, v: &str| -> i64 {
            if v.trim().is_empty() {
                return 0;
            }
            parse_euro(v).unwrap_or_else(|m| {
                e.add(campo, m);
                0
            })
        };
        let budget_totale = importo("budget_totale", &self.budget_totale);
        let quota_associazione = importo("quota_associazione", &self.quota_associazione);
        if quota_associazione > budget_totale && !e.has("budget_totale") {
            e.add(
                "quota_associazione",
                "La quota dell'associazione supera il budget totale.",
            );
        }
        let cofinanziamento_bp = parse_tasso(&self.cofinanziamento).unwrap_or_else(|m| {
            e.add("cofinanziamento", m);
            None
        });
        let responsabile_id = match self.responsabile.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) if persone.contains(&id) => Some(id),
                _ => {
                    e.add(
                        "responsabile",
                        "Scegliere il responsabile tra il personale.",
                    );
                    None
                }
            },
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(DatiProgetto {
            codice,
            acronimo,
            titolo,
            descrizione: non_empty(&self.descrizione),
            tipo: tipo.into(),
            programma_id,
            bando_rif: non_empty(&self.bando_rif),
            ruolo: ruolo.into(),
            data_inizio,
            data_fine,
            stato: stato.into(),
            budget_totale,
            quota_associazione,
            cofinanziamento_bp,
            dipende_regione: self.dipende_regione.is_some(),
            responsabile_id,
        })
    }
}

/// A catalogue field: the code, or an error on `campo`.
fn codice_di(
    e: &mut FormErrors,
    campo: &'static str,
    catalogo: Catalogo,
    v: &str,
    msg: &str,
) -> &'static str {
    codice(catalogo, v).unwrap_or_else(|| {
        e.add(campo, msg);
        ""
    })
}
