//! The HTTP/1.1 client side of one kept-open connection, as web push needs it and no more: a
//! request goes out as one buffer (head and body, written with one call), the answer's status
//! and `Retry-After` come back, its body is read and dropped (`Content-Length`, chunked, or up
//! to the close), `1xx` interim answers are skipped, and the connection is reported unusable
//! when the peer closes it or says it will. Requests go one at a time ([`Connessione::scambia`])
//! or several at once ([`Connessione::scambia_in_fila`], HTTP/1.1 pipelining: written with one
//! call, answered in order), which saves the kernel a write and a read per message.
//!
//! Why not a general client: at a million messages per alert, the machinery around each
//! request (header maps, channels between tasks, body types) cost as much as the kernel's
//! loopback TCP; this costs a few hundred nanoseconds. Everything it does not do (redirects,
//! compression, upgrades) a push service does not ask for.

use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// A byte stream: TCP, or TLS over TCP.
pub trait Flusso: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Flusso for T {}

/// The most a response head may take.
const MAX_TESTA: usize = 16 * 1024;

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risposta {
    pub stato: u16,
    pub retry_after: Option<Duration>,
}

/// Why an exchange failed.
#[derive(Debug)]
pub enum Errore {
    /// Not a byte of the request was accepted: it can go on another connection.
    NonInviata(String),
    /// The request (or part of it) went out and no valid answer came back.
    Risposta(String),
}

impl std::fmt::Display for Errore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Errore::NonInviata(m) | Errore::Risposta(m) => f.write_str(m),
        }
    }
}

pub struct Connessione {
    io: Box<dyn Flusso>,
    /// Bytes read and not yet consumed.
    buf: Vec<u8>,
    /// Requests sent together, joined (kept to reuse its allocation).
    uscita: Vec<u8>,
    /// Whether another request may go on it.
    aperta: bool,
}

impl Connessione {
    pub fn new(io: Box<dyn Flusso>) -> Self {
        Self {
            io,
            buf: Vec::with_capacity(4096),
            uscita: Vec::new(),
            aperta: true,
        }
    }

    pub fn aperta(&self) -> bool {
        self.aperta
    }

    pub fn chiudi(&mut self) {
        self.aperta = false;
    }

    /// Whether it is still open, noticing a close (or stray bytes) from the peer while it sat
    /// idle: one read attempt that must find nothing to read.
    pub fn viva(&mut self) -> bool {
        if !self.aperta {
            return false;
        }
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut spazio = [0u8; 64];
        let mut rb = ReadBuf::new(&mut spazio);
        match std::pin::Pin::new(&mut self.io).poll_read(&mut cx, &mut rb) {
            Poll::Pending => true,
            // Closed, broken, or talking out of turn: not to be trusted with a request.
            Poll::Ready(_) => {
                self.aperta = false;
                false
            }
        }
    }

    /// Sends `richiesta` (a whole request: head and body) and reads the answer. After an error
    /// the connection is closed.
    pub async fn scambia(&mut self, richiesta: &[u8]) -> Result<Risposta, Errore> {
        if !self.aperta {
            return Err(Errore::NonInviata("connessione chiusa".into()));
        }
        let r = self.scambia_aperta(richiesta).await;
        if r.is_err() {
            self.aperta = false;
        }
        r
    }

    async fn scambia_aperta(&mut self, richiesta: &[u8]) -> Result<Risposta, Errore> {
        self.scrivi_tutto(richiesta)
            .await
            .map_err(|(scritti, e)| errore_scrittura(scritti, e))?;
        self.buf.clear();
        let r = self.leggi_risposta().await.map_err(Errore::Risposta)?;
        // Bytes beyond the answer: the peer is not speaking one answer per request.
        if !self.buf.is_empty() {
            self.aperta = false;
        }
        Ok(r)
    }

    /// Sends several requests at once (HTTP/1.1 pipelining: joined and written with one call)
    /// and reads their answers in order: one outcome per request. Requests after an answer that
    /// ends the connection were not processed (RFC 9112 §9.6): [`Errore::NonInviata`], as are
    /// those a failed write did not reach; after a failure to read, the requests that went out
    /// unanswered are [`Errore::Risposta`] (their fate is unknown).
    pub async fn scambia_in_fila(&mut self, richieste: &[&[u8]]) -> Vec<Result<Risposta, Errore>> {
        if richieste.len() == 1 {
            return vec![self.scambia(richieste[0]).await];
        }
        let mut esiti = Vec::with_capacity(richieste.len());
        if !self.aperta {
            esiti.extend(
                richieste
                    .iter()
                    .map(|_| Err(Errore::NonInviata("connessione chiusa".into()))),
            );
            return esiti;
        }
        let mut uscita = std::mem::take(&mut self.uscita);
        uscita.clear();
        for r in richieste {
            uscita.extend_from_slice(r);
        }
        let scritto = self.scrivi_tutto(&uscita).await;
        self.uscita = uscita;
        if let Err((scritti, e)) = scritto {
            self.aperta = false;
            let mut inizio = 0;
            for r in richieste {
                // Bytes of this request that went out: none, or some.
                esiti.push(Err(errore_scrittura(
                    scritti.saturating_sub(inizio),
                    e.clone(),
                )));
                inizio += r.len();
            }
            return esiti;
        }
        self.buf.clear();
        for _ in richieste {
            if !self.aperta {
                esiti.push(Err(Errore::NonInviata(
                    "connessione chiusa dal servizio prima di questa richiesta".into(),
                )));
                continue;
            }
            match self.leggi_risposta().await {
                Ok(r) => esiti.push(Ok(r)),
                Err(e) => {
                    self.aperta = false;
                    esiti.push(Err(Errore::Risposta(e)));
                    while esiti.len() < richieste.len() {
                        esiti.push(Err(Errore::Risposta("nessuna risposta".into())));
                    }
                    return esiti;
                }
            }
        }
        if !self.buf.is_empty() {
            self.aperta = false;
        }
        esiti
    }

    /// Writes all of `dati` and flushes; on failure, how many bytes went out.
    async fn scrivi_tutto(&mut self, dati: &[u8]) -> Result<(), (usize, String)> {
        let mut scritti = 0;
        while scritti < dati.len() {
            match self.io.write(&dati[scritti..]).await {
                Ok(0) => return Err((scritti, "connessione chiusa".into())),
                Ok(n) => scritti += n,
                Err(e) => return Err((scritti, e.to_string())),
            }
        }
        self.io.flush().await.map_err(|e| (scritti, e.to_string()))
    }

    /// Reads more bytes into the buffer; `false` at the end of the stream.
    async fn leggi(&mut self) -> Result<bool, String> {
        if self.buf.capacity() - self.buf.len() < 1024 {
            self.buf.reserve(4096);
        }
        match self.io.read_buf(&mut self.buf).await {
            Ok(0) => Ok(false),
            Ok(_) => Ok(true),
            Err(e) => Err(format!("lettura della risposta: {e}")),
        }
    }

    async fn leggi_risposta(&mut self) -> Result<Risposta, String> {
        loop {
            let (consumati, testa) = loop {
                let mut h = [httparse::EMPTY_HEADER; 64];
                let mut r = httparse::Response::new(&mut h);
                match r.parse(&self.buf) {
                    Ok(httparse::Status::Complete(n)) => break (n, Testa::da(&r)?),
                    Ok(httparse::Status::Partial) => {
                        if self.buf.len() > MAX_TESTA {
                            return Err("intestazioni della risposta troppo lunghe".into());
                        }
                        if !self.leggi().await? {
                            return Err(if self.buf.is_empty() {
                                "connessione chiusa senza risposta".into()
                            } else {
                                "connessione chiusa a metà risposta".into()
                            });
                        }
                    }
                    Err(e) => return Err(format!("risposta non valida: {e}")),
                }
            };
            self.buf.drain(..consumati);
            if (100..200).contains(&testa.stato) {
                if testa.stato == 101 {
                    return Err("cambio di protocollo non richiesto (101)".into());
                }
                continue; // interim answer: the final one follows
            }
            match testa.corpo {
                _ if testa.stato == 204 || testa.stato == 304 => {}
                Corpo::Lunghezza(n) => self.salta(n).await?,
                Corpo::Chunked => self.salta_chunked().await?,
                Corpo::FinoAllaChiusura => {
                    self.aperta = false;
                    self.buf.clear();
                    while self.leggi().await? {
                        self.buf.clear();
                    }
                }
            }
            if testa.chiudi {
                self.aperta = false;
            }
            return Ok(Risposta {
                stato: testa.stato,
                retry_after: testa.retry_after,
            });
        }
    }

    /// Drops the next `n` bytes of the stream.
    async fn salta(&mut self, mut n: u64) -> Result<(), String> {
        loop {
            let qui = (self.buf.len() as u64).min(n) as usize;
            self.buf.drain(..qui);
            n -= qui as u64;
            if n == 0 {
                return Ok(());
            }
            if !self.leggi().await? {
                return Err("connessione chiusa a metà risposta".into());
            }
        }
    }

    /// Drops a chunked body, up to the end of its trailers.
    async fn salta_chunked(&mut self) -> Result<(), String> {
        loop {
            match httparse::parse_chunk_size(&self.buf) {
                Ok(httparse::Status::Complete((consumati, 0))) => {
                    self.buf.drain(..consumati);
                    break;
                }
                Ok(httparse::Status::Complete((consumati, n))) => {
                    self.buf.drain(..consumati);
                    self.salta(n + 2).await?; // the data and its CRLF
                }
                Ok(httparse::Status::Partial) => {
                    if self.buf.len() > MAX_TESTA {
                        return Err("risposta a blocchi non valida".into());
                    }
                    if !self.leggi().await? {
                        return Err("connessione chiusa a metà risposta".into());
                    }
                }
                Err(_) => return Err("risposta a blocchi non valida".into()),
            }
        }
        // Trailers: lines up to an empty one.
        loop {
            match self.buf.windows(2).position(|w| w == b"\r\n") {
                Some(0) => {
                    self.buf.drain(..2);
                    return Ok(());
                }
                Some(i) => {
                    self.buf.drain(..i + 2);
                }
                None => {
                    if self.buf.len() > MAX_TESTA {
                        return Err("risposta a blocchi non valida".into());
                    }
                    if !self.leggi().await? {
                        return Err("connessione chiusa a metà risposta".into());
                    }
                }
            }
        }
    }
}

fn errore_scrittura(scritti: usize, e: String) -> Errore {
    if scritti == 0 {
        Errore::NonInviata(format!("invio non riuscito: {e}"))
    } else {
        Errore::Risposta(format!("invio interrotto: {e}"))
    }
}

/// How the body of an answer ends.
enum Corpo {
    Lunghezza(u64),
    Chunked,
    FinoAllaChiusura,
}

/// What the head of an answer says.
struct Testa {
    stato: u16,
    retry_after: Option<Duration>,
    corpo: Corpo,
    chiudi: bool,
}

impl Testa {
    fn da(r: &httparse::Response<'_, '_>) -> Result<Self, String> {
        let stato = r.code.ok_or("risposta senza stato")?;
        let mut lunghezza: Option<u64> = None;
        let mut chunked = false;
        let mut chiudi = r.version == Some(0);
        let mut retry_after = None;
        for h in r.headers.iter() {
            let v = std::str::from_utf8(h.value).unwrap_or_default();
            if h.name.eq_ignore_ascii_case("content-length") {
                let n: u64 = v
                    .trim()
                    .parse()
                    .map_err(|_| format!("Content-Length non valida: {v}"))?;
                if lunghezza.is_some_and(|l| l != n) {
                    return Err("Content-Length discordanti".into());
                }
                lunghezza = Some(n);
            } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = v
                    .rsplit(',')
                    .next()
                    .is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked"));
                if !chunked {
                    return Err(format!("Transfer-Encoding non gestita: {v}"));
                }
            } else if h.name.eq_ignore_ascii_case("connection") {
                for t in v.split(',').map(str::trim) {
                    if t.eq_ignore_ascii_case("close") {
                        chiudi = true;
                    } else if t.eq_ignore_ascii_case("keep-alive") && r.version == Some(0) {
                        chiudi = false;
                    }
                }
            } else if h.name.eq_ignore_ascii_case("retry-after") {
                retry_after = crate::ritmo::secondi_retry_after(v);
            }
        }
        let corpo = if chunked {
            Corpo::Chunked
        } else if let Some(n) = lunghezza {
            Corpo::Lunghezza(n)
        } else {
            Corpo::FinoAllaChiusura
        };
        Ok(Self {
            stato,
            retry_after,
            corpo,
            chiudi,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A connection whose peer sends `risposte` (each after it has read a request) and
    /// records what it received.
    async fn con_pari(risposte: Vec<Vec<u8>>, chiudi_dopo: bool) -> Connessione {
        let (a, mut b) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            for r in risposte {
                let _ = b.read(&mut buf).await;
                b.write_all(&r).await.unwrap();
            }
            if chiudi_dopo {
                drop(b);
            } else {
                // Keep the stream open until the test ends.
                let _ = b.read(&mut buf).await;
            }
        });
        Connessione::new(Box::new(a))
    }

    const RICHIESTA: &[u8] = b"POST /x HTTP/1.1\r\nhost: a\r\ncontent-length: 0\r\n\r\n";

    #[tokio::test]
    async fn reads_answers_framed_every_way_and_keeps_the_connection() {
        let mut c = con_pari(
            vec![
                b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\nX-T: 1\r\n\r\n".to_vec(),
                b"HTTP/1.1 204 No Content\r\n\r\n".to_vec(),
            ],
            false,
        )
        .await;
        let r = c.scambia(RICHIESTA).await.unwrap();
        assert_eq!((r.stato, r.retry_after), (201, None));
        assert!(c.aperta());
        let r = c.scambia(RICHIESTA).await.unwrap();
        assert_eq!(
            (r.stato, r.retry_after),
            (429, Some(Duration::from_secs(7)))
        );
        assert!(c.aperta(), "chunked body and trailers consumed");
        let r = c.scambia(RICHIESTA).await.unwrap();
        assert_eq!(r.stato, 204);
        assert!(c.aperta() && c.viva());
    }

    #[tokio::test]
    async fn a_close_said_or_done_ends_the_connection() {
        let mut c = con_pari(
            vec![
                b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".to_vec(),
            ],
            false,
        )
        .await;
        assert_eq!(c.scambia(RICHIESTA).await.unwrap().stato, 201);
        assert!(!c.aperta());
        assert!(matches!(
            c.scambia(RICHIESTA).await,
            Err(Errore::NonInviata(_))
        ));

        // A body without length runs to the close.
        let mut c = con_pari(vec![b"HTTP/1.1 410 Gone\r\n\r\nsparita".to_vec()], true).await;
        assert_eq!(c.scambia(RICHIESTA).await.unwrap().stato, 410);
        assert!(!c.aperta());

        // Closed by the peer while idle: noticed before the next request.
        let mut c = con_pari(
            vec![b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n".to_vec()],
            true,
        )
        .await;
        assert_eq!(c.scambia(RICHIESTA).await.unwrap().stato, 201);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!c.viva());
    }

    #[tokio::test]
    async fn bad_or_missing_answers_are_errors() {
        for (risposta, attesa) in [
            (
                &b"HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nabc"[..],
                "a metà",
            ),
            (b"", "senza risposta"),
            (b"NIENTE DI BUONO\r\n\r\n", "non valida"),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                "discordanti",
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "blocchi",
            ),
        ] {
            let mut c = con_pari(vec![risposta.to_vec()], true).await;
            let e = c.scambia(RICHIESTA).await.unwrap_err();
            assert!(
                matches!(&e, Errore::Risposta(m) if m.contains(attesa)),
                "{attesa}: {e}"
            );
            assert!(!c.aperta());
        }
    }

    /// A peer that reads until it has `n` requests, then writes `risposta` and closes (or
    /// not); returns how many reads the requests took.
    fn pari_in_fila(
        n: usize,
        risposta: &'static [u8],
        chiudi: bool,
    ) -> (Connessione, tokio::task::JoinHandle<usize>) {
        let (a, mut b) = tokio::io::duplex(1 << 16);
        let h = tokio::spawn(async move {
            let mut visti = Vec::new();
            let mut letture = 0;
            while visti.windows(4).filter(|w| *w == b"\r\n\r\n").count() < n {
                let mut buf = vec![0u8; 4096];
                let k = b.read(&mut buf).await.unwrap();
                if k == 0 {
                    break;
                }
                letture += 1;
                visti.extend_from_slice(&buf[..k]);
            }
            b.write_all(risposta).await.unwrap();
            if !chiudi {
                let mut buf = [0u8; 16];
                let _ = b.read(&mut buf).await;
            }
            letture
        });
        (Connessione::new(Box::new(a)), h)
    }

    #[tokio::test]
    async fn requests_in_a_row_go_out_in_one_write_and_their_answers_come_back_in_order() {
        let (mut c, h) = pari_in_fila(
            3,
            b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\nHTTP/1.1 410 Gone\r\nContent-Length: 4\r\n\r\nfineHTTP/1.1 429 Slow\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n",
            false,
        );
        let e = c.scambia_in_fila(&[RICHIESTA, RICHIESTA, RICHIESTA]).await;
        let stati: Vec<u16> = e.iter().map(|r| r.as_ref().unwrap().stato).collect();
        assert_eq!(stati, [201, 410, 429]);
        assert_eq!(
            e[2].as_ref().unwrap().retry_after,
            Some(Duration::from_secs(3))
        );
        assert!(c.aperta());
        drop(c);
        assert_eq!(h.await.unwrap(), 1, "the three requests came in one read");
    }

    #[tokio::test]
    async fn requests_after_an_answer_that_closes_were_not_processed_and_may_go_again() {
        let (mut c, _h) = pari_in_fila(
            3,
            b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            true,
        );
        let e = c.scambia_in_fila(&[RICHIESTA, RICHIESTA, RICHIESTA]).await;
        assert_eq!(e[0].as_ref().unwrap().stato, 201);
        assert!(matches!(e[1], Err(Errore::NonInviata(_))), "{:?}", e[1]);
        assert!(matches!(e[2], Err(Errore::NonInviata(_))));
        assert!(!c.aperta());
    }

    #[tokio::test]
    async fn requests_left_unanswered_by_a_dropped_connection_are_of_unknown_fate() {
        let (mut c, _h) = pari_in_fila(
            3,
            b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
            true,
        );
        let e = c.scambia_in_fila(&[RICHIESTA, RICHIESTA, RICHIESTA]).await;
        assert_eq!(e[0].as_ref().unwrap().stato, 201);
        assert!(matches!(e[1], Err(Errore::Risposta(_))), "{:?}", e[1]);
        assert!(matches!(e[2], Err(Errore::Risposta(_))));
        assert!(!c.aperta());
        // A closed connection sends nothing more.
        let e = c.scambia_in_fila(&[RICHIESTA, RICHIESTA]).await;
        assert!(e.iter().all(|r| matches!(r, Err(Errore::NonInviata(_)))));
    }
}
