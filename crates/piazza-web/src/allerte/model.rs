//! What an operator composes: the form as typed and its validation into an alert for the
//! store, with every problem reported in Italian next to its field.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::bollettino::Livello;
use super::da_cap::RISCHI;
use super::registro::{Avviso, Tipo, Voce};
use super::store::Documento;
use crate::kit::fmt;
use crate::kit::view::FormErrors;
use crate::territorio::Territorio;

/// The compose form as typed.
#[derive(Debug, Clone, Default)]
pub struct ComponiForm {
    pub titolo: String,
    pub rischio: String,
    pub livello: String,
    pub inizio: String,
    pub scadenza: String,
    /// Codes of alert zones.
    pub zone: Vec<String>,
    /// ISTAT codes.
    pub comuni: Vec<String>,
    pub descrizione: String,
    pub istruzioni: String,
    pub esercitazione: bool,
}

impl ComponiForm {
    pub fn da_coppie(coppie: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (k, v) in coppie {
            match k.as_str() {
                "titolo" => f.titolo = v,
                "rischio" => f.rischio = v,
                "livello" => f.livello = v,
                "inizio" => f.inizio = v,
                "scadenza" => f.scadenza = v,
                "zone" => f.zone.push(v),
                "comuni" => f.comuni.push(v),
                "descrizione" => f.descrizione = v,
                "istruzioni" => f.istruzioni = v,
                "esercitazione" => f.esercitazione = !v.is_empty(),
                _ => {}
            }
        }
        f
    }
}

/// A validated alert: the comuni it covers (ISTAT codes, sorted) and its texts.
#[derive(Debug, Clone, PartialEq)]
pub struct NuovaAllerta {
    pub titolo: String,
    pub rischio: String,
    pub livello: Livello,
    pub inizio: DateTime<Utc>,
    pub scadenza: DateTime<Utc>,
    pub comuni: Vec<String>,
    pub area: String,
    pub descrizione: Option<String>,
    pub istruzioni: Option<String>,
    pub esercitazione: bool,
}

/// `gg/mm/aaaa hh:mm` (or the ISO form of a `datetime-local` field), in Italian time.
pub fn parse_ora(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(fmt::da_ora_italiana)
}

fn testo(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Validates the form. `ora` is now (an alert cannot end in the past).
pub fn valida(
    f: &ComponiForm,
    t: &Territorio,
    ora: DateTime<Utc>,
) -> Result<NuovaAllerta, FormErrors> {
    let mut e = FormErrors::default();
    let titolo = f.titolo.trim();
    if titolo.is_empty() {
        e.add("titolo", "Scrivi il titolo dell'allerta.");
    } else if titolo.chars().count() > 200 {
        e.add("titolo", "Il titolo può avere al massimo 200 caratteri.");
    }
    if !RISCHI.iter().any(|(k, _)| *k == f.rischio) {
        e.add("rischio", "Scegli il rischio.");
    }
    let livello = match Livello::da_nome(&f.livello) {
        Some(l) if l > Livello::Verde => Some(l),
        _ => {
            e.add("livello", "Scegli il livello: giallo, arancione o rosso.");
            None
        }
    };
    let inizio = if f.inizio.trim().is_empty() {
        Some(ora)
    } else {
        let v = parse_ora(&f.inizio);
        if v.is_none() {
            e.add(
                "inizio",
                "Data e ora non valide: usa il formato gg/mm/aaaa hh:mm.",
            );
        }
        v
    };
    let scadenza = parse_ora(&f.scadenza);
    match (inizio, scadenza) {
        (_, None) => e.add(
            "scadenza",
            "Indica fino a quando vale l'allerta (gg/mm/aaaa hh:mm).",
        ),
        (Some(i), Some(s)) if s <= i => e.add("scadenza", "La fine deve essere dopo l'inizio."),
        (_, Some(s)) if s <= ora => e.add("scadenza", "La fine è già passata."),
        _ => {}
    }
    let mut comuni: Vec<String> = Vec::new();
    let mut aree: Vec<String> = Vec::new();
    for z in &f.zone {
        match t.zona(z) {
            Some(zona) => {
                aree.push(format!("zona {} ({})", zona.codice, zona.nome));
                comuni.extend(
                    zona.comuni
                        .iter()
                        .map(|i| t.comuni[*i].codice_istat.clone()),
                );
            }
            None => e.add("zone", format!("Zona di allerta sconosciuta: «{z}».")),
        }
    }
    for c in f.comuni.iter().filter(|c| !c.trim().is_empty()) {
        match t.comune(c.trim()) {
            Some(cm) => {
                aree.push(cm.nome.clone());
                comuni.push(cm.codice_istat.clone());
            }
            None => e.add("comuni", format!("Comune sconosciuto: «{c}».")),
        }
    }
    comuni.sort();
    comuni.dedup();
    if comuni.is_empty() && !e.has("zone") && !e.has("comuni") {
        e.add("comuni", "Scegli almeno una zona di allerta o un comune.");
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(NuovaAllerta {
        titolo: titolo.to_owned(),
        rischio: f.rischio.clone(),
        livello: livello.expect("checked"),
        inizio: inizio.expect("checked"),
        scadenza: scadenza.expect("checked"),
        comuni,
        area: aree.join(", "),
        descrizione: testo(&f.descrizione),
        istruzioni: testo(&f.istruzioni),
        esercitazione: f.esercitazione,
    })
}

impl NuovaAllerta {
    /// The document for the store (`testo` is written once the alert has its id).
    pub fn documento(
        &self,
        mittente: &str,
        ora: DateTime<Utc>,
        comune_id: Option<i64>,
    ) -> Documento {
        let nome_rischio = RISCHI
            .iter()
            .find(|(k, _)| *k == self.rischio)
            .map(|(_, n)| *n)
            .unwrap_or("Altro");
        Documento {
            avviso: Avviso {
                chiave: (
                    mittente.to_owned(),
                    format!("piazza-op-{}", piazza_db::new_public_id()),
                    ora.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                ),
                tipo: Tipo::Alert,
                reale: !self.esercitazione,
                riferimenti: Vec::new(),
                voci: vec![Voce {
                    rischio: self.rischio.clone(),
                    livello: self.livello,
                    comuni: self.comuni.clone(),
                }],
                inizio: Some(self.inizio),
                scadenza: Some(self.scadenza),
            },
            msg_type: "Alert".into(),
            status: if self.esercitazione {
                "Exercise".into()
            } else {
                "Actual".into()
            },
            esercitazione: self.esercitazione,
            inviato_at: ora,
            evento: format!(
                "Allerta {} per rischio {}",
                self.livello.nome(),
                nome_rischio.to_lowercase()
            ),
            titolo: self.titolo.clone(),
            descrizione: self.descrizione.clone(),
            istruzioni: self.istruzioni.clone(),
            area: Some(self.area.clone()),
            comune_id,
            testo: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_in_italian_time() {
        assert_eq!(
            parse_ora("26/11/2026 14:30").unwrap().to_rfc3339(),
            "2026-11-26T13:30:00+00:00"
        );
        assert_eq!(
            parse_ora("2026-07-01T08:00").unwrap().to_rfc3339(),
            "2026-07-01T06:00:00+00:00"
        );
        assert!(parse_ora("domani").is_none());
    }
}
