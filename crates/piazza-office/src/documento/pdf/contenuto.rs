//! The content-stream interpreter: the text operators, the graphics state that places text
//! (`cm`, `q`/`Q`) and Form XObjects, turned into runs of text placed on the page.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{Font, GlifoTesto, deref};
use super::{Lettore, flusso};
use crate::Errore;

/// Nesting of Form XObjects drawn inside one another.
const MAX_PROFONDITA_FORM: usize = 8;
/// Form XObjects drawn on one page, at any depth.
const MAX_MODULI: usize = 4096;
/// Depth of the graphics-state stack (`q` beyond it is ignored, as is its `Q`).
const MAX_PILA: usize = 64;

/// A run of text drawn on one baseline in one font, size and weight, in page coordinates.
#[derive(Debug, Clone)]
pub(super) struct Pezzo {
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    pub dimensione: f32,
    pub grassetto: bool,
    pub testo: String,
}

type Matrice = [f32; 6];
const IDENTITA: Matrice = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn per(m: &Matrice, n: &Matrice) -> Matrice {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn traslazione(x: f32, y: f32) -> Matrice {
    [1.0, 0.0, 0.0, 1.0, x, y]
}

#[derive(Clone)]
struct Stato {
    ctm: Matrice,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    tfs: f32,
    rise: f32,
    modo: i64,
    font: Option<Rc<Font>>,
}

/// The resource dictionaries in force, nearest first.
#[derive(Clone)]
pub(super) struct Risorse<'a> {
    pub dizionari: Vec<&'a Dictionary>,
}

impl<'a> Risorse<'a> {
    fn cerca(&self, doc: &'a Document, categoria: &[u8], nome: &[u8]) -> Option<&'a Object> {
        self.dizionari.iter().find_map(|d| {
            let cat = deref(doc, d.get(categoria).ok()?).as_dict().ok()?;
            cat.get(nome).ok()
        })
    }
}

/// Interprets the content of one page (or Form), pushing the runs of text drawn.
pub(super) struct Interprete<'a, 'l> {
    doc: &'a Document,
    l: &'l Lettore<'l>,
    font: HashMap<ObjectId, Rc<Font>>,
    pub pezzi: Vec<Pezzo>,
    /// Form XObjects drawn on this page: a form that draws itself many times would otherwise
    /// multiply its work by its count at every level.
    pub moduli: usize,
}

impl<'a, 'l> Interprete<'a, 'l> {
    pub fn new(doc: &'a Document, l: &'l Lettore<'l>) -> Self {
        Self {
            doc,
            l,
            font: HashMap::new(),
            pezzi: Vec::new(),
            moduli: 0,
        }
    }

    /// Draws a content stream with the given resources and starting matrix.
    pub fn disegna(
        &mut self,
        dati: &[u8],
        risorse: &Risorse<'a>,
        ctm: Matrice,
        profondita: usize,
    ) -> Result<(), Errore> {
        let mut s = Stato {
            ctm,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            tfs: 0.0,
            rise: 0.0,
            modo: 0,
            font: None,
        };
        let mut pila: Vec<Stato> = Vec::new();
        let mut ignorati = 0usize;
        let mut tm = IDENTITA;
        let mut tlm = IDENTITA;
        for op in Content::decode_iter(dati) {
            self.l.c.passo()?;
            // A broken operator ends the stream: what came before it is kept.
            let Ok(op) = op else { break };
            let n = |i: usize| {
                op.operands
                    .get(i)
                    .and_then(|o| o.as_float().ok())
                    .unwrap_or(0.0)
            };
            match op.operator.as_str() {
                "q" => {
                    if pila.len() < MAX_PILA {
                        pila.push(s.clone());
                    } else {
                        ignorati += 1;
                    }
                }
                "Q" => {
                    if ignorati > 0 {
                        ignorati -= 1;
                    } else if let Some(p) = pila.pop() {
                        s = p;
                    }
                }
                "cm" if op.operands.len() == 6 => {
                    s.ctm = per(&[n(0), n(1), n(2), n(3), n(4), n(5)], &s.ctm);
                }
                "BT" => {
                    tm = IDENTITA;
                    tlm = IDENTITA;
                }
                "Tf" => {
                    s.tfs = n(1);
                    s.font = match op.operands.first().and_then(|o| o.as_name().ok()) {
                        Some(nome) => self.font_di(risorse, nome)?,
                        None => None,
                    };
                }
                "Td" => {
                    tlm = per(&traslazione(n(0), n(1)), &tlm);
                    tm = tlm;
                }
                "TD" => {
                    s.tl = -n(1);
                    tlm = per(&traslazione(n(0), n(1)), &tlm);
                    tm = tlm;
                }
                "Tm" if op.operands.len() == 6 => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = per(&traslazione(0.0, -s.tl), &tlm);
                    tm = tlm;
                }
                "TL" => s.tl = n(0),
                "Tc" => s.tc = n(0),
                "Tw" => s.tw = n(0),
                "Tz" => s.th = n(0) / 100.0,
                "Ts" => s.rise = n(0),
                "Tr" => {
                    s.modo = op
                        .operands
                        .first()
                        .and_then(|o| o.as_i64().ok())
                        .unwrap_or(0)
                }
                "Tj" => {
                    if let Some(b) = op.operands.first().and_then(|o| o.as_str().ok()) {
                        self.mostra(&s, &mut tm, b)?;
                    }
                }
                "'" => {
                    tlm = per(&traslazione(0.0, -s.tl), &tlm);
                    tm = tlm;
                    if let Some(b) = op.operands.first().and_then(|o| o.as_str().ok()) {
                        self.mostra(&s, &mut tm, b)?;
                    }
                }
                "\"" => {
                    s.tw = n(0);
                    s.tc = n(1);
                    tlm = per(&traslazione(0.0, -s.tl), &tlm);
                    tm = tlm;
                    if let Some(b) = op.operands.get(2).and_then(|o| o.as_str().ok()) {
                        self.mostra(&s, &mut tm, b)?;
                    }
                }
                "TJ" => {
                    if let Some(a) = op.operands.first().and_then(|o| o.as_array().ok()) {
                        for e in a {
                            self.l.c.passo()?;
                            match e {
                                Object::String(b, _) => self.mostra(&s, &mut tm, b)?,
                                o => {
                                    if let Ok(k) = o.as_float() {
                                        let tx = -k / 1000.0 * s.tfs * s.th;
                                        tm = per(&traslazione(tx, 0.0), &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" if profondita < MAX_PROFONDITA_FORM && self.moduli < MAX_MODULI => {
                    self.moduli += 1;
                    if let Some(nome) = op.operands.first().and_then(|o| o.as_name().ok()) {
                        self.form(risorse, nome, &s.ctm, profondita)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn form(
        &mut self,
        risorse: &Risorse<'a>,
        nome: &[u8],
        ctm: &Matrice,
        profondita: usize,
    ) -> Result<(), Errore> {
        let doc = self.doc;
        let Some(o) = risorse.cerca(doc, b"XObject", nome) else {
            return Ok(());
        };
        let Ok(stream) = deref(doc, o).as_stream() else {
            return Ok(());
        };
        if stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            != Some(b"Form")
        {
            return Ok(());
        }
        let m = match stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| deref(doc, o).as_array().ok())
        {
            Some(a) if a.len() == 6 => {
                let v: Vec<f32> = a
                    .iter()
                    .map(|o| deref(doc, o).as_float().unwrap_or(0.0))
                    .collect();
                [v[0], v[1], v[2], v[3], v[4], v[5]]
            }
            _ => IDENTITA,
        };
        let mut proprie = risorse.clone();
        if let Some(r) = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| deref(doc, o).as_dict().ok())
        {
            proprie.dizionari.insert(0, r);
        }
        let dati = flusso(stream, self.l)?;
        self.disegna(&dati, &proprie, per(&m, ctm), profondita + 1)
    }

    fn font_di(&mut self, risorse: &Risorse<'a>, nome: &[u8]) -> Result<Option<Rc<Font>>, Errore> {
        let doc = self.doc;
        let Some(o) = risorse.cerca(doc, b"Font", nome) else {
            return Ok(None);
        };
        let id = o.as_reference().ok();
        if let Some(f) = id.and_then(|id| self.font.get(&id)) {
            return Ok(Some(f.clone()));
        }
        let Ok(d) = deref(doc, o).as_dict() else {
            return Ok(None);
        };
        let f = Rc::new(Font::leggi(doc, d, self.l)?);
        if let Some(id) = id {
            self.font.insert(id, f.clone());
        }
        Ok(Some(f))
    }

    /// Shows a string: each glyph placed, appended to the last run when it continues it.
    fn mostra(&mut self, s: &Stato, tm: &mut Matrice, byte: &[u8]) -> Result<(), Errore> {
        let Some(font) = s.font.clone() else {
            return Ok(());
        };
        let grassetto = font.grassetto || s.modo == 2;
        font.glifi(byte, |g| {
            self.l.c.passo()?;
            let trm = per(
                &[s.tfs * s.th, 0.0, 0.0, s.tfs, 0.0, s.rise],
                &per(tm, &s.ctm),
            );
            let dimensione = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let avanzamento =
                ((g.larghezza / 1000.0) * s.tfs + s.tc + if g.spazio { s.tw } else { 0.0 }) * s.th;
            let (x, y) = (trm[4], trm[5]);
            *tm = per(&traslazione(avanzamento, 0.0), tm);
            let fine = per(&[1.0, 0.0, 0.0, 1.0, 0.0, s.rise], &per(tm, &s.ctm));
            let x1 = fine[4];
            // Only horizontal, left-to-right text of a visible size is laid out.
            let orizzontale = trm[0] > 0.0 && trm[1].abs() <= trm[0] * 0.1;
            if !orizzontale
                || !(0.5..=500.0).contains(&dimensione)
                || !x.is_finite()
                || !y.is_finite()
            {
                return Ok(());
            }
            let mut testo = String::new();
            match g.testo {
                GlifoTesto::Carattere(c) => aggiungi(&mut testo, c),
                GlifoTesto::Stringa(t) => t.chars().for_each(|c| aggiungi(&mut testo, c)),
                GlifoTesto::Nessuno => {}
            }
            self.l.testo(testo.len())?;
            if let Some(p) = self.pezzi.last_mut()
                && (p.y - y).abs() < dimensione * 0.1
                && (p.dimensione - dimensione).abs() < dimensione * 0.05
                && p.grassetto == grassetto
                && x >= p.x1 - dimensione * 0.5
                && x <= p.x1 + dimensione * 0.15
            {
                p.testo.push_str(&testo);
                p.x1 = p.x1.max(x1);
                return Ok(());
            }
            if testo.trim().is_empty() {
                return Ok(());
            }
            self.pezzi.push(Pezzo {
                x0: x,
                x1,
                y,
                dimensione,
                grassetto,
                testo,
            });
            Ok(())
        })
    }
}

/// A character as kept: ligatures spelt out, spaces and controls normalised.
fn aggiungi(s: &mut String, c: char) {
    match c {
        '\u{FB00}' => s.push_str("ff"),
        '\u{FB01}' => s.push_str("fi"),
        '\u{FB02}' => s.push_str("fl"),
        '\u{FB03}' => s.push_str("ffi"),
        '\u{FB04}' => s.push_str("ffl"),
        '\u{AD}' => s.push('-'),
        '\u{A0}' | '\t' | '\u{2000}'..='\u{200A}' => s.push(' '),
        c if c.is_control() || c == '\u{FFFD}' || c == '\u{FEFF}' => {}
        c => s.push(c),
    }
}
