//! PDF with a text layer, read into headings, paragraphs and list items.
//!
//! The object structure is `lopdf`'s (cross-reference tables and streams, object streams,
//! decryption with the empty user password); everything after it is here: the page tree in
//! order, content streams decompressed against [`crate::Limiti::max_byte_decompressi`]
//! (`contenuto`, fonts in `font` and `glifi`), the runs of text placed on the page assembled
//! into lines (`righe`) and the lines into blocks (`blocchi`).
//!
//! Tables are read as paragraphs; text that is not horizontal (rotated stamps in a margin) is
//! left out.

mod blocchi;
mod cmap;
mod contenuto;
mod font;
mod glifi;
mod righe;

use std::cell::Cell;

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, Stream};

use super::Documento;
use crate::{Controllo, Errore};
use contenuto::{Interprete, Risorse};
use font::deref;
use righe::Pagina;

/// The reading's account, with the bytes of text kept so far.
pub(super) struct Lettore<'c> {
    pub c: &'c Controllo<'c>,
    testi: Cell<usize>,
}

impl Lettore<'_> {
    /// Accounts for `n` more bytes of text kept.
    fn testo(&self, n: usize) -> Result<(), Errore> {
        let t = self.testi.get().saturating_add(n);
        self.testi.set(t);
        let limite = self.c.limiti.max_byte_testi;
        if t > limite {
            Err(Errore::TestiTroppoGrandi { limite })
        } else {
            Ok(())
        }
    }
}

/// A stream's content decoded, counted against the decompressed bytes; a stream whose filters
/// cannot be decoded reads as empty.
pub(super) fn flusso(s: &Stream, l: &Lettore) -> Result<Vec<u8>, Errore> {
    l.c.tempo()?;
    let rimasti = usize::try_from(l.c.decompressi_rimasti()).unwrap_or(usize::MAX);
    match s.decompressed_content_with_limit(rimasti) {
        Ok(v) => {
            l.c.decompressi(v.len() as u64)?;
            Ok(v)
        }
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Err(Errore::Decompressione {
                limite: l.c.limiti.max_byte_decompressi,
            })
        }
        Err(_) => Ok(Vec::new()),
    }
}

pub(crate) fn leggi(bytes: &[u8], c: &Controllo) -> Result<Documento, Errore> {
    // The object parser is a dependency: should a hostile file make it panic, the reading
    // fails as a damaged file instead of taking the caller's thread down.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        leggi_senza_panico(bytes, c)
    }))
    .unwrap_or_else(|_| {
        Err(Errore::Danneggiato(
            "la struttura del PDF non si riesce a leggere".into(),
        ))
    })
}

fn leggi_senza_panico(bytes: &[u8], c: &Controllo) -> Result<Documento, Errore> {
    let l = Lettore {
        c,
        testi: Cell::new(0),
    };
    let opzioni = LoadOptions {
        max_decompressed_size: Some(usize::try_from(c.decompressi_rimasti()).unwrap_or(usize::MAX)),
        ..Default::default()
    };
    let doc = match Document::load_mem_with_options(bytes, opzioni) {
        Ok(d) => d,
        Err(e) => return Err(errore_lopdf(e, c)),
    };
    c.tempo()?;
    if doc.is_encrypted() {
        return Err(Errore::PdfProtetto);
    }
    if doc.catalog().is_err() {
        return Err(Errore::Danneggiato(
            "manca il catalogo del documento".into(),
        ));
    }
    let pagine = doc.get_pages();
    if pagine.len() > c.limiti.max_pagine {
        return Err(Errore::TroppePagine {
            limite: c.limiti.max_pagine,
        });
    }
    if pagine.is_empty() {
        return Err(Errore::Danneggiato("il documento non ha pagine".into()));
    }
    let mut lette = Vec::with_capacity(pagine.len());
    let mut interprete = Interprete::new(&doc, &l);
    for (_, id) in pagine {
        c.tempo()?;
        lette.push(pagina(&doc, id, &mut interprete, &l)?);
    }
    drop(interprete);
    if lette
        .iter()
        .all(|p| p.pezzi.iter().all(|p| p.testo.trim().is_empty()))
    {
        return Err(Errore::PdfSenzaTesto);
    }
    let righe = righe::righe(lette, &l)?;
    let blocchi = blocchi::blocchi(righe, &l)?;
    if blocchi.is_empty() {
        return Err(Errore::PdfSenzaTesto);
    }
    Ok(Documento {
        titolo: titolo(&doc, &l)?,
        blocchi,
    })
}

fn errore_lopdf(e: lopdf::Error, c: &Controllo) -> Errore {
    use lopdf::Error as E;
    match e {
        E::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            Errore::Decompressione {
                limite: c.limiti.max_byte_decompressi,
            }
        }
        E::Decryption(_) | E::InvalidPassword | E::AlreadyEncrypted => Errore::PdfProtetto,
        E::Unimplemented(m) if m.contains("ncrypt") => Errore::PdfProtetto,
        _ => Errore::Danneggiato("la struttura del PDF non si riesce a leggere".into()),
    }
}

/// One page's runs of text, drawn by its content streams.
fn pagina<'a>(
    doc: &'a Document,
    id: ObjectId,
    int: &mut Interprete<'a, '_>,
    l: &Lettore,
) -> Result<Pagina, Errore> {
    let Ok(dict) = doc.get_dictionary(id) else {
        return Ok(Pagina {
            x0: 0.0,
            y0: 0.0,
            larghezza: 612.0,
            altezza: 792.0,
            pezzi: Vec::new(),
        });
    };
    let scatola = ereditato(doc, dict, b"CropBox")
        .or_else(|| ereditato(doc, dict, b"MediaBox"))
        .and_then(|o| o.as_array().ok())
        .filter(|a| a.len() == 4)
        .map(|a| {
            a.iter()
                .map(|o| deref(doc, o).as_float().unwrap_or(0.0))
                .collect::<Vec<_>>()
        })
        .unwrap_or_else(|| vec![0.0, 0.0, 612.0, 792.0]);
    let (x0, y0) = (scatola[0].min(scatola[2]), scatola[1].min(scatola[3]));
    let (larghezza, altezza) = (
        (scatola[2] - scatola[0]).abs(),
        (scatola[3] - scatola[1]).abs(),
    );
    let mut risorse = Risorse {
        dizionari: Vec::new(),
    };
    if let Ok((diretto, riferiti)) = doc.get_page_resources(id) {
        risorse.dizionari.extend(diretto);
        for r in riferiti {
            if let Ok(d) = doc.get_dictionary(r) {
                risorse.dizionari.push(d);
            }
        }
    }
    let mut dati = Vec::new();
    for cid in doc.get_page_contents(id) {
        if let Ok(s) = doc.get_object(cid).and_then(Object::as_stream) {
            dati.extend_from_slice(&flusso(s, l)?);
            dati.push(b'\n');
        }
    }
    int.pezzi.clear();
    int.moduli = 0;
    // The page as it is shown: user space moved to the box's corner and turned by `/Rotate`
    // (clockwise), so that text upright on the screen is horizontal here.
    let rotazione = ereditato(doc, dict, b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0)
        .rem_euclid(360);
    let (w, h) = (larghezza, altezza);
    let (ctm, larghezza, altezza) = match rotazione {
        90 => ([0.0, -1.0, 1.0, 0.0, -y0, w + x0], h, w),
        180 => ([-1.0, 0.0, 0.0, -1.0, w + x0, h + y0], w, h),
        270 => ([0.0, 1.0, -1.0, 0.0, h + y0, -x0], h, w),
        _ => ([1.0, 0.0, 0.0, 1.0, -x0, -y0], w, h),
    };
    int.disegna(&dati, &risorse, ctm, 0)?;
    Ok(Pagina {
        x0: 0.0,
        y0: 0.0,
        larghezza,
        altezza,
        pezzi: std::mem::take(&mut int.pezzi),
    })
}

/// An entry of a page or of its ancestors in the page tree.
fn ereditato<'a>(doc: &'a Document, mut d: &'a Dictionary, chiave: &[u8]) -> Option<&'a Object> {
    for _ in 0..32 {
        if let Ok(o) = d.get(chiave) {
            return Some(deref(doc, o));
        }
        d = deref(doc, d.get(b"Parent").ok()?).as_dict().ok()?;
    }
    None
}

/// The title from the Info dictionary, else from the XMP metadata's `dc:title`; not when it
/// is empty or a file's name.
fn titolo(doc: &Document, l: &Lettore) -> Result<Option<String>, Errore> {
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| deref(doc, o).as_dict().ok())
        .and_then(|d| d.get(b"Title").ok())
        .and_then(|o| deref(doc, o).as_str().ok())
        .map(testo_pdf);
    if let Some(t) = info.and_then(|t| buon_titolo(&t)) {
        return Ok(Some(t));
    }
    let xmp = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Metadata").ok())
        .and_then(|o| deref(doc, o).as_stream().ok());
    let Some(s) = xmp else { return Ok(None) };
    let dati = flusso(s, l)?;
    let xml = String::from_utf8_lossy(&dati);
    Ok(titolo_xmp(&xml).and_then(|t| buon_titolo(&t)))
}

fn titolo_xmp(xml: &str) -> Option<String> {
    let dopo = &xml[xml.find("<dc:title")?..];
    let fine = dopo.find("</dc:title>")?;
    let dentro = &dopo[..fine];
    let li = &dentro[dentro.find("<rdf:li")?..];
    let li = &li[li.find('>')? + 1..];
    let t = &li[..li.find("</rdf:li>")?];
    Some(
        t.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

fn buon_titolo(t: &str) -> Option<String> {
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let minuscolo = t.to_lowercase();
    let estensioni = [
        ".doc", ".docx", ".odt", ".pdf", ".rtf", ".txt", ".xls", ".xlsx", ".ppt", ".pptx", ".indd",
        ".tmp", ".htm", ".html",
    ];
    let file = estensioni.iter().any(|e| minuscolo.ends_with(e))
        || minuscolo.starts_with("microsoft word - ")
        || (!t.contains(' ') && (t.contains('\\') || t.contains('/')))
        || ["untitled", "senza titolo", "documento1", "document1"].contains(&minuscolo.as_str());
    (!t.is_empty() && !file).then_some(t)
}

/// A PDF text string: UTF-16BE with its byte-order mark, UTF-8 with its own, else
/// PDFDocEncoding (read as Latin-1, which it matches for letters).
fn testo_pdf(b: &[u8]) -> String {
    if let Some(r) = b.strip_prefix(&[0xFE, 0xFF]) {
        let u: Vec<u16> = r
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&u)
    } else if let Some(r) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(r).into_owned()
    } else {
        b.iter().map(|&c| char::from(c)).collect()
    }
}
