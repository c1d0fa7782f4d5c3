//! Open data downloads, XLSX and the PDF report.

use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_web::piano::{import, store};

use super::{DOC, objective_ids, plan};
use crate::common::{Role, TestApp};

#[tokio::test]
async fn open_data_downloads_match_the_page() {
    let app = TestApp::new().await;
    store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &import::leggi(DOC))
        .await
        .unwrap();
    let ids = objective_ids(&app).await;
    app.post_form(Role::Editor, &format!("/piano/obiettivi/{}/modifica", ids[0]), "titolo=Primo&stato=in_corso&fonte_progresso=manuale&progresso_manuale=40&peso=1&priorita=media&pubblico=si").await;
    // The second objective internal: not in the public downloads either.
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/modifica", ids[1]),
        "titolo=Secondo&stato=in_corso&fonte_progresso=stato&peso=1&priorita=media",
    )
    .await;
    let csv = app.get(Role::Anon, "/piano/2031/export.csv").await.text();
    let lines: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split("\r\n")
        .collect();
    assert_eq!(
        lines[0],
        "Area;Avanzamento area (%);Numero obiettivo;Obiettivo;Stato;Avanzamento obiettivo (%);Peso;Scadenza"
    );
    assert_eq!(
        lines[1..],
        [
            "Area servizi;40;1;Primo;In corso;40;1;",
            "Area scuola;0;1;Terzo;Non avviato;0;1;"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_slice(&app.get(Role::Anon, "/piano/2031/export.json").await.body).unwrap();
    assert_eq!(json["avanzamento"], 20, "(40 + 0) / 2, as on the page");
    assert_eq!(json["aree"][0]["obiettivi"].as_array().unwrap().len(), 1);
    assert_eq!(json["aree"][0]["obiettivi"][0]["avanzamento"], 40);
    let page = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(page.contains("<strong>20%</strong>"));
    // Staff with a grant get the internal objective too.
    let staff = app.get(Role::Editor, "/piano/2031/export.csv").await.text();
    assert!(staff.contains(";Secondo;"));
}

#[tokio::test]
async fn plan_approval_xlsx_and_pdf_report() {
    use std::io::Read;
    let app = TestApp::new().await;
    let ids = plan(&app).await;
    let r = app
        .post_form(
            Role::Editor,
            "/piano/2031/modifica",
            "titolo=Piano+2031&stato=approvato&data_approvazione=&organo_approvazione=",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Un piano approvato ha la data di approvazione.")
    );
    let r = app
        .post_form(Role::Editor, "/piano/2031/modifica", "titolo=Piano+2031&stato=approvato&data_approvazione=10%2F02%2F2031&organo_approvazione=Consiglio+direttivo")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(Role::Anon, "/piano/2031")
            .await
            .text()
            .contains("Piano approvato il 10/02/2031 da: Consiglio direttivo")
    );
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/indicatori", ids[0]),
        "nome=Sportelli+aperti&unita=sportelli&direzione=crescente&valore_base=2&valore_obiettivo=10",
    )
    .await;
    // XLSX: two sheets, the indicator in the second.
    let r = app.get(Role::Anon, "/piano/2031/export.xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.to_vec())).unwrap();
    let mut workbook = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut workbook)
        .unwrap();
    assert!(workbook.contains("name=\"Obiettivi\"") && workbook.contains("name=\"Indicatori\""));
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut strings)
        .unwrap();
    assert!(strings.contains("Sportelli aperti") && strings.contains("Terzo"));
    // PDF: staff only; a real PDF with the report's sections.
    assert_eq!(
        app.get(Role::Anon, "/piano/2031/relazione.pdf")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let r = app
        .get(Role::Editor, "/piano/2031/relazione.pdf?al=30%2F06%2F2031")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&r.body);
    for s in [
        "(Relazione sullo stato di avanzamento)",
        "(Sintesi per area)",
        "(Obiettivi scaduti: 0)",
        "(Situazione al 30/06/2031.)",
    ] {
        assert!(text.contains(s), "{s}");
    }
}
