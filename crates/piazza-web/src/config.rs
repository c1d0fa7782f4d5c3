//! Application settings that the web layer needs. The binary layers them:
//! defaults < `piazza.toml` < `PIAZZA_*` environment variables.

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct AppConfig {
    /// Shown in the header and the page titles.
    pub nome_associazione: String,
    /// ISTAT region code of the deployment (`09` Toscana).
    pub codice_regione: String,
    pub nome_regione: String,
    /// Length of a municipal term, in years, to compute the end of a mandate.
    pub anni_mandato: i32,
    /// A mandate is "in scadenza" when it ends within this many months.
    pub mesi_preavviso_scadenza: u32,
    /// The public URL; a `https://` URL makes the session cookie `Secure`.
    pub public_url: String,
    /// Login attempts allowed in a burst per client address, then one every `login_intervallo_secondi`.
    pub login_burst: u32,
    pub login_intervallo_secondi: u64,
    /// Login attempts allowed in a burst per account (e-mail), then one every
    /// `login_account_intervallo_secondi`, from whatever address.
    pub login_account_burst: u32,
    pub login_account_intervallo_secondi: u64,
    /// Idle time after which a session expires, in minutes.
    pub durata_sessione_minuti: i64,
    /// Piano: objectives without an update for this many days show on the staff dashboard.
    pub giorni_senza_aggiornamento: i64,
    /// Piano: an indicator lagging the time elapsed by more than these points is off track.
    pub tolleranza_indicatori_punti: f64,
    /// The risk window around an end of legislature: months before and after.
    pub rischio_legislatura_mesi_prima: u32,
    pub rischio_legislatura_mesi_dopo: u32,
    /// Cittadino Informato: the `sender` of the CAP documents Piazza publishes.
    pub cap_mittente: String,
    /// A civil-protection plan not updated for this many years is flagged.
    pub anni_aggiornamento_piano: i32,
    /// Cittadino Informato, delivery: the VAPID contact push services can reach us at.
    pub vapid_contatto: String,
    /// Web push: requests at once, overall and to one push service.
    pub push_concorrenza: usize,
    pub push_per_origine: usize,
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
    /// E-mail: the SMTP server (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`); without it e-mail subscriptions are not offered.
    pub smtp_url: Option<String>,
    pub smtp_mittente: String,
    pub smtp_connessioni: u32,
    /// Telegram: the Bot API's base URL and the bot's token; without a token, no Telegram.
    pub telegram_api: String,
    pub telegram_token: Option<String>,
    pub telegram_al_secondo: f64,
    /// SMS: the gateway's URL, body template (`{numero}`, `{testo}`), content type, optional
    /// `Authorization` header, messages per second; without a URL, no SMS.
    pub sms_url: Option<String>,
    pub sms_modello: String,
    pub sms_tipo_contenuto: String,
    pub sms_autorizzazione: Option<String>,
    pub sms_al_secondo: f64,
    /// Retention: the log of messages sent is deleted after this many days; subscriptions
    /// never confirmed after this many hours.
    pub giorni_conservazione_invii: i64,
    pub ore_conferma: i64,
    /// `/metrics` answers a request with `Authorization: Bearer <metrics_token>` (and
    /// administrators); without a token, only administrators.
    pub metrics_token: Option<String>,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` names the client; the
    /// login and subscription limits then count the client, not the proxy.
    pub proxy_fidati: Vec<String>,
    /// Server limits: the time to send a request's headers (also the idle time of a kept-open
    /// connection), the time for a whole request, connections at once, and how long a
    /// shutdown waits for requests in progress.
    pub timeout_intestazioni_secondi: u64,
    pub timeout_richiesta_secondi: u64,
    pub max_connessioni: usize,
    pub attesa_chiusura_secondi: u64,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            nome_associazione: "ANCI Toscana".into(),
            codice_regione: "09".into(),
            nome_regione: "Toscana".into(),
            anni_mandato: 5,
            mesi_preavviso_scadenza: 6,
            public_url: "http://127.0.0.1:8080".into(),
            login_burst: 20,
            login_intervallo_secondi: 3,
            login_account_burst: 10,
            login_account_intervallo_secondi: 30,
            durata_sessione_minuti: 8 * 60,
            giorni_senza_aggiornamento: 60,
            tolleranza_indicatori_punti: 15.0,
            rischio_legislatura_mesi_prima: 3,
            rischio_legislatura_mesi_dopo: 3,
            cap_mittente: "cittadino-informato@ancitoscana.it".into(),
            anni_aggiornamento_piano: 3,
            vapid_contatto: "mailto:cittadino-informato@ancitoscana.it".into(),
            push_concorrenza: 256,
            push_per_origine: 256,
            push_loopback: false,
            push_servizi_ammessi: piazza_net::SERVIZI_PUSH_NOTI
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            fonti_loopback: false,
            invio_blocco: 1000,
            invio_lotti_in_volo: 2,
            smtp_url: None,
            smtp_mittente: "Cittadino Informato <cittadino-informato@ancitoscana.it>".into(),
            smtp_connessioni: 8,
            telegram_api: "https://api.telegram.org".into(),
            telegram_token: None,
            telegram_al_secondo: 25.0,
            sms_url: None,
            sms_modello: r#"{"to":"{numero}","text":"{testo}"}"#.into(),
            sms_tipo_contenuto: "application/json".into(),
            sms_autorizzazione: None,
            sms_al_secondo: 10.0,
            giorni_conservazione_invii: 30,
            ore_conferma: 48,
            metrics_token: None,
            proxy_fidati: Vec::new(),
            timeout_intestazioni_secondi: 10,
            timeout_richiesta_secondi: 120,
            max_connessioni: 1024,
            attesa_chiusura_secondi: 10,
        }
    }
}

impl AppConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Where push subscriptions may point: `https` to a public address of an allowed push
    /// service (with `push_loopback`, also plain http on this machine).
    pub fn regole_push(&self) -> piazza_net::Regole {
        let mut r = piazza_net::Regole::push();
        if !self.push_servizi_ammessi.is_empty() {
            r.host_consentiti = Some(self.push_servizi_ammessi.clone());
        }
        if self.push_loopback {
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
        if self.fonti_loopback { r.loopback() } else { r }
    }

    /// The delivery engine's settings.
    pub fn motore(&self) -> piazza_alerts::motore::Config {
        use piazza_alerts::motore::{Config, ConfigEmail, ConfigSms, ConfigTelegram};
        Config {
            contatto_vapid: self.vapid_contatto.clone(),
            rete_push: self.regole_push(),
            push_concorrenza: self.push_concorrenza,
            push_per_origine: self.push_per_origine,
            blocco: self.invio_blocco.max(1),
            lotti_in_volo: self.invio_lotti_in_volo.max(1),
            email: self.smtp_url.clone().map(|url| ConfigEmail {
                url,
                mittente: self.smtp_mittente.clone(),
                connessioni: self.smtp_connessioni,
            }),
            telegram: self.telegram_token.clone().map(|token| ConfigTelegram {
                bot: piazza_alerts::telegram::Bot {
                    api: self.telegram_api.clone(),
                    token,
                },
                al_secondo: self.telegram_al_secondo,
                intervallo_chat: std::time::Duration::from_secs(3),
            }),
            sms: self.sms_url.clone().map(|url| ConfigSms {
                gateway: piazza_alerts::sms::Gateway {
                    url,
                    modello: self.sms_modello.clone(),
                    tipo_contenuto: self.sms_tipo_contenuto.clone(),
                    autorizzazione: self.sms_autorizzazione.clone(),
                },
                al_secondo: self.sms_al_secondo,
            }),
            ..Config::default()
        }
    }
}
