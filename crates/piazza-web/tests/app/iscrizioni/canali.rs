//! Telegram channels and SMS through their peers, honouring 429.

use std::time::Duration;

use axum::http::StatusCode;
use piazza_web::AppConfig;
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::notifiche;

use super::{allerta, invia, motore, percorso, stati};
use crate::common::{Role, TestApp};
use crate::pari::Http;

#[tokio::test]
async fn telegram_channels_and_sms_go_through_their_peers_and_honour_429() {
    let telegram = Http::avvia(
        vec![(
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"#.into(),
        )],
        r#"{"ok":true,"result":{"message_id":1}}"#,
    )
    .await;
    let sms = Http::avvia(vec![], r#"{"esito":"ok"}"#).await;
    let app = TestApp::with_config(AppConfig {
        telegram: piazza_web::kit::config::Telegram {
            api: telegram.base.clone(),
            token: Some(piazza_web::kit::config::Segreto::new("123:segreto")),
            ..Default::default()
        },
        sms: piazza_web::kit::config::Sms {
            url: Some(format!("{}/invia", sms.base)),
            autorizzazione: Some(piazza_web::kit::config::Segreto::new("Bearer chiave-sms")),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let m = motore(&app);
    notifiche::passo(&app.state).await.unwrap();
    // The Lucca channel (only the regional desk sets it).
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/invii/telegram",
            "comune=046017&chat_id=%40allerte_lucca",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            Role::Editor,
            "/allerte/invii/telegram",
            "comune=046017&chat_id=non+valido",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("@nomecanale"));
    let r = app
        .post_form(
            Role::Editor,
            "/allerte/invii/telegram",
            "comune=046017&chat_id=%40allerte_lucca&link=https%3A%2F%2Ft.me%2Fallerte_lucca",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        app.get(Role::Anon, "/allerte/iscriviti")
            .await
            .text()
            .contains("https://t.me/allerte_lucca")
    );
    // An SMS subscriber, confirmed by the link in the SMS.
    let r = app
        .post_form(
            Role::Anon,
            "/allerte/iscriviti",
            "comune=Lucca&rischi=idraulico&soglia=giallo&telefono=333+123+4567&consenso=1",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    m.svuota().await.unwrap();
    let ricevuti = sms.ricevuti();
    assert_eq!(ricevuti.len(), 1);
    let (p, h, corpo) = &ricevuti[0];
    assert_eq!(p, "/invia");
    assert_eq!(h["authorization"], "Bearer chiave-sms");
    let j: serde_json::Value = serde_json::from_str(corpo).unwrap();
    assert_eq!(j["to"], "+393331234567");
    let testo = j["text"].as_str().unwrap();
    let link = &testo[testo.find("http").unwrap()..];
    let r = app.post_form(Role::Anon, &percorso(link), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    allerta(&app, "idraulico", Livello::Rosso, &["046017"], false).await;
    invia(&app, &m).await;
    // SMS: short, with the link.
    let ricevuti = sms.ricevuti();
    assert_eq!(ricevuti.len(), 2);
    let j: serde_json::Value = serde_json::from_str(&ricevuti[1].2).unwrap();
    let testo = j["text"].as_str().unwrap();
    assert!(
        testo.starts_with("Allerta ROSSA per rischio idraulico a Lucca"),
        "{testo}"
    );
    assert!(testo.contains("/comuni/046017#allerte"));
    // Telegram answered 429 with retry_after 1: queued again, not before a second.
    let t = telegram.ricevuti();
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].0, "/bot123:segreto/sendMessage");
    assert!(stati(&app).await.contains(&"telegram:in_coda".to_owned()));
    assert_eq!(m.svuota().await.unwrap(), 0, "not due yet");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // The backoff (≥ 2.5 s for the first retry) may be longer than retry_after: wait for it.
    let mut giri = 0;
    while telegram.ricevuti().len() < 2 {
        m.svuota().await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
        giri += 1;
        assert!(giri < 40, "Telegram never retried");
    }
    let t = telegram.ricevuti();
    let j: serde_json::Value = serde_json::from_str(&t[1].2).unwrap();
    assert_eq!(j["chat_id"], "@allerte_lucca");
    assert!(j["text"].as_str().unwrap().contains("ROSSA"));
    assert!(stati(&app).await.iter().all(|s| s.ends_with(":inviato")));
}
