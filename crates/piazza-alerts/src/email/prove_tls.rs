//! SMTP over TLS against a server on loopback whose certificate a CA made for the test signed:
//! STARTTLS (`tls=required`) and implicit TLS (`smtps`) deliver when the client is given the
//! CA, and without it the certificate is refused before anything is sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};

use super::{Email, Posta};
use crate::Esito;

/// A CA (its certificate) and the acceptor of a server for `localhost` it signed.
fn pki() -> (CertificateDer<'static>, tokio_rustls::TlsAcceptor) {
    let chiave_ca = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.distinguished_name
        .push(DnType::CommonName, "Piazza CA SMTP di prova");
    let ca = p.self_signed(&chiave_ca).unwrap();
    let emittente = Issuer::new(p, chiave_ca);
    let chiave = KeyPair::generate().unwrap();
    let mut s = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    s.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    s.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let certificato = s.signed_by(&chiave, &emittente).unwrap();
    let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![certificato.der().clone()],
        PrivatePkcs8KeyDer::from(chiave.serialize_der()).into(),
    )
    .unwrap();
    (
        ca.der().clone(),
        tokio_rustls::TlsAcceptor::from(Arc::new(cfg)),
    )
}

/// What the server received: each message's recipient and content, and whether it came over
/// TLS.
type Ricevuti = Arc<Mutex<Vec<(String, String, bool)>>>;

/// One SMTP session over `io` after the greeting; returns the stream when the client asks for
/// STARTTLS (the caller upgrades it and goes on), `None` when it ends.
async fn sessione<S: AsyncRead + AsyncWrite + Unpin>(
    io: S,
    tls: bool,
    offri_starttls: bool,
    r: &Ricevuti,
) -> Option<S> {
    let mut io = BufReader::new(io);
    let mut a = String::new();
    loop {
        let mut riga = String::new();
        if io.read_line(&mut riga).await.ok()? == 0 {
            return None;
        }
        let comando = riga.trim_end().to_ascii_uppercase();
        let risposta: &[u8] = if comando.starts_with("EHLO") {
            if offri_starttls && !tls {
                b"250-localhost\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
            } else {
                b"250-localhost\r\n250 PIPELINING\r\n"
            }
        } else if comando == "STARTTLS" && !tls {
            io.write_all(b"220 2.0.0 pronto per TLS\r\n").await.ok()?;
            return Some(io.into_inner());
        } else if comando.starts_with("MAIL FROM:") {
            b"250 ok\r\n"
        } else if let Some(x) = comando.strip_prefix("RCPT TO:") {
            a = x.trim_matches(['<', '>']).to_ascii_lowercase();
            b"250 ok\r\n"
        } else if comando == "DATA" {
            io.write_all(b"354 avanti\r\n").await.ok()?;
            let mut testo = String::new();
            loop {
                let mut l = String::new();
                if io.read_line(&mut l).await.ok()? == 0 {
                    return None;
                }
                if l == ".\r\n" {
                    break;
                }
                testo.push_str(&l);
            }
            r.lock().unwrap().push((a.clone(), testo, tls));
            b"250 2.0.0 accettato\r\n"
        } else if comando == "QUIT" {
            let _ = io.write_all(b"221 ciao\r\n").await;
            return None;
        } else {
            b"502 non capito\r\n"
        };
        io.write_all(risposta).await.ok()?;
    }
}

/// A server on 127.0.0.1: STARTTLS offered (`implicito` false) or TLS from the first byte.
async fn server(acc: tokio_rustls::TlsAcceptor, implicito: bool) -> (u16, Ricevuti) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let porta = l.local_addr().unwrap().port();
    let r: Ricevuti = Arc::default();
    let ricevuti = r.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = l.accept().await {
            let (acc, r) = (acc.clone(), r.clone());
            tokio::spawn(async move {
                if implicito {
                    let Ok(mut t) = acc.accept(tcp).await else {
                        return;
                    };
                    let _ = t.write_all(b"220 localhost ESMTP\r\n").await;
                    sessione(t, true, false, &r).await;
                    return;
                }
                let _ = tcp.write_all(b"220 localhost ESMTP\r\n").await;
                let Some(tcp) = sessione(tcp, false, true, &r).await else {
                    return;
                };
                let Ok(t) = acc.accept(tcp).await else {
                    return;
                };
                sessione(t, true, true, &r).await;
            });
        }
    });
    (porta, ricevuti)
}

fn messaggio() -> Email<'static> {
    Email {
        a: "mario.rossi@example.org",
        oggetto: "Allerta arancione",
        testo: "Allerta arancione per rischio idraulico a Lucca.",
        disiscrivi: None,
        allegato: None,
    }
}

async fn invia(url: &str, radici: &[CertificateDer<'static>]) -> Esito {
    let p = Posta::new(url, "Allerte <allerte@example.org>", 2)
        .unwrap()
        .con_radici(radici)
        .unwrap()
        .tempo(Duration::from_secs(5));
    p.invia(&messaggio()).await
}

#[tokio::test]
async fn starttls_and_implicit_tls_deliver_when_the_client_trusts_the_servers_ca() {
    let (ca, acc) = pki();
    for (implicito, schema) in [(false, "smtp"), (true, "smtps")] {
        let (porta, r) = server(acc.clone(), implicito).await;
        let url = if implicito {
            format!("{schema}://localhost:{porta}")
        } else {
            format!("{schema}://localhost:{porta}?tls=required")
        };
        assert_eq!(
            invia(&url, std::slice::from_ref(&ca)).await,
            Esito::Consegnato,
            "{url}"
        );
        let r = r.lock().unwrap();
        assert_eq!(r.len(), 1, "{url}");
        let (a, testo, tls) = &r[0];
        assert_eq!(a, "mario.rossi@example.org");
        assert!(*tls, "{url}: the message came over TLS");
        assert!(testo.contains("Subject: Allerta arancione"), "{testo}");
    }
}

#[tokio::test]
async fn without_the_ca_the_certificate_is_refused_and_nothing_is_sent() {
    let (_, acc) = pki();
    for implicito in [false, true] {
        let (porta, r) = server(acc.clone(), implicito).await;
        let url = if implicito {
            format!("smtps://localhost:{porta}")
        } else {
            format!("smtp://localhost:{porta}?tls=required")
        };
        match invia(&url, &[]).await {
            Esito::Riprova { motivo, .. } => {
                assert!(
                    motivo.contains("TLS") && motivo.contains("certific"),
                    "{motivo}"
                )
            }
            e => panic!("{url}: {e:?}"),
        }
        assert!(r.lock().unwrap().is_empty(), "{url}: nothing received");
    }
    // A root that is not a certificate is refused when the client is made.
    let p = Posta::new("smtps://localhost:465", "allerte@example.org", 1).unwrap();
    assert!(
        p.con_radici(&[CertificateDer::from(vec![1u8, 2, 3])])
            .is_err()
    );
}
