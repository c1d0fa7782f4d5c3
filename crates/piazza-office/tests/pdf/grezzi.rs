//! Fixtures written object by object, for what `pdf-writer`'s typed writers do not say:
//! custom encodings, font descriptors, Symbol bullets, XMP metadata, recursive forms.

use std::time::{Duration, Instant};

use piazza_office::{Blocco, Limiti, leggi_documento};

/// A PDF of the given objects (numbered from 1; 1 must be the catalog), with its
/// cross-reference table.
pub fn grezzo(oggetti: &[String]) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut posizioni = Vec::new();
    for (i, o) in oggetti.iter().enumerate() {
        posizioni.push(v.len());
        v.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = v.len();
    v.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", oggetti.len() + 1).as_bytes());
    for p in posizioni {
        v.extend_from_slice(format!("{p:010} 00000 n \n").as_bytes());
    }
    v.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            oggetti.len() + 1
        )
        .as_bytes(),
    );
    v
}

pub fn flusso(dizionario: &str, dati: &str) -> String {
    format!(
        "<< {dizionario} /Length {} >>\nstream\n{dati}\nendstream",
        dati.len()
    )
}

/// One page (objects 1–4: catalog, pages, page, content) with the font `F1` Helvetica and
/// those `font` adds, then `altri` from object 5 on.
fn una_pagina(contenuto: &str, font: &str, catalogo: &str, altri: &[String]) -> Vec<u8> {
    pagina_con_risorse(contenuto, font, "", catalogo, altri)
}

fn pagina_con_risorse(
    contenuto: &str,
    font: &str,
    risorse: &str,
    catalogo: &str,
    altri: &[String],
) -> Vec<u8> {
    pagina_completa(contenuto, font, risorse, "", catalogo, altri)
}

/// `pagina` adds entries to the page's dictionary, `risorse` to its resources.
fn pagina_completa(
    contenuto: &str,
    font: &str,
    risorse: &str,
    pagina: &str,
    catalogo: &str,
    altri: &[String],
) -> Vec<u8> {
    let mut o = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalogo} >>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
             /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica \
             /Encoding /WinAnsiEncoding >> {font} >> {risorse} >> {pagina} >>"
        ),
        flusso("", contenuto),
    ];
    o.extend_from_slice(altri);
    grezzo(&o)
}

fn leggi(pdf: &[u8]) -> piazza_office::Documento {
    leggi_documento(pdf, None, &Limiti::default()).unwrap()
}

#[test]
fn differences_con_nomi_di_glifi() {
    let font = "/F2 << /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type \
                /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /agrave /egrave /fi \
                /quoteright /bullet /emdash /uni20AC /Egrave.sc] >> >>";
    let pdf = una_pagina(
        r"BT /F2 11 Tf 56 700 Td (Citt\001 \002 \003ne l\004uomo \006 \007 \010) Tj ET",
        font,
        "",
        &[],
    );
    assert_eq!(
        leggi(&pdf).blocchi,
        vec![Blocco::Paragrafo("Città è fine l’uomo — € È".into())]
    );
}

#[test]
fn grassetto_dal_descrittore_del_font() {
    for descrittore in ["/FontWeight 700", "/Flags 262178"] {
        let font = "/F2 << /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Frutiger55 /FirstChar \
                    32 /LastChar 122 /FontDescriptor 5 0 R >>";
        let pdf = una_pagina(
            "BT /F2 11 Tf 56 720 Td (Premessa) Tj ET \
             BT /F1 11 Tf 56 700 Td (Il testo della premessa segue il suo titolo.) Tj ET",
            font,
            "",
            &[format!(
                "<< /Type /FontDescriptor /FontName /ABCDEF+Frutiger55 {descrittore} >>"
            )],
        );
        assert_eq!(
            leggi(&pdf).blocchi,
            vec![
                Blocco::Titolo {
                    livello: 1,
                    testo: "Premessa".into()
                },
                Blocco::Paragrafo("Il testo della premessa segue il suo titolo.".into()),
            ],
            "{descrittore}"
        );
    }
}

#[test]
fn punto_elenco_del_font_symbol() {
    let font = "/F3 << /Type /Font /Subtype /Type1 /BaseFont /Symbol >>";
    let pdf = una_pagina(
        r"BT /F1 11 Tf 56 720 Td (Gli uffici:) Tj ET
          BT /F3 11 Tf 56 706 Td (\267) Tj ET BT /F1 11 Tf 74 706 Td (anagrafe) Tj ET
          BT /F3 11 Tf 56 692 Td (\267) Tj ET BT /F1 11 Tf 74 692 Td (tributi) Tj ET",
        font,
        "",
        &[],
    );
    let voce = |t: &str| Blocco::Voce {
        livello: 1,
        numerata: false,
        testo: t.into(),
    };
    assert_eq!(
        leggi(&pdf).blocchi,
        vec![
            Blocco::Paragrafo("Gli uffici:".into()),
            voce("anagrafe"),
            voce("tributi")
        ]
    );
}

#[test]
fn operatori_di_riga_e_scale() {
    // T*, ' and " with TL; Tz, Tc and Tw; the size scaled by cm and by Tm.
    let pdf = una_pagina(
        "q 2 0 0 2 0 0 cm BT /F1 9 Tf 28 380 Td (Titolo scalato) Tj ET Q \
         BT /F1 1 Tf 14 0 0 14 56 730 Tm (Secondo livello) Tj ET \
         BT /F1 11 Tf 14 TL 56 700 Td (Riga uno del) Tj T* (paragrafo con) Tj (due) ' \
         1 0.2 (tre righe) \" 80 Tz 0.5 Tc T* (compresse.) Tj ET",
        "",
        "",
        &[],
    );
    assert_eq!(
        leggi(&pdf).blocchi,
        vec![
            Blocco::Titolo {
                livello: 1,
                testo: "Titolo scalato".into()
            },
            Blocco::Titolo {
                livello: 2,
                testo: "Secondo livello".into()
            },
            Blocco::Paragrafo("Riga uno del paragrafo con due tre righe compresse.".into()),
        ]
    );
}

#[test]
fn titolo_dai_metadati_xmp() {
    let xmp = "<?xpacket begin=\"\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF \
               xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description \
               xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title><rdf:Alt><rdf:li \
               xml:lang=\"x-default\">Bando &amp; avviso pubblico</rdf:li></rdf:Alt></dc:title>\
               </rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
    let pdf = una_pagina(
        "BT /F1 11 Tf 56 700 Td (Testo.) Tj ET",
        "",
        "/Metadata 5 0 R",
        &[flusso("/Type /Metadata /Subtype /XML", xmp)],
    );
    assert_eq!(
        leggi(&pdf).titolo.as_deref(),
        Some("Bando & avviso pubblico")
    );
}

/// A form that draws itself ten times: 10⁸ drawings without a bound on forms.
#[test]
fn modulo_che_disegna_se_stesso() {
    let dentro = format!(
        "BT /F1 11 Tf 56 700 Td (Ciclo) Tj ET {}",
        "/X1 Do ".repeat(10)
    );
    let pdf = pagina_con_risorse(
        "/X1 Do",
        "",
        "/XObject << /X1 5 0 R >>",
        "",
        &[flusso(
            "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X1 5 0 R >> \
             /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>",
            &dentro,
        )],
    );
    let inizio = Instant::now();
    let doc = leggi(&pdf);
    assert!(
        inizio.elapsed() < Duration::from_secs(3),
        "{:?}",
        inizio.elapsed()
    );
    assert_eq!(doc.blocchi, vec![Blocco::Paragrafo("Ciclo".into())]);
}

/// A page shown turned by `/Rotate`, its content turned back: the text upright on the screen
/// is read, in the shown page's coordinates.
#[test]
fn pagina_ruotata() {
    for (rotazione, cm) in [
        ("90", "0 1 -1 0 595 0"),
        ("-270", "0 1 -1 0 595 0"),
        ("270", "0 -1 1 0 0 842"),
    ] {
        let pdf = pagina_completa(
            &format!(
                "q {cm} cm BT /F1 11 Tf 56 500 Td (Una pagina orizzontale con) Tj ET \
                 BT /F1 11 Tf 56 486 Td (il suo paragrafo su due righe.) Tj ET Q"
            ),
            "",
            "",
            &format!("/Rotate {rotazione}"),
            "",
            &[],
        );
        assert_eq!(
            leggi(&pdf).blocchi,
            vec![Blocco::Paragrafo(
                "Una pagina orizzontale con il suo paragrafo su due righe.".into()
            )],
            "{rotazione}"
        );
    }
}
