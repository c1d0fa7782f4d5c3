//! A worksheet's `sheetData`: rows and cells, read as events and kept sparsely.

use std::io::Read;

use super::condivise::{Condivise, decodifica_x};
use super::nome_locale;
use super::stili::Stili;
use crate::date;
use crate::foglio::Costruttore;
use crate::limiti::Controllo;
use crate::xml::{Ev, Xml, aggiungi, aggiungi_carattere, attributi, valore};
use crate::{Cella, Errore};

pub(crate) struct Contesto<'a> {
    pub condivise: &'a Condivise,
    pub stili: &'a Stili,
    pub sistema_1904: bool,
}

/// `XFD1048576` → (column 16383, Some(row 1048576)); `B` → (1, None). Saturating, so a
/// reference of any length costs nothing and lands beyond every limit.
pub(crate) fn riferimento(s: &str) -> Option<(u64, Option<u64>)> {
    let b = s.trim().as_bytes();
    let lettere = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if lettere == 0 {
        return None;
    }
    let mut colonna: u64 = 0;
    for c in &b[..lettere] {
        let v = u64::from(c.to_ascii_uppercase() - b'A' + 1);
        colonna = colonna.saturating_mul(26).saturating_add(v);
    }
    let cifre = &b[lettere..];
    if cifre.is_empty() {
        return Some((colonna - 1, None));
    }
    Some((colonna - 1, Some(numero(cifre)?)))
}

/// Decimal digits, saturating.
fn numero(cifre: &[u8]) -> Option<u64> {
    if cifre.is_empty() || !cifre.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(cifre.iter().fold(0u64, |n, c| {
        n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
    }))
}

/// Column 0 → `A`, 27 → `AB`.
pub(crate) fn nome_cella(colonna: u64, riga: u64) -> String {
    let mut lettere = Vec::new();
    let mut n = colonna.saturating_add(1);
    while n > 0 {
        let r = (n - 1) % 26;
        lettere.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    lettere.reverse();
    format!("{}{riga}", String::from_utf8_lossy(&lettere))
}

#[derive(Clone, Copy, PartialEq)]
enum Tipo {
    Numero,
    Condivisa,
    Formula,
    InLinea,
    Booleano,
    Errore,
    Data,
}

struct InCorso {
    riga: u64,
    colonna: u64,
    tipo: Tipo,
    stile: usize,
    livello: usize,
}

fn danneggiato(cosa: String) -> Errore {
    Errore::Danneggiato(cosa)
}

fn testo(s: &str) -> Cella {
    if s.is_empty() {
        return Cella::Vuota;
    }
    let mut t = String::with_capacity(s.len());
    decodifica_x(s, &mut t);
    Cella::Testo(t)
}

fn valore_cella(c: &InCorso, v: &str, in_linea: &str, ctx: &Contesto) -> Result<Cella, Errore> {
    let dove = || nome_cella(c.colonna, c.riga);
    if c.tipo == Tipo::InLinea {
        return Ok(testo(if in_linea.is_empty() { v } else { in_linea }));
    }
    let v_pulito = v.trim();
    if v_pulito.is_empty() {
        return Ok(Cella::Vuota);
    }
    Ok(match c.tipo {
        Tipo::Condivisa => {
            let s = v_pulito
                .parse::<usize>()
                .ok()
                .and_then(|i| ctx.condivise.get(i))
                .ok_or_else(|| {
                    danneggiato(format!(
                        "la cella {} rimanda a un testo inesistente",
                        dove()
                    ))
                })?;
            if s.is_empty() {
                Cella::Vuota
            } else {
                Cella::Testo(s.to_owned())
            }
        }
        Tipo::Formula => testo(v),
        Tipo::Booleano => match v_pulito {
            "1" | "true" | "TRUE" => Cella::Booleano(true),
            "0" | "false" | "FALSE" => Cella::Booleano(false),
            _ => {
                return Err(danneggiato(format!(
                    "la cella {} contiene un valore logico non valido",
                    dove()
                )));
            }
        },
        Tipo::Errore => Cella::Errore(v_pulito.to_owned()),
        Tipo::Data => date::da_iso(v_pulito).unwrap_or_else(|| Cella::Testo(v_pulito.to_owned())),
        Tipo::Numero | Tipo::InLinea => {
            let n: f64 = v_pulito.parse().map_err(|_| {
                danneggiato(format!("la cella {} contiene un numero non valido", dove()))
            })?;
            match ctx.stili.data(c.stile) {
                Some(tipo) => {
                    date::da_seriale(n, ctx.sistema_1904, tipo).unwrap_or(Cella::Numero(n))
                }
                None => Cella::Numero(n),
            }
        }
    })
}

/// What text is being collected.
#[derive(PartialEq)]
enum Dentro {
    Niente,
    /// `<v>` at this level.
    Valore(usize),
    /// `<t>` of an inline string at this level.
    Testo(usize),
}

pub(crate) fn leggi<R: Read>(
    mut xml: Xml<'_, R>,
    ctx: &Contesto,
    costruttore: &mut Costruttore,
    controllo: &Controllo,
) -> Result<(), Errore> {
    let max_cella = controllo.limiti.max_byte_cella;
    let mut dati: Option<usize> = None;
    let mut livello_riga: Option<usize> = None;
    let mut riga: u64 = 0;
    let mut colonna: u64 = 0;
    let mut cella: Option<InCorso> = None;
    let mut dentro = Dentro::Niente;
    let mut fonetica: Option<usize> = None;
    let (mut v, mut in_linea) = (String::new(), String::new());
    loop {
        let (ev, livello) = xml.prossimo()?;
        let (e, vuoto) = match ev {
            Ev::Apre(e) => (e, false),
            Ev::Vuoto(e) => (e, true),
            Ev::Testo(t) => {
                match dentro {
                    Dentro::Valore(_) => aggiungi(&mut v, &t, max_cella)?,
                    Dentro::Testo(_) => aggiungi(&mut in_linea, &t, max_cella)?,
                    Dentro::Niente => {}
                }
                continue;
            }
            Ev::Carattere(c) => {
                match dentro {
                    Dentro::Valore(_) => aggiungi_carattere(&mut v, c, max_cella)?,
                    Dentro::Testo(_) => aggiungi_carattere(&mut in_linea, c, max_cella)?,
                    Dentro::Niente => {}
                }
                continue;
            }
            Ev::Chiude => {
                if dentro == Dentro::Valore(livello) || dentro == Dentro::Testo(livello) {
                    dentro = Dentro::Niente;
                } else if fonetica == Some(livello) {
                    fonetica = None;
                } else if cella.as_ref().is_some_and(|c| c.livello == livello) {
                    let c = cella.take().expect("checked just above");
                    let valore = valore_cella(&c, &v, &in_linea, ctx)?;
                    costruttore.metti(c.riga, c.colonna, valore)?;
                } else if livello_riga == Some(livello) {
                    livello_riga = None;
                } else if dati == Some(livello) {
                    // Nothing after sheetData is needed.
                    return Ok(());
                }
                continue;
            }
            Ev::Fine => return Ok(()),
        };
        let nome = nome_locale(&e);
        let Some(livello_dati) = dati else {
            if nome == "sheetData" {
                if vuoto {
                    return Ok(());
                }
                dati = Some(livello);
            }
            continue;
        };
        if cella.is_some() {
            match nome {
                "v" if !vuoto => dentro = Dentro::Valore(livello),
                "t" if !vuoto && fonetica.is_none() => dentro = Dentro::Testo(livello),
                "rPh" if !vuoto => fonetica = Some(livello),
                _ => {}
            }
            continue;
        }
        if nome == "row" && livello == livello_dati + 1 {
            let mut numero_riga = None;
            for a in attributi(&e) {
                let a = a?;
                if a.key.local_name().into_inner() == "r" {
                    let n = numero(valore(&a)?.trim().as_bytes())
                        .ok_or_else(|| danneggiato("un numero di riga non è valido".to_owned()))?;
                    numero_riga = Some(n);
                }
            }
            // Rows without `r` follow the previous one.
            riga = numero_riga.unwrap_or(riga.saturating_add(1));
            colonna = 0;
            if !vuoto {
                livello_riga = Some(livello);
            }
            continue;
        }
        if nome == "c" && livello_riga.is_some_and(|l| l + 1 == livello) {
            let (mut rif, mut tipo, mut stile) = (None, Tipo::Numero, 0usize);
            for a in attributi(&e) {
                let a = a?;
                match a.key.local_name().into_inner() {
                    "r" => {
                        let r = valore(&a)?;
                        rif = Some(riferimento(&r).ok_or_else(|| {
                            danneggiato("un riferimento di cella non è valido".to_owned())
                        })?);
                    }
                    "t" => {
                        tipo = match valore(&a)?.as_ref() {
                            "s" => Tipo::Condivisa,
                            "str" => Tipo::Formula,
                            "inlineStr" => Tipo::InLinea,
                            "b" => Tipo::Booleano,
                            "e" => Tipo::Errore,
                            "d" => Tipo::Data,
                            _ => Tipo::Numero,
                        }
                    }
                    "s" => stile = valore(&a)?.trim().parse().unwrap_or(0),
                    _ => {}
                }
            }
            // Cells without `r` follow the previous one in the row.
            let (col, riga_cella) = match rif {
                Some((c, r)) => (c, r.unwrap_or(riga)),
                None => (colonna, riga),
            };
            colonna = col.saturating_add(1);
            if !vuoto {
                v.clear();
                in_linea.clear();
                dentro = Dentro::Niente;
                fonetica = None;
                cella = Some(InCorso {
                    riga: riga_cella,
                    colonna: col,
                    tipo,
                    stile,
                    livello,
                });
            }
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn riferimenti() {
        assert_eq!(riferimento("A1"), Some((0, Some(1))));
        assert_eq!(riferimento("XFD1048576"), Some((16383, Some(1_048_576))));
        assert_eq!(riferimento("b"), Some((1, None)));
        assert_eq!(riferimento("1"), None);
        assert_eq!(riferimento("A1B"), None);
        let lungo = format!("{}{}", "Z".repeat(10_000), "9".repeat(10_000));
        assert_eq!(riferimento(&lungo), Some((u64::MAX - 1, Some(u64::MAX))));
        assert_eq!(nome_cella(0, 1), "A1");
        assert_eq!(nome_cella(27, 3), "AB3");
        assert_eq!(nome_cella(16383, 1_048_576), "XFD1048576");
    }
}
