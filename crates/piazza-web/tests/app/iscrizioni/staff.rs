//! The staff watch the sending; `/metrics` needs a token or an administrator.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use piazza_web::AppConfig;
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::{iscrizioni, notifiche};

use super::{allerta, motore};
use crate::common::{Role, TestApp};
use crate::pari::Push;

#[tokio::test]
async fn the_staff_watch_the_sending_and_metrics_need_a_token_or_an_administrator() {
    let push = Push::avvia().await;
    let app = TestApp::with_config(AppConfig {
        allerte: piazza_web::kit::config::Allerte {
            push_loopback: true,
            metrics_token: Some(piazza_web::kit::config::Segreto::new("segreto-metriche")),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let m = motore(&app);
    notifiche::passo(&app.state).await.unwrap();
    let t = app.state.territorio.get();
    for i in 0..30 {
        let (endpoint, p256dh, auth) = push.browser(&format!("b{i}"));
        let j: iscrizioni::PushJson = serde_json::from_value(serde_json::json!({
            "endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth},
            "comuni": ["Pisa"], "rischi": ["mareggiate"], "soglia": "giallo", "consenso": true
        }))
        .unwrap();
        let p = iscrizioni::valida_push(&j, &t, &app.state.config.regole_push()).unwrap();
        iscrizioni::iscrivi_push(&app.db, &j, &p, Utc::now())
            .await
            .unwrap();
    }
    allerta(&app, "mareggiate", Livello::Giallo, &["050026"], false).await;
    notifiche::passo(&app.state).await.unwrap();
    // Queued, not sent yet: the page shows 0 of 30.
    let r = app.get(Role::Viewer, "/allerte/invii/stato").await;
    assert!(r.text().contains("0 su 30 (0%)"), "{}", r.text());
    m.svuota().await.unwrap();
    let r = app.get(Role::Viewer, "/allerte/invii").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("30 su 30 (100%)"), "{}", r.text());
    assert_eq!(
        app.get(Role::Anon, "/allerte/invii").await.status,
        StatusCode::SEE_OTHER
    );

    // Adoption figures: counts only, on the comune page, the adoption page (column, map
    // layer, growth) and the home page.
    let r = app.get(Role::Anon, "/comuni/050026").await;
    assert!(
        r.text()
            .contains("seguono il comune: <strong>30</strong> (notifiche push 30)"),
        "{}",
        r.text()
    );
    assert!(!r.text().contains("/push/b1"), "no address ever shown");
    let r = app
        .get(Role::Viewer, "/allerte/adesioni?strato=iscritti")
        .await;
    assert!(r.text().contains("Iscritti a Cittadino Informato"));
    assert!(r.text().contains("10–49"));
    assert!(
        r.text()
            .contains(&format!("{}", Utc::now().format("%m/%Y")))
    );
    let r = app.get(Role::Anon, "/").await;
    assert!(
        r.text().contains("id=\"iscritti-home\">30<"),
        "{}",
        r.text()
    );

    // /metrics: the token, or an administrator; nobody else.
    assert_eq!(
        app.get(Role::Editor, "/metrics").await.status,
        StatusCode::FORBIDDEN
    );
    let req = |tok: &str| {
        Request::builder()
            .uri("/metrics")
            .header(header::HOST, "localhost")
            .header(header::AUTHORIZATION, format!("Bearer {tok}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_ne!(app.send(req("sbagliato")).await.status, StatusCode::OK);
    let r = app.send(req("segreto-metriche")).await;
    assert_eq!(r.status, StatusCode::OK);
    let testo = r.text();
    assert!(
        testo.contains("piazza_invii{canale=\"push\",stato=\"inviato\"} 30"),
        "{testo}"
    );
    assert!(testo.contains("piazza_iscrizioni{canale=\"push\"} 30"));
    let r = app.get(Role::Admin, "/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
}
