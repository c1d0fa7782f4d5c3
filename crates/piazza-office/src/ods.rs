//! ODS (OpenDocument spreadsheet): the first `table:table` of `content.xml`.
//!
//! Repeats are never expanded before they are counted: repeated empty cells and rows only move
//! the position (LibreOffice ends a sheet with `number-columns-repeated="16384"` and
//! `number-rows-repeated="1048559"`), repeated non-empty ones are checked against the column,
//! row and cell limits first. Elements are matched by their conventional qualified names
//! (`table:`, `office:`, `text:`), as every ODF producer writes them.

use std::io::Read;

use quick_xml::events::BytesStart;

use crate::archivio::Archivio;
use crate::foglio::Costruttore;
use crate::limiti::Controllo;
use crate::xml::{Ev, aggiungi, aggiungi_carattere, attributi, valore};
use crate::{Cella, Errore, Foglio, date};

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

fn ripetizioni(v: &str) -> Result<u64, Errore> {
    match numero(v) {
        Some(0) => Ok(1),
        Some(n) => Ok(n),
        None => Err(Errore::Danneggiato(
            "un numero di ripetizioni non è valido".to_owned(),
        )),
    }
}

#[derive(Default)]
struct CellaOds {
    livello: usize,
    ripetizioni: u64,
    tipo: String,
    errore: bool,
    valore: Option<String>,
    testo_attributo: Option<String>,
}

impl CellaOds {
    fn da(e: &BytesStart, livello: usize, max_cella: usize) -> Result<Self, Errore> {
        let mut c = CellaOds {
            livello,
            ripetizioni: 1,
            ..Default::default()
        };
        for a in attributi(e) {
            let a = a?;
            match a.key.as_ref() {
                "table:number-columns-repeated" => c.ripetizioni = ripetizioni(&valore(&a)?)?,
                "office:value-type" => c.tipo = valore(&a)?.into_owned(),
                "calcext:value-type" => c.errore = valore(&a)? == "error",
                "office:value"
                | "office:date-value"
                | "office:time-value"
                | "office:boolean-value" => c.valore = Some(valore(&a)?.into_owned()),
                "office:string-value" => {
                    let v = valore(&a)?;
                    if v.len() > max_cella {
                        return Err(Errore::TestoTroppoLungo { limite: max_cella });
                    }
                    c.testo_attributo = Some(v.into_owned());
                }
                _ => {}
            }
        }
        Ok(c)
    }

    fn cella(self, testo: String) -> Cella {
        let testo_o_vuota = |t: String| {
            if t.is_empty() {
                Cella::Vuota
            } else {
                Cella::Testo(t)
            }
        };
        if self.errore {
            return Cella::Errore(testo);
        }
        let v = self.valore.as_deref().unwrap_or("");
        let letto = match self.tipo.as_str() {
            "float" | "percentage" | "currency" => v.trim().parse().ok().map(Cella::Numero),
            "date" => date::da_iso(v),
            "time" => date::da_durata(v),
            "boolean" => match v.trim() {
                "true" | "1" => Some(Cella::Booleano(true)),
                "false" | "0" => Some(Cella::Booleano(false)),
                _ => None,
            },
            "void" => Some(Cella::Vuota),
            _ => None,
        };
        match letto {
            Some(c) => c,
            None => testo_o_vuota(self.testo_attributo.unwrap_or(testo)),
        }
    }
}

/// A cell's text as ODF defines it: runs of white space in the XML collapse to one space and
/// are dropped at the start and end of a paragraph; `text:s`, `text:tab` and
/// `text:line-break` are kept as written; paragraphs are joined with `\n`.
#[derive(Default)]
struct TestoOds {
    testo: String,
    paragrafi: usize,
    /// The last character came from collapsed white space.
    spazio: bool,
    inizio: bool,
}

impl TestoOds {
    fn azzera(&mut self) {
        self.testo.clear();
        self.paragrafi = 0;
        self.spazio = false;
    }

    fn paragrafo(&mut self, max: usize) -> Result<(), Errore> {
        if self.paragrafi > 0 {
            aggiungi(&mut self.testo, "\n", max)?;
        }
        self.paragrafi += 1;
        self.inizio = true;
        self.spazio = false;
        Ok(())
    }

    fn fine_paragrafo(&mut self) {
        if self.spazio {
            self.testo.pop();
            self.spazio = false;
        }
    }

    fn xml(&mut self, s: &str, max: usize) -> Result<(), Errore> {
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\r' | '\n') {
                if !self.inizio && !self.spazio {
                    aggiungi(&mut self.testo, " ", max)?;
                    self.spazio = true;
                }
            } else {
                self.letterale_carattere(c, max)?;
            }
        }
        Ok(())
    }

    fn letterale_carattere(&mut self, c: char, max: usize) -> Result<(), Errore> {
        aggiungi_carattere(&mut self.testo, c, max)?;
        self.spazio = false;
        self.inizio = false;
        Ok(())
    }

    fn spazi(&mut self, n: u64, max: usize) -> Result<(), Errore> {
        if (self.testo.len() as u64).saturating_add(n) > max as u64 {
            return Err(Errore::TestoTroppoLungo { limite: max });
        }
        self.testo.extend(std::iter::repeat_n(' ', n as usize));
        self.spazio = false;
        self.inizio = false;
        Ok(())
    }
}

/// Elements inside a cell whose text is not the cell's (comments, drawings).
fn da_ignorare(nome: &str) -> bool {
    nome == "office:annotation" || nome.starts_with("draw:")
}

pub(crate) fn leggi(archivio: &mut Archivio, controllo: &Controllo) -> Result<Foglio, Errore> {
    let i = archivio
        .indice("content.xml")
        .ok_or_else(|| Errore::Danneggiato("manca content.xml".to_owned()))?;
    let xml = archivio.xml(i, "content.xml", controllo)?;
    leggi_contenuto(xml, controllo)
}

fn leggi_contenuto<R: Read>(
    mut xml: crate::xml::Xml<'_, R>,
    controllo: &Controllo,
) -> Result<Foglio, Errore> {
    let limiti = controllo.limiti;
    let max_cella = limiti.max_byte_cella;
    let max_colonne = u64::from(limiti.max_colonne);
    let mut costruttore = Costruttore::new(controllo);
    let mut nome = String::new();
    let mut tabella: Option<usize> = None;
    // The row being read: its level and repeats; the next row number; its cells.
    let mut riga: Option<(usize, u64)> = None;
    let mut numero_riga: u64 = 1;
    let mut celle: Vec<Cella> = Vec::new();
    let mut colonna: u64 = 0;
    let mut cella: Option<CellaOds> = None;
    let mut testo = TestoOds::default();
    let mut paragrafo: Option<usize> = None;
    let mut ignora: Option<usize> = None;

    loop {
        let (ev, livello) = xml.prossimo()?;
        let (e, vuoto) = match ev {
            Ev::Apre(e) => (e, false),
            Ev::Vuoto(e) => (e, true),
            Ev::Testo(t) => {
                if paragrafo.is_some() && ignora.is_none() {
                    testo.xml(&t, max_cella)?;
                }
                continue;
            }
            Ev::Carattere(c) => {
                if paragrafo.is_some() && ignora.is_none() {
                    testo.letterale_carattere(c, max_cella)?;
                }
                continue;
            }
            Ev::Chiude => {
                if ignora == Some(livello) {
                    ignora = None;
                } else if paragrafo == Some(livello) {
                    paragrafo = None;
                    testo.fine_paragrafo();
                } else if cella.as_ref().is_some_and(|c| c.livello == livello) {
                    let c = cella.take().expect("checked just above");
                    metti_cella(
                        c,
                        std::mem::take(&mut testo.testo),
                        &mut celle,
                        &mut colonna,
                        max_colonne,
                    )?;
                } else if let Some((l, volte)) = riga
                    && l == livello
                {
                    riga = None;
                    let prima = numero_riga;
                    numero_riga = numero_riga.saturating_add(volte);
                    costruttore.metti_righe(prima, volte, std::mem::take(&mut celle))?;
                } else if tabella == Some(livello) {
                    return costruttore.foglio(nome);
                }
                continue;
            }
            Ev::Fine => {
                return match tabella {
                    Some(_) => costruttore.foglio(nome),
                    None => Err(Errore::NessunFoglio),
                };
            }
        };
        let qnome = e.name();
        let n = qnome.as_ref();
        if tabella.is_none() {
            if n == "table:table" {
                for a in attributi(&e) {
                    let a = a?;
                    if a.key.as_ref() == "table:name" {
                        nome = valore(&a)?.into_owned();
                    }
                }
                if vuoto {
                    return costruttore.foglio(nome);
                }
                tabella = Some(livello);
            }
            continue;
        }
        if cella.is_some() {
            if ignora.is_some() {
                continue;
            }
            match n {
                _ if da_ignorare(n) && !vuoto => ignora = Some(livello),
                "text:p" | "text:h" => {
                    testo.paragrafo(max_cella)?;
                    if !vuoto {
                        paragrafo = Some(livello);
                    }
                }
                "text:s" if paragrafo.is_some() => {
                    let mut spazi = 1u64;
                    for a in attributi(&e) {
                        let a = a?;
                        if a.key.as_ref() == "text:c" {
                            spazi = numero(&valore(&a)?).unwrap_or(1).max(1);
                        }
                    }
                    testo.spazi(spazi, max_cella)?;
                }
                "text:tab" if paragrafo.is_some() => testo.letterale_carattere('\t', max_cella)?,
                "text:line-break" if paragrafo.is_some() => {
                    testo.letterale_carattere('\n', max_cella)?
                }
                _ => {}
            }
            continue;
        }
        match n {
            "table:table-row" if riga.is_none() => {
                let mut volte = 1;
                for a in attributi(&e) {
                    let a = a?;
                    if a.key.as_ref() == "table:number-rows-repeated" {
                        volte = ripetizioni(&valore(&a)?)?;
                    }
                }
                celle.clear();
                colonna = 0;
                if vuoto {
                    numero_riga = numero_riga.saturating_add(volte);
                } else {
                    riga = Some((livello, volte));
                }
            }
            "table:table-cell" | "table:covered-table-cell" if riga.is_some() => {
                let c = CellaOds::da(&e, livello, max_cella)?;
                testo.azzera();
                paragrafo = None;
                if vuoto {
                    metti_cella(c, String::new(), &mut celle, &mut colonna, max_colonne)?;
                } else {
                    cella = Some(c);
                }
            }
            _ => {}
        }
    }
}

/// Puts a cell, repeated, into the row being read: empty repeats only move the column; others
/// must fit within the column limit before they are copied.
fn metti_cella(
    c: CellaOds,
    testo: String,
    celle: &mut Vec<Cella>,
    colonna: &mut u64,
    max_colonne: u64,
) -> Result<(), Errore> {
    let volte = c.ripetizioni;
    let valore = c.cella(testo);
    if matches!(valore, Cella::Vuota) {
        *colonna = colonna.saturating_add(volte);
        return Ok(());
    }
    let fine = colonna.saturating_add(volte);
    if fine > max_colonne {
        return Err(Errore::TroppeColonne {
            limite: max_colonne as u32,
        });
    }
    celle.resize(*colonna as usize, Cella::Vuota);
    for _ in 1..volte {
        celle.push(valore.clone());
    }
    celle.push(valore);
    *colonna = fine;
    Ok(())
}
