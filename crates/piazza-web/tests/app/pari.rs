//! Real peers on loopback for the delivery tests: an SMTP server (Python's aiosmtpd writing a
//! Maildir), a push service that checks the VAPID token and decrypts every payload with the
//! subscription's private key, and HTTP peers playing the Telegram Bot API and an SMS gateway.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
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

/// A Python with aiosmtpd (Debian: `python3-aiosmtpd`).
fn python() -> String {
    let mut candidati = vec!["/usr/bin/python3".to_owned(), "python3".to_owned()];
    if let Ok(p) = std::env::var("PIAZZA_PYTHON") {
        candidati.insert(0, p);
    }
    candidati
        .into_iter()
        .find(|p| {
            Command::new(p)
                .args(["-c", "import aiosmtpd"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .expect("serve Python 3 con aiosmtpd (Debian: apt install python3-aiosmtpd)")
}

fn porta_libera() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An SMTP server on loopback that keeps every message in a Maildir.
pub struct Smtp {
    figlio: Child,
    pub dir: PathBuf,
    pub porta: u16,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.figlio.kill();
        let _ = self.figlio.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
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
    pub async fn avvia() -> Self {
        let porta = porta_libera();
        let dir = std::env::temp_dir().join(format!("piazza-smtp-{}-{porta}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut figlio = Command::new(python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{porta}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                dir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd avviato");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", porta))
                .await
                .is_ok()
            {
                return Self { figlio, dir, porta };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = figlio.kill();
        let _ = figlio.wait();
        panic!("il server SMTP di prova non risponde");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.porta)
    }

    /// Every message received so far, oldest first.
    pub fn messaggi(&self) -> Vec<Posta> {
        let Ok(d) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        let mut file: Vec<(std::time::SystemTime, PathBuf)> = d
            .flatten()
            .map(|e| (e.metadata().unwrap().modified().unwrap(), e.path()))
            .collect();
        file.sort();
        file.iter()
            .map(|(_, p)| leggi(&std::fs::read_to_string(p).unwrap()))
            .collect()
    }

    /// Waits until at least `n` messages arrived (the server writes them asynchronously).
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
