//! Sessions stored hashed, the user's sessions page, the end of other sessions at a password
//! change, and the login limit per account behind a trusted proxy.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use piazza_web::AppConfig;
use sea_orm::{ConnectionTrait, Statement};
use sha2::{Digest, Sha256};

use crate::common::{PASSWORD, TestApp, session_cookie};

fn login_da(email: &str, password: &str, ua: &str, xff: Option<&str>) -> Request<Body> {
    let mut b = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::HOST, "localhost")
        .header("sec-fetch-site", "same-origin")
        .header(header::USER_AGENT, ua)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(x) = xff {
        b = b.header("x-forwarded-for", x);
    }
    b.body(Body::from(format!(
        "email={}&password={password}&next=%2F",
        email.replace('@', "%40")
    )))
    .unwrap()
}

fn con(cookie: &str, method: &str, uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";

async fn accedi(app: &TestApp, ua: &str) -> String {
    let r = app
        .send(login_da("editor@test.it", PASSWORD, ua, None))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    session_cookie(&r.headers).unwrap()
}

/// Whether the session of `cookie` is still signed in.
async fn dentro(app: &TestApp, cookie: &str) -> bool {
    let r = app.send(con(cookie, "GET", "/account/sessioni", "")).await;
    r.status == StatusCode::OK
}

#[tokio::test]
async fn sessions_are_stored_hashed_and_listed_to_their_user() {
    let app = TestApp::new().await;
    let a = accedi(&app, FIREFOX).await;
    let b = accedi(&app, CHROME_ANDROID).await;
    let id_a = a.trim_start_matches("piazza_session=");
    let righe = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT id, data FROM sessioni",
        ))
        .await
        .unwrap();
    assert!(righe.len() >= 2);
    let ids: Vec<String> = righe.iter().map(|r| r.try_get("", "id").unwrap()).collect();
    let dati: Vec<String> = righe
        .iter()
        .map(|r| r.try_get("", "data").unwrap())
        .collect();
    // Nothing in the table is the id the browser holds; the key is its SHA-256.
    assert!(ids.iter().all(|i| i != id_a) && dati.iter().all(|d| !d.contains(id_a)));
    let hash: String = Sha256::digest(id_a.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(ids.contains(&hash));

    let html = app
        .send(con(&a, "GET", "/account/sessioni", ""))
        .await
        .text();
    assert!(html.contains("Firefox su Linux"), "{html}");
    assert!(html.contains("Chrome su Android"));
    assert_eq!(html.matches("questa sessione").count(), 1);
    // The other session's form is there, this one's is not.
    let id_b = b.trim_start_matches("piazza_session=");
    let hash_b: String = Sha256::digest(id_b.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(html.contains(&format!("/account/sessioni/{hash_b}/termina")));
    assert!(!html.contains(&format!("/account/sessioni/{hash}/termina")));

    // Another user cannot end it (not theirs: 404), anonymous users are sent to sign in.
    let viewer = app.login(crate::common::Role::Viewer).await.unwrap();
    let r = app
        .send(con(
            &viewer,
            "POST",
            &format!("/account/sessioni/{hash_b}/termina"),
            "",
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(dentro(&app, &b).await);
    let r = app
        .send(
            Request::builder()
                .method("POST")
                .uri(format!("/account/sessioni/{hash_b}/termina"))
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
    assert!(dentro(&app, &b).await);

    // Its owner ends it.
    let r = app
        .send(con(
            &a,
            "POST",
            &format!("/account/sessioni/{hash_b}/termina"),
            "",
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!dentro(&app, &b).await);
    assert!(dentro(&app, &a).await);
    let html = app
        .send(con(&a, "GET", "/account/sessioni?chiuse=1", ""))
        .await
        .text();
    assert!(html.contains("È stata chiusa una sessione."));
    assert!(!html.contains("Chrome su Android"));

    // "End all the others".
    let c = accedi(&app, CHROME_ANDROID).await;
    let d = accedi(&app, FIREFOX).await;
    let r = app
        .send(con(&a, "POST", "/account/sessioni/termina-altre", ""))
        .await;
    assert_eq!(r.location(), "/account/sessioni?chiuse=2");
    assert!(!dentro(&app, &c).await && !dentro(&app, &d).await);
    assert!(dentro(&app, &a).await);
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = TestApp::new().await;
    let a = accedi(&app, FIREFOX).await;
    let b = accedi(&app, CHROME_ANDROID).await;
    let viewer = app.login(crate::common::Role::Viewer).await.unwrap();
    let r = app
        .send(con(
            &a,
            "POST",
            "/account/password",
            &format!("attuale={PASSWORD}&nuova=nuova-password-42&conferma=nuova-password-42"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("È stata chiusa l'altra sessione aperta."));
    assert!(
        dentro(&app, &a).await,
        "the session that made the change stays"
    );
    assert!(!dentro(&app, &b).await, "the other one is ended");
    assert!(dentro(&app, &viewer).await, "other users are not touched");
}

#[tokio::test]
async fn logins_are_limited_per_account_and_per_client_behind_a_trusted_proxy() {
    let app = TestApp::with_config(AppConfig {
        accesso: piazza_web::kit::config::Accesso {
            login_burst: 2,
            login_intervallo_secondi: 60,
            login_account_burst: 3,
            login_account_intervallo_secondi: 60,
            ..Default::default()
        },
        server: piazza_web::kit::config::Server {
            proxy_fidati: vec!["127.0.0.1".into()],
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    // Three wrong passwords for one account, each from another client address.
    for i in 1..=3 {
        let r = app
            .send(login_da(
                "editor@test.it",
                "sbagliata",
                FIREFOX,
                Some(&format!("198.51.100.{i}")),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The fourth is refused even with the right password, from a fresh address.
    let r = app
        .send(login_da(
            "editor@test.it",
            PASSWORD,
            FIREFOX,
            Some("198.51.100.9"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.text()
            .contains("Troppi tentativi di accesso per questo account")
    );
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    assert!(r.headers.contains_key("content-security-policy"));
    assert!(session_cookie(&r.headers).is_none());
    // An unknown account gets the same answers, so the limit reveals nothing.
    for i in 1..=3 {
        let r = app
            .send(login_da(
                "nessuno@test.it",
                "sbagliata",
                FIREFOX,
                Some(&format!("198.51.100.{}", 20 + i)),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = app
        .send(login_da(
            "nessuno@test.it",
            "sbagliata",
            FIREFOX,
            Some("198.51.100.30"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Another account signs in: the limit is the account's.
    let r = app
        .send(login_da(
            "viewer@test.it",
            PASSWORD,
            FIREFOX,
            Some("198.51.100.40"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Per address: the proxy's clients are counted apart, not as one peer.
    for _ in 0..2 {
        let r = app
            .send(login_da(
                "admin@test.it",
                "sbagliata",
                FIREFOX,
                Some("203.0.113.5"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = app
        .send(login_da(
            "admin@test.it",
            PASSWORD,
            FIREFOX,
            Some("203.0.113.5"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("da questo indirizzo"));
    let r = app
        .send(login_da(
            "admin@test.it",
            PASSWORD,
            FIREFOX,
            Some("203.0.113.6"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
