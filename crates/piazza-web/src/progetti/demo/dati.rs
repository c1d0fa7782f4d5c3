//! The demo data of Progetti, read from `data/demo/progetti*.toml` (embedded in the binary):
//! the project office, the partners, the projects, the calls, the work plan's steps, the
//! continuity actions and the links to the plan's objectives.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::kit::error::{AppError, AppResult};

const UFFICIO: &str = include_str!("../../../../../data/demo/progetti.toml");
const EUROPEI: &str = include_str!("../../../../../data/demo/progetti-europei.toml");
const REGIONALI: &str = include_str!("../../../../../data/demo/progetti-regionali.toml");

/// Everything but the projects (`progetti.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Ufficio {
    /// The titles of a project's work packages, in order.
    pub titoli_wp: Vec<String>,
    /// Continuity actions, given in turn to some regional projects at risk.
    pub azioni_continuita: Vec<String>,
    pub ruoli_staff: RuoliStaff,
    pub scadenze_wp: Vec<ScadenzaWp>,
    pub ufficio: Vec<Persona>,
    pub partner: Vec<Partner>,
    pub bandi: Vec<Bando>,
    pub collegamenti: Vec<Collegamento>,
}

/// The roles of the office's staff on a project.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuoliStaff {
    pub responsabile: String,
    pub rendicontazione: String,
    pub supporto: String,
}

/// From where the due date of a milestone or deliverable is counted.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Da {
    Inizio,
    Meta,
    Fine,
}

/// A milestone or deliverable of every work plan.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScadenzaWp {
    pub tipo: String,
    pub codice: String,
    pub titolo: String,
    pub da: Da,
    /// Months after `da` (before it when negative, never before the start).
    pub mesi: i32,
    /// The work package, counted from 0 (the last one when the project has fewer).
    pub wp: usize,
}

impl ScadenzaWp {
    /// Months from the start of a project lasting `durata` months.
    pub fn dopo(&self, durata: u32) -> u32 {
        let base = match self.da {
            Da::Inizio => 0,
            Da::Meta => durata / 2,
            Da::Fine => durata,
        };
        (i64::from(base) + i64::from(self.mesi)).max(0) as u32
    }
}

/// A person of the project office (categoria `staff`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Persona {
    pub nome: String,
    pub cognome: String,
    pub qualifica: String,
}

/// A partner organisation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Partner {
    pub nome: String,
    /// The kind of organisation in Anagrafica.
    pub tipo: String,
    /// ISO 3166-1 alpha-2.
    pub paese: String,
}

/// A call and the proposals prepared for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Bando {
    /// The programme's code in the catalogue.
    pub programma: String,
    pub titolo: String,
    pub scadenza: NaiveDate,
    pub proposte: Vec<Proposta>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Proposta {
    /// The proposal's title, and the acronym of the project made from it (if any).
    pub acronimo: String,
    pub ruolo: String,
    pub budget_euro: i64,
    pub esito: String,
}

/// Projects linked to an objective of the demo plan.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Collegamento {
    /// A fragment of the objective's title.
    pub obiettivo: String,
    /// The projects' acronyms.
    pub progetti: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Portafoglio {
    progetti: Vec<Progetto>,
}

/// A demo project.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Progetto {
    pub codice: String,
    pub acronimo: String,
    pub titolo: String,
    /// The programme's code in the catalogue.
    pub programma: String,
    pub ruolo: String,
    /// The first day.
    pub inizio: NaiveDate,
    /// How long it lasts.
    pub mesi: u32,
    pub budget_euro: i64,
    pub quota_euro: i64,
    pub cofinanziamento_percento: Option<i32>,
    /// ISTAT codes.
    pub comuni: Vec<String>,
    /// Names of partner organisations (of `Ufficio::partner`).
    #[serde(default)]
    pub partner: Vec<String>,
    /// The state when it is not simply derived from the dates.
    pub stato: Option<String>,
}

fn leggi<T: for<'de> Deserialize<'de>>(file: &str, testo: &str) -> AppResult<T> {
    toml::from_str(testo).map_err(|e| AppError::interno(format!("data/demo/{file}: {e}")))
}

/// The office's data, then the EU and the regional projects.
pub(super) fn carica() -> AppResult<(Ufficio, Vec<Progetto>, Vec<Progetto>)> {
    let ufficio = leggi("progetti.toml", UFFICIO)?;
    let europei: Portafoglio = leggi("progetti-europei.toml", EUROPEI)?;
    let regionali: Portafoglio = leggi("progetti-regionali.toml", REGIONALI)?;
    Ok((ufficio, europei.progetti, regionali.progetti))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_files_read() {
        let (u, eu, rt) = super::carica().unwrap();
        assert_eq!((eu.len(), rt.len()), (23, 32));
        assert_eq!(u.titoli_wp.len(), 4);
        for p in eu.iter().chain(&rt) {
            for n in &p.partner {
                assert!(u.partner.iter().any(|x| &x.nome == n), "{}: {n}", p.codice);
            }
        }
    }
}
