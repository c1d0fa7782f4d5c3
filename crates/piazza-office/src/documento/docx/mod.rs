//! DOCX (WordprocessingML): the body of `word/document.xml`, with the styles and numbering
//! that make a paragraph a heading or a list item, and the title from `docProps/core.xml`.
//!
//! Deleted and moved-away text, field codes, tracked formatting changes and the fallback of
//! `mc:AlternateContent` (or any choice after the first) are skipped; inserted text is kept.
//! A text box's paragraphs (nested inside a paragraph) are blocks of their own, before the
//! paragraph that holds them. Elements are matched by their conventional prefixes (`w:`,
//! `mc:`), as every WordprocessingML producer writes them.

mod stili;

use std::io::Read;

use quick_xml::events::BytesStart;

use super::Documento;
use super::testo::raccolta::{Raccolta, Testo};
use crate::xml::{Ev, Xml};
use crate::{Archivio, Controllo, Errore};
use stili::{Stili, val, val_piccolo};

pub(crate) fn leggi(a: &mut Archivio, c: &Controllo) -> Result<Documento, Errore> {
    let stili = Stili::leggi(a, c)?;
    let i = a
        .indice("word/document.xml")
        .ok_or_else(|| Errore::Danneggiato("manca word/document.xml".to_owned()))?;
    let mut r = Raccolta::new(c);
    corpo(a.xml(i, "word/document.xml", c)?, &stili, &mut r)?;
    let titolo = match a.indice("docProps/core.xml") {
        Some(i) => super::odt::titolo_dc(a.xml(i, "docProps/core.xml", c)?, r.max_blocco())?,
        None => None,
    };
    Ok(r.documento(titolo))
}

/// A paragraph being read.
struct Paragrafo {
    livello: usize,
    stile: Option<String>,
    contorno: Option<u8>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    testo: Testo,
}

/// The outermost table being read (nested ones are flattened into its cells).
struct Tabella {
    livello: usize,
    /// Levels of the tables nested in a cell, flattened into its text.
    annidate: Vec<usize>,
    righe: Vec<Vec<String>>,
    riga: Option<(usize, Vec<String>)>,
    cella: Option<Cella>,
}

struct Cella {
    livello: usize,
    testo: Testo,
    colonne: u64,
    continua: bool,
}

/// Elements whose content is not the document's text.
fn da_saltare(n: &str) -> bool {
    matches!(
        n,
        "w:del"
            | "w:moveFrom"
            | "w:instrText"
            | "w:delText"
            | "w:delInstrText"
            | "mc:Fallback"
            | "w:pPrChange"
            | "w:rPrChange"
            | "w:sectPrChange"
            | "w:tblPrChange"
            | "w:trPrChange"
            | "w:tcPrChange"
            | "w:numberingChange"
            | "w:sdtPr"
    )
}

fn corpo<R: Read>(mut xml: Xml<'_, R>, stili: &Stili, r: &mut Raccolta) -> Result<(), Errore> {
    let max = r.max_blocco();
    let max_colonne = u64::from(r.controllo.limiti.max_colonne);
    let mut paragrafi: Vec<Paragrafo> = Vec::new();
    let mut tabella: Option<Tabella> = None;
    let mut salta: Option<usize> = None;
    let mut in_ppr: Option<usize> = None;
    let mut in_t: Option<usize> = None;
    let mut alternative: Vec<(usize, bool)> = Vec::new();
    loop {
        let (ev, livello) = xml.prossimo()?;
        let (e, vuoto): (BytesStart, bool) = match ev {
            Ev::Apre(e) => (e, false),
            Ev::Vuoto(e) => (e, true),
            Ev::Testo(t) => {
                if salta.is_none()
                    && in_t.is_some()
                    && let Some(p) = paragrafi.last_mut()
                {
                    p.testo.aggiungi(&t)?;
                }
                continue;
            }
            Ev::Carattere(c) => {
                if salta.is_none()
                    && in_t.is_some()
                    && let Some(p) = paragrafi.last_mut()
                {
                    p.testo.carattere(c)?;
                }
                continue;
            }
            Ev::Chiude => {
                if let Some(l) = salta {
                    if l == livello {
                        salta = None;
                    }
                    continue;
                }
                if in_t == Some(livello) {
                    in_t = None;
                } else if in_ppr == Some(livello) {
                    in_ppr = None;
                } else if alternative.last().is_some_and(|a| a.0 == livello) {
                    alternative.pop();
                } else if paragrafi.last().is_some_and(|p| p.livello == livello) {
                    let p = paragrafi.pop().expect("checked");
                    fine_paragrafo(p, stili, tabella.as_mut(), r)?;
                } else if let Some(t) = tabella.as_mut() {
                    if t.annidate.last() == Some(&livello) {
                        t.annidate.pop();
                        if let Some(c) = t.cella.as_mut() {
                            c.testo.spazio();
                        }
                    } else if t.cella.as_ref().is_some_and(|c| c.livello == livello) {
                        let mut c = t.cella.take().expect("checked");
                        let riga = &mut t.riga.as_mut().expect("a cell is in a row").1;
                        let testo = if c.continua {
                            String::new()
                        } else {
                            c.testo.prendi()
                        };
                        if (riga.len() as u64).saturating_add(c.colonne) > max_colonne {
                            return Err(Errore::TabellaTroppoLarga {
                                limite: max_colonne as u32,
                            });
                        }
                        r.conta_cella(&testo)?;
                        riga.push(testo);
                        for _ in 1..c.colonne {
                            r.conta_cella("")?;
                            riga.push(String::new());
                        }
                    } else if t.riga.as_ref().is_some_and(|x| x.0 == livello) {
                        let (_, riga) = t.riga.take().expect("checked");
                        t.righe.push(riga);
                    } else if t.livello == livello {
                        let t = tabella.take().expect("checked");
                        r.tabella(t.righe)?;
                    }
                }
                continue;
            }
            Ev::Fine => return Ok(()),
        };
        if salta.is_some() {
            continue;
        }
        let qnome = e.name();
        let n = qnome.as_ref();
        if da_saltare(n) {
            if !vuoto {
                salta = Some(livello);
            }
            continue;
        }
        if let Some(l) = in_ppr {
            let p = paragrafi.last_mut().expect("pPr is in a paragraph");
            if livello > l {
                match n {
                    "w:pStyle" => p.stile = val(&e)?,
                    "w:numId" => p.num_id = val(&e)?,
                    "w:ilvl" => p.ilvl = val_piccolo(&e)?,
                    "w:outlineLvl" => p.contorno = val_piccolo(&e)?,
                    _ => {}
                }
            }
            continue;
        }
        match n {
            "mc:AlternateContent" if !vuoto => alternative.push((livello, false)),
            "mc:Choice" => match alternative.last_mut() {
                Some(a) if a.1 && !vuoto => salta = Some(livello),
                Some(a) if a.1 => {}
                Some(a) => a.1 = true,
                None => {}
            },
            "w:p" if !vuoto => paragrafi.push(Paragrafo {
                livello,
                stile: None,
                contorno: None,
                num_id: None,
                ilvl: None,
                testo: Testo::new(max),
            }),
            "w:pPr" if !vuoto && paragrafi.last().is_some_and(|p| p.livello + 1 == livello) => {
                in_ppr = Some(livello);
            }
            "w:t" if !vuoto && !paragrafi.is_empty() => in_t = Some(livello),
            "w:tab" | "w:br" | "w:cr" | "w:ptab" => {
                if let Some(p) = paragrafi.last_mut() {
                    p.testo.spazio();
                }
            }
            "w:noBreakHyphen" => {
                if let Some(p) = paragrafi.last_mut() {
                    p.testo.carattere('-')?;
                }
            }
            "w:tbl" if !vuoto => match tabella.as_mut() {
                None => {
                    tabella = Some(Tabella {
                        livello,
                        annidate: Vec::new(),
                        righe: Vec::new(),
                        riga: None,
                        cella: None,
                    })
                }
                Some(t) => t.annidate.push(livello),
            },
            _ => {
                if let Some(t) = tabella.as_mut() {
                    tabella_elemento(t, n, &e, vuoto, livello, paragrafi.is_empty(), max)?;
                }
            }
        }
    }
}

/// Rows, cells and cell properties of the outermost table.
fn tabella_elemento(
    t: &mut Tabella,
    n: &str,
    e: &BytesStart,
    vuoto: bool,
    livello: usize,
    fuori_paragrafo: bool,
    max: usize,
) -> Result<(), Errore> {
    match n {
        "w:tr" if !vuoto && t.annidate.is_empty() && t.riga.is_none() => {
            t.riga = Some((livello, Vec::new()));
        }
        "w:tc" if !vuoto && t.annidate.is_empty() && t.riga.is_some() && t.cella.is_none() => {
            t.cella = Some(Cella {
                livello,
                testo: Testo::new(max),
                colonne: 1,
                continua: false,
            });
        }
        "w:tc" | "w:tr" if !t.annidate.is_empty() => {
            if let Some(c) = t.cella.as_mut() {
                c.testo.spazio();
            }
        }
        "w:gridSpan" if t.annidate.is_empty() && fuori_paragrafo => {
            if let Some(c) = t.cella.as_mut() {
                c.colonne = val(e)?
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(1)
                    .max(1);
            }
        }
        "w:vMerge" if t.annidate.is_empty() && fuori_paragrafo => {
            if let Some(c) = t.cella.as_mut() {
                c.continua = val(e)?.is_none_or(|v| v != "restart");
            }
        }
        _ => {}
    }
    Ok(())
}

/// A paragraph read: into the table cell it is in, or kept as a heading, list item or
/// paragraph (table-of-contents entries are dropped).
fn fine_paragrafo(
    mut p: Paragrafo,
    stili: &Stili,
    tabella: Option<&mut Tabella>,
    r: &mut Raccolta,
) -> Result<(), Errore> {
    let testo = p.testo.prendi();
    if let Some(t) = tabella
        && (!t.annidate.is_empty() || t.cella.is_some())
    {
        if let Some(c) = t.cella.as_mut() {
            c.testo.spazio();
            c.testo.aggiungi(&testo)?;
        }
        return Ok(());
    }
    if testo.is_empty() {
        return Ok(());
    }
    let stile = p.stile.as_deref();
    if stile.is_some_and(|s| stili.sommario(s)) {
        return Ok(());
    }
    let titolo = match p.contorno {
        Some(l) if l < 9 => Some(usize::from(l) + 1),
        Some(_) => None,
        None => stile.and_then(|s| stili.livello(s)),
    };
    if let Some(l) = titolo {
        return r.titolo(l, testo);
    }
    let (num_stile, ilvl_stile) = stile.map_or((None, None), |s| stili.numerazione(s));
    let num_id = p.num_id.as_deref().or(num_stile);
    let ilvl = p.ilvl.or(ilvl_stile).unwrap_or(0).min(8);
    match num_id {
        Some(id) if id.trim() != "0" && !id.trim().is_empty() => {
            r.voce(usize::from(ilvl) + 1, stili.numerata(id, ilvl), testo)
        }
        _ => r.paragrafo(testo),
    }
}
