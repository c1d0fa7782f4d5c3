//! The connections to the SMTP server, reused across messages, and how many may be in use at
//! once: a limit that follows the server (AIMD, as TCP does with its window). It starts small,
//! grows by one for every message accepted up to the configured number of connections, and
//! halves when the server says "not now" (421, any 4xx) or cannot be reached.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::smtp::{Connessione, Errore, Server};

/// The limit at the start, before the server has answered anything.
pub const INIZIALE: usize = 2;

/// An idle connection older than this is closed rather than reused: servers close idle clients
/// (Postfix after 300 s), and a connection found closed costs a round trip.
const INATTIVA_MAX: Duration = Duration::from_secs(60);

/// Additive increase, multiplicative decrease of the connections in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aimd {
    limite: usize,
    massimo: usize,
}

impl Aimd {
    pub fn new(massimo: usize) -> Self {
        let massimo = massimo.max(1);
        Self {
            limite: INIZIALE.min(massimo),
            massimo,
        }
    }

    pub fn limite(&self) -> usize {
        self.limite
    }

    /// A message accepted: one more.
    pub fn successo(&mut self) {
        self.limite = (self.limite + 1).min(self.massimo);
    }

    /// The server is busy or unreachable: half as many, at least one.
    pub fn rallenta(&mut self) {
        self.limite = (self.limite / 2).max(1);
    }
}

/// What a message's outcome says of the server's load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segnale {
    Successo,
    Rallenta,
    /// A refusal for this message only (5xx): says nothing of the load.
    Neutro,
}

struct Stato {
    aimd: Aimd,
    in_uso: usize,
    /// Idle connections, the most recently used last.
    inattive: Vec<Connessione>,
}

pub struct Pool {
    server: Server,
    stato: Mutex<Stato>,
    libero: Notify,
}

/// The right to use one connection; given back when dropped, with what the message said.
struct Permesso<'a> {
    pool: &'a Pool,
    segnale: Segnale,
}

impl Drop for Permesso<'_> {
    fn drop(&mut self) {
        let mut s = self.pool.stato.lock().expect("pool SMTP");
        s.in_uso -= 1;
        match self.segnale {
            Segnale::Successo => s.aimd.successo(),
            Segnale::Rallenta => s.aimd.rallenta(),
            Segnale::Neutro => {}
        }
        drop(s);
        self.pool.libero.notify_waiters();
    }
}

impl Pool {
    pub fn new(server: Server, connessioni: usize) -> Self {
        Self {
            server,
            stato: Mutex::new(Stato {
                aimd: Aimd::new(connessioni),
                in_uso: 0,
                inattive: Vec::new(),
            }),
            libero: Notify::new(),
        }
    }

    pub fn server_mut(&mut self) -> &mut Server {
        &mut self.server
    }

    /// The limit now (for tests and metrics).
    pub fn limite(&self) -> usize {
        self.stato.lock().expect("pool SMTP").aimd.limite()
    }

    /// Waits until fewer connections than the limit are in use.
    async fn permesso(&self) -> Permesso<'_> {
        loop {
            let libero = self.libero.notified();
            tokio::pin!(libero);
            libero.as_mut().enable();
            {
                let mut s = self.stato.lock().expect("pool SMTP");
                if s.in_uso < s.aimd.limite() {
                    s.in_uso += 1;
                    return Permesso {
                        pool: self,
                        segnale: Segnale::Neutro,
                    };
                }
            }
            libero.await;
        }
    }

    /// An idle connection young enough to reuse.
    fn prendi(&self) -> Option<Connessione> {
        let mut s = self.stato.lock().expect("pool SMTP");
        while let Some(c) = s.inattive.pop() {
            if c.usata.elapsed() < INATTIVA_MAX {
                return Some(c);
            }
        }
        None
    }

    fn restituisci(&self, mut c: Connessione) {
        c.usata = Instant::now();
        let mut s = self.stato.lock().expect("pool SMTP");
        if s.inattive.len() < s.aimd.massimo {
            s.inattive.push(c);
        }
    }

    /// Sends one message on a pooled connection (or a new one). A connection that failed is
    /// closed; one whose transaction the server refused is reset and kept.
    pub async fn invia(&self, da: &str, a: &str, dati: &[u8]) -> Result<(), Errore> {
        let mut p = self.permesso().await;
        loop {
            let (mut c, riusata) = match self.prendi() {
                Some(c) => (c, true),
                None => match self.server.connetti().await {
                    Ok(c) => (c, false),
                    Err(e) => {
                        p.segnale = Segnale::Rallenta;
                        return Err(e);
                    }
                },
            };
            match c.invia(da, a, dati).await {
                Ok(()) => {
                    self.restituisci(c);
                    p.segnale = Segnale::Successo;
                    return Ok(());
                }
                // An idle connection the server had closed: nothing was sent, try another.
                Err(Errore::Chiusa(_)) if riusata => continue,
                Err(Errore::Risposta(r)) if r.codice != 421 => {
                    if c.rset().await {
                        self.restituisci(c);
                    }
                    if r.classe() == 4 {
                        p.segnale = Segnale::Rallenta;
                    }
                    return Err(Errore::Risposta(r));
                }
                Err(Errore::Messaggio(m)) => {
                    self.restituisci(c);
                    return Err(Errore::Messaggio(m));
                }
                Err(e) => {
                    p.segnale = Segnale::Rallenta;
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_starts_small_grows_by_one_and_halves() {
        let mut a = Aimd::new(16);
        assert_eq!(a.limite(), INIZIALE);
        for atteso in INIZIALE + 1..=16 {
            a.successo();
            assert_eq!(a.limite(), atteso);
        }
        a.successo();
        assert_eq!(a.limite(), 16, "never past the configured connections");
        a.rallenta();
        assert_eq!(a.limite(), 8);
        a.rallenta();
        a.rallenta();
        a.rallenta();
        assert_eq!(a.limite(), 1);
        a.rallenta();
        assert_eq!(a.limite(), 1, "never below one");
        a.successo();
        assert_eq!(a.limite(), 2);
        assert_eq!(Aimd::new(1).limite(), 1);
        assert_eq!(Aimd::new(0).limite(), 1);
    }

    #[tokio::test]
    async fn no_more_connections_than_the_limit_are_in_use_and_a_release_wakes_a_waiter() {
        let p = Pool::new(Server::da_url("smtp://127.0.0.1:9").unwrap(), 4);
        let a = p.permesso().await;
        let mut b = p.permesso().await;
        assert_eq!(p.stato.lock().unwrap().in_uso, 2);
        // The third waits until one is given back.
        let terzo = tokio::time::timeout(Duration::from_millis(50), p.permesso()).await;
        assert!(terzo.is_err());
        b.segnale = Segnale::Successo;
        drop(b);
        assert_eq!(p.limite(), 3);
        let c = tokio::time::timeout(Duration::from_secs(1), p.permesso())
            .await
            .unwrap();
        let d = tokio::time::timeout(Duration::from_secs(1), p.permesso())
            .await
            .unwrap();
        assert_eq!(p.stato.lock().unwrap().in_uso, 3);
        let mut a = a;
        a.segnale = Segnale::Rallenta;
        drop(a);
        assert_eq!(p.limite(), 1);
        drop((c, d));
        assert_eq!(p.stato.lock().unwrap().in_uso, 0);
    }

    #[tokio::test]
    async fn a_refused_connection_halves_the_limit() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let porta = l.local_addr().unwrap().port();
        drop(l);
        let p = Pool::new(
            Server::da_url(&format!("smtp://127.0.0.1:{porta}")).unwrap(),
            8,
        );
        {
            let mut s = p.stato.lock().unwrap();
            for _ in 0..6 {
                s.aimd.successo();
            }
        }
        assert_eq!(p.limite(), 8);
        let e = p.invia("a@example.org", "b@example.org", b".\r\n").await;
        assert!(matches!(e, Err(Errore::Rete(_))), "{e:?}");
        assert_eq!(p.limite(), 4);
    }
}
