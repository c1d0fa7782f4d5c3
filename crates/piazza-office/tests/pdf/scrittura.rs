//! Writing fixture PDFs: A4 pages of text lines in the standard fonts (WinAnsi), an optional
//! Type0 font with a hand-written ToUnicode CMap, Form XObjects and images.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

pub const LARGHEZZA: f32 = 595.0;
pub const ALTEZZA: f32 = 842.0;

/// Fonts on every page: `F1` Helvetica, `F2` Helvetica-Bold, `F3` Times-Roman, `F4` a Type0
/// font (Identity-H) whose codes are the characters' code points minus 0x1F, two bytes each.
pub fn testo_win(s: &str) -> Vec<u8> {
    let (b, _, errori) = encoding_rs::WINDOWS_1252.encode(s);
    assert!(!errori, "{s:?} non è WinAnsi");
    b.into_owned()
}

/// The two-byte codes of `s` for `F4`.
pub fn testo_cid(s: &str) -> Vec<u8> {
    s.chars()
        .flat_map(|c| {
            let codice = match c {
                'è' => 0x60u16,
                'à' => 0x62,
                'ﬂ' => 0x61,
                c => c as u16 - 0x1F,
            };
            codice.to_be_bytes()
        })
        .collect()
}

/// One line of text: font, size, x, y of the baseline.
pub fn riga(c: &mut Content, font: &str, dimensione: f32, x: f32, y: f32, testo: &str) {
    let byte = if font == "F4" {
        testo_cid(testo)
    } else {
        testo_win(testo)
    };
    c.begin_text();
    c.set_font(Name(font.as_bytes()), dimensione);
    c.next_line(x, y);
    c.show(Str(&byte));
    c.end_text();
}

/// A page to write: its content, and the Form XObject `X1` it may draw.
#[derive(Default)]
pub struct Pagina {
    pub contenuto: Vec<u8>,
    pub modulo: Option<Vec<u8>>,
    pub immagine: bool,
}

pub struct Opzioni {
    pub titolo: Option<String>,
    /// Compress the content streams with Flate.
    pub compresso: bool,
}

impl Default for Opzioni {
    fn default() -> Self {
        Self {
            titolo: None,
            compresso: true,
        }
    }
}

pub fn pdf(pagine: Vec<Pagina>, opzioni: &Opzioni) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let mut prossimo = 1;
    let mut nuovo = || {
        let r = Ref::new(prossimo);
        prossimo += 1;
        r
    };
    let catalogo = nuovo();
    let albero = nuovo();
    let font: Vec<Ref> = (0..4).map(|_| nuovo()).collect();
    let (cid, cmap) = (nuovo(), nuovo());
    let id_pagine: Vec<(Ref, Ref, Ref, Ref)> = pagine
        .iter()
        .map(|_| (nuovo(), nuovo(), nuovo(), nuovo()))
        .collect();
    let info = nuovo();
    pdf.catalog(catalogo).pages(albero);
    pdf.pages(albero)
        .kids(id_pagine.iter().map(|(p, ..)| *p))
        .count(id_pagine.len() as i32);
    for (r, nome) in font
        .iter()
        .zip(["Helvetica", "Helvetica-Bold", "Times-Roman"])
    {
        pdf.type1_font(*r)
            .base_font(Name(nome.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.type0_font(font[3])
        .base_font(Name(b"ABCDEF+NotoSans-Regular"))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let mut f = pdf.cid_font(cid);
    f.subtype(pdf_writer::types::CidFontType::Type2)
        .base_font(Name(b"ABCDEF+NotoSans-Regular"))
        .system_info(pdf_writer::types::SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .default_width(556.0);
    f.widths().consecutive(1, [278.0, 278.0]);
    f.finish();
    let cmap_testo = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
        /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
        1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
        1 beginbfchar\n<0060> <00E8>\nendbfchar\n\
        2 beginbfrange\n<0001> <005E> <0020>\n<0061> <0062> [<0066006C> <00E0>]\nendbfrange\n\
        endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    pdf.stream(cmap, cmap_testo.as_bytes());
    for (pagina, (id, contenuto, modulo, immagine)) in pagine.iter().zip(&id_pagine) {
        let mut p = pdf.page(*id);
        p.parent(albero)
            .media_box(Rect::new(0.0, 0.0, LARGHEZZA, ALTEZZA))
            .contents(*contenuto);
        let mut risorse = p.resources();
        let mut fonts = risorse.fonts();
        for (i, r) in font.iter().enumerate() {
            fonts.pair(Name(format!("F{}", i + 1).as_bytes()), *r);
        }
        fonts.finish();
        let mut x = risorse.x_objects();
        if pagina.modulo.is_some() {
            x.pair(Name(b"X1"), *modulo);
        }
        if pagina.immagine {
            x.pair(Name(b"Im1"), *immagine);
        }
        x.finish();
        risorse.finish();
        p.finish();
        if opzioni.compresso {
            let z = comprimi(&pagina.contenuto);
            pdf.stream(*contenuto, &z).filter(Filter::FlateDecode);
        } else {
            pdf.stream(*contenuto, &pagina.contenuto);
        }
        if let Some(m) = &pagina.modulo {
            let mut fx = pdf.form_xobject(*modulo, m);
            fx.bbox(Rect::new(0.0, 0.0, LARGHEZZA, ALTEZZA))
                .matrix([1.0, 0.0, 0.0, 1.0, 0.0, -20.0]);
            let mut r = fx.resources();
            let mut fonts = r.fonts();
            fonts.pair(Name(b"F1"), font[0]);
            fonts.finish();
            r.finish();
            fx.finish();
        }
        if pagina.immagine {
            let pixel = vec![0x80u8; 16 * 16];
            let mut im = pdf.image_xobject(*immagine, &pixel);
            im.width(16).height(16).bits_per_component(8);
            im.color_space().device_gray();
            im.finish();
        }
    }
    if let Some(t) = &opzioni.titolo {
        pdf.document_info(info).title(TextStr(t));
    }
    pdf.finish()
}

pub fn comprimi(dati: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(dati).unwrap();
    z.finish().unwrap()
}

/// A page with the running header and the page number of a document of `totale` pages.
pub fn intestazione(c: &mut Content, numero: usize, totale: usize) {
    riga(
        c,
        "F1",
        9.0,
        56.0,
        810.0,
        "Comune di Prato – Regolamento della partecipazione",
    );
    riga(
        c,
        "F1",
        9.0,
        270.0,
        30.0,
        &format!("Pagina {numero} di {totale}"),
    );
}
