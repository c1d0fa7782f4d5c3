//! Writers of a [`Documento`] as files offices open and edit: [`docx`] (Word, and LibreOffice)
//! and [`odt`] (LibreOffice, and Word).
//!
//! Both write what an office would have written for the same content, so that the person who
//! edits the file finds real structure, not look-alike formatting:
//!
//! - headings are heading styles with their outline level (DOCX `Heading1`..`Heading6`, shown
//!   by Word as "Titolo 1".."Titolo 6"; ODT `text:h` with `Heading_20_1`..`Heading_20_6`), so
//!   the navigation pane, a table of contents and a screen reader see them;
//! - list items are list paragraphs of a bullet or a decimal numbering, nested by level (up to
//!   9), numbered lists starting again at 1 after anything that is not a list item;
//! - tables have borders and their first row is a header row repeated on each page;
//! - the language (`Metadati::lingua`, "it-IT") is the default of every text, so spelling is
//!   checked in Italian; the page is A4 with 2 cm margins, the font Arial (LibreOffice shows
//!   its metric-compatible Liberation Sans where Arial is missing).
//!
//! A heading's level beyond 1..=6 is taken as the nearest of them, a list item's beyond 1..=9
//! likewise; empty tables (no cells) are left out. Inside a text, line breaks (`\n`, `\r\n`,
//! `\r`, U+2028) are kept as line breaks, tabs as tabs, runs of spaces as they are; characters
//! XML 1.0 cannot hold (C0 controls but tab and line breaks, C1 controls, U+FFFE, U+FFFF) are
//! dropped.
//!
//! The output is deterministic: the same document and metadata give the same bytes (every zip
//! entry is dated [`Metadati::creato`]).
//!
//! ```
//! use piazza_office::documento::scrivi::{Metadati, docx, odt};
//! use piazza_office::{Blocco, Documento};
//!
//! let doc = Documento {
//!     titolo: None,
//!     blocchi: vec![
//!         Blocco::Titolo { livello: 1, testo: "Verbale".into() },
//!         Blocco::Paragrafo("Presenti i sindaci dei comuni associati.".into()),
//!     ],
//! };
//! let creato = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
//!     .unwrap()
//!     .and_hms_opt(9, 30, 0)
//!     .unwrap();
//! let meta = Metadati::new("Verbale", "Segreteria", creato);
//! assert!(docx(&doc, &meta).starts_with(b"PK"));
//! assert_eq!(odt(&doc, &meta), odt(&doc, &meta));
//! ```

use chrono::{Datelike, NaiveDateTime, Timelike};

use super::{Blocco, Documento};

mod docx;
mod docx_stili;
mod odt;
mod odt_stili;
mod pacco;
mod xml;

pub use docx::docx;
pub use odt::odt;

/// What a written file says about itself (DOCX `docProps/core.xml`, ODT `meta.xml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadati {
    /// The document's title; when empty, the [`Documento::titolo`] is used, if any.
    pub titolo: String,
    pub autore: String,
    /// BCP 47 language tag of the texts: "it-IT". An empty tag is taken as "it-IT".
    pub lingua: String,
    /// When the document was made, in UTC: the creation and modification date in the
    /// metadata, and the date of every entry of the zip.
    pub creato: NaiveDateTime,
    pub soggetto: Option<String>,
}

impl Metadati {
    /// Metadata in Italian ("it-IT") without a subject.
    pub fn new(
        titolo: impl Into<String>,
        autore: impl Into<String>,
        creato: NaiveDateTime,
    ) -> Self {
        Self {
            titolo: titolo.into(),
            autore: autore.into(),
            lingua: "it-IT".to_owned(),
            creato,
            soggetto: None,
        }
    }

    /// The title to write: [`Metadati::titolo`], else the document's own.
    fn titolo_di<'a>(&'a self, doc: &'a Documento) -> &'a str {
        if self.titolo.trim().is_empty() {
            doc.titolo.as_deref().unwrap_or("")
        } else {
            &self.titolo
        }
    }

    /// The language tag, and its language and country parts ("it-IT" → "it", "IT").
    fn lingua(&self) -> (&str, &str, Option<&str>) {
        let tag = match self.lingua.trim() {
            "" => "it-IT",
            t => t,
        };
        let mut parti = tag.split(['-', '_']);
        let lingua = parti.next().unwrap_or("it");
        let paese = parti.find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()));
        (tag, lingua, paese)
    }

    /// W3C date-time in UTC ("2026-03-01T09:30:00Z").
    fn data_w3c(&self) -> String {
        let d = self.creato;
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        )
    }
}

/// A heading's level within 1..=6.
fn livello_titolo(livello: u8) -> u8 {
    livello.clamp(1, 6)
}

/// A list item's level within 1..=9.
fn livello_voce(livello: u8) -> u8 {
    livello.clamp(1, 9)
}

/// A table's number of columns (its longest row), or `None` when it has no cell to write.
fn colonne(righe: &[Vec<String>]) -> Option<usize> {
    righe.iter().map(Vec::len).max().filter(|&n| n > 0)
}

/// The words and characters of the document's texts, for DOCX `app.xml`.
fn conta(doc: &Documento) -> (usize, usize) {
    let mut parole = 0;
    let mut caratteri = 0;
    let mut conta_testo = |t: &str| {
        parole += t.split_whitespace().count();
        caratteri += t.chars().filter(|c| !c.is_whitespace()).count();
    };
    for b in &doc.blocchi {
        match b {
            Blocco::Titolo { testo, .. }
            | Blocco::Paragrafo(testo)
            | Blocco::Voce { testo, .. } => conta_testo(testo),
            Blocco::Tabella(righe) => righe.iter().flatten().for_each(|c| conta_testo(c)),
        }
    }
    (parole, caratteri)
}
