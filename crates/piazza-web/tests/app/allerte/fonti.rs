//! The CAP API and its tokens; geocodes of other systems mapped by an administrator.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use axum::http::StatusCode;

use super::store_vuoto;
use crate::common::{Role, TestApp};

#[tokio::test]
async fn the_cap_api_takes_documents_only_with_the_token_of_an_active_source() {
    let app = TestApp::new().await;
    let xml = std::fs::read_to_string(format!(
        "{}/../piazza-cap/tests/documenti/allerta-toscana-multilingua.xml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let invia = |token: Option<String>, corpo: String| {
        let mut b = axum::http::Request::builder()
            .method("POST")
            .uri("/api/allerte/cap")
            .header("host", "localhost")
            .header("content-type", "application/cap+xml");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        b.body(axum::body::Body::from(corpo)).unwrap()
    };
    // An administrator adds the source and issues its token.
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti",
            "codice=cfr-toscana&nome=Centro+funzionale&tipo=cap_api",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let fonte = piazza_db::entities::fonte_allerta::Entity::find()
        .filter(piazza_db::entities::fonte_allerta::Column::Codice.eq("cfr-toscana"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.post_form(
            Role::Editor,
            &format!("/allerte/fonti/{}/token", fonte.id),
            ""
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let pagina = app
        .post_form(
            Role::Admin,
            &format!("/allerte/fonti/{}/token", fonte.id),
            "",
        )
        .await
        .text();
    let token = pagina
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_owned();
    assert!(token.starts_with(&format!("pz_{}_", fonte.id)));
    // Without a token, with a wrong one: 401, nothing stored.
    assert_eq!(
        app.send(invia(None, xml.clone())).await.status,
        StatusCode::UNAUTHORIZED
    );
    let sbagliato = format!("{}x", &token[..token.len() - 1]);
    assert_eq!(
        app.send(invia(Some(sbagliato), xml.clone())).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(store_vuoto(&app).await);
    // With it: stored as the source's, then a copy is a duplicate.
    let r = app.send(invia(Some(token.clone()), xml.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = app.send(invia(Some(token.clone()), xml.clone())).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("già ricevuto"));
    // Garbage: 400 with the reason in Italian.
    let r = app
        .send(invia(Some(token.clone()), "<alert><broken".into()))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains("Documento CAP non leggibile"),
        "{}",
        r.text()
    );
    // A source switched off cannot post.
    app.post_form(
        Role::Admin,
        &format!("/allerte/fonti/{}/attiva", fonte.id),
        "attiva=0",
    )
    .await;
    assert_eq!(
        app.send(invia(Some(token), xml)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The sources page shows it to the staff, not to a referente.
    assert!(
        app.get(Role::Viewer, "/allerte/fonti")
            .await
            .text()
            .contains("Centro funzionale")
    );
    assert_eq!(
        app.get(Role::Referente, "/allerte/fonti").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn geocodes_of_other_systems_are_mapped_by_an_administrator() {
    let app = TestApp::new().await;
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti/geocodici",
            "value_name=EMMA_ID&valore=IT999&destinazione=zona%3AZZ",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("non riconosciuta"));
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti/geocodici",
            "value_name=EMMA_ID&valore=IT009&destinazione=regione",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("già mappato"));
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti/geocodici",
            "value_name=NUTS3&valore=ITI12&destinazione=zona%3AS2",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let terr = app.state.territorio.get();
    let mappe = piazza_web::allerte::fonti::mappature(&app.db, &terr)
        .await
        .unwrap();
    let lucca = mappe.iter().find(|m| m.valore == "ITI12").unwrap();
    assert_eq!(lucca.comuni.len(), 4);
    assert!(
        app.get(Role::Viewer, "/allerte/fonti")
            .await
            .text()
            .contains("ITI12")
    );
}
