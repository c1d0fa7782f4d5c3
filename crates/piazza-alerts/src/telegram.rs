//! Telegram through the Bot API: the bot posts to one channel per comune, which citizens join
//! (and leave with one tap). A bot may send about 30 messages per second overall and 20 per
//! minute to one group or channel: the engine paces it (`motore`), and a 429 tells how long to
//! wait (`parameters.retry_after`).

use std::time::Duration;

use serde_json::json;

use crate::Esito;

/// The bot: the API's base URL (`https://api.telegram.org`) and its token.
#[derive(Clone)]
pub struct Bot {
    pub api: String,
    pub token: String,
}

pub async fn invia(client: &reqwest::Client, bot: &Bot, chat_id: &str, testo: &str) -> Esito {
    let url = format!(
        "{}/bot{}/sendMessage",
        bot.api.trim_end_matches('/'),
        bot.token
    );
    let corpo = json!({
        "chat_id": chat_id,
        "text": testo,
        "link_preview_options": { "is_disabled": true },
    });
    let r = match client.post(&url).json(&corpo).send().await {
        Ok(r) => r,
        Err(e) => {
            return Esito::Riprova {
                dopo: None,
                motivo: format!("Telegram non raggiungibile: {e}"),
            };
        }
    };
    let stato = r.status();
    let risposta: serde_json::Value = r.json().await.unwrap_or_default();
    if stato.is_success() && risposta["ok"].as_bool() == Some(true) {
        return Esito::Consegnato;
    }
    let descrizione = risposta["description"]
        .as_str()
        .unwrap_or("nessuna descrizione")
        .to_owned();
    match stato.as_u16() {
        429 => Esito::Riprova {
            dopo: risposta["parameters"]["retry_after"]
                .as_u64()
                .map(Duration::from_secs),
            motivo: format!("Telegram: troppe richieste ({descrizione})"),
        },
        500..=599 => Esito::Riprova {
            dopo: None,
            motivo: format!("Telegram: errore {} ({descrizione})", stato.as_u16()),
        },
        c => Esito::Rifiutato(format!("Telegram: rifiutato {c} ({descrizione})")),
    }
}
