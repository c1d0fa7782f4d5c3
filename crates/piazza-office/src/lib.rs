//! Bounded readers, safe on hostile input, of the first sheet of a spreadsheet (XLSX, ODS,
//! CSV) and of text documents ([`documento`]: DOCX, ODT, PDF, Markdown, reStructuredText, text).
//!
//! Nothing is allocated in proportion to what a file declares (dimensions, counts, sizes):
//! cells are kept sparsely, and every byte decompressed, cell kept, text, nesting level and
//! second spent is counted against [`Limiti`] while reading. Whatever goes wrong is an
//! [`Errore`] whose `Display` is an Italian message for the person who sent the file.
//!
//! ```
//! let csv = "Comune;Abitanti\nPrato;195000\n".as_bytes();
//! let foglio = piazza_office::leggi_foglio(csv, &piazza_office::Limiti::default()).unwrap();
//! assert_eq!(foglio.righe.len(), 2);
//! ```

mod archivio;
mod csv;
mod date;
pub mod documento;
mod errore;
mod foglio;
mod limiti;
mod ods;
mod xlsx;
mod xml;

pub use documento::{Blocco, Documento, FormatoDocumento, formato_documento, leggi_documento};
pub use errore::Errore;
pub use limiti::Limiti;

use archivio::Archivio;
use limiti::Controllo;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cella {
    Vuota,
    Testo(String),
    Numero(f64),
    Data(chrono::NaiveDate),
    DataOra(chrono::NaiveDateTime),
    Booleano(bool),
    /// An error value as the spreadsheet shows it (`#DIV/0!`).
    Errore(String),
}

/// A row with at least one non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Riga {
    /// 1-based row number as in the file (for CSV, the line where the record starts).
    pub numero: u32,
    /// Cells from column 0, padded with [`Cella::Vuota`] only up to the last non-empty one.
    pub celle: Vec<Cella>,
}

/// The sheet read: its name (empty for CSV) and its non-empty rows in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Foglio {
    pub nome: String,
    pub righe: Vec<Riga>,
}

/// The kinds of file read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formato {
    Xlsx,
    Ods,
    Csv,
}

/// What a zip holds, decided from its entry names (and ODS's `mimetype`).
fn formato_zip(archivio: &mut Archivio, controllo: &Controllo) -> Result<Formato, Errore> {
    if archivio.contiene("xl/workbook.xml") {
        return Ok(Formato::Xlsx);
    }
    if let Some(i) = archivio.indice("mimetype") {
        let tipo = archivio.inizio(i, 128, controllo)?;
        let tipo = String::from_utf8_lossy(&tipo);
        return if tipo
            .trim()
            .starts_with("application/vnd.oasis.opendocument.spreadsheet")
        {
            Ok(Formato::Ods)
        } else {
            Err(Errore::NonRiconosciuto)
        };
    }
    if archivio.contiene("content.xml") {
        return Ok(Formato::Ods);
    }
    Err(Errore::NonRiconosciuto)
}

/// The kind of file the bytes are: a zip with `xl/workbook.xml` is XLSX, a zip with the ODS
/// spreadsheet `mimetype` (or, lacking one, a `content.xml`) is ODS, text is CSV; else `None`.
pub fn formato(bytes: &[u8]) -> Option<Formato> {
    if bytes.is_empty() {
        return None;
    }
    if archivio::sembra_zip(bytes) {
        let limiti = Limiti::default();
        let controllo = Controllo::new(&limiti);
        let mut a = Archivio::apri(bytes).ok()?;
        return formato_zip(&mut a, &controllo).ok();
    }
    csv::decodifica(bytes).map(|_| Formato::Csv)
}

/// Text in UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252, as a string; `None`
/// for bytes that are not text.
pub fn decodifica_testo(bytes: &[u8]) -> Option<String> {
    csv::decodifica(bytes).map(|t| t.into_owned())
}

/// OLE compound file: binary XLS, or an OOXML file encrypted with a password.
pub(crate) const FIRMA_OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads the first sheet: for XLSX the first worksheet in workbook order, for ODS the first
/// table, for CSV the whole file.
pub fn leggi_foglio(bytes: &[u8], limiti: &Limiti) -> Result<Foglio, Errore> {
    if bytes.len() > limiti.max_byte_file {
        return Err(Errore::FileTroppoGrande {
            limite: limiti.max_byte_file,
        });
    }
    if bytes.is_empty() {
        return Err(Errore::FileVuoto);
    }
    let controllo = Controllo::new(limiti);
    if archivio::sembra_zip(bytes) {
        let mut a = Archivio::apri(bytes)?;
        return match formato_zip(&mut a, &controllo)? {
            Formato::Xlsx => xlsx::leggi(&mut a, &controllo),
            Formato::Ods => ods::leggi(&mut a, &controllo),
            Formato::Csv => Err(Errore::NonRiconosciuto),
        };
    }
    if bytes.starts_with(FIRMA_OLE) {
        return Err(Errore::FormatoXls);
    }
    match csv::decodifica(bytes) {
        Some(testo) => csv::leggi(&testo, &controllo),
        None => Err(Errore::NonRiconosciuto),
    }
}
