//! What every document reader shares: a whitespace-normalising text accumulator with a
//! per-block bound, and the list of blocks kept, counted against the limits as it grows.

use crate::documento::{Blocco, Documento};
use crate::{Controllo, Errore};

/// Bytes of one block's text (a heading, paragraph, list item or table cell): four times
/// [`crate::Limiti::max_byte_cella`] (128 KiB by default).
pub(crate) fn max_byte_blocco(controllo: &Controllo) -> usize {
    controllo.limiti.max_byte_cella.saturating_mul(4)
}

/// A block's text as it is read: runs of white space are one space, none at the start, and
/// the end trimmed when taken. Zero-width characters and soft hyphens are dropped.
pub(crate) struct Testo {
    s: String,
    spazio: bool,
    limite: usize,
}

impl Testo {
    pub fn new(limite: usize) -> Self {
        Self {
            s: String::new(),
            spazio: false,
            limite,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.s.is_empty()
    }

    /// A separator: one space, unless the text is empty or already ends with one.
    pub fn spazio(&mut self) {
        if !self.s.is_empty() {
            self.spazio = true;
        }
    }

    /// Drops the pending separator (before punctuation, after something removed).
    pub fn senza_spazio(&mut self) {
        self.spazio = false;
    }

    pub fn carattere(&mut self, c: char) -> Result<(), Errore> {
        if c.is_whitespace() || c.is_control() {
            self.spazio();
            return Ok(());
        }
        if matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}'
        ) {
            return Ok(());
        }
        let serve = c.len_utf8() + usize::from(self.spazio);
        if self.s.len().saturating_add(serve) > self.limite {
            return Err(Errore::BloccoTroppoLungo {
                limite: self.limite,
            });
        }
        if self.spazio {
            self.s.push(' ');
            self.spazio = false;
        }
        self.s.push(c);
        Ok(())
    }

    pub fn aggiungi(&mut self, t: &str) -> Result<(), Errore> {
        for c in t.chars() {
            self.carattere(c)?;
        }
        Ok(())
    }

    /// The text so far (never ending in a space); the accumulator is left empty.
    pub fn prendi(&mut self) -> String {
        self.spazio = false;
        std::mem::take(&mut self.s)
    }
}

/// The blocks read so far, with the running totals checked against the limits: the number of
/// blocks ([`crate::Limiti::max_blocchi`]), the bytes of text kept
/// ([`crate::Limiti::max_byte_testi`]) and the table cells ([`crate::Limiti::max_celle`]).
pub(crate) struct Raccolta<'c> {
    pub controllo: &'c Controllo<'c>,
    blocchi: Vec<Blocco>,
    byte_testi: usize,
    celle: u64,
}

impl<'c> Raccolta<'c> {
    pub fn new(controllo: &'c Controllo<'c>) -> Self {
        Self {
            controllo,
            blocchi: Vec::new(),
            byte_testi: 0,
            celle: 0,
        }
    }

    pub fn max_blocco(&self) -> usize {
        max_byte_blocco(self.controllo)
    }

    /// A new, empty text bounded per block.
    pub fn testo(&self) -> Testo {
        Testo::new(self.max_blocco())
    }

    fn conta_testo(&mut self, n: usize) -> Result<(), Errore> {
        self.byte_testi = self.byte_testi.saturating_add(n);
        let limite = self.controllo.limiti.max_byte_testi;
        if self.byte_testi > limite {
            return Err(Errore::TestiTroppoGrandi { limite });
        }
        Ok(())
    }

    /// Accounts for one table cell about to be kept (its text counts with the others).
    pub fn conta_cella(&mut self, testo: &str) -> Result<(), Errore> {
        self.celle = self.celle.saturating_add(1);
        let limite = self.controllo.limiti.max_celle;
        if self.celle > limite {
            return Err(Errore::TroppeCelleInTabella { limite });
        }
        self.conta_testo(testo.len())
    }

    fn metti(&mut self, b: Blocco) -> Result<(), Errore> {
        self.controllo.passo()?;
        let limite = self.controllo.limiti.max_blocchi;
        if self.blocchi.len() >= limite {
            return Err(Errore::TroppiBlocchi { limite });
        }
        self.blocchi.push(b);
        Ok(())
    }

    /// Keeps a heading (dropped when its text is empty); `livello` is clamped to 1..=255.
    pub fn titolo(&mut self, livello: usize, testo: String) -> Result<(), Errore> {
        if testo.is_empty() {
            return Ok(());
        }
        self.conta_testo(testo.len())?;
        let livello = livello.clamp(1, 255) as u8;
        self.metti(Blocco::Titolo { livello, testo })
    }

    pub fn paragrafo(&mut self, testo: String) -> Result<(), Errore> {
        if testo.is_empty() {
            return Ok(());
        }
        self.conta_testo(testo.len())?;
        self.metti(Blocco::Paragrafo(testo))
    }

    pub fn voce(&mut self, livello: usize, numerata: bool, testo: String) -> Result<(), Errore> {
        if testo.is_empty() {
            return Ok(());
        }
        self.conta_testo(testo.len())?;
        let livello = livello.clamp(1, 255) as u8;
        self.metti(Blocco::Voce {
            livello,
            numerata,
            testo,
        })
    }

    /// Keeps a table whose cells were accounted with [`Self::conta_cella`]: rows with only
    /// empty cells are dropped, the others padded to the widest; nothing left, no table.
    pub fn tabella(&mut self, mut righe: Vec<Vec<String>>) -> Result<(), Errore> {
        righe.retain(|r| r.iter().any(|c| !c.is_empty()));
        for r in &mut righe {
            while r.last().is_some_and(String::is_empty) {
                r.pop();
            }
        }
        if righe.is_empty() {
            return Ok(());
        }
        let larghezza = righe.iter().map(Vec::len).max().unwrap_or(0);
        for r in &mut righe {
            r.resize(larghezza, String::new());
        }
        self.metti(Blocco::Tabella(righe))
    }

    pub fn documento(self, titolo: Option<String>) -> Documento {
        Documento {
            titolo: titolo.filter(|t| !t.is_empty()),
            blocchi: self.blocchi,
        }
    }
}

/// The heading level a style name or id stands for: `Title`/`Titolo` → 1, `heading N`,
/// `Heading_20_N`, `Titolo N`, `Titolo1`, `Intestazione N` → N (1 to 9, or 10 for ODF).
pub(crate) fn livello_da_nome(nome: &str) -> Option<usize> {
    let n: String = nome
        .replace("_20_", "")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    if matches!(n.as_str(), "title" | "titolo") {
        return Some(1);
    }
    for prefisso in ["heading", "titolo", "intestazione", "überschrift", "titre"] {
        if let Some(resto) = n.strip_prefix(prefisso)
            && !resto.is_empty()
            && resto.len() <= 2
            && resto.bytes().all(|b| b.is_ascii_digit())
        {
            let l: usize = resto.parse().ok()?;
            return (1..=10).contains(&l).then_some(l);
        }
    }
    None
}
