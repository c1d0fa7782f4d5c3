//! CSV: UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252; the delimiter
//! sniffed among `;`, `,` and tab. Every non-empty field is a [`Cella::Testo`].

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::foglio::Costruttore;
use crate::limiti::Controllo;
use crate::{Cella, Errore, Foglio};

/// Whether decoded text looks like text: no NUL, no control characters but tab, line ends,
/// form feed and a DOS end-of-file mark, no C1 controls (bytes Windows-1252 leaves undefined).
fn testuale(s: &str) -> bool {
    s.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1a'))
}

/// The bytes as text, if they are text.
pub(crate) fn decodifica(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let testo = if let Some(resto) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(resto)
    } else if let Some(resto) = bytes.strip_prefix(b"\xFF\xFE") {
        UTF_16LE.decode_without_bom_handling(resto).0
    } else if let Some(resto) = bytes.strip_prefix(b"\xFE\xFF") {
        UTF_16BE.decode_without_bom_handling(resto).0
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
        }
    };
    testuale(&testo).then_some(testo)
}

/// Bytes looked at to choose the delimiter, and records among them.
const CAMPIONE_BYTE: usize = 64 * 1024;
const CAMPIONE_RIGHE: usize = 20;
const DELIMITATORI: [u8; 3] = [b';', b'\t', b','];

/// The delimiter: among those found outside quotes on the first line, the first (in the order
/// `;`, tab, `,`) whose count is the same on every sampled record; lacking one, the most
/// frequent; lacking any, `;`.
pub(crate) fn delimitatore(testo: &str) -> u8 {
    let mut fine = testo.len().min(CAMPIONE_BYTE);
    while !testo.is_char_boundary(fine) {
        fine -= 1;
    }
    let campione = &testo.as_bytes()[..fine];
    // Per record: the count of each candidate outside quotes.
    let mut conteggi: Vec<[usize; 3]> = Vec::new();
    let mut attuale = [0usize; 3];
    let mut tra_virgolette = false;
    let mut vuoto = true;
    for &b in campione {
        match b {
            b'"' => {
                tra_virgolette = !tra_virgolette;
                vuoto = false;
            }
            b'\n' | b'\r' if !tra_virgolette => {
                if !vuoto {
                    conteggi.push(attuale);
                    if conteggi.len() >= CAMPIONE_RIGHE {
                        break;
                    }
                }
                attuale = [0; 3];
                vuoto = true;
            }
            _ => {
                vuoto = false;
                if !tra_virgolette && let Some(i) = DELIMITATORI.iter().position(|&d| d == b) {
                    attuale[i] += 1;
                }
            }
        }
    }
    if !vuoto && conteggi.len() < CAMPIONE_RIGHE {
        // The last record of the sample, unless cut by the sample's end.
        if fine == testo.len() {
            conteggi.push(attuale);
        }
    }
    let Some(primo) = conteggi.first() else {
        return b';';
    };
    for i in 0..3 {
        if primo[i] > 0 && conteggi.iter().all(|c| c[i] == primo[i]) {
            return DELIMITATORI[i];
        }
    }
    let totali: Vec<usize> = (0..3)
        .map(|i| conteggi.iter().map(|c| c[i]).sum())
        .collect();
    let massimo = totali.iter().copied().max().unwrap_or(0);
    if massimo == 0 {
        return b';';
    }
    let i = totali.iter().position(|&t| t == massimo).unwrap_or(0);
    DELIMITATORI[i]
}

/// Line numbers of record starts. The csv reader's own line count goes wrong with `\r\n`
/// around blank lines, and the byte offset it gives is where it began reading, blank lines
/// included; so lines are counted here, incrementally, from those offsets.
struct Righe<'t> {
    testo: &'t [u8],
    fin_qui: usize,
    riga: u64,
}

impl Righe<'_> {
    /// The line of the record whose reading began at `byte`.
    fn riga(&mut self, byte: u64) -> u64 {
        let mut inizio = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.testo.len());
        // A record never starts with a line end: those are skipped blank lines.
        while inizio < self.testo.len() && matches!(self.testo[inizio], b'\r' | b'\n') {
            inizio += 1;
        }
        if inizio > self.fin_qui {
            let tratto = &self.testo[self.fin_qui..inizio];
            let a_capo = memchr::memchr_iter(b'\n', tratto).count();
            let ritorni_soli = memchr::memchr_iter(b'\r', tratto)
                .filter(|&i| tratto.get(i + 1) != Some(&b'\n'))
                .count();
            self.riga += (a_capo + ritorni_soli) as u64;
            self.fin_qui = inizio;
        }
        self.riga
    }
}

pub(crate) fn leggi(testo: &str, controllo: &Controllo) -> Result<Foglio, Errore> {
    let limiti = controllo.limiti;
    let mut costruttore = Costruttore::new(controllo);
    let mut lettore = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimitatore(testo))
        .from_reader(testo.as_bytes());
    let mut record = ::csv::StringRecord::new();
    let mut righe = Righe {
        testo: testo.as_bytes(),
        fin_qui: 0,
        riga: 1,
    };
    loop {
        controllo.passo()?;
        match lettore.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => {
                return Err(Errore::Danneggiato(
                    "il testo CSV non è leggibile".to_owned(),
                ));
            }
        }
        let riga = righe.riga(record.position().map_or(0, |p| p.byte()));
        for (colonna, campo) in record.iter().enumerate() {
            if campo.len() > limiti.max_byte_cella {
                return Err(Errore::TestoTroppoLungo {
                    limite: limiti.max_byte_cella,
                });
            }
            if campo.is_empty() {
                continue;
            }
            costruttore.metti(riga, colonna as u64, Cella::Testo(campo.to_owned()))?;
        }
    }
    costruttore.foglio(String::new())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn delimitatori() {
        assert_eq!(delimitatore("a;b;c\n1;2;3\n"), b';');
        assert_eq!(delimitatore("a,b,c\n1,2,3\n"), b',');
        assert_eq!(delimitatore("a\tb\n1\t2\n"), b'\t');
        // Decimal commas are consistent too: `;` wins.
        assert_eq!(delimitatore("1,5;2,5\n3,5;4,5\n"), b';');
        // Quoted delimiters do not count.
        assert_eq!(delimitatore("\"a;b\",c\n\"d;e\",f\n"), b',');
        assert_eq!(delimitatore("solo\nuna colonna\n"), b';');
        assert_eq!(delimitatore(""), b';');
    }

    #[test]
    fn decodifiche() {
        assert_eq!(
            decodifica(b"\xEF\xBB\xBFcitt\xC3\xA0").as_deref(),
            Some("città")
        );
        assert_eq!(decodifica(b"citt\xE0").as_deref(), Some("città"));
        assert_eq!(decodifica(b"\xFF\xFEa\x00").as_deref(), Some("a"));
        assert_eq!(decodifica(b"a\x00b"), None);
        assert_eq!(decodifica(b"\x81\x8d"), None);
    }
}
