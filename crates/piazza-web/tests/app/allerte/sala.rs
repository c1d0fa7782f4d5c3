//! Composing an alert and the second person's approval; a municipal editor's own comune.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use axum::http::StatusCode;

use super::{id_da, json_stato, livello_json, store_vuoto};
use crate::common::{Role, TestApp};

#[tokio::test]
async fn an_alert_composed_by_an_operator_is_public_only_after_a_second_person_approves() {
    let app = TestApp::new().await;
    let corpo = "titolo=Vento+forte+sulla+costa&rischio=vento&livello=arancione&scadenza=01%2F01%2F2099+10%3A00&zone=I&comuni=048017&istruzioni=Fissa+gli+oggetti";
    // A viewer cannot compose; bad input comes back in Italian, nothing saved.
    assert_eq!(
        app.post_form(Role::Viewer, "/allerte/nuova", corpo)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form(
            Role::Editor,
            "/allerte/nuova",
            "titolo=&rischio=boh&livello=verde&scadenza=ieri",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Scrivi il titolo",
        "Scegli il rischio",
        "Scegli il livello",
        "Indica fino a quando",
        "almeno una zona",
    ] {
        assert!(r.text().contains(m), "{m}");
    }
    assert!(store_vuoto(&app).await);

    let r = app.post_form(Role::Editor, "/allerte/nuova", corpo).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = id_da(&r);
    // Not public: not in the state, not in the feed, its page only for the staff.
    assert_eq!(
        livello_json(&json_stato(&app, "").await, "048017", "vento"),
        "verde"
    );
    assert!(
        !app.get(Role::Anon, "/allerte/cap.atom")
            .await
            .text()
            .contains(&format!("/allerte/cap/{id}"))
    );
    assert_eq!(
        app.get(Role::Anon, &format!("/allerte/{id}")).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get(Role::Anon, &format!("/allerte/cap/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Its author cannot approve it; a referente cannot decide on a regional alert.
    let r = app
        .post_form(Role::Editor, &format!("/allerte/{id}/approva"), "")
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("persona diversa"));
    assert_eq!(
        app.post_form(Role::Referente, &format!("/allerte/{id}/approva"), "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A second authorised person approves: public at once, on the page and the feeds.
    let r = app
        .post_form(Role::Admin, &format!("/allerte/{id}/approva"), "")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let v = json_stato(&app, "").await;
    assert_eq!(livello_json(&v, "048017", "vento"), "arancione");
    assert_eq!(
        livello_json(&v, "049010", "vento"),
        "arancione",
        "Portoferraio, zone I"
    );
    assert_eq!(livello_json(&v, "050026", "vento"), "verde", "Pisa");
    let pagina = app.get(Role::Anon, "/allerte").await.text();
    assert!(pagina.contains("Vento forte sulla costa"));
    assert!(
        app.get(Role::Anon, "/comuni/048017")
            .await
            .text()
            .contains("Vento forte sulla costa")
    );
    // Approving twice is refused.
    assert_eq!(
        app.post_form(Role::Admin, &format!("/allerte/{id}/approva"), "")
            .await
            .status,
        StatusCode::CONFLICT
    );
    // The audit log has the composition and the approval, with the CAP document.
    let audit = piazza_db::entities::audit_log::Entity::find()
        .filter(piazza_db::entities::audit_log::Column::Entita.eq("allerta"))
        .filter(piazza_db::entities::audit_log::Column::EntitaId.eq(id.to_string()))
        .all(&app.db)
        .await
        .unwrap();
    let azioni: Vec<&str> = audit.iter().map(|a| a.azione.as_str()).collect();
    assert_eq!(azioni, ["componi", "approva"]);
    assert!(
        audit[0]
            .dopo
            .as_deref()
            .unwrap()
            .contains("urn:oasis:names:tc:emergency:cap:1.2")
    );
    // An operator cancels it: gone from the state, still in the history at an earlier instant.
    let prima = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        app.post_form(Role::Editor, &format!("/allerte/{id}/annulla"), "")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        livello_json(&json_stato(&app, "").await, "048017", "vento"),
        "verde"
    );
    let al = format!(
        "?al={}",
        prima
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            .replace('+', "%2B")
    );
    assert_eq!(
        livello_json(&json_stato(&app, &al).await, "048017", "vento"),
        "arancione"
    );
    let r = app.get(Role::Anon, "/allerte.json?al=ieri").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("RFC 3339"));
}

#[tokio::test]
async fn a_municipal_editor_alerts_only_their_own_comune() {
    let app = TestApp::new().await;
    // The referente of Firenze, for Pisa: refused, nothing saved.
    let pisa = "titolo=Allerta&rischio=idraulico&livello=giallo&scadenza=01%2F01%2F2099+10%3A00&comuni=050026";
    assert_eq!(
        app.post_form(Role::Referente, "/allerte/nuova", pisa)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Nor a whole zone.
    let zona = "titolo=Allerta&rischio=idraulico&livello=giallo&scadenza=01%2F01%2F2099+10%3A00&zone=A3&comuni=048017";
    let r = app.post_form(Role::Referente, "/allerte/nuova", zona).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Solo la sala operativa"));
    assert!(store_vuoto(&app).await);
    // For Firenze: waiting; the regional desk approves it.
    let firenze = "titolo=Esondazione+del+Mugnone&rischio=idraulico&livello=rosso&scadenza=01%2F01%2F2099+10%3A00&comuni=048017";
    let r = app
        .post_form(Role::Referente, "/allerte/nuova", firenze)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = id_da(&r);
    assert!(
        app.get(Role::Referente, "/allerte/gestione")
            .await
            .text()
            .contains("Esondazione del Mugnone")
    );
    assert_eq!(
        livello_json(&json_stato(&app, "").await, "048017", "idraulico"),
        "verde"
    );
    assert_eq!(
        app.post_form(Role::Editor, &format!("/allerte/{id}/approva"), "")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        livello_json(&json_stato(&app, "").await, "048017", "idraulico"),
        "rosso"
    );
    // An exercise, approved, never becomes public.
    let esercitazione = format!("{firenze}&esercitazione=1").replace("Esondazione", "Prova");
    let r = app
        .post_form(Role::Editor, "/allerte/nuova", &esercitazione)
        .await;
    let id = id_da(&r);
    assert_eq!(
        app.post_form(Role::Admin, &format!("/allerte/{id}/approva"), "")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !app.get(Role::Anon, "/allerte")
            .await
            .text()
            .contains("Prova del Mugnone")
    );
    assert_eq!(
        app.get(Role::Anon, &format!("/allerte/{id}")).await.status,
        StatusCode::SEE_OTHER
    );
}
