//! TLS to push services: the push service of these tests on loopback over HTTPS, with a
//! certificate for `localhost` and `127.0.0.1` signed by a CA generated here. The connector
//! trusts that CA only because these tests give it as an extra root
//! ([`Connessioni::con_radici`], [`Config::radici_push`]), beside the web PKI's roots that
//! production uses alone; without it the handshake fails on the certificate and nothing
//! reaches the push service. The outbound rules are the production ones with loopback allowed:
//! `https` only.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use piazza_alerts::Esito;
use piazza_alerts::motore::{Config, Motore};
use piazza_alerts::push::{CertificateDer, Connessioni, Messaggio, Mittente};
use piazza_net::Regole;
use piazza_push::Vapid;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use super::{Base, Browser, Stato, app, browser, sottoscrizione, stato};

/// A CA and the push service's certificate it signed, with the certificate's key.
struct Pki {
    ca: CertificateDer<'static>,
    certificato: CertificateDer<'static>,
    chiave: PrivateKeyDer<'static>,
}

/// A new CA (P-256) and a server certificate of it for `localhost` and `127.0.0.1`.
fn nuova_pki() -> Pki {
    let chiave_ca = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.distinguished_name
        .push(DnType::CommonName, "Piazza CA di prova");
    let ca = p.self_signed(&chiave_ca).unwrap();
    let emittente = Issuer::new(p, chiave_ca);
    let chiave = KeyPair::generate().unwrap();
    let mut s =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    s.distinguished_name.push(DnType::CommonName, "localhost");
    s.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    s.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let certificato = s.signed_by(&chiave, &emittente).unwrap();
    Pki {
        ca: ca.der().clone(),
        certificato: certificato.der().clone(),
        chiave: PrivatePkcs8KeyDer::from(chiave.serialize_der()).into(),
    }
}

/// What the HTTPS push service saw of its connections.
#[derive(Default)]
struct Visto {
    /// TCP connections accepted.
    tcp: AtomicUsize,
    /// TLS handshakes completed, and failed.
    strette: AtomicUsize,
    fallite: AtomicUsize,
}

impl Visto {
    fn leggi(&self) -> (usize, usize, usize) {
        (
            self.tcp.load(Ordering::SeqCst),
            self.strette.load(Ordering::SeqCst),
            self.fallite.load(Ordering::SeqCst),
        )
    }
}

/// Connections whose TLS handshake is done, for axum to serve.
struct Https {
    pronte: tokio::sync::mpsc::UnboundedReceiver<(
        tokio_rustls::server::TlsStream<TcpStream>,
        SocketAddr,
    )>,
    indirizzo: SocketAddr,
}

impl axum::serve::Listener for Https {
    type Io = tokio_rustls::server::TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.pronte.recv().await {
            Some(c) => c,
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.indirizzo)
    }
}

/// The push service of [`super::servizio`] over HTTPS on 127.0.0.1 with `pki`'s certificate:
/// its port, and what it saw of its connections.
async fn avvia_https(pki: &Pki, st: Stato) -> (u16, Arc<Visto>) {
    let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![pki.certificato.clone()], pki.chiave.clone_key())
    .unwrap();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let accettore = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let indirizzo = l.local_addr().unwrap();
    let visto = Arc::new(Visto::default());
    let (tx, pronte) = tokio::sync::mpsc::unbounded_channel();
    {
        let visto = visto.clone();
        tokio::spawn(async move {
            while let Ok((tcp, da)) = l.accept().await {
                visto.tcp.fetch_add(1, Ordering::SeqCst);
                let (accettore, visto, tx) = (accettore.clone(), visto.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(Duration::from_secs(5), accettore.accept(tcp)).await
                    {
                        Ok(Ok(tls)) => {
                            visto.strette.fetch_add(1, Ordering::SeqCst);
                            let _ = tx.send((tls, da));
                        }
                        _ => {
                            visto.fallite.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                });
            }
        });
    }
    let app = app(st);
    tokio::spawn(async move { axum::serve(Https { pronte, indirizzo }, app).await.unwrap() });
    (indirizzo.port(), visto)
}

/// Production's rules with loopback allowed: `https` only.
fn https_in_locale() -> Regole {
    Regole::push().loopback()
}

fn ora() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Waits (a few seconds at most) until the push service has seen `n` failed handshakes.
async fn attendi_fallite(visto: &Visto, n: usize) {
    for _ in 0..500 {
        if visto.leggi().2 >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_push_service_over_https_whose_root_the_connector_is_given_gets_every_message() {
    let pki = nuova_pki();
    let b = browser();
    let st = stato(&b, Vec::new(), "https");
    let (porta, visto) = avvia_https(&pki, st.clone()).await;
    let pool = Connessioni::con_radici(
        Duration::from_secs(5),
        4,
        https_in_locale(),
        std::slice::from_ref(&pki.ca),
    )
    .unwrap();
    let mittente = Mittente::new(Vapid::genera(), "mailto:protezionecivile@ancitoscana.it");
    let corpo = br#"{"titolo":"Allerta arancione","comune":"Pisa"}"#;
    let m = Messaggio {
        corpo,
        ttl: 600,
        urgente: true,
        argomento: Some("allerta-7"),
    };
    // By name (the certificate's DNS name), on one connection kept open.
    let s = sottoscrizione(&b, format!("https://localhost:{porta}/push/nome"));
    for _ in 0..5 {
        assert_eq!(
            pool.invia(&mittente, &s, &m, ora()).await,
            Esito::Consegnato
        );
    }
    // By address (the certificate's IP address): another origin, another connection.
    let s = sottoscrizione(&b, format!("https://127.0.0.1:{porta}/push/ip"));
    assert_eq!(
        pool.invia(&mittente, &s, &m, ora()).await,
        Esito::Consegnato
    );
    let r = st.ricevuto.lock().unwrap();
    assert_eq!(r.messaggi.len(), 6);
    for (i, (id, h, chiaro)) in r.messaggi.iter().enumerate() {
        assert_eq!(id, if i < 5 { "nome" } else { "ip" });
        // Decrypted by the push service with the subscription's key, VAPID for `https://…`.
        assert_eq!(chiaro.as_slice(), corpo);
        assert_eq!(h["content-encoding"], "aes128gcm");
        assert_eq!(h["urgency"], "high");
        assert_eq!(h["topic"], "allerta-7");
    }
    assert_eq!(visto.leggi(), (2, 2, 0));
}

#[tokio::test]
async fn without_the_extra_root_the_certificate_is_refused_and_nothing_reaches_the_push_service() {
    let pki = nuova_pki();
    let b = browser();
    let st = stato(&b, Vec::new(), "https");
    let (porta, visto) = avvia_https(&pki, st.clone()).await;
    let mittente = Mittente::new(Vapid::genera(), "mailto:pc@example.org");
    let m = Messaggio {
        corpo: b"{}",
        ttl: 60,
        urgente: false,
        argomento: None,
    };
    let s = sottoscrizione(&b, format!("https://localhost:{porta}/push/a"));
    // The web PKI's roots only, as in production.
    let pool = Connessioni::new(Duration::from_secs(5), 4, https_in_locale());
    match pool.invia(&mittente, &s, &m, ora()).await {
        Esito::Riprova { dopo: None, motivo } => {
            assert!(motivo.contains("certificato non valido"), "{motivo}");
            assert!(motivo.contains("UnknownIssuer"), "{motivo}");
        }
        altro => panic!("{altro:?}"),
    }
    // Another CA's root does not help either.
    let altra = nuova_pki().ca;
    let pool =
        Connessioni::con_radici(Duration::from_secs(5), 4, https_in_locale(), &[altra]).unwrap();
    assert!(matches!(
        pool.invia(&mittente, &s, &m, ora()).await,
        Esito::Riprova { motivo, .. } if motivo.contains("certificato non valido")
    ));
    attendi_fallite(&visto, 2).await;
    assert_eq!(visto.leggi(), (2, 0, 2));
    assert!(st.ricevuto.lock().unwrap().messaggi.is_empty());
}

#[test]
fn an_extra_root_that_is_not_a_certificate_is_refused_when_the_connector_is_built() {
    let e = Connessioni::con_radici(
        Duration::from_secs(5),
        4,
        https_in_locale(),
        &[CertificateDer::from(b"non un certificato".to_vec())],
    )
    .err()
    .unwrap();
    assert!(e.contains("certificato radice"), "{e}");
}

/// Every confirmation message with the same payload.
pub(crate) struct Conferma;

const CONFERMA: &str = r#"{"titolo":"Iscrizione confermata","testo":"Riceverai le allerte"}"#;

impl piazza_alerts::motore::Compositore for Conferma {
    fn allerta(
        &self,
        _: &piazza_alerts::motore::Notifica,
        _: &[&piazza_db::entities::notifica_voce::Model],
        d: &piazza_alerts::motore::Destinatario,
    ) -> piazza_alerts::motore::Contenuto {
        self.conferma(d)
    }

    fn conferma(
        &self,
        _: &piazza_alerts::motore::Destinatario,
    ) -> piazza_alerts::motore::Contenuto {
        piazza_alerts::motore::Contenuto {
            push: CONFERMA.into(),
            ..Default::default()
        }
    }
}

/// A database with `n` push subscriptions of `b` at the HTTPS push service on `porta`, and the
/// engine on it with `radici_push`.
async fn motore_https(
    nome: &str,
    b: &Browser,
    porta: u16,
    n: usize,
    radici_push: Vec<CertificateDer<'static>>,
) -> (Base, Arc<Motore>) {
    let base = Base::nuova(nome).await;
    let endpoint: Vec<String> = (0..n)
        .map(|i| format!("https://localhost:{porta}/push/{i}"))
        .collect();
    base.sottoscrizioni_confermate(b, &endpoint).await;
    let cfg = Config {
        rete_push: https_in_locale(),
        radici_push,
        timeout: Duration::from_secs(5),
        push_per_origine: 4,
        ..Config::default()
    };
    let motore = Motore::new(
        base.db.clone(),
        cfg,
        Vapid::genera(),
        Arc::new(Conferma),
        Arc::new(tokio::sync::Notify::new()),
    )
    .unwrap();
    (base, Arc::new(motore))
}

/// The engine's own path (outbox, workers, pooled connections, encryption) to an HTTPS push
/// service whose root only its config names: every message delivered and recorded as sent.
#[tokio::test]
async fn the_engine_delivers_over_https_when_its_config_gives_the_push_services_root() {
    use piazza_alerts::outbox;
    use piazza_db::entities::invio;
    use sea_orm::EntityTrait;

    let pki = nuova_pki();
    let b = browser();
    let st = stato(&b, Vec::new(), "https");
    let (porta, visto) = avvia_https(&pki, st.clone()).await;
    let n = 40;
    let (base, motore) = motore_https("tls", &b, porta, n, vec![pki.ca.clone()]).await;
    assert_eq!(motore.svuota().await.unwrap(), n);
    let invii = invio::Entity::find().all(&base.db).await.unwrap();
    assert_eq!(invii.len(), n);
    for i in &invii {
        assert_eq!(i.stato, outbox::stato::INVIATO, "{:?}", i.errore);
    }
    {
        let r = st.ricevuto.lock().unwrap();
        let mut id: Vec<usize> = r
            .messaggi
            .iter()
            .map(|(id, _, _)| id.parse().unwrap())
            .collect();
        id.sort_unstable();
        assert_eq!(id, (0..n).collect::<Vec<_>>(), "each subscription once");
        for (_, _, chiaro) in &r.messaggi {
            assert_eq!(chiaro.as_slice(), CONFERMA.as_bytes());
        }
    }
    let (tcp, strette, fallite) = visto.leggi();
    assert_eq!((tcp, fallite), (strette, 0));
    assert!(
        (1..=4).contains(&strette),
        "connections kept open, at most one per worker: {strette}"
    );
    drop(motore);
    base.chiudi().await;
}

/// The same engine without the extra root (production's roots alone): the handshake fails on
/// the certificate, every message is put back for a retry with that reason, the subscriptions
/// stay, and the push service got nothing.
#[tokio::test]
async fn the_engine_without_the_root_retries_later_on_a_certificate_error_and_sends_nothing() {
    use piazza_alerts::outbox;
    use piazza_db::entities::{invio, iscrizione};
    use sea_orm::EntityTrait;

    let pki = nuova_pki();
    let b = browser();
    let st = stato(&b, Vec::new(), "https");
    let (porta, visto) = avvia_https(&pki, st.clone()).await;
    let n = 5;
    let (base, motore) = motore_https("tls-no", &b, porta, n, Vec::new()).await;
    assert_eq!(motore.svuota().await.unwrap(), n);
    let invii = invio::Entity::find().all(&base.db).await.unwrap();
    assert_eq!(invii.len(), n);
    // The workers that found no connection open failed on the certificate; any that came
    // after found the push service paused for that.
    let mut certificato = 0;
    for i in &invii {
        assert_eq!(i.stato, outbox::stato::IN_CODA);
        assert_eq!(i.tentativi, 1);
        let errore = i.errore.as_deref().unwrap_or_default();
        if errore.contains("certificato non valido") {
            certificato += 1;
        } else {
            assert_eq!(errore, "servizio push in pausa");
        }
    }
    assert!(certificato >= 1);
    assert_eq!(
        iscrizione::Entity::find()
            .all(&base.db)
            .await
            .unwrap()
            .len(),
        n
    );
    // The client's alert reaches the push service a moment after the client gave up.
    attendi_fallite(&visto, 1).await;
    let (tcp, strette, fallite) = visto.leggi();
    assert_eq!(strette, 0);
    assert!(fallite >= 1 && tcp >= fallite);
    assert!(st.ricevuto.lock().unwrap().messaggi.is_empty());
    drop(motore);
    base.chiudi().await;
}
