//! Hostile spreadsheets refused in Italian; the server answers and delivers alerts after.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use super::{iscrizione, json_post};
use crate::common::{Role, TestApp};
use crate::pari::Push;

/// An XLSX of one sheet whose XML is `foglio` (the parts Excel needs, nothing else).
fn xlsx(foglio: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (nome, testo) in [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Progetti" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ] {
        z.start_file(nome, o).unwrap();
        z.write_all(testo.as_bytes()).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", o).unwrap();
    z.write_all(foglio).unwrap();
    z.finish().unwrap().into_inner()
}

fn foglio(righe: &str) -> Vec<u8> {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{righe}</sheetData></worksheet>"#).into_bytes()
}

#[tokio::test]
async fn hostile_spreadsheets_are_refused_and_the_alert_service_keeps_delivering() {
    use crate::iscrizioni::{allerta, invia, motore};
    use piazza_web::allerte::bollettino::Livello;
    let push = Push::avvia().await;
    let app = TestApp::with_config(crate::common::con_push_loopback()).await;
    let (endpoint, p256dh, auth) = push.browser("cittadino");
    let r = app
        .send(json_post(
            "/allerte/iscriviti/push",
            &iscrizione(&endpoint, &p256dh, &auth, "Lucca"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let progetti = app.count("progetti").await;

    // 1. A1 and XFD1048576: a dense range of 17 billion cells (the old reader aborted the process).
    let angoli = xlsx(&foglio(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Codice</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
    ));
    assert!(angoli.len() < 2_000, "{} bytes", angoli.len());
    // 2. 300 MB of whitespace inside the sheet, a few hundred KB zipped.
    let mut spazi = foglio("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    let dove = spazi.len() - "</sheetData></worksheet>".len();
    spazi.splice(dove..dove, std::iter::repeat_n(b' ', 300 * 1024 * 1024));
    let bomba = xlsx(&spazi);
    drop(spazi);
    assert!(bomba.len() < 2 * 1024 * 1024, "{} bytes", bomba.len());
    // 3. Three million cells in a few hundred KB.
    let celle: String = (1..=6000)
        // 6,000 rows of 500 cells.
        .map(|r| format!("<row r=\"{r}\">{}</row>", "<c><v>7</v></c>".repeat(500)))
        .collect();
    let molte = xlsx(&foglio(&celle));
    drop(celle);
    // 4. Nested far deeper than any sheet.
    let profondo = xlsx(&foglio(&"<x>".repeat(100_000)));

    for (nome, file, messaggio) in [
        ("angoli.xlsx", angoli, "colonn"),
        ("spazi.xlsx", bomba, ""),
        ("celle.xlsx", molte, "celle"),
        ("profondo.xlsx", profondo, ""),
        (
            "casuale.xlsx",
            (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect(),
            "",
        ),
        ("troncato.xlsx", xlsx(&foglio(""))[..300].to_vec(), ""),
    ] {
        let r = app
            .post_file(Role::Editor, "/progetti/importa", "file", nome, &file)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{nome}: {}",
            r.text()
        );
        let t = r.text();
        assert!(t.contains("<html lang=\"it\">"), "{nome}");
        assert!(t.to_lowercase().contains(messaggio), "{nome}: {t}");
        assert!(!t.contains("Error") && !t.contains("failed"), "{nome}: {t}");
    }
    // A multipart body cut short.
    let cookie = app.login(Role::Editor).await.unwrap();
    let r = app
        .send(
            Request::builder()
                .method("POST")
                .uri("/progetti/importa")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .header(header::COOKIE, cookie)
                .header(
                    header::CONTENT_TYPE,
                    "multipart/form-data; boundary=----confine",
                )
                .body(Body::from(
                    "------confine\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nCodice;Acr",
                ))
                .unwrap(),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.text().contains("<html lang=\"it\">"));
    assert_eq!(app.count("progetti").await, progetti, "nothing half-saved");

    // The server still answers, and an alert still reaches the citizen.
    assert_eq!(app.get(Role::Anon, "/healthz").await.status, StatusCode::OK);
    let m = motore(&app);
    // The notifier's first pass takes the state as it is (nothing to announce yet).
    piazza_web::allerte::notifiche::passo(&app.state)
        .await
        .unwrap();
    allerta(&app, "idraulico", Livello::Arancione, &["046017"], false).await;
    assert_eq!(invia(&app, &m).await, 1);
    assert_eq!(push.per("cittadino").len(), 1);
}
