//! The door, the certificate and its verification, and who may do what.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use piazza_db::audit::Actor;
use piazza_db::lavoro::Lavoro;
use piazza_web::registrazioni::messaggi::Avvisi;
use piazza_web::registrazioni::store as reg;

use super::{evento, gettone, persona};
use crate::common::{Role, TestApp};

#[tokio::test]
async fn door_scans_count_once_per_nonce_and_the_certificate_says_what_the_page_says() {
    let app = TestApp::new().await;
    // An event that started an hour ago.
    let (id, o) = evento(&app, 5, Utc::now() - Duration::hours(1)).await;
    let (altro, o2) = evento(&app, 5, Utc::now() + Duration::days(1)).await;
    let avvisi = Avvisi::da(&app.state);
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    let (r, _) = reg::registra(&uow, &o, persona(1), true, &avvisi, Utc::now())
        .await
        .unwrap();
    let (attesa, _) = reg::registra(&uow, &o2, persona(2), false, &avvisi, Utc::now())
        .await
        .unwrap();
    uow.conferma().await.unwrap();
    let r = reg::registrazione(&app.db, r.id).await.unwrap().unwrap();
    assert_eq!(r.stato, "confermata");
    let url = format!("/eventi/{id}/checkin");
    let scan = |codice: &str, nonce: &str, verso: &str| {
        format!(r#"{{"codice":"{codice}","nonce":"{nonce}","verso":"{verso}"}}"#)
    };
    let typed = format!("{}-{}", &r.codice[..4], r.codice[4..].to_lowercase());
    let v: serde_json::Value = serde_json::from_slice(
        &app.post_json(Role::Viewer, &url, &scan(&typed, "n1", "entrata"))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["esito"], "valido", "{v}");
    assert_eq!(v["presenti"], 1);
    assert_eq!(v["nome"], "Nome1 Cognome1");
    // The same scan sent again (offline queue): answered alike, not counted twice.
    let v: serde_json::Value = serde_json::from_slice(
        &app.post_json(Role::Viewer, &url, &scan(&r.codice, "n1", "entrata"))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["esito"], "valido");
    assert_eq!(v["presenti"], 1);
    assert_eq!(app.count("presenze").await, 1);
    // A new scan of a person inside says so.
    let v: serde_json::Value = serde_json::from_slice(
        &app.post_json(Role::Viewer, &url, &scan(&r.codice, "n2", "entrata"))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["esito"], "gia_presente");
    // Another event's ticket, a made-up code, a waitlisted-or-unconfirmed one.
    let v: serde_json::Value = serde_json::from_slice(
        &app.post_json(Role::Viewer, &url, &scan(&attesa.codice, "n3", "entrata"))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["esito"], "altro_evento");
    assert!(
        v.get("nome").is_none(),
        "another event's ticket names nobody here"
    );
    let v: serde_json::Value = serde_json::from_slice(
        &app.post_json(Role::Viewer, &url, &scan("ZZZZ-ZZZZ", "n4", "entrata"))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["esito"], "non_registrato");
    let v: serde_json::Value = serde_json::from_slice(
        &app.post_json(
            Role::Viewer,
            &format!("/eventi/{altro}/checkin"),
            &scan(&attesa.codice, "n5", "entrata"),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(v["esito"], "non_confermata");
    let bad = app
        .post_json(
            Role::Viewer,
            &url,
            r#"{"codice":"X","nonce":"","verso":"entrata"}"#,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("nonce"), "{}", bad.text());
    // Search by name at the door.
    let v: serde_json::Value = serde_json::from_slice(
        &app.get(
            Role::Viewer,
            &format!("/eventi/{id}/checkin/cerca?q=cognome1"),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(v[0]["codice"], r.codice.as_str());

    // The certificate: issued to who attended, read back by a PDF reader.
    let g = gettone(&app, r.id);
    let pdf = app
        .get(Role::Anon, &format!("/biglietto/{g}/attestato.pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text());
    crate::pdfa::verifica_pdfa(&pdf.body);
    let doc = lopdf::Document::load_mem(&pdf.body).expect("a PDF a reader opens");
    let testo = doc.extract_text(&[1]).unwrap_or_default();
    let testo = testo.split_whitespace().collect::<Vec<_>>().join(" ");
    let a = reg::attestato_per_codice(&app.db, &pdf_codice(&testo))
        .await
        .unwrap()
        .expect("the code printed names the certificate");
    for atteso in [
        "Nome1 Cognome1",
        "Convegno sui piccoli comuni",
        "Durata della partecipazione",
    ] {
        assert!(testo.contains(atteso), "{atteso} in {testo}");
    }
    assert!(
        a.minuti >= 59,
        "attended from the scan to the end of the session: {}",
        a.minuti
    );
    let v = app
        .get(Role::Anon, &format!("/verifica/{}", a.codice))
        .await;
    assert!(
        v.text().contains("Attestato autentico") && v.text().contains("Nome1 Cognome1"),
        "{}",
        v.text()
    );
    let v = app.get(Role::Anon, "/verifica/ABCD-EFGH-JKMN").await;
    assert!(v.text().contains("Codice non valido") && !v.text().contains("Attestato autentico"));
    // Who did not attend gets no certificate.
    let g2 = gettone(&app, attesa.id);
    let no = app
        .get(Role::Anon, &format!("/biglietto/{g2}/attestato.pdf"))
        .await;
    assert_eq!(no.status, StatusCode::CONFLICT);
    assert!(
        no.text().contains("solo a chi ha partecipato"),
        "{}",
        no.text()
    );
}

/// The verification code printed on the certificate (`Codice di verifica: XXXX-XXXX-XXXX`).
fn pdf_codice(testo: &str) -> String {
    let i = testo
        .find("Codice di verifica:")
        .expect("the code is printed")
        + "Codice di verifica:".len();
    testo[i..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_door_participants_and_events_are_for_their_roles() {
    let app = TestApp::new().await;
    let (id, _) = evento(&app, 5, Utc::now() + Duration::days(2)).await;
    // Check-in staff (viewers) open the door but not the participants' list.
    assert_eq!(
        app.get(Role::Viewer, &format!("/eventi/{id}/checkin"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(Role::Viewer, &format!("/eventi/{id}/partecipanti"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(Role::Viewer, &format!("/eventi/{id}/partecipanti.csv"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A referente sees only their comune's participants; cannot create events or decide.
    assert_eq!(
        app.get(Role::Referente, &format!("/eventi/{id}/partecipanti"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(Role::Referente, &format!("/eventi/{id}/checkin"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_form(Role::Referente, "/eventi/nuovo", "titolo=x")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A referente registers staff of their comune (Firenze), not of another.
    let corpo = |comune: &str| {
        format!(
            "nome=Ugo&cognome=Verdi&email=ugo%40comune.it&tipo_organizzazione=comune&comune={comune}"
        )
    };
    let r = app
        .post_form(
            Role::Referente,
            &format!("/eventi/{id}/partecipanti"),
            &corpo("Prato"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("registrazioni").await, 0);
    let r = app
        .post_form(
            Role::Referente,
            &format!("/eventi/{id}/partecipanti"),
            &corpo("Firenze"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let csv = app
        .get(Role::Editor, &format!("/eventi/{id}/partecipanti.csv"))
        .await;
    assert!(
        csv.text().contains("Verdi") && csv.text().contains("Confermata"),
        "{}",
        csv.text()
    );
    // The anonymous public sees the event, not the door.
    assert_eq!(
        app.get(Role::Anon, &format!("/eventi/{id}")).await.status,
        StatusCode::OK
    );
    let r = app.get(Role::Anon, &format!("/eventi/{id}/checkin")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_json(
            Role::Anon,
            &format!("/eventi/{id}/checkin"),
            r#"{"codice":"X","nonce":"n"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.post_json(Role::Referente, &format!("/eventi/{id}/checkin"), "{}")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The organiser's form validates in Italian and saves nothing on error.
    let r = app
        .post_form(
            Role::Editor,
            "/eventi/nuovo",
            "titolo=Prova&tipo=convegno&comune=Firenze&sessioni=domani&capienza=0",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("Riga 1") && r.text().contains("numero intero"),
        "{}",
        r.text()
    );
    let prima = app.count("eventi").await;
    let r = app
        .post_form(Role::Editor, "/eventi/nuovo", "titolo=Prova&tipo=convegno&comune=Firenze&sessioni=15%2F05%2F2030+09%3A30-13%3A00+Plenaria&capienza=30&stato=pubblicato")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(app.count("eventi").await, prima + 1);
    let pagina = app.get(Role::Anon, &r.location()).await.text();
    assert!(
        pagina.contains("15/05/2030 09:30"),
        "Italian time on the page"
    );
}
