//! Application settings, in sections. The binary layers them: defaults < `piazza.toml` <
//! `PIAZZA_*` environment variables. The keys of the file and of the environment are flat and
//! named as they always were (`smtp_url`, `PIAZZA_SMTP_URL`): each section is flattened into the
//! file's top level. Secrets are [`Segreto`]s, which never print.

use serde::Deserialize;

/// A secret (a password in a URL, a token): its `Debug` prints `***`, so a logged or printed
/// configuration shows none. [`Segreto::esponi`] gives the value where it is used.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Segreto(String);

impl Segreto {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn esponi(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Segreto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// The whole configuration.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AppConfig {
    #[serde(flatten)]
    pub associazione: Associazione,
    #[serde(flatten)]
    pub server: Server,
    #[serde(flatten)]
    pub accesso: Accesso,
    #[serde(flatten)]
    pub anagrafica: Anagrafica,
    #[serde(flatten)]
    pub piano: Piano,
    #[serde(flatten)]
    pub allerte: Allerte,
    #[serde(flatten)]
    pub smtp: Smtp,
    #[serde(flatten)]
    pub telegram: Telegram,
    #[serde(flatten)]
    pub sms: Sms,
}

/// Who runs this deployment, and where it is reached.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Associazione {
    /// Shown in the header and the page titles.
    pub nome_associazione: String,
    /// ISTAT region code of the deployment (`09` Toscana).
    pub codice_regione: String,
    pub nome_regione: String,
    /// The public URL; a `https://` URL makes the session cookie `Secure` and adds HSTS.
    pub public_url: String,
}

impl Default for Associazione {
    fn default() -> Self {
        Self {
            nome_associazione: "ANCI Toscana".into(),
            codice_regione: "09".into(),
            nome_regione: "Toscana".into(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// The HTTP server's limits and the reverse proxies in front of it.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Server {
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` names the client; the
    /// login and subscription limits then count the client, not the proxy.
    pub proxy_fidati: Vec<String>,
    /// The time to send a request's headers (also the idle time of a kept-open connection),
    /// the time for a whole request, connections at once, and how long a shutdown waits for
    /// requests in progress.
    pub timeout_intestazioni_secondi: u64,
    pub timeout_richiesta_secondi: u64,
    pub max_connessioni: usize,
    pub attesa_chiusura_secondi: u64,
    /// Long work started from a page (a large import) answers with its outcome when it ends
    /// within this time, else with its progress page.
    pub attesa_elaborazione_ms: u64,
}

impl Default for Server {
    fn default() -> Self {
        Self {
            proxy_fidati: Vec::new(),
            timeout_intestazioni_secondi: 10,
            timeout_richiesta_secondi: 120,
            max_connessioni: 1024,
            attesa_chiusura_secondi: 10,
            attesa_elaborazione_ms: 1000,
        }
    }
}

/// Logins and sessions.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Accesso {
    /// Login attempts allowed in a burst per client address, then one every
    /// `login_intervallo_secondi`.
    pub login_burst: u32,
    pub login_intervallo_secondi: u64,
    /// Login attempts allowed in a burst per account (e-mail), then one every
    /// `login_account_intervallo_secondi`, from whatever address.
    pub login_account_burst: u32,
    pub login_account_intervallo_secondi: u64,
    /// Idle time after which a session expires, in minutes.
    pub durata_sessione_minuti: i64,
    /// Public registrations to events allowed in a burst per client address, then one a
    /// second (an office registering many people from one address stays well inside).
    pub registrazioni_burst: u32,
}

impl Default for Accesso {
    fn default() -> Self {
        Self {
            login_burst: 20,
            login_intervallo_secondi: 3,
            login_account_burst: 10,
            login_account_intervallo_secondi: 30,
            durata_sessione_minuti: 8 * 60,
            registrazioni_burst: 30,
        }
    }
}

/// Anagrafica: the mandates of the comuni's administrators.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Anagrafica {
    /// Length of a municipal term, in years, to compute the end of a mandate.
    pub anni_mandato: i32,
    /// A mandate is "in scadenza" when it ends within this many months.
    pub mesi_preavviso_scadenza: u32,
}

impl Default for Anagrafica {
    fn default() -> Self {
        Self {
            anni_mandato: 5,
            mesi_preavviso_scadenza: 6,
        }
    }
}

/// Piano: when objectives and indicators are flagged.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Piano {
    /// Objectives without an update for this many days show on the staff dashboard.
    pub giorni_senza_aggiornamento: i64,
    /// An indicator lagging the time elapsed by more than these points is off track.
    pub tolleranza_indicatori_punti: f64,
    /// The risk window around an end of legislature: months before and after.
    pub rischio_legislatura_mesi_prima: u32,
    pub rischio_legislatura_mesi_dopo: u32,
    /// The headings that introduce a plan's objectives in an imported document; empty = the
    /// forms Italian plans use (`piano::import::TITOLI_OBIETTIVI`).
    pub titoli_obiettivi: Vec<String>,
}

impl Default for Piano {
    fn default() -> Self {
        Self {
            giorni_senza_aggiornamento: 60,
            tolleranza_indicatori_punti: 15.0,
            rischio_legislatura_mesi_prima: 3,
            rischio_legislatura_mesi_dopo: 3,
            titoli_obiettivi: Vec::new(),
        }
    }
}

/// Cittadino Informato: sources, publication, web push and the delivery engine.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Allerte {
    /// The `sender` of the CAP documents Piazza publishes.
    pub cap_mittente: String,
    /// A civil-protection plan not updated for this many years is flagged.
    pub anni_aggiornamento_piano: i32,
    /// The VAPID contact push services can reach us at.
    pub vapid_contatto: String,
    /// Web push: requests at once, overall and to one push service.
    pub push_concorrenza: usize,
    pub push_per_origine: usize,
    /// Web-push requests sent in a row on one connection (HTTP/1.1 pipelining; 1 = off).
    pub push_in_fila: usize,
    /// Accept push endpoints on this machine (`http://127.0.0.1`, `localhost`: tests and
    /// benchmarks only).
    pub push_loopback: bool,
    /// The push services subscriptions may point to (host suffixes): the browsers' own by
    /// default. Empty: any host with a public address.
    pub push_servizi_ammessi: Vec<String>,
    /// Let the feed poller fetch from this machine (tests, a local mirror); public addresses
    /// only otherwise.
    pub fonti_loopback: bool,
    /// Outbox rows claimed at a time by a worker, and blocks in flight per channel (their
    /// product bounds what a crash can send twice).
    pub invio_blocco: usize,
    pub invio_lotti_in_volo: usize,
    /// With several nodes on one database: a node whose heartbeat is this many seconds old
    /// is taken for dead, and the messages it had claimed go to the others.
    pub nodo_perso_secondi: u64,
    /// Retention: the log of messages sent is deleted after this many days; subscriptions
    /// never confirmed after this many hours.
    pub giorni_conservazione_invii: i64,
    pub ore_conferma: i64,
    /// `/metrics` answers a request with `Authorization: Bearer <metrics_token>` (and
    /// administrators); without a token, only administrators.
    pub metrics_token: Option<Segreto>,
}

impl Default for Allerte {
    fn default() -> Self {
        Self {
            cap_mittente: "cittadino-informato@ancitoscana.it".into(),
            anni_aggiornamento_piano: 3,
            vapid_contatto: "mailto:cittadino-informato@ancitoscana.it".into(),
            push_concorrenza: 256,
            push_per_origine: 256,
            push_in_fila: 16,
            push_loopback: false,
            push_servizi_ammessi: piazza_net::SERVIZI_PUSH_NOTI
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            fonti_loopback: false,
            invio_blocco: 1000,
            invio_lotti_in_volo: 2,
            nodo_perso_secondi: 20,
            giorni_conservazione_invii: 30,
            ore_conferma: 48,
            metrics_token: None,
        }
    }
}

/// E-mail: the SMTP server (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
/// `smtps://host:465`); without it e-mail subscriptions are not offered.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Smtp {
    #[serde(rename = "smtp_url")]
    pub url: Option<Segreto>,
    #[serde(rename = "smtp_mittente")]
    pub mittente: String,
    #[serde(rename = "smtp_connessioni")]
    pub connessioni: u32,
}

impl Default for Smtp {
    fn default() -> Self {
        Self {
            url: None,
            mittente: "Cittadino Informato <cittadino-informato@ancitoscana.it>".into(),
            connessioni: 8,
        }
    }
}

/// Telegram: the Bot API's base URL and the bot's token; without a token, no Telegram.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Telegram {
    #[serde(rename = "telegram_api")]
    pub api: String,
    #[serde(rename = "telegram_token")]
    pub token: Option<Segreto>,
    #[serde(rename = "telegram_al_secondo")]
    pub al_secondo: f64,
}

impl Default for Telegram {
    fn default() -> Self {
        Self {
            api: "https://api.telegram.org".into(),
            token: None,
            al_secondo: 25.0,
        }
    }
}

/// SMS: the gateway's URL, body template (`{numero}`, `{testo}`), content type, optional
/// `Authorization` header, messages per second; without a URL, no SMS.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Sms {
    #[serde(rename = "sms_url")]
    pub url: Option<String>,
    #[serde(rename = "sms_modello")]
    pub modello: String,
    #[serde(rename = "sms_tipo_contenuto")]
    pub tipo_contenuto: String,
    #[serde(rename = "sms_autorizzazione")]
    pub autorizzazione: Option<Segreto>,
    #[serde(rename = "sms_al_secondo")]
    pub al_secondo: f64,
}

impl Default for Sms {
    fn default() -> Self {
        Self {
            url: None,
            modello: r#"{"to":"{numero}","text":"{testo}"}"#.into(),
            tipo_contenuto: "application/json".into(),
            autorizzazione: None,
            al_secondo: 10.0,
        }
    }
}

impl AppConfig {
    pub fn secure_cookies(&self) -> bool {
        self.associazione.public_url.starts_with("https://")
    }

    /// Where push subscriptions may point: `https` to a public address of an allowed push
    /// service (with `push_loopback`, also plain http on this machine).
    pub fn regole_push(&self) -> piazza_net::Regole {
        let a = &self.allerte;
        let mut r = piazza_net::Regole::push();
        if !a.push_servizi_ammessi.is_empty() {
            r.host_consentiti = Some(a.push_servizi_ammessi.clone());
        }
        if a.push_loopback {
            r = piazza_net::Regole {
                consenti_http: true,
                ..r.loopback()
            };
            if let Some(h) = &mut r.host_consentiti {
                h.extend(["127.0.0.1", "localhost", "::1"].map(String::from));
            }
        }
        r
    }

    /// Where the feed poller may fetch from.
    pub fn regole_fonti(&self) -> piazza_net::Regole {
        let r = piazza_net::Regole::fonti();
        if self.allerte.fonti_loopback {
            r.loopback()
        } else {
            r
        }
    }

    /// The delivery engine's settings.
    pub fn motore(&self) -> piazza_alerts::motore::Config {
        use piazza_alerts::motore::{Config, ConfigEmail, ConfigSms, ConfigTelegram};
        let a = &self.allerte;
        Config {
            contatto_vapid: a.vapid_contatto.clone(),
            rete_push: self.regole_push(),
            push_concorrenza: a.push_concorrenza,
            push_per_origine: a.push_per_origine,
            push_in_fila: a.push_in_fila.max(1),
            blocco: a.invio_blocco.max(1),
            lotti_in_volo: a.invio_lotti_in_volo.max(1),
            nodo_perso: std::time::Duration::from_secs(a.nodo_perso_secondi.max(3)),
            email: self.smtp.url.as_ref().map(|url| ConfigEmail {
                url: url.esponi().to_owned(),
                mittente: self.smtp.mittente.clone(),
                connessioni: self.smtp.connessioni,
            }),
            telegram: self.telegram.token.as_ref().map(|token| ConfigTelegram {
                bot: piazza_alerts::telegram::Bot {
                    api: self.telegram.api.clone(),
                    token: token.esponi().to_owned(),
                },
                al_secondo: self.telegram.al_secondo,
                intervallo_chat: std::time::Duration::from_secs(3),
            }),
            sms: self.sms.url.clone().map(|url| ConfigSms {
                gateway: piazza_alerts::sms::Gateway {
                    url,
                    modello: self.sms.modello.clone(),
                    tipo_contenuto: self.sms.tipo_contenuto.clone(),
                    autorizzazione: self
                        .sms
                        .autorizzazione
                        .as_ref()
                        .map(|s| s.esponi().to_owned()),
                },
                al_secondo: self.sms.al_secondo,
            }),
            ..Config::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let mut c = AppConfig::default();
        c.smtp.url = Some(Segreto::new(
            "smtp://utente:parola-segreta@smtp.example.it:587",
        ));
        c.telegram.token = Some(Segreto::new("123456:segretissimo"));
        c.sms.autorizzazione = Some(Segreto::new("Bearer sms-segreto"));
        c.allerte.metrics_token = Some(Segreto::new("metriche-segrete"));
        let stampa = format!("{c:?} {c:#?}");
        for s in [
            "parola-segreta",
            "segretissimo",
            "sms-segreto",
            "metriche-segrete",
        ] {
            assert!(!stampa.contains(s), "{s} printed");
        }
        assert!(stampa.contains("***"));
        assert_eq!(
            c.motore().email.unwrap().url,
            "smtp://utente:parola-segreta@smtp.example.it:587"
        );
    }
}
