//! The real server on loopback: stalled clients are cut off and never hold the shutdown.

use crate::common::TestApp;

/// The real server on loopback with short limits: `(address, shutdown trigger, server task)`.
async fn server_reale(
    app: &TestApp,
    intestazioni: std::time::Duration,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let limiti = piazza_web::server::Limiti {
        intestazioni,
        connessioni: 64,
        chiusura: std::time::Duration::from_secs(20),
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
    let (addr, stop, server) = server_reale(&app, std::time::Duration::from_secs(1)).await;
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

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();

    // The shutdown, with a header deadline longer than the shutdown's own: idle and stalled
    // clients are not waited for, whatever their deadlines.
    let (addr, stop, server) = server_reale(&app, std::time::Duration::from_secs(60)).await;
    // A request in progress: its body arrives slowly, after the signal.
    let mut in_corso = tokio::net::TcpStream::connect(addr).await.unwrap();
    let corpo = "email=a%40b.it&password=sbagliata";
    in_corso
        .write_all(
            format!(
                "POST /login HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{}",
                corpo.len(),
                &corpo[..5]
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    // A client that connected and sends nothing, another mid-headers.
    let _muta = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut a_meta = tokio::net::TcpStream::connect(addr).await.unwrap();
    a_meta.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let inizio = std::time::Instant::now();
    stop.send(()).unwrap();
    // The request in progress finishes and is answered...
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    in_corso.write_all(&corpo.as_bytes()[5..]).await.unwrap();
    let mut risposta = String::new();
    in_corso.read_to_string(&mut risposta).await.unwrap();
    assert!(risposta.starts_with("HTTP/1.1 422"), "{risposta}");
    // ...and then the server stops without waiting for the idle and the stalled client (the
    // deadline is 20 s).
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
