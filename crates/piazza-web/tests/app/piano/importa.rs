//! The import of a plan document with its editable preview.

use axum::http::StatusCode;

use crate::common::{Role, TestApp};

#[tokio::test]
async fn import_shows_an_editable_preview_and_saves_the_corrected_plan() {
    let app = TestApp::new().await;
    let doc = "PIANO ATTIVITÀ 2032\n\n1. ★ Servizi ★\n\nTesto di introduzione.\n\nObiettivi:\n• Aprire lo sportello;\n• Formare il personale dei comuni\n  della costa.\n\nPIANO ATTIVITÀ 2032\n\n2. Eventi\n\nObiettivi:\n1) Assemblea annuale.\n";
    let r = app
        .post_multipart(
            Role::Editor,
            "/piano/importa/anteprima",
            &[
                ("anno", None, b"2032"),
                ("file", Some("piano.txt"), doc.as_bytes()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("Trovate <strong>2 aree</strong>"), "{html}");
    assert!(html.contains("value=\"Servizi\""));
    assert!(html.contains("Formare il personale dei comuni della costa"));
    assert_eq!(app.count("piani").await, 0, "a preview saves nothing");
    // Without a year or a document: said, nothing saved.
    let r = app
        .post_multipart(
            Role::Editor,
            "/piano/importa/anteprima",
            &[("anno", None, b"")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("Indicare l&#39;anno del piano")
            || r.text().contains("Indicare l'anno del piano")
    );
    // The user renames the first area, adds an objective and leaves out the second area.
    let body = "anno=2032&titolo=Piano+2032&area_0_titolo=Servizi+ai+comuni&area_0_includi=si&area_0_obiettivi=Aprire+lo+sportello%0D%0AFormare+il+personale%0D%0ANuovo+obiettivo&area_1_titolo=Eventi&area_1_obiettivi=Assemblea+annuale";
    let r = app.post_form(Role::Editor, "/piano/importa", body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location(), "/piano/2032");
    assert_eq!(app.count("piano_aree").await, 1);
    assert_eq!(app.count("obiettivi").await, 3);
    let page = app.get(Role::Anon, "/piano/2032").await.text();
    assert!(page.contains("1. Servizi ai comuni") && page.contains(">Nuovo obiettivo</a>"));
    // The same year again: refused with the reason, nothing more saved.
    let r = app.post_form(Role::Editor, "/piano/importa", body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Esiste già un piano per il 2032."));
    assert_eq!(app.count("obiettivi").await, 3);
    // An included area without objectives is an error.
    let r = app
        .post_form(
            Role::Editor,
            "/piano/importa",
            "anno=2033&area_0_titolo=Vuota&area_0_includi=si&area_0_obiettivi=",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Area 1: nessun obiettivo"));
    assert_eq!(app.count("piani").await, 1);
}
