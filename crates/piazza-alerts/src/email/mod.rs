//! E-mail through SMTP: lettre composes the message, our own client sends it — `smtp` (one
//! connection, pipelined where the server offers it), `pool` (connections reused across
//! messages, as many in use as the server bears), `risposta` (the server's replies).
//!
//! Every alert message carries the one-click unsubscribe of RFC 8058: `List-Unsubscribe` with
//! an HTTPS URL that accepts a POST, and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.

mod pool;
#[cfg(test)]
mod prove_tls;
mod risposta;
mod smtp;

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};

use crate::Esito;
use smtp::Errore;

/// One message.
pub struct Email<'a> {
    pub a: &'a str,
    pub oggetto: &'a str,
    pub testo: &'a str,
    /// The one-click unsubscribe URL (absent on confirmation messages).
    pub disiscrivi: Option<&'a str>,
    /// A file sent with the text (an iCalendar invitation, a ticket).
    pub allegato: Option<Allegato<'a>>,
}

/// A file attached to a message.
pub struct Allegato<'a> {
    pub nome: &'a str,
    /// Its MIME type (`text/calendar; method=REQUEST`, `application/pdf`).
    pub tipo: &'a str,
    pub dati: &'a [u8],
}

/// The SMTP server and our sender address.
pub struct Posta {
    pool: pool::Pool,
    mittente: Mailbox,
}

impl Posta {
    /// `url`: `smtp://host:25` (plain, for a relay on the same machine),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS; `tls=opportunistic` when
    /// offered), `smtps://host:465` (implicit TLS); at most `connessioni` connections in use.
    pub fn new(url: &str, mittente: &str, connessioni: u32) -> Result<Self, String> {
        let server = smtp::Server::da_url(url)?;
        let mittente = mittente
            .parse()
            .map_err(|e| format!("mittente e-mail non valido ({mittente}): {e}"))?;
        Ok(Self {
            pool: pool::Pool::new(server, connessioni.max(1) as usize),
            mittente,
        })
    }

    /// TLS to the server also trusts `radici` beside the web's roots (a relay whose
    /// certificate a private CA signed; tests).
    pub fn con_radici(
        mut self,
        radici: &[tokio_rustls::rustls::pki_types::CertificateDer<'static>],
    ) -> Result<Self, String> {
        self.pool.server_mut().radici(radici)?;
        Ok(self)
    }

    /// Bounds connecting, each write and each reply of the server (30 s unless set).
    pub fn tempo(mut self, tempo: Duration) -> Self {
        self.pool.server_mut().tempo = tempo;
        self
    }

    /// How many connections may be in use now (it follows the server's answers).
    pub fn limite(&self) -> usize {
        self.pool.limite()
    }

    fn componi(&self, e: &Email<'_>) -> Result<Message, String> {
        let a: Mailbox =
            e.a.parse()
                .map_err(|err| format!("indirizzo non valido: {err}"))?;
        let mut b = Message::builder()
            .from(self.mittente.clone())
            .to(a)
            .subject(e.oggetto);
        if let Some(url) = e.disiscrivi {
            b = b
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        // Quoted-printable: readable in any client, links intact after decoding.
        let testo = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(e.testo.to_owned());
        match &e.allegato {
            None => b.singlepart(testo),
            Some(a) => {
                let tipo = ContentType::parse(a.tipo)
                    .map_err(|err| format!("tipo dell'allegato non valido ({}): {err}", a.tipo))?;
                b.multipart(
                    MultiPart::mixed()
                        .singlepart(testo)
                        .singlepart(Attachment::new(a.nome.to_owned()).body(a.dati.to_vec(), tipo)),
                )
            }
        }
        .map_err(|err| format!("messaggio non componibile: {err}"))
    }

    pub async fn invia(&self, e: &Email<'_>) -> Esito {
        let m = match self.componi(e) {
            Ok(m) => m,
            Err(err) => return Esito::Rifiutato(err),
        };
        let busta = m.envelope();
        let (Some(da), Some(a)) = (busta.from(), busta.to().first()) else {
            return Esito::Rifiutato("messaggio senza mittente o destinatario".into());
        };
        match self
            .pool
            .invia(da.as_ref(), a.as_ref(), &dati(&m.formatted()))
            .await
        {
            Ok(()) => Esito::Consegnato,
            Err(Errore::Risposta(r)) if r.classe() == 5 => {
                Esito::Rifiutato(format!("rifiutato dal server SMTP: {}", r.testo()))
            }
            Err(Errore::Risposta(r)) => Esito::Riprova {
                dopo: None,
                motivo: format!("server SMTP: {}", r.testo()),
            },
            Err(Errore::Messaggio(m)) => Esito::Rifiutato(m),
            Err(Errore::Rete(m) | Errore::Chiusa(m)) => Esito::Riprova {
                dopo: None,
                motivo: m,
            },
        }
    }
}

/// The DATA section of a message (RFC 5321 §4.5.2): every line ended by CRLF (a bare LF
/// becomes one), a line starting with `.` given another, then the final `.` line.
fn dati(m: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(m.len() + m.len() / 32 + 5);
    let mut inizio_riga = true;
    let mut prec = 0u8;
    for &b in m {
        if inizio_riga && b == b'.' {
            out.push(b'.');
        }
        if b == b'\n' && prec != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        inizio_riga = b == b'\n';
        prec = b;
    }
    if !inizio_riga {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_starting_with_a_dot_get_another_and_the_data_ends_with_a_dot_line() {
        let d = |s: &str| String::from_utf8(dati(s.as_bytes())).unwrap();
        assert_eq!(d(".\r\n"), "..\r\n.\r\n");
        assert_eq!(
            d("a\r\n.b\r\n..c\r\nd.e\r\n"),
            "a\r\n..b\r\n...c\r\nd.e\r\n.\r\n"
        );
        assert_eq!(
            d(".inizio"),
            "..inizio\r\n.\r\n",
            "the first line too; CRLF added"
        );
        assert_eq!(
            d("a\n.\nb\n"),
            "a\r\n..\r\nb\r\n.\r\n",
            "bare LF become CRLF"
        );
        assert_eq!(d(""), ".\r\n");
    }

    #[test]
    fn the_composed_message_carries_the_one_click_unsubscribe_and_is_stuffed() {
        let p = Posta::new("smtp://127.0.0.1:25", "Allerte <allerte@example.org>", 2).unwrap();
        let m = p
            .componi(&Email {
                a: "mario@example.org",
                oggetto: "Allerta rossa",
                testo: "prima\n.\n.seconda",
                disiscrivi: Some("https://piazza.example/allerte/disiscrivi/1-x"),
                allegato: None,
            })
            .unwrap();
        let t = String::from_utf8(dati(&m.formatted())).unwrap();
        assert!(
            t.contains("List-Unsubscribe: <https://piazza.example/allerte/disiscrivi/1-x>\r\n")
        );
        assert!(t.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
        assert!(t.ends_with("\r\n.\r\n"));
        // No line of the content is a lone dot: the message cannot end early.
        assert_eq!(t.split("\r\n").filter(|l| *l == ".").count(), 1);
        assert!(Posta::new("ftp://example.org", "a@example.org", 1).is_err());
        assert!(Posta::new("smtp://example.org", "non un indirizzo", 1).is_err());
    }
}
