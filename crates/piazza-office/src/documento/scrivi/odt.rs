//! ODT (OpenDocument text): `content.xml` from the blocks, the other parts from
//! [`super::odt_stili`].

use std::fmt::Write as _;

use super::odt_stili::{
    self as stili, CARATTERI, DICHIARAZIONE, ELENCO_NUMERATO, ELENCO_PUNTATO, MIMETYPE, NAMESPACE,
    STILE_VOCE, VERSIONE,
};
use super::pacco::Pacco;
use super::xml::{Pezzo, pezzi, scappa};
use super::{Blocco, Documento, Metadati, colonne, livello_titolo, livello_voce};

/// Width of the text on an A4 page with 2 cm margins, in centimetres.
const LARGHEZZA_TESTO: f64 = 17.0;

/// The document as an ODT file.
pub fn odt(doc: &Documento, meta: &Metadati) -> Vec<u8> {
    let mut p = Pacco::new(meta.creato);
    // First and stored, so that the file's type is readable at a fixed offset.
    p.parte("mimetype", MIMETYPE.as_bytes(), true);
    p.parte("content.xml", contenuto(doc).as_bytes(), false);
    p.parte("styles.xml", stili::stili(meta).as_bytes(), false);
    p.parte(
        "meta.xml",
        stili::meta(meta, meta.titolo_di(doc)).as_bytes(),
        false,
    );
    p.parte("META-INF/manifest.xml", stili::manifest().as_bytes(), false);
    p.chiudi()
}

/// The lists open while writing a run of list items, outermost first: whether each is
/// numbered, and the element of its last item if still open (`text:list-item`, or the
/// `text:list-header` that only holds a deeper list when a level is skipped).
#[derive(Default)]
struct Elenchi {
    aperti: Vec<(bool, Option<&'static str>)>,
}

impl Elenchi {
    fn chiudi_uno(&mut self, s: &mut String) {
        if let Some((_, voce)) = self.aperti.pop() {
            if let Some(e) = voce {
                let _ = write!(s, "</{e}>");
            }
            s.push_str("</text:list>");
        }
    }

    /// Closes every open list.
    fn fine(&mut self, s: &mut String) {
        while !self.aperti.is_empty() {
            self.chiudi_uno(s);
        }
    }

    /// Writes an item at `livello` (1-based): deeper lists close; a list of the other kind at
    /// this level closes; lists open down to this level, inside the open item of the level
    /// above. A skipped level is a list whose header (first, unnumbered, not counted) holds
    /// the deeper list.
    fn voce(&mut self, s: &mut String, livello: usize, numerata: bool, testo: &str) {
        while self.aperti.len() > livello {
            self.chiudi_uno(s);
        }
        if self.aperti.len() == livello && self.aperti[livello - 1].0 != numerata {
            self.chiudi_uno(s);
        }
        while self.aperti.len() < livello {
            if let Some((_, voce @ None)) = self.aperti.last_mut() {
                s.push_str("<text:list-header>");
                *voce = Some("text:list-header");
            }
            let stile = if numerata {
                ELENCO_NUMERATO
            } else {
                ELENCO_PUNTATO
            };
            let _ = write!(s, "<text:list text:style-name=\"{stile}\">");
            self.aperti.push((numerata, None));
        }
        let ultimo = self.aperti.last_mut().expect("a list open at this level");
        if let Some(e) = ultimo.1.replace("text:list-item") {
            let _ = write!(s, "</{e}>");
        }
        s.push_str("<text:list-item>");
        paragrafo(
            s,
            "text:p",
            &format!("text:style-name=\"{STILE_VOCE}\""),
            testo,
        );
    }
}

/// `content.xml`.
fn contenuto(doc: &Documento) -> String {
    let mut stili_tabelle = String::new();
    let mut corpo = String::new();
    let mut elenchi = Elenchi::default();
    let mut tabelle = 0;
    for b in &doc.blocchi {
        if !matches!(b, Blocco::Voce { .. }) {
            elenchi.fine(&mut corpo);
        }
        match b {
            Blocco::Titolo { livello, testo } => {
                let n = livello_titolo(*livello);
                let attributi =
                    format!("text:style-name=\"Heading_20_{n}\" text:outline-level=\"{n}\"");
                paragrafo(&mut corpo, "text:h", &attributi, testo);
            }
            Blocco::Paragrafo(testo) => paragrafo(
                &mut corpo,
                "text:p",
                "text:style-name=\"Text_20_body\"",
                testo,
            ),
            Blocco::Voce {
                livello,
                numerata,
                testo,
            } => elenchi.voce(
                &mut corpo,
                usize::from(livello_voce(*livello)),
                *numerata,
                testo,
            ),
            Blocco::Tabella(righe) => {
                if let Some(n) = colonne(righe) {
                    tabelle += 1;
                    tabella(&mut corpo, &mut stili_tabelle, tabelle, righe, n);
                }
            }
        }
    }
    elenchi.fine(&mut corpo);
    format!(
        "{DICHIARAZIONE}<office:document-content {NAMESPACE} office:version=\"{VERSIONE}\">\
         {CARATTERI}<office:automatic-styles>{stili_tabelle}</office:automatic-styles>\
         <office:body><office:text>{corpo}</office:text></office:body></office:document-content>"
    )
}

/// A paragraph or heading element with its attributes and text.
fn paragrafo(s: &mut String, elemento: &str, attributi: &str, testo: &str) {
    let _ = write!(s, "<{elemento} {attributi}>");
    testo_odf(s, testo);
    let _ = write!(s, "</{elemento}>");
}

/// A text in ODF, where runs of spaces collapse and leading ones are dropped: a space between
/// other characters is itself, the rest of a run (the whole run at the start, at the end, and
/// after a tab or line break) `text:s`; tabs `text:tab`, line breaks `text:line-break`.
fn testo_odf(s: &mut String, testo: &str) {
    for p in pezzi(testo) {
        let t = match p {
            Pezzo::Testo(t) => t,
            Pezzo::ACapo => {
                s.push_str("<text:line-break/>");
                continue;
            }
            Pezzo::Tab => {
                s.push_str("<text:tab/>");
                continue;
            }
        };
        let mut resto = t.as_str();
        while !resto.is_empty() {
            let non_spazio = resto.find(|c| c != ' ').unwrap_or(resto.len());
            let (spazi, dopo) = resto.split_at(non_spazio);
            if !spazi.is_empty() {
                let n = spazi.len();
                let inizio = resto.len() == t.len();
                let (letterale, s_c) = if inizio || dopo.is_empty() {
                    (false, n)
                } else {
                    (true, n - 1)
                };
                if letterale {
                    s.push(' ');
                }
                match s_c {
                    0 => {}
                    1 => s.push_str("<text:s/>"),
                    c => {
                        let _ = write!(s, "<text:s text:c=\"{c}\"/>");
                    }
                }
            }
            let fine = dopo.find(' ').unwrap_or(dopo.len());
            scappa(s, &dopo[..fine]);
            resto = &dopo[fine..];
        }
    }
}

/// A bordered table as wide as the text, of `n` equal columns; its first row is the header
/// row, repeated on each page. Shorter rows are completed with empty cells. Its automatic
/// styles go to `stili`.
fn tabella(s: &mut String, stili: &mut String, numero: usize, righe: &[Vec<String>], n: usize) {
    let nome = format!("Tabella{numero}");
    let _ = write!(
        stili,
        "<style:style style:name=\"{nome}\" style:family=\"table\">\
         <style:table-properties style:width=\"{LARGHEZZA_TESTO}cm\" \
         fo:margin-top=\"0cm\" fo:margin-bottom=\"0.21cm\" table:align=\"margins\"/>\
         </style:style><style:style style:name=\"{nome}.A\" style:family=\"table-column\">\
         <style:table-column-properties style:column-width=\"{:.3}cm\"/></style:style>\
         <style:style style:name=\"{nome}.A1\" style:family=\"table-cell\">\
         <style:table-cell-properties fo:padding=\"0.1cm\" fo:border=\"0.5pt solid #000000\"/>\
         </style:style>",
        LARGHEZZA_TESTO / n as f64
    );
    let _ = write!(
        s,
        "<table:table table:name=\"{nome}\" table:style-name=\"{nome}\">\
         <table:table-column table:style-name=\"{nome}.A\" table:number-columns-repeated=\"{n}\"/>"
    );
    for (i, riga) in righe.iter().enumerate() {
        let stile = if i == 0 {
            s.push_str("<table:table-header-rows>");
            "Table_20_Heading"
        } else {
            "Table_20_Contents"
        };
        s.push_str("<table:table-row>");
        for c in 0..n {
            let testo = riga.get(c).map_or("", String::as_str);
            let _ = write!(
                s,
                "<table:table-cell table:style-name=\"{nome}.A1\" office:value-type=\"string\">"
            );
            paragrafo(s, "text:p", &format!("text:style-name=\"{stile}\""), testo);
            s.push_str("</table:table-cell>");
        }
        s.push_str("</table:table-row>");
        if i == 0 {
            s.push_str("</table:table-header-rows>");
        }
    }
    s.push_str("</table:table>");
}
