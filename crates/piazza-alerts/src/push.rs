//! Sending one web-push message (RFC 8030) to one subscription: the body encrypted for it
//! (RFC 8291), `Authorization: vapid` (RFC 8292) for the push service's origin, `TTL` up to
//! the alert's expiry (a message past it is worthless), `Urgency: high` for orange and red,
//! `Topic` so that a newer message about the same alert replaces an undelivered older one.
//! The push service's answer says what to do next: done, retry later (429/5xx, honouring
//! `Retry-After`), or drop the subscription (404/410: it no longer exists).
//!
//! Requests go over HTTP/1.1 connections kept open per push service ([`Connessioni`]; TLS
//! for `https`): a worker takes one, sends message after message on it and gives it back.
//! The connection is driven inside the worker's own task while a request is in flight, so a
//! message costs no hand-over between tasks — at a million messages an alert, the HTTP
//! machinery around each request is a large part of the cost beside the encryption.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use piazza_push::{Sottoscrizione, Vapid, cifra, origine};

use crate::Esito;

/// What the message is.
#[derive(Debug, Clone)]
pub struct Messaggio<'a> {
    pub corpo: &'a [u8],
    /// Seconds the push service may keep it (until the alert's expiry; 0 = deliver now or drop).
    pub ttl: u64,
    /// Orange and red alerts wake the device.
    pub urgente: bool,
    /// Up to 32 URL-safe characters: the alert, so that an update replaces an older message.
    pub argomento: Option<&'a str>,
}

/// The VAPID identity of the sender: its key and contact (`mailto:` or `https:`), with the
/// signed `Authorization` of each push-service origin kept until it nears its expiry (one
/// ECDSA signature per origin every few hours, not one per message).
pub struct Mittente {
    vapid: Vapid,
    contatto: String,
    gettoni: Mutex<HashMap<String, (HeaderValue, u64)>>,
}

/// How long a token is valid, and how long before its expiry a new one is signed.
const VALIDITA: u64 = 12 * 3600;
const MARGINE: u64 = 3600;

impl Mittente {
    pub fn new(vapid: Vapid, contatto: &str) -> Self {
        Self {
            vapid,
            contatto: contatto.to_owned(),
            gettoni: Default::default(),
        }
    }

    /// The `Authorization` header for `origine` at Unix time `ora`: the cached one while it has
    /// more than an hour left, else a new one valid for 12 hours.
    pub fn autorizzazione(&self, origine: &str, ora: u64) -> String {
        self.intestazione(origine, ora)
            .to_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The same as a header value (cloning it shares the bytes).
    fn intestazione(&self, origine: &str, ora: u64) -> HeaderValue {
        let mut g = self.gettoni.lock().expect("vapid tokens");
        if let Some((h, scade)) = g.get(origine)
            && *scade > ora + MARGINE
        {
            return h.clone();
        }
        let scade = ora + VALIDITA;
        let h = HeaderValue::from_str(&self.vapid.autorizzazione(origine, scade, &self.contatto))
            .expect("base64url and ASCII");
        g.insert(origine.to_owned(), (h.clone(), scade));
        h
    }
}

/// The open connections to push services, per origin, and how to open more.
pub struct Connessioni {
    tls: tokio_rustls::TlsConnector,
    timeout: Duration,
    /// Idle connections per origin, at most `max_inattive` each.
    inattive: Mutex<HashMap<String, Vec<Connessione>>>,
    max_inattive: usize,
}

/// One HTTP/1.1 connection to a push service.
pub struct Connessione {
    origine: String,
    invio: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    /// The connection's I/O, polled by whoever is sending on it; `None` once it has ended.
    guida: Option<Pin<Box<dyn Future<Output = hyper::Result<()>> + Send>>>,
}

/// Where an endpoint is: its origin, host (for `Host` and TLS), port and path.
struct Indirizzo {
    https: bool,
    host: String,
    porta: u16,
    autorita: HeaderValue,
    percorso: Uri,
}

fn indirizzo(endpoint: &str) -> Option<Indirizzo> {
    let u: Uri = endpoint.parse().ok()?;
    let https = match u.scheme_str()? {
        "https" => true,
        "http" => false,
        _ => return None,
    };
    let a = u.authority()?;
    Some(Indirizzo {
        https,
        host: a
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        porta: a.port_u16().unwrap_or(if https { 443 } else { 80 }),
        autorita: HeaderValue::from_str(a.as_str()).ok()?,
        percorso: u.path_and_query().map_or_else(
            || Uri::from_static("/"),
            |p| p.as_str().parse().unwrap_or_default(),
        ),
    })
}

impl Connessioni {
    /// `timeout` bounds connecting and each request; at most `max_inattive` idle connections
    /// are kept per push service.
    pub fn new(timeout: Duration, max_inattive: usize) -> Self {
        let radici = tokio_rustls::rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let mut cfg = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3 with ring")
        .with_root_certificates(radici)
        .with_no_client_auth();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Self {
            tls: tokio_rustls::TlsConnector::from(Arc::new(cfg)),
            timeout,
            inattive: Mutex::default(),
            max_inattive: max_inattive.max(1),
        }
    }

    /// An open connection to `origine` (an idle one, or a new one to `endpoint`'s host).
    pub async fn prendi(&self, origine: &str, endpoint: &str) -> Result<Connessione, String> {
        loop {
            let c = self
                .inattive
                .lock()
                .expect("connessioni")
                .get_mut(origine)
                .and_then(Vec::pop);
            match c {
                Some(mut c) => {
                    if c.viva() {
                        return Ok(c);
                    }
                }
                None => break,
            }
        }
        let a =
            indirizzo(endpoint).ok_or_else(|| format!("indirizzo push non valido: {endpoint}"))?;
        tokio::time::timeout(self.timeout, self.apri(origine, &a))
            .await
            .map_err(|_| "connessione al servizio push: tempo scaduto".to_owned())?
    }

    async fn apri(&self, origine: &str, a: &Indirizzo) -> Result<Connessione, String> {
        let errore = |e: &dyn std::fmt::Display| format!("connessione al servizio push: {e}");
        let tcp = tokio::net::TcpStream::connect((a.host.as_str(), a.porta))
            .await
            .map_err(|e| errore(&e))?;
        let _ = tcp.set_nodelay(true);
        let (invio, guida): (_, Pin<Box<dyn Future<Output = hyper::Result<()>> + Send>>) = if a
            .https
        {
            let nome = tokio_rustls::rustls::pki_types::ServerName::try_from(a.host.clone())
                .map_err(|e| errore(&e))?;
            let tls = self.tls.connect(nome, tcp).await.map_err(|e| errore(&e))?;
            let (i, g) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tls))
                .await
                .map_err(|e| errore(&e))?;
            (i, Box::pin(g))
        } else {
            let (i, g) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp))
                .await
                .map_err(|e| errore(&e))?;
            (i, Box::pin(g))
        };
        Ok(Connessione {
            origine: origine.to_owned(),
            invio,
            guida: Some(guida),
        })
    }

    /// Gives a connection back for the next message to its push service (dropped if it has
    /// ended or enough are idle).
    pub fn restituisci(&self, c: Connessione) {
        if !c.aperta() {
            return;
        }
        let mut m = self.inattive.lock().expect("connessioni");
        let v = m.entry(c.origine.clone()).or_default();
        if v.len() < self.max_inattive {
            v.push(c);
        }
    }

    /// Sends one message on a connection taken and given back (tests, single messages).
    pub async fn invia(
        &self,
        mittente: &Mittente,
        s: &Sottoscrizione,
        m: &Messaggio<'_>,
        ora: u64,
    ) -> Esito {
        let Some(o) = origine(&s.endpoint) else {
            return Esito::Rifiutato(format!("indirizzo push non valido: {}", s.endpoint));
        };
        let mut c = match self.prendi(&o, &s.endpoint).await {
            Ok(c) => c,
            Err(motivo) => return Esito::Riprova { dopo: None, motivo },
        };
        let e = invia(self, &mut c, mittente, s, m, ora).await;
        self.restituisci(c);
        e
    }
}

impl Connessione {
    /// Whether another request can go on it.
    pub fn aperta(&self) -> bool {
        self.guida.is_some() && !self.invio.is_closed()
    }

    /// Whether it is still open, noticing a close by the peer while it sat idle.
    fn viva(&mut self) -> bool {
        if let Some(g) = self.guida.as_mut() {
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            if g.as_mut().poll(&mut cx).is_ready() {
                self.guida = None;
            }
        }
        self.aperta()
    }

    /// One request and its answer (status, `Retry-After`), driving the connection meanwhile.
    async fn scambia(
        &mut self,
        req: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, Option<Duration>), Fallimento> {
        let Connessione { invio, guida, .. } = self;
        let Some(g) = guida.as_mut() else {
            return Err(Fallimento::NonInviata(Box::new(req)));
        };
        // Until the connection is ready nothing has been sent: if it ended meanwhile (a peer
        // closing an idle connection), the request can go on another one.
        let pronta = tokio::select! {
            biased;
            r = invio.ready() => r.is_ok(),
            _ = g => false,
        };
        if !pronta {
            *guida = None;
            return Err(Fallimento::NonInviata(Box::new(req)));
        }
        let Some(g) = guida.as_mut() else {
            return Err(Fallimento::NonInviata(Box::new(req)));
        };
        let scambio = async {
            let r = invio.send_request(req).await?;
            let stato = r.status();
            let dopo = crate::ritmo::retry_after(r.headers());
            r.into_body().collect().await?;
            Ok::<_, hyper::Error>((stato, dopo))
        };
        tokio::pin!(scambio);
        let r = tokio::select! {
            biased;
            r = &mut scambio => r,
            fine = g => {
                // The connection ended (closed by the peer after answering, or broken): the
                // answer, if it came, is already in hand.
                *guida = None;
                if let Err(e) = fine {
                    tracing::debug!(error = %e, "push connection ended");
                }
                scambio.await
            }
        };
        r.map_err(|e| Fallimento::Errore(format!("richiesta non riuscita: {e}")))
    }
}

/// Why an exchange did not complete.
enum Fallimento {
    /// Nothing was sent: the request is given back.
    NonInviata(Box<Request<Full<Bytes>>>),
    Errore(String),
}

/// Sends one message on `c`, a connection of `pool` to the subscription's push service (if it
/// turns out closed before anything is sent, on a new one). `ora` is the current Unix time. On
/// a failure of the connection itself, `c` is left closed.
pub async fn invia(
    pool: &Connessioni,
    c: &mut Connessione,
    mittente: &Mittente,
    s: &Sottoscrizione,
    m: &Messaggio<'_>,
    ora: u64,
) -> Esito {
    let Some(a) = indirizzo(&s.endpoint) else {
        return Esito::Rifiutato(format!("indirizzo push non valido: {}", s.endpoint));
    };
    let corpo = match cifra(s, m.corpo) {
        Ok(c) => c,
        Err(e) => return Esito::Rifiutato(e.to_string()),
    };
    let mut req = Request::new(Full::new(Bytes::from(corpo)));
    *req.method_mut() = Method::POST;
    *req.uri_mut() = a.percorso.clone();
    let h = req.headers_mut();
    h.insert(HOST, a.autorita.clone());
    h.insert(AUTHORIZATION, mittente.intestazione(&c.origine, ora));
    h.insert(CONTENT_ENCODING, HeaderValue::from_static("aes128gcm"));
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert("ttl", HeaderValue::from(m.ttl));
    h.insert(
        "urgency",
        HeaderValue::from_static(if m.urgente { "high" } else { "normal" }),
    );
    if let Some(t) = m.argomento.and_then(|t| HeaderValue::from_str(t).ok()) {
        h.insert("topic", t);
    }
    let scambio = async {
        match c.scambia(req).await {
            Err(Fallimento::NonInviata(req)) => {
                *c = pool
                    .apri(&c.origine.clone(), &a)
                    .await
                    .map_err(Fallimento::Errore)?;
                c.scambia(*req).await
            }
            r => r,
        }
    };
    let (stato, dopo) = match tokio::time::timeout(pool.timeout, scambio).await {
        Ok(Ok(r)) => r,
        Ok(Err(Fallimento::Errore(motivo))) => {
            c.guida = None;
            return Esito::Riprova { dopo: None, motivo };
        }
        Ok(Err(Fallimento::NonInviata(_))) => {
            c.guida = None;
            return Esito::Riprova {
                dopo: None,
                motivo: "connessione chiusa dal servizio push".into(),
            };
        }
        Err(_) => {
            c.guida = None;
            return Esito::Riprova {
                dopo: None,
                motivo: "tempo scaduto".into(),
            };
        }
    };
    match stato {
        s if s.is_success() => Esito::Consegnato,
        StatusCode::NOT_FOUND | StatusCode::GONE => Esito::Scaduta,
        StatusCode::TOO_MANY_REQUESTS => Esito::Riprova {
            dopo,
            motivo: "troppe richieste (429)".into(),
        },
        s if s.is_server_error() => Esito::Riprova {
            dopo,
            motivo: format!("errore del servizio push ({})", s.as_u16()),
        },
        s => Esito::Rifiutato(format!("rifiutato dal servizio push ({})", s.as_u16())),
    }
}
