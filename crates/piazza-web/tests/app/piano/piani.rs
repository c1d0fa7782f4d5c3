//! Plans and objectives: the import saved whole, editing, visibility, new objectives, states.

use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_web::kit::error::AppError;
use piazza_web::piano::{import, store};

use super::{DOC, between, objective_ids, plan};
use crate::common::{Role, TestApp};

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
