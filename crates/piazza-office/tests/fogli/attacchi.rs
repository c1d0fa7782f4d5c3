//! Hostile files: each is refused with its Italian message, quickly, holding little memory.

use std::time::Duration;

use piazza_office::{Cella, Errore, Foglio, Limiti, formato, leggi_foglio};

use crate::costruisci::{self, VoceGrezza, deflate_ripetuto, foglio, xlsx_grezzo};
use crate::{MB, misura};

/// Bound on time for every attack, in a debug build on a shared 2-core machine.
const TEMPO_MAX: Duration = Duration::from_secs(5);

/// Bound for the two attacks that must be decoded up to a count limit (two million cells, a
/// million texts: ten million XML events) before they can be refused. In a debug build that
/// takes 2–4 s on a shared machine, so their reading gets 60 s (the default 10 s would turn a
/// slow run into a time-limit refusal instead of the one under test) and their bound is 15 s.
const TEMPO_MAX_CONTEGGI: Duration = Duration::from_secs(15);

fn limiti_conteggi() -> Limiti {
    Limiti {
        tempo: Duration::from_secs(60),
        ..Limiti::default()
    }
}

/// Reads with default limits; checks time and peak memory; prints both for the record.
fn attacco(nome: &str, bytes: &[u8], picco_max: usize) -> Result<Foglio, Errore> {
    attacco_con(nome, bytes, &Limiti::default(), picco_max)
}

fn attacco_con(
    nome: &str,
    bytes: &[u8],
    limiti: &Limiti,
    picco_max: usize,
) -> Result<Foglio, Errore> {
    let tempo_max = if limiti.tempo > Limiti::default().tempo {
        TEMPO_MAX_CONTEGGI
    } else {
        TEMPO_MAX
    };
    let (r, tempo, picco) = misura(|| leggi_foglio(bytes, limiti));
    eprintln!(
        "ATTACCO {nome}: file {} byte, {tempo:.2?}, picco {:.1} MB → {}",
        bytes.len(),
        picco as f64 / MB as f64,
        match &r {
            Ok(f) => format!("letto, {} righe", f.righe.len()),
            Err(e) => e.to_string(),
        }
    );
    assert!(tempo < tempo_max, "{nome}: {tempo:?}");
    assert!(picco < picco_max, "{nome}: peak {picco} bytes");
    r
}

fn messaggio(r: Result<Foglio, Errore>) -> String {
    r.expect_err("the file must be refused").to_string()
}

#[test]
fn a1_e_xfd1048576() {
    let xml = foglio(
        r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>"#,
    );
    let bytes = costruisci::xlsx(&xml, None, None);
    assert!(bytes.len() < 2048, "{}", bytes.len());
    let r = attacco("A1 + XFD1048576", &bytes, MB);
    assert_eq!(
        messaggio(r),
        "Il foglio ha più di 512 colonne: il limite è 512."
    );
    // With Excel's own maxima as limits the same file reads, sparsely: two rows, the second
    // padded to its one cell (16 384 cells, not 17 billion).
    let excel = Limiti {
        max_righe: 1_048_576,
        max_colonne: 16_384,
        ..Limiti::default()
    };
    let f = attacco_con("A1 + XFD1048576, limiti di Excel", &bytes, &excel, 2 * MB).unwrap();
    assert_eq!(f.righe.len(), 2);
    assert_eq!(f.righe[0].celle, [Cella::Numero(1.0)]);
    assert_eq!(f.righe[1].numero, 1_048_576);
    assert_eq!(f.righe[1].celle.len(), 16_384);
}

#[test]
fn cella_alla_riga_1048576() {
    let xml = foglio(r#"<row r="1048576"><c r="A1048576"><v>1</v></c></row>"#);
    let r = attacco("A1048576", &costruisci::xlsx(&xml, None, None), MB);
    assert_eq!(
        messaggio(r),
        "Il foglio ha più di 100.000 righe: il limite è 100.000."
    );
    // Empty cells and rows that far away cost nothing.
    let xml = foglio(
        r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"/><c r="A1048576" t="s"/></row>"#,
    );
    let f = attacco("XFD1048576 vuota", &costruisci::xlsx(&xml, None, None), MB).unwrap();
    assert_eq!(f.righe.len(), 1);
}

const TESTA: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const CODA: &[u8] = b"</sheetData></worksheet>";

#[test]
fn bomba_di_spazi_oltre_il_limite_di_decompressione() {
    // 210 MiB of white space in sheet1.xml, in runs of 16 KiB between empty rows.
    let mut pezzo = b"<row/>".to_vec();
    pezzo.resize(64 * 16 * 1024, b' ');
    for i in 1..64 {
        pezzo[i * 16 * 1024..i * 16 * 1024 + 6].copy_from_slice(b"<row/>");
    }
    let stream = deflate_ripetuto(&[(TESTA, 1), (&pezzo, 210), (CODA, 1)]);
    assert!(stream.1 > 210 * MB as u64);
    let bytes = xlsx_grezzo(vec![VoceGrezza::compressa(
        "xl/worksheets/sheet1.xml",
        stream,
    )]);
    let r = attacco("210 MiB di spazi a pezzi", &bytes, 8 * MB);
    assert_eq!(
        messaggio(r),
        "Il contenuto del file, una volta decompresso, supera il limite di 200 MB."
    );
    // With room for it, the same file is read to its end (no cells: nothing kept).
    let largo = Limiti {
        max_byte_decompressi: 256 * MB as u64,
        ..Limiti::default()
    };
    let f = attacco_con("210 MiB di spazi, limite 256 MiB", &bytes, &largo, 8 * MB).unwrap();
    assert!(f.righe.is_empty());
}

#[test]
fn bomba_di_spazi_in_un_solo_testo() {
    // The same amount of white space as one text node (what made quick-xml ask for 4 GB).
    let spazi = vec![b' '; MB];
    let stream = deflate_ripetuto(&[(TESTA, 1), (&spazi, 210), (CODA, 1)]);
    let bytes = xlsx_grezzo(vec![VoceGrezza::compressa(
        "xl/worksheets/sheet1.xml",
        stream,
    )]);
    let r = attacco("210 MiB di spazi in un testo", &bytes, 2 * MB);
    assert_eq!(
        messaggio(r),
        "Il file contiene un testo di più di 32 KB: il limite per una cella è 32 KB."
    );
}

#[test]
fn quarantasei_milioni_di_celle() {
    // 90 000 rows of 512 numeric cells: 46 080 000 cells in a file of a few MB.
    let mut cento_righe = Vec::new();
    for _ in 0..100 {
        cento_righe.extend_from_slice(b"<row>");
        for _ in 0..512 {
            cento_righe.extend_from_slice(b"<c><v>1</v></c>");
        }
        cento_righe.extend_from_slice(b"</row>");
    }
    let stream = deflate_ripetuto(&[(TESTA, 1), (&cento_righe, 900), (CODA, 1)]);
    let bytes = xlsx_grezzo(vec![VoceGrezza::compressa(
        "xl/worksheets/sheet1.xml",
        stream,
    )]);
    assert!(bytes.len() < 20 * MB);
    // The cells kept up to the limit are the memory: 2 000 000 × 32 bytes.
    let r = attacco_con("46 milioni di celle", &bytes, &limiti_conteggi(), 96 * MB);
    assert_eq!(
        messaggio(r),
        "Il foglio ha più di 2.000.000 celle: il limite è 2.000.000."
    );
}

fn xlsx_con_testi(testi: (Vec<u8>, u64), foglio_xml: &str) -> Vec<u8> {
    xlsx_grezzo(vec![
        VoceGrezza::memorizzata("xl/worksheets/sheet1.xml", foglio_xml.as_bytes()),
        VoceGrezza::compressa("xl/sharedStrings.xml", testi),
    ])
}

#[test]
fn tabella_di_testi_enorme() {
    let testa = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000">"#;
    let una_riga = foglio(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    // Two million one-character entries: refused at the millionth and first.
    let mille = b"<si><t>x</t></si>".repeat(1000);
    let stream = deflate_ripetuto(&[(testa, 1), (&mille, 2000), (b"</sst>", 1)]);
    let bytes = xlsx_con_testi(stream, &una_riga);
    let r = attacco_con("2 milioni di testi", &bytes, &limiti_conteggi(), 16 * MB);
    assert_eq!(
        messaggio(r),
        "Il file ha più di 1.000.000 testi distinti: il limite è 1.000.000."
    );
    // Two thousand texts of 32 KB: 64 MB of text, over the 32 MB kept at most.
    let mut grande = b"<si><t>".to_vec();
    grande.resize(7 + 32 * 1024, b'a');
    grande.extend_from_slice(b"</t></si>");
    let stream = deflate_ripetuto(&[(testa, 1), (&grande, 2000), (b"</sst>", 1)]);
    let r = attacco(
        "64 MB di testi",
        &xlsx_con_testi(stream, &una_riga),
        40 * MB,
    );
    assert_eq!(
        messaggio(r),
        "I testi del file superano in totale il limite di 32 MB."
    );
}

#[test]
fn un_testo_condiviso_in_molte_celle() {
    // One 30 KB text referred to by 100 000 cells would be 3 GB of copies.
    let mut testi =
        br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#
            .to_vec();
    testi.resize(testi.len() + 30 * 1024, b'z');
    testi.extend_from_slice(b"</t></si></sst>");
    let riga = b"<row><c t=\"s\"><v>0</v></c></row>";
    let stream = deflate_ripetuto(&[(TESTA, 1), (riga, 100_000), (CODA, 1)]);
    let bytes = xlsx_grezzo(vec![
        VoceGrezza::compressa("xl/worksheets/sheet1.xml", stream),
        VoceGrezza::memorizzata("xl/sharedStrings.xml", &testi),
    ]);
    let r = attacco("un testo in 100 000 celle", &bytes, 40 * MB);
    assert_eq!(
        messaggio(r),
        "I testi del file superano in totale il limite di 32 MB."
    );
}

#[test]
fn una_cella_di_100_mb() {
    let a = vec![b'a'; MB];
    let inizio = br#"<row r="1"><c r="A1" t="inlineStr"><is><t>"#;
    let fine = b"</t></is></c></row>";
    let stream = deflate_ripetuto(&[(TESTA, 1), (inizio, 1), (&a, 100), (fine, 1), (CODA, 1)]);
    let bytes = xlsx_grezzo(vec![VoceGrezza::compressa(
        "xl/worksheets/sheet1.xml",
        stream,
    )]);
    let r = attacco("cella di 100 MB in linea", &bytes, 2 * MB);
    let atteso = "Il file contiene un testo di più di 32 KB: il limite per una cella è 32 KB.";
    assert_eq!(messaggio(r), atteso);

    let testa =
        br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#;
    let stream = deflate_ripetuto(&[(testa, 1), (&a, 100), (b"</t></si></sst>", 1)]);
    let una_riga = foglio(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let r = attacco(
        "testo condiviso di 100 MB",
        &xlsx_con_testi(stream, &una_riga),
        2 * MB,
    );
    assert_eq!(messaggio(r), atteso);
}

fn ods_tabella(righe: &str) -> Vec<u8> {
    costruisci::ods(&costruisci::contenuto_ods(&format!(
        r#"<table:table table:name="T">{righe}</table:table>"#
    )))
}

#[test]
fn ods_ripetizioni_di_celle_non_vuote() {
    let r = attacco(
        "ODS colonne ripetute un miliardo di volte",
        &ods_tabella(
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000000000"/></table:table-row>"#,
        ),
        MB,
    );
    assert_eq!(
        messaggio(r),
        "Il foglio ha più di 512 colonne: il limite è 512."
    );
    let r = attacco(
        "ODS righe ripetute un miliardo di volte",
        &ods_tabella(
            r#"<table:table-row table:number-rows-repeated="1000000000"><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row>"#,
        ),
        MB,
    );
    assert_eq!(
        messaggio(r),
        "Il foglio ha più di 100.000 righe: il limite è 100.000."
    );
    let r = attacco(
        "ODS 90 000 righe di 512 celle",
        &ods_tabella(
            r#"<table:table-row table:number-rows-repeated="90000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="512"/></table:table-row>"#,
        ),
        MB,
    );
    assert_eq!(
        messaggio(r),
        "Il foglio ha più di 2.000.000 celle: il limite è 2.000.000."
    );
    let r = attacco(
        "ODS un miliardo di spazi",
        &ods_tabella(
            r#"<table:table-row><table:table-cell><text:p><text:s text:c="1000000000"/></text:p></table:table-cell></table:table-row>"#,
        ),
        MB,
    );
    assert_eq!(
        messaggio(r),
        "Il file contiene un testo di più di 32 KB: il limite per una cella è 32 KB."
    );
    // Empty repeats, however large, cost nothing.
    let f = attacco(
        "ODS ripetizioni vuote enormi",
        &ods_tabella(concat!(
            r#"<table:table-row table:number-rows-repeated="99999"><table:table-cell table:number-columns-repeated="18446744073709551615"/></table:table-row>"#,
            r#"<table:table-row><table:table-cell table:number-columns-repeated="511"/><table:table-cell><text:p>ultima</text:p></table:table-cell></table:table-row>"#,
            r#"<table:table-row table:number-rows-repeated="18446744073709551615"><table:table-cell/></table:table-row>"#,
        )),
        MB,
    )
    .unwrap();
    assert_eq!(f.righe.len(), 1);
    assert_eq!(f.righe[0].numero, 100_000);
    assert_eq!(f.righe[0].celle.len(), 512);
}

#[test]
fn xml_annidato_in_profondita() {
    let apre = b"<x>".repeat(1000);
    let stream = deflate_ripetuto(&[(TESTA, 1), (&apre, 1000)]);
    let bytes = xlsx_grezzo(vec![VoceGrezza::compressa(
        "xl/worksheets/sheet1.xml",
        stream,
    )]);
    let r = attacco("XLSX annidato un milione di volte", &bytes, MB);
    let atteso = "Il file è danneggiato: la struttura XML ha più di 64 livelli di annidamento.";
    assert_eq!(messaggio(r), atteso);
    let annidato = format!(
        "<table:table-row><table:table-cell><text:p>{}</text:p></table:table-cell></table:table-row>",
        "<text:span>".repeat(100_000)
    );
    let r = attacco("ODS annidato", &ods_tabella(&annidato), MB);
    assert_eq!(messaggio(r), atteso);
}

/// Every message a hostile file may get.
fn e_un_rifiuto_italiano(m: &str) -> bool {
    m.starts_with("Il file ")
        || m.starts_with("Il contenuto del file")
        || m.starts_with("Il foglio ")
        || m.starts_with("I testi ")
}

#[test]
fn byte_casuali() {
    for seme in 1..200u64 {
        let mut b = costruisci::casuali(seme, (seme as usize * 97) % 5000 + 1);
        if seme % 3 == 0 {
            let n = 4.min(b.len());
            b[..n].copy_from_slice(&b"PK\x03\x04"[..n]);
        }
        let _ = formato(&b);
        let (r, tempo, _) = misura(|| leggi_foglio(&b, &Limiti::default()));
        assert!(tempo < Duration::from_secs(1));
        if let Err(e) = r {
            assert!(e_un_rifiuto_italiano(&e.to_string()), "{e}");
        }
    }
    let r = leggi_foglio(&costruisci::casuali(7, 4096), &Limiti::default());
    assert_eq!(
        messaggio(r),
        "Il file non è un foglio di calcolo leggibile (XLSX, ODS o CSV)."
    );
    assert_eq!(formato(&costruisci::casuali(7, 4096)), None);
    assert_eq!(formato(b""), None);
    assert_eq!(
        messaggio(leggi_foglio(b"", &Limiti::default())),
        "Il file è vuoto."
    );
}

#[test]
fn zip_troncato() {
    let xml = foglio(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>intero</t></is></c></row>"#);
    let intero = costruisci::xlsx(&xml, None, None);
    assert!(leggi_foglio(&intero, &Limiti::default()).is_ok());
    let mut rifiutati = 0;
    for n in 1..intero.len() {
        // Cut anywhere: refused with an Italian message, or (when only the end record's
        // trailing bytes are missing and the zip reader recovers) read as it was.
        match leggi_foglio(&intero[..n], &Limiti::default()) {
            Err(e) => {
                assert!(e_un_rifiuto_italiano(&e.to_string()), "{n}: {e}");
                rifiutati += 1;
            }
            Ok(f) => assert_eq!(f.righe.len(), 1, "{n}"),
        }
    }
    assert!(
        rifiutati > intero.len() - 30,
        "{rifiutati} of {}",
        intero.len()
    );
    let r = leggi_foglio(&intero[..intero.len() / 2], &Limiti::default());
    assert_eq!(
        messaggio(r),
        "Il file è danneggiato: l'archivio ZIP non è leggibile."
    );
}

#[test]
fn dimensioni_dichiarate_false() {
    // Declares 100 bytes, inflates to 300 MiB of rows.
    let righe = b"<row/>".repeat(100_000);
    let (dati, _) = deflate_ripetuto(&[(TESTA, 1), (&righe, 500)]);
    let mut voce = VoceGrezza::compressa("xl/worksheets/sheet1.xml", (dati, 0));
    voce.dim_decompressa = 100;
    let r = attacco(
        "dimensione decompressa falsa",
        &xlsx_grezzo(vec![voce]),
        8 * MB,
    );
    let m = messaggio(r);
    assert!(
        m == "Il contenuto del file, una volta decompresso, supera il limite di 200 MB."
            || m.starts_with("Il file è danneggiato: "),
        "{m}"
    );
    // Declares 4 GB for a sheet of a few hundred bytes: nothing is sized from it.
    let xml = foglio(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
    let mut voce = VoceGrezza::compressa(
        "xl/worksheets/sheet1.xml",
        deflate_ripetuto(&[(xml.as_bytes(), 1)]),
    );
    let mut crc = flate2::Crc::new();
    crc.update(xml.as_bytes());
    voce.crc = crc.sum();
    voce.dim_decompressa = u32::MAX;
    let f = attacco(
        "dimensione dichiarata di 4 GB",
        &xlsx_grezzo(vec![voce]),
        MB,
    )
    .unwrap();
    assert_eq!(f.righe[0].celle, [Cella::Numero(1.0)]);
    // Declares more compressed bytes than the file has.
    let mut voce = VoceGrezza::memorizzata("xl/worksheets/sheet1.xml", foglio("").as_bytes());
    voce.dim_compressa = u32::MAX - 1;
    let r = attacco("dimensione compressa falsa", &xlsx_grezzo(vec![voce]), MB);
    assert!(messaggio(r).starts_with("Il file è danneggiato: "));
}

#[test]
fn cifrato_compressione_sconosciuta_xls_troppe_parti() {
    let xml = foglio("");
    let mut cifrata = VoceGrezza::memorizzata("xl/worksheets/sheet1.xml", xml.as_bytes());
    cifrata.flag = 1;
    let r = leggi_foglio(&xlsx_grezzo(vec![cifrata]), &Limiti::default());
    assert_eq!(
        messaggio(r),
        "Il file è protetto da password: salvarlo senza password."
    );
    let mut bzip2 = VoceGrezza::memorizzata("xl/worksheets/sheet1.xml", xml.as_bytes());
    bzip2.metodo = 12;
    let r = leggi_foglio(&xlsx_grezzo(vec![bzip2]), &Limiti::default());
    assert_eq!(
        messaggio(r),
        "Il file usa un metodo di compressione non supportato: salvarlo di nuovo come XLSX o ODS."
    );
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    assert!(
        messaggio(leggi_foglio(&ole, &Limiti::default()))
            .starts_with("Il file è nel vecchio formato Excel (XLS) oppure è protetto da password")
    );
    let molte: Vec<VoceGrezza> = (0..10_001)
        .map(|i| VoceGrezza::memorizzata(&format!("{i}"), b""))
        .collect();
    let r = attacco("10 001 parti", &costruisci::zip_grezzo(&molte), MB);
    assert_eq!(
        messaggio(r),
        "Il file contiene più di 10.000 parti compresse: non è un foglio di calcolo valido."
    );
}

#[test]
fn file_troppo_grande_e_tempo_massimo() {
    let grande = vec![b'a'; 20 * MB + 1];
    let r = attacco("21 MB", &grande, 1024);
    assert_eq!(messaggio(r), "Il file supera il limite di 20 MB.");

    let mille_righe = b"<row><c><v>1</v></c><c><v>2</v></c></row>".repeat(1000);
    let stream = deflate_ripetuto(&[(TESTA, 1), (&mille_righe, 1000), (CODA, 1)]);
    let bytes = xlsx_grezzo(vec![VoceGrezza::compressa(
        "xl/worksheets/sheet1.xml",
        stream,
    )]);
    let limiti = Limiti {
        max_righe: u32::MAX,
        max_celle: u64::MAX,
        tempo: Duration::from_millis(50),
        ..Limiti::default()
    };
    let r = attacco_con("tempo massimo", &bytes, &limiti, 128 * MB);
    assert_eq!(
        messaggio(r),
        "La lettura del file ha superato il tempo massimo di 50 millisecondi."
    );
}
