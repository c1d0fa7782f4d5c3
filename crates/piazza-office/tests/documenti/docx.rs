//! DOCX built as Word (in Italian) writes it: headings from styles, lists from numbering,
//! tables, tracked changes, fields, text boxes, the title from the core properties.

use piazza_office::{Errore, Limiti, leggi_documento};

use crate::costruisci::{documento, docx, zip};
use crate::{leggi, par, tabella, titolo, voce};

fn p(stile: &str, testo: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{stile}"/><w:spacing w:after="0"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{testo}</w:t></w:r></w:p>"#
    )
}

fn elenco(num: &str, ilvl: u8, testo: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="Paragrafoelenco"/><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{testo}</w:t></w:r></w:p>"#
    )
}

#[test]
fn titoli_dagli_stili() {
    let corpo = [
        p("Titolo", "Piano attività 2020"),
        p("Sottotitolo", "Anci Toscana"),
        p("Titolo1", "Rappresentanza"),
        p("Titolo2", "Obiettivi"),
        p("Titolo3", "Dettaglio"),
        p("CapitoloPiano", "Ereditato da Titolo 2"),
        p("Intestazione1", "Nome italiano"),
        p("StileSconosciuto", "Normale"),
        r#"<w:p><w:pPr><w:outlineLvl w:val="3"/></w:pPr><w:r><w:t>Livello di struttura</w:t></w:r></w:p>"#.to_owned(),
        r#"<w:p><w:pPr><w:pStyle w:val="Titolo1"/><w:outlineLvl w:val="9"/></w:pPr><w:r><w:t>Corpo del testo</w:t></w:r></w:p>"#.to_owned(),
        p("Sommario1", "Rappresentanza 3"),
        p("Titolo1", "   "),
        "<w:p/>".to_owned(),
    ]
    .concat();
    let d = leggi("piano.docx", docx(&documento(&corpo), Some("Piano 2020")));
    assert_eq!(d.titolo.as_deref(), Some("Piano 2020"));
    assert_eq!(
        d.blocchi,
        [
            titolo(1, "Piano attività 2020"),
            par("Anci Toscana"),
            titolo(1, "Rappresentanza"),
            titolo(2, "Obiettivi"),
            titolo(3, "Dettaglio"),
            titolo(2, "Ereditato da Titolo 2"),
            titolo(1, "Nome italiano"),
            par("Normale"),
            titolo(4, "Livello di struttura"),
            par("Corpo del testo"),
        ]
    );
    // An empty title in the core properties is no title.
    let d = leggi("a.docx", docx(&documento(&p("Titolo1", "x")), Some(" ")));
    assert_eq!(d.titolo, None);
}

#[test]
fn elenchi_dalla_numerazione() {
    let corpo = [
        elenco("1", 0, "punto"),
        elenco("1", 1, "numerato sotto"),
        elenco("2", 0, "primo"),
        elenco("2", 1, "a lettera"),
        elenco("3", 0, "senza numero"),
        elenco("0", 0, "numId zero"),
        p("Paragrafoelenco", "paragrafo elenco senza numerazione"),
        p("ElencoObiettivi", "dallo stile"),
        r#"<w:p><w:pPr><w:pStyle w:val="ElencoObiettivi"/><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr><w:r><w:t>stile, livello 2</w:t></w:r></w:p>"#.to_owned(),
        elenco("99", 0, "numerazione sconosciuta"),
    ]
    .concat();
    let d = leggi("a.docx", docx(&documento(&corpo), None));
    assert_eq!(d.titolo, None);
    assert_eq!(
        d.blocchi,
        [
            voce(1, false, "punto"),
            voce(2, true, "numerato sotto"),
            voce(1, true, "primo"),
            voce(2, true, "a lettera"),
            voce(1, false, "senza numero"),
            par("numId zero"),
            par("paragrafo elenco senza numerazione"),
            voce(1, true, "dallo stile"),
            voce(2, true, "stile, livello 2"),
            voce(1, false, "numerazione sconosciuta"),
        ]
    );
}

#[test]
fn tabelle() {
    let tc = |t: &str| {
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"2000\"/></w:tcPr><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
        )
    };
    let corpo = format!(
        concat!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"Grigliatabella\"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>",
            "<w:tr>{}{}{}</w:tr>",
            "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>unite</w:t></w:r></w:p></w:tc>{}</w:tr>",
            "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>uno</w:t></w:r></w:p><w:p><w:r><w:t>due</w:t></w:r></w:p></w:tc></w:tr>",
            "<w:tr><w:tc><w:tbl><w:tr>{}{}</w:tr><w:tr>{}</w:tr></w:tbl><w:p/></w:tc>{}<w:tc><w:p/></w:tc></w:tr>",
            "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>",
            "</w:tbl><w:p><w:r><w:t>Dopo la tabella</w:t></w:r></w:p>"
        ),
        tc("Comune"),
        tc("Provincia"),
        tc("Abitanti"),
        tc("dx"),
        tc("a"),
        tc("b"),
        tc("c"),
        tc("fuori"),
    );
    let d = leggi("a.docx", docx(&documento(&corpo), None));
    assert_eq!(
        d.blocchi,
        [
            tabella(&[
                &["Comune", "Provincia", "Abitanti"],
                &["unite", "", "dx"],
                &["", "", "uno due"],
                &["a b c", "fuori", ""],
            ]),
            par("Dopo la tabella"),
        ]
    );
}

#[test]
fn revisioni_campi_caselle_di_testo() {
    let corpo = concat!(
        r#"<w:p><w:r><w:t xml:space="preserve">Testo </w:t></w:r><w:del w:id="1" w:author="A"><w:r><w:delText>cancellato </w:delText></w:r></w:del><w:ins w:id="2" w:author="A"><w:r><w:t>inserito</w:t></w:r></w:ins><w:moveFrom w:id="3"><w:r><w:t>spostato via</w:t></w:r></w:moveFrom><w:r><w:tab/><w:t>dopo</w:t><w:br/><w:t>a capo</w:t><w:noBreakHyphen/><w:t>x</w:t><w:sym w:font="Wingdings" w:char="F0E0"/></w:r></w:p>"#,
        r#"<w:p><w:r><w:t xml:space="preserve">Pagina </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE \* MERGEFORMAT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:hyperlink w:anchor="x"><w:r><w:t xml:space="preserve"> e collegamento</w:t></w:r></w:hyperlink></w:p>"#,
        r#"<w:p><w:pPr><w:rPr><w:del w:id="9" w:author="A"/></w:rPr><w:pPrChange w:id="8"><w:pPr><w:pStyle w:val="Titolo1"/></w:pPr></w:pPrChange></w:pPr><w:r><w:t>Ancora</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>Nella casella</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>Nella casella</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t xml:space="preserve"> fine</w:t></w:r></w:p>"#,
        r#"<w:sdt><w:sdtPr><w:alias w:val="Campo"/><w:placeholder><w:docPart w:val="x"/></w:placeholder></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Nel controllo</w:t></w:r></w:p></w:sdtContent></w:sdt>"#,
        r#"<w:p><w:r><w:t>Pia</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>no   &amp; a&#160;b</w:t></w:r></w:p>"#,
    );
    let d = leggi("a.docx", docx(&documento(corpo), None));
    assert_eq!(
        d.blocchi,
        [
            par("Testo inserito dopo a capo-x"),
            par("Pagina 3 e collegamento"),
            par("Nella casella"),
            par("Ancora fine"),
            par("Nel controllo"),
            par("Piano & a b"),
        ]
    );
}

fn errore(bytes: &[u8]) -> String {
    leggi_documento(bytes, Some("a.docx"), &Limiti::default())
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn docx_danneggiati() {
    let buono = docx(&documento(&p("Titolo1", "x")), None);
    assert!(leggi_documento(&buono, Some("a.docx"), &Limiti::default()).is_ok());
    // Truncated anywhere: an Italian refusal (or, cut only in the end record's tail, read).
    for n in (1..buono.len()).step_by(7) {
        if let Err(e) = leggi_documento(&buono[..n], Some("a.docx"), &Limiti::default()) {
            let m = e.to_string();
            assert!(m.starts_with("Il file "), "{n}: {m}");
        }
    }
    // Cut in half, the zip has no directory: a damaged file, not an unknown one.
    assert_eq!(
        errore(&buono[..buono.len() / 2]),
        "Il file è danneggiato: l'archivio ZIP non è leggibile."
    );
    // No document.xml: not a document.
    let senza = zip(&[("word/styles.xml", b"<w:styles/>")]);
    assert_eq!(
        leggi_documento(&senza, Some("a.docx"), &Limiti::default()),
        Err(Errore::NonDocumento)
    );
    // Malformed XML.
    let rotto = docx(
        "<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>a</w:r></w:p></w:body></w:document>",
        None,
    );
    assert_eq!(
        errore(&rotto),
        "Il file è danneggiato: il contenuto XML di word/document.xml non è valido."
    );
    let troncato = docx("<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>a", None);
    assert_eq!(
        errore(&troncato),
        "Il file è danneggiato: word/document.xml è troncato."
    );
    // An OLE compound file (old DOC, or a DOCX with a password).
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    assert_eq!(
        errore(&ole),
        "Il file è nel vecchio formato Word (DOC) oppure è protetto da password: salvarlo come DOCX, ODT o PDF senza password."
    );
}
