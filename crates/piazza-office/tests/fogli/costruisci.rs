//! Building files for the tests: zips through the `zip` writer, hand-written XLSX and ODS
//! parts, and raw zips whose headers say whatever a test needs (sizes, flags, methods), with
//! deflate streams made of one compressed chunk repeated.

use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// A zip of these entries, deflated (`mimetype` stored, as ODF wants it).
pub fn zip(voci: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (nome, dati) in voci {
        let metodo = if *nome == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        w.start_file(
            *nome,
            SimpleFileOptions::default().compression_method(metodo),
        )
        .unwrap();
        w.write_all(dati).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
pub const REL_FOGLIO: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";
pub const REL_GRAFICO: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet";
pub const REL_TESTI: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings";
pub const REL_STILI: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles";

/// `workbook.xml` naming these sheets (name, relationship id) in this order.
pub fn cartella(fogli: &[(&str, &str)], data1904: bool) -> String {
    let mut s =
        format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {NS}>"#);
    if data1904 {
        s.push_str(r#"<workbookPr date1904="1"/>"#);
    }
    s.push_str("<sheets>");
    for (i, (nome, id)) in fogli.iter().enumerate() {
        s.push_str(&format!(
            r#"<sheet name="{nome}" sheetId="{}" r:id="{id}"/>"#,
            i + 1
        ));
    }
    s.push_str("</sheets></workbook>");
    s
}

/// `workbook.xml.rels` with these (id, type, target).
pub fn relazioni(rel: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (id, tipo, dest) in rel {
        s.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{tipo}" Target="{dest}"/>"#
        ));
    }
    s.push_str("</Relationships>");
    s
}

/// A worksheet part around this `sheetData` content.
pub fn foglio(righe: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{righe}</sheetData></worksheet>"#
    )
}

/// A minimal XLSX: one sheet "Foglio1" with this worksheet XML, and optional shared strings
/// and styles parts.
pub fn xlsx(foglio_xml: &str, testi: Option<&str>, stili: Option<&str>) -> Vec<u8> {
    let cartella = cartella(&[("Foglio1", "rId1")], false);
    let rel = relazioni(&[
        ("rId1", REL_FOGLIO, "worksheets/sheet1.xml"),
        ("rId2", REL_TESTI, "sharedStrings.xml"),
        ("rId3", REL_STILI, "styles.xml"),
    ]);
    let mut voci: Vec<(&str, &[u8])> = vec![
        ("xl/workbook.xml", cartella.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rel.as_bytes()),
        ("xl/worksheets/sheet1.xml", foglio_xml.as_bytes()),
    ];
    if let Some(t) = testi {
        voci.push(("xl/sharedStrings.xml", t.as_bytes()));
    }
    if let Some(s) = stili {
        voci.push(("xl/styles.xml", s.as_bytes()));
    }
    zip(&voci)
}

pub const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";
pub const ODS_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.3""#;

/// `content.xml` with these tables' XML inside `office:spreadsheet`.
pub fn contenuto_ods(tabelle: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}><office:body><office:spreadsheet>{tabelle}</office:spreadsheet></office:body></office:document-content>"#
    )
}

pub fn ods(contenuto: &str) -> Vec<u8> {
    zip(&[
        ("mimetype", ODS_MIME.as_bytes()),
        ("content.xml", contenuto.as_bytes()),
    ])
}

pub use crate::zip_grezzi::*;

/// The stored parts of a minimal XLSX around a hostile sheet (or shared strings) entry.
pub fn xlsx_grezzo(altre: Vec<VoceGrezza>) -> Vec<u8> {
    let cartella = cartella(&[("Foglio1", "rId1")], false);
    let rel = relazioni(&[
        ("rId1", REL_FOGLIO, "worksheets/sheet1.xml"),
        ("rId2", REL_TESTI, "sharedStrings.xml"),
    ]);
    let mut voci = vec![
        VoceGrezza::memorizzata("xl/workbook.xml", cartella.as_bytes()),
        VoceGrezza::memorizzata("xl/_rels/workbook.xml.rels", rel.as_bytes()),
    ];
    voci.extend(altre);
    zip_grezzo(&voci)
}
