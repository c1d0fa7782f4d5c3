//! Web push: each subscriber receives exactly what they asked for, decrypted once.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use piazza_alerts::outbox;
use piazza_db::audit::Actor;
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::{iscrizioni, notifiche, store};

use super::{allerta, invia, motore, stati};
use crate::common::TestApp;
use crate::pari::Push;

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
