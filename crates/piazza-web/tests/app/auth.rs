use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use piazza_web::AppConfig;

use crate::common::{PASSWORD, Role, TestApp, session_cookie};

fn login_req(email: &str, password: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::HOST, "localhost")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "email={}&password={password}&next=%2Fpersone",
            email.replace('@', "%40")
        )))
        .unwrap()
}

#[tokio::test]
async fn login_logout_and_cookie_flags() {
    let app = TestApp::new().await;
    let r = app.send(login_req("editor@test.it", "sbagliata")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("E-mail o password non corretti."));
    assert!(session_cookie(&r.headers).is_none());
    let r = app.send(login_req("nessuno@test.it", PASSWORD)).await;
    assert!(r.text().contains("E-mail o password non corretti."));

    let r = app.send(login_req("Editor@Test.it", PASSWORD)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/persone");
    let set_cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("SameSite=Lax"));
    assert!(!set_cookie.contains("Secure"), "plain http in tests");
    let cookie = session_cookie(&r.headers).unwrap();
    let req = |method: &str, uri: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        app.send(req("GET", "/persone")).await.status,
        StatusCode::OK
    );
    let r = app.send(req("POST", "/logout")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.send(req("GET", "/persone")).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the session is gone after logout"
    );
    assert!(r.location().starts_with("/login?next=/persone"));
}

#[tokio::test]
async fn open_redirects_are_refused() {
    let app = TestApp::new().await;
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::HOST, "localhost")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "email=editor%40test.it&password={PASSWORD}&next=%2F%2Fevil.example"
        )))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.location(), "/");
}

#[tokio::test]
async fn secure_cookie_over_https() {
    let app = TestApp::with_config(AppConfig {
        associazione: piazza_web::kit::config::Associazione {
            public_url: "https://piazza.example.it".into(),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let r = app.send(login_req("editor@test.it", PASSWORD)).await;
    assert!(
        r.headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Secure")
    );
}

#[tokio::test]
async fn login_is_rate_limited() {
    let app = TestApp::with_config(AppConfig {
        accesso: piazza_web::kit::config::Accesso {
            login_burst: 3,
            login_intervallo_secondi: 60,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            app.send(login_req("editor@test.it", "sbagliata"))
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let r = app.send(login_req("editor@test.it", PASSWORD)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("Troppi tentativi"));
}

#[tokio::test]
async fn csrf_cross_origin_or_unlabelled_posts_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.login(Role::Editor).await.unwrap();
    let post = |origin: Option<&str>, site: Option<&str>| {
        let mut b = Request::builder()
            .method("POST")
            .uri("/persone/nuova")
            .header(header::HOST, "localhost")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        if let Some(s) = site {
            b = b.header("sec-fetch-site", s);
        }
        b.body(Body::from("nome=Eva&cognome=Neri")).unwrap()
    };
    assert_eq!(
        app.send(post(Some("http://evil.example"), None))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.send(post(None, Some("cross-site"))).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.send(post(None, None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("protezione CSRF"));
    assert_eq!(app.count("persone").await, 0);
    assert_eq!(
        app.send(post(Some("http://localhost"), None)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.count("persone").await, 1);
}

#[tokio::test]
async fn password_change_validates_and_works() {
    let app = TestApp::new().await;
    let r = app
        .post_form(
            Role::Viewer,
            "/account/password",
            "attuale=sbagliata&nuova=corta&conferma=diversa",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("La password attuale non è corretta."));
    assert!(html.contains("almeno 10 caratteri"));
    assert!(html.contains("Le due password non coincidono."));
    let r = app
        .post_form(
            Role::Viewer,
            "/account/password",
            &format!("attuale={PASSWORD}&nuova=nuova-password-42&conferma=nuova-password-42"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("La password è stata cambiata."));
    assert_eq!(
        app.send(login_req("viewer@test.it", PASSWORD)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.send(login_req("viewer@test.it", "nuova-password-42"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn audit_log_is_for_admins_and_filters() {
    let app = TestApp::new().await;
    app.post_form(Role::Editor, "/persone/nuova", "nome=Ugo&cognome=Bassi")
        .await;
    let html = app
        .get(Role::Admin, "/admin/audit?entita=persona")
        .await
        .text();
    assert!(html.contains("<strong>1</strong> modifiche"));
    assert!(html.contains("Bassi"));
    let html = app
        .get(Role::Admin, "/admin/audit?dal=99%2F99%2F2020")
        .await
        .text();
    assert!(html.contains("id=\"dal-errore\""));
    assert_eq!(
        app.get(Role::Editor, "/admin/audit").await.status,
        StatusCode::FORBIDDEN
    );
    let html = app.get(Role::Admin, "/admin/utenti").await.text();
    assert!(html.contains("referente di Firenze"));
}

#[tokio::test]
async fn a_malformed_path_gets_the_italian_not_found_page() {
    let app = TestApp::new().await;
    for path in [
        "/piano/abc",
        "/allerte/xyz",
        "/allerte/cap/1e3",
        "/piano/2020x/cruscotto",
    ] {
        let r = app.get(Role::Editor, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            r.text().contains("Pagina non trovata"),
            "{path}: {}",
            r.text()
        );
        assert!(r.text().contains("<html lang=\"it\">"), "{path}");
    }
}
