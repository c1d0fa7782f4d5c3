//! The web-push sender against a push service written for the test, on loopback: it checks the
//! VAPID token (audience, expiry, signature with the key in the header) and decrypts every
//! payload with the subscription's private key, as a browser would; then answers 201, 410,
//! 429 with Retry-After or 500 as asked. Those tests allow loopback and `http` in the
//! outbound rules; the last ones keep the production rules and check that nothing on loopback
//! is connected to. [`tls`]: the same push service over HTTPS.

mod fila;
mod tls;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use p256::ecdh::diffie_hellman;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::{PublicKey, SecretKey};
use piazza_alerts::Esito;
use piazza_alerts::push::{Connessioni, Messaggio, Mittente};
use piazza_net::Regole;
use piazza_push::{Sottoscrizione, Vapid, b64, da_b64, decifra_con};

/// The subscriber's key pair (a browser's), as raw bytes.
struct Browser {
    privata: SecretKey,
    auth: [u8; 16],
}

#[derive(Default)]
struct Ricevuto {
    messaggi: Vec<(String, HeaderMap, Vec<u8>)>,
}

/// What the push service of a test knows and got.
struct ServizioPush {
    ricevuto: Mutex<Ricevuto>,
    /// The subscriber's private key and auth secret, to decrypt.
    privata: Vec<u8>,
    auth: [u8; 16],
    /// The answers still to give, popped from the end (then 201).
    risposte: Mutex<Vec<u16>>,
    /// `http` or `https`: the origin the VAPID audience must name, with the `Host` header.
    schema: &'static str,
}

type Stato = Arc<ServizioPush>;

async fn servizio(
    axum::extract::State(st): axum::extract::State<Stato>,
    axum::extract::Path(id): axum::extract::Path<String>,
    h: HeaderMap,
    corpo: Bytes,
) -> impl IntoResponse {
    let ServizioPush {
        ricevuto,
        privata,
        auth,
        risposte,
        schema,
    } = &*st;
    let risposta = risposte.lock().unwrap().pop().unwrap_or(201);
    if risposta != 201 {
        let mut r = StatusCode::from_u16(risposta).unwrap().into_response();
        if risposta == 429 {
            r.headers_mut().insert("Retry-After", "7".parse().unwrap());
        }
        return r;
    }
    // VAPID: `vapid t=<jwt>, k=<key>`, the JWT signed by that key, for this origin, not expired.
    let a = h["authorization"].to_str().unwrap();
    let (t, k) = a
        .strip_prefix("vapid t=")
        .unwrap()
        .split_once(", k=")
        .unwrap();
    let parti: Vec<&str> = t.split('.').collect();
    let chiave = VerifyingKey::from_sec1_bytes(&da_b64(k).unwrap()).unwrap();
    let firma = Signature::from_slice(&da_b64(parti[2]).unwrap()).unwrap();
    if chiave
        .verify(format!("{}.{}", parti[0], parti[1]).as_bytes(), &firma)
        .is_err()
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    let dati: serde_json::Value = serde_json::from_slice(&da_b64(parti[1]).unwrap()).unwrap();
    let host = h["host"].to_str().unwrap();
    assert_eq!(dati["aud"], format!("{schema}://{host}"));
    // Decrypt with the subscription's private key.
    let sk = SecretKey::from_slice(privata).unwrap();
    let ua_public: [u8; 65] = sk.public_key().to_sec1_bytes().as_ref().try_into().unwrap();
    let chiaro = decifra_con(&corpo, &ua_public, auth, |as_public| {
        let pk = PublicKey::from_sec1_bytes(as_public).ok()?;
        Some(
            diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine())
                .raw_secret_bytes()
                .to_vec(),
        )
    });
    match chiaro {
        Ok(c) => {
            ricevuto.lock().unwrap().messaggi.push((id, h.clone(), c));
            StatusCode::CREATED.into_response()
        }
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The state of a push service decrypting for `b`, answering `risposte` (from the end) and
/// then 201, reached over `schema`.
fn stato(b: &Browser, risposte: Vec<u16>, schema: &'static str) -> Stato {
    Arc::new(ServizioPush {
        ricevuto: Mutex::default(),
        privata: b.privata.to_bytes().to_vec(),
        auth: b.auth,
        risposte: Mutex::new(risposte),
        schema,
    })
}

/// The push service's routes: `POST /push/{id}`.
fn app(st: Stato) -> Router {
    Router::new()
        .route("/push/{id}", post(servizio))
        .with_state(st)
}

/// The push service on loopback over plain `http`: its base URL.
async fn avvia(b: &Browser, risposte: Vec<u16>) -> (String, Stato) {
    let st = stato(b, risposte, "http");
    let app = app(st.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (format!("http://{addr}"), st)
}

/// The push services of these tests: on loopback, plain `http`.
fn in_locale() -> Regole {
    Regole {
        consenti_http: true,
        ..Regole::push().loopback()
    }
}

fn browser() -> Browser {
    let privata = SecretKey::from_slice(&[0x2a; 32]).unwrap();
    Browser {
        privata,
        auth: [9u8; 16],
    }
}

fn sottoscrizione(b: &Browser, endpoint: String) -> Sottoscrizione {
    let pubblica = b.privata.public_key().to_sec1_bytes();
    Sottoscrizione::da_json(&endpoint, &b64(&pubblica), &b64(&b.auth)).unwrap()
}

#[tokio::test]
async fn the_push_service_decrypts_the_message_and_checks_the_vapid_token() {
    let b = browser();
    // Answers are popped from the end: 201, then 410, 429, 500.
    let (base, st) = avvia(&b, vec![500, 429, 410, 201]).await;
    let s = sottoscrizione(&b, format!("{base}/push/abc"));
    let client = Connessioni::new(Duration::from_secs(5), 4, in_locale());
    let mittente = Mittente::new(Vapid::genera(), "mailto:protezionecivile@ancitoscana.it");
    let corpo = br#"{"titolo":"Allerta rossa","comune":"Lucca"}"#;
    let m = Messaggio {
        corpo,
        ttl: 3600,
        urgente: true,
        argomento: Some("allerta-42"),
    };
    let ora = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(
        client.invia(&mittente, &s, &m, ora).await,
        Esito::Consegnato
    );
    {
        let r = st.ricevuto.lock().unwrap();
        let (id, h, chiaro) = &r.messaggi[0];
        assert_eq!(id, "abc");
        assert_eq!(chiaro.as_slice(), corpo);
        assert_eq!(h["ttl"], "3600");
        assert_eq!(h["urgency"], "high");
        assert_eq!(h["topic"], "allerta-42");
        assert_eq!(h["content-encoding"], "aes128gcm");
    }
    assert_eq!(
        client.invia(&mittente, &s, &m, ora).await,
        Esito::Scaduta,
        "410"
    );
    assert_eq!(
        client.invia(&mittente, &s, &m, ora).await,
        Esito::Riprova {
            dopo: Some(Duration::from_secs(7)),
            motivo: "troppe richieste (429)".into()
        }
    );
    assert!(matches!(
        client.invia(&mittente, &s, &m, ora).await,
        Esito::Riprova { dopo: None, .. }
    ));
    // Nobody listening: retry later, not a failure for good.
    let morto = sottoscrizione(&b, "http://127.0.0.1:9/push/x".into());
    assert!(matches!(
        client.invia(&mittente, &morto, &m, ora).await,
        Esito::Riprova { .. }
    ));
    // Only the first request was delivered.
    assert_eq!(st.ricevuto.lock().unwrap().messaggi.len(), 1);
}

#[test]
fn the_vapid_token_of_an_origin_is_signed_once_and_renewed_before_it_expires() {
    let m = Mittente::new(Vapid::genera(), "mailto:pc@example.org");
    let ora = 1_800_000_000;
    let a = m.autorizzazione("https://push.example", ora);
    // ECDSA signatures are randomised: the same header means the cached token.
    assert_eq!(m.autorizzazione("https://push.example", ora + 3600), a);
    assert_ne!(
        m.autorizzazione("https://altro.example", ora),
        a,
        "per origin"
    );
    // With less than an hour left, a new one.
    let b = m.autorizzazione("https://push.example", ora + 11 * 3600 + 1);
    assert_ne!(b, a);
    let jwt = b
        .strip_prefix("vapid t=")
        .unwrap()
        .split(", k=")
        .next()
        .unwrap();
    let dati: serde_json::Value =
        serde_json::from_slice(&da_b64(jwt.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(dati["exp"], ora + 11 * 3600 + 1 + 12 * 3600);
}

/// A push service that answers one request per connection and then closes it, as a server
/// closing idle connections does: the sender must notice and open a new one, losing nothing.
#[tokio::test]
async fn a_connection_the_push_service_closed_is_replaced_without_losing_the_message() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let connessioni = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let richieste = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    {
        let (connessioni, richieste) = (connessioni.clone(), richieste.clone());
        tokio::spawn(async move {
            loop {
                let (mut s, _) = l.accept().await.unwrap();
                connessioni.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let richieste = richieste.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        let mut h = [httparse::EMPTY_HEADER; 32];
                        let mut r = httparse::Request::new(&mut h);
                        if let Ok(httparse::Status::Complete(n)) = r.parse(&buf) {
                            let lunghezza: usize = r
                                .headers
                                .iter()
                                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                                .map(|h| std::str::from_utf8(h.value).unwrap().parse().unwrap())
                                .unwrap_or(0);
                            if buf.len() >= n + lunghezza {
                                break;
                            }
                        }
                        if s.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                            return;
                        }
                    }
                    richieste.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    s.write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n")
                        .await
                        .unwrap();
                    // Closed without saying so in advance.
                });
            }
        });
    }
    let b = browser();
    let s = sottoscrizione(&b, format!("http://{addr}/push/abc"));
    let pool = Connessioni::new(Duration::from_secs(5), 4, in_locale());
    let mittente = Mittente::new(Vapid::genera(), "mailto:pc@example.org");
    let m = Messaggio {
        corpo: b"{}",
        ttl: 60,
        urgente: false,
        argomento: None,
    };
    for _ in 0..3 {
        assert_eq!(
            pool.invia(&mittente, &s, &m, 1_800_000_000).await,
            Esito::Consegnato
        );
        // The peer's close reaches us before the next message.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(richieste.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(connessioni.load(std::sync::atomic::Ordering::SeqCst), 3);
}

/// A listener on loopback that counts the connections it accepts and closes them at once.
async fn ascoltatore() -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let porta = l.local_addr().unwrap().port();
    let n = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = n.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(s);
        }
    });
    (porta, n)
}

fn connessioni_accettate(n: &std::sync::atomic::AtomicUsize) -> usize {
    n.load(std::sync::atomic::Ordering::SeqCst)
}

#[tokio::test]
async fn the_production_rules_refuse_push_endpoints_on_this_machine_at_send_time() {
    let (porta, accettate) = ascoltatore().await;
    let b = browser();
    let mittente = Mittente::new(Vapid::genera(), "mailto:pc@example.org");
    let m = Messaggio {
        corpo: b"{}",
        ttl: 60,
        urgente: false,
        argomento: None,
    };
    let pool = Connessioni::new(Duration::from_secs(5), 4, Regole::push());
    for endpoint in [
        format!("https://127.0.0.1:{porta}/push/a"),
        format!("https://localhost:{porta}/push/b"),
        format!("https://[::ffff:127.0.0.1]:{porta}/push/c"),
        // Plain http is refused whatever the address.
        format!("http://127.0.0.1:{porta}/push/d"),
    ] {
        let s = sottoscrizione(&b, endpoint.clone());
        match pool.invia(&mittente, &s, &m, 1_800_000_000).await {
            Esito::Vietato(motivo) => assert!(motivo.contains("non ammesso"), "{motivo}"),
            altro => panic!("{endpoint}: {altro:?}"),
        }
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(connessioni_accettate(&accettate), 0);
    // The listener does count: with loopback allowed the same endpoint is connected to (and
    // the TLS handshake fails, the listener closing at once: retry later).
    let pool = Connessioni::new(Duration::from_secs(5), 4, Regole::push().loopback());
    let s = sottoscrizione(&b, format!("https://127.0.0.1:{porta}/push/a"));
    assert!(matches!(
        pool.invia(&mittente, &s, &m, 1_800_000_000).await,
        Esito::Riprova { .. }
    ));
    assert_eq!(connessioni_accettate(&accettate), 1);
}

struct Vuoto;

impl piazza_alerts::motore::Compositore for Vuoto {
    fn allerta(
        &self,
        _: &piazza_alerts::motore::Notifica,
        _: &[&piazza_db::entities::notifica_voce::Model],
        _: &piazza_alerts::motore::Destinatario,
    ) -> piazza_alerts::motore::Contenuto {
        self.conferma_vuota()
    }

    fn conferma(
        &self,
        _: &piazza_alerts::motore::Destinatario,
    ) -> piazza_alerts::motore::Contenuto {
        self.conferma_vuota()
    }
}

impl Vuoto {
    fn conferma_vuota(&self) -> piazza_alerts::motore::Contenuto {
        piazza_alerts::motore::Contenuto {
            push: "{}".into(),
            ..Default::default()
        }
    }
}

/// A database of its own (SQLite, in a temporary file) with one confirmation message queued
/// for each push subscription made.
struct Base {
    db: sea_orm::DatabaseConnection,
    file: std::path::PathBuf,
}

impl Base {
    async fn nuova(nome: &str) -> Self {
        let file = std::env::temp_dir().join(format!(
            "piazza-alerts-{nome}-{}-{}.db",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let db = piazza_db::connect(&format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .unwrap();
        piazza_db::migrate(&db).await.unwrap();
        Self { db, file }
    }

    /// Active push subscriptions of `b` at `endpoint`s, each with its confirmation queued
    /// (valid for an hour).
    async fn sottoscrizioni_confermate(&self, b: &Browser, endpoint: &[String]) {
        use piazza_alerts::outbox;
        use piazza_db::entities::{consenso, iscrizione};
        use sea_orm::{EntityTrait, Set};

        let ora = chrono::Utc::now();
        let consenso = consenso::Entity::insert(consenso::ActiveModel {
            sha256: Set("prova".into()),
            testo: Set("prova".into()),
            created_at: Set(ora),
            ..Default::default()
        })
        .exec(&self.db)
        .await
        .unwrap()
        .last_insert_id;
        let chiave = b64(&b.privata.public_key().to_sec1_bytes());
        for e in endpoint {
            let i = iscrizione::Entity::insert(iscrizione::ActiveModel {
                canale: Set("push".into()),
                indirizzo: Set(e.clone()),
                p256dh: Set(Some(chiave.clone())),
                auth: Set(Some(b64(&b.auth))),
                soglia: Set(1),
                rischi: Set(511),
                fine_allerta: Set(true),
                tester: Set(false),
                stato: Set(outbox::iscrizione_stato::ATTIVA.into()),
                consenso_id: Set(consenso),
                consenso_at: Set(ora),
                confermata_at: Set(Some(ora)),
                created_at: Set(ora),
                ..Default::default()
            })
            .exec_with_returning(&self.db)
            .await
            .unwrap();
            outbox::accoda_conferma(&self.db, &i, ora, ora + chrono::Duration::hours(1))
                .await
                .unwrap();
        }
    }

    async fn chiudi(self) {
        self.db.close().await.unwrap();
        for suffisso in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffisso}", self.file.display()));
        }
    }
}

/// The engine with its default settings: subscriptions whose endpoint is on this machine are
/// removed, their messages recorded as failed, and nothing connects to the listener.
#[tokio::test]
async fn the_engine_removes_subscriptions_the_rules_refuse_without_connecting() {
    use piazza_alerts::motore::{Config, Motore};
    use piazza_alerts::outbox;
    use piazza_db::entities::{invio, iscrizione};
    use sea_orm::EntityTrait;

    let (porta, accettate) = ascoltatore().await;
    let base = Base::nuova("rete").await;
    let db = base.db.clone();
    let b = browser();
    base.sottoscrizioni_confermate(
        &b,
        &[
            format!("https://127.0.0.1:{porta}/push/a"),
            format!("https://localhost:{porta}/push/b"),
        ],
    )
    .await;
    let motore = Arc::new(
        Motore::new(
            db.clone(),
            Config::default(),
            Vapid::genera(),
            Arc::new(Vuoto),
            Arc::new(tokio::sync::Notify::new()),
        )
        .unwrap(),
    );
    assert_eq!(motore.svuota().await.unwrap(), 2);
    assert_eq!(connessioni_accettate(&accettate), 0);
    assert!(
        iscrizione::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .is_empty()
    );
    let invii = invio::Entity::find().all(&db).await.unwrap();
    assert_eq!(invii.len(), 2);
    for i in &invii {
        assert_eq!(i.stato, outbox::stato::FALLITO);
        let errore = i.errore.as_deref().unwrap_or_default();
        assert!(
            errore.contains("non ammesso") && errore.contains("rimossa"),
            "{errore}"
        );
    }
    let rimossi = motore
        .metriche
        .valori()
        .into_iter()
        .find(|(c, e, _)| *c == "push" && *e == "rimossi")
        .unwrap()
        .2;
    assert_eq!(rimossi, 2);
    drop(motore);
    base.chiudi().await;
}
