//! One JSON shape for errors: the CAP API, the push subscription and the framework's own
//! answers under `/api/` all say `{"errore": "…"}` (with `campi` for a 422), mapped from the
//! same `AppError` as the pages.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::common::TestApp;
use crate::ostile::{iscrizione, json_post};

fn json(r: &crate::common::Resp) -> serde_json::Value {
    let tipo = r.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(tipo.starts_with("application/json"), "{tipo}: {}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

/// The keys of a JSON error: `errore` always, `campi` only when asked.
fn forma(j: &serde_json::Value, con_campi: bool) {
    let o = j.as_object().unwrap();
    assert!(o["errore"].as_str().is_some_and(|m| !m.is_empty()), "{j}");
    assert_eq!(o.contains_key("campi"), con_campi, "{j}");
    assert_eq!(o.len(), 1 + con_campi as usize, "{j}");
}

fn cap(token: Option<&str>, corpo: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method("POST")
        .uri("/api/allerte/cap")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/cap+xml");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(corpo.to_owned())).unwrap()
}

#[tokio::test]
async fn api_errors_have_one_json_shape() {
    let app = TestApp::new().await;

    // 401: no token, and a wrong one.
    for token in [None, Some("sbagliato")] {
        let r = app.send(cap(token, "<alert/>")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let j = json(&r);
        forma(&j, false);
        assert!(j["errore"].as_str().unwrap().contains("Token"), "{j}");
    }

    // 404 of the framework under /api/: the same shape, in Italian.
    let r = app
        .send(
            Request::builder()
                .uri("/api/nessuna")
                .header(header::HOST, "localhost")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    forma(&json(&r), false);

    // 422 of the push subscription: a summary, and the message of each field.
    let r = app
        .send(json_post(
            "/allerte/iscriviti/push",
            &serde_json::json!({"x": 1}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = json(&r);
    forma(&j, true);
    assert!(
        j["campi"]["richiesta"]
            .as_str()
            .unwrap()
            .contains("non leggibile")
    );
    let mut cattivo = iscrizione("http://127.0.0.1:9/x", "AAAA", "BBBB", "Nessunluogo");
    cattivo["consenso"] = serde_json::json!(false);
    let r = app
        .send(json_post("/allerte/iscriviti/push", &cattivo))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = json(&r);
    forma(&j, true);
    let campi = j["campi"].as_object().unwrap();
    assert!(campi.len() >= 2, "{j}");
    // The summary names every field's problem, so a script can show `errore` alone.
    for m in campi.values() {
        assert!(
            j["errore"].as_str().unwrap().contains(m.as_str().unwrap()),
            "{j}"
        );
    }
}

#[test]
fn an_internal_error_keeps_its_cause() {
    use piazza_web::kit::error::{AppError, catena};
    let io = std::io::Error::other("disco pieno");
    let e = AppError::causa("scrittura dell'esportazione", io);
    let causa = std::error::Error::source(&e).expect("its cause");
    assert_eq!(causa.to_string(), "disco pieno");
    assert!(std::error::Error::source(&AppError::interno("invariante")).is_none());
    assert_eq!(catena(&e), "scrittura dell'esportazione: disco pieno");
    // Shown to users: the generic message, not the cause.
    let r = axum::response::IntoResponse::into_response(e);
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
}
