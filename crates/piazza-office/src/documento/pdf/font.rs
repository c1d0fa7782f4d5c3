//! Fonts: how the bytes of a shown string become codes, characters and advances.
//!
//! A simple font has one-byte codes decoded by its `/Encoding` (a base encoding and
//! `/Differences`) or its `ToUnicode` CMap; a Type0 font has the codes of its CMap (two bytes
//! for `Identity-H`) decoded only by `ToUnicode`. Tables are sized by the codes that exist
//! (256 for simple fonts) or by what the file holds, never by a number it declares.

use lopdf::{Dictionary, Document, Object};

use super::cmap::{CMap, leggi_cmap};
use super::glifi::{self, Base, Famiglia};
use super::{Lettore, flusso};
use crate::Errore;

/// A font as the interpreter uses it.
pub(super) struct Font {
    /// Type0: codes of 1 to 4 bytes, by the codespace ranges; else one byte.
    composito: bool,
    spazi_codice: Vec<(u8, u32, u32)>,
    semplice: [char; 256],
    unicode: Option<CMap>,
    larghezze: Larghezze,
    /// Type3 widths are in glyph space: their `/FontMatrix` times 1000 makes them thousandths.
    scala: f32,
    pub grassetto: bool,
}

enum Larghezze {
    Semplici {
        prima: u32,
        w: Vec<f32>,
        mancante: f32,
        standard: Option<Famiglia>,
    },
    Cid {
        intervalli: Vec<(u32, u32, Vec<f32>)>,
        predefinita: f32,
    },
}

/// One glyph of a shown string.
pub(super) struct Glifo {
    pub testo: GlifoTesto,
    /// Advance in thousandths of the size.
    pub larghezza: f32,
    /// The single-byte code 32, to which word spacing applies.
    pub spazio: bool,
}

pub(super) enum GlifoTesto {
    Carattere(char),
    Stringa(String),
    Nessuno,
}

impl Font {
    pub fn leggi(doc: &Document, d: &Dictionary, l: &Lettore) -> Result<Font, Errore> {
        let sottotipo = nome(doc, d, b"Subtype").unwrap_or_default();
        let composito = sottotipo == b"Type0";
        let base_font = nome(doc, d, b"BaseFont").unwrap_or_default();
        let base_font = String::from_utf8_lossy(&base_font).into_owned();
        let nome_senza_sottoinsieme = base_font
            .split_once('+')
            .map_or(base_font.as_str(), |(_, n)| n)
            .to_owned();
        let unicode = match d.get(b"ToUnicode").ok().and_then(|o| stream_di(doc, o)) {
            Some(s) => {
                let dati = flusso(s, l)?;
                Some(leggi_cmap(&dati, l)?)
            }
            None => None,
        };
        let discendente = if composito {
            d.get(b"DescendantFonts")
                .ok()
                .and_then(|o| deref(doc, o).as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| deref(doc, o).as_dict().ok())
        } else {
            None
        };
        let descrittore = discendente
            .unwrap_or(d)
            .get(b"FontDescriptor")
            .ok()
            .and_then(|o| deref(doc, o).as_dict().ok());
        let grassetto = nome_grassetto(&nome_senza_sottoinsieme)
            || descrittore.is_some_and(|fd| {
                let peso = fd.get(b"FontWeight").ok().and_then(|o| o.as_float().ok());
                let flags = fd.get(b"Flags").ok().and_then(|o| o.as_i64().ok());
                peso.is_some_and(|p| p >= 600.0) || flags.is_some_and(|f| f & (1 << 18) != 0)
            });
        let famiglia = famiglia(&nome_senza_sottoinsieme);
        let mut semplice = ['\0'; 256];
        let larghezze;
        let mut spazi_codice = Vec::new();
        if composito {
            spazi_codice = unicode
                .as_ref()
                .map(|u| u.spazi.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| vec![(2, 0, 0xFFFF)]);
            let disc = discendente;
            let predefinita = disc
                .and_then(|f| f.get(b"DW").ok())
                .and_then(|o| deref(doc, o).as_float().ok())
                .unwrap_or(1000.0);
            let mut intervalli = Vec::new();
            if let Some(w) = disc
                .and_then(|f| f.get(b"W").ok())
                .and_then(|o| deref(doc, o).as_array().ok())
            {
                let mut i = 0;
                while i + 1 < w.len() {
                    l.c.passo()?;
                    let primo = deref(doc, &w[i]).as_i64().unwrap_or(0).max(0) as u32;
                    match deref(doc, &w[i + 1]) {
                        Object::Array(a) => {
                            let v: Vec<f32> = a
                                .iter()
                                .map(|o| deref(doc, o).as_float().unwrap_or(0.0))
                                .collect();
                            let ultimo = primo.saturating_add(v.len().saturating_sub(1) as u32);
                            intervalli.push((primo, ultimo, v));
                            i += 2;
                        }
                        o => {
                            let ultimo = o.as_i64().unwrap_or(0).max(0) as u32;
                            let v = w.get(i + 2).and_then(|o| deref(doc, o).as_float().ok());
                            intervalli.push((primo, ultimo, vec![v.unwrap_or(predefinita)]));
                            i += 3;
                        }
                    }
                }
            }
            intervalli.sort_by_key(|(a, _, _)| *a);
            larghezze = Larghezze::Cid {
                intervalli,
                predefinita,
            };
        } else {
            let simbolico = nome_senza_sottoinsieme.contains("Symbol");
            let dingbats = nome_senza_sottoinsieme.contains("Dingbats");
            let base = if simbolico {
                Base::Simboli
            } else if dingbats {
                Base::Dingbats
            } else if sottotipo == b"Type1" && famiglia.is_some() || sottotipo == b"Type3" {
                Base::Standard
            } else {
                Base::WinAnsi
            };
            semplice = glifi::tabella(base);
            match d.get(b"Encoding").map(|o| deref(doc, o)) {
                Ok(Object::Name(n)) => {
                    if let Some(b) = base_per_nome(n) {
                        semplice = glifi::tabella(b);
                    }
                }
                Ok(Object::Dictionary(e)) => {
                    if let Some(b) = e.get(b"BaseEncoding").ok().and_then(|o| o.as_name().ok()) {
                        if let Some(b) = base_per_nome(b) {
                            semplice = glifi::tabella(b);
                        }
                    } else if !simbolico && !dingbats {
                        semplice = glifi::tabella(Base::Standard);
                    }
                    if let Some(diff) = e
                        .get(b"Differences")
                        .ok()
                        .and_then(|o| deref(doc, o).as_array().ok())
                    {
                        let mut codice: usize = 0;
                        for o in diff {
                            l.c.passo()?;
                            match o {
                                Object::Integer(n) => codice = (*n).clamp(0, 256) as usize,
                                Object::Name(n) => {
                                    if codice < 256 {
                                        semplice[codice] = glifi::da_nome(n).unwrap_or('\0');
                                    }
                                    codice += 1;
                                }
                                _ => {}
                            }
                        }
                    }
                }
                _ => {}
            }
            let prima = d
                .get(b"FirstChar")
                .ok()
                .and_then(|o| deref(doc, o).as_i64().ok())
                .unwrap_or(0)
                .clamp(0, 255) as u32;
            let w: Vec<f32> = d
                .get(b"Widths")
                .ok()
                .and_then(|o| deref(doc, o).as_array().ok())
                .map(|a| {
                    a.iter()
                        .take(256)
                        .map(|o| deref(doc, o).as_float().unwrap_or(0.0))
                        .collect()
                })
                .unwrap_or_default();
            let mancante = descrittore
                .and_then(|fd| fd.get(b"MissingWidth").ok())
                .and_then(|o| o.as_float().ok())
                .unwrap_or(0.0);
            let standard = if w.is_empty() {
                Some(famiglia.unwrap_or(Famiglia::Helvetica))
            } else {
                None
            };
            larghezze = Larghezze::Semplici {
                prima,
                w,
                mancante,
                standard,
            };
        }
        let scala = if sottotipo == b"Type3" {
            d.get(b"FontMatrix")
                .ok()
                .and_then(|o| deref(doc, o).as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| deref(doc, o).as_float().ok())
                .map_or(1.0, |x| (x * 1000.0).clamp(0.0, 1000.0))
        } else {
            1.0
        };
        Ok(Font {
            scala,
            composito,
            spazi_codice,
            semplice,
            unicode,
            larghezze,
            grassetto,
        })
    }

    /// The glyphs of a shown string, in order.
    pub fn glifi(
        &self,
        byte: &[u8],
        mut f: impl FnMut(Glifo) -> Result<(), Errore>,
    ) -> Result<(), Errore> {
        let mut i = 0;
        while i < byte.len() {
            let (codice, n) = if self.composito {
                codice_di(&self.spazi_codice, &byte[i..])
            } else {
                (u32::from(byte[i]), 1)
            };
            i += n;
            let testo = match self.unicode.as_ref().and_then(|u| u.cerca(codice)) {
                Some(t) => t,
                None if !self.composito => match self.semplice[codice as usize & 0xFF] {
                    '\0' => GlifoTesto::Nessuno,
                    c => GlifoTesto::Carattere(c),
                },
                None => GlifoTesto::Nessuno,
            };
            let larghezza = self.larghezza(codice, &testo) * self.scala;
            f(Glifo {
                spazio: n == 1 && codice == 32,
                testo,
                larghezza,
            })?;
        }
        Ok(())
    }

    fn larghezza(&self, codice: u32, testo: &GlifoTesto) -> f32 {
        match &self.larghezze {
            Larghezze::Semplici {
                prima,
                w,
                mancante,
                standard,
            } => {
                if let Some(fam) = standard {
                    let c = match testo {
                        GlifoTesto::Carattere(c) => *c,
                        GlifoTesto::Stringa(s) => s.chars().next().unwrap_or(' '),
                        GlifoTesto::Nessuno => ' ',
                    };
                    return glifi::larghezza_standard(*fam, c);
                }
                codice
                    .checked_sub(*prima)
                    .and_then(|i| w.get(i as usize))
                    .copied()
                    .unwrap_or(*mancante)
            }
            Larghezze::Cid {
                intervalli,
                predefinita,
            } => intervalli[..intervalli.partition_point(|(a, _, _)| *a <= codice)]
                .iter()
                .rev()
                .take(8)
                .find(|(a, b, _)| (*a..=*b).contains(&codice))
                .map(|(a, _, v)| {
                    if v.len() == 1 {
                        v[0]
                    } else {
                        v.get((codice - a) as usize)
                            .copied()
                            .unwrap_or(*predefinita)
                    }
                })
                .unwrap_or(*predefinita),
        }
    }
}

/// The code at the start of `byte` by the codespace ranges, and its length in bytes.
fn codice_di(spazi: &[(u8, u32, u32)], byte: &[u8]) -> (u32, usize) {
    for n in 1..=4usize.min(byte.len()) {
        let v = byte[..n].iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
        if spazi
            .iter()
            .any(|(l, a, b)| usize::from(*l) == n && (*a..=*b).contains(&v))
        {
            return (v, n);
        }
    }
    let n = spazi
        .iter()
        .map(|(l, _, _)| usize::from(*l))
        .min()
        .unwrap_or(2)
        .clamp(1, 4);
    let n = n.min(byte.len());
    (
        byte[..n].iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)),
        n.max(1),
    )
}

fn base_per_nome(n: &[u8]) -> Option<Base> {
    match n {
        b"WinAnsiEncoding" => Some(Base::WinAnsi),
        b"MacRomanEncoding" => Some(Base::MacRoman),
        b"StandardEncoding" => Some(Base::Standard),
        _ => None,
    }
}

/// Whether a font's name says bold: `Arial-BoldMT`, `Arial,Bold`, `Inter-SemiBold`,
/// `Lato-Black`, `Foo-Heavy`, `Garamond-Demi`, `Univers-B`.
pub(super) fn nome_grassetto(nome: &str) -> bool {
    let minuscolo = nome.to_ascii_lowercase();
    ["bold", "black", "heavy", "demi", "semibold"]
        .iter()
        .any(|p| minuscolo.contains(p))
        || nome.ends_with("-B")
        || nome.ends_with(",B")
        || nome.ends_with("-BI")
        || nome.contains("-Bd")
}

fn famiglia(nome: &str) -> Option<Famiglia> {
    let n = nome.to_ascii_lowercase();
    if n.contains("courier") {
        Some(Famiglia::Courier)
    } else if n.contains("times") {
        Some(Famiglia::Times)
    } else if n.contains("helvetica") || n.contains("arial") {
        Some(Famiglia::Helvetica)
    } else {
        None
    }
}

pub(super) fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(&Object::Null)
}

fn nome(doc: &Document, d: &Dictionary, chiave: &[u8]) -> Option<Vec<u8>> {
    d.get(chiave)
        .ok()
        .and_then(|o| deref(doc, o).as_name().ok())
        .map(<[u8]>::to_vec)
}

fn stream_di<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a lopdf::Stream> {
    deref(doc, o).as_stream().ok()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn grassetti_dal_nome() {
        for n in [
            "Arial-BoldMT",
            "Arial,Bold",
            "Inter-SemiBold",
            "Lato-Black",
            "Foo-Heavy",
            "Garamond-Demi",
            "Univers-B",
            "TimesNewRomanPS-BoldItalicMT",
        ] {
            assert!(nome_grassetto(n), "{n}");
        }
        for n in [
            "ArialMT",
            "Helvetica",
            "Calibri-Light",
            "Times-Italic",
            "Bodoni",
        ] {
            assert!(!nome_grassetto(n), "{n}");
        }
    }

    #[test]
    fn nomi_dei_glifi() {
        assert_eq!(glifi::da_nome(b"agrave"), Some('à'));
        assert_eq!(glifi::da_nome(b"Egrave"), Some('È'));
        assert_eq!(glifi::da_nome(b"quoteright"), Some('’'));
        assert_eq!(glifi::da_nome(b"uni00F9"), Some('ù'));
        assert_eq!(glifi::da_nome(b"u1F600"), Some('😀'));
        assert_eq!(glifi::da_nome(b"a.sc"), Some('a'));
        assert_eq!(glifi::da_nome(b"g123"), None);
    }

    #[test]
    fn codici_a_lunghezza_variabile() {
        let spazi = [(1, 0x00, 0x80), (2, 0x8140, 0xFFFF)];
        assert_eq!(codice_di(&spazi, &[0x41, 0x81, 0x40]), (0x41, 1));
        assert_eq!(codice_di(&spazi, &[0x81, 0x40]), (0x8140, 2));
        assert_eq!(codice_di(&[(2, 0, 0xFFFF)], &[0x12]), (0x12, 1));
    }
}
