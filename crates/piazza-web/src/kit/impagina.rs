//! A report written once and delivered as PDF (for reading and archiving) or as DOCX and ODT
//! (for an office to edit): the report's code writes to an [`Impaginazione`], which the PDF
//! writer ([`crate::kit::pdf::Documento`]) and the office writer ([`Ufficio`]) both are.
//!
//! The same headings, paragraphs and tables reach every format; what only paper has (page
//! breaks, spacing, progress bars) is turned into the nearest structure (bars become a table).

use piazza_office::Blocco;
use piazza_office::documento::scrivi::{self, Metadati};

use crate::kit::pdf::Colonna;

/// What a report writes.
pub trait Impaginazione {
    /// The report's title (the largest heading).
    fn titolo(&mut self, testo: &str);
    /// A section heading.
    fn sezione(&mut self, testo: &str);
    /// A heading inside a section.
    fn sottosezione(&mut self, testo: &str);
    /// A line of emphasis (the body's name on the cover).
    fn rilievo(&mut self, testo: &str);
    fn paragrafo(&mut self, testo: &str);
    /// A labelled progress bar (`None`: not measured yet).
    fn barra(&mut self, etichetta: &str, percentuale: Option<f64>);
    /// A table with its header.
    fn tabella(&mut self, colonne: &[Colonna<'_>], righe: &[Vec<String>]);
    /// The cover ends: a new page where there are pages.
    fn fine_copertina(&mut self);
}

impl Impaginazione for crate::kit::pdf::Documento {
    fn titolo(&mut self, testo: &str) {
        crate::kit::pdf::Documento::titolo(self, testo);
    }
    fn sezione(&mut self, testo: &str) {
        crate::kit::pdf::Documento::sezione(self, testo);
    }
    fn sottosezione(&mut self, testo: &str) {
        crate::kit::pdf::Documento::sottosezione(self, testo);
    }
    fn rilievo(&mut self, testo: &str) {
        self.testo(testo, 14.0, true);
        self.spazio(10.0);
    }
    fn paragrafo(&mut self, testo: &str) {
        crate::kit::pdf::Documento::paragrafo(self, testo);
    }
    fn barra(&mut self, etichetta: &str, percentuale: Option<f64>) {
        crate::kit::pdf::Documento::barra(self, etichetta, percentuale);
    }
    fn tabella(&mut self, colonne: &[Colonna<'_>], righe: &[Vec<String>]) {
        crate::kit::pdf::Documento::tabella(self, colonne, righe);
    }
    fn fine_copertina(&mut self) {
        self.new_page();
    }
}

/// A report as an office document: headings, paragraphs and tables of a
/// [`piazza_office::Documento`], written out by [`Ufficio::docx`] and [`Ufficio::odt`].
#[derive(Default)]
pub struct Ufficio {
    doc: piazza_office::Documento,
    /// Bars in a row, written as one table when something else comes.
    barre: Vec<Vec<String>>,
}

impl Ufficio {
    fn svuota_barre(&mut self) {
        if !self.barre.is_empty() {
            let mut righe = vec![vec!["Voce".to_owned(), "Avanzamento".to_owned()]];
            righe.append(&mut self.barre);
            self.doc.blocchi.push(Blocco::Tabella(righe));
        }
    }

    fn blocco(&mut self, b: Blocco) {
        self.svuota_barre();
        self.doc.blocchi.push(b);
    }

    /// The document as written.
    pub fn documento(mut self) -> piazza_office::Documento {
        self.svuota_barre();
        self.doc
    }

    pub fn docx(self, meta: &Metadati) -> Vec<u8> {
        scrivi::docx(&self.documento(), meta)
    }

    pub fn odt(self, meta: &Metadati) -> Vec<u8> {
        scrivi::odt(&self.documento(), meta)
    }
}

impl Impaginazione for Ufficio {
    fn titolo(&mut self, testo: &str) {
        if self.doc.titolo.is_none() {
            self.doc.titolo = Some(testo.to_owned());
        }
        self.blocco(Blocco::Titolo {
            livello: 1,
            testo: testo.to_owned(),
        });
    }
    fn sezione(&mut self, testo: &str) {
        self.blocco(Blocco::Titolo {
            livello: 2,
            testo: testo.to_owned(),
        });
    }
    fn sottosezione(&mut self, testo: &str) {
        self.blocco(Blocco::Titolo {
            livello: 3,
            testo: testo.to_owned(),
        });
    }
    fn rilievo(&mut self, testo: &str) {
        self.paragrafo(testo);
    }
    fn paragrafo(&mut self, testo: &str) {
        self.blocco(Blocco::Paragrafo(testo.to_owned()));
    }
    fn barra(&mut self, etichetta: &str, percentuale: Option<f64>) {
        let p = percentuale.map_or_else(|| "–".to_owned(), |p| format!("{p:.0}%"));
        self.barre.push(vec![etichetta.to_owned(), p]);
    }
    fn tabella(&mut self, colonne: &[Colonna<'_>], righe: &[Vec<String>]) {
        let mut t = vec![colonne.iter().map(|c| c.titolo.to_owned()).collect()];
        t.extend(righe.iter().cloned());
        self.blocco(Blocco::Tabella(t));
    }
    fn fine_copertina(&mut self) {}
}
