//! A sheet of name badges: eight to an A4 page (two columns, four rows, 87 × 65 mm each) with
//! thin cut lines, the name large, the organisation, the event's title and a QR of the ticket
//! code (so the badge scans at the door like the ticket).

use pdf_writer::types::StructRole;

use super::{Documento, MARGIN, PAGE_H, PAGE_W, wrap};

/// One badge.
pub struct Cartellino {
    pub nome: String,
    pub organizzazione: String,
    pub titolo: String,
    /// The QR's modules, row by row, and how many a side.
    pub qr: (Vec<bool>, usize),
}

const COLONNE: usize = 2;
const RIGHE: usize = 4;

impl Documento {
    /// The badges from a new page on, eight a page; each badge's text is a paragraph of the
    /// structure, the cut lines and the QR artifacts.
    pub fn cartellini(&mut self, voci: &[Cartellino]) {
        let (w, h) = (
            (PAGE_W - 2.0 * MARGIN) / COLONNE as f32,
            (PAGE_H - 2.0 * MARGIN) / RIGHE as f32,
        );
        for (i, c) in voci.iter().enumerate() {
            let posto = i % (COLONNE * RIGHE);
            if posto == 0 && i > 0 {
                self.new_page();
            }
            let (x0, y0) = (
                MARGIN + (posto % COLONNE) as f32 * w,
                PAGE_H - MARGIN - (posto / COLONNE) as f32 * h,
            );
            self.artefatto(|p| {
                p.set_line_width(0.3);
                p.set_stroke_gray(0.6);
                p.rect(x0, y0 - h, w, h);
                p.stroke();
            });
            let lato_qr = 62.0;
            // Text stops well before the QR: a reader needs its quiet zone (4 modules) clear.
            let testo_w = w - lato_qr - 42.0;
            let e = self.elemento(StructRole::P, None);
            self.aperto = Some(e);
            let mut y = y0 - 34.0;
            for riga in wrap(&c.nome, 16.0, true, testo_w).into_iter().take(3) {
                self.text_at(x0 + 12.0, y, 16.0, true, &riga);
                y -= 19.0;
            }
            y -= 4.0;
            for riga in wrap(&c.organizzazione, 10.0, false, testo_w)
                .into_iter()
                .take(3)
            {
                self.text_at(x0 + 12.0, y, 10.0, false, &riga);
                y -= 13.0;
            }
            for (k, riga) in wrap(&c.titolo, 8.0, false, w - 24.0)
                .into_iter()
                .take(2)
                .enumerate()
            {
                self.text_at(
                    x0 + 12.0,
                    y0 - h + 22.0 - k as f32 * 10.0,
                    8.0,
                    false,
                    &riga,
                );
            }
            self.aperto = None;
            let (celle, lato) = (&c.qr.0, c.qr.1);
            let m = lato_qr / lato as f32;
            let (qx, qy) = (x0 + w - lato_qr - 12.0, y0 - 14.0);
            self.artefatto(|p| {
                p.set_fill_rgb(0.0, 0.0, 0.0);
                for (k, _) in celle.iter().enumerate().filter(|(_, d)| **d) {
                    let (x, y) = ((k % lato) as f32, (k / lato) as f32);
                    p.rect(qx + x * m, qy - (y + 1.0) * m, m, m);
                }
                p.fill_nonzero();
            });
        }
    }
}
