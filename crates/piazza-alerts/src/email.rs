//! E-mail through SMTP with a connection pool (lettre). Every alert message carries the
//! one-click unsubscribe of RFC 8058: `List-Unsubscribe` with an HTTPS URL that accepts a POST,
//! and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.

use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::Esito;

/// One message.
pub struct Email<'a> {
    pub a: &'a str,
    pub oggetto: &'a str,
    pub testo: &'a str,
    /// The one-click unsubscribe URL (absent on confirmation messages).
    pub disiscrivi: Option<&'a str>,
}

/// The SMTP server and our sender address.
pub struct Posta {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    mittente: Mailbox,
}

impl Posta {
    /// `url` as lettre reads it: `smtp://host:25` (plain, for a relay on the same machine),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), `smtps://host:465`.
    pub fn new(url: &str, mittente: &str, connessioni: u32) -> Result<Self, String> {
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("indirizzo del server SMTP non valido ({url}): {e}"))?
            .pool_config(PoolConfig::new().max_size(connessioni.max(1)))
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let mittente = mittente
            .parse()
            .map_err(|e| format!("mittente e-mail non valido ({mittente}): {e}"))?;
        Ok(Self { smtp, mittente })
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
        b.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(e.testo.to_owned()),
        )
        .map_err(|err| format!("messaggio non componibile: {err}"))
    }

    pub async fn invia(&self, e: &Email<'_>) -> Esito {
        let m = match self.componi(e) {
            Ok(m) => m,
            Err(err) => return Esito::Rifiutato(err),
        };
        match self.smtp.send(m).await {
            Ok(_) => Esito::Consegnato,
            Err(err) if err.is_permanent() => {
                Esito::Rifiutato(format!("rifiutato dal server SMTP: {err}"))
            }
            Err(err) => Esito::Riprova {
                dopo: None,
                motivo: format!("server SMTP: {err}"),
            },
        }
    }
}
