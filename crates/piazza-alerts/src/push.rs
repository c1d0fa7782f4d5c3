//! Sending one web-push message (RFC 8030) to one subscription: the body encrypted for it
//! (RFC 8291), `Authorization: vapid` (RFC 8292) for the push service's origin, `TTL` up to
//! the alert's expiry (a message past it is worthless), `Urgency: high` for orange and red,
//! `Topic` so that a newer message about the same alert replaces an undelivered older one.
//! The push service's answer says what to do next: done, retry later (429/5xx, honouring
//! `Retry-After`), or drop the subscription (404/410: it no longer exists).

use std::time::Duration;

use piazza_push::{Sottoscrizione, Vapid, cifra, origine};
use reqwest::StatusCode;

use crate::Esito;

/// What the message is.
#[derive(Debug, Clone)]
pub struct Messaggio<'a> {
    pub corpo: &'a [u8],
    /// Seconds the push service may keep it (until the alert's expiry; 0 = deliver now or drop).
    pub ttl: u64,
    /// Orange and red alerts wake the device.
    pub urgente: bool,
    /// Up to 32 URL-safe characters: the alert, so that an update replaces an older message.
    pub argomento: Option<&'a str>,
}

/// The VAPID identity of the sender: its key and contact (`mailto:` or `https:`), with the
/// signed `Authorization` of each push-service origin kept until it nears its expiry (one
/// ECDSA signature per origin every few hours, not one per message).
pub struct Mittente {
    vapid: Vapid,
    contatto: String,
    gettoni: std::sync::Mutex<std::collections::HashMap<String, (String, u64)>>,
}

/// How long a token is valid, and how long before its expiry a new one is signed.
const VALIDITA: u64 = 12 * 3600;
const MARGINE: u64 = 3600;

impl Mittente {
    pub fn new(vapid: Vapid, contatto: &str) -> Self {
        Self {
            vapid,
            contatto: contatto.to_owned(),
            gettoni: Default::default(),
        }
    }

    /// The `Authorization` header for `origine` at Unix time `ora`: the cached one while it has
    /// more than an hour left, else a new one valid for 12 hours.
    pub fn autorizzazione(&self, origine: &str, ora: u64) -> String {
        let mut g = self.gettoni.lock().expect("vapid tokens");
        if let Some((h, scade)) = g.get(origine)
            && *scade > ora + MARGINE
        {
            return h.clone();
        }
        let scade = ora + VALIDITA;
        let h = self.vapid.autorizzazione(origine, scade, &self.contatto);
        g.insert(origine.to_owned(), (h.clone(), scade));
        h
    }
}

/// Sends one message. `ora` is the current Unix time.
pub async fn invia(
    client: &reqwest::Client,
    mittente: &Mittente,
    s: &Sottoscrizione,
    m: &Messaggio<'_>,
    ora: u64,
) -> Esito {
    let Some(origine) = origine(&s.endpoint) else {
        return Esito::Rifiutato(format!("indirizzo push non valido: {}", s.endpoint));
    };
    let corpo = match cifra(s, m.corpo) {
        Ok(c) => c,
        Err(e) => return Esito::Rifiutato(e.to_string()),
    };
    let mut req = client
        .post(&s.endpoint)
        .header("Authorization", mittente.autorizzazione(&origine, ora))
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("TTL", m.ttl.to_string())
        .header("Urgency", if m.urgente { "high" } else { "normal" })
        .body(corpo);
    if let Some(t) = m.argomento {
        req = req.header("Topic", t);
    }
    let r = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            return Esito::Riprova {
                dopo: None,
                motivo: if e.is_timeout() {
                    "tempo scaduto".into()
                } else {
                    format!("richiesta non riuscita: {e}")
                },
            };
        }
    };
    let dopo = r
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    match r.status() {
        s if s.is_success() => Esito::Consegnato,
        StatusCode::NOT_FOUND | StatusCode::GONE => Esito::Scaduta,
        StatusCode::TOO_MANY_REQUESTS => Esito::Riprova {
            dopo,
            motivo: "troppe richieste (429)".into(),
        },
        s if s.is_server_error() => Esito::Riprova {
            dopo,
            motivo: format!("errore del servizio push ({})", s.as_u16()),
        },
        s => Esito::Rifiutato(format!("rifiutato dal servizio push ({})", s.as_u16())),
    }
}
