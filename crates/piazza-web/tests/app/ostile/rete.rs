//! Push endpoints and feed URLs that point inside the network; a known endpoint re-posted.

use axum::http::StatusCode;
use piazza_web::AppConfig;
use sea_orm::{ConnectionTrait, Statement};

use super::{iscrizione, json_post};
use crate::common::{Role, TestApp};
use crate::pari::Push;

/// (p256dh, auth, comune ids) of the push subscription at `endpoint`.
async fn riga_push(app: &TestApp, endpoint: &str) -> (String, String, Vec<i64>) {
    let b = app.db.get_database_backend();
    let r = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            b,
            match b {
                sea_orm::DbBackend::Postgres => {
                    "SELECT id, p256dh, auth FROM iscrizioni WHERE indirizzo = $1"
                }
                _ => "SELECT id, p256dh, auth FROM iscrizioni WHERE indirizzo = ?",
            },
            [endpoint.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    let id: i64 = r.try_get("", "id").unwrap();
    let comuni = app
        .db
        .query_all_raw(Statement::from_string(
            b,
            format!(
                "SELECT comune_id FROM iscrizioni_comuni WHERE iscrizione_id = {id} ORDER BY comune_id"
            ),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<i64>("", "comune_id").unwrap())
        .collect();
    (
        r.try_get("", "p256dh").unwrap(),
        r.try_get("", "auth").unwrap(),
        comuni,
    )
}

#[tokio::test]
async fn re_posting_a_known_push_endpoint_reveals_and_changes_nothing_without_its_secret() {
    let push = Push::avvia().await;
    let app = TestApp::with_config(crate::common::con_push_loopback()).await;
    let (endpoint, p256dh, auth) = push.browser("vittima");
    let r = app
        .send(json_post(
            "/allerte/iscriviti/push",
            &iscrizione(&endpoint, &p256dh, &auth, "Lucca"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let prima = riga_push(&app, &endpoint).await;

    // The attacker knows the endpoint, not the browser's secret: its own keys, another comune.
    let (_, p256dh_x, auth_x) = push.browser("attaccante");
    let r = app
        .send(json_post(
            "/allerte/iscriviti/push",
            &iscrizione(&endpoint, &p256dh_x, &auth_x, "Pisa"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(!r.text().contains("gestione\""), "{}", r.text());
    assert!(!r.text().contains("/allerte/iscrizione/"));
    assert!(r.text().contains("già iscritto"));
    assert_eq!(riga_push(&app, &endpoint).await, prima, "nothing changed");
    // The same secret with other keys is not the same browser either.
    let r = app
        .send(json_post(
            "/allerte/iscriviti/push",
            &iscrizione(&endpoint, &p256dh_x, &auth, "Pisa"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(riga_push(&app, &endpoint).await, prima);

    // The browser itself (same endpoint and keys) changes its preferences.
    let r = app
        .send(json_post(
            "/allerte/iscriviti/push",
            &iscrizione(&endpoint, &p256dh, &auth, "Pisa"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.text().contains("/allerte/iscrizione/"));
    let dopo = riga_push(&app, &endpoint).await;
    assert_eq!((&dopo.0, &dopo.1), (&prima.0, &prima.1));
    assert_ne!(dopo.2, prima.2, "the comuni are the new ones");
    assert_eq!(app.count("iscrizioni").await, 1);
}

#[tokio::test]
async fn push_endpoints_inside_the_network_or_outside_the_known_services_are_refused() {
    let push = Push::avvia().await;
    // The default configuration: https, public addresses, the browsers' push services.
    let app = TestApp::new().await;
    let (_, p256dh, auth) = push.browser("x");
    for (endpoint, motivo) in [
        ("https://169.254.169.254/latest/meta-data/", "rete interna"),
        ("https://127.0.0.1:8443/push/x", "rete interna"),
        ("https://[::1]/push/x", "rete interna"),
        ("https://[::ffff:10.0.0.1]/push/x", "rete interna"),
        ("https://10.1.2.3/push/x", "rete interna"),
        ("https://192.168.1.1/push/x", "rete interna"),
        ("https://[fd00::1]/push/x", "rete interna"),
        ("https://localhost/push/x", "non"),
        ("https://metadata.google.internal/x", "non"),
        ("http://fcm.googleapis.com/fcm/send/x", "https"),
        ("https://evil.example/push/x", "non è tra quelli ammessi"),
        (
            "https://user:pw@fcm.googleapis.com/fcm/send/x",
            "credenziali",
        ),
    ] {
        let r = app
            .send(json_post(
                "/allerte/iscriviti/push",
                &iscrizione(endpoint, &p256dh, &auth, "Lucca"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{endpoint}");
        assert!(
            r.text().to_lowercase().contains(motivo),
            "{endpoint}: {}",
            r.text()
        );
    }
    assert_eq!(app.count("iscrizioni").await, 0);
    // A real push service's endpoint is accepted (nothing is contacted to accept it).
    let r = app
        .send(json_post(
            "/allerte/iscriviti/push",
            &iscrizione(
                "https://fcm.googleapis.com/fcm/send/abc:def",
                &p256dh,
                &auth,
                "Lucca",
            ),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(app.count("iscrizioni").await, 1);
}

/// A loopback listener that counts the connections it accepts (and answers nothing useful).
async fn contatore() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let porta = l.local_addr().unwrap().port();
    let n = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let n2 = n.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            n2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(s);
        }
    });
    (porta, n)
}

#[tokio::test]
async fn feed_urls_inside_the_network_are_refused_when_saved_and_when_polled() {
    use piazza_web::allerte::poller;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (porta, connessioni) = contatore().await;
    let app = TestApp::new().await;
    for url in [
        format!("http://127.0.0.1:{porta}/feed.atom"),
        format!("http://localhost:{porta}/feed.atom"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/feed".to_owned(),
        format!("http://[::1]:{porta}/feed"),
        "http://0x7f.1/feed".to_owned(),
        "file:///etc/passwd".to_owned(),
    ] {
        let r = app
            .post_form(
                Role::Admin,
                "/allerte/fonti",
                &format!(
                    "codice=x&nome=Feed&tipo=cap_feed&url={}&intervallo=60",
                    piazza_web::kit::error::urlencode(&url)
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(r.text().contains("id=\"url-errore\""), "{url}");
    }
    let fonti = app.count("fonti_allerta").await;

    // A source saved where loopback is allowed (a local mirror), polled by a poller that does
    // not allow it: refused before any connection, the name resolved and judged.
    let locale = TestApp::with_config(AppConfig {
        allerte: piazza_web::kit::config::Allerte {
            fonti_loopback: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let r = locale
        .post_form(
            Role::Admin,
            "/allerte/fonti",
            &format!("codice=specchio&nome=Specchio&tipo=cap_feed&url=http%3A%2F%2Flocalhost%3A{porta}%2Ffeed.atom&intervallo=60"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let fonte = piazza_db::entities::fonte_allerta::Entity::find()
        .filter(piazza_db::entities::fonte_allerta::Column::Codice.eq("specchio"))
        .one(&locale.db)
        .await
        .unwrap()
        .unwrap();
    let client = poller::client(
        std::time::Duration::from_secs(2),
        piazza_net::Regole::fonti(),
    );
    let terr = locale.state.territorio.get();
    let e = poller::interroga(&locale.db, &terr, &client, &fonte)
        .await
        .unwrap()
        .unwrap_err();
    assert!(e.contains("non ammesso"), "{e}");
    assert_eq!(connessioni.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(app.count("fonti_allerta").await, fonti);
}
