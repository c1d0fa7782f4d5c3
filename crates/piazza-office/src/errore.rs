//! Why a file could not be read, in Italian words a person can act on.

use std::time::Duration;

/// Why a spreadsheet or a document could not be read. `Display` gives the Italian message for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Errore {
    /// The file is larger than [`crate::Limiti::max_byte_file`].
    #[error("Il file supera il limite di {}.", byte(*limite as u64))]
    FileTroppoGrande { limite: usize },
    /// No bytes at all.
    #[error("Il file è vuoto.")]
    FileVuoto,
    /// Neither XLSX, nor ODS, nor text.
    #[error("Il file non è un foglio di calcolo leggibile (XLSX, ODS o CSV).")]
    NonRiconosciuto,
    /// An OLE compound file: the old binary XLS format, or an OOXML file protected by password.
    #[error(
        "Il file è nel vecchio formato Excel (XLS) oppure è protetto da password: salvarlo come XLSX, ODS o CSV senza password."
    )]
    FormatoXls,
    /// A zip entry that is encrypted.
    #[error("Il file è protetto da password: salvarlo senza password.")]
    Cifrato,
    /// A zip entry compressed with something other than deflate (or stored).
    #[error(
        "Il file usa un metodo di compressione non supportato: salvarlo di nuovo come XLSX o ODS."
    )]
    CompressioneNonSupportata,
    /// The structure is broken; the text says where, in Italian.
    #[error("Il file è danneggiato: {0}.")]
    Danneggiato(String),
    /// The zip holds more entries than any spreadsheet would.
    #[error("Il file contiene più di {} parti compresse: non è un foglio di calcolo valido.", numero(*limite as u64))]
    TroppeParti { limite: usize },
    /// Decompressed bytes over [`crate::Limiti::max_byte_decompressi`].
    #[error("Il contenuto del file, una volta decompresso, supera il limite di {}.", byte(*limite))]
    Decompressione { limite: u64 },
    /// A non-empty cell beyond row [`crate::Limiti::max_righe`].
    #[error("Il foglio ha più di {} righe: il limite è {}.", numero(*limite as u64), numero(*limite as u64))]
    TroppeRighe { limite: u32 },
    /// A non-empty cell beyond column [`crate::Limiti::max_colonne`].
    #[error("Il foglio ha più di {} colonne: il limite è {}.", numero(*limite as u64), numero(*limite as u64))]
    TroppeColonne { limite: u32 },
    /// More cells (counting the empty ones that pad a row) than [`crate::Limiti::max_celle`].
    #[error("Il foglio ha più di {} celle: il limite è {}.", numero(*limite), numero(*limite))]
    TroppeCelle { limite: u64 },
    /// One text (a cell, or any text in the file's XML) over [`crate::Limiti::max_byte_cella`].
    #[error("Il file contiene un testo di più di {}: il limite per una cella è {}.", byte(*limite as u64), byte(*limite as u64))]
    TestoTroppoLungo { limite: usize },
    /// More distinct texts than [`crate::Limiti::max_stringhe_condivise`].
    #[error("Il file ha più di {} testi distinti: il limite è {}.", numero(*limite as u64), numero(*limite as u64))]
    TroppeStringhe { limite: usize },
    /// Texts over [`crate::Limiti::max_byte_testi`] in total.
    #[error("I testi del file superano in totale il limite di {}.", byte(*limite as u64))]
    TestiTroppoGrandi { limite: usize },
    /// XML nested deeper than [`crate::Limiti::max_profondita_xml`].
    #[error("Il file è danneggiato: la struttura XML ha più di {} livelli di annidamento.", numero(*limite as u64))]
    XmlTroppoProfondo { limite: usize },
    /// The workbook names no worksheet.
    #[error("Il file non contiene alcun foglio.")]
    NessunFoglio,
    /// Neither DOCX, nor ODT, nor PDF, nor text.
    #[error(
        "Il file non è un documento leggibile: caricarlo come DOCX, ODT, PDF, Markdown, reStructuredText o testo."
    )]
    NonDocumento,
    /// An OLE compound file where a document was expected: the old binary DOC format, or a
    /// DOCX protected by password.
    #[error(
        "Il file è nel vecchio formato Word (DOC) oppure è protetto da password: salvarlo come DOCX, ODT o PDF senza password."
    )]
    FormatoDoc,
    /// A PDF with no text layer (a scan).
    #[error(
        "Il PDF non contiene testo (sembra una scansione): caricare il documento originale (DOCX, ODT) o un PDF con il testo."
    )]
    PdfSenzaTesto,
    /// A PDF protected by a password or encrypted.
    #[error("Il PDF è protetto da password: salvarlo senza protezione e caricarlo di nuovo.")]
    PdfProtetto,
    /// More blocks (headings, paragraphs, items, tables) than [`crate::Limiti::max_blocchi`].
    #[error("Il documento ha più di {} paragrafi: il limite è {}.", numero(*limite as u64), numero(*limite as u64))]
    TroppiBlocchi { limite: usize },
    /// One block of a document (a paragraph, heading, list item or table cell) over four times
    /// [`crate::Limiti::max_byte_cella`].
    #[error("Il documento contiene un paragrafo di più di {}: dividerlo in paragrafi più brevi.", byte(*limite as u64))]
    BloccoTroppoLungo { limite: usize },
    /// A document's table row wider than [`crate::Limiti::max_colonne`].
    #[error("Il documento contiene una tabella di più di {} colonne: il limite è {}.", numero(*limite as u64), numero(*limite as u64))]
    TabellaTroppoLarga { limite: u32 },
    /// More table cells in a document than [`crate::Limiti::max_celle`].
    #[error("Le tabelle del documento hanno più di {} celle: il limite è {}.", numero(*limite), numero(*limite))]
    TroppeCelleInTabella { limite: u64 },
    /// More pages than [`crate::Limiti::max_pagine`].
    #[error("Il documento ha più di {} pagine: il limite è {}.", numero(*limite as u64), numero(*limite as u64))]
    TroppePagine { limite: usize },
    /// Reading took longer than [`crate::Limiti::tempo`].
    #[error("La lettura del file ha superato il tempo massimo di {}.", durata(*limite))]
    Tempo { limite: Duration },
}

/// `100000` → `100.000` (Italian thousands separator).
pub(crate) fn numero(n: u64) -> String {
    let cifre = n.to_string();
    let mut s = String::with_capacity(cifre.len() + cifre.len() / 3);
    for (i, c) in cifre.chars().enumerate() {
        if i > 0 && (cifre.len() - i).is_multiple_of(3) {
            s.push('.');
        }
        s.push(c);
    }
    s
}

/// A size in the words a user reads: `20 MB`, `1,5 MB`, `32 KB`, `700 byte`.
pub(crate) fn byte(n: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if n >= MB {
        if n.is_multiple_of(MB) {
            format!("{} MB", numero(n / MB))
        } else {
            let decimi = (n * 10 + MB / 2) / MB;
            format!("{},{} MB", numero(decimi / 10), decimi % 10)
        }
    } else if n >= KB && n.is_multiple_of(KB) {
        format!("{} KB", n / KB)
    } else {
        format!("{n} byte")
    }
}

fn durata(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        match ms / 1000 {
            1 => "1 secondo".to_owned(),
            s => format!("{} secondi", numero(s as u64)),
        }
    } else {
        format!("{} millisecondi", numero(ms as u64))
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn messaggi() {
        assert_eq!(
            Errore::FileTroppoGrande {
                limite: 20 * 1024 * 1024
            }
            .to_string(),
            "Il file supera il limite di 20 MB."
        );
        assert_eq!(
            Errore::TroppeRighe { limite: 100_000 }.to_string(),
            "Il foglio ha più di 100.000 righe: il limite è 100.000."
        );
        assert_eq!(
            Errore::Tempo {
                limite: Duration::from_secs(10)
            }
            .to_string(),
            "La lettura del file ha superato il tempo massimo di 10 secondi."
        );
        assert_eq!(numero(0), "0");
        assert_eq!(numero(999), "999");
        assert_eq!(numero(1000), "1.000");
        assert_eq!(numero(2_000_000), "2.000.000");
        assert_eq!(byte(1536 * 1024), "1,5 MB");
        assert_eq!(byte(32 * 1024), "32 KB");
        assert_eq!(byte(700), "700 byte");
    }
}
