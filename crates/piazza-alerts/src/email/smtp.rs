//! One SMTP connection (RFC 5321): opening it (greeting, EHLO, STARTTLS or implicit TLS, AUTH
//! PLAIN or LOGIN) and sending messages on it, each in as few writes as the server allows.
//!
//! With PIPELINING (RFC 2920) a message takes two writes and two round trips: `MAIL FROM`,
//! `RCPT TO` and `DATA` in one, then the dot-stuffed content with its final `.` in the other.
//! Without it, one command per round trip. `TCP_NODELAY` is set on every connection, so that no
//! write waits for the peer's delayed ACK.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;

use super::risposta::{Estensioni, Risposta, analizza};

/// How TLS is used, from the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// `smtp://host`: plain text (a relay on the same machine or network).
    Nessuno,
    /// `smtp://host?tls=required` / `?tls=opportunistic`: STARTTLS, required or when offered.
    Starttls { obbligatorio: bool },
    /// `smtps://host`: TLS from the first byte.
    Implicito,
}

/// Where the server is and how to speak to it: what `Posta::new`'s URL says.
pub struct Server {
    pub host: String,
    pub porta: u16,
    pub tls: Tls,
    pub credenziali: Option<(String, String)>,
    /// The name given in EHLO: the URL's path, or else our address as a literal (`[192.0.2.1]`).
    pub nome: Option<String>,
    /// Bounds connecting, each write and each reply.
    pub tempo: Duration,
    connettore: Option<tokio_rustls::TlsConnector>,
}

/// What went wrong.
#[derive(Debug)]
pub enum Errore {
    /// The server answered this to the message (the connection is in a known state, unless the
    /// code is 421: the server is closing it).
    Risposta(Risposta),
    /// The connection could not be opened, broke, timed out or carried no SMTP: not to be used
    /// again.
    Rete(String),
    /// The connection was found closed before this message got any reply (an idle connection
    /// the server had closed): the message may be sent again on another one.
    Chiusa(String),
    /// The message cannot be sent to this server as it is.
    Messaggio(String),
}

impl Server {
    /// Reads the URL the way lettre did: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// (or `tls=opportunistic`), `smtps://host:465`; the user and password percent-decoded; a
    /// path names our host in EHLO (`smtp://host/client.example.org`).
    pub fn da_url(indirizzo: &str) -> Result<Self, String> {
        let errore = |e: &dyn std::fmt::Display| {
            format!("indirizzo del server SMTP non valido ({indirizzo}): {e}")
        };
        let u = url::Url::parse(indirizzo).map_err(|e| errore(&e))?;
        let tls_q = u
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (tls, predefinita) = match (u.scheme(), tls_q.as_deref()) {
            ("smtp", None) => (Tls::Nessuno, 25),
            ("smtp", Some("required")) => (Tls::Starttls { obbligatorio: true }, 587),
            ("smtp", Some("opportunistic")) => (
                Tls::Starttls {
                    obbligatorio: false,
                },
                587,
            ),
            ("smtps", _) => (Tls::Implicito, 465),
            (s, t) => {
                return Err(errore(&format!(
                    "schema «{s}» o parametro tls «{}» sconosciuto",
                    t.unwrap_or("")
                )));
            }
        };
        let host = u
            .host_str()
            .ok_or_else(|| errore(&"manca il nome del server"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let decodifica = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|e| errore(&e))
        };
        let credenziali = match u.password() {
            Some(p) => Some((decodifica(u.username())?, decodifica(p)?)),
            None => None,
        };
        let nome = Some(u.path().trim_matches('/'))
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let connettore = if tls == Tls::Nessuno {
            None
        } else {
            Some(connettore_tls(&[])?)
        };
        Ok(Self {
            porta: u.port().unwrap_or(predefinita),
            host,
            tls,
            credenziali,
            nome,
            tempo: Duration::from_secs(30),
            connettore,
        })
    }

    /// TLS also trusts `radici` beside the web's roots (a relay with a private CA; tests).
    pub fn radici(
        &mut self,
        radici: &[rustls::pki_types::CertificateDer<'static>],
    ) -> Result<(), String> {
        if self.tls != Tls::Nessuno {
            self.connettore = Some(connettore_tls(radici)?);
        }
        Ok(())
    }

    /// Opens a connection ready for messages (greeted, TLS as asked, authenticated).
    pub async fn connetti(&self) -> Result<Connessione, Errore> {
        let rete =
            |e: &dyn std::fmt::Display| Errore::Rete(format!("connessione al server SMTP: {e}"));
        let tcp = entro(
            self.tempo,
            TcpStream::connect((self.host.as_str(), self.porta)),
        )
        .await
        .map_err(|e| rete(&e))?;
        let _ = tcp.set_nodelay(true);
        let nome = match &self.nome {
            Some(n) => n.clone(),
            None => match tcp.local_addr() {
                Ok(std::net::SocketAddr::V4(a)) => format!("[{}]", a.ip()),
                Ok(std::net::SocketAddr::V6(a)) => format!("[IPv6:{}]", a.ip()),
                Err(_) => "[127.0.0.1]".to_owned(),
            },
        };
        let io = if self.tls == Tls::Implicito {
            Io::Tls(Box::new(self.cifra(tcp).await?))
        } else {
            Io::Tcp(tcp)
        };
        let mut c = Connessione {
            io,
            buf: Vec::with_capacity(1024),
            est: Estensioni::default(),
            tempo: self.tempo,
            usata: Instant::now(),
            messaggi: 0,
        };
        let saluto = c.leggi().await?;
        if saluto.codice != 220 {
            return Err(rifiuto("saluto", &saluto));
        }
        c.ehlo(&nome).await?;
        if let Tls::Starttls { obbligatorio } = self.tls {
            if c.est.starttls {
                let r = c.comando(b"STARTTLS\r\n").await?;
                if r.codice != 220 {
                    return Err(rifiuto("STARTTLS", &r));
                }
                // Bytes that came with the 220 were sent before TLS: an injection (RFC 3207 §5).
                if !c.buf.is_empty() {
                    return Err(Errore::Rete(
                        "dati inattesi dal server SMTP prima di TLS".into(),
                    ));
                }
                let Io::Tcp(tcp) = c.io else {
                    return Err(Errore::Rete(
                        "STARTTLS su una connessione già cifrata".into(),
                    ));
                };
                c.io = Io::Tls(Box::new(self.cifra(tcp).await?));
                c.ehlo(&nome).await?;
            } else if obbligatorio {
                return Err(Errore::Rete(
                    "il server SMTP non offre STARTTLS, richiesto dall'indirizzo (tls=required)"
                        .into(),
                ));
            }
        }
        if let Some((utente, parola)) = &self.credenziali {
            c.autentica(utente, parola).await?;
        }
        Ok(c)
    }

    async fn cifra(&self, tcp: TcpStream) -> Result<TlsStream<TcpStream>, Errore> {
        let tls = |e: &dyn std::fmt::Display| Errore::Rete(format!("TLS con il server SMTP: {e}"));
        let nome =
            rustls::pki_types::ServerName::try_from(self.host.clone()).map_err(|e| tls(&e))?;
        let connettore = self
            .connettore
            .as_ref()
            .expect("TLS configured for a TLS URL");
        entro(self.tempo, connettore.connect(nome, tcp))
            .await
            .map_err(|e| tls(&e))
    }
}

/// The TLS client: the web's roots (webpki-roots) and `extra` beside them, ring, TLS 1.2 and
/// 1.3.
fn connettore_tls(
    extra: &[rustls::pki_types::CertificateDer<'static>],
) -> Result<tokio_rustls::TlsConnector, String> {
    let mut radici = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for r in extra {
        radici
            .add(r.clone())
            .map_err(|e| format!("certificato radice per il server SMTP non valido: {e}"))?;
    }
    let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS 1.2 and 1.3 with ring")
    .with_root_certificates(radici)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(cfg)))
}

/// A reply refusing a step of opening the connection, as an error of the connection: whatever
/// the code, no message is at fault.
fn rifiuto(passo: &str, r: &Risposta) -> Errore {
    Errore::Rete(format!(
        "il server SMTP ha rifiutato {passo}: {}",
        r.testo()
    ))
}

/// `f` within `tempo`, a timeout being an I/O error.
async fn entro<T>(tempo: Duration, f: impl Future<Output = io::Result<T>>) -> io::Result<T> {
    tokio::time::timeout(tempo, f)
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "tempo scaduto"))?
}

/// An I/O error, [`Errore::Chiusa`] when it says the peer closed the connection.
fn da_io(e: io::Error) -> Errore {
    use io::ErrorKind::*;
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => {
            Errore::Chiusa(format!("server SMTP: connessione chiusa ({e})"))
        }
        _ => Errore::Rete(format!("server SMTP: {e}")),
    }
}

/// The byte stream: TCP, or TLS over it.
enum Io {
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        b: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(s) => Pin::new(s).poll_read(cx, b),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, b),
        }
    }
}

impl AsyncWrite for Io {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, b: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Io::Tcp(s) => Pin::new(s).poll_write(cx, b),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, b),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(s) => Pin::new(s).poll_flush(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// One open connection, between messages in a known state (no transaction open).
pub struct Connessione {
    io: Io,
    /// Bytes read and not yet parsed.
    buf: Vec<u8>,
    est: Estensioni,
    tempo: Duration,
    /// When it was last given back to the pool.
    pub usata: Instant,
    /// Messages sent on it.
    pub messaggi: u64,
}

impl Connessione {
    /// The next reply, reading as much as it takes.
    async fn leggi(&mut self) -> Result<Risposta, Errore> {
        loop {
            match analizza(&self.buf) {
                Ok(Some((r, n))) => {
                    self.buf.drain(..n);
                    return Ok(r);
                }
                Ok(None) => {}
                Err(e) => return Err(Errore::Rete(e)),
            }
            self.buf.reserve(1024);
            let n = entro(self.tempo, self.io.read_buf(&mut self.buf))
                .await
                .map_err(da_io)?;
            if n == 0 {
                return Err(Errore::Chiusa("server SMTP: connessione chiusa".into()));
            }
        }
    }

    /// One write of `b` (one system call for what fits in the socket's buffer).
    async fn scrivi(&mut self, b: &[u8]) -> Result<(), Errore> {
        let io = &mut self.io;
        entro(self.tempo, async move {
            io.write_all(b).await?;
            io.flush().await
        })
        .await
        .map_err(da_io)
    }

    async fn comando(&mut self, c: &[u8]) -> Result<Risposta, Errore> {
        self.scrivi(c).await?;
        self.leggi().await
    }

    async fn ehlo(&mut self, nome: &str) -> Result<(), Errore> {
        let r = self.comando(format!("EHLO {nome}\r\n").as_bytes()).await?;
        if r.classe() == 2 {
            self.est = Estensioni::da_ehlo(&r);
            return Ok(());
        }
        // A server of before ESMTP: HELO, no extensions.
        let r = self.comando(format!("HELO {nome}\r\n").as_bytes()).await?;
        if r.classe() != 2 {
            return Err(rifiuto("HELO", &r));
        }
        self.est = Estensioni::default();
        Ok(())
    }

    async fn autentica(&mut self, utente: &str, parola: &str) -> Result<(), Errore> {
        let r = if self.est.auth_plain {
            let c = base64(format!("\0{utente}\0{parola}").as_bytes());
            self.comando(format!("AUTH PLAIN {c}\r\n").as_bytes())
                .await?
        } else if self.est.auth_login {
            let mut r = self.comando(b"AUTH LOGIN\r\n").await?;
            for parte in [utente, parola] {
                if r.codice != 334 {
                    break;
                }
                r = self
                    .comando(format!("{}\r\n", base64(parte.as_bytes())).as_bytes())
                    .await?;
            }
            r
        } else {
            return Err(Errore::Rete(
                "il server SMTP non offre AUTH PLAIN né AUTH LOGIN per le credenziali date".into(),
            ));
        };
        if r.codice != 235 {
            return Err(rifiuto("l'autenticazione", &r));
        }
        Ok(())
    }

    /// Sends one message from `da` to `a`; `dati` is its content dot-stuffed and ended by
    /// `.\r\n` ([`super::dati`]). `Ok` when the server accepted it. After an
    /// [`Errore::Risposta`] other than 421 the transaction may still be open: [`Self::rset`].
    pub async fn invia(&mut self, da: &str, a: &str, dati: &[u8]) -> Result<(), Errore> {
        let utf8 = !da.is_ascii() || !a.is_ascii();
        if utf8 && !self.est.smtputf8 {
            return Err(Errore::Messaggio(
                "il server SMTP non accetta indirizzi con caratteri non ASCII (SMTPUTF8)".into(),
            ));
        }
        let busta = format!(
            "MAIL FROM:<{da}>{}\r\nRCPT TO:<{a}>\r\nDATA\r\n",
            if utf8 { " SMTPUTF8" } else { "" }
        );
        // Until the first reply, a closed connection means nothing was sent.
        let fino_alla_prima = |e| e;
        let dopo_la_prima = |e| match e {
            Errore::Chiusa(m) => Errore::Rete(m),
            e => e,
        };
        if self.est.pipelining {
            self.scrivi(busta.as_bytes())
                .await
                .map_err(fino_alla_prima)?;
            let mail = self.leggi().await.map_err(fino_alla_prima)?;
            let (rcpt, data) = if mail.codice == 421 {
                (None, None)
            } else {
                let rcpt = self.leggi().await.map_err(dopo_la_prima)?;
                let data = if rcpt.codice == 421 {
                    None
                } else {
                    Some(self.leggi().await.map_err(dopo_la_prima)?)
                };
                (Some(rcpt), data)
            };
            let errore = [Some(&mail), rcpt.as_ref(), data.as_ref()]
                .into_iter()
                .flatten()
                .find(|r| r.classe() != 2 && r.codice != 354)
                .cloned();
            match (errore, data.map(|d| d.codice)) {
                (None, Some(354)) => {}
                (Some(e), Some(354)) => {
                    // DATA accepted with no valid envelope: end it empty (RFC 2920 §3.1).
                    self.scrivi(b".\r\n").await.map_err(dopo_la_prima)?;
                    self.leggi().await.map_err(dopo_la_prima)?;
                    return Err(Errore::Risposta(e));
                }
                (Some(e), _) => return Err(Errore::Risposta(e)),
                (None, _) => {
                    return Err(Errore::Rete(
                        "risposta inattesa del server SMTP a DATA".into(),
                    ));
                }
            }
        } else {
            for (i, c) in busta.split_inclusive("\r\n").enumerate() {
                let r = self.comando(c.as_bytes()).await;
                let r = if i == 0 {
                    r.map_err(fino_alla_prima)
                } else {
                    r.map_err(dopo_la_prima)
                }?;
                let atteso = if c == "DATA\r\n" {
                    r.codice == 354
                } else {
                    r.classe() == 2
                };
                if !atteso {
                    return Err(Errore::Risposta(r));
                }
            }
        }
        self.scrivi(dati).await.map_err(dopo_la_prima)?;
        let r = self.leggi().await.map_err(dopo_la_prima)?;
        if r.classe() != 2 {
            return Err(Errore::Risposta(r));
        }
        self.messaggi += 1;
        Ok(())
    }

    /// Ends a failed transaction: whether the connection may be used again.
    pub async fn rset(&mut self) -> bool {
        matches!(self.comando(b"RSET\r\n").await, Ok(r) if r.classe() == 2)
    }
}

/// Standard base64 with padding (RFC 4648 §4), for AUTH.
fn base64(d: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(d.len().div_ceil(3) * 4);
    for c in d.chunks(3) {
        let n = u32::from(c[0]) << 16
            | u32::from(c.get(1).copied().unwrap_or(0)) << 8
            | u32::from(c.get(2).copied().unwrap_or(0));
        let car = |i: u32| A[(n >> i & 63) as usize] as char;
        s.push(car(18));
        s.push(car(12));
        s.push(if c.len() > 1 { car(6) } else { '=' });
        s.push(if c.len() > 2 { car(0) } else { '=' });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_rfc_4648_says() {
        for (d, b) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("\0utente\0parola", "AHV0ZW50ZQBwYXJvbGE="),
        ] {
            assert_eq!(base64(d.as_bytes()), b, "{d:?}");
        }
    }

    #[test]
    fn the_urls_lettre_read_are_read_alike() {
        let s = Server::da_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (s.host.as_str(), s.porta, s.tls),
            ("127.0.0.1", 2525, Tls::Nessuno)
        );
        assert!(s.credenziali.is_none() && s.nome.is_none());
        let s = Server::da_url("smtp://mario%40comune.it:p%40ss%3Aw@smtp.example.org?tls=required")
            .unwrap();
        assert_eq!(s.porta, 587);
        assert_eq!(s.tls, Tls::Starttls { obbligatorio: true });
        assert_eq!(
            s.credenziali,
            Some(("mario@comune.it".into(), "p@ss:w".into()))
        );
        let s = Server::da_url("smtp://smtp.example.org:25/client.example.org?tls=opportunistic")
            .unwrap();
        assert_eq!(
            s.tls,
            Tls::Starttls {
                obbligatorio: false
            }
        );
        assert_eq!(s.nome.as_deref(), Some("client.example.org"));
        let s = Server::da_url("smtps://smtp.example.org").unwrap();
        assert_eq!((s.porta, s.tls), (465, Tls::Implicito));
        for u in [
            "http://example.org",
            "smtp://example.org?tls=sempre",
            "non un url",
            "smtp:///percorso",
        ] {
            let e = Server::da_url(u).err().unwrap_or_else(|| panic!("{u}"));
            assert!(e.contains("non valido"), "{e}");
        }
    }
}
