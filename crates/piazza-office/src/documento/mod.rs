//! Text documents (DOCX, ODT, PDF with a text layer, Markdown, reStructuredText, plain text)
//! read into one structure: headings with their level, paragraphs, list items, tables.
//!
//! The same bounds as the spreadsheets ([`Limiti`]: file size, decompressed bytes, XML
//! nesting, texts, time, plus [`Limiti::max_blocchi`] and [`Limiti::max_pagine`]) hold while
//! reading; whatever goes wrong is an [`Errore`] with an Italian message.
//!
//! The readers live one per format: `docx`, `odt`, `pdf`, `testo` (Markdown, reStructuredText
//! and plain text). Writers of the same structure are in `scrivi`.

use crate::{Errore, Limiti};

/// A document read: its title from the file's metadata (when it has one) and its blocks in
/// reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Documento {
    pub titolo: Option<String>,
    pub blocchi: Vec<Blocco>,
}

/// One block of a document. Texts are whitespace-normalised (runs of spaces and line breaks
/// inside a block are one space), never empty.
#[derive(Debug, Clone, PartialEq)]
pub enum Blocco {
    /// A heading: `livello` 1 is the highest (a document's title, when styled as one, is 1).
    Titolo {
        livello: u8,
        testo: String,
    },
    Paragrafo(String),
    /// A list item: `livello` 1 is the outermost list; `numerata` for ordered lists.
    Voce {
        livello: u8,
        numerata: bool,
        testo: String,
    },
    /// A table as rows of cell texts (a merged cell's text in its first cell).
    Tabella(Vec<Vec<String>>),
}

impl Blocco {
    /// The block's text (a table's cells joined by ` | `, rows by new lines).
    pub fn testo(&self) -> String {
        match self {
            Blocco::Titolo { testo, .. }
            | Blocco::Paragrafo(testo)
            | Blocco::Voce { testo, .. } => testo.clone(),
            Blocco::Tabella(righe) => righe
                .iter()
                .map(|r| r.join(" | "))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// The kinds of document read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatoDocumento {
    Docx,
    Odt,
    Pdf,
    Markdown,
    Rst,
    Testo,
}

impl FormatoDocumento {
    /// Its name as users know it.
    pub fn nome(self) -> &'static str {
        match self {
            Self::Docx => "DOCX",
            Self::Odt => "ODT",
            Self::Pdf => "PDF",
            Self::Markdown => "Markdown",
            Self::Rst => "reStructuredText",
            Self::Testo => "testo",
        }
    }
}

mod docx;
mod odt;
mod pdf;
pub mod scrivi;
mod testo;

/// The kind of document the bytes are, from their content (a zip's entries, the PDF header)
/// and, for text, the file name's extension (`.md`, `.rst`; else plain text).
pub fn formato_documento(nome: Option<&str>, bytes: &[u8]) -> Option<FormatoDocumento> {
    if bytes.starts_with(b"%PDF-") {
        return Some(FormatoDocumento::Pdf);
    }
    if crate::archivio::sembra_zip(bytes) {
        return zip_di(bytes);
    }
    let testo = crate::csv::decodifica(bytes)?;
    let est = nome
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    Some(match est.as_deref() {
        Some("md" | "markdown") => FormatoDocumento::Markdown,
        Some("rst" | "rest") => FormatoDocumento::Rst,
        _ => testo::riconosci(&testo),
    })
}

fn zip_di(bytes: &[u8]) -> Option<FormatoDocumento> {
    let limiti = Limiti::default();
    let controllo = crate::Controllo::new(&limiti);
    let mut a = crate::Archivio::apri(bytes).ok()?;
    if a.contiene("word/document.xml") {
        return Some(FormatoDocumento::Docx);
    }
    if let Some(i) = a.indice("mimetype") {
        let tipo = a.inizio(i, 128, &controllo).ok()?;
        return String::from_utf8_lossy(&tipo)
            .trim()
            .starts_with("application/vnd.oasis.opendocument.text")
            .then_some(FormatoDocumento::Odt);
    }
    None
}

/// Reads a document. `nome` (the uploaded file's name) only tells Markdown and
/// reStructuredText from plain text; the content decides the rest.
pub fn leggi_documento(
    bytes: &[u8],
    nome: Option<&str>,
    limiti: &Limiti,
) -> Result<Documento, Errore> {
    if bytes.len() > limiti.max_byte_file {
        return Err(Errore::FileTroppoGrande {
            limite: limiti.max_byte_file,
        });
    }
    if bytes.is_empty() {
        return Err(Errore::FileVuoto);
    }
    if bytes.starts_with(crate::FIRMA_OLE) {
        return Err(Errore::FormatoDoc);
    }
    let controllo = crate::Controllo::new(limiti);
    let Some(formato) = formato_documento(nome, bytes) else {
        // A zip that does not open is a damaged document, not an unknown one.
        if crate::archivio::sembra_zip(bytes) {
            crate::Archivio::apri(bytes)?;
        }
        return Err(Errore::NonDocumento);
    };
    let doc = match formato {
        FormatoDocumento::Docx => docx::leggi(&mut crate::Archivio::apri(bytes)?, &controllo)?,
        FormatoDocumento::Odt => odt::leggi(&mut crate::Archivio::apri(bytes)?, &controllo)?,
        FormatoDocumento::Pdf => pdf::leggi(bytes, &controllo)?,
        f @ (FormatoDocumento::Markdown | FormatoDocumento::Rst | FormatoDocumento::Testo) => {
            let t = crate::csv::decodifica(bytes).ok_or(Errore::NonDocumento)?;
            testo::leggi(&t, f, &controllo)?
        }
    };
    if doc.blocchi.len() > limiti.max_blocchi {
        return Err(Errore::TroppiBlocchi {
            limite: limiti.max_blocchi,
        });
    }
    Ok(doc)
}
