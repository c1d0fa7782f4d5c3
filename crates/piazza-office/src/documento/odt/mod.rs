//! ODT (OpenDocument text): the `office:text` body of `content.xml`, with the paragraph and
//! list styles of `styles.xml` and `content.xml` that make a paragraph a heading or a list
//! numbered, and the title from `meta.xml`.
//!
//! Annotations, footnote and endnote bodies (with their citation), tracked-change records
//! (the deleted text), indexes (a table of contents repeats the headings) and ruby
//! annotations are skipped. A frame's paragraphs (nested inside a paragraph) are blocks of
//! their own. Repeats are never expanded before they are counted: repeated empty cells and
//! rows only move the position. Elements are matched by their conventional prefixes.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::BytesStart;

use super::Documento;
use super::testo::raccolta::{Raccolta, Testo, livello_da_nome};
use crate::xml::{Ev, Xml, attributi, valore};
use crate::{Archivio, Controllo, Errore};

/// Paragraph and list styles kept at most.
const MAX_STILI: usize = 20_000;
const MAX_CATENA: usize = 32;

/// The text of the first `dc:title` of a metadata part (`meta.xml`, `docProps/core.xml`).
pub(crate) fn titolo_dc<R: Read>(
    mut xml: Xml<'_, R>,
    max: usize,
) -> Result<Option<String>, Errore> {
    let mut dentro: Option<usize> = None;
    let mut testo = Testo::new(max);
    loop {
        let (ev, livello) = xml.prossimo()?;
        match ev {
            Ev::Apre(e) if dentro.is_none() && e.name().as_ref() == "dc:title" => {
                dentro = Some(livello);
            }
            Ev::Testo(t) if dentro.is_some() => testo.aggiungi(&t)?,
            Ev::Carattere(c) if dentro.is_some() => testo.carattere(c)?,
            Ev::Chiude if dentro == Some(livello) => {
                let t = testo.prendi();
                return Ok((!t.is_empty()).then_some(t));
            }
            Ev::Fine => return Ok(None),
            _ => {}
        }
    }
}

fn attributo(e: &BytesStart, nome: &str) -> Result<Option<String>, Errore> {
    for a in attributi(e) {
        let a = a?;
        if a.key.as_ref() == nome {
            return Ok(Some(valore(&a)?.chars().take(256).collect()));
        }
    }
    Ok(None)
}

/// Decimal digits, saturating; `None` if not a number.
fn numero(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0u64, |n, c| {
        n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
    }))
}

fn ripetizioni(e: &BytesStart, nome: &str) -> Result<u64, Errore> {
    Ok(attributo(e, nome)?
        .and_then(|v| numero(&v))
        .unwrap_or(1)
        .max(1))
}

#[derive(Default)]
struct StileP {
    genitore: Option<String>,
    contorno: Option<usize>,
    visibile: Option<String>,
    lista: Option<String>,
}

#[derive(Default)]
struct Stili {
    paragrafi: HashMap<String, StileP>,
    /// List style → its levels (1-based) and whether each is numbered.
    liste: HashMap<String, Vec<(u8, bool)>>,
}

impl Stili {
    fn catena<'s>(&'s self, nome: &'s str) -> impl Iterator<Item = (&'s str, &'s StileP)> {
        let mut prossimo = Some(nome);
        std::iter::from_fn(move || {
            let n = prossimo?;
            let s = self.paragrafi.get(n)?;
            prossimo = s.genitore.as_deref();
            Some((n, s))
        })
        .take(MAX_CATENA)
    }

    fn livello(&self, nome: &str) -> Option<usize> {
        for (n, s) in self.catena(nome) {
            if let Some(l) = s.contorno {
                return Some(l);
            }
            let da_nome =
                livello_da_nome(n).or_else(|| s.visibile.as_deref().and_then(livello_da_nome));
            if da_nome.is_some() {
                return da_nome;
            }
        }
        None
    }

    fn lista<'s>(&'s self, nome: &'s str) -> Option<&'s str> {
        self.catena(nome).find_map(|(_, s)| s.lista.as_deref())
    }

    fn numerata(&self, lista: &str, livello: usize) -> bool {
        self.liste
            .get(lista)
            .and_then(|v| v.iter().find(|l| usize::from(l.0) == livello.min(10)))
            .is_some_and(|l| l.1)
    }

    /// Style definitions: `style:style` of the paragraph family, `text:list-style` levels.
    fn elemento(&mut self, e: &BytesStart, lista: &mut Option<String>) -> Result<(), Errore> {
        let troppi = || Errore::Danneggiato(format!("il file definisce più di {MAX_STILI} stili"));
        match e.name().as_ref() {
            "style:style" => {
                if attributo(e, "style:family")?.as_deref() != Some("paragraph") {
                    return Ok(());
                }
                let Some(nome) = attributo(e, "style:name")? else {
                    return Ok(());
                };
                if self.paragrafi.len() >= MAX_STILI {
                    return Err(troppi());
                }
                let s = StileP {
                    genitore: attributo(e, "style:parent-style-name")?,
                    contorno: attributo(e, "style:default-outline-level")?
                        .and_then(|v| numero(&v))
                        .filter(|&l| l > 0)
                        .map(|l| l.min(10) as usize),
                    visibile: attributo(e, "style:display-name")?,
                    lista: attributo(e, "style:list-style-name")?.filter(|l| !l.is_empty()),
                };
                self.paragrafi.insert(nome, s);
            }
            "text:list-style" => {
                *lista = attributo(e, "style:name")?;
                if let Some(n) = lista.clone() {
                    if self.liste.len() >= MAX_STILI {
                        return Err(troppi());
                    }
                    self.liste.insert(n, Vec::new());
                }
            }
            n @ ("text:list-level-style-number"
            | "text:list-level-style-bullet"
            | "text:list-level-style-image") => {
                let numerata = n == "text:list-level-style-number"
                    && attributo(e, "style:num-format")?.is_none_or(|f| !f.is_empty());
                let livello = attributo(e, "text:level")?
                    .and_then(|v| numero(&v))
                    .unwrap_or(1)
                    .min(10) as u8;
                if let Some(v) = lista.as_ref().and_then(|l| self.liste.get_mut(l))
                    && v.len() < 10
                {
                    v.push((livello, numerata));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

pub(crate) fn leggi(a: &mut Archivio, c: &Controllo) -> Result<Documento, Errore> {
    let mut stili = Stili::default();
    if let Some(i) = a.indice("styles.xml") {
        let mut xml = a.xml(i, "styles.xml", c)?;
        let mut lista = None;
        loop {
            match xml.prossimo()?.0 {
                Ev::Apre(e) | Ev::Vuoto(e) => stili.elemento(&e, &mut lista)?,
                Ev::Fine => break,
                _ => {}
            }
        }
    }
    let i = a
        .indice("content.xml")
        .ok_or_else(|| Errore::Danneggiato("manca content.xml".to_owned()))?;
    let mut r = Raccolta::new(c);
    corpo(a.xml(i, "content.xml", c)?, &mut stili, &mut r)?;
    let titolo = match a.indice("meta.xml") {
        Some(i) => titolo_dc(a.xml(i, "meta.xml", c)?, r.max_blocco())?,
        None => None,
    };
    Ok(r.documento(titolo))
}

/// Elements whose content is not the document's running text.
fn da_saltare(n: &str) -> bool {
    matches!(
        n,
        "office:annotation"
            | "text:note"
            | "text:tracked-changes"
            | "text:table-of-content"
            | "text:illustration-index"
            | "text:table-index"
            | "text:object-index"
            | "text:user-index"
            | "text:alphabetical-index"
            | "text:bibliography"
            | "text:ruby-text"
            | "office:forms"
            | "text:sequence-decls"
    )
}

struct Paragrafo {
    livello: usize,
    /// For `text:h`, its outline level (`None` for `text:p`).
    titolo: Option<usize>,
    stile: Option<String>,
    testo: Testo,
}

struct Lista {
    livello: usize,
    stile: Option<String>,
}

struct Voce {
    livello: usize,
    profondita: usize,
    stile: Option<String>,
    testo: Testo,
}

struct Tabella {
    livello: usize,
    /// Levels of the tables nested in a cell, flattened into its text.
    annidate: Vec<usize>,
    righe: Vec<Vec<String>>,
    riga: Option<Riga>,
    cella: Option<(usize, u64, bool, Testo)>,
}

struct Riga {
    livello: usize,
    volte: u64,
    celle: Vec<String>,
    /// Empty cells read since the last non-empty one, not yet put in `celle`.
    vuote: u64,
}

fn corpo<R: Read>(mut xml: Xml<'_, R>, stili: &mut Stili, r: &mut Raccolta) -> Result<(), Errore> {
    let max = r.max_blocco();
    let max_colonne = u64::from(r.controllo.limiti.max_colonne);
    let mut testo_aperto: Option<usize> = None;
    let mut lista_stile: Option<String> = None;
    let mut salta: Option<usize> = None;
    let mut paragrafi: Vec<Paragrafo> = Vec::new();
    let mut liste: Vec<Lista> = Vec::new();
    let mut voci: Vec<Voce> = Vec::new();
    let mut tabella: Option<Tabella> = None;
    loop {
        let (ev, livello) = xml.prossimo()?;
        let (e, vuoto) = match ev {
            Ev::Apre(e) => (e, false),
            Ev::Vuoto(e) => (e, true),
            Ev::Testo(t) => {
                if salta.is_none()
                    && let Some(p) = paragrafi.last_mut()
                {
                    p.testo.aggiungi(&t)?;
                }
                continue;
            }
            Ev::Carattere(c) => {
                if salta.is_none()
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
                if paragrafi.last().is_some_and(|p| p.livello == livello) {
                    let p = paragrafi.pop().expect("checked");
                    fine_paragrafo(p, stili, &liste, &mut voci, tabella.as_mut(), r)?;
                } else if voci.last().is_some_and(|v| v.livello == livello) {
                    let v = voci.pop().expect("checked");
                    metti_voce(v, stili, &liste, r)?;
                } else if liste.last().is_some_and(|l| l.livello == livello) {
                    liste.pop();
                } else if let Some(t) = tabella.as_mut() {
                    if t.annidate.last() == Some(&livello) {
                        t.annidate.pop();
                        if let Some(c) = t.cella.as_mut() {
                            c.3.spazio();
                        }
                    } else if t.cella.as_ref().is_some_and(|c| c.0 == livello) {
                        let (_, volte, coperta, mut testo) = t.cella.take().expect("checked");
                        let testo = if coperta {
                            String::new()
                        } else {
                            testo.prendi()
                        };
                        let riga = t.riga.as_mut().expect("a cell is in a row");
                        metti_cella(riga, testo, volte, max_colonne, r)?;
                    } else if t.riga.as_ref().is_some_and(|x| x.livello == livello) {
                        let riga = t.riga.take().expect("checked");
                        if !riga.celle.is_empty() {
                            for _ in 1..riga.volte {
                                for c in &riga.celle {
                                    r.conta_cella(c)?;
                                }
                                t.righe.push(riga.celle.clone());
                            }
                            t.righe.push(riga.celle);
                        }
                    } else if t.livello == livello {
                        let t = tabella.take().expect("checked");
                        r.tabella(t.righe)?;
                    }
                } else if testo_aperto == Some(livello) {
                    testo_aperto = None;
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
        if testo_aperto.is_none() {
            if n == "office:text" && !vuoto {
                testo_aperto = Some(livello);
            } else {
                stili.elemento(&e, &mut lista_stile)?;
            }
            continue;
        }
        if da_saltare(n) {
            if !vuoto {
                salta = Some(livello);
            }
            continue;
        }
        match n {
            "text:p" | "text:h" if !vuoto => {
                let stile = attributo(&e, "text:style-name")?;
                let titolo = if n == "text:h" {
                    let l = attributo(&e, "text:outline-level")?.and_then(|v| numero(&v));
                    let da_stile = stile.as_deref().and_then(|s| stili.livello(s));
                    Some(l.map_or(da_stile.unwrap_or(1), |l| l.clamp(1, 10) as usize))
                } else {
                    None
                };
                paragrafi.push(Paragrafo {
                    livello,
                    titolo,
                    stile,
                    testo: Testo::new(max),
                });
            }
            "text:s" | "text:tab" | "text:line-break" => {
                // Runs of spaces are one space in a block, so `text:c` needs no reading.
                if let Some(p) = paragrafi.last_mut() {
                    p.testo.spazio();
                }
            }
            "text:list" if !vuoto => {
                // A nested list ends the text of the item that holds it.
                if let Some(v) = voci.last_mut() {
                    let t = v.testo.prendi();
                    let v = Voce {
                        testo: Testo::new(0),
                        stile: v.stile.clone(),
                        ..*v
                    };
                    metti_voce_testo(&v, t, stili, &liste, r)?;
                }
                let stile = attributo(&e, "text:style-name")?
                    .or_else(|| liste.last().and_then(|l| l.stile.clone()));
                liste.push(Lista { livello, stile });
            }
            "text:list-item" | "text:list-header" if !vuoto && !liste.is_empty() => {
                voci.push(Voce {
                    livello,
                    profondita: liste.len(),
                    stile: None,
                    testo: Testo::new(max),
                });
            }
            "table:table" if !vuoto => match tabella.as_mut() {
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
                    tabella_elemento(t, n, &e, vuoto, livello, max, max_colonne, r)?;
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn tabella_elemento(
    t: &mut Tabella,
    n: &str,
    e: &BytesStart,
    vuoto: bool,
    livello: usize,
    max: usize,
    max_colonne: u64,
    r: &mut Raccolta,
) -> Result<(), Errore> {
    if !t.annidate.is_empty() {
        if matches!(n, "table:table-cell" | "table:table-row")
            && let Some(c) = t.cella.as_mut()
        {
            c.3.spazio();
        }
        return Ok(());
    }
    match n {
        "table:table-row" if t.riga.is_none() => {
            let volte = ripetizioni(e, "table:number-rows-repeated")?;
            if !vuoto {
                t.riga = Some(Riga {
                    livello,
                    volte,
                    celle: Vec::new(),
                    vuote: 0,
                });
            }
        }
        "table:table-cell" | "table:covered-table-cell"
            if t.cella.is_none()
                && let Some(riga) = t.riga.as_mut() =>
        {
            let volte = ripetizioni(e, "table:number-columns-repeated")?;
            let coperta = n == "table:covered-table-cell";
            if vuoto {
                metti_cella(riga, String::new(), volte, max_colonne, r)?;
            } else {
                t.cella = Some((livello, volte, coperta, Testo::new(max)));
            }
        }
        _ => {}
    }
    Ok(())
}

/// A cell, repeated: empty ones only move the column; others are checked against the column
/// limit before they are copied.
fn metti_cella(
    riga: &mut Riga,
    testo: String,
    volte: u64,
    max_colonne: u64,
    r: &mut Raccolta,
) -> Result<(), Errore> {
    if testo.is_empty() {
        riga.vuote = riga.vuote.saturating_add(volte);
        return Ok(());
    }
    let fine = (riga.celle.len() as u64)
        .saturating_add(riga.vuote)
        .saturating_add(volte);
    if fine > max_colonne {
        return Err(Errore::TabellaTroppoLarga {
            limite: max_colonne as u32,
        });
    }
    for _ in 0..riga.vuote {
        r.conta_cella("")?;
        riga.celle.push(String::new());
    }
    riga.vuote = 0;
    for _ in 1..volte {
        r.conta_cella(&testo)?;
        riga.celle.push(testo.clone());
    }
    r.conta_cella(&testo)?;
    riga.celle.push(testo);
    Ok(())
}

fn fine_paragrafo(
    mut p: Paragrafo,
    stili: &Stili,
    liste: &[Lista],
    voci: &mut [Voce],
    tabella: Option<&mut Tabella>,
    r: &mut Raccolta,
) -> Result<(), Errore> {
    let testo = p.testo.prendi();
    if let Some(t) = tabella {
        if let Some(c) = t.cella.as_mut() {
            c.3.spazio();
            c.3.aggiungi(&testo)?;
        }
        return Ok(());
    }
    let titolo = p.titolo.or_else(|| {
        p.stile
            .as_deref()
            .and_then(|s| stili.livello(s))
            .filter(|_| voci.is_empty())
    });
    if let Some(l) = titolo {
        if let Some(v) = voci.last_mut() {
            let t = v.testo.prendi();
            let altra = Voce {
                testo: Testo::new(0),
                stile: v.stile.clone(),
                ..*v
            };
            metti_voce_testo(&altra, t, stili, liste, r)?;
        }
        return r.titolo(l, testo);
    }
    if let Some(v) = voci.last_mut() {
        if v.stile.is_none() {
            v.stile = p.stile.take();
        }
        v.testo.spazio();
        return v.testo.aggiungi(&testo);
    }
    r.paragrafo(testo)
}

fn metti_voce(mut v: Voce, stili: &Stili, liste: &[Lista], r: &mut Raccolta) -> Result<(), Errore> {
    let t = v.testo.prendi();
    metti_voce_testo(&v, t, stili, liste, r)
}

/// A list item's text, numbered as the list style says at its depth: the list's own style
/// (or its outer list's), else the list style of the item's paragraph style.
fn metti_voce_testo(
    v: &Voce,
    testo: String,
    stili: &Stili,
    liste: &[Lista],
    r: &mut Raccolta,
) -> Result<(), Errore> {
    let stile_lista = liste
        .get(v.profondita.saturating_sub(1))
        .and_then(|l| l.stile.as_deref())
        .or_else(|| v.stile.as_deref().and_then(|s| stili.lista(s)));
    let numerata = stile_lista.is_some_and(|s| stili.numerata(s, v.profondita));
    r.voce(v.profondita, numerata, testo)
}
