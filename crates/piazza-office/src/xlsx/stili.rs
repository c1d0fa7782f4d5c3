//! `styles.xml`: which cell formats (`cellXfs`, indexed by a cell's `s`) show dates.

use std::collections::HashMap;
use std::io::Read;

use super::nome_locale;
use crate::Errore;
use crate::date::{self, TipoData};
use crate::xml::{Ev, Xml, attributi, valore};

/// Formats kept; Excel allows 64 000 cell formats and a few hundred number formats.
const MAX_FORMATI_CELLA: usize = 100_000;
const MAX_FORMATI_NUMERO: usize = 10_000;

#[derive(Default)]
pub(crate) struct Stili {
    /// Per cell format: whether it shows a date, and of which kind.
    date: Vec<Option<TipoData>>,
}

impl Stili {
    pub fn data(&self, stile: usize) -> Option<TipoData> {
        self.date.get(stile).copied().flatten()
    }
}

fn numero(v: &str) -> Option<u32> {
    v.trim().parse().ok()
}

pub(crate) fn leggi<R: Read>(mut xml: Xml<'_, R>) -> Result<Stili, Errore> {
    let mut personalizzati: HashMap<u32, Option<TipoData>> = HashMap::new();
    let mut stili = Stili::default();
    let mut in_formati_cella = None;
    loop {
        let (ev, livello) = xml.prossimo()?;
        let (e, vuoto) = match ev {
            Ev::Apre(e) => (e, false),
            Ev::Vuoto(e) => (e, true),
            Ev::Chiude if in_formati_cella == Some(livello) => {
                // Cell formats come after number formats: nothing more is needed.
                return Ok(stili);
            }
            Ev::Fine => return Ok(stili),
            _ => continue,
        };
        match nome_locale(&e) {
            "numFmt" if personalizzati.len() < MAX_FORMATI_NUMERO => {
                let (mut id, mut codice) = (None, None);
                for a in attributi(&e) {
                    let a = a?;
                    match a.key.local_name().into_inner() {
                        "numFmtId" => id = numero(&valore(&a)?),
                        "formatCode" => {
                            let c = valore(&a)?;
                            codice =
                                Some(date::codice_formato_data(&c).then(|| date::tipo_codice(&c)));
                        }
                        _ => {}
                    }
                }
                if let (Some(id), Some(tipo)) = (id, codice) {
                    personalizzati.insert(id, tipo);
                }
            }
            "cellXfs" if !vuoto => in_formati_cella = Some(livello),
            "xf" if in_formati_cella.map(|l| l + 1) == Some(livello)
                && stili.date.len() < MAX_FORMATI_CELLA =>
            {
                let mut id = 0;
                for a in attributi(&e) {
                    let a = a?;
                    if a.key.local_name().into_inner() == "numFmtId" {
                        id = numero(&valore(&a)?).unwrap_or(0);
                    }
                }
                let tipo = match personalizzati.get(&id) {
                    Some(t) => *t,
                    None if date::formato_predefinito_data(id) => Some(date::tipo_predefinito(id)),
                    None => None,
                };
                stili.date.push(tipo);
            }
            _ => {}
        }
    }
}
