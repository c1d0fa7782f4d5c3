//! Hostile input: what an attacker tries against a running Piazza, and what must hold after.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use piazza_web::AppConfig;
use sea_orm::{ConnectionTrait, Statement};

use crate::common::{Role, TestApp};
use crate::pari::Push;

fn json_post(uri: &str, corpo: &serde_json::Value) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(corpo.to_string()))
        .unwrap()
}

fn iscrizione(endpoint: &str, p256dh: &str, auth: &str, comune: &str) -> serde_json::Value {
    serde_json::json!({
        "endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth},
        "comuni": [comune], "rischi": ["idraulico"], "soglia": "giallo", "consenso": true
    })
}

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
    let app = TestApp::with_config(AppConfig {
        push_loopback: true,
        ..AppConfig::default()
    })
    .await;
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
        public_url: "https://piazza.example.it".into(),
        login_burst: 4,
        login_intervallo_secondi: 60,
        ..AppConfig::default()
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
                    piazza_web::error::urlencode(&url)
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
        fonti_loopback: true,
        ..AppConfig::default()
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

/// The real server on loopback with short limits: `(address, shutdown trigger, server task)`.
async fn server_reale(
    app: &TestApp,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let limiti = piazza_web::server::Limiti {
        intestazioni: std::time::Duration::from_secs(1),
        connessioni: 64,
        chiusura: std::time::Duration::from_secs(1),
    };
    let router = app.router.clone();
    let h = tokio::spawn(piazza_web::server::servi(l, router, limiti, async move {
        let _ = rx.await;
    }));
    (addr, tx, h)
}

#[tokio::test]
async fn an_incomplete_request_is_cut_off_and_never_holds_the_shutdown() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::new().await;
    let (addr, stop, server) = server_reale(&app).await;
    // Headers that never end: the server closes the connection after its header deadline.
    let mut lenta = tokio::net::TcpStream::connect(addr).await.unwrap();
    lenta
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Lenta: 1\r\n")
        .await
        .unwrap();
    let inizio = std::time::Instant::now();
    let mut buf = Vec::new();
    let letto = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        lenta.read_to_end(&mut buf),
    )
    .await;
    assert!(
        letto.is_ok(),
        "the stalled connection is still open after 10 s"
    );
    assert!(inizio.elapsed() < std::time::Duration::from_secs(5));
    // Meanwhile the server answers others.
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut risposta = String::new();
    c.read_to_string(&mut risposta).await.unwrap();
    assert!(risposta.starts_with("HTTP/1.1 200"), "{risposta}");

    // A client that connected and sends nothing, another mid-headers: the shutdown does not
    // wait for them beyond its deadline.
    let _muta = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut a_meta = tokio::net::TcpStream::connect(addr).await.unwrap();
    a_meta.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let inizio = std::time::Instant::now();
    stop.send(()).unwrap();
    let fine = tokio::time::timeout(std::time::Duration::from_secs(10), server).await;
    assert!(
        fine.is_ok(),
        "the server was still running 10 s after the signal"
    );
    assert!(
        inizio.elapsed() < std::time::Duration::from_secs(4),
        "{:?}",
        inizio.elapsed()
    );
    // No new connection is accepted after it.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// An XLSX of one sheet whose XML is `foglio` (the parts Excel needs, nothing else).
fn xlsx(foglio: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (nome, testo) in [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Progetti" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ] {
        z.start_file(nome, o).unwrap();
        z.write_all(testo.as_bytes()).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", o).unwrap();
    z.write_all(foglio).unwrap();
    z.finish().unwrap().into_inner()
}

fn foglio(righe: &str) -> Vec<u8> {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{righe}</sheetData></worksheet>"#).into_bytes()
}

#[tokio::test]
async fn hostile_spreadsheets_are_refused_and_the_alert_service_keeps_delivering() {
    use crate::iscrizioni::{allerta, invia, motore};
    use piazza_web::allerte::bollettino::Livello;
    let push = Push::avvia().await;
    let app = TestApp::with_config(AppConfig {
        push_loopback: true,
        ..AppConfig::default()
    })
    .await;
    let (endpoint, p256dh, auth) = push.browser("cittadino");
    let r = app
        .send(json_post(
            "/allerte/iscriviti/push",
            &iscrizione(&endpoint, &p256dh, &auth, "Lucca"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let progetti = app.count("progetti").await;

    // 1. A1 and XFD1048576: a dense range of 17 billion cells (the old reader aborted the process).
    let angoli = xlsx(&foglio(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Codice</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
    ));
    assert!(angoli.len() < 2_000, "{} bytes", angoli.len());
    // 2. 300 MB of whitespace inside the sheet, a few hundred KB zipped.
    let mut spazi = foglio("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    let dove = spazi.len() - "</sheetData></worksheet>".len();
    spazi.splice(dove..dove, std::iter::repeat_n(b' ', 300 * 1024 * 1024));
    let bomba = xlsx(&spazi);
    drop(spazi);
    assert!(bomba.len() < 2 * 1024 * 1024, "{} bytes", bomba.len());
    // 3. Three million cells in a few hundred KB.
    let celle: String = (1..=6000)
        // 6,000 rows of 500 cells.
        .map(|r| format!("<row r=\"{r}\">{}</row>", "<c><v>7</v></c>".repeat(500)))
        .collect();
    let molte = xlsx(&foglio(&celle));
    drop(celle);
    // 4. Nested far deeper than any sheet.
    let profondo = xlsx(&foglio(&"<x>".repeat(100_000)));

    for (nome, file, messaggio) in [
        ("angoli.xlsx", angoli, "colonn"),
        ("spazi.xlsx", bomba, ""),
        ("celle.xlsx", molte, "celle"),
        ("profondo.xlsx", profondo, ""),
        (
            "casuale.xlsx",
            (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect(),
            "",
        ),
        ("troncato.xlsx", xlsx(&foglio(""))[..300].to_vec(), ""),
    ] {
        let r = app
            .post_file(Role::Editor, "/progetti/importa", "file", nome, &file)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{nome}: {}",
            r.text()
        );
        let t = r.text();
        assert!(t.contains("<html lang=\"it\">"), "{nome}");
        assert!(t.to_lowercase().contains(messaggio), "{nome}: {t}");
        assert!(!t.contains("Error") && !t.contains("failed"), "{nome}: {t}");
    }
    // A multipart body cut short.
    let cookie = app.login(Role::Editor).await.unwrap();
    let r = app
        .send(
            Request::builder()
                .method("POST")
                .uri("/progetti/importa")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .header(header::COOKIE, cookie)
                .header(
                    header::CONTENT_TYPE,
                    "multipart/form-data; boundary=----confine",
                )
                .body(Body::from(
                    "------confine\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nCodice;Acr",
                ))
                .unwrap(),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.text().contains("<html lang=\"it\">"));
    assert_eq!(app.count("progetti").await, progetti, "nothing half-saved");

    // The server still answers, and an alert still reaches the citizen.
    assert_eq!(app.get(Role::Anon, "/healthz").await.status, StatusCode::OK);
    let m = motore(&app);
    // The notifier's first pass takes the state as it is (nothing to announce yet).
    piazza_web::allerte::notifiche::passo(&app.state)
        .await
        .unwrap();
    allerta(&app, "idraulico", Livello::Arancione, &["046017"], false).await;
    assert_eq!(invia(&app, &m).await, 1);
    assert_eq!(push.per("cittadino").len(), 1);
}
