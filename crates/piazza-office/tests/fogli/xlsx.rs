//! XLSX files as Excel-like writers make them.

use chrono::NaiveDate;
use piazza_office::{Cella, Formato, Limiti, formato, leggi_foglio};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::costruisci::{self, REL_FOGLIO, REL_GRAFICO, REL_STILI, REL_TESTI};

fn t(s: &str) -> Cella {
    Cella::Testo(s.to_owned())
}

fn data(a: i32, m: u32, g: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(a, m, g).unwrap()
}

#[test]
fn xlsx_di_rust_xlsxwriter_con_testi_numeri_date_booleani_e_celle_sparse() {
    let mut wb = Workbook::new();
    let data_fmt = Format::new().set_num_format("dd/mm/yyyy");
    let ora_fmt = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let decimali = Format::new().set_num_format("0.00");
    {
        let ws = wb.add_worksheet();
        ws.set_name("Comuni").unwrap();
        ws.write_string(0, 0, "Comune").unwrap();
        ws.write_string(0, 1, "Abitanti").unwrap();
        ws.write_string(0, 2, "Istituzione").unwrap();
        ws.write_string(0, 3, "Capoluogo").unwrap();
        ws.write_string(1, 0, "Città di Prato").unwrap();
        ws.write_number_with_format(1, 1, 195_213.0, &decimali)
            .unwrap();
        ws.write_datetime_with_format(
            1,
            2,
            ExcelDateTime::from_ymd(2024, 3, 1).unwrap(),
            &data_fmt,
        )
        .unwrap();
        ws.write_boolean(1, 3, true).unwrap();
        // The same text again: one shared string, two cells.
        ws.write_string(2, 0, "Comune").unwrap();
        ws.write_boolean(2, 3, false).unwrap();
        let ora = ExcelDateTime::from_ymd(2024, 3, 1)
            .unwrap()
            .and_hms(10, 30, 0)
            .unwrap();
        ws.write_datetime_with_format(2, 2, ora, &ora_fmt).unwrap();
        // Sparse: row 10 (0-based 9) has a single cell in column F.
        ws.write_number(9, 5, -1.5).unwrap();
        ws.write_formula(11, 0, "=1+2").unwrap();
        ws.set_formula_result(11, 0, "3");
        ws.write_formula(11, 1, "=\"a\"&\"b\"").unwrap();
        ws.set_formula_result(11, 1, "ab");
    }
    wb.add_worksheet()
        .write_string(0, 0, "secondo foglio")
        .unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert_eq!(formato(&bytes), Some(Formato::Xlsx));

    let f = leggi_foglio(&bytes, &Limiti::default()).unwrap();
    assert_eq!(f.nome, "Comuni");
    let numeri: Vec<u32> = f.righe.iter().map(|r| r.numero).collect();
    assert_eq!(numeri, [1, 2, 3, 10, 12]);
    assert_eq!(
        f.righe[0].celle,
        [t("Comune"), t("Abitanti"), t("Istituzione"), t("Capoluogo")]
    );
    assert_eq!(
        f.righe[1].celle,
        [
            t("Città di Prato"),
            Cella::Numero(195_213.0),
            Cella::Data(data(2024, 3, 1)),
            Cella::Booleano(true)
        ]
    );
    assert_eq!(
        f.righe[2].celle,
        [
            t("Comune"),
            Cella::Vuota,
            Cella::DataOra(data(2024, 3, 1).and_hms_opt(10, 30, 0).unwrap()),
            Cella::Booleano(false)
        ]
    );
    let mut sparsa = vec![Cella::Vuota; 5];
    sparsa.push(Cella::Numero(-1.5));
    assert_eq!(f.righe[3].celle, sparsa);
    assert_eq!(f.righe[4].celle, [Cella::Numero(3.0), t("ab")]);
}

#[test]
fn il_primo_foglio_e_il_primo_nell_ordine_della_cartella() {
    // The workbook lists a chart sheet, then "Secondo" (sheet2.xml), then "Primo" (sheet1.xml).
    let cartella = costruisci::cartella(
        &[("Grafico", "rId3"), ("Secondo", "rId2"), ("Primo", "rId1")],
        false,
    );
    let rel = costruisci::relazioni(&[
        ("rId1", REL_FOGLIO, "worksheets/sheet1.xml"),
        ("rId2", REL_FOGLIO, "/xl/worksheets/sheet2.xml"),
        ("rId3", REL_GRAFICO, "chartsheets/sheet1.xml"),
    ]);
    let uno =
        costruisci::foglio(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>uno</t></is></c></row>"#);
    let due =
        costruisci::foglio(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>due</t></is></c></row>"#);
    let bytes = costruisci::zip(&[
        ("xl/workbook.xml", cartella.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rel.as_bytes()),
        ("xl/worksheets/sheet1.xml", uno.as_bytes()),
        ("xl/worksheets/sheet2.xml", due.as_bytes()),
        ("xl/chartsheets/sheet1.xml", b"<chartsheet/>"),
    ]);
    let f = leggi_foglio(&bytes, &Limiti::default()).unwrap();
    assert_eq!(f.nome, "Secondo");
    assert_eq!(f.righe[0].celle, [t("due")]);
}

const STILI: &str = r##"<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="[$-410]d\ mmmm\ yyyy"/><numFmt numFmtId="165" formatCode="#,##0.00 &quot;giorni&quot;"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="22"/><xf numFmtId="165"/><xf numFmtId="14"/></cellXfs>
</styleSheet>"##;

#[test]
fn sistema_1904() {
    let cartella = costruisci::cartella(&[("Mac", "rId1")], true);
    let rel = costruisci::relazioni(&[
        ("rId1", REL_FOGLIO, "worksheets/sheet1.xml"),
        ("rId2", REL_STILI, "styles.xml"),
    ]);
    let foglio = costruisci::foglio(
        r#"<row r="1"><c r="A1" s="4"><v>0</v></c><c r="B1" s="1"><v>43000</v></c><c r="C1" s="2"><v>43000.5</v></c><c r="D1" s="3"><v>43000</v></c><c r="E1"><v>43000</v></c></row>"#,
    );
    let bytes = costruisci::zip(&[
        ("xl/workbook.xml", cartella.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rel.as_bytes()),
        ("xl/worksheets/sheet1.xml", foglio.as_bytes()),
        ("xl/styles.xml", STILI.as_bytes()),
    ]);
    let f = leggi_foglio(&bytes, &Limiti::default()).unwrap();
    assert_eq!(
        f.righe[0].celle,
        [
            Cella::Data(data(1904, 1, 1)),
            // 43000 days after 1904-01-01 (it would be 2017-09-22 in the 1900 system).
            Cella::Data(data(2021, 9, 23)),
            Cella::DataOra(data(2021, 9, 23).and_hms_opt(12, 0, 0).unwrap()),
            Cella::Numero(43000.0),
            Cella::Numero(43000.0),
        ]
    );
}

#[test]
fn tipi_di_cella_e_testi_ricchi() {
    let testi = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000">
<si><t>semplice</t></si>
<si><r><rPr><b/></rPr><t xml:space="preserve">ricco </t></r><r><t>a pezzi</t></r><rPh sb="0" eb="1"><t>FONETICA</t></rPh></si>
<si><t>riga_x000D_
a capo</t></si>
<si/>
<si><t>&amp; &#233; &lt;</t></si>
</sst>"#;
    let foglio = costruisci::foglio(concat!(
        // Cells without `r` follow the previous one; rows without `r` follow the previous row.
        r#"<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c></row>"#,
        r#"<row><c r="B2" t="s"><v>3</v></c><c r="C2" t="s"><v>4</v></c></row>"#,
        r#"<row r="5"><c r="A5" t="str"><f>A1</f><v>formula</v></c><c r="B5" t="e"><v>#DIV/0!</v></c>"#,
        r#"<c r="C5" t="d"><v>2024-03-01T08:15:00</v></c><c r="D5" t="d"><v>2024-12-31</v></c>"#,
        r#"<c r="E5" t="b"><v>1</v></c><c r="F5" t="inlineStr"><is><r><t>in </t></r><r><t>linea</t></r></is></c>"#,
        r#"<c r="G5"><v>1.5E3</v></c><c r="H5"/><c r="I5" s="0"><v></v></c></row>"#,
        r#"<row r="6"><c r="A6"/><c r="B6" t="s"><v>3</v></c></row>"#,
    ));
    let bytes = costruisci::xlsx(&foglio, Some(testi), Some(STILI));
    let f = leggi_foglio(&bytes, &Limiti::default()).unwrap();
    let numeri: Vec<u32> = f.righe.iter().map(|r| r.numero).collect();
    // Row 6 holds only an empty shared string: it is left out.
    assert_eq!(numeri, [1, 2, 5]);
    assert_eq!(
        f.righe[0].celle,
        [t("semplice"), t("ricco a pezzi"), t("riga\r\na capo")]
    );
    assert_eq!(f.righe[1].celle, [Cella::Vuota, Cella::Vuota, t("& é <")]);
    assert_eq!(
        f.righe[2].celle,
        [
            t("formula"),
            Cella::Errore("#DIV/0!".to_owned()),
            Cella::DataOra(data(2024, 3, 1).and_hms_opt(8, 15, 0).unwrap()),
            Cella::Data(data(2024, 12, 31)),
            Cella::Booleano(true),
            t("in linea"),
            Cella::Numero(1500.0),
        ]
    );
}

#[test]
fn senza_stringhe_condivise_un_rimando_e_un_errore() {
    let foglio = costruisci::foglio(r#"<row r="1"><c r="A1" t="s"><v>7</v></c></row>"#);
    let bytes = costruisci::xlsx(&foglio, None, None);
    let e = leggi_foglio(&bytes, &Limiti::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Il file è danneggiato: la cella A1 rimanda a un testo inesistente."
    );
}

#[test]
fn cartella_senza_fogli() {
    let cartella = costruisci::cartella(&[], false);
    let rel = costruisci::relazioni(&[("rId2", REL_TESTI, "sharedStrings.xml")]);
    let bytes = costruisci::zip(&[
        ("xl/workbook.xml", cartella.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rel.as_bytes()),
    ]);
    let e = leggi_foglio(&bytes, &Limiti::default()).unwrap_err();
    assert_eq!(e.to_string(), "Il file non contiene alcun foglio.");
}

#[test]
fn righe_fuori_ordine_e_ripetute_si_ricompongono() {
    let foglio = costruisci::foglio(concat!(
        r#"<row r="3"><c r="B3"><v>3</v></c></row>"#,
        r#"<row r="1"><c r="A1"><v>1</v></c></row>"#,
        r#"<row r="3"><c r="A3"><v>30</v></c><c r="D3"><v>33</v></c></row>"#,
    ));
    let f = leggi_foglio(&costruisci::xlsx(&foglio, None, None), &Limiti::default()).unwrap();
    let numeri: Vec<u32> = f.righe.iter().map(|r| r.numero).collect();
    assert_eq!(numeri, [1, 3]);
    assert_eq!(
        f.righe[1].celle,
        [
            Cella::Numero(30.0),
            Cella::Numero(3.0),
            Cella::Vuota,
            Cella::Numero(33.0)
        ]
    );
}
