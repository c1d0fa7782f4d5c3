//! From the alert state to messages: the notifier compares the state now with the levels
//! last notified (`stato_notificato`) and records each difference as a notification
//! (`notifiche`, `notifiche_voci`: comune, risk, level before and after), in one transaction
//! with the new memory; the fan-out (`piazza_alerts::outbox::distribuisci_blocco`) turns it
//! into one outbox row per subscriber concerned; the engine (`piazza_alerts::motore`) sends.
//!
//! Because it compares states, every way the state changes is covered alike — a document
//! ingested, an alert approved or cancelled, an alert that simply expires — and an unchanged
//! re-issue produces nothing. The first run on a database only records the state (nobody is
//! told about alerts that were in force before the service started).
//!
//! Exercises are never in the state: an approved exercise (or a CAP `Exercise` received) makes
//! a notification of its own, flagged, that reaches only subscribers marked as testers.
//!
//! [`Testi`] writes the messages, in Italian: short for SMS and Telegram, with a link to the
//! comune's alert page and the one-click unsubscribe.
//!
//! The notifier is here; the messages are in `testi`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use piazza_alerts::outbox;
use piazza_db::audit::Actor;
use piazza_db::entities::{
    allerta, allerta_voce, chiave_servizio, notifica, notifica_voce, stato_notificato,
};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::da_cap::RISCHI;
use super::iscrizioni::bit;
use super::store::{self, stato};
use crate::AppState;
use crate::kit::error::AppResult;
use crate::territorio::Territorio;

mod testi;

pub use testi::Testi;

/// Marks that the notifier has recorded a first state.
const INIZIALIZZATO: &str = "notificatore_dal";
/// An all-clear is worth sending for this long.
const VALIDITA_FINE: i64 = 12;

fn nome_rischio(r: &str) -> String {
    RISCHI
        .iter()
        .find(|(k, _)| *k == r)
        .map_or_else(|| r.to_owned(), |(_, n)| (*n).to_owned())
}

struct VoceNuova {
    comune_id: i64,
    rischio: String,
    prima: i32,
    dopo: i32,
    fino_a: Option<DateTime<Utc>>,
}

/// A notification to write: of a change of the state (its generation), or of an exercise.
struct Nuova {
    allerta_id: Option<i64>,
    /// `None` for an exercise.
    generazione: Option<i64>,
    titolo: String,
}

/// Writes a notification with its changes; returns its id.
async fn scrivi(
    c: &impl ConnectionTrait,
    t: &Territorio,
    nuova: Nuova,
    voci: &[VoceNuova],
    ora: DateTime<Utc>,
) -> AppResult<i64> {
    let scade = voci
        .iter()
        .map(|v| {
            if v.dopo > 0 {
                v.fino_a.unwrap_or(ora + Duration::hours(24))
            } else {
                ora + Duration::hours(VALIDITA_FINE)
            }
        })
        .max()
        .unwrap_or(ora)
        .max(ora + Duration::minutes(10));
    let n = notifica::Entity::insert(notifica::ActiveModel {
        allerta_id: Set(nuova.allerta_id),
        esercitazione: Set(nuova.generazione.is_none()),
        generazione: Set(nuova.generazione),
        titolo: Set(nuova.titolo),
        creata_at: Set(outbox::al_ms(ora)),
        scade_at: Set(outbox::al_ms(scade)),
        distribuita_fino: Set(0),
        distribuita_at: Set(None),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;
    for parte in voci.chunks(500) {
        notifica_voce::Entity::insert_many(parte.iter().filter_map(|v| {
            let cm = t.comune_by_id(v.comune_id)?;
            Some(notifica_voce::ActiveModel {
                notifica_id: Set(n),
                comune_id: Set(v.comune_id),
                comune_codice: Set(cm.codice_istat.clone()),
                comune_nome: Set(cm.nome.clone()),
                rischio_nome: Set(nome_rischio(&v.rischio)),
                rischio_bit: Set(bit(&v.rischio)),
                rischio: Set(v.rischio.clone()),
                prima: Set(v.prima),
                dopo: Set(v.dopo),
                fino_a: Set(v.fino_a.map(outbox::al_ms)),
                ..Default::default()
            })
        }))
        .exec_without_returning(c)
        .await?;
    }
    Ok(n)
}

/// The last notified levels.
async fn memoria(c: &impl ConnectionTrait) -> AppResult<BTreeMap<(i64, String), i32>> {
    Ok(stato_notificato::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|s| ((s.comune_id, s.rischio), s.livello))
        .collect())
}

/// Replaces the memory with `stato`.
async fn ricorda(c: &impl ConnectionTrait, stato: &BTreeMap<(i64, String), i32>) -> AppResult<()> {
    stato_notificato::Entity::delete_many().exec(c).await?;
    let righe: Vec<_> = stato
        .iter()
        .filter(|(_, l)| **l > 0)
        .map(
            |((comune, rischio), livello)| stato_notificato::ActiveModel {
                comune_id: Set(*comune),
                rischio: Set(rischio.clone()),
                livello: Set(*livello),
                ..Default::default()
            },
        )
        .collect();
    for parte in righe.chunks(500) {
        stato_notificato::Entity::insert_many(parte.to_vec())
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// For each (comune, risk) of the alerts in force at `ora`: the latest expiry at the highest
/// level, and the alert giving the highest level (for the notification's title and link).
type InVigore = HashMap<(i64, String), (i32, Option<DateTime<Utc>>, i64)>;

async fn in_vigore(
    c: &impl ConnectionTrait,
    ora: DateTime<Utc>,
) -> AppResult<(InVigore, Vec<allerta::Model>)> {
    let attive = store::attive_al(c, ora).await?;
    let mut out = InVigore::new();
    let per_id: HashMap<i64, &allerta::Model> = attive.iter().map(|a| (a.id, a)).collect();
    let voci = allerta_voce::Entity::find()
        .filter(allerta_voce::Column::AllertaId.is_in(attive.iter().map(|a| a.id)))
        .all(c)
        .await?;
    for v in voci {
        let scadenza = per_id.get(&v.allerta_id).and_then(|a| a.scadenza);
        let e = out
            .entry((v.comune_id, v.rischio))
            .or_insert((v.livello, scadenza, v.allerta_id));
        if v.livello > e.0 {
            *e = (v.livello, scadenza, v.allerta_id);
        } else if v.livello == e.0 {
            e.1 = match (e.1, scadenza) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
    }
    Ok((out, attive))
}

/// Records the changes of the state since the last run as a notification (and any new
/// exercise as its own). Returns the ids of the notifications created.
pub async fn rileva(
    db: &DatabaseConnection,
    t: &Territorio,
    ora: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    // Nothing here is audited: the notification is its own record.
    let uow = Lavoro::apri(db, &Actor::system("notificatore")).await?;
    // One notifier at a time, whatever the number of nodes. The first run writes the memory's
    // marker row (a second first run waits on its key, then finds it); later runs lock it
    // until this transaction ends (on PostgreSQL a row lock, which the next notifier waits for
    // and then reads the memory this one wrote; SQLite's writer lock is already held). The
    // unique generation below stops a second notification regardless.
    let primo = chiave_servizio::Entity::insert(chiave_servizio::ActiveModel {
        nome: Set(INIZIALIZZATO.into()),
        valore: Set(ora.to_rfc3339()),
        created_at: Set(ora),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(chiave_servizio::Column::Nome)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&uow)
    .await?
        == 1;
    if !primo {
        uow.execute_raw(piazza_db::stmt(
            &uow,
            "UPDATE chiavi_servizio SET valore = valore WHERE nome = $1",
            vec![INIZIALIZZATO.into()],
        ))
        .await?;
    }
    let mut nuove = Vec::new();
    let adesso: BTreeMap<(i64, String), i32> = store::stato_al(&uow, ora)
        .await?
        .into_iter()
        .flat_map(|(comune, rischi)| {
            rischi
                .into_iter()
                .map(move |(r, l)| ((comune, r), l.numero()))
        })
        .collect();
    if primo {
        ricorda(&uow, &adesso).await?;
        uow.conferma().await?;
        return Ok(nuove);
    }
    let prima = memoria(&uow).await?;
    let mut chiavi: Vec<&(i64, String)> = prima.keys().chain(adesso.keys()).collect();
    chiavi.sort();
    chiavi.dedup();
    let cambi: Vec<((i64, String), i32, i32)> = chiavi
        .into_iter()
        .map(|k| {
            (
                k.clone(),
                prima.get(k).copied().unwrap_or(0),
                adesso.get(k).copied().unwrap_or(0),
            )
        })
        .filter(|(_, p, d)| p != d)
        .collect();
    if !cambi.is_empty() {
        let (vigore, attive) = in_vigore(&uow, ora).await?;
        let voci: Vec<VoceNuova> = cambi
            .iter()
            .map(|((comune_id, rischio), p, d)| VoceNuova {
                comune_id: *comune_id,
                rischio: rischio.clone(),
                prima: *p,
                dopo: *d,
                fino_a: vigore.get(&(*comune_id, rischio.clone())).and_then(|v| v.1),
            })
            .collect();
        // The alert behind the highest level that rose, for the title and the staff's link.
        let principale = cambi
            .iter()
            .filter(|(_, p, d)| d > p)
            .max_by_key(|(_, _, d)| *d)
            .and_then(|(k, _, _)| vigore.get(k))
            .and_then(|v| attive.iter().find(|a| a.id == v.2));
        let titolo = match principale {
            Some(a) => a.titolo.clone(),
            None => format!(
                "Fine o riduzione dell'allerta in {} comuni",
                voci.iter()
                    .map(|v| v.comune_id)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
            ),
        };
        let generazione: Option<i64> = notifica::Entity::find()
            .select_only()
            .column_as(notifica::Column::Generazione.max(), "g")
            .into_tuple()
            .one(&uow)
            .await?
            .flatten();
        let nuova = Nuova {
            allerta_id: principale.map(|a| a.id),
            generazione: Some(generazione.unwrap_or(0) + 1),
            titolo,
        };
        nuove.push(scrivi(&uow, t, nuova, &voci, ora).await?);
        ricorda(&uow, &adesso).await?;
    }
    // Exercises approved or received in the last day, not yet notified.
    let esercitazioni = allerta::Entity::find()
        .filter(allerta::Column::Esercitazione.eq(true))
        .filter(allerta::Column::Stato.eq(stato::NON_PUBBLICA))
        .filter(allerta::Column::MsgType.is_in(["Alert", "Update"]))
        .filter(allerta::Column::RicevutaAt.gt(ora - Duration::days(1)))
        .filter(
            sea_orm::Condition::any()
                .add(allerta::Column::CompostaDa.is_null())
                .add(allerta::Column::ApprovataAt.is_not_null()),
        )
        .filter(
            sea_orm::Condition::any()
                .add(allerta::Column::Scadenza.is_null())
                .add(allerta::Column::Scadenza.gt(ora)),
        )
        .order_by_asc(allerta::Column::Id)
        .all(&uow)
        .await?;
    for e in esercitazioni {
        let gia = notifica::Entity::find()
            .filter(notifica::Column::AllertaId.eq(e.id))
            .filter(notifica::Column::Esercitazione.eq(true))
            .one(&uow)
            .await?
            .is_some();
        if gia {
            continue;
        }
        let voci: Vec<VoceNuova> = store::voci(&uow, e.id)
            .await?
            .into_iter()
            .map(|v| VoceNuova {
                prima: 0,
                dopo: v.livello,
                fino_a: e.scadenza,
                comune_id: v.comune_id,
                rischio: v.rischio,
            })
            .collect();
        if !voci.is_empty() {
            let nuova = Nuova {
                allerta_id: Some(e.id),
                generazione: None,
                titolo: e.titolo.clone(),
            };
            nuove.push(scrivi(&uow, t, nuova, &voci, ora).await?);
        }
    }
    uow.conferma().await?;
    Ok(nuove)
}

/// The notifications not yet fully fanned out, oldest first.
pub async fn da_distribuire(db: &impl ConnectionTrait) -> AppResult<Vec<i64>> {
    Ok(notifica::Entity::find()
        .filter(notifica::Column::DistribuitaAt.is_null())
        .order_by_asc(notifica::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect())
}

/// Fans a notification out completely, block by block, waking the workers after each block
/// so the first messages leave while the rest is queued. The first block is small: the first
/// delivery should not wait for a million rows.
pub async fn distribuisci(
    db: &DatabaseConnection,
    id: i64,
    sveglia: &tokio::sync::Notify,
) -> AppResult<u64> {
    let mut blocco = 2_000;
    let mut totale = 0;
    while let Some(n) = outbox::distribuisci_blocco(db, id, blocco, Utc::now()).await? {
        totale += n;
        if n > 0 {
            sveglia.notify_waiters();
            // SQLite has one writer: leave the workers a moment to claim what is queued,
            // instead of taking the lock back at once for the next block.
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        blocco = (blocco * 2).min(20_000);
    }
    sveglia.notify_waiters();
    Ok(totale)
}

/// One pass: detect, then fan out whatever is pending (also what a crash interrupted).
pub async fn passo(state: &AppState) -> AppResult<()> {
    let t = state.territorio.get();
    rileva(&state.db, &t, Utc::now()).await?;
    for id in da_distribuire(&state.db).await? {
        distribuisci(&state.db_invii, id, &state.sveglia_invii).await?;
    }
    // Another node may have queued messages: this node's workers, idle, look at once.
    state.sveglia_invii.notify_waiters();
    Ok(())
}

/// The notifier's loop (started by `piazza serve`): after every change made through this
/// process, at the next start or expiry of an alert, and every 5 seconds (changes made by
/// another process, such as `piazza import bollettino`). Also applies the retention policy
/// once an hour.
pub fn avvia(state: AppState) {
    tokio::spawn(async move {
        let mut pulizia: Option<tokio::time::Instant> = None;
        loop {
            let cambiato = state.generazione.cambiata();
            tokio::pin!(cambiato);
            cambiato.as_mut().enable();
            if let Err(e) = passo(&state).await {
                tracing::warn!(error = %e, "notifier: pass failed");
            }
            if pulizia.is_none_or(|p| p.elapsed() >= std::time::Duration::from_secs(3600)) {
                pulizia = Some(tokio::time::Instant::now());
                let ora = Utc::now();
                let cfg = &state.config;
                let r = async {
                    outbox::scadi(&state.db, ora).await?;
                    outbox::pulisci(
                        &state.db,
                        ora - Duration::days(cfg.allerte.giorni_conservazione_invii),
                        ora - Duration::hours(cfg.allerte.ore_conferma),
                    )
                    .await
                }
                .await;
                if let Err(e) = r {
                    tracing::warn!(error = %e, "retention: cleanup failed");
                }
            }
            let mut attesa = std::time::Duration::from_secs(5);
            if let Ok(Some(p)) = store::prossimo_cambio(&state.db, Utc::now()).await
                && let Ok(d) = (p - Utc::now() + Duration::milliseconds(200)).to_std()
            {
                attesa = attesa.min(d);
            }
            let _ = tokio::time::timeout(attesa, cambiato).await;
        }
    });
}
