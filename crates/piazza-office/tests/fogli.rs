//! Reading real spreadsheets built here, and refusing hostile ones quickly and with little
//! memory. A counting global allocator measures each test thread's own peak.

#[path = "fogli/attacchi.rs"]
mod attacchi;
#[path = "fogli/costruisci.rs"]
mod costruisci;
#[path = "fogli/csv.rs"]
mod csv;
#[path = "fogli/ods.rs"]
mod ods;
#[path = "fogli/xlsx.rs"]
mod xlsx;

#[path = "comune/misura.rs"]
mod misura;
#[path = "comune/zip_grezzi.rs"]
mod zip_grezzi;

pub use misura::*;

/// Writes the fuzz target's seed corpus (`fuzz/corpus/leggi/seme-*`): a few tiny files.
#[test]
#[ignore = "writes the fuzz seed corpus; run by hand"]
fn genera_corpus_fuzz() {
    let cartella = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/leggi");
    std::fs::create_dir_all(&cartella).unwrap();
    let foglio = costruisci::foglio(concat!(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45352</v></c>"#,
        r#"<c r="C1" t="b"><v>1</v></c><c r="D1" t="inlineStr"><is><t>x</t></is></c></row>"#,
        r#"<row><c t="e"><v>#N/A</v></c><c t="d"><v>2024-03-01</v></c><c><v>1.5</v></c></row>"#,
    ));
    let testi = r#"<sst><si><t>a&amp;b</t></si><si><r><t>r</t></r><rPh><t>p</t></rPh></si></sst>"#;
    let stili = r#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>"#;
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Prato").unwrap();
    let ods = costruisci::ods(&costruisci::contenuto_ods(concat!(
        r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="2">"#,
        r#"<table:table-cell office:value-type="float" office:value="2" table:number-columns-repeated="2"/>"#,
        r#"<table:table-cell office:value-type="date" office:date-value="2024-03-01"/>"#,
        r#"<table:table-cell><text:p>a<text:s text:c="2"/>b</text:p></table:table-cell>"#,
        r#"<table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
    )));
    let mut utf16 = vec![0xFF, 0xFE];
    for c in "a\tb\r\n1\t2\r\n".encode_utf16() {
        utf16.extend_from_slice(&c.to_le_bytes());
    }
    let semi: Vec<(&str, Vec<u8>)> = vec![
        (
            "seme-a-mano.xlsx",
            costruisci::xlsx(&foglio, Some(testi), Some(stili)),
        ),
        ("seme-xlsxwriter.xlsx", wb.save_to_buffer().unwrap()),
        ("seme-ods.ods", ods),
        (
            "seme-utf8.csv",
            "\u{feff}a;\"b;c\"\n1;2\n".as_bytes().to_vec(),
        ),
        (
            "seme-1252.csv",
            b"Citt\xE0,Importo\nForl\xEC,\"1,5\"\n".to_vec(),
        ),
        ("seme-utf16.csv", utf16),
    ];
    for (nome, dati) in semi {
        std::fs::write(cartella.join(nome), dati).unwrap();
    }
}
