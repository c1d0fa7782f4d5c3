//! DOCX (Office Open XML, transitional): `word/document.xml` from the blocks, the other parts
//! from [`super::docx_stili`].

use std::fmt::Write as _;

use super::docx_stili::{self as stili, BORDI, DICHIARAZIONE, LARGHEZZA_TESTO, NS_R, NS_W};
use super::pacco::Pacco;
use super::xml::{Pezzo, pezzi, scappa};
use super::{Blocco, Documento, Metadati, colonne, conta, livello_titolo, livello_voce};

/// The document as a DOCX file.
pub fn docx(doc: &Documento, meta: &Metadati) -> Vec<u8> {
    let (corpo, numerate) = corpo(doc);
    let (parole, caratteri) = conta(doc);
    let mut p = Pacco::new(meta.creato);
    p.parte(
        "[Content_Types].xml",
        stili::content_types().as_bytes(),
        false,
    );
    p.parte("_rels/.rels", stili::rels_pacchetto().as_bytes(), false);
    p.parte("word/document.xml", corpo.as_bytes(), false);
    p.parte(
        "word/_rels/document.xml.rels",
        stili::rels_documento().as_bytes(),
        false,
    );
    p.parte("word/styles.xml", stili::stili(meta).as_bytes(), false);
    p.parte(
        "word/numbering.xml",
        stili::numerazione(&numerate).as_bytes(),
        false,
    );
    p.parte(
        "word/settings.xml",
        stili::impostazioni(meta).as_bytes(),
        false,
    );
    p.parte("word/fontTable.xml", stili::caratteri().as_bytes(), false);
    let titolo = meta.titolo_di(doc);
    p.parte(
        "docProps/core.xml",
        stili::proprieta(meta, titolo).as_bytes(),
        false,
    );
    p.parte(
        "docProps/app.xml",
        stili::applicazione(parole, caratteri).as_bytes(),
        false,
    );
    p.chiudi()
}

/// Which numbering instance each list level is in, within one run of list items.
#[derive(Default)]
struct Elenchi {
    /// For each level (0-based), the instance its items are in and whether it is numbered.
    livelli: [Option<(bool, u32)>; 9],
    /// The numbered instances made so far, each starting at 1.
    numerate: Vec<u32>,
}

impl Elenchi {
    /// The `numId` of an item at `livello` (0-based). A deeper level opened again, or a
    /// level whose kind changes, is a new list: numbered, it starts again at 1.
    fn voce(&mut self, livello: usize, numerata: bool) -> u32 {
        for l in &mut self.livelli[livello + 1..] {
            *l = None;
        }
        match self.livelli[livello] {
            Some((n, id)) if n == numerata => id,
            _ => {
                let id = if numerata {
                    let id = stili::NUM_PUNTATO + 1 + self.numerate.len() as u32;
                    self.numerate.push(id);
                    id
                } else {
                    stili::NUM_PUNTATO
                };
                self.livelli[livello] = Some((numerata, id));
                id
            }
        }
    }

    /// Something that is not a list item: the lists end.
    fn fine(&mut self) {
        self.livelli = [None; 9];
    }
}

/// `word/document.xml`, and the numbered list instances it uses.
fn corpo(doc: &Documento) -> (String, Vec<u32>) {
    let mut s =
        format!("{DICHIARAZIONE}<w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\"><w:body>");
    let mut elenchi = Elenchi::default();
    // Two tables one after the other would be one table to Word: a paragraph goes between.
    let mut dopo_tabella = false;
    for b in &doc.blocchi {
        if !matches!(b, Blocco::Voce { .. }) {
            elenchi.fine();
        }
        match b {
            Blocco::Titolo { livello, testo } => {
                let n = livello_titolo(*livello);
                paragrafo(&mut s, &format!("<w:pStyle w:val=\"Heading{n}\"/>"), testo);
            }
            Blocco::Paragrafo(testo) => paragrafo(&mut s, "", testo),
            Blocco::Voce {
                livello,
                numerata,
                testo,
            } => {
                let l = usize::from(livello_voce(*livello) - 1);
                let id = elenchi.voce(l, *numerata);
                let ppr = format!(
                    "<w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{l}\"/>\
                     <w:numId w:val=\"{id}\"/></w:numPr>"
                );
                paragrafo(&mut s, &ppr, testo);
            }
            Blocco::Tabella(righe) => {
                let Some(n) = colonne(righe) else {
                    continue;
                };
                if dopo_tabella {
                    paragrafo(&mut s, "", "");
                }
                tabella(&mut s, righe, n);
                dopo_tabella = true;
                continue;
            }
        }
        dopo_tabella = false;
    }
    // Word ends a document with a paragraph, and needs one after a last table.
    if dopo_tabella {
        paragrafo(&mut s, "", "");
    }
    s.push_str(
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" \
         w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>",
    );
    (s, elenchi.numerate)
}

/// A paragraph with the given paragraph properties (without `w:pPr`) and text.
fn paragrafo(s: &mut String, ppr: &str, testo: &str) {
    s.push_str("<w:p>");
    if !ppr.is_empty() {
        let _ = write!(s, "<w:pPr>{ppr}</w:pPr>");
    }
    corsa(s, testo);
    s.push_str("</w:p>");
}

/// The text as one run: `w:t` keeping its spaces, `w:br` for line breaks, `w:tab` for tabs.
fn corsa(s: &mut String, testo: &str) {
    let pezzi = pezzi(testo);
    if pezzi.is_empty() {
        return;
    }
    s.push_str("<w:r>");
    for p in pezzi {
        match p {
            Pezzo::Testo(t) => {
                s.push_str("<w:t xml:space=\"preserve\">");
                scappa(s, &t);
                s.push_str("</w:t>");
            }
            Pezzo::ACapo => s.push_str("<w:br/>"),
            Pezzo::Tab => s.push_str("<w:tab/>"),
        }
    }
    s.push_str("</w:r>");
}

/// A bordered table as wide as the text, of `n` equal columns; its first row is the header,
/// repeated on each page. Shorter rows are completed with empty cells.
fn tabella(s: &mut String, righe: &[Vec<String>], n: usize) {
    let larghezza = LARGHEZZA_TESTO / n;
    let _ = write!(
        s,
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{}\" w:type=\"dxa\"/>{BORDI}\
         <w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" \
         w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
        larghezza * n
    );
    for _ in 0..n {
        let _ = write!(s, "<w:gridCol w:w=\"{larghezza}\"/>");
    }
    s.push_str("</w:tblGrid>");
    for (i, riga) in righe.iter().enumerate() {
        let (trpr, stile) = if i == 0 {
            ("<w:trPr><w:tblHeader/></w:trPr>", "IntestazioneTabella")
        } else {
            ("", "ContenutoTabella")
        };
        let _ = write!(s, "<w:tr>{trpr}");
        for c in 0..n {
            let testo = riga.get(c).map_or("", String::as_str);
            let _ = write!(
                s,
                "<w:tc><w:tcPr><w:tcW w:w=\"{larghezza}\" w:type=\"dxa\"/></w:tcPr>"
            );
            paragrafo(s, &format!("<w:pStyle w:val=\"{stile}\"/>"), testo);
            s.push_str("</w:tc>");
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
}
