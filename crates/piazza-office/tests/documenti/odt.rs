//! ODT built as LibreOffice writes it: headings, styled headings, lists and their numbering,
//! tables with repeats and covered cells, what is kept out of the flow, the title from meta.xml.

use piazza_office::{Limiti, leggi_documento};

use crate::costruisci::{contenuto_odt, odt};
use crate::{leggi, par, tabella, titolo, voce};

const AUTOMATICI: &str = r#"<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Text_20_body"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="P2" style:family="paragraph" style:parent-style-name="Titolo_20_capitolo"/><style:style style:name="P3" style:family="paragraph" style:parent-style-name="Elenco_20_numerato"/><style:style style:name="T1" style:family="text"/><text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="–"/><text:list-level-style-number text:level="2" style:num-format="i"/></text:list-style>"#;

#[test]
fn titoli_paragrafi_e_metadati() {
    let testo = concat!(
        r#"<text:p text:style-name="Title">Piano attività 2020</text:p>"#,
        r#"<text:h text:style-name="Heading_20_1" text:outline-level="1">Rappresentanza</text:h>"#,
        r#"<text:h text:style-name="Heading_20_2" text:outline-level="2"><text:span text:style-name="T1">Obi</text:span>ettivi</text:h>"#,
        r#"<text:h text:style-name="P9">Senza livello</text:h>"#,
        r#"<text:p text:style-name="Heading_20_2">Stile di titolo in text:p</text:p>"#,
        r#"<text:p text:style-name="P2">Ereditato da Titolo capitolo</text:p>"#,
        r#"<text:p text:style-name="P1">Un   paragrafo<text:s text:c="3"/>con<text:tab/>spazi<text:line-break/>e <text:a xlink:href="https://anci.toscana.it">collegamento</text:a>.</text:p>"#,
        r#"<text:p text:style-name="P1"><text:soft-page-break/></text:p><text:p/>"#,
        r#"<text:p>Nota<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Testo della nota</text:p></text:note-body></text:note> e commento<office:annotation><dc:creator>A</dc:creator><text:p>commento nascosto</text:p></office:annotation>.</text:p>"#,
        r#"<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info><dc:creator>A</dc:creator></office:change-info><text:p>testo cancellato</text:p></text:deletion></text:changed-region></text:tracked-changes>"#,
        r#"<text:table-of-content text:name="Indice"><text:index-body><text:p>Rappresentanza 1</text:p></text:index-body></text:table-of-content>"#,
        r#"<text:p>Con cornice<draw:frame draw:name="F1"><draw:text-box><text:p>Nella cornice</text:p></draw:text-box></draw:frame> fine</text:p>"#,
        r#"<text:section text:name="S1"><text:p>Nella sezione</text:p></text:section>"#,
    );
    let d = leggi(
        "piano.odt",
        odt(
            &contenuto_odt(AUTOMATICI, testo),
            Some("Piano attività 2020"),
        ),
    );
    assert_eq!(d.titolo.as_deref(), Some("Piano attività 2020"));
    assert_eq!(
        d.blocchi,
        [
            titolo(1, "Piano attività 2020"),
            titolo(1, "Rappresentanza"),
            titolo(2, "Obiettivi"),
            titolo(1, "Senza livello"),
            titolo(2, "Stile di titolo in text:p"),
            titolo(2, "Ereditato da Titolo capitolo"),
            par("Un paragrafo con spazi e collegamento."),
            par("Nota e commento."),
            par("Nella cornice"),
            par("Con cornice fine"),
            par("Nella sezione"),
        ]
    );
    // The page header of styles.xml is not in the body.
    assert!(!d.blocchi.iter().any(|b| b.testo().contains("Intestazione")));
}

#[test]
fn elenchi() {
    let testo = concat!(
        r#"<text:list text:style-name="L1"><text:list-item><text:p>trattino</text:p>"#,
        r#"<text:list><text:list-item><text:p>romano</text:p><text:p>secondo paragrafo</text:p></text:list-item></text:list></text:list-item>"#,
        r#"<text:list-item><text:p>altro trattino</text:p></text:list-item></text:list>"#,
        r#"<text:list text:style-name="List_20_1"><text:list-item><text:p>pallino</text:p><text:list><text:list-item><text:p>numero</text:p><text:list><text:list-item><text:p>formato vuoto</text:p></text:list-item></text:list></text:list-item></text:list></text:list-item></text:list>"#,
        r#"<text:list><text:list-item><text:p text:style-name="P3">dallo stile del paragrafo</text:p></text:list-item></text:list>"#,
        r#"<text:list text:style-name="Nessuno"><text:list-header><text:p>intestazione</text:p></text:list-header><text:list-item><text:h text:outline-level="2">titolo in elenco</text:h></text:list-item></text:list>"#,
        r#"<text:p>Dopo</text:p>"#,
    );
    let d = leggi("a.odt", odt(&contenuto_odt(AUTOMATICI, testo), None));
    assert_eq!(d.titolo, None);
    assert_eq!(
        d.blocchi,
        [
            voce(1, false, "trattino"),
            voce(2, true, "romano secondo paragrafo"),
            voce(1, false, "altro trattino"),
            voce(1, false, "pallino"),
            voce(2, true, "numero"),
            voce(3, false, "formato vuoto"),
            voce(1, true, "dallo stile del paragrafo"),
            voce(1, false, "intestazione"),
            titolo(2, "titolo in elenco"),
            par("Dopo"),
        ]
    );
}

#[test]
fn tabelle() {
    let testo = concat!(
        r#"<table:table table:name="Tabella1"><table:table-column table:number-columns-repeated="3"/>"#,
        r#"<table:table-header-rows><table:table-row><table:table-cell office:value-type="string"><text:p>Comune</text:p></table:table-cell><table:table-cell><text:p>Provincia</text:p></table:table-cell><table:table-cell><text:p>Note</text:p></table:table-cell></table:table-row></table:table-header-rows>"#,
        r#"<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>unite</text:p></table:table-cell><table:covered-table-cell><text:p>nascosto</text:p></table:covered-table-cell><table:table-cell><text:p>a</text:p><text:p>b</text:p></table:table-cell></table:table-row>"#,
        r#"<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell><table:table-cell/></table:table-row>"#,
        r#"<table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell><table:table table:name="Interna"><table:table-row><table:table-cell><text:p>i1</text:p></table:table-cell><table:table-cell><text:p>i2</text:p></table:table-cell></table:table-row></table:table></table:table-cell></table:table-row>"#,
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000000000"/></table:table-row>"#,
        r#"</table:table><text:p>Dopo</text:p>"#,
    );
    let d = leggi("a.odt", odt(&contenuto_odt(AUTOMATICI, testo), None));
    assert_eq!(
        d.blocchi,
        [
            tabella(&[
                &["Comune", "Provincia", "Note"],
                &["unite", "", "a b"],
                &["x", "x", ""],
                &["x", "x", ""],
                &["", "", "i1 i2"],
            ]),
            par("Dopo"),
        ]
    );
}

#[test]
fn odt_danneggiati() {
    let rotto = odt(
        r#"<office:document-content xmlns:office="o"><office:body><office:text><text:p>a</office:text>"#,
        None,
    );
    let e = leggi_documento(&rotto, Some("a.odt"), &Limiti::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Il file è danneggiato: il contenuto XML di content.xml non è valido."
    );
    let senza = crate::costruisci::zip(&[("mimetype", crate::costruisci::ODT_MIME.as_bytes())]);
    let e = leggi_documento(&senza, Some("a.odt"), &Limiti::default()).unwrap_err();
    assert_eq!(e.to_string(), "Il file è danneggiato: manca content.xml.");
    // A spreadsheet's mimetype is not a text document.
    let ods = crate::costruisci::zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", b"<x/>"),
    ]);
    assert_eq!(
        leggi_documento(&ods, Some("a.ods"), &Limiti::default()),
        Err(piazza_office::Errore::NonDocumento)
    );
}
