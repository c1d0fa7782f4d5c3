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
    store::vista(&app.db, 2031, false)
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
            "stato=completato&fonte_progresso=stato&peso=3&priorita=alta&pubblico=si",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location(), "/piano/2031");
    let html = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(html.contains("<strong>60%</strong>"), "{html}");
    assert!(html.contains("75% · 2 obiettivi con avanzamento"));
    // A manual 50% on the third (area 2) → plan (300 + 0 + 50) / 5 = 70%.
    let r = app.post_form(Role::Editor, &format!("/piano/obiettivi/{}/modifica", ids[2]), "stato=in_corso&fonte_progresso=manuale&progresso_manuale=50&peso=1&priorita=media&pubblico=si").await;
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
            "stato=annullato&fonte_progresso=stato&peso=1&priorita=media&pubblico=si",
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
    let r = app.post_form(Role::Editor, &path, "stato=boh&fonte_progresso=manuale&progresso_manuale=140&peso=x&priorita=media&scadenza=31%2F02%2F2031").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    for msg in [
        "Scegliere uno stato.",
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
                "stato=completato&fonte_progresso=stato&peso=1&priorita=media",
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
            "stato=in_corso&fonte_progresso=stato&peso=1&priorita=media",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let public = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(!public.contains(">Secondo"));
    assert!(public.contains(">Primo"));
    let staff = app.get(Role::Editor, "/piano/2031").await.text();
    assert!(
        staff.contains(">Secondo <span class=\"badge bg-secondary\">interno</span>"),
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
    app.post_form(Role::Editor, &format!("/piano/obiettivi/{}/modifica", ids[0]), "stato=in_corso&fonte_progresso=manuale&progresso_manuale=40&peso=1&priorita=media&pubblico=si").await;
    // The second objective internal: not in the public downloads either.
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/modifica", ids[1]),
        "stato=in_corso&fonte_progresso=stato&peso=1&priorita=media",
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
