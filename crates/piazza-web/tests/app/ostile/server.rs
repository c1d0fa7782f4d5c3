//! The real server on loopback: stalled clients are cut off and never hold the shutdown.

use crate::common::TestApp;

/// The real server on loopback with short limits: `(address, shutdown trigger, server task)`.
async fn server_reale(
    app: &TestApp,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let limiti = piazza_web::server::Limiti {
        intestazioni: std::time::Duration::from_secs(1),
        connessioni: 64,
        chiusura: std::time::Duration::from_secs(1),
    };
    let router = app.router.clone();
    let h = tokio::spawn(piazza_web::server::servi(l, router, limiti, async move {
        let _ = rx.await;
    }));
    (addr, tx, h)
}

#[tokio::test]
async fn an_incomplete_request_is_cut_off_and_never_holds_the_shutdown() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::new().await;
    let (addr, stop, server) = server_reale(&app).await;
    // Headers that never end: the server closes the connection after its header deadline.
    let mut lenta = tokio::net::TcpStream::connect(addr).await.unwrap();
    lenta
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Lenta: 1\r\n")
        .await
        .unwrap();
    let inizio = std::time::Instant::now();
    let mut buf = Vec::new();
    let letto = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        lenta.read_to_end(&mut buf),
    )
    .await;
    assert!(
        letto.is_ok(),
        "the stalled connection is still open after 10 s"
    );
    assert!(inizio.elapsed() < std::time::Duration::from_secs(5));
    // Meanwhile the server answers others.
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut risposta = String::new();
    c.read_to_string(&mut risposta).await.unwrap();
    assert!(risposta.starts_with("HTTP/1.1 200"), "{risposta}");

    // A client that connected and sends nothing, another mid-headers: the shutdown does not
    // wait for them beyond its deadline.
    let _muta = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut a_meta = tokio::net::TcpStream::connect(addr).await.unwrap();
    a_meta.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let inizio = std::time::Instant::now();
    stop.send(()).unwrap();
    let fine = tokio::time::timeout(std::time::Duration::from_secs(10), server).await;
    assert!(
        fine.is_ok(),
        "the server was still running 10 s after the signal"
    );
    assert!(
        inizio.elapsed() < std::time::Duration::from_secs(4),
        "{:?}",
        inizio.elapsed()
    );
    // No new connection is accepted after it.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
