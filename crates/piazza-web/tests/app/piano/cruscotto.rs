//! The staff dashboard and the political calendar.

use axum::http::StatusCode;
use piazza_web::piano::store;

use super::{between, plan};
use crate::common::{Role, TestApp};

#[tokio::test]
async fn dashboard_lists_late_stale_off_track_due_soon_and_legislature_risk() {
    let app = TestApp::new().await;
    let ids = plan(&app).await;
    // Primo: due 31/03, not done → overdue at 30/06. Secondo: due 15/07 → due within 30 days.
    // Terzo: due 31/12, an indicator 0 → 100 measured 10 at 30/06 → off track (expected ~50%).
    let edit = |id: &str, body: &str| {
        let app = app.clone();
        let path = format!("/piano/obiettivi/{id}/modifica");
        let body = body.to_owned();
        async move {
            let r = app.post_form(Role::Editor, &path, &body).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        }
    };
    edit(&ids[0], "titolo=Primo&stato=in_corso&fonte_progresso=stato&peso=1&priorita=media&pubblico=si&scadenza=31%2F03%2F2031").await;
    edit(&ids[1], "titolo=Secondo&stato=in_corso&fonte_progresso=stato&peso=1&priorita=media&pubblico=si&scadenza=15%2F07%2F2031").await;
    edit(&ids[2], "titolo=Terzo&stato=in_corso&fonte_progresso=indicatori&peso=1&priorita=media&pubblico=si&scadenza=31%2F12%2F2031").await;
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/indicatori", ids[2]),
        "nome=Corsi&unita=corsi&direzione=crescente&valore_base=0&valore_obiettivo=100",
    )
    .await;
    let ind = store::vista(&app.db, &app.state.config, 2031, false)
        .await
        .unwrap()
        .unwrap()
        .aree[1]
        .obiettivi[0]
        .indicatori[0]
        .i
        .public_id
        .clone();
    app.post_form(
        Role::Editor,
        &format!("/piano/indicatori/{ind}/misure"),
        "data=30%2F06%2F2031&valore=10",
    )
    .await;
    // Secondo had an update on 20/06: not stale. The others have none since 1 January.
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/aggiornamenti", ids[1]),
        "data=20%2F06%2F2031&testo=In+lavorazione",
    )
    .await;
    // The end of the legislature on 30/09/2031: risk window 30/06 – 30/12 (3 months each side).
    let r = app
        .post_form(
            Role::Editor,
            "/piano/calendario",
            "data=30%2F09%2F2031&tipo=fine_legislatura&titolo=Fine+legislatura",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let html = app
        .get(Role::Editor, "/piano/2031/cruscotto?al=30%2F06%2F2031")
        .await
        .text();
    let count = |id: &str| between(&html, &format!("id=\"conta-{id}\">"), "<").to_owned();
    assert_eq!(count("scaduti"), "1", "{html}");
    assert_eq!(count("in-scadenza"), "1");
    assert_eq!(count("fuori-traiettoria"), "1");
    assert_eq!(count("senza-aggiornamenti"), "2");
    assert_eq!(count("rischio-legislatura"), "1", "Secondo, due 15/07");
    let overdue = between(&html, "id=\"scaduti\"", "</section>");
    assert!(overdue.contains(">Primo</a>") && overdue.contains("scaduto da 91 giorni"));
    let risk = between(&html, "id=\"rischio-legislatura\"", "</section>");
    assert!(risk.contains(">Secondo</a>"));
    // Flagged on the plan page too.
    let page = app.get(Role::Anon, "/piano/2031").await.text();
    assert_eq!(page.matches("a rischio cambio legislatura").count(), 1);
    // Completing Primo takes it off the lists.
    edit(&ids[0], "titolo=Primo&stato=completato&fonte_progresso=stato&peso=1&priorita=media&pubblico=si&scadenza=31%2F03%2F2031").await;
    let html = app
        .get(Role::Editor, "/piano/2031/cruscotto?al=30%2F06%2F2031")
        .await
        .text();
    assert!(html.contains("id=\"conta-scaduti\">0<"));
    // A bad date is said, not ignored.
    let r = app
        .get(Role::Editor, "/piano/2031/cruscotto?al=31%2F02")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Data non valida"));
    // Only staff of the plan.
    assert_eq!(
        app.get(Role::Viewer, "/piano/2031/cruscotto").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn calendar_events_are_validated_and_only_editors_change_them() {
    let app = TestApp::new().await;
    let r = app
        .post_form(Role::Editor, "/piano/calendario", "data=&tipo=boh&titolo=")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("Indicare la data"));
    assert!(html.contains("Scegliere il tipo"));
    assert_eq!(app.count("eventi_calendario").await, 0);
    let r = app
        .post_form(
            Role::Referente,
            "/piano/calendario",
            "data=20%2F09%2F2031&tipo=elezioni&titolo=Elezioni",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.post_form(
        Role::Editor,
        "/piano/calendario",
        "data=21%2F09%2F2031&tipo=fine_legislatura&titolo=Fine+XII+legislatura",
    )
    .await;
    let html = app.get(Role::Anon, "/piano/calendario").await.text();
    assert!(html.contains("21/09/2031") && html.contains("Fine XII legislatura"));
    assert!(html.contains("dal 21/06/2031 al 21/12/2031"), "{html}");
}
