//! A small PDF writer for the reports the server generates (the plan's progress report for the
//! council; later modules reuse it): A4 pages, headings, wrapped paragraphs, tables that continue
//! on the next page with their header, progress bars, and page numbers.
//!
//! It is PDF/A-2a: tagged (see [`Documento`]), with its fonts embedded as subsets (Liberation
//! Sans, see `caratteri`), the XMP metadata, the sRGB output intent and the file identifier
//! (see `pdfa`). Line breaking uses the fonts' own advance widths.

mod caratteri;
mod cartellini;
mod pdfa;

pub use cartellini::Cartellino;

use pdf_writer::types::{OutputIntentSubtype, StructRole};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use caratteri::{Uso, carattere, comprimi};

/// The width of `text` at `size` points.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let font = carattere(bold);
    text.chars().map(|c| font.larghezza(c)).sum::<f32>() * size / 1000.0
}

/// Breaks `text` into lines no wider than `width` points (a word longer than a line is cut).
pub fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line: cut it.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if text_width(&piece, size, bold) > width {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.3;

/// A column of a table: header and share of the text width (the shares of a table add up to 1).
pub struct Colonna<'a> {
    pub titolo: &'a str,
    pub quota: f32,
    /// Right-aligned (numbers).
    pub destra: bool,
}

/// A report being written, page by page. It is a tagged PDF: every heading, paragraph and
/// table cell is marked content of a structure element (`H1`, `H2`, `H3`, `P`, `Table`, `TR`,
/// `TH`, `TD`) in reading order, drawings, repeated table headers and page footers are
/// artifacts, and the catalogue says the language (`it-IT`) and that the document is marked,
/// so screen readers and archives read its structure.
pub struct Documento {
    pages: Vec<Content>,
    y: f32,
    footer: String,
    /// The document's title (the first `titolo`), for its metadata.
    titolo_doc: Option<String>,
    /// The structure elements, in the order they were opened.
    tag: Vec<Elemento>,
    /// The elements directly under the document.
    radice: Vec<usize>,
    /// The next marked-content identifier of each page.
    mcid: Vec<i32>,
    /// The element that text drawn now belongs to (none: an artifact).
    aperto: Option<usize>,
    /// The glyphs used of the regular and the bold font.
    usi: [Uso; 2],
}

/// A structure element and its children, in order.
struct Elemento {
    ruolo: StructRole,
    figli: Vec<Figlio>,
}

enum Figlio {
    Elemento(usize),
    /// Marked content on a page.
    Contenuto {
        pagina: usize,
        mcid: i32,
    },
}

impl Documento {
    /// A new document; `footer` is printed at the bottom of every page with the page number.
    pub fn new(footer: impl Into<String>) -> Self {
        let mut d = Self {
            pages: Vec::new(),
            y: 0.0,
            footer: footer.into(),
            titolo_doc: None,
            tag: Vec::new(),
            radice: Vec::new(),
            mcid: Vec::new(),
            aperto: None,
            usi: Default::default(),
        };
        d.new_page();
        d
    }

    fn width() -> f32 {
        PAGE_W - 2.0 * MARGIN
    }

    pub fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.mcid.push(0);
        self.y = PAGE_H - MARGIN;
    }

    /// Opens a structure element under `genitore` (none: the document).
    fn elemento(&mut self, ruolo: StructRole, genitore: Option<usize>) -> usize {
        let i = self.tag.len();
        self.tag.push(Elemento {
            ruolo,
            figli: Vec::new(),
        });
        match genitore {
            Some(g) => self.tag[g].figli.push(Figlio::Elemento(i)),
            None => self.radice.push(i),
        }
        i
    }

    /// Draws `f` as an artifact (what is not content: lines, bars, page footers).
    fn artefatto(&mut self, f: impl FnOnce(&mut Content)) {
        let c = self.page();
        c.begin_marked_content(Name(b"Artifact"));
        f(c);
        c.end_marked_content();
    }

    fn page(&mut self) -> &mut Content {
        self.pages.last_mut().expect("a page")
    }

    /// Moves down by `h` points, starting a new page if they do not fit.
    fn room(&mut self, h: f32) {
        if self.y - h < MARGIN + 20.0 {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let bytes = self.usi[usize::from(bold)].codifica(carattere(bold), text);
        let font = if bold {
            b"F2".as_slice()
        } else {
            b"F1".as_slice()
        };
        let pagina = self.pages.len() - 1;
        let mcid = self.aperto.map(|e| {
            let id = self.mcid[pagina];
            self.mcid[pagina] += 1;
            self.tag[e]
                .figli
                .push(Figlio::Contenuto { pagina, mcid: id });
            id
        });
        let c = self.page();
        match mcid {
            Some(id) => {
                c.begin_marked_content_with_properties(Name(b"Span"))
                    .properties()
                    .identify(id);
            }
            None => {
                c.begin_marked_content(Name(b"Artifact"));
            }
        }
        c.begin_text();
        c.set_font(Name(font), size);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
        c.end_marked_content();
    }

    /// Vertical space.
    pub fn spazio(&mut self, h: f32) {
        self.y -= h;
    }

    /// A block of wrapped text (a paragraph of the structure).
    pub fn testo(&mut self, text: &str, size: f32, bold: bool) {
        self.testo_come(StructRole::P, text, size, bold);
    }

    /// A block of wrapped text as a structure element of `ruolo`.
    fn testo_come(&mut self, ruolo: StructRole, text: &str, size: f32, bold: bool) {
        let e = self.elemento(ruolo, None);
        self.aperto = Some(e);
        self.righe(text, size, bold);
        self.aperto = None;
    }

    fn righe(&mut self, text: &str, size: f32, bold: bool) {
        for line in wrap(text, size, bold, Self::width()) {
            self.room(size * LEADING);
            self.y -= size * LEADING;
            let y = self.y;
            self.text_at(MARGIN, y, size, bold, &line);
        }
    }

    pub fn titolo(&mut self, text: &str) {
        self.titolo_doc.get_or_insert_with(|| text.to_owned());
        self.testo_come(StructRole::H1, text, 20.0, true);
        self.spazio(6.0);
    }

    pub fn sezione(&mut self, text: &str) {
        self.room(40.0);
        self.spazio(8.0);
        self.testo_come(StructRole::H2, text, 13.0, true);
        self.spazio(4.0);
    }

    /// A heading inside a section.
    pub fn sottosezione(&mut self, text: &str) {
        self.testo_come(StructRole::H3, text, 10.0, true);
        self.spazio(2.0);
    }

    pub fn paragrafo(&mut self, text: &str) {
        self.testo(text, BODY, false);
        self.spazio(4.0);
    }

    /// A labelled horizontal bar filled to `percent` (none: an empty bar marked "–").
    pub fn barra(&mut self, label: &str, percent: Option<f64>) {
        let h = BODY * LEADING + 4.0;
        self.room(h);
        self.y -= h;
        let y = self.y;
        let label_w = Self::width() * 0.6;
        let lines = wrap(label, BODY, false, label_w - 6.0);
        let first = lines.first().cloned().unwrap_or_default();
        let shown = if lines.len() > 1 {
            format!("{}…", first.trim_end())
        } else {
            first
        };
        let e = self.elemento(StructRole::P, None);
        self.aperto = Some(e);
        self.text_at(MARGIN, y + 2.0, BODY, false, &shown);
        let bar_x = MARGIN + label_w;
        let bar_w = Self::width() * 0.3;
        let fill = percent.map(|p| (p.clamp(0.0, 100.0) / 100.0) as f32 * bar_w);
        self.artefatto(|c| {
            c.set_fill_rgb(0.9, 0.92, 0.94);
            c.rect(bar_x, y, bar_w, 10.0);
            c.fill_nonzero();
            if let Some(f) = fill {
                c.set_fill_rgb(0.0, 0.4, 0.8);
                c.rect(bar_x, y, f, 10.0);
                c.fill_nonzero();
            }
            c.set_fill_rgb(0.0, 0.0, 0.0);
        });
        let value = percent
            .map(|p| format!("{p:.0}%"))
            .unwrap_or_else(|| "–".into());
        let vw = text_width(&value, BODY, true);
        self.text_at(PAGE_W - MARGIN - vw, y + 2.0, BODY, true, &value);
        self.aperto = None;
    }

    /// A QR code of `celle` (row by row, `lato` modules a side) `mm` millimetres wide at the
    /// right margin, from the current line down; an artifact (the code it holds is printed as
    /// text too).
    pub fn qr(&mut self, celle: &[bool], lato: usize, mm: f32) {
        let w = mm * 72.0 / 25.4;
        self.room(w);
        let m = w / lato as f32;
        let (x0, y0) = (PAGE_W - MARGIN - w, self.y);
        self.artefatto(|c| {
            c.set_fill_rgb(0.0, 0.0, 0.0);
            for (i, _) in celle.iter().enumerate().filter(|(_, d)| **d) {
                let (x, y) = ((i % lato) as f32, (i / lato) as f32);
                c.rect(x0 + x * m, y0 - (y + 1.0) * m, m, m);
            }
            c.fill_nonzero();
        });
    }

    /// A table with wrapped cells; on a page break the header is printed again.
    pub fn tabella(&mut self, colonne: &[Colonna<'_>], righe: &[Vec<String>]) {
        let size = 9.0;
        let line_h = size * LEADING;
        let widths: Vec<f32> = colonne.iter().map(|c| c.quota * Self::width()).collect();
        let wrap_row = |cells: &[String], bold: bool| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(t, w)| wrap(t, size, bold, w - 4.0))
                .collect()
        };
        let header: Vec<String> = colonne.iter().map(|c| c.titolo.to_owned()).collect();
        let header = wrap_row(&header, true);
        let tabella = self.elemento(StructRole::Table, None);
        self.riga(&header, &widths, colonne, size, true, Some(tabella));
        for r in righe {
            let cells = wrap_row(r, false);
            let n = cells.iter().map(Vec::len).max().unwrap_or(1) as f32;
            if self.y - n * line_h - 4.0 < MARGIN + 20.0 {
                self.new_page();
                // The header again on the new page: for the eye, not the structure.
                self.riga(&header, &widths, colonne, size, true, None);
            }
            self.riga(&cells, &widths, colonne, size, false, Some(tabella));
        }
        self.spazio(6.0);
    }

    /// A row of cells already wrapped to their column widths: a `TR` of `tabella` with `TH`
    /// (header) or `TD` cells, or an artifact without a table.
    fn riga(
        &mut self,
        wrapped: &[Vec<String>],
        widths: &[f32],
        colonne: &[Colonna<'_>],
        size: f32,
        bold: bool,
        tabella: Option<usize>,
    ) {
        let line_h = size * LEADING;
        let n = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32;
        self.room(n * line_h + 4.0);
        let top = self.y;
        let mut x = MARGIN;
        let tr = tabella.map(|t| self.elemento(StructRole::TR, Some(t)));
        let cella = if bold { StructRole::TH } else { StructRole::TD };
        for ((lines, w), col) in wrapped.iter().zip(widths).zip(colonne) {
            self.aperto = tr.map(|r| self.elemento(cella, Some(r)));
            for (i, l) in lines.iter().enumerate() {
                let tx = if col.destra {
                    x + w - 2.0 - text_width(l, size, bold)
                } else {
                    x + 2.0
                };
                let ty = top - (i as f32 + 1.0) * line_h;
                self.text_at(tx, ty, size, bold, l);
            }
            x += w;
        }
        self.aperto = None;
        self.y = top - n * line_h - 4.0;
        let y = self.y + 1.5;
        self.artefatto(|c| {
            c.set_stroke_rgb(0.75, 0.78, 0.8);
            c.set_line_width(if bold { 0.8 } else { 0.3 });
            c.move_to(MARGIN, y);
            c.line_to(PAGE_W - MARGIN, y);
            c.stroke();
        });
    }

    /// The finished PDF file.
    pub fn finish(mut self) -> Vec<u8> {
        let total = self.pages.len();
        let footer = self.footer.clone();
        for i in 0..total {
            let label = format!("{footer} · pagina {} di {total}", i + 1);
            let bytes = self.usi[0].codifica(carattere(false), &label);
            let c = &mut self.pages[i];
            c.begin_marked_content(Name(b"Artifact"));
            c.begin_text();
            c.set_font(Name(b"F1"), 8.0);
            c.next_line(MARGIN, MARGIN - 20.0);
            c.show(Str(&bytes));
            c.end_text();
            c.end_marked_content();
        }
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let fonts = [Ref::new(3), Ref::new(4)];
        let metadati = Ref::new(5);
        let profilo = Ref::new(6);
        let mut next = 7;
        let mut ids = Vec::new();
        for _ in 0..total {
            ids.push((Ref::new(next), Ref::new(next + 1)));
            next += 2;
        }
        let radice = Ref::new(next);
        let documento = Ref::new(next + 1);
        let info = Ref::new(next + 2);
        next += 3;
        let refs: Vec<Ref> = (0..self.tag.len())
            .map(|i| Ref::new(next + i as i32))
            .collect();
        // Each page's marked contents, by MCID, as an array object of the parent tree.
        let liste: Vec<Ref> = (0..total)
            .map(|k| Ref::new(next + (self.tag.len() + k) as i32))
            .collect();
        next += (self.tag.len() + total) as i32;
        let titolo = self
            .titolo_doc
            .clone()
            .unwrap_or_else(|| self.footer.clone());
        {
            let mut cat = pdf.catalog(catalog);
            cat.pages(tree);
            cat.pair(Name(b"StructTreeRoot"), radice);
            cat.mark_info().marked(true);
            cat.lang(TextStr("it-IT"));
            cat.metadata(metadati);
            cat.viewer_preferences().display_doc_title(true);
            cat.output_intents()
                .push()
                .subtype(OutputIntentSubtype::PDFA)
                .output_condition_identifier(TextStr(pdfa::CONDIZIONE))
                .info(TextStr(pdfa::CONDIZIONE))
                .dest_output_profile(profilo);
        }
        pdf.document_info(info)
            .title(TextStr(&titolo))
            .producer(TextStr(pdfa::PRODUTTORE));
        pdf.metadata(metadati, &pdfa::xmp(&titolo));
        let icc = comprimi(&pdfa::SRGB);
        pdf.icc_profile(profilo, &icc)
            .n(3)
            .range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
            .filter(Filter::FlateDecode);
        self.scrivi_struttura(&mut pdf, radice, documento, &refs, &ids, &liste);
        pdf.pages(tree)
            .kids(ids.iter().map(|(p, _)| *p))
            .count(total as i32);
        // Every page names both fonts; one that no text used still needs a program, so it is
        // written with the glyph of a space.
        for (k, uso) in self.usi.iter_mut().enumerate() {
            if uso.vuoto() {
                uso.codifica(carattere(k == 1), " ");
            }
        }
        for (k, uso) in self.usi.iter().enumerate() {
            carattere(k == 1).scrivi(uso, &mut pdf, fonts[k], &mut next);
        }
        let mut impronta: Vec<Vec<u8>> = vec![titolo.into_bytes()];
        for (k, (content, (page_id, content_id))) in self.pages.into_iter().zip(ids).enumerate() {
            let mut page = pdf.page(page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
            page.struct_parents(k as i32);
            page.pair(Name(b"Tabs"), Name(b"S"));
            page.parent(tree);
            page.contents(content_id);
            let mut res = page.resources();
            let mut nomi = res.fonts();
            nomi.pair(Name(b"F1"), fonts[0]);
            nomi.pair(Name(b"F2"), fonts[1]);
            nomi.finish();
            res.finish();
            page.finish();
            let z = comprimi(&content.finish());
            pdf.stream(content_id, &z).filter(Filter::FlateDecode);
            impronta.push(z);
        }
        let parti: Vec<&[u8]> = impronta.iter().map(Vec::as_slice).collect();
        let id = pdfa::identificativo(&parti);
        pdf.set_file_id((id.clone(), id));
        pdf.finish()
    }

    /// The structure tree: the root, the document element, every element with its children in
    /// order, and the parent tree (for each page, the element of each marked content).
    fn scrivi_struttura(
        &self,
        pdf: &mut Pdf,
        radice: Ref,
        documento: Ref,
        refs: &[Ref],
        pagine: &[(Ref, Ref)],
        liste: &[Ref],
    ) {
        let mut genitori = vec![documento; self.tag.len()];
        for (i, e) in self.tag.iter().enumerate() {
            for f in &e.figli {
                if let Figlio::Elemento(c) = f {
                    genitori[*c] = refs[i];
                }
            }
        }
        let mut per_pagina: Vec<Vec<(i32, Ref)>> = vec![Vec::new(); pagine.len()];
        for (i, e) in self.tag.iter().enumerate() {
            for f in &e.figli {
                if let Figlio::Contenuto { pagina, mcid } = f {
                    per_pagina[*pagina].push((*mcid, refs[i]));
                }
            }
        }
        {
            let mut r = pdf
                .indirect(radice)
                .start::<pdf_writer::writers::StructTreeRoot>();
            r.child(documento);
            r.parent_tree_next_key(pagine.len() as i32);
            let mut albero = r.parent_tree();
            let mut voci = albero.nums();
            for (k, l) in liste.iter().enumerate() {
                voci.insert(k as i32, *l);
            }
        }
        for (k, mc) in per_pagina.iter_mut().enumerate() {
            mc.sort_by_key(|(id, _)| *id);
            pdf.indirect(liste[k])
                .array()
                .items(mc.iter().map(|(_, r)| *r));
        }
        {
            let mut d = pdf.struct_element(documento);
            d.kind(StructRole::Document);
            d.parent(radice);
            d.lang(TextStr("it-IT"));
            let mut k = d.children();
            for i in &self.radice {
                k.struct_element(refs[*i]);
            }
        }
        for (i, e) in self.tag.iter().enumerate() {
            let mut el = pdf.struct_element(refs[i]);
            el.kind(e.ruolo);
            el.parent(genitori[i]);
            let mut k = el.children();
            for f in &e.figli {
                match f {
                    Figlio::Elemento(c) => {
                        k.struct_element(refs[*c]);
                    }
                    Figlio::Contenuto { pagina, mcid } => {
                        k.marked_content_ref()
                            .marked_content_id(*mcid)
                            .page(pagine[*pagina].0);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_wrapping_follow_the_font_metrics() {
        // "Piano" in Helvetica: P 667 + i 222 + a 556 + n 556 + o 556 = 2557.
        assert!((text_width("Piano", 10.0, false) - 25.57).abs() < 0.01);
        assert_eq!(text_width("è", 10.0, false), text_width("e", 10.0, false));
        let lines = wrap("uno due tre quattro cinque", 10.0, false, 50.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, 10.0, false) <= 50.0));
        assert_eq!(lines.join(" "), "uno due tre quattro cinque");
    }

    #[test]
    fn a_document_is_a_pdf_with_its_pages() {
        let mut d = Documento::new("Prova");
        d.titolo("Relazione – città");
        for i in 0..120 {
            d.paragrafo(&format!("Riga {i} con testo più lungo del solito"));
        }
        let bytes = d.finish();
        assert!(bytes.starts_with(b"%PDF-"));
        let s = String::from_utf8_lossy(&bytes);
        assert!(s.contains("+LiberationSans-Bold"));
        assert!(!s.contains("/Helvetica"));
        let pages = s.matches("/Type /Page\n").count() + s.matches("/Type /Page ").count();
        assert!(s.contains("/Count 4") || s.contains("/Count 3"), "{pages}");
    }
}
