//! `word/styles.xml` and `word/numbering.xml`: what a paragraph style says about headings and
//! lists, and which list levels are numbered.

use std::collections::HashMap;
use std::io::Read;

use crate::documento::testo::raccolta::livello_da_nome;
use crate::xml::{Ev, Xml, attributi, valore};
use crate::{Archivio, Controllo, Errore};

/// Styles, abstract numberings and numberings kept at most (a real document has a few hundred).
const MAX_VOCI: usize = 20_000;
/// Steps along a `w:basedOn` chain (which a hostile file may make circular).
const MAX_CATENA: usize = 32;
/// Bytes of a style id or name kept.
const MAX_NOME: usize = 256;

#[derive(Default)]
struct Stile {
    nome: String,
    base: Option<String>,
    contorno: Option<u8>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

#[derive(Default)]
pub(super) struct Stili {
    stili: HashMap<String, Stile>,
    /// `w:num` id → abstract numbering id.
    num: HashMap<String, String>,
    /// Abstract numbering id → its levels: `ilvl` and whether numbered.
    astratti: HashMap<String, Vec<(u8, bool)>>,
}

fn troppe(parte: &str) -> Errore {
    Errore::Danneggiato(format!("{parte} contiene più di {MAX_VOCI} definizioni"))
}

fn attr(e: &quick_xml::events::BytesStart, nome: &str) -> Result<Option<String>, Errore> {
    for a in attributi(e) {
        let a = a?;
        if a.key.as_ref() == nome {
            let v = valore(&a)?;
            let mut fine = v.len().min(MAX_NOME);
            while !v.is_char_boundary(fine) {
                fine -= 1;
            }
            return Ok(Some(v[..fine].to_owned()));
        }
    }
    Ok(None)
}

/// `w:val` as a small number (`w:ilvl`, `w:outlineLvl`).
fn piccolo(e: &quick_xml::events::BytesStart) -> Result<Option<u8>, Errore> {
    Ok(attr(e, "w:val")?.and_then(|v| v.trim().parse::<u8>().ok()))
}

pub(super) fn val(e: &quick_xml::events::BytesStart) -> Result<Option<String>, Errore> {
    attr(e, "w:val")
}

pub(super) fn val_piccolo(e: &quick_xml::events::BytesStart) -> Result<Option<u8>, Errore> {
    piccolo(e)
}

impl Stili {
    pub fn leggi(a: &mut Archivio, c: &Controllo) -> Result<Self, Errore> {
        let mut s = Stili::default();
        if let Some(i) = a.indice("word/styles.xml") {
            s.leggi_stili(a.xml(i, "word/styles.xml", c)?)?;
        }
        if let Some(i) = a.indice("word/numbering.xml") {
            s.leggi_numerazioni(a.xml(i, "word/numbering.xml", c)?)?;
        }
        Ok(s)
    }

    fn leggi_stili<R: Read>(&mut self, mut xml: Xml<'_, R>) -> Result<(), Errore> {
        let mut stile: Option<(usize, String, Stile)> = None;
        loop {
            let (ev, livello) = xml.prossimo()?;
            let e = match ev {
                Ev::Apre(e) | Ev::Vuoto(e) => e,
                Ev::Chiude => {
                    if stile.as_ref().is_some_and(|s| s.0 == livello) {
                        let (_, id, s) = stile.take().expect("checked");
                        if self.stili.len() >= MAX_VOCI {
                            return Err(troppe("word/styles.xml"));
                        }
                        self.stili.insert(id, s);
                    }
                    continue;
                }
                Ev::Fine => return Ok(()),
                _ => continue,
            };
            let nome = e.name();
            match (nome.as_ref(), stile.as_mut()) {
                ("w:style", None) => {
                    let tipo = attr(&e, "w:type")?;
                    if tipo.as_deref().is_none_or(|t| t == "paragraph")
                        && let Some(id) = attr(&e, "w:styleId")?
                    {
                        stile = Some((livello, id, Stile::default()));
                    }
                }
                ("w:name", Some((_, _, s))) => s.nome = val(&e)?.unwrap_or_default(),
                ("w:basedOn", Some((_, _, s))) => s.base = val(&e)?,
                ("w:outlineLvl", Some((_, _, s))) => s.contorno = piccolo(&e)?,
                ("w:numId", Some((_, _, s))) => s.num_id = val(&e)?,
                ("w:ilvl", Some((_, _, s))) => s.ilvl = piccolo(&e)?,
                _ => {}
            }
        }
    }

    fn leggi_numerazioni<R: Read>(&mut self, mut xml: Xml<'_, R>) -> Result<(), Errore> {
        type Astratto = (usize, String, Vec<(u8, bool)>);
        let mut astratto: Option<Astratto> = None;
        let mut lvl: Option<(usize, u8, bool)> = None;
        let mut num: Option<(usize, String)> = None;
        loop {
            let (ev, livello) = xml.prossimo()?;
            let e = match ev {
                Ev::Apre(e) | Ev::Vuoto(e) => e,
                Ev::Chiude => {
                    if let Some((l, ilvl, numerata)) = lvl
                        && l == livello
                    {
                        lvl = None;
                        if let Some((_, _, v)) = astratto.as_mut()
                            && v.len() < 16
                        {
                            v.push((ilvl, numerata));
                        }
                    } else if astratto.as_ref().is_some_and(|a| a.0 == livello) {
                        let (_, id, v) = astratto.take().expect("checked");
                        if self.astratti.len() >= MAX_VOCI {
                            return Err(troppe("word/numbering.xml"));
                        }
                        self.astratti.insert(id, v);
                    } else if num.as_ref().is_some_and(|n| n.0 == livello) {
                        num = None;
                    }
                    continue;
                }
                Ev::Fine => return Ok(()),
                _ => continue,
            };
            match e.name().as_ref() {
                "w:abstractNum" if astratto.is_none() && num.is_none() => {
                    if let Some(id) = attr(&e, "w:abstractNumId")? {
                        astratto = Some((livello, id, Vec::new()));
                    }
                }
                "w:lvl" if astratto.is_some() && lvl.is_none() => {
                    let ilvl = attr(&e, "w:ilvl")?.and_then(|v| v.trim().parse().ok());
                    // A level without `w:numFmt` is decimal.
                    lvl = Some((livello, ilvl.unwrap_or(0), true));
                }
                "w:numFmt" => {
                    if let Some((_, _, numerata)) = lvl.as_mut() {
                        *numerata = !matches!(val(&e)?.as_deref(), Some("bullet" | "none"));
                    }
                }
                "w:num" if astratto.is_none() && num.is_none() => {
                    if let Some(id) = attr(&e, "w:numId")? {
                        num = Some((livello, id));
                    }
                }
                "w:abstractNumId" => {
                    if let (Some((_, id)), Some(a)) = (num.as_ref(), val(&e)?) {
                        if self.num.len() >= MAX_VOCI {
                            return Err(troppe("word/numbering.xml"));
                        }
                        self.num.insert(id.clone(), a);
                    }
                }
                _ => {}
            }
        }
    }

    /// The styles of a chain, from `id` along `w:basedOn`.
    fn catena<'s>(&'s self, id: &'s str) -> impl Iterator<Item = (&'s str, &'s Stile)> {
        let mut prossimo = Some(id);
        std::iter::from_fn(move || {
            let id = prossimo?;
            let s = self.stili.get(id)?;
            prossimo = s.base.as_deref();
            Some((id, s))
        })
        .take(MAX_CATENA)
    }

    /// The heading level of a paragraph style: its outline level (9 is body text), or a
    /// heading name or id, along the `w:basedOn` chain.
    pub fn livello(&self, id: &str) -> Option<usize> {
        for (id, s) in self.catena(id) {
            if let Some(l) = s.contorno {
                return (l < 9).then_some(usize::from(l) + 1);
            }
            if let Some(l) = livello_da_nome(&s.nome).or_else(|| livello_da_nome(id)) {
                return Some(l);
            }
        }
        livello_da_nome(id).filter(|_| !self.stili.contains_key(id))
    }

    /// A table-of-contents entry style (`toc 1`, `Sommario1`).
    pub fn sommario(&self, id: &str) -> bool {
        let nome = self.stili.get(id).map_or("", |s| s.nome.as_str());
        let id = id.to_lowercase();
        let nome = nome.to_lowercase();
        nome.starts_with("toc ") || id.starts_with("sommario") || id.starts_with("toc")
    }

    /// The numbering a paragraph style gives: its `w:numId` and `w:ilvl`.
    pub fn numerazione<'s>(&'s self, id: &'s str) -> (Option<&'s str>, Option<u8>) {
        let mut num = None;
        let mut ilvl = None;
        for (_, s) in self.catena(id) {
            if num.is_none() {
                num = s.num_id.as_deref();
            }
            if ilvl.is_none() {
                ilvl = s.ilvl;
            }
        }
        (num, ilvl)
    }

    /// Whether level `ilvl` of numbering `num_id` is numbered (not a bullet).
    pub fn numerata(&self, num_id: &str, ilvl: u8) -> bool {
        self.num
            .get(num_id)
            .and_then(|a| self.astratti.get(a))
            .and_then(|v| v.iter().find(|l| l.0 == ilvl))
            .is_some_and(|l| l.1)
    }
}
