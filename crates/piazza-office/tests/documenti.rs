//! Reading documents (DOCX, ODT, Markdown, reStructuredText, plain text) built here, and
//! refusing hostile ones quickly and with little memory. A counting global allocator measures
//! each test thread's own peak.

#[path = "documenti/attacchi.rs"]
mod attacchi;
#[path = "documenti/costruisci.rs"]
mod costruisci;
#[path = "documenti/docx.rs"]
mod docx;
#[path = "documenti/markdown.rs"]
mod markdown;
#[path = "documenti/odt.rs"]
mod odt;
#[path = "documenti/rst.rs"]
mod rst;
#[path = "documenti/testo.rs"]
mod testo;

#[path = "comune/misura.rs"]
mod misura;
#[path = "comune/zip_grezzi.rs"]
mod zip_grezzi;

pub use misura::*;

use piazza_office::{Blocco, Documento, Limiti, leggi_documento};

/// Reads `bytes` as the file `nome` with default limits.
pub fn leggi(nome: &str, bytes: impl AsRef<[u8]>) -> Documento {
    leggi_documento(bytes.as_ref(), Some(nome), &Limiti::default())
        .unwrap_or_else(|e| panic!("{nome}: {e}"))
}

pub fn titolo(livello: u8, testo: &str) -> Blocco {
    Blocco::Titolo {
        livello,
        testo: testo.to_owned(),
    }
}

pub fn par(testo: &str) -> Blocco {
    Blocco::Paragrafo(testo.to_owned())
}

pub fn voce(livello: u8, numerata: bool, testo: &str) -> Blocco {
    Blocco::Voce {
        livello,
        numerata,
        testo: testo.to_owned(),
    }
}

pub fn tabella(righe: &[&[&str]]) -> Blocco {
    Blocco::Tabella(
        righe
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect(),
    )
}
