//! Long work from a page (`kit::elaborazioni`), on the register import: past its wait the
//! import answers with a progress page that only its user (and administrators) can see; it
//! ends with the page the import always showed, or, cancelled, having saved nothing.

use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::common::{Role, TestApp, data_file};

const SAMPLE: &str = "amministratori-comunali-dait-sample-provincia-firenze.csv";

/// A TestApp whose long work never answers in place.
async fn app_in_background() -> std::sync::Arc<TestApp> {
    let mut c = piazza_web::AppConfig::default();
    c.server.attesa_elaborazione_ms = 0;
    TestApp::with_config(c).await
}

/// The sample with each of its rows repeated `volte` times under other surnames.
fn registro_grande(volte: usize) -> Vec<u8> {
    let testo = String::from_utf8(data_file(SAMPLE)).unwrap();
    let mut righe = testo.lines();
    let mut out: Vec<String> = righe.by_ref().take(3).map(str::to_owned).collect();
    let dati: Vec<&str> = righe.filter(|r| !r.trim().is_empty()).collect();
    for k in 0..volte {
        for r in &dati {
            let mut campi: Vec<String> = r.split(';').map(str::to_owned).collect();
            campi[6] = format!("\"COGNOME{k:05}\"");
            // Everyone an assessore: a comune has one mayor, not `volte`.
            campi[12] = "\"Assessore\"".into();
            campi[11] = "\"50\"".into();
            out.push(campi.join(";"));
        }
    }
    out.join("\n").into_bytes()
}

/// Polls the progress fragment until the work has ended.
async fn attendi(app: &TestApp, role: Role, pagina: &str) -> String {
    let inizio = Instant::now();
    loop {
        let r = app.get(role, &format!("{pagina}/stato")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        if !r.text().contains("hx-trigger=\"every 1s\"") {
            return r.text();
        }
        assert!(
            inizio.elapsed() < Duration::from_secs(120),
            "the work never ended"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_long_import_shows_its_progress_then_its_outcome_to_its_user_only() {
    let app = app_in_background().await;
    let r = app
        .post_file(
            Role::Editor,
            "/amministratori/importa",
            "file",
            "fi.csv",
            &data_file(SAMPLE),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let pagina = r.location();
    assert!(pagina.starts_with("/elaborazioni/"), "{pagina}");

    // Only its user and administrators see it; the public is sent to log in.
    assert_eq!(
        app.get(Role::Viewer, &pagina).await.status,
        StatusCode::FORBIDDEN
    );
    let anon = app.get(Role::Anon, &pagina).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert!(anon.location().starts_with("/login"));
    assert_eq!(
        app.post_form(Role::Viewer, &format!("{pagina}/annulla"), "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(Role::Editor, "/elaborazioni/sconosciuta")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    attendi(&app, Role::Editor, &pagina).await;
    let esito = app.get(Role::Editor, &pagina).await;
    assert_eq!(esito.status, StatusCode::OK);
    assert!(
        esito.text().contains("Cariche nuove: 40"),
        "{}",
        esito.text()
    );
    assert!(
        app.get(Role::Admin, &pagina)
            .await
            .text()
            .contains("Cariche nuove: 40")
    );
    assert_eq!(app.count("amministratori").await, 40);
    // The comune page reads the new administrators at once (the caches were told).
    let comune = app
        .get(Role::Anon, "/comuni/048001")
        .await
        .text()
        .to_lowercase();
    assert!(comune.contains("pignotti"), "{comune}");
}

#[tokio::test]
async fn a_refused_file_keeps_its_422_and_its_errors() {
    let app = TestApp::new().await;
    let r = app
        .post_file(
            Role::Editor,
            "/amministratori/importa",
            "file",
            "x.csv",
            b"non un registro",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(app.count("amministratori").await, 0);
}

#[tokio::test]
async fn a_cancelled_import_saves_nothing() {
    let app = app_in_background().await;
    let file = registro_grande(500); // 20,000 offices
    let r = app
        .post_file(
            Role::Editor,
            "/amministratori/importa",
            "file",
            "grande.csv",
            &file,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let pagina = r.location();
    let r = app
        .post_form(Role::Editor, &format!("{pagina}/annulla"), "")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let fine = attendi(&app, Role::Editor, &pagina).await;
    assert!(fine.contains("Elaborazione annullata"), "{fine}");
    assert_eq!(app.count("amministratori").await, 0);
    assert_eq!(app.count("persone").await, 0);
}
