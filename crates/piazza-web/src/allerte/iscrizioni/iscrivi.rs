//! Subscribing: an e-mail or mobile number (waiting for its confirmation), or a browser's push
//! subscription; the consent text kept once.

use chrono::{DateTime, Duration, Utc};
use piazza_alerts::canale;
use piazza_alerts::outbox::{self, iscrizione_stato};
use piazza_db::entities::{consenso, invio, iscrizione};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};

use super::{
    CONSENSO, IscrizioneForm, NuovaIscrizione, Preferenze, lavoro, scrivi_comuni, valida_preferenze,
};
use crate::allerte::store::sha256;
use crate::kit::error::{AppError, AppResult};
use crate::kit::view::FormErrors;
use crate::territorio::Territorio;

/// The consent text's row, created on first use.
async fn consenso_id(c: &impl ConnectionTrait, testo: &str) -> AppResult<i64> {
    let h = sha256(testo);
    let trova = || consenso::Entity::find().filter(consenso::Column::Sha256.eq(&h));
    if let Some(k) = trova().one(c).await? {
        return Ok(k.id);
    }
    consenso::Entity::insert(consenso::ActiveModel {
        sha256: Set(h.clone()),
        testo: Set(testo.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(consenso::Column::Sha256)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(trova()
        .one(c)
        .await?
        .ok_or_else(|| AppError::interno("consenso non salvato"))?
        .id)
}

fn nuova_riga(
    canale: &str,
    indirizzo: &str,
    p: &Preferenze,
    stato: &str,
    consenso_id: i64,
    ora: DateTime<Utc>,
) -> iscrizione::ActiveModel {
    iscrizione::ActiveModel {
        canale: Set(canale.to_owned()),
        indirizzo: Set(indirizzo.to_owned()),
        p256dh: Set(None),
        auth: Set(None),
        soglia: Set(p.soglia),
        rischi: Set(p.rischi),
        fine_allerta: Set(p.fine_allerta),
        tester: Set(false),
        stato: Set(stato.to_owned()),
        consenso_id: Set(consenso_id),
        consenso_at: Set(ora),
        confermata_at: Set((stato == iscrizione_stato::ATTIVA).then_some(ora)),
        created_at: Set(ora),
        ..Default::default()
    }
}

async fn per_indirizzo(
    c: &impl ConnectionTrait,
    canale: &str,
    indirizzo: &str,
) -> AppResult<Option<iscrizione::Model>> {
    Ok(iscrizione::Entity::find()
        .filter(iscrizione::Column::Canale.eq(canale))
        .filter(iscrizione::Column::Indirizzo.eq(indirizzo))
        .one(c)
        .await?)
}

/// A confirmation message is queued at most once per this interval for one subscription.
const INTERVALLO_CONFERME: i64 = 10;

/// Subscribes by e-mail and/or SMS (double opt-in), in one transaction: a new address waits
/// for confirmation; one still waiting takes the new preferences; an active one is left as it
/// is (its owner changes it from the manage link). Each gets a confirmation message, at most
/// one every ten minutes. Returns the subscription ids.
pub async fn iscrivi(
    db: &DatabaseConnection,
    n: &NuovaIscrizione,
    ora: DateTime<Utc>,
    ore_conferma: i64,
) -> AppResult<Vec<i64>> {
    let uow = lavoro(db).await?;
    let consenso = consenso_id(&uow, CONSENSO).await?;
    let mut ids = Vec::new();
    for (c, indirizzo) in [
        (canale::EMAIL, n.email.as_deref()),
        (canale::SMS, n.telefono.as_deref()),
    ] {
        let Some(indirizzo) = indirizzo else { continue };
        let riga = match per_indirizzo(&uow, c, indirizzo).await? {
            None => {
                let r = nuova_riga(
                    c,
                    indirizzo,
                    &n.preferenze,
                    iscrizione_stato::DA_CONFERMARE,
                    consenso,
                    ora,
                )
                .insert(&uow)
                .await?;
                scrivi_comuni(&uow, r.id, &n.preferenze.comuni).await?;
                r
            }
            Some(r) if r.stato == iscrizione_stato::DA_CONFERMARE => {
                let mut a = r.into_active_model();
                a.soglia = Set(n.preferenze.soglia);
                a.rischi = Set(n.preferenze.rischi);
                a.fine_allerta = Set(n.preferenze.fine_allerta);
                a.consenso_id = Set(consenso);
                a.consenso_at = Set(ora);
                let r = a.update(&uow).await?;
                scrivi_comuni(&uow, r.id, &n.preferenze.comuni).await?;
                r
            }
            Some(r) => r,
        };
        let recenti = invio::Entity::find()
            .filter(invio::Column::NotificaId.is_null())
            .filter(invio::Column::DestinatarioId.eq(riga.id))
            .filter(invio::Column::Canale.eq(c))
            .filter(
                invio::Column::CreatedAt
                    .gt(outbox::al_ms(ora - Duration::minutes(INTERVALLO_CONFERME))),
            )
            .count(&uow)
            .await?;
        if recenti == 0 {
            outbox::accoda_conferma(&uow, &riga, ora, ora + Duration::hours(ore_conferma)).await?;
        }
        ids.push(riga.id);
    }
    uow.conferma().await?;
    Ok(ids)
}

/// What a browser sends after `pushManager.subscribe()`, with the preferences.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PushJson {
    pub endpoint: String,
    pub keys: PushKeys,
    #[serde(default)]
    pub comuni: Vec<String>,
    #[serde(default)]
    pub rischi: Vec<String>,
    #[serde(default)]
    pub soglia: String,
    #[serde(default)]
    pub fine_allerta: bool,
    #[serde(default)]
    pub consenso: bool,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct PushKeys {
    pub p256dh: String,
    pub auth: String,
}

/// Validates a push subscription: an endpoint the server may post to under `rete` (`https`
/// to a public address of an allowed push service: otherwise anybody could make the server
/// post inside its network; the delivery engine checks again when it connects), keys that
/// encrypt, preferences, consent.
pub fn valida_push(
    j: &PushJson,
    t: &Territorio,
    rete: &piazza_net::Regole,
) -> Result<Preferenze, FormErrors> {
    let mut e = FormErrors::default();
    let f = IscrizioneForm {
        comuni: j.comuni.clone(),
        rischi: j.rischi.clone(),
        soglia: j.soglia.clone(),
        fine_allerta: j.fine_allerta,
        ..Default::default()
    };
    let p = valida_preferenze(&f, t, &mut e);
    if j.endpoint.len() > 1024 || piazza_push::origine(&j.endpoint).is_none() {
        e.add(
            "endpoint",
            "Indirizzo della sottoscrizione push non valido.",
        );
    } else if let Err(r) = piazza_net::verifica_url(&j.endpoint, rete) {
        e.add(
            "endpoint",
            format!("Indirizzo della sottoscrizione push non ammesso: {r}"),
        );
    }
    if piazza_push::Sottoscrizione::da_json(&j.endpoint, &j.keys.p256dh, &j.keys.auth).is_err() {
        e.add("endpoint", "Chiavi della sottoscrizione push non valide.");
    }
    if !j.consenso {
        e.add(
            "consenso",
            "Per iscriverti serve il consenso al trattamento dei dati.",
        );
    }
    if e.is_empty() { Ok(p) } else { Err(e) }
}

/// What a push subscription request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EsitoPush {
    /// A new subscription (its id).
    Nuova(i64),
    /// The same browser again (the endpoint and its secret `auth` match): new preferences.
    Aggiornata(i64),
    /// The endpoint is subscribed with another secret: nothing changed, nothing to show.
    /// Only the browser holds the secret; whoever knows an endpoint cannot take it over.
    GiaIscritta,
}

/// Subscribes a browser, or updates the preferences of the same browser (the endpoint and
/// its `auth` secret both match, compared in constant time).
pub async fn iscrivi_push(
    db: &DatabaseConnection,
    j: &PushJson,
    p: &Preferenze,
    ora: DateTime<Utc>,
) -> AppResult<EsitoPush> {
    let uow = lavoro(db).await?;
    let consenso = consenso_id(&uow, CONSENSO).await?;
    let esito = match per_indirizzo(&uow, canale::PUSH, &j.endpoint).await? {
        Some(r) => {
            let stesso = r.auth.as_deref().is_some_and(|a| {
                piazza_alerts::chiavi::uguali(a.as_bytes(), j.keys.auth.as_bytes())
            }) && r.p256dh.as_deref() == Some(j.keys.p256dh.as_str());
            if !stesso {
                return Ok(EsitoPush::GiaIscritta);
            }
            let mut a = r.into_active_model();
            a.soglia = Set(p.soglia);
            a.rischi = Set(p.rischi);
            a.fine_allerta = Set(p.fine_allerta);
            a.consenso_id = Set(consenso);
            a.consenso_at = Set(ora);
            EsitoPush::Aggiornata(a.update(&uow).await?.id)
        }
        None => {
            let mut a = nuova_riga(
                canale::PUSH,
                &j.endpoint,
                p,
                iscrizione_stato::ATTIVA,
                consenso,
                ora,
            );
            a.p256dh = Set(Some(j.keys.p256dh.clone()));
            a.auth = Set(Some(j.keys.auth.clone()));
            EsitoPush::Nuova(a.insert(&uow).await?.id)
        }
    };
    let id = match esito {
        EsitoPush::Nuova(id) | EsitoPush::Aggiornata(id) => id,
        EsitoPush::GiaIscritta => unreachable!("returned above"),
    };
    scrivi_comuni(&uow, id, &p.comuni).await?;
    uow.conferma().await?;
    Ok(esito)
}
