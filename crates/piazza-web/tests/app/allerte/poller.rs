//! Polling: a feed (conditional, failures never touch the state) and the national bulletin.

use piazza_web::allerte::bollettino::Livello;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use axum::http::StatusCode;

use super::{contati, livello_al, t};
use crate::common::{Role, TestApp, data_file};

/// A source on loopback for the poller: an Atom feed of CAP documents with ETag support and a
/// switch to make it fail in the ways real feeds fail; and a national bulletin.
mod peer {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;

    #[derive(Default)]
    pub struct Stato {
        /// 0 normal, 1 HTTP 500, 2 garbage, 3 too slow, 4 gone (404).
        pub modo: AtomicUsize,
        pub richieste: AtomicUsize,
        pub condizionali: AtomicUsize,
        pub documenti: std::sync::Mutex<Vec<String>>,
        pub bollettino: std::sync::Mutex<Vec<(String, String)>>,
    }

    pub async fn avvia(s: Arc<Stato>) -> String {
        let s2 = s.clone();
        let s3 = s.clone();
        let s4 = s.clone();
        let app = Router::new()
            .route(
                "/feed.atom",
                get(move |h: HeaderMap| {
                    let s = s2.clone();
                    async move { feed(&s, &h).await }
                }),
            )
            .route(
                "/cap/{n}",
                get(move |axum::extract::Path(n): axum::extract::Path<usize>| {
                    let s = s3.clone();
                    async move {
                        let d = s.documenti.lock().unwrap().get(n).cloned();
                        match d {
                            Some(d) => {
                                ([(header::CONTENT_TYPE, "application/cap+xml")], d).into_response()
                            }
                            None => StatusCode::NOT_FOUND.into_response(),
                        }
                    }
                }),
            )
            .route(
                "/dpc/{file}",
                get(move |axum::extract::Path(f): axum::extract::Path<String>| {
                    let s = s4.clone();
                    async move {
                        let b = s
                            .bollettino
                            .lock()
                            .unwrap()
                            .iter()
                            .find(|(n, _)| *n == f)
                            .map(|(_, b)| b.clone());
                        match b {
                            Some(b) => b.into_response(),
                            None => StatusCode::NOT_FOUND.into_response(),
                        }
                    }
                }),
            );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
        format!("http://{addr}")
    }

    async fn feed(s: &Stato, h: &HeaderMap) -> Response {
        s.richieste.fetch_add(1, Ordering::SeqCst);
        match s.modo.load(Ordering::SeqCst) {
            1 => return (StatusCode::INTERNAL_SERVER_ERROR, "errore").into_response(),
            2 => return "<html><body>Servizio in manutenzione</body></html>".into_response(),
            3 => {
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                return "tardi".into_response();
            }
            4 => return StatusCode::NOT_FOUND.into_response(),
            _ => {}
        }
        let n = s.documenti.lock().unwrap().len();
        let etag = format!("\"v{n}\"");
        if h.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
            s.condizionali.fetch_add(1, Ordering::SeqCst);
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
        }
        let entries: String = (0..n)
            .map(|i| format!("<entry><id>urn:{i}</id><title>{i}</title><updated>2026-11-26T10:00:00Z</updated><link rel=\"alternate\" type=\"application/cap+xml\" href=\"/cap/{i}\"/></entry>"))
            .collect();
        (
            [(header::ETAG, etag), (header::CONTENT_TYPE, "application/atom+xml".into())],
            format!("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:feed</id><title>Feed</title><updated>2026-11-26T10:00:00Z</updated>{entries}</feed>"),
        )
            .into_response()
    }
}

#[tokio::test]
async fn polling_a_feed_is_conditional_and_failures_never_touch_the_state() {
    use std::sync::atomic::Ordering;

    use piazza_web::allerte::{poller, store};
    // The peer serving the feed listens on loopback.
    let app = TestApp::with_config(piazza_web::AppConfig {
        allerte: piazza_web::kit::config::Allerte {
            fonti_loopback: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let terr = app.state.territorio.get();
    let s = std::sync::Arc::new(peer::Stato::default());
    let base = peer::avvia(s.clone()).await;
    let oggi = chrono::Utc::now();
    let domani =
        (oggi + chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let xml = |n: &str| {
        std::fs::read_to_string(format!(
            "{}/../piazza-cap/tests/documenti/{n}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .replace("2026-10-15T23:59:00+02:00", &domani)
        .replace("2026-10-16T12:00:00+02:00", &domani)
    };
    s.documenti
        .lock()
        .unwrap()
        .push(xml("allerta-toscana-multilingua.xml"));
    s.documenti.lock().unwrap().push(xml("aggiornamento.xml"));
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti",
            &format!("codice=meteo&nome=Feed+CAP+di+prova&tipo=cap_feed&url={base}/feed.atom&intervallo=60"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let fonte = || async {
        piazza_db::entities::fonte_allerta::Entity::find()
            .filter(piazza_db::entities::fonte_allerta::Column::Codice.eq("meteo"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        poller::da_interrogare(&app.db, chrono::Utc::now())
            .await
            .unwrap()
            .len(),
        1,
        "due at once"
    );
    let client = poller::client(
        std::time::Duration::from_secs(1),
        piazza_net::Regole::fonti().loopback(),
    );
    let firenze = || async {
        livello_al(
            &store::stato_al(&app.db, chrono::Utc::now()).await.unwrap(),
            &terr,
            "048017",
            "idrogeologico",
        )
    };

    let r = poller::interroga(&app.db, &terr, &client, &fonte().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.documenti, r.nuovi, r.invariato), (2, 2, false));
    assert_eq!(firenze().await, Livello::Rosso, "the update is in force");
    let f = fonte().await;
    assert_eq!(f.etag.as_deref(), Some("\"v2\""));
    assert!(f.prossimo_tentativo.unwrap() > chrono::Utc::now() + chrono::Duration::seconds(50));
    assert!(
        poller::da_interrogare(&app.db, chrono::Utc::now())
            .await
            .unwrap()
            .is_empty(),
        "not due again yet"
    );

    // Again: a conditional request, 304, nothing to do.
    let r = poller::interroga(&app.db, &terr, &client, &fonte().await)
        .await
        .unwrap()
        .unwrap();
    assert!(r.invariato);
    assert_eq!(s.condizionali.load(Ordering::SeqCst), 1);

    // The feed fails in every way: the state stays, the health says it, the wait grows.
    let mut attese = Vec::new();
    for (modo, messaggio) in [
        (1, "HTTP 500"),
        (2, "atteso un feed Atom"),
        (3, "tempo scaduto"),
        (4, "HTTP 404"),
    ] {
        s.modo.store(modo, Ordering::SeqCst);
        let e = poller::interroga(&app.db, &terr, &client, &fonte().await)
            .await
            .unwrap()
            .unwrap_err();
        assert!(e.contains(messaggio), "{modo}: {e}");
        assert_eq!(
            firenze().await,
            Livello::Rosso,
            "mode {modo} leaves the state alone"
        );
        let f = fonte().await;
        assert_eq!(f.errori_consecutivi as usize, attese.len() + 1);
        attese.push((f.prossimo_tentativo.unwrap() - chrono::Utc::now()).num_seconds());
    }
    assert!(
        attese.windows(2).all(|w| w[1] > w[0]),
        "backoff grows: {attese:?}"
    );
    let pagina = app.get(Role::Editor, "/allerte/gestione").await.text();
    assert!(
        pagina.contains("4 errori di fila") && pagina.contains("HTTP 404"),
        "health on the desk"
    );

    // Back to normal: healthy again, recorded in the audit log.
    s.modo.store(0, Ordering::SeqCst);
    let r = poller::interroga(&app.db, &terr, &client, &fonte().await)
        .await
        .unwrap()
        .unwrap();
    assert!(r.invariato || r.duplicati == 2);
    assert_eq!(fonte().await.errori_consecutivi, 0);
    let audit = piazza_db::entities::audit_log::Entity::find()
        .filter(piazza_db::entities::audit_log::Column::Entita.eq("fonte_allerta"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.azione == "interrogazione_fallita")
            .count(),
        4
    );
    assert!(audit.iter().any(|a| a.azione == "fonte_ripristinata"));
    assert!(s.richieste.load(Ordering::SeqCst) >= 7);
}

#[tokio::test]
async fn polling_the_national_bulletin_applies_today_and_tomorrow() {
    use piazza_web::allerte::{poller, store};
    // The peer serving the feed listens on loopback.
    let app = TestApp::with_config(piazza_web::AppConfig {
        allerte: piazza_web::kit::config::Allerte {
            fonti_loopback: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let terr = app.state.territorio.get();
    let s = std::sync::Arc::new(peer::Stato::default());
    let base = peer::avvia(s.clone()).await;
    let oggi = String::from_utf8(data_file(
        "dpc-bollettini/20231103_1614_today.stripped.json",
    ))
    .unwrap();
    let domani = oggi.replace("20231103_1614_today", "20231103_1614_tomorrow");
    let indice = String::from_utf8(data_file("dpc-bollettini/20231103_1614.json"))
        .unwrap()
        .replace(
            "https://raw.githubusercontent.com/pcm-dpc/DPC-Bollettini-Criticita-Idrogeologica-Idraulica/master/files/topojson/",
            &format!("{base}/dpc/"),
        );
    *s.bollettino.lock().unwrap() = vec![
        ("indice.json".into(), indice),
        ("20231103_1614_today.json".into(), oggi),
        ("20231103_1614_tomorrow.json".into(), domani),
    ];
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti",
            &format!(
                "codice=dpc-web&nome=Bollettino+DPC&tipo=bollettino_dpc&url={base}/dpc/indice.json"
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let fonte = piazza_db::entities::fonte_allerta::Entity::find()
        .filter(piazza_db::entities::fonte_allerta::Column::Codice.eq("dpc-web"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let client = poller::client(
        std::time::Duration::from_secs(2),
        piazza_net::Regole::fonti().loopback(),
    );
    let r = poller::interroga(&app.db, &terr, &client, &fonte)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.documenti, r.nuovi), (2, 2), "{r:?}");
    for t_ in ["2023-11-03T18:00:00Z", "2023-11-04T12:00:00Z"] {
        let st = store::stato_al(&app.db, t(t_)).await.unwrap();
        assert_eq!(contati(&st, "idraulico", Livello::Arancione), 66, "{t_}");
    }
    // A missing day file: an error, nothing applied (the index is all or nothing).
    s.bollettino
        .lock()
        .unwrap()
        .retain(|(n, _)| !n.contains("tomorrow"));
    let fonte = piazza_db::entities::fonte_allerta::Entity::find_by_id(fonte.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let e = poller::interroga(&app.db, &terr, &client, &fonte)
        .await
        .unwrap()
        .unwrap_err();
    assert!(e.contains("404"), "{e}");
}
