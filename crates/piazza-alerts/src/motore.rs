//! The workers: one loop per configured channel claims a block of due rows from the outbox,
//! sends them with bounded concurrency and per-destination limits, and records the outcomes.
//!
//! - At most `lotti_in_volo` blocks of `blocco` rows per channel are claimed and not yet
//!   recorded: that bounds what a crash can send twice.
//! - Web push: `push_concorrenza` requests at once overall and `push_per_origine` to one push
//!   service; a 429 pauses that service for its `Retry-After`; a 404/410 removes the
//!   subscription. Each worker keeps one connection and encrypts a few messages in a row
//!   before sending them (encryption is most of the cost; tokio spreads the workers over the
//!   cores). Connections go only where `rete_push` allows (see [`push`]): a subscription
//!   whose endpoint it refuses is removed too, without anything being sent to it.
//! - E-mail: as many messages at once as the SMTP pool has connections.
//! - Telegram: 30 messages per second overall, one message every 3 seconds to one channel
//!   (Telegram allows 20 per minute); a 429 pauses the bot for `retry_after`.
//! - SMS: the gateway's messages per second; a 429 pauses it.
//! - Retries: exponential backoff with jitter, never sooner than the peer asked; a message
//!   whose retry would fall after the alert's expiry is dropped (`scaduto`), so is one claimed
//!   after it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use piazza_db::entities::{iscrizione, notifica, notifica_voce};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

use crate::email::{Email, Posta};
use crate::outbox::{self, Prenotato, Registrazione};
use crate::ritmo::{Ritmo, ritardo};
use crate::sms::Gateway;
use crate::telegram::Bot;
use crate::{Esito, canale, push};

mod nodo;
mod operai_push;

/// The engine's settings.
#[derive(Clone)]
pub struct Config {
    /// VAPID `sub`: `mailto:` or `https:` address push services can reach us at.
    pub contatto_vapid: String,
    pub push_concorrenza: usize,
    pub push_per_origine: usize,
    /// Web-push requests sent in a row on one connection before their answers (HTTP/1.1
    /// pipelining; 1 = one at a time). A push service that drops requests sent in a row gets
    /// one at a time from then on.
    pub push_in_fila: usize,
    /// Rows claimed at a time by a worker.
    pub blocco: usize,
    /// Blocks claimed and not yet recorded, per channel.
    pub lotti_in_volo: usize,
    /// Attempts before a message is given up.
    pub tentativi_max: i32,
    /// Timeout of one HTTP request to a push service, Telegram or the SMS gateway.
    pub timeout: Duration,
    /// Where web-push connections may go: [`piazza_net::Regole::push`] (public addresses,
    /// `https`); tests and benchmarks with a push service on loopback allow it and `http`.
    pub rete_push: piazza_net::Regole,
    /// Root certificates TLS to push services trusts beside the web PKI's, which stay: none in
    /// production; tests with a push service on loopback over HTTPS give its CA.
    pub radici_push: Vec<push::CertificateDer<'static>>,
    /// This node's name among the processes sharing the database (`piazza serve` gives its
    /// host and listening address); empty: the host, the process and a number.
    pub nodo: String,
    /// How often the node beats, and how old a beat may get before the other nodes take the
    /// node for dead and requeue what it claimed.
    pub battito: Duration,
    pub nodo_perso: Duration,
    pub email: Option<ConfigEmail>,
    pub telegram: Option<ConfigTelegram>,
    pub sms: Option<ConfigSms>,
}

#[derive(Clone)]
pub struct ConfigEmail {
    pub url: String,
    pub mittente: String,
    pub connessioni: u32,
}

#[derive(Clone)]
pub struct ConfigTelegram {
    pub bot: Bot,
    pub al_secondo: f64,
    /// Minimum time between two posts to the same channel.
    pub intervallo_chat: Duration,
}

#[derive(Clone)]
pub struct ConfigSms {
    pub gateway: Gateway,
    pub al_secondo: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            contatto_vapid: "mailto:cittadino-informato@example.org".into(),
            push_concorrenza: 256,
            push_per_origine: 256,
            push_in_fila: 16,
            blocco: 1000,
            lotti_in_volo: 2,
            tentativi_max: 8,
            timeout: Duration::from_secs(20),
            rete_push: piazza_net::Regole::push(),
            radici_push: Vec::new(),
            nodo: String::new(),
            battito: Duration::from_secs(2),
            nodo_perso: Duration::from_secs(20),
            email: None,
            telegram: None,
            sms: None,
        }
    }
}

impl Config {
    /// The most messages that can be claimed and not yet recorded, per channel: what a crash
    /// can send twice.
    pub fn in_volo(&self) -> usize {
        self.blocco * self.lotti_in_volo
    }
}

pub use crate::outbox::Destinatario;

/// A notification with its changes.
#[derive(Debug, Clone)]
pub struct Notifica {
    pub modello: notifica::Model,
    pub voci: Vec<notifica_voce::Model>,
}

/// What one message says, in every form a channel needs.
#[derive(Debug, Clone, Default)]
pub struct Contenuto {
    /// E-mail subject, push title.
    pub oggetto: String,
    /// E-mail body.
    pub testo: String,
    /// SMS and Telegram.
    pub breve: String,
    /// The push payload (JSON read by our service worker).
    pub push: String,
    /// The one-click unsubscribe URL.
    pub disiscrivi: Option<String>,
    /// Orange and red: `Urgency: high`.
    pub urgente: bool,
    /// Push `Topic`: a newer message on it replaces an undelivered older one.
    pub argomento: Option<String>,
}

/// What messages say is the application's; the engine only delivers.
pub trait Compositore: Send + Sync + 'static {
    /// An alert message; `voci` are the changes that concern this recipient (never empty).
    fn allerta(&self, n: &Notifica, voci: &[&notifica_voce::Model], d: &Destinatario) -> Contenuto;
    /// The double opt-in message of a new subscription.
    fn conferma(&self, d: &Destinatario) -> Contenuto;
}

/// Counters since start, per channel, for `/metrics`.
#[derive(Default)]
pub struct Metriche {
    contatori: [[AtomicU64; 5]; 4],
}

/// What [`Metriche`] counts.
pub const EVENTI: [&str; 5] = ["inviati", "riprove", "falliti", "scaduti", "rimossi"];

impl Metriche {
    fn conta(&self, canale: &str, evento: usize) {
        if let Some(i) = canale::TUTTI.iter().position(|c| *c == canale) {
            self.contatori[i][evento].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// (channel, event, count).
    pub fn valori(&self) -> Vec<(&'static str, &'static str, u64)> {
        let mut out = Vec::new();
        for (i, c) in canale::TUTTI.iter().enumerate() {
            for (j, e) in EVENTI.iter().enumerate() {
                out.push((*c, *e, self.contatori[i][j].load(Ordering::Relaxed)));
            }
        }
        out
    }
}

pub struct Motore {
    db: DatabaseConnection,
    cfg: Config,
    compositore: Arc<dyn Compositore>,
    /// Telegram and the SMS gateway.
    client: reqwest::Client,
    mittente: push::Mittente,
    connessioni: push::Connessioni,
    posta: Option<(Posta, Arc<Semaphore>)>,
    telegram: Option<(ConfigTelegram, Ritmo)>,
    chat: Mutex<HashMap<String, Instant>>,
    sms: Option<(ConfigSms, Ritmo)>,
    notifiche: Mutex<HashMap<i64, Arc<Notifica>>>,
    push_tutti: Arc<Semaphore>,
    push_origini: Mutex<HashMap<String, (Arc<Semaphore>, Instant)>>,
    /// Push services that get one request at a time (see `Config::push_in_fila`).
    push_senza_fila: Mutex<std::collections::HashSet<String>>,
    pub metriche: Metriche,
    sveglia: Arc<Notify>,
    /// This node's id in `nodi` (0 until registered: see [`nodo`]).
    nodo: AtomicI64,
    registrazione: tokio::sync::Mutex<()>,
}

/// Notifications are immutable once created: the engine keeps the recent ones in memory.
const NOTIFICHE_IN_MEMORIA: usize = 256;

impl Motore {
    /// The engine for `db`; `sveglia` is notified when rows are queued. Nothing runs until
    /// [`Motore::avvia`] (or [`Motore::svuota`] in tests).
    pub fn new(
        db: DatabaseConnection,
        cfg: Config,
        vapid: piazza_push::Vapid,
        compositore: Arc<dyn Compositore>,
        sveglia: Arc<Notify>,
    ) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .build()
            .map_err(|e| format!("client HTTP: {e}"))?;
        let posta = match &cfg.email {
            Some(e) => Some((
                Posta::new(&e.url, &e.mittente, e.connessioni)?,
                Arc::new(Semaphore::new(e.connessioni.max(1) as usize)),
            )),
            None => None,
        };
        Ok(Self {
            mittente: push::Mittente::new(vapid, &cfg.contatto_vapid),
            connessioni: push::Connessioni::con_radici(
                cfg.timeout,
                cfg.push_per_origine.max(1),
                cfg.rete_push.clone(),
                &cfg.radici_push,
            )?,
            telegram: cfg
                .telegram
                .clone()
                .map(|t| (t.clone(), Ritmo::al_secondo(t.al_secondo))),
            sms: cfg
                .sms
                .clone()
                .map(|s| (s.clone(), Ritmo::al_secondo(s.al_secondo))),
            push_tutti: Arc::new(Semaphore::new(cfg.push_concorrenza.max(1))),
            db,
            cfg,
            compositore,
            client,
            posta,
            chat: Mutex::default(),
            notifiche: Mutex::default(),
            push_origini: Mutex::default(),
            push_senza_fila: Mutex::default(),
            metriche: Metriche::default(),
            sveglia,
            nodo: AtomicI64::new(0),
            registrazione: tokio::sync::Mutex::new(()),
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The channels this deployment can send on (web push always).
    pub fn canali(&self) -> Vec<&'static str> {
        let mut c = vec![canale::PUSH];
        if self.posta.is_some() {
            c.push(canale::EMAIL);
        }
        if self.sms.is_some() {
            c.push(canale::SMS);
        }
        if self.telegram.is_some() {
            c.push(canale::TELEGRAM);
        }
        c
    }

    /// Registers this node, puts back in the queue what a previous process of its name (or a
    /// dead node) claimed, then starts one worker per channel. Returns the rows requeued.
    pub async fn avvia(self: &Arc<Self>) -> Result<u64, DbErr> {
        let (_, ripresi) = self.registra_nodo().await?;
        if ripresi > 0 {
            tracing::info!(
                ripresi,
                "outbox: messages in flight at the last stop queued again"
            );
        }
        for c in self.canali() {
            tokio::spawn(self.clone().ciclo(c));
        }
        Ok(ripresi)
    }

    async fn ciclo(self: Arc<Self>, canale: &'static str) {
        let lotti = Arc::new(Semaphore::new(self.cfg.lotti_in_volo.max(1)));
        loop {
            let Ok(permesso) = lotti.clone().acquire_owned().await else {
                return;
            };
            let sveglia = self.sveglia.clone();
            let notificato = sveglia.notified();
            tokio::pin!(notificato);
            notificato.as_mut().enable();
            let nodo = self.nodo.load(Ordering::Acquire);
            match outbox::prenota(&self.db, canale, self.cfg.blocco, Utc::now(), nodo).await {
                Ok(lotto) if !lotto.is_empty() => {
                    let me = self.clone();
                    tokio::spawn(async move {
                        me.elabora(canale, lotto).await;
                        drop(permesso);
                    });
                }
                Ok(_) => {
                    drop(permesso);
                    let attesa = match outbox::prossimo(&self.db, canale).await {
                        Ok(Some(t)) => (t - Utc::now())
                            .to_std()
                            .unwrap_or_default()
                            .min(Duration::from_secs(5)),
                        _ => Duration::from_secs(5),
                    };
                    if !attesa.is_zero() {
                        let _ = tokio::time::timeout(attesa, notificato).await;
                    }
                }
                Err(e) => {
                    drop(permesso);
                    tracing::warn!(canale, error = %e, "outbox: claim failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Sends everything due now, channel by channel, until nothing is due; returns how many
    /// rows were handled. For tests and the command line: no background task.
    pub async fn svuota(self: &Arc<Self>) -> Result<usize, DbErr> {
        let nodo = self.nodo().await?;
        let mut totale = 0;
        loop {
            let mut giro = 0;
            for c in self.canali() {
                let lotto = outbox::prenota(&self.db, c, self.cfg.blocco, Utc::now(), nodo).await?;
                giro += lotto.len();
                self.elabora(c, lotto).await;
            }
            if giro == 0 {
                return Ok(totale);
            }
            totale += giro;
        }
    }

    async fn notifica(&self, id: i64) -> Result<Option<Arc<Notifica>>, DbErr> {
        if let Some(n) = self.notifiche.lock().expect("notifiche").get(&id) {
            return Ok(Some(n.clone()));
        }
        let Some(modello) = notifica::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        let voci = notifica_voce::Entity::find()
            .filter(notifica_voce::Column::NotificaId.eq(id))
            .order_by_desc(notifica_voce::Column::Dopo)
            .order_by_asc(notifica_voce::Column::Id)
            .all(&self.db)
            .await?;
        let n = Arc::new(Notifica { modello, voci });
        let mut m = self.notifiche.lock().expect("notifiche");
        if m.len() >= NOTIFICHE_IN_MEMORIA {
            m.clear();
        }
        m.insert(id, n.clone());
        Ok(Some(n))
    }

    /// Sends one claimed block and records the outcomes.
    async fn elabora(self: &Arc<Self>, canale: &'static str, lotto: Vec<Prenotato>) {
        if lotto.is_empty() {
            return;
        }
        let esiti = match self.invia_lotto(canale, &lotto).await {
            Ok(e) => e,
            Err(e) => {
                // Left `in_corso`: queued again at the next start.
                tracing::warn!(canale, error = %e, "outbox: block not sent");
                return;
            }
        };
        let mut attesa = Duration::from_millis(100);
        loop {
            match outbox::registra(&self.db, &esiti, Utc::now()).await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(canale, error = %e, "outbox: recording failed, retrying");
                    tokio::time::sleep(attesa).await;
                    attesa = (attesa * 2).min(Duration::from_secs(10));
                }
            }
        }
    }

    async fn invia_lotto(
        self: &Arc<Self>,
        canale: &'static str,
        lotto: &[Prenotato],
    ) -> Result<Vec<(i64, Registrazione)>, DbErr> {
        let ora = Utc::now();
        let mut esiti = Vec::with_capacity(lotto.len());
        let mut lavori = Vec::with_capacity(lotto.len());
        for p in lotto {
            if p.scade_at <= ora {
                self.metriche.conta(canale, 3);
                esiti.push((p.id, Registrazione::Scaduto));
                continue;
            }
            let Some(d) = p.destinatario.clone() else {
                esiti.push((
                    p.id,
                    Registrazione::Annullato("destinatario non più iscritto".into()),
                ));
                continue;
            };
            let contenuto = match p.notifica_id {
                None => self.compositore.conferma(&d),
                Some(nid) => {
                    let Some(n) = self.notifica(nid).await? else {
                        esiti.push((p.id, Registrazione::Annullato("notifica eliminata".into())));
                        continue;
                    };
                    let voci: Vec<&notifica_voce::Model> = n
                        .voci
                        .iter()
                        .filter(|v| d.comuni.contains(&v.comune_id))
                        .filter(|v| outbox::pertinente(v, d.soglia, d.rischi, d.fine_allerta))
                        .collect();
                    if voci.is_empty() {
                        esiti.push((
                            p.id,
                            Registrazione::Annullato(
                                "le preferenze non comprendono più questa notifica".into(),
                            ),
                        ));
                        continue;
                    }
                    self.compositore.allerta(&n, &voci, &d)
                }
            };
            lavori.push((p.clone(), d, contenuto));
        }
        let risultati = if canale == canale::PUSH {
            self.invia_push_lotto(lavori).await
        } else {
            let mut compiti = tokio::task::JoinSet::new();
            for (p, d, contenuto) in lavori {
                let me = self.clone();
                compiti.spawn(async move {
                    let esito = me.invia_uno(canale, &d, &contenuto).await;
                    (p, d, esito)
                });
            }
            let mut r = Vec::new();
            while let Some(x) = compiti.join_next().await {
                if let Ok(x) = x {
                    r.push(x);
                }
            }
            r
        };
        for (p, d, esito) in risultati {
            let reg = self.registrazione(canale, &p, &d, esito).await;
            esiti.push((p.id, reg));
        }
        Ok(esiti)
    }

    /// From a channel's answer to what the outbox records (removing a push subscription that
    /// is gone).
    async fn registrazione(
        &self,
        canale: &str,
        p: &Prenotato,
        d: &Destinatario,
        esito: Esito,
    ) -> Registrazione {
        match esito {
            Esito::Consegnato => {
                self.metriche.conta(canale, 0);
                Registrazione::Inviato
            }
            Esito::Riprova { dopo, motivo } => {
                let tentativi = p.tentativi + 1;
                let quando = Utc::now()
                    + chrono::Duration::from_std(ritardo(tentativi as u32, dopo))
                        .unwrap_or_default();
                if tentativi >= self.cfg.tentativi_max {
                    self.metriche.conta(canale, 2);
                    Registrazione::Fallito(format!("{motivo} (dopo {tentativi} tentativi)"))
                } else if quando >= p.scade_at {
                    self.metriche.conta(canale, 3);
                    Registrazione::Scaduto
                } else {
                    self.metriche.conta(canale, 1);
                    Registrazione::Riprova {
                        quando,
                        errore: motivo,
                    }
                }
            }
            Esito::Scaduta => {
                self.metriche.conta(canale, 4);
                if let Err(e) = iscrizione::Entity::delete_by_id(d.id).exec(&self.db).await {
                    tracing::warn!(error = %e, "push subscription gone but not removed");
                }
                Registrazione::Fallito("sottoscrizione non più valida (404/410): rimossa".into())
            }
            Esito::Vietato(m) => {
                self.metriche.conta(canale, 4);
                tracing::warn!(
                    iscrizione = d.id,
                    motivo = %m,
                    "subscription refused by the outbound rules: removed"
                );
                if let Err(e) = iscrizione::Entity::delete_by_id(d.id).exec(&self.db).await {
                    tracing::warn!(error = %e, "refused subscription not removed");
                }
                Registrazione::Fallito(format!("{m}: sottoscrizione rimossa"))
            }
            Esito::Rifiutato(m) => {
                self.metriche.conta(canale, 2);
                Registrazione::Fallito(m)
            }
        }
    }

    async fn invia_uno(&self, canale: &str, d: &Destinatario, c: &Contenuto) -> Esito {
        match canale {
            canale::EMAIL => {
                let Some((posta, sem)) = &self.posta else {
                    return Esito::Riprova {
                        dopo: None,
                        motivo: "e-mail non configurata".into(),
                    };
                };
                let _p = sem.acquire().await;
                posta
                    .invia(&Email {
                        a: &d.indirizzo,
                        oggetto: &c.oggetto,
                        testo: &c.testo,
                        disiscrivi: c.disiscrivi.as_deref(),
                        allegato: None,
                    })
                    .await
            }
            canale::TELEGRAM => {
                let Some((t, ritmo)) = &self.telegram else {
                    return Esito::Riprova {
                        dopo: None,
                        motivo: "Telegram non configurato".into(),
                    };
                };
                // One post every `intervallo_chat` to one channel, reserved before waiting.
                let slot = {
                    let mut m = self.chat.lock().expect("chat");
                    let ora = Instant::now();
                    let slot = m.get(&d.indirizzo).copied().unwrap_or(ora).max(ora);
                    m.insert(d.indirizzo.clone(), slot + t.intervallo_chat);
                    slot
                };
                tokio::time::sleep_until(slot).await;
                ritmo.attendi().await;
                let e = crate::telegram::invia(&self.client, &t.bot, &d.indirizzo, &c.breve).await;
                if let Esito::Riprova { dopo: Some(d), .. } = &e {
                    ritmo.sospendi_fino(Instant::now() + *d);
                }
                e
            }
            canale::SMS => {
                let Some((s, ritmo)) = &self.sms else {
                    return Esito::Riprova {
                        dopo: None,
                        motivo: "SMS non configurati".into(),
                    };
                };
                ritmo.attendi().await;
                let e = crate::sms::invia(&self.client, &s.gateway, &d.indirizzo, &c.breve).await;
                if let Esito::Riprova { dopo: Some(d), .. } = &e {
                    ritmo.sospendi_fino(Instant::now() + *d);
                }
                e
            }
            altro => Esito::Rifiutato(format!("canale sconosciuto: {altro}")),
        }
    }
}
