//! Bad input refused in Italian with nothing saved; subscribing rate-limited per client.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use piazza_alerts::chiavi::Scopo;
use piazza_alerts::outbox;
use piazza_web::AppConfig;
use piazza_web::allerte::iscrizioni;

use crate::common::{Role, TestApp};
use crate::pari::Smtp;

#[tokio::test]
async fn bad_input_is_refused_in_italian_and_nothing_is_saved() {
    let smtp = Smtp::avvia().await;
    let app = TestApp::with_config(AppConfig {
        smtp: piazza_web::kit::config::Smtp {
            url: Some(piazza_web::kit::config::Segreto::new(smtp.url())),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let r = app
        .post_form(
            Role::Anon,
            "/allerte/iscriviti",
            "comune=Atlantide&soglia=verde&email=non-una-mail&telefono=12345",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Comune non trovato: «Atlantide»",
        "Scegli almeno un rischio",
        "Scegli da quale livello",
        "Indirizzo e-mail non valido",
        "Numero di cellulare non valido",
        "serve il consenso",
    ] {
        assert!(r.text().contains(m), "{m}");
    }
    // SMS not configured here.
    let r = app
        .post_form(
            Role::Anon,
            "/allerte/iscriviti",
            "comune=Lucca&rischi=idraulico&soglia=giallo&telefono=3331234567&consenso=1",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Gli SMS non sono attivi"));
    for t in ["iscrizioni", "iscrizioni_comuni", "invii", "consensi"] {
        assert_eq!(app.count(t).await, 0, "{t}");
    }
    // Push: garbage, keys that do not encrypt, plain http.
    for corpo in [
        "non json".to_owned(),
        serde_json::json!({"endpoint": "https://push.example/x", "keys": {"p256dh": "AAAA", "auth": "BBBB"}, "comuni": ["Lucca"], "rischi": ["vento"], "soglia": "giallo", "consenso": true}).to_string(),
        serde_json::json!({"endpoint": "http://127.0.0.1:9/x", "keys": {"p256dh": "AAAA", "auth": "BBBB"}, "comuni": ["Lucca"], "rischi": ["vento"], "soglia": "giallo", "consenso": true}).to_string(),
    ] {
        let req = Request::builder()
            .method("POST")
            .uri("/allerte/iscriviti/push")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(corpo))
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("non"), "{}", r.text());
    }
    assert_eq!(app.count("iscrizioni").await, 0);

    // Forged or swapped tokens: 404. A confirmation token does not manage, nor the reverse.
    let t = app.state.territorio.get();
    let n = iscrizioni::valida(
        &iscrizioni::IscrizioneForm {
            comuni: vec!["Lucca".into()],
            rischi: vec!["vento".into()],
            soglia: "giallo".into(),
            email: "anna@example.org".into(),
            consenso: true,
            ..Default::default()
        },
        &t,
    )
    .unwrap();
    let id = iscrizioni::iscrivi(&app.db, &n, Utc::now(), 48)
        .await
        .unwrap()[0];
    let conferma = app.state.chiavi.gettone(Scopo::Conferma, id);
    let gestione = app.state.chiavi.gettone(Scopo::Gestione, id);
    for p in [
        format!("/allerte/iscrizione/{conferma}"),
        format!("/allerte/conferma/{gestione}"),
        format!("/allerte/iscrizione/{id}-AAAAAAAAAAAAAAAAAAAAAA"),
        format!(
            "/allerte/iscrizione/{}",
            gestione.replacen(&id.to_string(), &(id + 1).to_string(), 1)
        ),
        "/allerte/disiscrivi/abc".to_owned(),
    ] {
        assert_eq!(
            app.get(Role::Anon, &p).await.status,
            StatusCode::NOT_FOUND,
            "{p}"
        );
    }
    // Preferences changed from the manage page are validated too.
    let r = app
        .post_form(
            Role::Anon,
            &format!("/allerte/iscrizione/{gestione}"),
            "comune=Atlantide&soglia=giallo",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Comune non trovato"));
    let r = app
        .post_form(
            Role::Anon,
            &format!("/allerte/iscrizione/{gestione}"),
            "comune=Lucca%2C+Pisa&rischi=neve&soglia=rosso",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let s = iscrizioni::scheda(&app.db, id).await.unwrap();
    assert_eq!(s.preferenze.comuni.len(), 2);
    assert_eq!(s.preferenze.soglia, 3);
    assert_eq!(iscrizioni::rischi_di(s.preferenze.rischi), vec!["neve"]);

    // Retention: logs older than the policy and unconfirmed subscriptions go.
    let ora = Utc::now();
    let (invii, iscr) = outbox::pulisci(
        &app.db,
        ora + chrono::Duration::days(1),
        ora + chrono::Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(
        (invii, iscr),
        (0, 1),
        "the queued confirmation is not a finished log row"
    );
    assert_eq!(app.count("iscrizioni").await, 0);
}

#[tokio::test]
async fn subscribing_is_rate_limited_per_client_address() {
    let app = TestApp::with_config(AppConfig {
        accesso: piazza_web::kit::config::Accesso {
            login_burst: 2,
            login_intervallo_secondi: 60,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let corpo = "comune=Lucca&rischi=vento&soglia=giallo&email=x%40example.org&consenso=1";
    for _ in 0..2 {
        let r = app.post_form(Role::Anon, "/allerte/iscriviti", corpo).await;
        assert_ne!(r.status, StatusCode::TOO_MANY_REQUESTS);
    }
    let r = app.post_form(Role::Anon, "/allerte/iscriviti", corpo).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("Attendi"));
    // The push endpoint shares the budget; reading the page does not spend it.
    assert_eq!(
        app.post_form(Role::Anon, "/allerte/iscriviti/push", "x=1")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        app.get(Role::Anon, "/allerte/iscriviti").await.status,
        StatusCode::OK
    );
}
