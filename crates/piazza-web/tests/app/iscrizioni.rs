//! Cittadino Informato, part 2: subscriptions and delivery, end to end against real peers on
//! loopback (`pari`): an SMTP server, a push service that decrypts, Telegram and SMS peers.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use piazza_alerts::chiavi::Scopo;
use piazza_alerts::motore::Motore;
use piazza_alerts::outbox;
use piazza_db::audit::Actor;
use piazza_web::AppConfig;
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::model::NuovaAllerta;
use piazza_web::allerte::{fonti, iscrizioni, notifiche, store};

use crate::common::{Role, TestApp};
use crate::pari::{Http, Push, Smtp};

/// An alert from the operators' source, public at once (or an exercise, never public).
pub(crate) async fn allerta(
    app: &TestApp,
    rischio: &str,
    livello: Livello,
    comuni: &[&str],
    esercitazione: bool,
) -> i64 {
    let t = app.state.territorio.get();
    let ora = Utc::now();
    let n = NuovaAllerta {
        titolo: format!("Allerta {rischio} di prova"),
        rischio: rischio.into(),
        livello,
        inizio: ora - chrono::Duration::minutes(1),
        scadenza: ora + chrono::Duration::hours(6),
        comuni: comuni.iter().map(|c| (*c).to_owned()).collect(),
        area: "prova".into(),
        descrizione: None,
        istruzioni: None,
        esercitazione,
    };
    let doc = n.documento("prova@piazza.test", ora, None);
    let fonte = fonti::fonte_operatori(&app.db).await.unwrap();
    store::ingerisci(&app.db, &t, &fonte, &Actor::system("test"), &doc)
        .await
        .unwrap()
        .1
        .unwrap()
}

pub(crate) fn motore(app: &TestApp) -> Arc<Motore> {
    Arc::new(app.state.motore().unwrap())
}

/// The notifier's pass, then everything due sent.
pub(crate) async fn invia(app: &TestApp, m: &Arc<Motore>) -> usize {
    notifiche::passo(&app.state).await.unwrap();
    m.svuota().await.unwrap()
}

async fn stati(app: &TestApp) -> Vec<String> {
    use piazza_db::entities::invio;
    use sea_orm::{EntityTrait, QueryOrder};
    invio::Entity::find()
        .order_by_asc(invio::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| format!("{}:{}", i.canale, i.stato))
        .collect()
}

fn percorso(url: &str) -> String {
    let i = url.find("/allerte/").expect("a Piazza link");
    url[i..].to_owned()
}

#[tokio::test]
async fn an_e_mail_subscriber_confirms_receives_the_alert_and_unsubscribes_with_one_click() {
    let smtp = Smtp::avvia().await;
    let app = TestApp::with_config(AppConfig {
        smtp: piazza_web::config::Smtp {
            url: Some(piazza_web::config::Segreto::new(smtp.url())),
            ..Default::default()
        },
        associazione: piazza_web::config::Associazione {
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

#[tokio::test]
async fn push_subscribers_receive_exactly_what_they_asked_for_decrypted_once() {
    let push = Push::avvia().await;
    let app = TestApp::with_config(crate::common::con_push_loopback()).await;
    let m = motore(&app);
    notifiche::passo(&app.state).await.unwrap();
    let iscrivi = |id: &'static str,
                   comuni: &'static [&'static str],
                   rischi: &'static [&'static str],
                   soglia: &'static str,
                   fine: bool| {
        let (endpoint, p256dh, auth) = push.browser(id);
        let app = app.clone();
        async move {
            let corpo = serde_json::json!({
                "endpoint": endpoint,
                "keys": {"p256dh": p256dh, "auth": auth},
                "comuni": comuni, "rischi": rischi, "soglia": soglia,
                "fine_allerta": fine, "consenso": true,
            });
            let req = Request::builder()
                .method("POST")
                .uri("/allerte/iscriviti/push")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(corpo.to_string()))
                .unwrap();
            let r = app.send(req).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            endpoint
        }
    };
    iscrivi("giallo", &["Lucca"], &["idraulico"], "giallo", true).await;
    iscrivi("rosso", &["046017"], &["idraulico"], "rosso", false).await;
    iscrivi("vento", &["Lucca"], &["vento"], "giallo", true).await;
    iscrivi("firenze", &["Firenze"], &["idraulico"], "giallo", true).await;
    let tester = iscrivi("tester", &["Firenze"], &["idraulico"], "giallo", true).await;
    iscrivi("sparito", &["Lucca"], &["idraulico"], "giallo", true).await;
    push.stato
        .risposte
        .lock()
        .unwrap()
        .insert("sparito".into(), 410);
    assert_eq!(
        iscrizioni::imposta_tester(&app.db, &tester, true)
            .await
            .unwrap(),
        1
    );

    // Orange hydraulic alert in Lucca.
    let arancione = allerta(&app, "idraulico", Livello::Arancione, &["046017"], false).await;
    invia(&app, &m).await;
    let g = push.per("giallo");
    assert_eq!(g.len(), 1);
    let s = &g[0];
    assert!(
        s.messaggio["testo"]
            .as_str()
            .unwrap()
            .starts_with("Allerta ARANCIONE per rischio idraulico a Lucca fino alle "),
        "{}",
        s.messaggio
    );
    assert!(
        s.messaggio["url"]
            .as_str()
            .unwrap()
            .ends_with("/comuni/046017#allerte")
    );
    assert!(
        s.messaggio["disiscrivi"]
            .as_str()
            .unwrap()
            .contains("/allerte/disiscrivi/")
    );
    assert_eq!(s.intestazioni["urgency"], "high");
    assert_eq!(s.intestazioni["topic"], "c046017");
    assert_eq!(s.intestazioni["content-encoding"], "aes128gcm");
    let ttl: i64 = s.intestazioni["ttl"].to_str().unwrap().parse().unwrap();
    assert!(
        (6 * 3600 - 120..=6 * 3600).contains(&ttl),
        "TTL up to the expiry: {ttl}"
    );
    for n in ["rosso", "vento", "firenze", "tester"] {
        assert!(push.per(n).is_empty(), "{n} did not ask for this");
    }
    // 410: the subscription is gone, and removed.
    assert_eq!(app.count("iscrizioni").await, 5);
    assert!(push.stato.rifiutati.lock().unwrap().is_empty());

    // A re-run of the fan-out and of the notifier changes nothing; an unchanged re-issue
    // notifies nobody.
    let n_invii = app.count("invii").await;
    for id in 1..=3 {
        outbox::distribuisci_blocco(&app.db, id, 1000, Utc::now())
            .await
            .unwrap();
    }
    allerta(&app, "idraulico", Livello::Arancione, &["046017"], false).await;
    assert_eq!(invia(&app, &m).await, 0);
    assert_eq!(app.count("invii").await, n_invii);
    assert_eq!(push.per("giallo").len(), 1);

    // Red: both Lucca hydraulic subscribers.
    let rossa = allerta(&app, "idraulico", Livello::Rosso, &["046017"], false).await;
    invia(&app, &m).await;
    assert_eq!(push.per("giallo").len(), 2);
    assert_eq!(push.per("rosso").len(), 1);
    assert!(
        push.per("rosso")[0].messaggio["testo"]
            .as_str()
            .unwrap()
            .contains("ROSSA")
    );
    // Ended: the all-clear to who wants it (not to "rosso", who did not ask).
    let actor = Actor::system("test");
    store::termina_ora(&app.db, &actor, rossa).await.unwrap();
    invia(&app, &m).await;
    let g = push.per("giallo");
    assert_eq!(g.len(), 3);
    assert!(
        g[2].messaggio["testo"]
            .as_str()
            .unwrap()
            .contains("ridotta a ARANCIONE"),
        "{}",
        g[2].messaggio
    );
    store::termina_ora(&app.db, &actor, arancione)
        .await
        .unwrap();
    // The re-issued orange alert is still in force; end it too.
    let altre = store::attive_al(&app.db, Utc::now()).await.unwrap();
    for a in altre {
        store::termina_ora(&app.db, &actor, a.id).await.unwrap();
    }
    invia(&app, &m).await;
    let g = push.per("giallo");
    assert_eq!(g.len(), 4);
    assert!(
        g[3].messaggio["testo"]
            .as_str()
            .unwrap()
            .starts_with("Fine dell'allerta")
    );
    assert_eq!(push.per("rosso").len(), 1);

    // An exercise reaches testers only.
    allerta(&app, "idraulico", Livello::Rosso, &["048017"], true).await;
    invia(&app, &m).await;
    assert_eq!(push.per("tester").len(), 1);
    assert!(
        push.per("tester")[0].messaggio["titolo"]
            .as_str()
            .unwrap()
            .starts_with("[ESERCITAZIONE]")
    );
    assert!(push.per("firenze").is_empty());

    // A message past the alert's expiry is dropped, not sent late.
    allerta(&app, "idraulico", Livello::Giallo, &["048017"], false).await;
    notifiche::passo(&app.state).await.unwrap();
    {
        use piazza_db::entities::invio;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        invio::Entity::update_many()
            .col_expr(
                invio::Column::ScadeAt,
                Expr::value(outbox::al_ms(Utc::now() - chrono::Duration::seconds(1))),
            )
            .filter(invio::Column::Stato.eq(outbox::stato::IN_CODA))
            .exec(&app.db)
            .await
            .unwrap();
    }
    m.svuota().await.unwrap();
    assert!(push.per("firenze").is_empty());
    assert!(stati(&app).await.last().unwrap().ends_with(":scaduto"));
    assert!(push.stato.rifiutati.lock().unwrap().is_empty());
    // Every message went once: no (notification, recipient, channel) twice.
    let totale: usize = ["giallo", "rosso", "tester"]
        .iter()
        .map(|n| push.per(n).len())
        .sum();
    assert_eq!(totale, 6);
}

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
        telegram: piazza_web::config::Telegram {
            api: telegram.base.clone(),
            token: Some(piazza_web::config::Segreto::new("123:segreto")),
            ..Default::default()
        },
        sms: piazza_web::config::Sms {
            url: Some(format!("{}/invia", sms.base)),
            autorizzazione: Some(piazza_web::config::Segreto::new("Bearer chiave-sms")),
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

#[tokio::test]
async fn bad_input_is_refused_in_italian_and_nothing_is_saved() {
    let smtp = Smtp::avvia().await;
    let app = TestApp::with_config(AppConfig {
        smtp: piazza_web::config::Smtp {
            url: Some(piazza_web::config::Segreto::new(smtp.url())),
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
async fn the_staff_watch_the_sending_and_metrics_need_a_token_or_an_administrator() {
    let push = Push::avvia().await;
    let app = TestApp::with_config(AppConfig {
        allerte: piazza_web::config::Allerte {
            push_loopback: true,
            metrics_token: Some(piazza_web::config::Segreto::new("segreto-metriche")),
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

#[tokio::test]
async fn subscribing_is_rate_limited_per_client_address() {
    let app = TestApp::with_config(AppConfig {
        accesso: piazza_web::config::Accesso {
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
