//! Over-long input, paths that are not UTF-8, and the protections of every error answer.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use piazza_web::AppConfig;

use crate::common::{Role, TestApp};

#[tokio::test]
async fn over_long_searches_and_fields_get_italian_answers_and_save_nothing() {
    let app = TestApp::new().await;
    let organizzazioni = app.count("organizzazioni").await;
    // A 50,000-character filter: SQLite's LIKE refused it with a 500.
    let lunga = "a".repeat(50_000);
    for path in ["/persone", "/organizzazioni", "/progetti", "/comuni"] {
        let r = app.get(Role::Editor, &format!("{path}?q={lunga}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(r.text().contains("troppo lungo"), "{path}: {}", r.text());
        assert!(r.text().contains("<html lang=\"it\">"));
    }
    let r = app
        .get(Role::Editor, &format!("/persone?q={}", "a".repeat(201)))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("al massimo 200 caratteri"));
    let r = app
        .get(Role::Editor, &format!("/persone?q={}", "a".repeat(200)))
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // A 1 MB name: over the body limit of forms, said so.
    let r = app
        .post_form(
            Role::Editor,
            "/persone/nuova",
            &format!("nome={}&cognome=Rossi", "x".repeat(1_000_000)),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().contains("troppo grand"), "{}", r.text());
    // A 100,000-character name: refused by the form reader, naming the field.
    let r = app
        .post_form(
            Role::Editor,
            "/persone/nuova",
            &format!("nome={}&cognome=Rossi", "x".repeat(100_000)),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains("Il campo «nome» è troppo lungo"),
        "{}",
        r.text()
    );
    // A 300-character name: the form says so next to the field.
    let r = app
        .post_form(
            Role::Editor,
            "/persone/nuova",
            &format!("nome={}&cognome=Rossi", "x".repeat(300)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("id=\"nome-errore\""), "{}", r.text());
    assert!(r.text().contains("al massimo 200 caratteri"));
    let r = app
        .post_form(
            Role::Editor,
            "/organizzazioni/nuova",
            &format!("nome={}&tipo=fornitore", "y".repeat(301)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("persone").await, 0);
    assert_eq!(app.count("organizzazioni").await, organizzazioni);
}

#[tokio::test]
async fn a_path_that_is_not_utf8_gets_the_italian_not_found_page() {
    let app = TestApp::new().await;
    for path in [
        "/static/%c0%ae",
        "/static/../Cargo.toml",
        "/static/nessuno.css",
    ] {
        let r = app.get(Role::Anon, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            r.text().contains("Pagina non trovata"),
            "{path}: {}",
            r.text()
        );
        assert!(r.headers.contains_key("content-security-policy"));
    }
}

#[tokio::test]
async fn errors_carry_the_protections_too_and_hsts_over_https() {
    let app = TestApp::with_config(AppConfig {
        associazione: piazza_web::kit::config::Associazione {
            public_url: "https://piazza.example.it".into(),
            ..Default::default()
        },
        accesso: piazza_web::kit::config::Accesso {
            login_burst: 4,
            login_intervallo_secondi: 60,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let req = |method: &str, uri: &str, ct: Option<&str>, corpo: Vec<u8>| {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost");
        if let Some(ct) = ct {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b.body(Body::from(corpo)).unwrap()
    };
    let form = Some("application/x-www-form-urlencoded");
    let casi = vec![
        ("pagina", req("GET", "/", None, vec![]), StatusCode::OK),
        (
            "404",
            req("GET", "/nessuna", None, vec![]),
            StatusCode::NOT_FOUND,
        ),
        (
            "405",
            req("PUT", "/", None, vec![]),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "413",
            req("POST", "/login", form, vec![b'a'; 2 * 1024 * 1024]),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "415",
            req("POST", "/login", Some("text/csv"), b"a;b".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "missing field",
            req("POST", "/login", form, b"email=a%40b.it".to_vec()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "CSRF",
            Request::builder()
                .method("POST")
                .uri("/logout")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://evil.example")
                .body(Body::empty())
                .unwrap(),
            StatusCode::FORBIDDEN,
        ),
        (
            "API",
            req(
                "POST",
                "/api/allerte/cap",
                Some("application/xml"),
                b"<alert/>".to_vec(),
            ),
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (nome, r, atteso) in casi {
        let r = app.send(r).await;
        assert_eq!(r.status, atteso, "{nome}: {}", r.text());
        crate::common::protezioni(&r.headers, true).unwrap_or_else(|m| panic!("{nome}: {m}"));
        let t = r.text();
        // No English framework text: the Italian page, or the API's JSON error.
        for inglese in [
            "Failed to",
            "Invalid",
            "missing field",
            "Error parsing",
            "Method Not Allowed",
        ] {
            assert!(!t.contains(inglese), "{nome}: {t}");
        }
        if nome == "API" {
            assert!(
                r.headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json"),
                "{t}"
            );
        } else if atteso != StatusCode::OK {
            assert!(t.contains("<html lang=\"it\">"), "{nome}: {t}");
        }
        if atteso == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers.contains_key(header::RETRY_AFTER));
        }
    }
    // The login limit: keep trying until refused; the refusal is protected and says when.
    let mut rifiuto = None;
    for _ in 0..10 {
        let r = app
            .send(req(
                "POST",
                "/login",
                form,
                b"email=a%40b.it&password=x".to_vec(),
            ))
            .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            rifiuto = Some(r);
            break;
        }
    }
    let r = rifiuto.expect("the login limit answers 429");
    crate::common::protezioni(&r.headers, true).unwrap();
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    assert!(r.text().contains("Troppi tentativi"));
}

#[tokio::test]
async fn uploads_and_the_api_are_refused_in_italian_by_size_and_shape() {
    let app = TestApp::new().await;
    let cookie = app.login(Role::Editor).await.unwrap();
    let multipart = |ct: &str, corpo: Vec<u8>| {
        Request::builder()
            .method("POST")
            .uri("/progetti/importa")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(corpo))
            .unwrap()
    };
    // No boundary, then a boundary the body does not use.
    for ct in ["multipart/form-data", "multipart/form-data; boundary="] {
        let r = app.send(multipart(ct, b"x".to_vec())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{ct}");
        assert!(r.text().contains("<html lang=\"it\">"), "{ct}");
        assert!(!r.text().contains("boundary"), "{ct}: {}", r.text());
    }
    // An upload over the route's limit says so, with the limit.
    let mut corpo =
        b"------b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n\r\n"
            .to_vec();
    corpo.extend(std::iter::repeat_n(b'a', 11 * 1024 * 1024));
    corpo.extend(b"\r\n------b--\r\n");
    let r = app
        .send(multipart("multipart/form-data; boundary=----b", corpo))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().contains("10 MB"), "{}", r.text());
    assert!(!r.text().contains("Error parsing"));

    // The CAP API: over its limit, a JSON error in Italian (not "Failed to buffer").
    let r = app
        .send(
            Request::builder()
                .method("POST")
                .uri("/api/allerte/cap")
                .header(header::HOST, "localhost")
                .header(header::CONTENT_TYPE, "application/cap+xml")
                .header(header::AUTHORIZATION, "Bearer qualunque")
                .body(Body::from(vec![b' '; 2 * 1024 * 1024]))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let j: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let testo = j.to_string();
    assert!(
        testo.contains("troppo grand") || testo.contains("supera"),
        "{testo}"
    );
    assert!(!testo.contains("Failed"), "{testo}");
}
