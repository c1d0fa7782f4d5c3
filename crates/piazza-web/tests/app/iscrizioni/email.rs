//! E-mail: confirming, receiving the alert, the one-click unsubscribe.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use piazza_alerts::chiavi::Scopo;
use piazza_web::AppConfig;
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::notifiche;

use super::{allerta, invia, motore, percorso};
use crate::common::{Role, TestApp};
use crate::pari::Smtp;

#[tokio::test]
async fn an_e_mail_subscriber_confirms_receives_the_alert_and_unsubscribes_with_one_click() {
    let smtp = Smtp::avvia().await;
    let app = TestApp::with_config(AppConfig {
        smtp: piazza_web::kit::config::Smtp {
            url: Some(piazza_web::kit::config::Segreto::new(smtp.url())),
            ..Default::default()
        },
        associazione: piazza_web::kit::config::Associazione {
            public_url: "https://allerte.example.org".into(),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let m = motore(&app);
    notifiche::passo(&app.state).await.unwrap();

    let r = app
        .post_form(
            Role::Anon,
            "/allerte/iscriviti",
            "comune=Lucca&comune=porcari&rischi=idraulico&rischi=vento&soglia=arancione&fine_allerta=1&email=Mario.Rossi%40Example.ORG&consenso=1",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Controlla i tuoi messaggi"));
    // Not active until confirmed: an alert now reaches nobody.
    allerta(&app, "idraulico", Livello::Rosso, &["046017"], false).await;
    assert_eq!(invia(&app, &m).await, 1, "only the confirmation");
    let posta = smtp.attendi(1).await;
    assert_eq!(posta.len(), 1);
    let c = &posta[0];
    assert!(
        c.intestazione("to")
            .unwrap()
            .contains("mario.rossi@example.org")
    );
    assert!(c.intestazione("list-unsubscribe").is_none());
    let link = c
        .link("https://allerte.example.org/allerte/conferma/")
        .expect("the confirmation link");
    // A second request within ten minutes does not send a second message, and the answer is
    // the same (it never says whether the address was known).
    let r2 = app
        .post_form(
            Role::Anon,
            "/allerte/iscriviti",
            "comune=Lucca&comune=Porcari&rischi=idraulico&rischi=vento&soglia=arancione&fine_allerta=1&email=mario.rossi%40example.org&consenso=1",
        )
        .await;
    assert_eq!(r2.status, StatusCode::OK);
    assert_eq!(invia(&app, &m).await, 0);

    // Following the link shows a button (a scanner's GET confirms nothing); the POST confirms.
    let p = percorso(&link);
    let r = app.get(Role::Anon, &p).await;
    assert!(r.text().contains("Conferma"));
    assert_eq!(app.count("iscrizioni").await, 1);
    let r = app.post_form(Role::Anon, &p, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.get(Role::Anon, &r.location()).await;
    assert!(r.text().contains("Iscrizione confermata"), "{}", r.text());
    assert!(r.text().contains("Lucca") && r.text().contains("Porcari"));
    let gestione = format!(
        "/allerte/iscrizione/{}",
        app.state.chiavi.gettone(Scopo::Gestione, 1)
    );

    // Orange wind in Porcari: at the threshold, a subscribed risk → one message.
    allerta(&app, "vento", Livello::Arancione, &["046026"], false).await;
    assert_eq!(invia(&app, &m).await, 1);
    let posta = smtp.attendi(2).await;
    let a = &posta[1];
    assert!(
        a.corpo
            .contains("Allerta ARANCIONE per rischio vento a Porcari"),
        "{}",
        a.corpo
    );
    assert!(
        a.corpo
            .contains("https://allerte.example.org/comuni/046026#allerte")
    );
    // RFC 8058: an HTTPS URI and the one-click POST.
    let lu = a.intestazione("list-unsubscribe").unwrap();
    assert!(
        lu.starts_with("<https://allerte.example.org/allerte/disiscrivi/"),
        "{lu}"
    );
    assert_eq!(
        a.intestazione("list-unsubscribe-post"),
        Some("List-Unsubscribe=One-Click")
    );
    // Yellow temporali in Lucca: not a subscribed risk, under the threshold → nothing.
    allerta(&app, "temporali", Livello::Giallo, &["046017"], false).await;
    assert_eq!(invia(&app, &m).await, 0);

    // The data page: see and export.
    let r = app.get(Role::Anon, &format!("{gestione}/dati.json")).await;
    assert_eq!(r.status, StatusCode::OK);
    let j: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(j["indirizzo"], "mario.rossi@example.org");
    assert_eq!(j["livello_minimo"], "arancione");
    assert!(
        j["consenso"]["testo"]
            .as_str()
            .unwrap()
            .contains("Acconsento")
    );
    assert_eq!(j["messaggi"].as_array().unwrap().len(), 2);

    // One click from the mail client: POST, no cookie, no Origin, the RFC 8058 body.
    let url = lu.trim_matches(['<', '>']);
    let req = Request::builder()
        .method("POST")
        .uri(percorso(url))
        .header(header::HOST, "allerte.example.org")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Iscrizione cancellata"));
    assert_eq!(app.count("iscrizioni").await, 0);
    assert_eq!(app.count("iscrizioni_comuni").await, 0);
    assert_eq!(app.count("invii").await, 0, "its messages deleted too");
    // Its links are dead now; a second click is harmless.
    assert_eq!(
        app.get(Role::Anon, &gestione).await.status,
        StatusCode::NOT_FOUND
    );
    // Nothing more reaches it.
    allerta(&app, "vento", Livello::Rosso, &["046026"], false).await;
    assert_eq!(invia(&app, &m).await, 0);
    assert_eq!(smtp.messaggi().len(), 2);
}
