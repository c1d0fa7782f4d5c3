//! The outbound-URL guard. Nothing here connects anywhere but loopback: addresses elsewhere
//! are refused before any connection (by classification, by `verifica_url`, by the redirect
//! policy), and the only server is a small HTTP one on 127.0.0.1 that counts what reaches it.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use piazza_net::{
    Classe, ClientSicuro, Regole, Resolutore, Rifiuto, SERVIZI_PUSH_NOTI, classifica,
    client_sicuro, rifiuto_in, risolvi, servizio_push_noto, verifica_destinazione, verifica_url,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn addresses_are_classified_by_the_network_they_belong_to() {
    use Classe::*;
    let tabella = [
        ("0.0.0.0", NonInstradabile),
        ("0.1.2.3", NonInstradabile),
        ("127.0.0.1", Loopback),
        ("127.255.0.9", Loopback),
        ("10.1.2.3", Privato),
        ("172.16.0.1", Privato),
        ("172.31.255.255", Privato),
        ("172.32.0.1", Pubblico),
        ("192.168.1.1", Privato),
        ("169.254.169.254", LinkLocal),
        ("100.64.0.1", NonInstradabile),
        ("100.127.255.255", NonInstradabile),
        ("100.128.0.1", Pubblico),
        ("192.0.0.8", NonInstradabile),
        ("192.0.2.1", NonInstradabile),
        ("198.51.100.7", NonInstradabile),
        ("203.0.113.9", NonInstradabile),
        ("198.18.0.1", NonInstradabile),
        ("198.19.255.255", NonInstradabile),
        ("224.0.0.1", NonInstradabile),
        ("239.255.255.250", NonInstradabile),
        ("240.0.0.1", NonInstradabile),
        ("255.255.255.255", NonInstradabile),
        ("8.8.8.8", Pubblico),
        ("142.250.180.10", Pubblico),
        ("::", NonInstradabile),
        ("::1", Loopback),
        ("::ffff:127.0.0.1", Loopback),
        ("::ffff:169.254.169.254", LinkLocal),
        ("::ffff:10.0.0.1", Privato),
        ("::ffff:8.8.8.8", Pubblico),
        ("::127.0.0.1", NonInstradabile),
        ("fe80::1", LinkLocal),
        ("febf::1", LinkLocal),
        ("fc00::1", Privato),
        ("fd12:3456::1", Privato),
        ("fec0::1", Privato),
        ("ff02::1", NonInstradabile),
        ("2001:db8::1", NonInstradabile),
        ("2001:2::1", NonInstradabile),
        ("100::1", NonInstradabile),
        ("64:ff9b::7f00:1", NonInstradabile),
        ("64:ff9b::a9fe:a9fe", NonInstradabile),
        ("64:ff9b::808:808", Pubblico),
        ("64:ff9b:1::1", NonInstradabile),
        ("2002:7f00:1::1", NonInstradabile),
        ("2002:0808:0808::1", Pubblico),
        // Teredo: server 65.54.227.120, client 127.0.0.1 (inverted).
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", NonInstradabile),
        ("4000::1", NonInstradabile),
        ("2001:4860:4860::8888", Pubblico),
        ("2a00:1450:4002:410::200a", Pubblico),
    ];
    for (a, attesa) in tabella {
        assert_eq!(classifica(ip(a)), attesa, "{a}");
    }
}

#[test]
fn literal_addresses_in_every_form_the_url_parser_accepts_are_refused() {
    let r = Regole::fonti();
    let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
    for u in [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://0x7f.1/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f000001/",
        "http://127.0.0.1./",
    ] {
        assert_eq!(verifica_url(u, &r), Err(Rifiuto::ReteInterna(lo)), "{u}");
    }
    // IPv4-mapped: judged as the IPv4 address, named as written.
    for u in ["http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/"] {
        assert_eq!(
            verifica_url(u, &r),
            Err(Rifiuto::ReteInterna(ip("::ffff:127.0.0.1"))),
            "{u}"
        );
    }
    let metadati = ip("169.254.169.254");
    assert!(verifica_url("http://[::ffff:169.254.169.254]/", &r).is_err());
    for u in [
        "http://169.254.169.254/latest/meta-data/",
        "http://0xa9fea9fe/",
        "http://2852039166/",
    ] {
        assert_eq!(
            verifica_url(u, &r),
            Err(Rifiuto::ReteInterna(metadati)),
            "{u}"
        );
    }
    assert_eq!(
        verifica_url("http://[fe80::1]/", &r),
        Err(Rifiuto::ReteInterna(ip("fe80::1")))
    );
    assert_eq!(
        verifica_url("http://[fc00::1]/", &r),
        Err(Rifiuto::ReteInterna(ip("fc00::1")))
    );
    assert_eq!(
        verifica_url("http://0.0.0.0:8080/", &r),
        Err(Rifiuto::NonInstradabile(ip("0.0.0.0")))
    );
    assert_eq!(
        verifica_url("http://100.64.0.1/", &r),
        Err(Rifiuto::NonInstradabile(ip("100.64.0.1")))
    );
    assert_eq!(
        verifica_url("http://[64:ff9b::7f00:1]/", &r),
        Err(Rifiuto::NonInstradabile(ip("64:ff9b::7f00:1")))
    );
    // Public ones pass.
    assert!(verifica_url("http://8.8.8.8/", &r).is_ok());
    assert!(verifica_url("https://[2001:4860:4860::8888]/", &r).is_ok());
}

#[test]
fn push_rules_want_https_no_credentials_and_no_internal_names() {
    let r = Regole::push();
    let u = verifica_url("https://fcm.googleapis.com/fcm/send/abc:def", &r).unwrap();
    assert_eq!(u.host_str(), Some("fcm.googleapis.com"));
    assert!(verifica_url("https://updates.push.services.mozilla.com/wpush/v2/x", &r).is_ok());
    assert_eq!(
        verifica_url("http://fcm.googleapis.com/x", &r),
        Err(Rifiuto::SoloHttps)
    );
    assert_eq!(
        verifica_url("ftp://example.org/", &r),
        Err(Rifiuto::SoloHttps)
    );
    assert_eq!(
        verifica_url("ftp://example.org/", &Regole::fonti()),
        Err(Rifiuto::Schema)
    );
    assert!(verifica_url("http://www.example.org/feed.xml", &Regole::fonti()).is_ok());
    assert_eq!(
        verifica_url("non un indirizzo", &r),
        Err(Rifiuto::NonValido)
    );
    assert_eq!(verifica_url("", &r), Err(Rifiuto::NonValido));
    for u in [
        "https://utente:segreto@fcm.googleapis.com/x",
        "https://utente@fcm.googleapis.com/x",
        "https://:segreto@fcm.googleapis.com/x",
    ] {
        assert_eq!(verifica_url(u, &r), Err(Rifiuto::Credenziali), "{u}");
    }
    assert_eq!(
        verifica_url("https://169.254.169.254/latest/meta-data/", &r),
        Err(Rifiuto::ReteInterna(ip("169.254.169.254")))
    );
    for (u, nome) in [
        ("https://localhost/x", "localhost"),
        ("https://LOCALHOST./x", "localhost"),
        ("https://api.localhost/x", "api.localhost"),
        ("https://stampante.local/x", "stampante.local"),
        (
            "https://metadata.google.internal/x",
            "metadata.google.internal",
        ),
        ("https://router.home.arpa/x", "router.home.arpa"),
        ("https://metadata/x", "metadata"),
    ] {
        assert_eq!(
            verifica_url(u, &r),
            Err(Rifiuto::NomeInterno(nome.into())),
            "{u}"
        );
    }
    // Loopback only with `.loopback()`, and only loopback: the rest stays refused.
    let lo = Regole::push().loopback();
    assert_eq!(
        verifica_url("https://127.0.0.1:8443/x", &r),
        Err(Rifiuto::ReteInterna(ip("127.0.0.1")))
    );
    assert!(verifica_url("https://127.0.0.1:8443/x", &lo).is_ok());
    assert!(verifica_url("https://127.0.0.2/x", &lo).is_ok());
    assert!(verifica_url("https://[::1]/x", &lo).is_ok());
    assert!(verifica_url("https://localhost:8443/x", &lo).is_ok());
    assert!(verifica_url("https://api.localhost/x", &lo).is_ok());
    assert_eq!(
        verifica_url("http://127.0.0.1/x", &lo),
        Err(Rifiuto::SoloHttps),
        "still https only"
    );
    assert!(verifica_url("https://stampante.local/x", &lo).is_err());
    assert!(verifica_url("https://169.254.169.254/", &lo).is_err());
    assert!(verifica_url("https://10.0.0.1/", &lo).is_err());
}

#[test]
fn hosts_and_ports_can_be_restricted() {
    let r = Regole {
        host_consentiti: Some(SERVIZI_PUSH_NOTI.iter().map(|s| s.to_string()).collect()),
        porte: Some(vec![443]),
        ..Regole::push()
    };
    assert!(verifica_url("https://updates.push.services.mozilla.com/wpush/v2/x", &r).is_ok());
    assert!(verifica_url("https://push.services.mozilla.com/x", &r).is_ok());
    assert!(verifica_url("https://wns2-par02p.notify.windows.com/w/?token=x", &r).is_ok());
    assert!(verifica_url("https://web.push.apple.com/QGx", &r).is_ok());
    for u in [
        "https://esempio.it/x",
        "https://xpush.services.mozilla.com/x",
        "https://push.services.mozilla.com.esempio.it/x",
        "https://8.8.8.8/x",
    ] {
        assert_eq!(verifica_url(u, &r), Err(Rifiuto::HostNonAmmesso), "{u}");
    }
    assert_eq!(
        verifica_url("https://fcm.googleapis.com:8443/x", &r),
        Err(Rifiuto::PortaNonAmmessa(8443))
    );
    assert!(servizio_push_noto("fcm.googleapis.com"));
    assert!(servizio_push_noto("Updates.Push.Services.Mozilla.com."));
    assert!(!servizio_push_noto("push.esempio.it"));
}

#[test]
fn refusals_say_why_in_italian_and_only_the_dns_may_change_its_mind() {
    assert_eq!(Rifiuto::NonValido.to_string(), "L'indirizzo non è valido.");
    assert_eq!(Rifiuto::SoloHttps.to_string(), "È ammesso solo https.");
    assert_eq!(
        Rifiuto::ReteInterna(ip("127.0.0.1")).to_string(),
        "L'indirizzo punta alla rete interna (127.0.0.1): non è ammesso."
    );
    assert_eq!(
        Rifiuto::NonRisolto("x.example".into()).to_string(),
        "Il nome host non si risolve."
    );
    assert_eq!(
        Rifiuto::HostNonAmmesso.to_string(),
        "Il nome host non è tra quelli ammessi."
    );
    assert_eq!(
        Rifiuto::PortaNonAmmessa(1).to_string(),
        "La porta non è ammessa."
    );
    assert_eq!(
        Rifiuto::Credenziali.to_string(),
        "L'indirizzo contiene credenziali: non sono ammesse."
    );
    assert!(!Rifiuto::NonRisolto("x".into()).permanente());
    assert!(!Rifiuto::DnsScaduto("x".into()).permanente());
    assert!(Rifiuto::ReteInterna(ip("10.0.0.1")).permanente());
    assert!(Rifiuto::NomeInterno("localhost".into()).permanente());
    assert!(Rifiuto::SoloHttps.permanente());
}

#[tokio::test]
async fn resolved_addresses_are_kept_only_if_allowed() {
    // `localhost` resolves from the hosts file: no DNS server is asked.
    match risolvi("localhost", 443, &Regole::push()).await {
        Err(Rifiuto::ReteInterna(a)) => assert!(a.is_loopback(), "{a}"),
        altro => panic!("{altro:?}"),
    }
    let a = risolvi("localhost", 443, &Regole::push().loopback())
        .await
        .unwrap();
    assert!(!a.is_empty());
    assert!(a.iter().all(|a| a.ip().is_loopback() && a.port() == 443));
    // IP addresses are judged without the DNS.
    assert_eq!(
        risolvi("169.254.169.254", 80, &Regole::fonti().loopback()).await,
        Err(Rifiuto::ReteInterna(ip("169.254.169.254")))
    );
    assert_eq!(
        risolvi("[::1]", 80, &Regole::fonti().loopback())
            .await
            .unwrap()[0]
            .ip(),
        ip("::1")
    );
    // The whole check, URL then addresses.
    let (u, a) = verifica_destinazione("https://localhost:8443/x", &Regole::push().loopback())
        .await
        .unwrap();
    assert_eq!(u.port(), Some(8443));
    assert!(a.iter().all(|a| a.port() == 8443));
    assert_eq!(
        verifica_destinazione("https://localhost:8443/x", &Regole::push())
            .await
            .unwrap_err(),
        Rifiuto::NomeInterno("localhost".into())
    );
}

/// A tiny HTTP/1.1 server on 127.0.0.1: `risposte` maps a path to a `Location` to redirect
/// to (`None`: 200 "ok"); it records the paths asked and counts connections.
struct Server {
    porta: u16,
    connessioni: Arc<Mutex<usize>>,
    percorsi: Arc<Mutex<Vec<String>>>,
}

async fn server(risposte: fn(&str, u16) -> Option<String>) -> Server {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let porta = l.local_addr().unwrap().port();
    let connessioni = Arc::new(Mutex::new(0));
    let percorsi = Arc::new(Mutex::new(Vec::new()));
    let (c, p) = (connessioni.clone(), percorsi.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            *c.lock().unwrap() += 1;
            let p = p.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    if s.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                        return;
                    }
                }
                let testa = String::from_utf8_lossy(&buf).into_owned();
                let percorso = testa.split(' ').nth(1).unwrap_or("").to_owned();
                p.lock().unwrap().push(percorso.clone());
                let r = match risposte(&percorso, porta) {
                    Some(dove) => format!(
                        "HTTP/1.1 302 Found\r\nlocation: {dove}\r\ncontent-length: 0\r\n\
                         connection: close\r\n\r\n"
                    ),
                    None => {
                        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".into()
                    }
                };
                let _ = s.write_all(r.as_bytes()).await;
            });
        }
    });
    Server {
        porta,
        connessioni,
        percorsi,
    }
}

fn rimandi(percorso: &str, porta: u16) -> Option<String> {
    match percorso {
        "/metadati" => Some("http://169.254.169.254/latest/meta-data/".into()),
        "/metadati-v6" => Some("http://[::ffff:a9fe:a9fe]/latest/meta-data/".into()),
        "/qui" => Some("/ok".into()),
        "/per-nome" => Some(format!("http://localhost:{porta}/ok")),
        "/giro" => Some("/giro".into()),
        _ => None,
    }
}

fn client(r: Regole) -> ClientSicuro {
    client_sicuro(
        reqwest::Client::builder().timeout(Duration::from_secs(5)),
        r,
    )
    .unwrap()
}

#[tokio::test]
async fn a_redirect_to_the_metadata_service_is_refused_before_connecting() {
    let s = server(rimandi).await;
    let c = client(Regole::fonti().loopback());
    for (percorso, bersaglio) in [
        ("/metadati", ip("169.254.169.254")),
        ("/metadati-v6", ip("::ffff:169.254.169.254")),
    ] {
        let inizio = Instant::now();
        let e = c
            .get(&format!("http://127.0.0.1:{}{percorso}", s.porta))
            .unwrap()
            .send()
            .await
            .unwrap_err();
        // The redirect policy refused it: nothing tried to connect there (which would take the
        // whole timeout, nobody being there).
        assert!(e.is_redirect(), "{e:?}");
        assert!(inizio.elapsed() < Duration::from_secs(2));
        match rifiuto_in(&e) {
            Some(Rifiuto::ReteInterna(a)) => assert_eq!(a.to_canonical(), bersaglio.to_canonical()),
            altro => panic!("{altro:?} in {e:?}"),
        }
    }
    assert_eq!(*s.percorsi.lock().unwrap(), ["/metadati", "/metadati-v6"]);
}

#[tokio::test]
async fn redirects_within_what_is_allowed_are_followed() {
    let s = server(rimandi).await;
    let c = client(Regole::fonti().loopback());
    for percorso in ["/qui", "/per-nome"] {
        let r = c
            .get(&format!("http://127.0.0.1:{}{percorso}", s.porta))
            .unwrap()
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "ok");
    }
    assert_eq!(
        *s.percorsi.lock().unwrap(),
        ["/qui", "/ok", "/per-nome", "/ok"]
    );
    // A loop ends at the limit.
    let c = ClientSicuro::new(reqwest::Client::builder(), Regole::fonti().loopback(), 2).unwrap();
    let e = c
        .get(&format!("http://127.0.0.1:{}/giro", s.porta))
        .unwrap()
        .send()
        .await
        .unwrap_err();
    assert_eq!(rifiuto_in(&e), Some(&Rifiuto::TroppiRedirect(2)));
}

#[tokio::test]
async fn without_loopback_allowed_nothing_reaches_the_local_server() {
    let s = server(rimandi).await;
    let c = client(Regole::fonti());
    assert_eq!(
        c.get(&format!("http://127.0.0.1:{}/ok", s.porta))
            .unwrap_err(),
        Rifiuto::ReteInterna(ip("127.0.0.1"))
    );
    assert_eq!(
        c.get(&format!("http://[::ffff:127.0.0.1]:{}/ok", s.porta))
            .unwrap_err(),
        Rifiuto::ReteInterna(ip("::ffff:127.0.0.1"))
    );
    assert_eq!(
        c.get(&format!("http://localhost:{}/ok", s.porta))
            .unwrap_err(),
        Rifiuto::NomeInterno("localhost".into())
    );
    // At connect time: a plain reqwest client with only the resolver, asked for a name that
    // resolves to loopback (as a rebinding name would), never connects.
    let grezzo = reqwest::Client::builder()
        .dns_resolver(Arc::new(Resolutore::new(Regole::fonti())))
        .no_proxy()
        .build()
        .unwrap();
    let e = grezzo
        .get(format!("http://localhost:{}/ok", s.porta))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");
    match rifiuto_in(&e) {
        Some(Rifiuto::ReteInterna(a)) => assert!(a.is_loopback()),
        altro => panic!("{altro:?} in {e:?}"),
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(*s.connessioni.lock().unwrap(), 0);
}
