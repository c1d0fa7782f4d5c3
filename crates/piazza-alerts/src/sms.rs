//! SMS through a configurable HTTP gateway: the URL, a body template with `{numero}` and
//! `{testo}` (JSON-escaped when the content type is JSON, percent-encoded otherwise), an
//! optional `Authorization` header; the per-second limit is the engine's (`motore`).

use crate::Esito;

#[derive(Clone)]
pub struct Gateway {
    pub url: String,
    /// e.g. `{"to":"{numero}","text":"{testo}"}` or `to={numero}&text={testo}`.
    pub modello: String,
    pub tipo_contenuto: String,
    pub autorizzazione: Option<String>,
}

fn json_escape(s: &str) -> String {
    let q = serde_json::to_string(s).expect("a string serialises");
    q[1..q.len() - 1].to_owned()
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Gateway {
    /// The request body for one message.
    pub fn corpo(&self, numero: &str, testo: &str) -> String {
        let esc: fn(&str) -> String = if self.tipo_contenuto.contains("json") {
            json_escape
        } else {
            percent
        };
        self.modello
            .replace("{numero}", &esc(numero))
            .replace("{testo}", &esc(testo))
    }
}

pub async fn invia(client: &reqwest::Client, gw: &Gateway, numero: &str, testo: &str) -> Esito {
    let mut req = client
        .post(&gw.url)
        .header("Content-Type", &gw.tipo_contenuto)
        .body(gw.corpo(numero, testo));
    if let Some(a) = &gw.autorizzazione {
        req = req.header("Authorization", a);
    }
    let r = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            return Esito::Riprova {
                dopo: None,
                motivo: format!("gateway SMS non raggiungibile: {e}"),
            };
        }
    };
    let dopo = crate::ritmo::retry_after(r.headers());
    match r.status().as_u16() {
        200..=299 => Esito::Consegnato,
        c @ (429 | 500..=599) => Esito::Riprova {
            dopo,
            motivo: format!("gateway SMS: errore {c}"),
        },
        c => Esito::Rifiutato(format!("gateway SMS: rifiutato ({c})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_escape_for_their_content_type() {
        let mut g = Gateway {
            url: String::new(),
            modello: r#"{"to":"{numero}","text":"{testo}"}"#.into(),
            tipo_contenuto: "application/json".into(),
            autorizzazione: None,
        };
        let c = g.corpo("+393331234567", "Allerta \"rossa\"\na Lucca");
        let v: serde_json::Value = serde_json::from_str(&c).unwrap();
        assert_eq!(v["text"], "Allerta \"rossa\"\na Lucca");
        assert_eq!(v["to"], "+393331234567");
        g.modello = "to={numero}&text={testo}".into();
        g.tipo_contenuto = "application/x-www-form-urlencoded".into();
        assert_eq!(
            g.corpo("+39 333", "è & più"),
            "to=%2B39%20333&text=%C3%A8%20%26%20pi%C3%B9"
        );
    }
}
