//! `ToUnicode` CMaps: the codespace ranges, `bfchar` and `bfrange` (with a start or an
//! array of destinations) of the stream, kept as written and looked up by binary search.

use super::Lettore;
use super::font::GlifoTesto;
use crate::Errore;

/// Entries of one CMap kept at most (bfchar entries and bfrange ranges).
const MAX_VOCI_CMAP: usize = 100_000;

/// A `ToUnicode` CMap: single codes and ranges, kept as written.
#[derive(Default)]
pub(super) struct CMap {
    pub spazi: Vec<(u8, u32, u32)>,
    singoli: Vec<(u32, String)>,
    intervalli: Vec<(u32, u32, Destinazione)>,
}

enum Destinazione {
    Inizio(Vec<u16>),
    Elenco(Vec<String>),
}

impl CMap {
    pub fn cerca(&self, codice: u32) -> Option<GlifoTesto> {
        // Both tables are sorted by code (see `leggi_cmap`): a binary search, then the few
        // ranges before the candidate that may overlap it.
        if let Ok(i) = self.singoli.binary_search_by_key(&codice, |(c, _)| *c) {
            return Some(GlifoTesto::Stringa(self.singoli[i].1.clone()));
        }
        let fine = self.intervalli.partition_point(|(a, _, _)| *a <= codice);
        let (a, _, dest) = self.intervalli[..fine]
            .iter()
            .rev()
            .take(8)
            .find(|(a, b, _)| (*a..=*b).contains(&codice))?;
        let scarto = codice - a;
        match dest {
            Destinazione::Inizio(u) => {
                let mut u = u.clone();
                if let Some(ultimo) = u.last_mut() {
                    *ultimo = ultimo.wrapping_add(scarto as u16);
                }
                Some(GlifoTesto::Stringa(String::from_utf16_lossy(&u)))
            }
            Destinazione::Elenco(v) => v
                .get(scarto as usize)
                .map(|s| GlifoTesto::Stringa(s.clone())),
        }
    }
}

/// Reads the parts of a `ToUnicode` CMap that map codes to text.
pub(super) fn leggi_cmap(dati: &[u8], l: &Lettore) -> Result<CMap, Errore> {
    let mut cmap = CMap::default();
    let mut t = Token { dati, i: 0 };
    let mut sezione: &[u8] = b"";
    let mut pila: Vec<Vec<u8>> = Vec::new();
    while let Some(tok) = t.prossimo() {
        l.c.passo()?;
        match tok {
            Tok::Parola(p) => {
                match p {
                    b"begincodespacerange" | b"beginbfchar" | b"beginbfrange" => sezione = p,
                    b"endcodespacerange" | b"endbfchar" | b"endbfrange" => sezione = b"",
                    _ => {}
                }
                pila.clear();
            }
            Tok::Esa(h) if sezione == b"beginbfchar" => {
                pila.push(h);
                if pila.len() == 2 {
                    if cmap.singoli.len() < MAX_VOCI_CMAP {
                        cmap.singoli.push((numero(&pila[0]), utf16(&pila[1])));
                    }
                    pila.clear();
                }
            }
            Tok::Esa(h) if sezione == b"begincodespacerange" => {
                pila.push(h);
                if pila.len() == 2 {
                    let n = pila[0].len().clamp(1, 4) as u8;
                    if cmap.spazi.len() < 64 {
                        cmap.spazi.push((n, numero(&pila[0]), numero(&pila[1])));
                    }
                    pila.clear();
                }
            }
            Tok::Esa(h) if sezione == b"beginbfrange" => {
                pila.push(h);
                if pila.len() == 3 {
                    let (a, b) = (numero(&pila[0]), numero(&pila[1]));
                    let u: Vec<u16> = pila[2]
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                        .collect();
                    if a <= b && cmap.intervalli.len() < MAX_VOCI_CMAP {
                        cmap.intervalli.push((a, b, Destinazione::Inizio(u)));
                    }
                    pila.clear();
                }
            }
            Tok::Elenco(v) if sezione == b"beginbfrange" && pila.len() == 2 => {
                let (a, b) = (numero(&pila[0]), numero(&pila[1]));
                if a <= b && cmap.intervalli.len() < MAX_VOCI_CMAP {
                    let v = v.iter().map(|h| utf16(h)).collect();
                    cmap.intervalli.push((a, b, Destinazione::Elenco(v)));
                }
                pila.clear();
            }
            _ => pila.clear(),
        }
    }
    // Sorted for `cerca`; of the same code written twice, the last one counts.
    cmap.singoli.reverse();
    cmap.singoli.sort_by_key(|(c, _)| *c);
    cmap.singoli.dedup_by_key(|(c, _)| *c);
    cmap.intervalli.sort_by_key(|(a, _, _)| *a);
    Ok(cmap)
}

fn numero(h: &[u8]) -> u32 {
    h.iter().take(4).fold(0u32, |a, b| (a << 8) | u32::from(*b))
}

fn utf16(h: &[u8]) -> String {
    let u: Vec<u16> = h
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&u)
}

enum Tok<'a> {
    Parola(&'a [u8]),
    Esa(Vec<u8>),
    Elenco(Vec<Vec<u8>>),
    Altro,
}

struct Token<'a> {
    dati: &'a [u8],
    i: usize,
}

impl<'a> Token<'a> {
    fn prossimo(&mut self) -> Option<Tok<'a>> {
        let d = self.dati;
        while self.i < d.len() && (d[self.i].is_ascii_whitespace() || d[self.i] == 0) {
            self.i += 1;
        }
        let b = *d.get(self.i)?;
        match b {
            b'<' if d.get(self.i + 1) != Some(&b'<') => Some(Tok::Esa(self.esa())),
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    while self.i < d.len() && d[self.i].is_ascii_whitespace() {
                        self.i += 1;
                    }
                    match d.get(self.i) {
                        Some(b'<') => {
                            let h = self.esa();
                            if v.len() < 4096 {
                                v.push(h);
                            }
                        }
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        None => break,
                        Some(_) => self.i += 1,
                    }
                }
                Some(Tok::Elenco(v))
            }
            b'%' => {
                while self.i < d.len() && d[self.i] != b'\n' && d[self.i] != b'\r' {
                    self.i += 1;
                }
                Some(Tok::Altro)
            }
            b'(' => {
                // A literal string (in the CMap's header): skipped with its nesting.
                let mut livello = 0usize;
                while self.i < d.len() {
                    match d[self.i] {
                        b'\\' => self.i += 1,
                        b'(' => livello += 1,
                        b')' => {
                            livello = livello.saturating_sub(1);
                            if livello == 0 {
                                self.i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                Some(Tok::Altro)
            }
            _ if b.is_ascii_alphanumeric() => {
                let inizio = self.i;
                while self.i < d.len() && (d[self.i].is_ascii_alphanumeric() || d[self.i] == b'.') {
                    self.i += 1;
                }
                Some(Tok::Parola(&d[inizio..self.i]))
            }
            _ => {
                self.i += 1;
                Some(Tok::Altro)
            }
        }
    }

    /// A hex string `<…>` from the `<` (odd digit count padded with 0).
    fn esa(&mut self) -> Vec<u8> {
        let d = self.dati;
        self.i += 1;
        let mut cifre = Vec::new();
        while self.i < d.len() && d[self.i] != b'>' {
            if let Some(v) = (d[self.i] as char).to_digit(16)
                && cifre.len() < 512
            {
                cifre.push(v as u8);
            }
            self.i += 1;
        }
        self.i += 1;
        if cifre.len() % 2 == 1 {
            cifre.push(0);
        }
        cifre.chunks(2).map(|c| (c[0] << 4) | c[1]).collect()
    }
}
