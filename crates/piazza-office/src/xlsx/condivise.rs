//! `sharedStrings.xml`: the texts cells refer to by index, kept in one buffer.
//!
//! One `String` for all the texts and the end offset of each: four bytes per entry beyond the
//! text itself, however many tiny strings a hostile table holds. The declared `count` and
//! `uniqueCount` are never used.

use std::io::Read;

use super::nome_locale;
use crate::Errore;
use crate::limiti::Controllo;
use crate::xml::{Ev, Xml, aggiungi, aggiungi_carattere};

#[derive(Default)]
pub(crate) struct Condivise {
    testo: String,
    fini: Vec<u32>,
}

impl Condivise {
    pub fn get(&self, i: usize) -> Option<&str> {
        let fine = *self.fini.get(i)? as usize;
        let inizio = match i {
            0 => 0,
            _ => self.fini[i - 1] as usize,
        };
        self.testo.get(inizio..fine)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.fini.len()
    }
}

/// Undoes SpreadsheetML's `_xHHHH_` escapes (`_x000D_` for a carriage return, `_x005F_` for
/// `_`), appending to `out`.
pub(crate) fn decodifica_x(s: &str, out: &mut String) {
    let mut resto = s;
    while let Some(i) = resto.find("_x") {
        out.push_str(&resto[..i]);
        let dopo = &resto[i..];
        let codice = dopo
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| dopo.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match codice {
            Some(c) => {
                out.push(c);
                resto = &dopo[7..];
            }
            None => {
                out.push_str("_x");
                resto = &dopo[2..];
            }
        }
    }
    out.push_str(resto);
}

pub(crate) fn leggi<R: Read>(
    mut xml: Xml<'_, R>,
    controllo: &Controllo,
) -> Result<Condivise, Errore> {
    let limiti = controllo.limiti;
    let max_byte = limiti.max_byte_testi.min(u32::MAX as usize);
    let mut c = Condivise::default();
    let mut voce = String::new();
    let mut in_voce = None;
    let mut in_fonetica = None;
    let mut in_testo = None;
    loop {
        let (ev, livello) = xml.prossimo()?;
        match ev {
            Ev::Apre(e) => match nome_locale(&e) {
                "si" if in_voce.is_none() => {
                    in_voce = Some(livello);
                    voce.clear();
                }
                "rPh" if in_voce.is_some() => in_fonetica = Some(livello),
                "t" if in_voce.is_some() && in_fonetica.is_none() => in_testo = Some(livello),
                _ => {}
            },
            Ev::Vuoto(e) if nome_locale(&e) == "si" && in_voce.is_none() => {
                aggiungi_voce(&mut c, "", limiti.max_stringhe_condivise, max_byte)?;
            }
            Ev::Testo(t) if in_testo.is_some() => aggiungi(&mut voce, &t, limiti.max_byte_cella)?,
            Ev::Carattere(ch) if in_testo.is_some() => {
                aggiungi_carattere(&mut voce, ch, limiti.max_byte_cella)?
            }
            Ev::Chiude => {
                if in_testo == Some(livello) {
                    in_testo = None;
                } else if in_fonetica == Some(livello) {
                    in_fonetica = None;
                } else if in_voce == Some(livello) {
                    in_voce = None;
                    aggiungi_voce(&mut c, &voce, limiti.max_stringhe_condivise, max_byte)?;
                }
            }
            Ev::Fine => return Ok(c),
            _ => {}
        }
    }
}

fn aggiungi_voce(
    c: &mut Condivise,
    voce: &str,
    max_voci: usize,
    max_byte: usize,
) -> Result<(), Errore> {
    if c.fini.len() >= max_voci {
        return Err(Errore::TroppeStringhe { limite: max_voci });
    }
    // The escapes only shrink a text, so its raw length bounds what is appended.
    if c.testo.len().saturating_add(voce.len()) > max_byte {
        return Err(Errore::TestiTroppoGrandi { limite: max_byte });
    }
    if voce.contains("_x") {
        decodifica_x(voce, &mut c.testo);
    } else {
        c.testo.push_str(voce);
    }
    c.fini.push(c.testo.len() as u32);
    Ok(())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn escape_x() {
        let mut s = String::new();
        decodifica_x("a_x000D_b_x005F_x000D__xZZZZ_", &mut s);
        assert_eq!(s, "a\rb_x000D__xZZZZ_");
    }

    #[test]
    fn voci() {
        let mut c = Condivise::default();
        aggiungi_voce(&mut c, "uno", 10, 100).unwrap();
        aggiungi_voce(&mut c, "", 10, 100).unwrap();
        aggiungi_voce(&mut c, "tre", 10, 100).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(0), Some("uno"));
        assert_eq!(c.get(1), Some(""));
        assert_eq!(c.get(2), Some("tre"));
        assert_eq!(c.get(3), None);
        assert!(aggiungi_voce(&mut c, "x".repeat(95).as_str(), 10, 100).is_err());
    }
}
