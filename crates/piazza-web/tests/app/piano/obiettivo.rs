//! The objective page: indicators and measurements, the timeline of updates, links.

use axum::http::StatusCode;
use piazza_web::piano::store;

use super::{between, plan};
use crate::common::{Role, TestApp};

#[tokio::test]
async fn indicator_measurements_drive_progress_and_are_audited() {
    let app = TestApp::new().await;
    let ids = plan(&app).await;
    let obj = format!("/piano/obiettivi/{}", ids[0]);
    // Progress of the first objective from its indicators.
    let r = app.post_form(Role::Editor, &format!("{obj}/modifica"), "titolo=Primo&stato=in_corso&fonte_progresso=indicatori&peso=1&priorita=media&pubblico=si").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A target below the baseline for a growing indicator is refused, nothing saved.
    let r = app
        .post_form(
            Role::Editor,
            &format!("{obj}/indicatori"),
            "nome=Comuni+con+l%27app&unita=comuni&direzione=crescente&valore_base=145&valore_obiettivo=100",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Se il valore deve crescere"));
    assert_eq!(app.count("indicatori").await, 0);
    let r = app
        .post_form(
            Role::Editor,
            &format!("{obj}/indicatori"),
            "nome=Comuni+con+l%27app&unita=comuni&direzione=crescente&valore_base=145&valore_obiettivo=180",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let indicator = store::vista(&app.db, &app.state.config, 2031, false)
        .await
        .unwrap()
        .unwrap()
        .aree[0]
        .obiettivi[0]
        .indicatori[0]
        .i
        .public_id
        .clone();
    let misure = format!("/piano/indicatori/{indicator}/misure");
    let r = app
        .post_form(Role::Editor, &misure, "data=30%2F06%2F2031&valore=dodici")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Il valore è un numero"));
    assert_eq!(app.count("misure_indicatore").await, 0);
    // 145 → 180, measured 166: 60% of the way; area 1 = (60 + 0) / 2 = 30%, plan = 60/3 = 20%.
    let r = app
        .post_form(Role::Editor, &misure, "data=30%2F06%2F2031&valore=166")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(page.contains("<strong>20%</strong>"), "{page}");
    assert!(page.contains("30% · 2 obiettivi con avanzamento"));
    assert!(page.contains("<svg class=\"sparkline\""), "trend chart");
    assert!(page.contains("166 al 30/06/2031"));
    // The same day again replaces the value: 173 → 80%; area 40%, plan 80/3 = 26.7 → 27%.
    app.post_form(Role::Editor, &misure, "data=30%2F06%2F2031&valore=173")
        .await;
    assert_eq!(app.count("misure_indicatore").await, 1);
    let page = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(page.contains("<strong>27%</strong>"), "{page}");
    assert!(page.contains("40% · 2 obiettivi"));
    let detail = app.get(Role::Anon, &obj).await.text();
    assert!(
        detail.contains("<strong>80%</strong> della strada"),
        "{detail}"
    );
    let audit = app
        .get(Role::Admin, "/admin/audit?entita=indicatore")
        .await
        .text();
    assert!(audit.contains("<strong>3</strong> modifiche"), "{audit}");
    // Viewers and referenti cannot measure.
    for role in [Role::Viewer, Role::Referente] {
        let r = app
            .post_form(role, &misure, "data=01%2F07%2F2031&valore=179")
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(app.count("misure_indicatore").await, 1);
}

#[tokio::test]
async fn updates_form_a_timeline_and_may_change_the_state() {
    let app = TestApp::new().await;
    let ids = plan(&app).await;
    let obj = format!("/piano/obiettivi/{}", ids[1]);
    let r = app
        .post_form(
            Role::Editor,
            &format!("{obj}/aggiornamenti"),
            "data=31%2F02%2F2031&testo=&allegato_url=ftp%3A%2F%2Fx&nuovo_progresso=120",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    for msg in [
        "Data non valida",
        "Scrivere che cosa è stato fatto.",
        "deve iniziare con https://",
        "Inserire un numero da 0 a 100.",
    ] {
        assert!(html.contains(msg), "{msg}");
    }
    assert_eq!(app.count("aggiornamenti_obiettivo").await, 0);
    let r = app
        .post_form(
            Role::Editor,
            &format!("{obj}/aggiornamenti"),
            "data=15%2F03%2F2031&testo=Avviato+il+lavoro&nuovo_stato=in_corso&nuovo_progresso=30",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            Role::Editor,
            &format!("{obj}/aggiornamenti"),
            "data=20%2F05%2F2031&testo=Consegnato+alla+Regione&nuovo_stato=completato&allegato_url=https%3A%2F%2Fesempio.it%2Fdoc.pdf",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let detail = app.get(Role::Anon, &obj).await.text();
    let timeline = between(&detail, "id=\"timeline\"", "</ol>");
    let newest = timeline.find("20/05/2031").unwrap();
    let oldest = timeline.find("15/03/2031").unwrap();
    assert!(newest < oldest, "newest first");
    assert!(timeline.contains("Consegnato alla Regione"));
    assert!(timeline.contains("avanzamento: 30%"));
    assert!(timeline.contains("href=\"https://esempio.it/doc.pdf\""));
    assert!(timeline.contains("· Editor"), "the author: {timeline}");
    // The state changed: completed counts 100. Area 1 = (0 + 100)/2 = 50%.
    let page = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(page.contains("50% · 2 obiettivi"), "{page}");
    let latest = between(&page, "id=\"elenco-aggiornamenti\"", "</ul>");
    assert!(latest.find("Consegnato").unwrap() < latest.find("Avviato").unwrap());
    // With progress from indicators, a hand-set progress is refused.
    let r = app.post_form(Role::Editor, &format!("/piano/obiettivi/{}/modifica", ids[2]), "titolo=Terzo&stato=in_corso&fonte_progresso=indicatori&peso=1&priorita=media&pubblico=si").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            Role::Editor,
            &format!("/piano/obiettivi/{}/aggiornamenti", ids[2]),
            "data=01%2F06%2F2031&testo=Fatto&nuovo_progresso=50",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("viene dagli indicatori"));
    assert_eq!(app.count("aggiornamenti_obiettivo").await, 2);
    let audit = app
        .get(Role::Admin, "/admin/audit?entita=obiettivo")
        .await
        .text();
    assert!(audit.contains("aggiorna"));
}

#[tokio::test]
async fn links_show_on_both_sides_and_respect_who_may_read() {
    let app = TestApp::new().await;
    let ids = plan(&app).await;
    let obj = format!("/piano/obiettivi/{}", ids[0]);
    // Search, then link a comune and an organisation.
    let search = app
        .get(Role::Editor, &format!("{obj}?tipo=comune&q=firenz"))
        .await
        .text();
    assert!(search.contains("value=\"048017\""), "search offers Firenze");
    let r = app
        .post_form(
            Role::Editor,
            &format!("{obj}/collegamenti"),
            "tipo=comune&chiave=048017",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            Role::Admin,
            "/organizzazioni/nuova",
            "nome=Ente+Partner&tipo=associazione&comune=048017",
        )
        .await;
    let org = r.location().rsplit('/').next().unwrap().to_owned();
    let r = app
        .post_form(
            Role::Editor,
            &format!("{obj}/collegamenti"),
            &format!("tipo=organizzazione&chiave={org}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Twice, unknown record, unknown kind: refused with a message.
    for (body, msg) in [
        ("tipo=comune&chiave=048017", "già collegato"),
        ("tipo=comune&chiave=999999", "non trovato"),
        (
            "tipo=astronave&chiave=1",
            "Tipo di collegamento sconosciuto",
        ),
    ] {
        let r = app
            .post_form(Role::Editor, &format!("{obj}/collegamenti"), body)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(r.text().contains(msg), "{msg}");
    }
    assert_eq!(app.count("collegamenti_obiettivo").await, 2);
    // The objective shows both to staff; the public sees the comune but not the organisation
    // (Anagrafica is not public).
    let staff = app.get(Role::Editor, &obj).await.text();
    let links = between(&staff, "id=\"elenco-collegamenti\"", "</ul>");
    assert!(links.contains("Firenze (FI)") && links.contains("Ente Partner"));
    let public = app.get(Role::Anon, &obj).await.text();
    assert!(public.contains("Firenze (FI)"));
    assert!(!public.contains("Ente Partner"));
    // The other side: the comune and the organisation list the objective.
    let comune = app.get(Role::Anon, "/comuni/048017").await.text();
    assert!(between(&comune, "id=\"elenco-obiettivi-collegati\"", "</ul>").contains(">Primo</a>"));
    let o = app
        .get(Role::Viewer, &format!("/organizzazioni/{org}"))
        .await
        .text();
    assert!(o.contains("id=\"elenco-obiettivi-collegati\""), "{o}");
    // An internal objective is not shown to the public on the comune page.
    app.post_form(
        Role::Editor,
        &format!("{obj}/modifica"),
        "titolo=Primo&stato=in_corso&fonte_progresso=stato&peso=1&priorita=media",
    )
    .await;
    assert!(
        !app.get(Role::Anon, "/comuni/048017")
            .await
            .text()
            .contains("elenco-obiettivi-collegati")
    );
    assert!(
        app.get(Role::Anon, &obj)
            .await
            .location()
            .starts_with("/login?next="),
        "an internal objective needs a login"
    );
    // Unlinking.
    let staff = app.get(Role::Editor, &obj).await.text();
    let action = between(&staff, &format!("action=\"{obj}/collegamenti/"), "\"");
    let r = app
        .post_form(Role::Editor, &format!("{obj}/collegamenti/{action}"), "")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("collegamenti_obiettivo").await, 1);
}
