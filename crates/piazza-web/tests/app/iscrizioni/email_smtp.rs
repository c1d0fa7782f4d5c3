//! E-mail: our SMTP client against the test server — pipelined and not, dot-stuffing, replies
//! mapped to outcomes, connections reused and dropped, AUTH, the limit that follows the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use piazza_alerts::Esito;
use piazza_alerts::email::{Email, Posta};

use crate::pari::{ComeSmtp, Smtp};

const MITTENTE: &str = "Cittadino Informato <allerte@example.org>";
/// Lines a careless client would end the message at, or lose a dot of.
const TESTO: &str =
    "Allerta rossa per rischio idraulico.\n.\n.punto iniziale\n..due punti\n. spazio\nfine";

fn email<'a>(a: &'a str, disiscrivi: Option<&'a str>) -> Email<'a> {
    Email {
        a,
        oggetto: "Allerta rossa - rischio idraulico - Lucca",
        testo: TESTO,
        disiscrivi,
        allegato: None,
    }
}

fn pipelining() -> ComeSmtp {
    ComeSmtp {
        pipelining: true,
        ..Default::default()
    }
}

/// `n` messages at once through `posta`, to `iscritto{i}@example.org`.
async fn in_parallelo(posta: &Arc<Posta>, n: usize) -> Vec<Esito> {
    let mut j = tokio::task::JoinSet::new();
    for i in 0..n {
        let p = posta.clone();
        j.spawn(async move {
            let a = format!("iscritto{i}@example.org");
            let u = format!("https://allerte.example.org/allerte/disiscrivi/{i}-x");
            p.invia(&email(&a, Some(&u))).await
        });
    }
    j.join_all().await
}

fn controlla_messaggi(smtp: &Smtp, n: usize) {
    let posta = smtp.messaggi();
    assert_eq!(posta.len(), n);
    for m in &posta {
        let a = m.intestazione("to").unwrap();
        let i: usize = a
            .trim_start_matches("iscritto")
            .split('@')
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("{a}"));
        assert!(
            m.intestazione("from")
                .unwrap()
                .contains("allerte@example.org")
        );
        assert_eq!(
            m.intestazione("subject"),
            Some("Allerta rossa - rischio idraulico - Lucca")
        );
        assert_eq!(
            m.intestazione("list-unsubscribe").unwrap(),
            format!("<https://allerte.example.org/allerte/disiscrivi/{i}-x>")
        );
        assert_eq!(
            m.intestazione("list-unsubscribe-post"),
            Some("List-Unsubscribe=One-Click")
        );
        assert_eq!(m.corpo.trim_end(), TESTO, "every dot kept");
    }
}

#[tokio::test]
async fn email_to_a_pipelining_server_each_message_takes_two_writes_on_reused_connections() {
    let smtp = Smtp::con(pipelining()).await;
    let posta = Arc::new(Posta::new(&smtp.url(), MITTENTE, 4).unwrap());
    let esiti = in_parallelo(&posta, 40).await;
    assert!(esiti.iter().all(|e| *e == Esito::Consegnato), "{esiti:?}");
    controlla_messaggi(&smtp, 40);
    let buste = smtp.buste();
    assert!(
        buste.iter().all(|b| b.in_gruppo && b.corpo_in_gruppo),
        "MAIL, RCPT, DATA in one write, the content and its dot in another: {buste:?}"
    );
    assert_eq!(buste[0].da, "<allerte@example.org>");
    assert!(buste.iter().any(|b| b.a == "<iscritto39@example.org>"));
    assert!(smtp.violazioni().is_empty(), "{:?}", smtp.violazioni());
    assert!(
        (1..=4).contains(&smtp.connessioni()),
        "{} connections for 40 messages",
        smtp.connessioni()
    );
    assert_eq!(posta.limite(), 4, "grown to the configured connections");
}

#[tokio::test]
async fn email_to_a_server_without_pipelining_one_command_per_round_trip() {
    let smtp = Smtp::avvia().await;
    let posta = Arc::new(Posta::new(&smtp.url(), MITTENTE, 3).unwrap());
    let esiti = in_parallelo(&posta, 12).await;
    assert!(esiti.iter().all(|e| *e == Esito::Consegnato), "{esiti:?}");
    controlla_messaggi(&smtp, 12);
    assert!(smtp.violazioni().is_empty(), "{:?}", smtp.violazioni());
    assert!(smtp.buste().iter().all(|b| !b.in_gruppo));
    assert!(smtp.connessioni() <= 3, "{}", smtp.connessioni());
    // One after the other: one connection for all.
    let smtp = Smtp::avvia().await;
    let posta = Posta::new(&smtp.url(), MITTENTE, 3).unwrap();
    for _ in 0..5 {
        assert_eq!(
            posta.invia(&email("iscritto0@example.org", None)).await,
            Esito::Consegnato
        );
    }
    assert_eq!(smtp.connessioni(), 1);
    assert!(
        smtp.messaggi()[0]
            .intestazione("list-unsubscribe")
            .is_none()
    );
}

#[tokio::test]
async fn email_550_is_refused_451_is_retried_and_the_connection_is_reset_and_kept() {
    for come in [ComeSmtp::default(), pipelining()] {
        let smtp = Smtp::con(come.clone()).await;
        smtp.rispondi(
            "sconosciuto",
            "550-5.1.1 casella inesistente\r\n550 5.1.1 controllare l'indirizzo",
        );
        smtp.rispondi("pieno", "451 4.2.2 casella piena, riprovare");
        let posta = Posta::new(&smtp.url(), MITTENTE, 2).unwrap();
        match posta.invia(&email("sconosciuto@example.org", None)).await {
            Esito::Rifiutato(m) => {
                assert!(m.starts_with("rifiutato dal server SMTP: 550"), "{m}");
                assert!(
                    m.contains("inesistente") && m.contains("controllare"),
                    "{m}"
                );
            }
            e => panic!("{e:?}"),
        }
        match posta.invia(&email("pieno@example.org", None)).await {
            Esito::Riprova { dopo: None, motivo } => {
                assert!(motivo.contains("451 4.2.2 casella piena"), "{motivo}")
            }
            e => panic!("{e:?}"),
        }
        assert_eq!(
            posta.invia(&email("iscritto7@example.org", None)).await,
            Esito::Consegnato
        );
        let m = smtp.messaggi();
        assert_eq!(m.len(), 1, "pipelining {}", come.pipelining);
        assert!(m[0].intestazione("to").unwrap().contains("iscritto7"));
        assert_eq!(smtp.connessioni(), 1, "RSET, and the connection went on");
        assert!(smtp.violazioni().is_empty(), "{:?}", smtp.violazioni());
    }
}

#[tokio::test]
async fn email_421_drops_the_connection_and_halves_the_limit() {
    let smtp = Smtp::con(pipelining()).await;
    let posta = Posta::new(&smtp.url(), MITTENTE, 8).unwrap();
    assert!(posta.limite() < 8, "it starts small");
    for i in 0..8 {
        let a = format!("iscritto{i}@example.org");
        assert_eq!(posta.invia(&email(&a, None)).await, Esito::Consegnato);
    }
    assert_eq!(posta.limite(), 8);
    smtp.rispondi("occupato", "421 4.3.2 troppi messaggi, riprovare più tardi");
    match posta.invia(&email("occupato@example.org", None)).await {
        Esito::Riprova { motivo, .. } => assert!(motivo.contains("421 4.3.2"), "{motivo}"),
        e => panic!("{e:?}"),
    }
    assert_eq!(posta.limite(), 4);
    assert_eq!(
        posta.invia(&email("iscritto8@example.org", None)).await,
        Esito::Consegnato
    );
    assert_eq!(smtp.connessioni(), 2, "a new connection after the 421");
    assert_eq!(posta.limite(), 5);
    assert_eq!(smtp.messaggi().len(), 9);
}

#[tokio::test]
async fn email_a_connection_the_server_closed_while_idle_is_replaced_without_losing_the_message() {
    let smtp = Smtp::con(ComeSmtp {
        pipelining: true,
        chiudi_dopo: Some(1),
        ..Default::default()
    })
    .await;
    let posta = Posta::new(&smtp.url(), MITTENTE, 2).unwrap();
    for i in 0..3 {
        let a = format!("iscritto{i}@example.org");
        assert_eq!(posta.invia(&email(&a, None)).await, Esito::Consegnato);
        // Let the server's close reach us, as it would between two alerts.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(smtp.messaggi().len(), 3);
    assert_eq!(smtp.connessioni(), 3);
}

#[tokio::test]
async fn email_auth_plain_or_login_with_the_credentials_of_the_url() {
    for (meccanismi, atteso) in [("PLAIN LOGIN", "PLAIN"), ("LOGIN", "LOGIN")] {
        let smtp = Smtp::con(ComeSmtp {
            pipelining: true,
            credenziali: Some(("mario@comune.it".into(), "se/greto:1".into())),
            meccanismi: Some(meccanismi),
            ..Default::default()
        })
        .await;
        let url = format!(
            "smtp://mario%40comune.it:se%2Fgreto%3A1@127.0.0.1:{}",
            smtp.porta
        );
        let posta = Posta::new(&url, MITTENTE, 2).unwrap();
        for _ in 0..2 {
            assert_eq!(
                posta.invia(&email("iscritto1@example.org", None)).await,
                Esito::Consegnato
            );
        }
        assert_eq!(smtp.autenticazioni(), [atteso], "once per connection");
        assert_eq!(smtp.messaggi().len(), 2);

        // Wrong credentials: retried later (the configuration is at fault, not the message).
        let url = format!(
            "smtp://mario%40comune.it:sbagliata@127.0.0.1:{}",
            smtp.porta
        );
        let posta = Posta::new(&url, MITTENTE, 2).unwrap();
        match posta.invia(&email("iscritto1@example.org", None)).await {
            Esito::Riprova { motivo, .. } => {
                assert!(
                    motivo.contains("autenticazione") && motivo.contains("535"),
                    "{motivo}"
                )
            }
            e => panic!("{e:?}"),
        }
        assert_eq!(smtp.messaggi().len(), 2);
    }
}

#[tokio::test]
async fn email_starttls_required_but_not_offered_and_a_silent_server_are_retried() {
    let smtp = Smtp::avvia().await;
    let url = format!("smtp://127.0.0.1:{}?tls=required", smtp.porta);
    let posta = Posta::new(&url, MITTENTE, 2).unwrap();
    match posta.invia(&email("iscritto1@example.org", None)).await {
        Esito::Riprova { motivo, .. } => assert!(motivo.contains("STARTTLS"), "{motivo}"),
        e => panic!("{e:?}"),
    }
    assert!(smtp.messaggi().is_empty());

    // A server that accepts the connection and never greets: the reply's timeout.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", l.local_addr().unwrap());
    tokio::spawn(async move {
        let mut aperte = Vec::new();
        while let Ok((c, _)) = l.accept().await {
            aperte.push(c);
        }
    });
    let posta = Posta::new(&url, MITTENTE, 2)
        .unwrap()
        .tempo(Duration::from_millis(200));
    let t = Instant::now();
    match posta.invia(&email("iscritto1@example.org", None)).await {
        Esito::Riprova { motivo, .. } => assert!(motivo.contains("tempo scaduto"), "{motivo}"),
        e => panic!("{e:?}"),
    }
    assert!(t.elapsed() < Duration::from_secs(2));
}
