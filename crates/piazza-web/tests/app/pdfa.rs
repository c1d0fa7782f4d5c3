//! Every PDF Piazza writes is PDF/A-2a. No validator (veraPDF) can be installed here, so this
//! checks, on the real files, the rules of ISO 19005-2 that the writer takes on: the XMP
//! declaration agreeing with the document information, the sRGB output intent with a valid
//! profile header, the file identifier, every font embedded with widths equal to those of its
//! program and a `ToUnicode` map, no `.notdef` glyph shown, no unembedded standard font, and
//! an uncompressed metadata stream. The tagged structure is checked by the report's own test.

use lopdf::{Dictionary, Document, Object};

use crate::common::{Role, TestApp};
use axum::http::StatusCode;

fn dict<'a>(doc: &'a Document, o: &'a Object) -> &'a Dictionary {
    match doc.dereference(o).unwrap().1 {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        other => panic!("not a dictionary: {other:?}"),
    }
}

fn stream<'a>(doc: &'a Document, o: &'a Object) -> &'a lopdf::Stream {
    doc.dereference(o).unwrap().1.as_stream().unwrap()
}

fn contenuto(s: &lopdf::Stream) -> Vec<u8> {
    if s.dict.get(b"Filter").is_ok() {
        s.decompressed_content().unwrap()
    } else {
        s.content.clone()
    }
}

/// The XMP value of `tag` (the text between its tags, for simple properties).
fn xmp_valore(xmp: &str, tag: &str) -> String {
    let a = xmp
        .find(&format!("<{tag}>"))
        .unwrap_or_else(|| panic!("{tag}"));
    let resto = &xmp[a + tag.len() + 2..];
    resto[..resto.find(&format!("</{tag}>")).unwrap()].to_owned()
}

/// Checks the PDF/A-2a rules above; returns the number of fonts checked.
pub fn verifica_pdfa(bytes: &[u8]) -> usize {
    let doc = Document::load_mem(bytes).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-1.7\n%"),
        "header and binary comment"
    );
    let cat = doc.catalog().unwrap();

    // Metadata: uncompressed XMP declaring part 2, level A, agreeing with /Info.
    let meta = stream(&doc, cat.get(b"Metadata").unwrap());
    assert!(meta.dict.get(b"Filter").is_err(), "metadata not compressed");
    assert_eq!(
        meta.dict.get(b"Subtype").unwrap().as_name().unwrap(),
        b"XML"
    );
    let xmp = String::from_utf8(meta.content.clone()).unwrap();
    assert!(xmp.starts_with("<?xpacket begin=\"\u{feff}\""));
    assert!(xmp.trim_end().ends_with("<?xpacket end=\"w\"?>"));
    assert_eq!(xmp_valore(&xmp, "pdfaid:part"), "2");
    assert_eq!(xmp_valore(&xmp, "pdfaid:conformance"), "A");
    let info = dict(&doc, doc.trailer.get(b"Info").unwrap());
    let testo_info = |k: &[u8]| {
        let o = info.get(k).unwrap();
        lopdf::decode_text_string(o).unwrap()
    };
    let titolo = xmp_valore(&xmp, "rdf:Alt");
    assert!(titolo.contains(&format!(
        ">{}<",
        testo_info(b"Title")
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    )));
    assert_eq!(xmp_valore(&xmp, "pdf:Producer"), testo_info(b"Producer"));
    for k in info.iter().map(|(k, _)| k.clone()) {
        assert!(
            [b"Title".as_slice(), b"Producer"].contains(&k.as_slice()),
            "an /Info key without its XMP twin: {}",
            String::from_utf8_lossy(&k)
        );
    }

    // Output intent: GTS_PDFA1 with an RGB display profile.
    let intenti = doc
        .dereference(cat.get(b"OutputIntents").unwrap())
        .unwrap()
        .1
        .as_array()
        .unwrap();
    assert_eq!(intenti.len(), 1);
    let oi = dict(&doc, &intenti[0]);
    assert_eq!(oi.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    assert!(oi.get(b"OutputConditionIdentifier").is_ok());
    let icc = stream(&doc, oi.get(b"DestOutputProfile").unwrap());
    assert_eq!(icc.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let p = contenuto(icc);
    assert_eq!(
        u32::from_be_bytes(p[0..4].try_into().unwrap()) as usize,
        p.len()
    );
    assert_eq!(&p[12..24], b"mntrRGB XYZ ");
    assert_eq!(&p[36..40], b"acsp");
    assert!(p[8] == 2 || p[8] == 4, "ICC version");

    // The file identifier: two strings.
    let id = doc.trailer.get(b"ID").unwrap().as_array().unwrap();
    assert_eq!(id.len(), 2);
    assert!(id.iter().all(|s| s.as_str().is_ok_and(|s| !s.is_empty())));
    assert!(doc.trailer.get(b"Encrypt").is_err());

    // Fonts: every font of every page embedded, with its widths and ToUnicode.
    let mut viste = std::collections::BTreeSet::new();
    for (_, pagina) in doc.get_pages() {
        let pg = doc.get_dictionary(pagina).unwrap();
        let res = dict(&doc, pg.get(b"Resources").unwrap());
        assert!(pg.get(b"Group").is_err(), "no transparency group");
        let fonts = dict(&doc, res.get(b"Font").unwrap());
        let mut tipi = std::collections::HashMap::new();
        for (nome, f) in fonts.iter() {
            let r = f.as_reference().unwrap();
            let fd = dict(&doc, f);
            assert_eq!(fd.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
            tipi.insert(nome.clone(), r);
            if !viste.insert(r) {
                continue;
            }
            assert_eq!(
                fd.get(b"Encoding").unwrap().as_name().unwrap(),
                b"Identity-H"
            );
            assert!(stream(&doc, fd.get(b"ToUnicode").unwrap()).content.len() > 50);
            let discendenti = doc
                .dereference(fd.get(b"DescendantFonts").unwrap())
                .unwrap()
                .1
                .as_array()
                .unwrap();
            let cid = dict(&doc, &discendenti[0]);
            assert_eq!(
                cid.get(b"Subtype").unwrap().as_name().unwrap(),
                b"CIDFontType2"
            );
            assert_eq!(
                cid.get(b"CIDToGIDMap").unwrap().as_name().unwrap(),
                b"Identity"
            );
            let desc = dict(&doc, cid.get(b"FontDescriptor").unwrap());
            let nome_base = fd.get(b"BaseFont").unwrap().as_name().unwrap();
            assert_eq!(nome_base[6], b'+', "a subset is named ABCDEF+Name");
            let programma = contenuto(stream(&doc, desc.get(b"FontFile2").unwrap()));
            let faccia = ttf_parser::Face::parse(&programma, 0).unwrap();
            let em = f32::from(faccia.units_per_em());
            // W = [0 [w0 w1 ...]]: each width is the program's advance of that glyph.
            let w = doc
                .dereference(cid.get(b"W").unwrap())
                .unwrap()
                .1
                .as_array()
                .unwrap();
            assert_eq!(w[0].as_i64().unwrap(), 0);
            let larghezze = w[1].as_array().unwrap();
            // (The program may hold more glyphs: the components of accented letters.)
            assert!(larghezze.len() <= usize::from(faccia.number_of_glyphs()));
            for (g, l) in larghezze.iter().enumerate() {
                let l = l.as_float().unwrap();
                let a = faccia
                    .glyph_hor_advance(ttf_parser::GlyphId(g as u16))
                    .unwrap();
                let atteso = f32::from(a) * 1000.0 / em;
                assert!((l - atteso).abs() <= 1.0, "glyph {g}: W {l} vs {atteso}");
            }
        }
        // No .notdef (code 0) shown.
        let ops = doc.get_and_decode_page_content(pagina).unwrap().operations;
        for op in ops.iter().filter(|o| o.operator == "Tj") {
            let s = op.operands[0].as_str().unwrap();
            assert_eq!(s.len() % 2, 0);
            assert!(
                s.chunks(2).all(|c| c != [0, 0]),
                "the .notdef glyph is shown"
            );
        }
        for op in ops.iter().filter(|o| o.operator == "Tf") {
            assert!(tipi.contains_key(op.operands[0].as_name().unwrap()));
        }
    }
    assert!(!String::from_utf8_lossy(bytes).contains("/Helvetica"));
    viste.len()
}

/// A document with what the writer must cope with: accents, typographic quotes, a euro sign, a
/// character the fonts lack, a table across pages, bars, a bold-free page.
#[test]
fn a_document_with_every_kind_of_content_is_pdfa() {
    use piazza_web::kit::pdf::{Colonna, Documento};
    let mut d = Documento::new("Città di prova – “Piano” 2031");
    d.titolo("Relazione à è é ì ò ù € – ⚠ 😀 & <tag>");
    d.sezione("Obiettivi");
    let colonne = [
        Colonna {
            titolo: "Obiettivo",
            quota: 0.7,
            destra: false,
        },
        Colonna {
            titolo: "Importo",
            quota: 0.3,
            destra: true,
        },
    ];
    let righe: Vec<Vec<String>> = (0..120)
        .map(|i| {
            vec![
                format!("Obiettivo n. {i} – «qualità»"),
                format!("{i}.234,56 €"),
            ]
        })
        .collect();
    d.tabella(&colonne, &righe);
    d.barra("Avanzamento", Some(42.0));
    d.barra("Senza dati", None);
    for i in 0..80 {
        d.paragrafo(&format!("Paragrafo {i}"));
    }
    let pdf = d.finish();
    assert_eq!(verifica_pdfa(&pdf), 2);
    // The text is there, as written (the missing glyphs read as '?').
    let letto =
        piazza_office::leggi_documento(&pdf, Some("prova.pdf"), &piazza_office::Limiti::default())
            .unwrap();
    let tutto: String = format!("{:?}", letto.blocchi);
    assert!(tutto.contains("Relazione à è é ì ò ù € – ? ? &"), "{tutto}");
    assert!(tutto.contains("Obiettivo n. 119 – «qualità»"), "{tutto}");
}

/// The plan report (the PDF users download today) passes the same checks.
#[tokio::test]
async fn the_plan_report_is_pdfa() {
    let app = TestApp::new().await;
    crate::piano::plan(&app).await;
    let r = app
        .get(Role::Editor, "/piano/2031/relazione.pdf?al=30%2F06%2F2031")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(verifica_pdfa(&r.body), 2);
}
