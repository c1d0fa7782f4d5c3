//! Sending one web-push message (RFC 8030) to one subscription: the body encrypted for it
//! (RFC 8291), `Authorization: vapid` (RFC 8292) for the push service's origin, `TTL` up to
//! the alert's expiry (a message past it is worthless), `Urgency: high` for orange and red,
//! `Topic` so that a newer message about the same alert replaces an undelivered older one.
//! The push service's answer says what to do next: done, retry later (429/5xx, honouring
//! `Retry-After`), or drop the subscription (404/410: it no longer exists).
//!
//! Requests go over HTTP/1.1 connections kept open per push service ([`Connessioni`]; TLS
//! for `https`): a worker takes one, sends message after message on it and gives it back.
//! Each request is built as one buffer ([`prepara`], which also encrypts) and written with
//! one call by [`crate::h1`] — at a million messages an alert, the HTTP machinery around each
//! request is a large part of the cost beside the encryption.
//!
//! A connection is opened only where the outbound rules ([`piazza_net::Regole`]) allow: the
//! push service's origin is checked, its name resolved, and the connection goes to one of the
//! allowed addresses it resolved to — never to the name again, which a rebinding DNS could
//! answer differently (TLS still names the host). A subscription whose endpoint the rules
//! refuse gets [`Esito::Vietato`]; one whose name resolves only to refused addresses,
//! [`Esito::Rifiutato`] (the subscription stays); one whose name does not resolve, a retry.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use piazza_net::{Regole, Rifiuto};
use piazza_push::{Sottoscrizione, Vapid, cifra, origine};
/// A root certificate in DER, as [`Connessioni::con_radici`] takes it.
pub use tokio_rustls::rustls::pki_types::CertificateDer;

use crate::Esito;
use crate::h1;

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
    gettoni: Mutex<HashMap<String, (Arc<str>, u64)>>,
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
        self.intestazione(origine, ora).to_string()
    }

    fn intestazione(&self, origine: &str, ora: u64) -> Arc<str> {
        let mut g = self.gettoni.lock().expect("vapid tokens");
        if let Some((h, scade)) = g.get(origine)
            && *scade > ora + MARGINE
        {
            return h.clone();
        }
        let scade = ora + VALIDITA;
        let h: Arc<str> = self
            .vapid
            .autorizzazione(origine, scade, &self.contatto)
            .into();
        g.insert(origine.to_owned(), (h.clone(), scade));
        h
    }
}

/// The open connections to push services, per origin, and how to open more.
pub struct Connessioni {
    tls: tokio_rustls::TlsConnector,
    timeout: Duration,
    /// Where connections may go.
    regole: Regole,
    /// Idle connections per origin, at most `max_inattive` each.
    inattive: Mutex<HashMap<String, Vec<Connessione>>>,
    max_inattive: usize,
}

/// One HTTP/1.1 connection to a push service.
pub struct Connessione {
    origine: String,
    h1: h1::Connessione,
}

/// Where a push service is: host (for TLS) and the addresses it may be reached at.
struct Servizio {
    https: bool,
    host: String,
    indirizzi: Vec<std::net::SocketAddr>,
}

/// What a message gets when the TLS handshake with its push service fails: a retry (the
/// push service may fix its certificate, our clock may be wrong), the reason saying when the
/// push service's certificate is the cause.
fn errore_tls(origine: &str, e: std::io::Error) -> Esito {
    let rustls = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<tokio_rustls::rustls::Error>());
    let motivo = match rustls {
        Some(
            r @ (tokio_rustls::rustls::Error::InvalidCertificate(_)
            | tokio_rustls::rustls::Error::NoCertificatesPresented),
        ) => format!("servizio push {origine}: certificato non valido ({r})"),
        _ => format!("connessione al servizio push: {e}"),
    };
    Esito::Riprova { dopo: None, motivo }
}

/// What a message gets when its push service's origin is refused by the rules.
///
/// - The endpoint itself is refused (a loopback, private or link-local address written in it,
///   a name such as `localhost` or `*.internal`, a scheme or port the rules do not allow):
///   [`Esito::Vietato`], it can never be delivered.
/// - Its name resolves only to addresses the rules refuse: [`Esito::Rifiutato`], this message
///   fails for good but the subscription stays — the same answer for every subscriber of a
///   push service whose name our DNS resolves wrongly (a filtering resolver answering
///   `0.0.0.0`) must not remove them all.
/// - The name does not resolve (yet): [`Esito::Riprova`].
fn esito_del_rifiuto(origine: &str, r: Rifiuto, dal_dns: bool) -> Esito {
    if !r.permanente() {
        Esito::Riprova {
            dopo: None,
            motivo: format!("servizio push {origine}: {r}"),
        }
    } else if dal_dns {
        Esito::Rifiutato(format!("servizio push {origine} non ammesso: {r}"))
    } else {
        Esito::Vietato(format!("indirizzo push non ammesso ({origine}): {r}"))
    }
}

impl Connessioni {
    /// `timeout` bounds connecting and each request; at most `max_inattive` idle connections
    /// are kept per push service; connections go only where `regole` allow
    /// ([`Regole::push`] in production). TLS trusts the web PKI's roots (`webpki-roots`).
    pub fn new(timeout: Duration, max_inattive: usize, regole: Regole) -> Self {
        Self::con_radici(timeout, max_inattive, regole, &[])
            .expect("no extra roots: nothing to reject")
    }

    /// [`Connessioni::new`], TLS also trusting `radici_extra` beside the web PKI's roots,
    /// which stay: none in production; tests give the CA of their push service on loopback.
    /// Fails on a certificate that is not a usable root.
    pub fn con_radici(
        timeout: Duration,
        max_inattive: usize,
        regole: Regole,
        radici_extra: &[CertificateDer<'static>],
    ) -> Result<Self, String> {
        let mut radici = tokio_rustls::rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for r in radici_extra {
            radici
                .add(r.clone())
                .map_err(|e| format!("certificato radice per i servizi push non valido: {e}"))?;
        }
        let mut cfg = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3 with ring")
        .with_root_certificates(radici)
        .with_no_client_auth();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            tls: tokio_rustls::TlsConnector::from(Arc::new(cfg)),
            timeout,
            regole,
            inattive: Mutex::default(),
            max_inattive: max_inattive.max(1),
        })
    }

    /// An open connection to `origine` (an idle one, or a new one). Failing, what the message
    /// that needed it gets: [`Esito::Riprova`] if the push service cannot be reached now,
    /// [`Esito::Vietato`] or [`Esito::Rifiutato`] if the rules refuse it.
    pub async fn prendi(&self, origine: &str) -> Result<Connessione, Esito> {
        loop {
            let c = self
                .inattive
                .lock()
                .expect("connessioni")
                .get_mut(origine)
                .and_then(Vec::pop);
            match c {
                Some(mut c) => {
                    if c.h1.viva() {
                        return Ok(c);
                    }
                }
                None => break,
            }
        }
        tokio::time::timeout(self.timeout, self.apri(origine))
            .await
            .map_err(|_| Esito::Riprova {
                dopo: None,
                motivo: "connessione al servizio push: tempo scaduto".into(),
            })?
    }

    /// Checks `origine` against the rules and resolves it to the addresses they allow.
    async fn servizio(&self, origine: &str) -> Result<Servizio, Esito> {
        let u = piazza_net::verifica_url(origine, &self.regole)
            .map_err(|r| esito_del_rifiuto(origine, r, false))?;
        let non_valido = || Esito::Rifiutato(format!("indirizzo push non valido: {origine}"));
        let host = u
            .host_str()
            .ok_or_else(non_valido)?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let porta = u.port_or_known_default().ok_or_else(non_valido)?;
        let indirizzi = piazza_net::risolvi(&host, porta, &self.regole)
            .await
            .map_err(|r| esito_del_rifiuto(origine, r, true))?;
        Ok(Servizio {
            https: u.scheme() == "https",
            host,
            indirizzi,
        })
    }

    async fn apri(&self, origine: &str) -> Result<Connessione, Esito> {
        let errore = |e: &dyn std::fmt::Display| Esito::Riprova {
            dopo: None,
            motivo: format!("connessione al servizio push: {e}"),
        };
        let a = self.servizio(origine).await?;
        // The addresses resolved and allowed, one after the other: not the name again.
        let tcp = tokio::net::TcpStream::connect(a.indirizzi.as_slice())
            .await
            .map_err(|e| errore(&e))?;
        let _ = tcp.set_nodelay(true);
        let io: Box<dyn h1::Flusso> = if a.https {
            let nome = tokio_rustls::rustls::pki_types::ServerName::try_from(a.host.clone())
                .map_err(|e| errore(&e))?;
            Box::new(
                self.tls
                    .connect(nome, tcp)
                    .await
                    .map_err(|e| errore_tls(origine, e))?,
            )
        } else {
            Box::new(tcp)
        };
        Ok(Connessione {
            origine: origine.to_owned(),
            h1: h1::Connessione::new(io),
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
        let p = match prepara(mittente, &o, s, m, ora) {
            Ok(p) => p,
            Err(e) => return e,
        };
        let mut c = match self.prendi(&o).await {
            Ok(c) => c,
            Err(e) => return e,
        };
        let e = spedisci(self, &mut c, p).await;
        self.restituisci(c);
        e
    }
}

impl Connessione {
    /// Whether another request can go on it.
    pub fn aperta(&self) -> bool {
        self.h1.aperta()
    }
}

/// A message encrypted and ready to go: its whole request.
pub struct Pronto(Vec<u8>);

/// Encrypts `m` for `s` and builds its request, VAPID for `origine` (the endpoint's origin, as
/// [`piazza_push::origine`] gives it) at Unix time `ora`. Kept apart from sending so that a
/// worker can encrypt a few messages in a row (the curve's tables stay in the cache) and then
/// send them.
pub fn prepara(
    mittente: &Mittente,
    origine: &str,
    s: &Sottoscrizione,
    m: &Messaggio<'_>,
    ora: u64,
) -> Result<Pronto, Esito> {
    let non_valido = || Esito::Rifiutato(format!("indirizzo push non valido: {}", s.endpoint));
    // The origin is the endpoint's own prefix: the rest is the path (and query).
    let resto = s.endpoint.strip_prefix(origine).ok_or_else(non_valido)?;
    let percorso = resto.split('#').next().unwrap_or_default();
    let (barra, percorso) = match percorso.as_bytes().first() {
        None => ("/", ""),
        Some(b'/') => ("", percorso),
        Some(b'?') => ("/", percorso), // `https://host?q` asks for `/?q`
        Some(_) => return Err(non_valido()),
    };
    let host = origine.split_once("://").map_or("", |(_, h)| h);
    if !(percorso.bytes().all(visibile) && host.bytes().all(visibile)) {
        return Err(non_valido());
    }
    let argomento = m
        .argomento
        .filter(|t| !t.is_empty() && t.len() <= 32)
        .filter(|t| {
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    let corpo = cifra(s, m.corpo).map_err(|e| Esito::Rifiutato(e.to_string()))?;
    let vapid = mittente.intestazione(origine, ora);
    let mut r = Vec::with_capacity(320 + vapid.len() + percorso.len() + corpo.len());
    // Writing into a Vec cannot fail.
    let _ = write!(
        r,
        "POST {barra}{percorso} HTTP/1.1\r\nhost: {host}\r\nauthorization: {vapid}\r\n\
         content-encoding: aes128gcm\r\ncontent-type: application/octet-stream\r\n\
         ttl: {}\r\nurgency: {}\r\n",
        m.ttl,
        if m.urgente { "high" } else { "normal" }
    );
    if let Some(t) = argomento {
        let _ = write!(r, "topic: {t}\r\n");
    }
    let _ = write!(r, "content-length: {}\r\n\r\n", corpo.len());
    r.extend_from_slice(&corpo);
    Ok(Pronto(r))
}

/// A byte that may stand in a request line or header value as is.
fn visibile(b: u8) -> bool {
    b.is_ascii_graphic()
}

/// Sends a message [`prepara`]d for `c`'s push service on `c`, a connection of `pool` (if it
/// turns out closed before anything is sent, on a new one). On a failure of the connection
/// itself, `c` is left closed.
pub async fn spedisci(pool: &Connessioni, c: &mut Connessione, p: Pronto) -> Esito {
    let fallita = |e: h1::Errore| Esito::Riprova {
        dopo: None,
        motivo: format!("richiesta non riuscita: {e}"),
    };
    let scambio = async {
        match c.h1.scambia(&p.0).await {
            Err(h1::Errore::NonInviata(_)) => {
                // Closed before it took a byte: the request goes on a new connection.
                *c = pool.apri(&c.origine.clone()).await?;
                c.h1.scambia(&p.0).await.map_err(fallita)
            }
            r => r.map_err(fallita),
        }
    };
    let r = match tokio::time::timeout(pool.timeout, scambio).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            c.h1.chiudi();
            return e;
        }
        Err(_) => {
            c.h1.chiudi();
            return Esito::Riprova {
                dopo: None,
                motivo: "tempo scaduto".into(),
            };
        }
    };
    esito_della_risposta(&r)
}

/// Sends several messages at once on `c` (HTTP/1.1 pipelining), within the pool's timeout for
/// all of them: one outcome per message, `None` for a message the push service did not get
/// (the connection ended before it), to be sent again on another connection. `tace` is true
/// when the service answered some and then dropped the connection without saying so, or did
/// not answer them all in time: it may not take requests in a row.
pub async fn spedisci_in_fila(
    pool: &Connessioni,
    c: &mut Connessione,
    pronti: &[&Pronto],
) -> (Vec<Option<Esito>>, bool) {
    let richieste: Vec<&[u8]> = pronti.iter().map(|p| p.0.as_slice()).collect();
    let Ok(esiti) = tokio::time::timeout(pool.timeout, c.h1.scambia_in_fila(&richieste)).await
    else {
        c.h1.chiudi();
        let e = Esito::Riprova {
            dopo: None,
            motivo: "tempo scaduto".into(),
        };
        return (pronti.iter().map(|_| Some(e.clone())).collect(), true);
    };
    // Answers, then silence: the service may have dropped the requests after the first.
    let risposte = esiti.iter().filter(|r| r.is_ok()).count();
    let tace = risposte > 0
        && esiti
            .iter()
            .any(|r| matches!(r, Err(h1::Errore::Risposta(_))));
    let esiti = esiti
        .into_iter()
        .map(|r| match r {
            Ok(r) => Some(esito_della_risposta(&r)),
            Err(h1::Errore::NonInviata(_)) => None,
            Err(h1::Errore::Risposta(e)) => Some(Esito::Riprova {
                dopo: None,
                motivo: format!("richiesta non riuscita: {e}"),
            }),
        })
        .collect();
    (esiti, tace)
}

/// What the push service's answer means for the message.
fn esito_della_risposta(r: &h1::Risposta) -> Esito {
    match r.stato {
        200..=299 => Esito::Consegnato,
        404 | 410 => Esito::Scaduta,
        429 => Esito::Riprova {
            dopo: r.retry_after,
            motivo: "troppe richieste (429)".into(),
        },
        500..=599 => Esito::Riprova {
            dopo: r.retry_after,
            motivo: format!("errore del servizio push ({})", r.stato),
        },
        s => Esito::Rifiutato(format!("rifiutato dal servizio push ({s})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_becomes_the_outcome_its_cause_calls_for() {
        let o = "https://push.esempio.it";
        let ip = "10.0.0.1".parse().unwrap();
        // Written in the endpoint: never deliverable.
        assert!(matches!(
            esito_del_rifiuto(o, Rifiuto::ReteInterna(ip), false),
            Esito::Vietato(_)
        ));
        assert!(matches!(
            esito_del_rifiuto(o, Rifiuto::NomeInterno("localhost".into()), false),
            Esito::Vietato(_)
        ));
        // From our DNS: this message fails, the subscription stays.
        assert!(matches!(
            esito_del_rifiuto(o, Rifiuto::ReteInterna(ip), true),
            Esito::Rifiutato(_)
        ));
        // Not resolved (yet): later.
        assert!(matches!(
            esito_del_rifiuto(o, Rifiuto::NonRisolto("push.esempio.it".into()), true),
            Esito::Riprova { dopo: None, .. }
        ));
    }
}
