//! The HTTP server: HTTP/1.1 connections accepted within a limit, each with a deadline for its
//! request headers (which is also the longest a kept-open connection may stay idle), and a
//! shutdown that stops accepting at once, lets requests in progress finish, and waits for
//! them no longer than its own deadline — an idle or stalled client is not waited for at all. `axum::serve` offers none of these limits. The request deadline itself is a layer of
//! the router (`timeout_richiesta_secondi`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The server's limits (from the configuration).
#[derive(Clone, Copy, Debug)]
pub struct Limiti {
    /// To send a request's headers; also the idle time of a kept-open connection.
    pub intestazioni: Duration,
    /// Connections at once; the next waits in the kernel's queue.
    pub connessioni: usize,
    /// How long a shutdown waits for the requests in progress.
    pub chiusura: Duration,
}

impl Limiti {
    pub fn da(c: &crate::AppConfig) -> Self {
        Self {
            intestazioni: Duration::from_secs(c.server.timeout_intestazioni_secondi.max(1)),
            connessioni: c.server.max_connessioni.max(1),
            chiusura: Duration::from_secs(c.server.attesa_chiusura_secondi),
        }
    }
}

/// Serves `app` on `listener` until `segnale` completes, then shuts down as described above.
pub async fn servi(
    listener: TcpListener,
    app: Router,
    limiti: Limiti,
    segnale: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let posti = Arc::new(Semaphore::new(limiti.connessioni));
    let in_corso = InCorso::default();
    let chiusura = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limiti.intestazioni)
        .keep_alive(true);
    tokio::pin!(segnale);
    loop {
        let posto = tokio::select! {
            p = posti.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut segnale => break,
        };
        let (tcp, peer): (_, std::net::SocketAddr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut segnale => break,
        };
        let _ = tcp.set_nodelay(true);
        let in_corso = in_corso.clone();
        let svc = app
            .clone()
            .map_request(
                move |mut req: axum::extract::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req
                },
            )
            .map_future(move |risposta| {
                let conto = InCorso::conta(&in_corso);
                async move {
                    let r = risposta.await;
                    drop(conto);
                    r
                }
            });
        let conn = http.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(svc));
        let conn = chiusura.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(posto);
        });
    }
    drop(listener);
    // Connections that are idle, or stalled before sending a whole request, hold nothing: the
    // shutdown waits for the requests in progress only (and for those, no longer than its
    // deadline), then drops whatever connection is left.
    tokio::select! {
        () = chiusura.shutdown() => {}
        () = in_corso.finiti() => {
            tracing::info!("shutdown: no request in progress, closing idle or stalled connections");
        }
        () = tokio::time::sleep(limiti.chiusura) => {
            tracing::warn!("shutdown: requests still in progress after {:?}, closing anyway", limiti.chiusura);
        }
    }
    Ok(())
}

/// The requests being handled (from their headers to their response), for the shutdown.
#[derive(Clone, Default)]
struct InCorso(Arc<(std::sync::atomic::AtomicUsize, tokio::sync::Notify)>);

/// One request in progress: counted until dropped.
struct Conto(InCorso);

impl InCorso {
    fn conta(&self) -> Conto {
        self.0.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Conto(self.clone())
    }

    /// Completes when no request is in progress.
    async fn finiti(&self) {
        loop {
            let avviso = self.0.1.notified();
            if self.0.0.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                return;
            }
            avviso.await;
        }
    }
}

impl Drop for Conto {
    fn drop(&mut self) {
        if self.0.0.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            self.0.0.1.notify_waiters();
        }
    }
}
