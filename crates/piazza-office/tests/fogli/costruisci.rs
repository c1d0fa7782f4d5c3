//! Building files for the tests: zips through the `zip` writer, hand-written XLSX and ODS
//! parts, and raw zips whose headers say whatever a test needs (sizes, flags, methods), with
//! deflate streams made of one compressed chunk repeated.

use std::io::{Cursor, Write};

use flate2::{Compress, Compression, FlushCompress};
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

/// A raw deflate stream of `pezzi`, each (bytes, times): every chunk is compressed once on its
/// own (so its back-references stay inside it) and its output repeated. Returns the stream and
/// the length it inflates to.
pub fn deflate_ripetuto(pezzi: &[(&[u8], usize)]) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let mut lunghezza = 0u64;
    for (pezzo, volte) in pezzi {
        let mut c = Compress::new(Compression::fast(), false);
        let mut compresso = Vec::with_capacity(pezzo.len() / 2 + 1024);
        while (c.total_in() as usize) < pezzo.len() {
            if compresso.len() == compresso.capacity() {
                compresso.reserve(64 * 1024);
            }
            let preso = c.total_in() as usize;
            c.compress_vec(&pezzo[preso..], &mut compresso, FlushCompress::Sync)
                .unwrap();
        }
        // Make sure the sync flush has been written out completely.
        loop {
            compresso.reserve(1024);
            let prima = compresso.len();
            c.compress_vec(&[], &mut compresso, FlushCompress::Sync)
                .unwrap();
            if compresso.len() == prima {
                break;
            }
        }
        for _ in 0..*volte {
            out.extend_from_slice(&compresso);
        }
        lunghezza += pezzo.len() as u64 * *volte as u64;
    }
    // A final, empty fixed-Huffman block.
    out.extend_from_slice(&[0x03, 0x00]);
    (out, lunghezza)
}

/// One entry of a hand-built zip: what its headers say is up to the test.
pub struct VoceGrezza {
    pub nome: String,
    pub metodo: u16,
    pub flag: u16,
    pub crc: u32,
    pub dati: Vec<u8>,
    pub dim_compressa: u32,
    pub dim_decompressa: u32,
}

impl VoceGrezza {
    /// An entry stored as is, with true sizes and CRC.
    pub fn memorizzata(nome: &str, dati: &[u8]) -> Self {
        let mut h = flate2::Crc::new();
        h.update(dati);
        Self {
            nome: nome.to_owned(),
            metodo: 0,
            flag: 0,
            crc: h.sum(),
            dati: dati.to_vec(),
            dim_compressa: dati.len() as u32,
            dim_decompressa: dati.len() as u32,
        }
    }

    /// A deflated entry from [`deflate_ripetuto`]; CRC left 0 (a bomb is never read to its end).
    pub fn compressa(nome: &str, (dati, lunghezza): (Vec<u8>, u64)) -> Self {
        Self {
            nome: nome.to_owned(),
            metodo: 8,
            flag: 0,
            crc: 0,
            dim_compressa: dati.len() as u32,
            dim_decompressa: lunghezza.min(u32::MAX as u64) as u32,
            dati,
        }
    }
}

/// A zip written byte by byte from these entries.
pub fn zip_grezzo(voci: &[VoceGrezza]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut centrale = Vec::new();
    let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for v in voci {
        let offset = out.len() as u32;
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, v.flag);
        u16le(&mut out, v.metodo);
        u16le(&mut out, 0);
        u16le(&mut out, 0x21);
        u32le(&mut out, v.crc);
        u32le(&mut out, v.dim_compressa);
        u32le(&mut out, v.dim_decompressa);
        u16le(&mut out, v.nome.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(v.nome.as_bytes());
        out.extend_from_slice(&v.dati);

        u32le(&mut centrale, 0x0201_4b50);
        u16le(&mut centrale, 20);
        u16le(&mut centrale, 20);
        u16le(&mut centrale, v.flag);
        u16le(&mut centrale, v.metodo);
        u16le(&mut centrale, 0);
        u16le(&mut centrale, 0x21);
        u32le(&mut centrale, v.crc);
        u32le(&mut centrale, v.dim_compressa);
        u32le(&mut centrale, v.dim_decompressa);
        u16le(&mut centrale, v.nome.len() as u16);
        u16le(&mut centrale, 0);
        u16le(&mut centrale, 0);
        u16le(&mut centrale, 0);
        u16le(&mut centrale, 0);
        u32le(&mut centrale, 0);
        u32le(&mut centrale, offset);
        centrale.extend_from_slice(v.nome.as_bytes());
    }
    let inizio_centrale = out.len() as u32;
    out.extend_from_slice(&centrale);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, voci.len() as u16);
    u16le(&mut out, voci.len() as u16);
    u32le(&mut out, centrale.len() as u32);
    u32le(&mut out, inizio_centrale);
    u16le(&mut out, 0);
    out
}

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

/// Deterministic pseudo-random bytes (xorshift64).
pub fn casuali(seme: u64, n: usize) -> Vec<u8> {
    let mut x = seme.max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
