//! Requests in a row (HTTP/1.1 pipelining) through the engine's own path: a push service that
//! takes them gets them in few reads; one that drops them after its first answer is sent one
//! request at a time from then on, and nothing is lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use piazza_alerts::motore::{Config, Motore};
use piazza_alerts::outbox;
use piazza_db::entities::invio;
use piazza_push::Vapid;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::tls::Conferma;
use super::{Base, browser, in_locale};

#[derive(Default)]
struct Conti {
    connessioni: AtomicUsize,
    letture: AtomicUsize,
    risposte: AtomicUsize,
}

/// A push service on loopback speaking raw HTTP/1.1. `tutte`: it answers every complete
/// request it has read, in one write; otherwise it takes one request at a time, and when more
/// than one has arrived it answers the first and closes the connection without saying so (as
/// a server that drops what it did not expect).
async fn servizio(tutte: bool) -> (u16, Arc<Conti>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let porta = l.local_addr().unwrap().port();
    let conti = Arc::new(Conti::default());
    let c = conti.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            c.connessioni.fetch_add(1, Ordering::SeqCst);
            let c = c.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    buf.reserve(64 * 1024);
                    if s.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                        return;
                    }
                    c.letture.fetch_add(1, Ordering::SeqCst);
                    let mut risposte = Vec::new();
                    loop {
                        let mut h = [httparse::EMPTY_HEADER; 32];
                        let mut r = httparse::Request::new(&mut h);
                        let Ok(httparse::Status::Complete(n)) = r.parse(&buf) else {
                            break;
                        };
                        let lunghezza: usize = r
                            .headers
                            .iter()
                            .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                            .map(|h| std::str::from_utf8(h.value).unwrap().parse().unwrap())
                            .unwrap_or(0);
                        if buf.len() < n + lunghezza {
                            break;
                        }
                        buf.drain(..n + lunghezza);
                        risposte.extend_from_slice(
                            b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n",
                        );
                        c.risposte.fetch_add(1, Ordering::SeqCst);
                        if !tutte {
                            break;
                        }
                    }
                    if !risposte.is_empty() {
                        s.write_all(&risposte).await.unwrap();
                        if !tutte && !buf.is_empty() {
                            return; // closed, without a word
                        }
                    }
                }
            });
        }
    });
    (porta, conti)
}

async fn motore(nome: &str, porta: u16, n: usize) -> (Base, Arc<Motore>) {
    let base = Base::nuova(nome).await;
    let endpoint: Vec<String> = (0..n)
        .map(|i| format!("http://127.0.0.1:{porta}/push/{i}"))
        .collect();
    base.sottoscrizioni_confermate(&browser(), &endpoint).await;
    let cfg = Config {
        rete_push: in_locale(),
        timeout: Duration::from_secs(5),
        // One worker: the messages go in rows of `push_in_fila` on one connection.
        push_per_origine: 1,
        push_in_fila: 16,
        ..Config::default()
    };
    let m = Motore::new(
        base.db.clone(),
        cfg,
        Vapid::genera(),
        Arc::new(Conferma),
        Arc::new(tokio::sync::Notify::new()),
    )
    .unwrap();
    (base, Arc::new(m))
}

async fn in_stato(base: &Base, stato: &str) -> u64 {
    invio::Entity::find()
        .filter(invio::Column::Stato.eq(stato))
        .count(&base.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_push_service_that_takes_requests_in_a_row_gets_them_in_few_reads() {
    let (porta, conti) = servizio(true).await;
    let (base, m) = motore("fila", porta, 48).await;
    assert_eq!(m.svuota().await.unwrap(), 48);
    assert_eq!(in_stato(&base, outbox::stato::INVIATO).await, 48);
    assert_eq!(conti.risposte.load(Ordering::SeqCst), 48);
    assert_eq!(conti.connessioni.load(Ordering::SeqCst), 1);
    // One at a time would take 48 reads; rows of 16 take about three.
    let letture = conti.letture.load(Ordering::SeqCst);
    assert!(letture <= 12, "{letture} reads for 48 requests");
    drop(m);
    base.chiudi().await;
}

#[tokio::test]
async fn a_push_service_that_drops_requests_in_a_row_gets_one_at_a_time_and_loses_none() {
    let (porta, conti) = servizio(false).await;
    let (base, m) = motore("senza-fila", porta, 40).await;
    m.svuota().await.unwrap();
    // The first row of 16: one answered, 15 sent and unanswered (their fate unknown: to be
    // retried later). Then the other 24, one at a time on a new connection.
    assert_eq!(in_stato(&base, outbox::stato::INVIATO).await, 25);
    assert_eq!(conti.risposte.load(Ordering::SeqCst), 25);
    assert_eq!(conti.connessioni.load(Ordering::SeqCst), 2);
    let in_coda = invio::Entity::find()
        .filter(invio::Column::Stato.eq(outbox::stato::IN_CODA))
        .all(&base.db)
        .await
        .unwrap();
    assert_eq!(in_coda.len(), 15, "nothing lost: queued again");
    for i in &in_coda {
        assert_eq!(i.tentativi, 1);
        let e = i.errore.as_deref().unwrap_or_default();
        assert!(e.contains("richiesta non riuscita"), "{e}");
    }
    drop(m);
    base.chiudi().await;
}
