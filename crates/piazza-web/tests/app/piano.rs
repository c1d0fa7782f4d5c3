use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_web::error::AppError;
use piazza_web::piano::{import, store};

use crate::common::{Role, TestApp};

const DOC: &str = "# Piano 2031\n\n## Area servizi\n\n### Obiettivi\n\n- Primo;\n- Secondo.\n\n## Area scuola\n\n### Obiettivi\n\n- Terzo\n";

#[tokio::test]
async fn an_imported_plan_is_saved_whole_once_per_year() {
    let app = TestApp::new().await;
    let letto = import::leggi(DOC);
    let p = store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &letto)
        .await
        .unwrap();
    assert_eq!(
        (p.anno, p.stato.as_str(), p.titolo.as_str()),
        (2031, "bozza", "Piano 2031")
    );
    assert_eq!(app.count("piano_aree").await, 2);
    assert_eq!(app.count("obiettivi").await, 3);
    assert_eq!(
        app.count("stati_obiettivo").await,
        5,
        "the default catalogue of states"
    );
    let err = store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &letto)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Conflict(ref m) if m == "Esiste già un piano per il 2031."),
        "{err:?}"
    );
    assert_eq!(app.count("obiettivi").await, 3, "nothing saved twice");
    let empty = import::leggi("Solo testo, nessun obiettivo.");
    assert!(
        store::salva_piano_letto(&app.db, &Actor::system("test"), 2032, &empty)
            .await
            .is_err()
    );
    assert_eq!(app.count("piani").await, 1);
}

async fn objective_ids(app: &TestApp) -> Vec<String> {
    store::vista(&app.db, &app.state.config, 2031, false)
        .await
        .unwrap()
        .unwrap()
        .aree
        .iter()
        .flat_map(|a| a.obiettivi.iter().map(|o| o.o.public_id.clone()))
        .collect()
}

#[tokio::test]
async fn editing_an_objective_changes_the_roll_up_and_is_audited() {
    let app = TestApp::new().await;
    store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &import::leggi(DOC))
        .await
        .unwrap();
    let ids = objective_ids(&app).await;
    // All "non avviato": 0% everywhere.
    let html = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(
        html.contains("id=\"progresso-piano\"><strong>0%</strong>, media pesata di 3 obiettivi"),
        "{html}"
    );

    // First objective completed, weight 3: area 1 = (3*100 + 1*0)/4 = 75%, plan = 300/5 = 60%.
    let r = app
        .post_form(
            Role::Editor,
            &format!("/piano/obiettivi/{}/modifica", ids[0]),
            "titolo=Primo&stato=completato&fonte_progresso=stato&peso=3&priorita=alta&pubblico=si",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location(), format!("/piano/obiettivi/{}", ids[0]));
    let html = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(html.contains("<strong>60%</strong>"), "{html}");
    assert!(html.contains("75% · 2 obiettivi con avanzamento"));
    // A manual 50% on the third (area 2) → plan (300 + 0 + 50) / 5 = 70%.
    let r = app.post_form(Role::Editor, &format!("/piano/obiettivi/{}/modifica", ids[2]), "titolo=Terzo&stato=in_corso&fonte_progresso=manuale&progresso_manuale=50&peso=1&priorita=media&pubblico=si").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(Role::Anon, "/piano/2031")
            .await
            .text()
            .contains("<strong>70%</strong>")
    );
    // Cancelling the second leaves it out: (300 + 50) / 4 = 87.5 → 88%.
    let r = app
        .post_form(
            Role::Editor,
            &format!("/piano/obiettivi/{}/modifica", ids[1]),
            "titolo=Secondo&stato=annullato&fonte_progresso=stato&peso=1&priorita=media&pubblico=si",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(Role::Anon, "/piano/2031")
            .await
            .text()
            .contains("<strong>88%</strong>")
    );
    let audit = app
        .get(Role::Admin, "/admin/audit?entita=obiettivo")
        .await
        .text();
    assert!(audit.contains("<strong>3</strong> modifiche"));
    assert!(audit.contains("annullato"));
}

#[tokio::test]
async fn objective_form_validates_and_only_editors_may_edit() {
    let app = TestApp::new().await;
    store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &import::leggi(DOC))
        .await
        .unwrap();
    let id = objective_ids(&app).await.remove(0);
    let path = format!("/piano/obiettivi/{id}/modifica");
    let r = app.post_form(Role::Editor, &path, "titolo=&stato=boh&fonte_progresso=manuale&progresso_manuale=140&peso=x&priorita=media&scadenza=31%2F02%2F2031").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    for msg in [
        "Scegliere uno stato.",
        "Indicare il titolo dell",
        "Inserire un numero da 0 a 100.",
        "Il peso è un numero intero da 0 a 100.",
        "Data non valida",
    ] {
        assert!(html.contains(msg), "{msg}");
    }
    let audit_before = app.count("audit_log").await;
    for role in [Role::Viewer, Role::Referente] {
        let r = app
            .post_form(
                role,
                &path,
                "titolo=Primo&stato=completato&fonte_progresso=stato&peso=1&priorita=media",
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    assert_eq!(
        app.count("audit_log").await,
        audit_before,
        "denied edits leave no trace"
    );
    let html = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(!html.contains("Completato"), "nothing changed");
}

#[tokio::test]
async fn internal_objectives_are_hidden_from_the_public_page() {
    let app = TestApp::new().await;
    store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &import::leggi(DOC))
        .await
        .unwrap();
    let id = objective_ids(&app).await.remove(1);
    let r = app
        .post_form(
            Role::Editor,
            &format!("/piano/obiettivi/{id}/modifica"),
            "titolo=Secondo&stato=in_corso&fonte_progresso=stato&peso=1&priorita=media",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let public = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(!public.contains(">Secondo"));
    assert!(public.contains(">Primo"));
    let staff = app.get(Role::Editor, "/piano/2031").await.text();
    assert!(
        staff.contains(">Secondo</a> <span class=\"badge bg-secondary\">interno</span>"),
        "{staff}"
    );
    assert_eq!(
        app.get(Role::Anon, "/piano/1999").await.status,
        StatusCode::NOT_FOUND
    );
    // With one plan, /piano goes to it.
    assert_eq!(
        app.get(Role::Anon, "/piano").await.location(),
        "/piano/2031"
    );
}

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

/// A plan 2031 with three objectives (Primo, Secondo in area 1, Terzo in area 2); their ids.
async fn plan(app: &TestApp) -> Vec<String> {
    store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &import::leggi(DOC))
        .await
        .unwrap();
    objective_ids(app).await
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in page"));
    let rest = &html[i + start.len()..];
    &rest[..rest.find(end).unwrap()]
}

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

#[tokio::test]
async fn editors_add_objectives_to_an_area() {
    let app = TestApp::new().await;
    plan(&app).await;
    let page = app.get(Role::Editor, "/piano/2031").await.text();
    let action = between(
        &page,
        "<form method=\"post\" action=\"/piano/2031/aree/",
        "\"",
    );
    let path = format!("/piano/2031/aree/{action}");
    let r = app.post_form(Role::Editor, &path, "titolo=+").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Indicare il titolo del nuovo obiettivo."));
    let r = app.post_form(Role::Viewer, &path, "titolo=Quarto").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("obiettivi").await, 3);
    let r = app.post_form(Role::Editor, &path, "titolo=Quarto").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().ends_with("/modifica"));
    let page = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(page.contains(">Quarto</a>"));
    assert!(page.contains("media pesata di 4 obiettivi"));
    // An area of another plan, or none: not found.
    let r = app
        .post_form(
            Role::Editor,
            "/piano/2031/aree/999999/obiettivi",
            "titolo=X",
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_state_catalogue_is_configurable_and_drives_progress() {
    let app = TestApp::new().await;
    let ids = plan(&app).await;
    // "In corso" gets a default of 50%: an in-progress objective by state now counts 50.
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/modifica", ids[0]),
        "titolo=Primo&stato=in_corso&fonte_progresso=stato&peso=1&priorita=media&pubblico=si",
    )
    .await;
    let r = app
        .post_form(
            Role::Editor,
            "/piano/stati/in_corso",
            "nome=In+corso&progresso_predefinito=150",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("numero da 0 a 100"));
    let r = app
        .post_form(
            Role::Editor,
            "/piano/stati/in_corso",
            "nome=In+corso&progresso_predefinito=50",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // (50 + 0 + 0) / 3 = 16.7 → 17%.
    assert!(
        app.get(Role::Anon, "/piano/2031")
            .await
            .text()
            .contains("<strong>17%</strong>")
    );
    // A new state, excluded from the roll-up.
    let r = app
        .post_form(
            Role::Editor,
            "/piano/stati",
            "nome=Rinviato&escluso_dal_calcolo=si",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_form(Role::Editor, "/piano/stati", "nome=rinviato")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Esiste già uno stato"));
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/modifica", ids[1]),
        "titolo=Secondo&stato=rinviato&fonte_progresso=stato&peso=1&priorita=media&pubblico=si",
    )
    .await;
    // (50 + 0) / 2 = 25%.
    assert!(
        app.get(Role::Anon, "/piano/2031")
            .await
            .text()
            .contains("<strong>25%</strong>")
    );
    assert_eq!(
        app.post_form(Role::Viewer, "/piano/stati", "nome=Altro")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("stati_obiettivo").await, 6);
}
