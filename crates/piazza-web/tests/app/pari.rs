//! Real peers on loopback for the delivery tests: an SMTP server, a push service that checks the VAPID token and decrypts every payload with the
//! subscription's private key, and HTTP peers playing the Telegram Bot API and an SMS gateway.

use std::collections::HashMap;
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
use piazza_push::{b64, da_b64, decifra_con};

/// An SMTP server on loopback written for the tests (so that `cargo test` needs nothing
/// installed): EHLO (PIPELINING and AUTH PLAIN/LOGIN when asked), MAIL, RCPT, DATA with
/// dot-stuffing, RSET, NOOP, QUIT; it keeps every message, counts connections, answers chosen
/// recipients with chosen replies, and notes what a client did wrong (commands in a group to a
/// server without PIPELINING, commands after DATA in a group). The browser spec and the
/// benchmark talk to an independent implementation, Python's aiosmtpd.
pub struct Smtp {
    pub porta: u16,
    stato: Arc<StatoSmtp>,
}

/// How the test SMTP server behaves.
#[derive(Clone, Default)]
pub struct ComeSmtp {
    /// Offer PIPELINING (RFC 2920) in EHLO.
    pub pipelining: bool,
    /// Offer AUTH and require these credentials before MAIL.
    pub credenziali: Option<(String, String)>,
    /// The AUTH mechanisms offered (`PLAIN LOGIN` unless set).
    pub meccanismi: Option<&'static str>,
    /// Close each connection, without a word, after this many messages (as a server closes
    /// an idle client).
    pub chiudi_dopo: Option<usize>,
}

/// One transaction as the server saw it arrive.
#[derive(Debug, Clone)]
pub struct Busta {
    pub da: String,
    pub a: String,
    /// RCPT TO and DATA arrived with MAIL FROM, in one read.
    pub in_gruppo: bool,
    /// The content and its final dot arrived in one read.
    pub corpo_in_gruppo: bool,
}

#[derive(Default)]
struct StatoSmtp {
    come: ComeSmtp,
    ricevuti: Mutex<Vec<String>>,
    connessioni: std::sync::atomic::AtomicUsize,
    buste: Mutex<Vec<Busta>>,
    /// Recipients (a fragment of the address) answered with a reply of our choosing.
    risposte: Mutex<Vec<(String, String)>>,
    /// The mechanism of every successful AUTH.
    autenticazioni: Mutex<Vec<String>>,
    violazioni: Mutex<Vec<String>>,
}

/// Standard base64 (with `+` and `/`) decoded.
fn da_base64(s: &str) -> Option<String> {
    let b = da_b64(&s.trim().replace('+', "-").replace('/', "_"))?;
    String::from_utf8(b).ok()
}

async fn sessione(s: tokio::net::TcpStream, stato: Arc<StatoSmtp>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    stato
        .connessioni
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let (r, mut w) = s.into_split();
    let mut r = BufReader::new(r);
    if w.write_all(b"220 localhost ESMTP prova\r\n").await.is_err() {
        return;
    }
    let come = stato.come.clone();
    let viola = |m: String| stato.violazioni.lock().unwrap().push(m);
    let mut riga = String::new();
    let mut autenticato = come.credenziali.is_none();
    // The transaction open: sender, recipients accepted, whether its commands came in a group.
    let mut da: Option<(String, bool)> = None;
    let mut a: Vec<String> = Vec::new();
    let mut messaggi = 0;
    loop {
        if come.chiudi_dopo.is_some_and(|n| messaggi >= n) {
            return;
        }
        riga.clear();
        if r.read_line(&mut riga).await.unwrap_or(0) == 0 {
            return;
        }
        let cmd = riga.trim_end().to_owned();
        let maiuscolo = cmd.to_ascii_uppercase();
        let in_coda = String::from_utf8_lossy(r.buffer()).into_owned();
        if !come.pipelining && !in_coda.is_empty() {
            viola(format!(
                "{cmd:?} in un gruppo con {in_coda:?}, senza PIPELINING"
            ));
        }
        let risposta: String = if maiuscolo.starts_with("EHLO") {
            let mut e = "250-localhost\r\n250-8BITMIME\r\n".to_owned();
            if come.pipelining {
                e.push_str("250-PIPELINING\r\n");
            }
            if come.credenziali.is_some() {
                e.push_str(&format!(
                    "250-AUTH {}\r\n",
                    come.meccanismi.unwrap_or("PLAIN LOGIN")
                ));
            }
            e + "250 SMTPUTF8"
        } else if maiuscolo.starts_with("AUTH ") {
            let Some((utente, parola)) = come.credenziali.clone() else {
                viola(format!("{cmd:?} senza AUTH offerto"));
                continue;
            };
            let mut parti = cmd[5..].split_whitespace();
            let meccanismo = parti.next().unwrap_or("").to_ascii_uppercase();
            let iniziale = parti.next().map(str::to_owned);
            let mut chiedi = async |domanda: &str| -> Option<String> {
                w.write_all(format!("334 {domanda}\r\n").as_bytes())
                    .await
                    .ok()?;
                let mut l = String::new();
                r.read_line(&mut l).await.ok()?;
                Some(l)
            };
            let giuste = match meccanismo.as_str() {
                "PLAIN" => {
                    let c = match iniziale {
                        Some(c) => Some(c),
                        None => chiedi("").await,
                    };
                    c.and_then(|c| da_base64(&c)) == Some(format!("\0{utente}\0{parola}"))
                }
                "LOGIN" => {
                    let u = chiedi("VXNlcm5hbWU6").await.and_then(|c| da_base64(&c));
                    let p = chiedi("UGFzc3dvcmQ6").await.and_then(|c| da_base64(&c));
                    u == Some(utente) && p == Some(parola)
                }
                _ => false,
            };
            if giuste {
                autenticato = true;
                stato.autenticazioni.lock().unwrap().push(meccanismo);
                "235 2.7.0 autenticato".into()
            } else {
                "535 5.7.8 credenziali errate".into()
            }
        } else if maiuscolo.starts_with("MAIL FROM:") {
            if !autenticato {
                "530 5.7.0 autenticazione richiesta".into()
            } else {
                let gruppo = in_coda.to_ascii_uppercase().contains("RCPT TO:")
                    && in_coda.to_ascii_uppercase().contains("DATA\r\n");
                da = Some((cmd[10..].trim().to_owned(), gruppo));
                a.clear();
                "250 2.1.0 OK".into()
            }
        } else if maiuscolo.starts_with("RCPT TO:") {
            let indirizzo = cmd[8..].trim().to_owned();
            let scelta = stato
                .risposte
                .lock()
                .unwrap()
                .iter()
                .find(|(f, _)| indirizzo.contains(f.as_str()))
                .map(|(_, r)| r.clone());
            match scelta {
                Some(s) if s.starts_with("421") => {
                    let _ = w.write_all(format!("{s}\r\n").as_bytes()).await;
                    return;
                }
                Some(s) => s,
                None if da.is_none() => "503 5.5.1 prima MAIL".into(),
                None => {
                    a.push(indirizzo);
                    "250 2.1.5 OK".into()
                }
            }
        } else if maiuscolo.starts_with("HELO")
            || maiuscolo.starts_with("RSET")
            || maiuscolo.starts_with("NOOP")
        {
            da = None;
            a.clear();
            "250 OK".into()
        } else if maiuscolo == "DATA" {
            if !in_coda.is_empty() {
                viola(format!("DATA seguito nello stesso gruppo da {in_coda:?}"));
            }
            let Some((mittente, in_gruppo)) = da.take().filter(|_| !a.is_empty()) else {
                if w.write_all(b"503 5.5.1 nessun destinatario valido\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                continue;
            };
            if w.write_all(b"354 avanti\r\n").await.is_err() {
                return;
            }
            let mut testo = String::new();
            let mut corpo_in_gruppo = None;
            loop {
                riga.clear();
                if r.read_line(&mut riga).await.unwrap_or(0) == 0 {
                    return;
                }
                corpo_in_gruppo
                    .get_or_insert_with(|| riga == ".\r\n" || r.buffer().ends_with(b"\r\n.\r\n"));
                if riga == ".\r\n" || riga == ".\n" {
                    break;
                }
                testo.push_str(riga.strip_prefix('.').unwrap_or(&riga));
            }
            stato.ricevuti.lock().unwrap().push(testo);
            stato.buste.lock().unwrap().push(Busta {
                da: mittente,
                a: a.join(","),
                in_gruppo,
                corpo_in_gruppo: corpo_in_gruppo.unwrap_or(false),
            });
            a.clear();
            messaggi += 1;
            "250 2.0.0 OK messaggio ricevuto".into()
        } else if maiuscolo == "QUIT" {
            let _ = w.write_all(b"221 arrivederci\r\n").await;
            return;
        } else {
            "502 comando non riconosciuto".into()
        };
        if w.write_all(format!("{risposta}\r\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// One received message: headers (names lower-cased, unfolded) and the decoded body.
#[derive(Debug, Clone)]
pub struct Posta {
    pub intestazioni: Vec<(String, String)>,
    pub corpo: String,
}

impl Posta {
    pub fn intestazione(&self, nome: &str) -> Option<&str> {
        self.intestazioni
            .iter()
            .find(|(n, _)| n == &nome.to_lowercase())
            .map(|(_, v)| v.as_str())
    }

    /// The first URL in the body that starts with `prefisso`.
    pub fn link(&self, prefisso: &str) -> Option<String> {
        let i = self.corpo.find(prefisso)?;
        Some(
            self.corpo[i..]
                .split(|c: char| c.is_whitespace())
                .next()?
                .to_owned(),
        )
    }
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

fn leggi(testo: &str) -> Posta {
    let testo = testo.replace("\r\n", "\n");
    let (testa, corpo) = testo.split_once("\n\n").unwrap_or((&testo, ""));
    let mut intestazioni: Vec<(String, String)> = Vec::new();
    for riga in testa.lines() {
        if riga.starts_with([' ', '\t']) {
            if let Some(u) = intestazioni.last_mut() {
                u.1.push(' ');
                u.1.push_str(riga.trim());
            }
        } else if let Some((n, v)) = riga.split_once(':') {
            intestazioni.push((n.trim().to_lowercase(), v.trim().to_owned()));
        }
    }
    let qp = intestazioni.iter().any(|(n, v)| {
        n == "content-transfer-encoding" && v.eq_ignore_ascii_case("quoted-printable")
    });
    Posta {
        corpo: if qp {
            quoted_printable(corpo)
        } else {
            corpo.to_owned()
        },
        intestazioni,
    }
}

impl Smtp {
    /// The server lettre's transport was tested against: no PIPELINING, no AUTH.
    pub async fn avvia() -> Self {
        Self::con(ComeSmtp::default()).await
    }

    pub async fn con(come: ComeSmtp) -> Self {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let porta = l.local_addr().unwrap().port();
        let stato = Arc::new(StatoSmtp {
            come,
            ..Default::default()
        });
        let s = stato.clone();
        tokio::spawn(async move {
            while let Ok((c, _)) = l.accept().await {
                tokio::spawn(sessione(c, s.clone()));
            }
        });
        Self { porta, stato }
    }

    /// From now on, RCPT TO for an address containing `frammento` gets `risposta` (one or
    /// more lines joined by CRLF; a 421 closes the connection after it).
    pub fn rispondi(&self, frammento: &str, risposta: &str) {
        self.stato
            .risposte
            .lock()
            .unwrap()
            .push((frammento.to_owned(), risposta.to_owned()));
    }

    /// Connections accepted so far.
    pub fn connessioni(&self) -> usize {
        self.stato
            .connessioni
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every transaction that ended with a message, oldest first.
    pub fn buste(&self) -> Vec<Busta> {
        self.stato.buste.lock().unwrap().clone()
    }

    /// The mechanism of every successful AUTH.
    pub fn autenticazioni(&self) -> Vec<String> {
        self.stato.autenticazioni.lock().unwrap().clone()
    }

    /// What clients did against the protocol (empty for a good client).
    pub fn violazioni(&self) -> Vec<String> {
        self.stato.violazioni.lock().unwrap().clone()
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.porta)
    }

    /// Every message received so far, oldest first.
    pub fn messaggi(&self) -> Vec<Posta> {
        self.stato
            .ricevuti
            .lock()
            .unwrap()
            .iter()
            .map(|t| leggi(t))
            .collect()
    }

    /// Waits until at least `n` messages arrived.
    pub async fn attendi(&self, n: usize) -> Vec<Posta> {
        for _ in 0..200 {
            let m = self.messaggi();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("attesi {n} messaggi, arrivati {}", self.messaggi().len());
    }
}

/// What the push service received for one subscription.
#[derive(Debug, Clone)]
pub struct Spinta {
    pub id: String,
    pub intestazioni: HeaderMap,
    pub messaggio: serde_json::Value,
}

/// A subscription's private key and auth secret, by subscription id.
type Chiavi = HashMap<String, (Vec<u8>, [u8; 16])>;

#[derive(Default)]
pub struct StatoPush {
    chiavi: Mutex<Chiavi>,
    pub ricevuti: Mutex<Vec<Spinta>>,
    /// A status to answer for a subscription id instead of decrypting (410, 429, 500).
    pub risposte: Mutex<HashMap<String, u16>>,
    pub rifiutati: Mutex<Vec<String>>,
}

async fn servizio_push(
    axum::extract::State(st): axum::extract::State<Arc<StatoPush>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    h: HeaderMap,
    corpo: Bytes,
) -> axum::response::Response {
    if let Some(s) = st.risposte.lock().unwrap().get(&id) {
        let mut r = StatusCode::from_u16(*s).unwrap().into_response();
        if *s == 429 {
            r.headers_mut().insert("Retry-After", "1".parse().unwrap());
        }
        return r;
    }
    let rifiuta = |m: &str| {
        st.rifiutati.lock().unwrap().push(format!("{id}: {m}"));
        StatusCode::BAD_REQUEST.into_response()
    };
    // VAPID: `vapid t=<jwt>, k=<key>`; the JWT signed by that key, for this origin.
    let Some((t, k)) = h
        .get("authorization")
        .and_then(|a| a.to_str().ok())
        .and_then(|a| a.strip_prefix("vapid t="))
        .and_then(|a| a.split_once(", k="))
    else {
        return rifiuta("senza VAPID");
    };
    let parti: Vec<&str> = t.split('.').collect();
    let chiave = VerifyingKey::from_sec1_bytes(&da_b64(k).unwrap()).unwrap();
    let firma = Signature::from_slice(&da_b64(parti[2]).unwrap()).unwrap();
    if chiave
        .verify(format!("{}.{}", parti[0], parti[1]).as_bytes(), &firma)
        .is_err()
    {
        return rifiuta("firma VAPID non valida");
    }
    let dati: serde_json::Value = serde_json::from_slice(&da_b64(parti[1]).unwrap()).unwrap();
    if dati["aud"] != format!("http://{}", h["host"].to_str().unwrap()) {
        return rifiuta("aud sbagliato");
    }
    let Some((privata, auth)) = st.chiavi.lock().unwrap().get(&id).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let sk = SecretKey::from_slice(&privata).unwrap();
    let ua_public: [u8; 65] = sk.public_key().to_sec1_bytes().as_ref().try_into().unwrap();
    let chiaro = decifra_con(&corpo, &ua_public, &auth, |as_public| {
        let pk = PublicKey::from_sec1_bytes(as_public).ok()?;
        Some(
            diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine())
                .raw_secret_bytes()
                .to_vec(),
        )
    });
    match chiaro.ok().and_then(|c| serde_json::from_slice(&c).ok()) {
        Some(messaggio) => {
            st.ricevuti.lock().unwrap().push(Spinta {
                id,
                intestazioni: h,
                messaggio,
            });
            StatusCode::CREATED.into_response()
        }
        None => rifiuta("contenuto non decifrabile"),
    }
}

pub struct Push {
    pub base: String,
    pub stato: Arc<StatoPush>,
}

impl Push {
    pub async fn avvia() -> Self {
        let stato = Arc::new(StatoPush::default());
        let app = Router::new()
            .route("/push/{id}", post(servizio_push))
            .with_state(stato.clone());
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
        Self {
            base: format!("http://{addr}"),
            stato,
        }
    }

    /// A browser's subscription: (endpoint, p256dh, auth), its private key kept by the service.
    pub fn browser(&self, id: &str) -> (String, String, String) {
        let mut seme = [7u8; 32];
        for (i, b) in id.bytes().enumerate() {
            seme[i % 32] ^= b;
        }
        let sk = SecretKey::from_slice(&seme).unwrap();
        let auth: [u8; 16] = seme[..16].try_into().unwrap();
        self.stato
            .chiavi
            .lock()
            .unwrap()
            .insert(id.to_owned(), (sk.to_bytes().to_vec(), auth));
        (
            format!("{}/push/{id}", self.base),
            b64(&sk.public_key().to_sec1_bytes()),
            b64(&auth),
        )
    }

    pub fn per(&self, id: &str) -> Vec<Spinta> {
        self.stato
            .ricevuti
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.id == id)
            .cloned()
            .collect()
    }
}

/// An HTTP peer recording (path, headers, body) and answering from a script, then 200 with
/// `ok_corpo`.
#[derive(Default)]
pub struct StatoHttp {
    pub ricevuti: Mutex<Vec<(String, HeaderMap, String)>>,
    pub copione: Mutex<Vec<(u16, String)>>,
    pub ok_corpo: String,
}

async fn servizio_http(
    axum::extract::State(st): axum::extract::State<Arc<StatoHttp>>,
    uri: axum::http::Uri,
    h: HeaderMap,
    corpo: String,
) -> axum::response::Response {
    st.ricevuti
        .lock()
        .unwrap()
        .push((uri.path().to_owned(), h, corpo));
    let (s, c) = st
        .copione
        .lock()
        .unwrap()
        .pop()
        .unwrap_or((200, st.ok_corpo.clone()));
    (
        StatusCode::from_u16(s).unwrap(),
        [("content-type", "application/json")],
        c,
    )
        .into_response()
}

pub struct Http {
    pub base: String,
    pub stato: Arc<StatoHttp>,
}

impl Http {
    /// `copione` is answered from its end first.
    pub async fn avvia(copione: Vec<(u16, String)>, ok_corpo: &str) -> Self {
        let stato = Arc::new(StatoHttp {
            copione: Mutex::new(copione),
            ok_corpo: ok_corpo.to_owned(),
            ..Default::default()
        });
        let app = Router::new()
            .fallback(servizio_http)
            .with_state(stato.clone());
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
        Self {
            base: format!("http://{addr}"),
            stato,
        }
    }

    pub fn ricevuti(&self) -> Vec<(String, HeaderMap, String)> {
        self.stato.ricevuti.lock().unwrap().clone()
    }
}
