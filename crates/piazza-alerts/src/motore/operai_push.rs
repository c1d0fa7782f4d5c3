//! The engine's web-push workers: per push service, a few workers each on one kept-open
//! connection, encrypting a few messages in a row and then sending them; a push service that
//! answers 429 or cannot be reached is paused, one the outbound rules refuse is not asked
//! again for the rest of the block.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use piazza_push::Sottoscrizione;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::{Contenuto, Destinatario, Motore};
use crate::outbox::Prenotato;
use crate::{Esito, push};

impl Motore {
    /// Sends a block of web-push messages: per push service, up to `push_per_origine`
    /// workers (within `push_concorrenza` overall), each on one kept-open connection, taking
    /// the next message until none is left.
    pub(super) async fn invia_push_lotto(self: &Arc<Self>, lavori: Vec<Lavoro>) -> Vec<Risultato> {
        let mut fatti = Vec::new();
        let mut code: HashMap<String, Vec<(Lavoro, Sottoscrizione)>> = HashMap::new();
        for (p, d, c) in lavori {
            let s = match (&d.p256dh, &d.auth) {
                (Some(k), Some(a)) => {
                    Sottoscrizione::da_json(&d.indirizzo, k, a).map_err(|e| e.to_string())
                }
                _ => Err("sottoscrizione push senza chiavi".into()),
            };
            let origine = piazza_push::origine(&d.indirizzo)
                .ok_or_else(|| format!("indirizzo push non valido: {}", d.indirizzo));
            match (s, origine) {
                (Ok(s), Ok(o)) => code.entry(o).or_default().push(((p, d, c), s)),
                (Err(e), _) | (_, Err(e)) => fatti.push((p, d, Esito::Rifiutato(e))),
            }
        }
        let mut operai = tokio::task::JoinSet::new();
        for (origine, coda) in code {
            let n = coda.len().min(self.cfg.push_per_origine.max(1));
            let coda: Coda = Arc::new(Mutex::new(coda.into()));
            for _ in 0..n {
                operai.spawn(self.clone().operaio_push(origine.clone(), coda.clone()));
            }
        }
        while let Some(r) = operai.join_next().await {
            if let Ok(r) = r {
                fatti.extend(r);
            }
        }
        fatti
    }

    /// One worker of [`Motore::invia_push_lotto`] for one push service.
    async fn operaio_push(self: Arc<Self>, origine: String, coda: Coda) -> Vec<Risultato> {
        let mut fatti = Vec::new();
        let Ok(_tutti) = self.push_tutti.clone().acquire_owned().await else {
            return fatti;
        };
        let sem = {
            let mut m = self.push_origini.lock().expect("origini");
            m.entry(origine.clone())
                .or_insert_with(|| {
                    (
                        Arc::new(Semaphore::new(self.cfg.push_per_origine.max(1))),
                        Instant::now(),
                    )
                })
                .0
                .clone()
        };
        let Ok(_origine) = sem.acquire_owned().await else {
            return fatti;
        };
        let mut conn: Option<push::Connessione> = None;
        // The push service refused by the rules: every message to it gets the same.
        let mut rifiutato: Option<Esito> = None;
        let mut pronti = Vec::with_capacity(CIFRATI_DI_FILA);
        loop {
            // A few messages encrypted in a row (the curve's tables stay in the cache), then
            // sent one after the other.
            let presi: Vec<_> = {
                let mut q = coda.lock().expect("coda");
                let n = q.len().min(CIFRATI_DI_FILA);
                q.drain(..n).collect()
            };
            if presi.is_empty() {
                break;
            }
            let ora = Utc::now();
            for ((p, d, c), s) in presi {
                if let Some(e) = self.in_pausa(&origine) {
                    fatti.push((p, d, e));
                    continue;
                }
                let m = push::Messaggio {
                    corpo: c.push.as_bytes(),
                    ttl: (p.scade_at - ora).num_seconds().max(0) as u64,
                    urgente: c.urgente,
                    argomento: c.argomento.as_deref(),
                };
                match push::prepara(
                    &self.mittente,
                    &origine,
                    &s,
                    &m,
                    ora.timestamp().max(0) as u64,
                ) {
                    Ok(pronto) => pronti.push((p, d, pronto)),
                    Err(e) => fatti.push((p, d, e)),
                }
            }
            let mut da_inviare: std::collections::VecDeque<_> = pronti.drain(..).collect();
            let mut riprovati = 0;
            while let Some((p, d, pronto)) = da_inviare.pop_front() {
                if let Some(e) = self.in_pausa(&origine).or_else(|| rifiutato.clone()) {
                    fatti.push((p, d, e));
                    continue;
                }
                if !conn.as_ref().is_some_and(push::Connessione::aperta) {
                    match self.connessioni.prendi(&origine).await {
                        Ok(c) => conn = Some(c),
                        Err(e @ Esito::Riprova { .. }) => {
                            // Unreachable: the others wait instead of trying one by one.
                            self.pausa_push(&origine, PAUSA_IRRAGGIUNGIBILE);
                            fatti.push((p, d, e));
                            continue;
                        }
                        Err(e) => {
                            rifiutato = Some(e.clone());
                            fatti.push((p, d, e));
                            continue;
                        }
                    }
                }
                let Some(k) = conn.as_mut() else { continue };
                let fila = self.fila(&origine).min(da_inviare.len() + 1);
                if fila <= 1 {
                    let e = push::spedisci(&self.connessioni, k, pronto).await;
                    self.dopo_esito(&origine, &e, &mut rifiutato);
                    fatti.push((p, d, e));
                    continue;
                }
                // Several requests in a row on the connection (HTTP/1.1 pipelining).
                let mut lotto = vec![(p, d, pronto)];
                lotto.extend(da_inviare.drain(..fila - 1));
                let richieste: Vec<&push::Pronto> = lotto.iter().map(|l| &l.2).collect();
                let (esiti, tace) = push::spedisci_in_fila(&self.connessioni, k, &richieste).await;
                if tace {
                    self.senza_fila(&origine);
                }
                let mut non_ricevuti = Vec::new();
                for ((p, d, pronto), e) in lotto.into_iter().zip(esiti) {
                    match e {
                        Some(e) => {
                            self.dopo_esito(&origine, &e, &mut rifiutato);
                            fatti.push((p, d, e));
                        }
                        None => non_ricevuti.push((p, d, pronto)),
                    }
                }
                // Not received (the connection ended before them): again, on a new one.
                if !non_ricevuti.is_empty() {
                    riprovati += 1;
                    for (p, d, pronto) in non_ricevuti.into_iter().rev() {
                        if riprovati > 3 {
                            let e = Esito::Riprova {
                                dopo: None,
                                motivo: "il servizio push chiude le connessioni".into(),
                            };
                            fatti.push((p, d, e));
                        } else {
                            da_inviare.push_front((p, d, pronto));
                        }
                    }
                }
            }
        }
        if let Some(c) = conn {
            self.connessioni.restituisci(c);
        }
        fatti
    }

    /// How many requests go in a row on one connection to `origine`: `push_in_fila`, or one
    /// for a push service that did not answer requests in a row.
    fn fila(&self, origine: &str) -> usize {
        if self.cfg.push_in_fila <= 1
            || self
                .push_senza_fila
                .lock()
                .expect("senza fila")
                .contains(origine)
        {
            1
        } else {
            self.cfg.push_in_fila
        }
    }

    /// From now on, one request at a time to `origine`.
    fn senza_fila(&self, origine: &str) {
        if self
            .push_senza_fila
            .lock()
            .expect("senza fila")
            .insert(origine.to_owned())
        {
            tracing::warn!(
                origine,
                "push service dropped requests sent in a row: one at a time from now on"
            );
        }
    }

    /// What an outcome says of the push service: a pause it asked for, or a refusal that
    /// holds for every message to it.
    fn dopo_esito(&self, origine: &str, e: &Esito, rifiutato: &mut Option<Esito>) {
        if let Esito::Riprova { dopo: Some(t), .. } = e {
            self.pausa_push(origine, *t);
        }
        if matches!(e, Esito::Vietato(_)) {
            // Refused when a closed connection was replaced.
            *rifiutato = Some(e.clone());
        }
    }

    /// While `origine` is paused: what a message to it gets (retry when the pause ends).
    fn in_pausa(&self, origine: &str) -> Option<Esito> {
        let fino = self.push_origini.lock().expect("origini").get(origine)?.1;
        let dopo = fino
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())?;
        Some(Esito::Riprova {
            dopo: Some(dopo),
            motivo: "servizio push in pausa".into(),
        })
    }

    /// No request to `origine` for `durata` (its `Retry-After`, or it is unreachable).
    fn pausa_push(&self, origine: &str, durata: Duration) {
        if let Some(v) = self.push_origini.lock().expect("origini").get_mut(origine) {
            v.1 = v.1.max(Instant::now() + durata);
        }
    }
}

/// A message to send: the claimed row, its recipient, what it says.
type Lavoro = (Prenotato, Arc<Destinatario>, Contenuto);
/// The web-push messages of a block for one push service, shared by its workers.
type Coda = Arc<Mutex<std::collections::VecDeque<(Lavoro, Sottoscrizione)>>>;
/// A message and the channel's answer.
type Risultato = (Prenotato, Arc<Destinatario>, Esito);

/// Messages a push worker encrypts in a row before sending them.
const CIFRATI_DI_FILA: usize = 16;

/// How long a push service that cannot be reached is left alone.
const PAUSA_IRRAGGIUNGIBILE: Duration = Duration::from_secs(10);
