//! Hostile documents: each is refused with its Italian message (or read within bounds),
//! quickly, holding little memory.

use std::time::Duration;

use piazza_office::{Documento, Errore, Limiti, formato_documento, leggi_documento};

use crate::costruisci::{
    self, ODT_MIME, VoceGrezza, contenuto_odt, deflate_ripetuto, documento, docx, odt, zip_grezzo,
};
use crate::{MB, misura};

/// Bound on time for every attack, in a debug build on a shared 2-core machine.
const TEMPO_MAX: Duration = Duration::from_secs(5);

fn attacco_con(
    nome: &str,
    file: &str,
    bytes: &[u8],
    limiti: &Limiti,
    picco_max: usize,
) -> Result<Documento, Errore> {
    let (r, tempo, picco) = misura(|| leggi_documento(bytes, Some(file), limiti));
    eprintln!(
        "ATTACCO {nome}: file {} byte, {tempo:.2?}, picco {:.1} MB → {}",
        bytes.len(),
        picco as f64 / MB as f64,
        match &r {
            Ok(d) => format!("letto, {} blocchi", d.blocchi.len()),
            Err(e) => e.to_string(),
        }
    );
    assert!(tempo < TEMPO_MAX, "{nome}: {tempo:?}");
    assert!(picco < picco_max, "{nome}: peak {picco} bytes");
    r
}

fn attacco(nome: &str, file: &str, bytes: &[u8], picco_max: usize) -> Result<Documento, Errore> {
    attacco_con(nome, file, bytes, &Limiti::default(), picco_max)
}

fn messaggio(r: Result<Documento, Errore>) -> String {
    r.expect_err("the file must be refused").to_string()
}

const TESTA_DOCX: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#;
const CODA_DOCX: &[u8] = b"</w:body></w:document>";

fn docx_grezzo(stream: (Vec<u8>, u64)) -> Vec<u8> {
    zip_grezzo(&[
        VoceGrezza::memorizzata("[Content_Types].xml", b"<Types/>"),
        VoceGrezza::compressa("word/document.xml", stream),
    ])
}

fn odt_grezzo(stream: (Vec<u8>, u64)) -> Vec<u8> {
    zip_grezzo(&[
        VoceGrezza::memorizzata("mimetype", ODT_MIME.as_bytes()),
        VoceGrezza::compressa("content.xml", stream),
    ])
}

#[test]
fn bomba_zip() {
    // White space in runs of 16 KiB between empty paragraphs (one text event stays small).
    let a_pezzi = |tag: &[u8], riempi: u8| {
        let mut pezzo = vec![riempi; MB];
        for i in 0..64 {
            pezzo[i * 16 * 1024..i * 16 * 1024 + tag.len()].copy_from_slice(tag);
        }
        pezzo
    };
    let pezzo = a_pezzi(b"<w:p/>", b' ');
    let bytes = docx_grezzo(deflate_ripetuto(&[
        (TESTA_DOCX, 1),
        (&pezzo, 210),
        (CODA_DOCX, 1),
    ]));
    assert!(bytes.len() < 4 * MB);
    let r = attacco("DOCX 210 MiB decompressi", "a.docx", &bytes, 8 * MB);
    assert_eq!(
        messaggio(r),
        "Il contenuto del file, una volta decompresso, supera il limite di 200 MB."
    );
    let testa = format!(
        r#"<office:document-content {}><office:body><office:text>"#,
        costruisci::ODT_NS
    );
    let pezzo = a_pezzi(b"<text:p/>", b'\n');
    let bytes = odt_grezzo(deflate_ripetuto(&[(testa.as_bytes(), 1), (&pezzo, 210)]));
    let r = attacco("ODT 210 MiB decompressi", "a.odt", &bytes, 8 * MB);
    assert_eq!(
        messaggio(r),
        "Il contenuto del file, una volta decompresso, supera il limite di 200 MB."
    );
}

#[test]
fn annidamento_profondo() {
    let atteso = "Il file è danneggiato: la struttura XML ha più di 64 livelli di annidamento.";
    let bytes = docx_grezzo(deflate_ripetuto(&[
        (TESTA_DOCX, 1),
        (&b"<w:p>".repeat(1000), 1000),
    ]));
    assert_eq!(
        messaggio(attacco("DOCX annidato", "a.docx", &bytes, MB)),
        atteso
    );
    let annidato = format!("<text:p>{}", "<text:span>".repeat(100_000));
    let bytes = odt(&contenuto_odt("", &annidato), None);
    assert_eq!(
        messaggio(attacco("ODT annidato", "a.odt", &bytes, MB)),
        atteso
    );
    let elenchi = "<text:list><text:list-item>".repeat(50_000);
    let bytes = odt(&contenuto_odt("", &elenchi), None);
    assert_eq!(
        messaggio(attacco("ODT elenchi annidati", "a.odt", &bytes, MB)),
        atteso
    );
}

#[test]
fn testi_enormi() {
    // One run of 100 MB.
    let a = vec![b'a'; MB];
    let bytes = docx_grezzo(deflate_ripetuto(&[
        (TESTA_DOCX, 1),
        (b"<w:p><w:r><w:t>", 1),
        (&a, 100),
    ]));
    assert_eq!(
        messaggio(attacco("DOCX testo di 100 MB", "a.docx", &bytes, 2 * MB)),
        "Il file contiene un testo di più di 32 KB: il limite per una cella è 32 KB."
    );
    // A paragraph of a million small runs.
    let run = b"<w:r><w:t>parola </w:t></w:r>".repeat(1000);
    let bytes = docx_grezzo(deflate_ripetuto(&[
        (TESTA_DOCX, 1),
        (b"<w:p>", 1),
        (&run, 1000),
    ]));
    assert_eq!(
        messaggio(attacco("DOCX paragrafo enorme", "a.docx", &bytes, 2 * MB)),
        "Il documento contiene un paragrafo di più di 128 KB: dividerlo in paragrafi più brevi."
    );
    // The same in Markdown, and a 20 MB text of brackets and backticks read in bounded time.
    let riga = "parola ".repeat(30_000);
    let r = attacco("Markdown riga enorme", "a.md", riga.as_bytes(), 4 * MB);
    assert_eq!(
        messaggio(r),
        "Il documento contiene un paragrafo di più di 128 KB: dividerlo in paragrafi più brevi."
    );
    let parentesi = "[[`(<![<!--*_".repeat(8_000) + "\n\n";
    let bytes = parentesi.repeat(20);
    let d = attacco("Markdown di parentesi", "a.md", bytes.as_bytes(), 16 * MB).unwrap();
    assert_eq!(d.blocchi.len(), 20);
    let bytes = parentesi.replace("<!--", "`` ").repeat(20);
    let d = attacco(
        "reStructuredText di parentesi",
        "a.rst",
        bytes.as_bytes(),
        16 * MB,
    )
    .unwrap();
    assert_eq!(d.blocchi.len(), 20);
}

#[test]
fn tabella_markdown_larghissima() {
    let riga = format!("{}\n{}\n", "| a ".repeat(1000), "|---".repeat(1000));
    let r = attacco(
        "Markdown tabella di mille colonne",
        "a.md",
        riga.as_bytes(),
        MB,
    );
    assert_eq!(
        messaggio(r),
        "Il documento contiene una tabella di più di 512 colonne: il limite è 512."
    );
    // A delimiter row of two million cells under a short header is a long paragraph.
    let riga = format!("| a | b |\n{}\n", "|-".repeat(2_000_000));
    let r = attacco(
        "Markdown delimitatori infiniti",
        "a.md",
        riga.as_bytes(),
        8 * MB,
    );
    assert_eq!(
        messaggio(r),
        "Il documento contiene un paragrafo di più di 128 KB: dividerlo in paragrafi più brevi."
    );
}

#[test]
fn troppi_blocchi() {
    let p = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>".repeat(1000);
    let bytes = docx_grezzo(deflate_ripetuto(&[
        (TESTA_DOCX, 1),
        (&p, 300),
        (CODA_DOCX, 1),
    ]));
    let r = attacco("DOCX 300 000 paragrafi", "a.docx", &bytes, 32 * MB);
    assert_eq!(
        messaggio(r),
        "Il documento ha più di 200.000 paragrafi: il limite è 200.000."
    );
    let testo = "- voce\n".repeat(300_000);
    let r = attacco("Markdown 300 000 voci", "a.md", testo.as_bytes(), 48 * MB);
    assert_eq!(
        messaggio(r),
        "Il documento ha più di 200.000 paragrafi: il limite è 200.000."
    );
    let piccoli = Limiti {
        max_blocchi: 3,
        ..Limiti::default()
    };
    let r = attacco_con(
        "testo, 3 blocchi al massimo",
        "a.txt",
        b"a\n\nb\n\nc\n\nd\n",
        &piccoli,
        MB,
    );
    assert_eq!(
        messaggio(r),
        "Il documento ha più di 3 paragrafi: il limite è 3."
    );
}

#[test]
fn ripetizioni_odt() {
    let cella = |attr: &str| {
        format!(
            r#"<table:table table:name="T"><table:table-row {attr}><table:table-cell table:number-columns-repeated="{}"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#,
            if attr.is_empty() { "1000000000" } else { "512" }
        )
    };
    let r = attacco(
        "ODT cella ripetuta un miliardo di volte",
        "a.odt",
        &odt(&contenuto_odt("", &cella("")), None),
        MB,
    );
    assert_eq!(
        messaggio(r),
        "Il documento contiene una tabella di più di 512 colonne: il limite è 512."
    );
    let r = attacco(
        "ODT riga di 512 celle ripetuta un miliardo di volte",
        "a.odt",
        &odt(
            &contenuto_odt("", &cella(r#"table:number-rows-repeated="1000000000""#)),
            None,
        ),
        160 * MB,
    );
    assert_eq!(
        messaggio(r),
        "Le tabelle del documento hanno più di 2.000.000 celle: il limite è 2.000.000."
    );
    // A billion spaces are one space: nothing is expanded.
    let spazi = r#"<text:p>a<text:s text:c="1000000000"/>b<text:s text:c="18446744073709551616"/>c</text:p>"#;
    let d = attacco(
        "ODT un miliardo di spazi",
        "a.odt",
        &odt(&contenuto_odt("", spazi), None),
        MB,
    )
    .unwrap();
    assert_eq!(d.blocchi, [crate::par("a b c")]);
}

#[test]
fn stili_circolari() {
    let stili = r#"<w:styles xmlns:w="x"><w:style w:type="paragraph" w:styleId="A"><w:name w:val="a"/><w:basedOn w:val="B"/></w:style><w:style w:type="paragraph" w:styleId="B"><w:name w:val="b"/><w:basedOn w:val="A"/></w:style></w:styles>"#;
    let doc =
        documento(r#"<w:p><w:pPr><w:pStyle w:val="A"/></w:pPr><w:r><w:t>ciclo</w:t></w:r></w:p>"#);
    let bytes = costruisci::zip(&[
        ("word/document.xml", doc.as_bytes()),
        ("word/styles.xml", stili.as_bytes()),
    ]);
    let d = attacco("DOCX stili circolari", "a.docx", &bytes, MB).unwrap();
    assert_eq!(d.blocchi, [crate::par("ciclo")]);
}

/// Every message a hostile file may get.
fn e_un_rifiuto_italiano(m: &str) -> bool {
    [
        "Il file ",
        "Il contenuto del file",
        "Il documento ",
        "I testi ",
        "Le tabelle ",
    ]
    .iter()
    .any(|p| m.starts_with(p))
}

#[test]
fn byte_casuali_e_troncamenti() {
    for seme in 1..200u64 {
        let mut b = costruisci::casuali(seme, (seme as usize * 97) % 5000 + 1);
        if seme % 3 == 0 {
            let n = 4.min(b.len());
            b[..n].copy_from_slice(&b"PK\x03\x04"[..n]);
        }
        let _ = formato_documento(Some("a.docx"), &b);
        let (r, tempo, _) = misura(|| leggi_documento(&b, Some("a.md"), &Limiti::default()));
        assert!(tempo < Duration::from_secs(1));
        if let Err(e) = r {
            assert!(e_un_rifiuto_italiano(&e.to_string()), "{e}");
        }
    }
    for intero in [
        docx(
            &documento("<w:p><w:r><w:t>intero</w:t></w:r></w:p>"),
            Some("T"),
        ),
        odt(&contenuto_odt("", "<text:p>intero</text:p>"), Some("T")),
    ] {
        for n in 4..intero.len() {
            match leggi_documento(&intero[..n], None, &Limiti::default()) {
                Err(e) => assert!(e_un_rifiuto_italiano(&e.to_string()), "{n}: {e}"),
                Ok(d) => assert_eq!(d.blocchi, [crate::par("intero")], "{n}"),
            }
        }
    }
}
