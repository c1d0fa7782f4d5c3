//! Notices and plans belong to the comune's editors.

use sea_orm::EntityTrait;

use axum::http::StatusCode;

use crate::common::{Role, TestApp};

#[tokio::test]
async fn notices_and_plans_belong_to_the_comune_s_editors() {
    let app = TestApp::new().await;
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/avvisi",
            "comune=050026&tipo=acqua&titolo=Acqua",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "not their comune");
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/avvisi",
            "comune=048017&tipo=viabilita&titolo=&lat=43,77",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Scrivi il titolo"));
    assert!(r.text().contains("sia la latitudine sia la longitudine"));
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/avvisi",
            "comune=048017&tipo=viabilita&titolo=Ponte+Vecchio+chiuso&testo=Per+lavori&lat=43%2C768&lon=11%2C253",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let pagina = app.get(Role::Anon, "/comuni/048017").await.text();
    assert!(pagina.contains("Ponte Vecchio chiuso") && pagina.contains("openstreetmap"));
    let feed = app
        .get(Role::Anon, "/comuni/048017/avvisi.atom")
        .await
        .text();
    assert!(feed.contains("Ponte Vecchio chiuso"));
    assert!(
        !app.get(Role::Anon, "/comuni/050026/avvisi.atom")
            .await
            .text()
            .contains("Ponte Vecchio")
    );
    let avviso = piazza_db::entities::avviso_comunale::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.post_form(
            Role::Viewer,
            &format!("/allerte/avvisi/{}/ritira", avviso.id),
            ""
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_form(
            Role::Referente,
            &format!("/allerte/avvisi/{}/ritira", avviso.id),
            ""
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !app.get(Role::Anon, "/comuni/048017")
            .await
            .text()
            .contains("Ponte Vecchio chiuso")
    );

    // Plans: the referente of Firenze records theirs, not Pisa's; old plans are flagged.
    assert_eq!(
        app.post_form(
            Role::Referente,
            "/allerte/adesioni/050026",
            "adesione=01%2F02%2F2021"
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/adesioni/048017",
            "adesione=01%2F02%2F2021&piano_approvato=10%2F05%2F2015",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let pagina = app.get(Role::Editor, "/allerte/adesioni").await.text();
    assert!(pagina.contains("1 comuni aderiscono"), "one comune adopted");
    assert!(
        pagina.contains("273 hanno un piano"),
        "Firenze's plan is from 2015: out of date too"
    );
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/adesioni/048017",
            "adesione=01%2F02%2F2099",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("nel futuro"));
}
