//! The plan read from a document's structure (DOCX, ODT, PDF, Markdown, reStructuredText):
//! headings are headings, list items are list items, so nothing is guessed from the look of a
//! line.
//!
//! - An **objectives heading** ([`Regole`]), or a paragraph that is one followed by `:`, opens
//!   a list: the items of its outermost level that follow are the objectives (deeper items
//!   belong to their item; a paragraph in lower case right after an item continues it, as an
//!   item broken by a page does). A table there gives one objective per row (its first
//!   non-empty cell; a header row is skipped).
//! - The objectives belong to the section of the last heading before the objectives heading
//!   (its parent, or the sibling heading right before it: plans write both).
//! - `Obiettivo 1.2 – Titolo` headings are objectives of the enclosing section.
//! - The title is the document's own (metadata), or its first top-level heading; a heading
//!   repeated as a page header is skipped wherever it appears. A list item is never the title.

use std::collections::HashMap;

use piazza_office::{Blocco, Documento};

use super::{AreaLetta, PianoLetto, Regole, clean_heading, clean_item, obiettivo_numerato};
use crate::kit::text::normalize;

/// A heading on the way down to the current block.
struct Sezione {
    livello: u8,
    titolo: String,
    /// The index in `aree` once the section has objectives.
    area: Option<usize>,
}

/// An open list of objectives.
struct Lista {
    /// Its text, for the preview.
    sotto: String,
    /// The level of the items that are objectives (the first item's).
    livello_voci: Option<u8>,
    /// An objective was taken: prose after it ends the list.
    prese: bool,
}

/// Reads the areas and objectives of a document read by `piazza_office`.
pub fn leggi_struttura(doc: &Documento, regole: &Regole) -> PianoLetto {
    let titoli = doc.blocchi.iter().filter_map(|b| match b {
        Blocco::Titolo { testo, .. } => Some(normalize(testo)),
        _ => None,
    });
    let mut volte: HashMap<String, usize> = HashMap::new();
    for t in titoli {
        *volte.entry(t).or_default() += 1;
    }
    // The first heading of the top level is the title when that level holds nothing else
    // (or the same text again, as a page header).
    let intestazioni: Vec<(u8, String)> = doc
        .blocchi
        .iter()
        .filter_map(|b| match b {
            Blocco::Titolo { livello, testo } => Some((*livello, normalize(testo))),
            _ => None,
        })
        .collect();
    let primo_livello = intestazioni.iter().map(|(l, _)| *l).min().filter(|m| {
        let mut testi = intestazioni.iter().filter(|(l, _)| l == m).map(|(_, t)| t);
        let primo = testi.next();
        testi.all(|t| Some(t) == primo)
    });

    let mut piano = PianoLetto {
        titolo: doc
            .titolo
            .as_deref()
            .map(clean_heading)
            .filter(|t| !t.is_empty()),
        ..Default::default()
    };
    let mut titolo_norm: Option<String> = piano.titolo.as_deref().map(normalize);
    let mut sezioni: Vec<Sezione> = Vec::new();
    let mut lista: Option<Lista> = None;
    // Inside an `Obiettivo 1.2` heading of this level: its sub-lists are not more objectives.
    let mut in_obiettivo: Option<u8> = None;
    let mut visti: Vec<String> = Vec::new();

    for b in &doc.blocchi {
        match b {
            Blocco::Titolo { livello, testo } => {
                let n = normalize(testo);
                // The title, and headings repeated on every page, are not sections.
                if piano.titolo.is_none() && Some(*livello) == primo_livello {
                    piano.titolo = Some(clean_heading(testo));
                    titolo_norm = Some(n);
                    continue;
                }
                if titolo_norm.as_ref() == Some(&n)
                    || (volte.get(&n).copied().unwrap_or(0) >= 3
                        && !regole.e_titolo_obiettivi(testo))
                {
                    continue;
                }
                let pulito = clean_heading(testo);
                if in_obiettivo.is_some_and(|l| *livello <= l) {
                    in_obiettivo = None;
                }
                let numerato = obiettivo_numerato(&pulito);
                if numerato.is_none() && regole.e_titolo_obiettivi(&pulito) {
                    lista = in_obiettivo.is_none().then_some(Lista {
                        sotto: pulito,
                        livello_voci: None,
                        prese: false,
                    });
                    continue;
                }
                lista = None;
                if let Some(o) = numerato {
                    // Of the enclosing section (a heading above this level).
                    while sezioni.last().is_some_and(|s| s.livello >= *livello) {
                        sezioni.pop();
                    }
                    aggiungi(&mut piano, &mut sezioni, o, "Obiettivo numerato");
                    in_obiettivo = Some(*livello);
                    continue;
                }
                while sezioni.last().is_some_and(|s| s.livello >= *livello) {
                    sezioni.pop();
                }
                if !pulito.is_empty() {
                    visti.push(pulito.clone());
                    sezioni.push(Sezione {
                        livello: *livello,
                        titolo: pulito,
                        area: None,
                    });
                }
            }
            Blocco::Paragrafo(p) => {
                let attacco = p.trim().trim_end_matches(':');
                if p.trim().len() < 120 && regole.e_titolo_obiettivi(&clean_heading(attacco)) {
                    if in_obiettivo.is_none() {
                        lista = Some(Lista {
                            sotto: clean_heading(attacco),
                            livello_voci: None,
                            prese: false,
                        });
                    }
                    continue;
                }
                let Some(l) = lista.as_mut() else { continue };
                if !l.prese {
                    continue; // an introduction before the items
                }
                if p.starts_with(|c: char| c.is_lowercase()) {
                    // An item broken by a page or a column.
                    if let Some(o) = ultimo(&mut piano, &sezioni) {
                        let unito = format!("{o} {p}");
                        *o = clean_item(&unito);
                    }
                    continue;
                }
                lista = None;
            }
            Blocco::Voce { livello, testo, .. } => {
                let Some(l) = lista.as_mut() else { continue };
                let base = *l.livello_voci.get_or_insert(*livello);
                if *livello > base {
                    continue;
                }
                if *livello < base {
                    l.livello_voci = Some(*livello);
                }
                let o = clean_item(testo);
                if !o.is_empty() {
                    l.prese = true;
                    let sotto = l.sotto.clone();
                    aggiungi(&mut piano, &mut sezioni, o, &sotto);
                }
            }
            Blocco::Tabella(righe) => {
                let Some(l) = lista.as_mut() else { continue };
                let sotto = l.sotto.clone();
                for (i, r) in righe.iter().enumerate() {
                    let Some(c) = r.iter().map(|c| c.trim()).find(|c| !c.is_empty()) else {
                        continue;
                    };
                    if i == 0 && intestazione(r) {
                        continue;
                    }
                    let o = clean_item(c);
                    if !o.is_empty() {
                        aggiungi(&mut piano, &mut sezioni, o, &sotto);
                    }
                }
                lista = None;
            }
        }
    }
    let aree: Vec<String> = piano.aree.iter().map(|a| normalize(&a.titolo)).collect();
    piano.sezioni_senza_obiettivi = visti
        .into_iter()
        .filter(|t| !aree.contains(&normalize(t)))
        .collect();
    piano
}

/// A table's first row is a header when its cells name columns (`Obiettivo`, `Indicatore`…).
fn intestazione(riga: &[String]) -> bool {
    riga.iter().any(|c| {
        let n = normalize(c);
        [
            "obiettiv",
            "indicator",
            "target",
            "azion",
            "descrizion",
            "risultat",
            "n",
        ]
        .iter()
        .any(|k| n == *k || n.starts_with(k) && n.len() <= 24)
    })
}

/// Adds an objective to the current section, making it an area on its first one.
fn aggiungi(piano: &mut PianoLetto, sezioni: &mut [Sezione], obiettivo: String, sotto: &str) {
    let i = match sezioni.last_mut() {
        Some(s) => *s.area.get_or_insert_with(|| {
            piano.aree.push(AreaLetta {
                titolo: s.titolo.clone(),
                obiettivi: Vec::new(),
                sotto: sotto.to_owned(),
            });
            piano.aree.len() - 1
        }),
        None => {
            // Objectives before any section: an area named after what introduced them.
            if piano.aree.first().is_none_or(|a| a.titolo != "Generale") {
                piano.aree.insert(
                    0,
                    AreaLetta {
                        titolo: "Generale".into(),
                        obiettivi: Vec::new(),
                        sotto: sotto.to_owned(),
                    },
                );
            }
            0
        }
    };
    piano.aree[i].obiettivi.push(obiettivo);
}

/// The last objective taken in the current section.
fn ultimo<'p>(piano: &'p mut PianoLetto, sezioni: &[Sezione]) -> Option<&'p mut String> {
    let i = sezioni.last()?.area?;
    piano.aree.get_mut(i)?.obiettivi.last_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(livello: u8, s: &str) -> Blocco {
        Blocco::Titolo {
            livello,
            testo: s.into(),
        }
    }
    fn p(s: &str) -> Blocco {
        Blocco::Paragrafo(s.into())
    }
    fn v(livello: u8, s: &str) -> Blocco {
        Blocco::Voce {
            livello,
            numerata: false,
            testo: s.into(),
        }
    }
    fn leggi(blocchi: Vec<Blocco>) -> PianoLetto {
        leggi_struttura(
            &Documento {
                titolo: None,
                blocchi,
            },
            &Regole::default(),
        )
    }
    fn conta(p: &PianoLetto) -> Vec<(&str, usize)> {
        p.aree
            .iter()
            .map(|a| (a.titolo.as_str(), a.obiettivi.len()))
            .collect()
    }

    #[test]
    fn sibling_and_child_objectives_headings_with_page_headers() {
        let p = leggi(vec![
            p("Approvato dal consiglio"),
            t(1, "Piano 2031"),
            t(2, "● rappresentanza"),
            p("Testo."),
            v(1, "Una voce che non è un obiettivo"),
            t(2, "Obiettivi"),
            v(1, "Primo obiettivo;"),
            v(2, "un dettaglio del primo"),
            v(1, "Secondo obiettivo diviso"),
            t(1, "Piano 2031"),
            p("dalla pagina."),
            t(2, "Progetti europei"),
            t(3, "Obiettivi strategici 2031-2033"),
            p("Introduzione alla lista."),
            v(1, "Terzo"),
            p("Una frase che chiude la lista."),
            v(1, "Non un obiettivo"),
            t(3, "Risultati attesi"),
            v(1, "Quarto."),
            t(2, "Una sezione senza obiettivi"),
        ]);
        assert_eq!(p.titolo.as_deref(), Some("Piano 2031"));
        assert_eq!(conta(&p), [("Rappresentanza", 2), ("Progetti europei", 2)]);
        assert_eq!(
            p.aree[0].obiettivi,
            ["Primo obiettivo", "Secondo obiettivo diviso dalla pagina"]
        );
        assert_eq!(p.aree[1].obiettivi, ["Terzo", "Quarto"]);
        assert_eq!(p.aree[1].sotto, "Obiettivi strategici 2031-2033");
        assert_eq!(p.sezioni_senza_obiettivi, ["Una sezione senza obiettivi"]);
    }

    #[test]
    fn numbered_objective_headings_lead_ins_and_tables() {
        let p = leggi(vec![
            t(1, "Agenda digitale"),
            t(2, "1. Servizi in rete"),
            t(3, "Obiettivo 1.1 – Sportello unico online"),
            p("Descrizione."),
            t(4, "Risultati attesi"),
            v(1, "Non un obiettivo: un risultato dell'obiettivo 1.1"),
            t(3, "Obiettivo 1.2: pagamenti elettronici"),
            t(2, "2. Competenze"),
            p("Obiettivi specifici:"),
            v(1, "Corsi per il personale"),
            t(2, "3. Dati"),
            t(3, "Obiettivi"),
            Blocco::Tabella(vec![
                vec!["Obiettivo".into(), "Indicatore".into()],
                vec!["Catalogo dei dati aperti".into(), "n. dataset".into()],
                vec!["".into(), "".into()],
                vec!["Qualità dei dati".into(), "%".into()],
            ]),
        ]);
        assert_eq!(p.titolo.as_deref(), Some("Agenda digitale"));
        assert_eq!(
            conta(&p),
            [("Servizi in rete", 2), ("Competenze", 1), ("Dati", 2)]
        );
        assert_eq!(
            p.aree[0].obiettivi,
            ["Sportello unico online", "Pagamenti elettronici"]
        );
        assert_eq!(p.aree[1].sotto, "Obiettivi specifici");
        assert_eq!(
            p.aree[2].obiettivi,
            ["Catalogo dei dati aperti", "Qualità dei dati"]
        );
    }

    #[test]
    fn the_title_is_never_a_list_item_and_configured_forms_replace_the_default() {
        let p = leggi(vec![
            v(1, "Una voce in testa al documento"),
            t(1, "Area uno"),
            t(2, "Obiettivi"),
            v(1, "Uno"),
            t(1, "Area due"),
            t(2, "Obiettivi"),
            v(1, "Due"),
        ]);
        assert_eq!(p.titolo, None, "two top-level sections: no title");
        assert_eq!(conta(&p), [("Area uno", 1), ("Area due", 1)]);
        let doc = Documento {
            titolo: Some("Piano della Provincia".into()),
            blocchi: vec![t(1, "Ambiente"), t(2, "Traguardi"), v(1, "Meno rifiuti")],
        };
        let p = leggi_struttura(&doc, &Regole::default());
        assert_eq!(p.titolo.as_deref(), Some("Piano della Provincia"));
        assert!(p.aree.is_empty());
        let p = leggi_struttura(&doc, &Regole::da(&["Traguardi".into()]));
        assert_eq!(conta(&p), [("Ambiente", 1)]);
    }
}
